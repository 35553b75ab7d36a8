"""Fuzzing the writers: what gapdiag writes, gapdiag reads back equal; calendars parse.

- the CSV writers (ingest's rows, the errors file, any `csv_text` table): a round trip
  through gapdiag's own readers gives back every cell, formula-safe on disk;
- the history writer: any set of rep ids gives one readable file per rep, each read back
  by `plan --history`'s reader as that rep, all listed in index.csv;
- the .ics writer: any texts give a calendar icalendar reads back, one event per series.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.cli.ingest import INDEX_STEM, rows_text, write_histories
from gapdiag.coaching.cadence import Session
from gapdiag.coaching.history import read_history_csv
from gapdiag.coaching.ics import series, to_ics
from gapdiag.engines.vector._frames import read_csv
from gapdiag.model._output import Outputs, csv_text
from gapdiag.model._text import FORMULA_STARTS, csv_value
from gapdiag.sources._bad_rows import ERROR_COLUMNS, BadRows

from . import hostile
from .test_fuzz import FUZZ, cli, files

pytestmark = pytest.mark.fuzz

# Text a CRM export or a transcript can hold: any character but a lone surrogate (decoded
# files never hold one) and NUL (the csv module refuses it on reading).
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
    | st.sampled_from(hostile.ODD.replace("\x00", "")),
    min_size=1,
    max_size=30,
)
NAME = TEXT.filter(lambda t: t.strip() == t and t.strip())  # ingest trims names
METRIC = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)


def week_rows(reps: list[str], weeks: int) -> list[dict[str, object]]:
    """Weekly rows as ingest makes them: keys, then a metric, for each rep and week."""
    first = dt.date(2026, 7, 6)
    return [
        {
            "rep_id": rep,
            "period_start": (first + dt.timedelta(weeks=w)).isoformat(),
            "period_end": (first + dt.timedelta(weeks=w, days=6)).isoformat(),
            "activity.calls_per_day": float(w + 1),
        }
        for rep in reps
        for w in range(weeks)
    ]


@FUZZ
@given(st.lists(st.tuples(NAME, TEXT, METRIC), min_size=1, max_size=6, unique_by=lambda r: r[0]))
def test_ingest_rows_read_back_equal(reps: list[tuple[str, str, float]]) -> None:
    """ingest's CSV read by the population reader gives back each rep id, team and number."""
    rows = [
        {
            "rep_id": rep,
            "team": team,
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "pipeline.closed_won": value,
        }
        for rep, team, value in reps
    ]
    text = rows_text(rows)
    assert not any(
        cell.startswith(FORMULA_STARTS) and not _number(cell)
        for line in csv.reader(io.StringIO(text, newline=""))
        for cell in line
    )
    with files(reps__csv=text.encode()) as root:
        frame = read_csv(root / "reps.csv")
    assert list(frame["rep_id"]) == [r for r, _, _ in reps]
    assert list(frame["team"]) == [t for _, t, _ in reps]
    assert all(
        math.isclose(a, b, rel_tol=1e-15)
        for a, b in zip(frame["pipeline.closed_won"], [v for _, _, v in reps], strict=True)
    )


def _number(cell: str) -> bool:
    """A cell a spreadsheet reads as a number (-5, -0.0), never as a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


@FUZZ
@given(st.lists(st.tuples(TEXT, st.integers(1, 10**6), TEXT, TEXT, TEXT), max_size=8))
def test_errors_file_reads_back_equal(records: list[tuple[str, int, str, str, str]]) -> None:
    """Every cell of the errors file (file names, values, reasons) reads back as written."""
    bad = BadRows()
    for file, row, column, value, reason in records:
        bad.add(file, column, reason, [row], [value])
    table = list(csv.reader(io.StringIO(bad.csv(), newline="")))
    assert table[0] == list(ERROR_COLUMNS)
    back = sorted(
        (csv_value(f), int(r), csv_value(c), csv_value(v), csv_value(why))
        for f, r, c, v, why in table[1:]
    )
    assert back == sorted(records)


@FUZZ
@given(st.lists(st.lists(TEXT | st.just(""), min_size=1, max_size=5), max_size=5))
def test_any_table_reads_back_equal(table: list[list[str]]) -> None:
    """csv_text of any cells, read by the csv module and csv_value, is the same table."""
    width = max((len(r) for r in table), default=1)
    rows = [r + [""] * (width - len(r)) for r in table]
    header = [f"c{i}" for i in range(width)]
    read = list(csv.reader(io.StringIO(csv_text(header, rows), newline="")))
    assert [[csv_value(c) for c in r] for r in read[1:]] == rows


@FUZZ
@given(st.lists(NAME, min_size=1, max_size=8, unique_by=lambda n: n.casefold()))
def test_history_files_read_back_as_their_rep(reps: list[str]) -> None:
    """One file per rep, each read back as that rep's weeks; index.csv lists every one."""
    with files() as root:
        with Outputs() as outputs:
            write_histories(week_rows(reps, 2), root / "hist", outputs)
        folder = root / "hist"
        with (folder / f"{INDEX_STEM}.csv").open(newline="", encoding="utf-8") as handle:
            index = {csv_value(r["rep_id"]): r["file"] for r in csv.DictReader(handle)}
        assert set(index) == set(reps)
        assert len({name.casefold() for name in index.values()}) == len(reps)
        assert {p.name for p in folder.iterdir()} == {*index.values(), f"{INDEX_STEM}.csv"}
        for rep, file in index.items():
            history = read_history_csv(folder / file)
            assert history.rep_id == rep
            assert len(history.weeks) == 2


@FUZZ
@given(hostile.crm_export(), st.sampled_from(["2017-04", "2017-Q1"]))
def test_fuzz_ingest_with_every_output(raw: bytes, period: str) -> None:
    """ingest on a hostile export with --errors and --history-dir: a result or one line."""
    with files(opps__csv=raw) as root:
        cli(
            "ingest", str(root / "opps.csv"), "--period", period, "--every", "week",
            "--out", str(root / "w.csv"), "--errors", str(root / "e.csv"),
            "--history-dir", str(root / "hist"),
        )  # fmt: skip
        leftovers = [p.name for p in Path(root).rglob(".gapdiag-*")]
        assert not leftovers


def session(title: str, detail: str, kind: str, week: int) -> Session:
    """A Monday 10:00 session of the given texts in week `week` from 6 July 2026."""
    return Session(
        kind=kind,
        week=week,
        date=dt.date(2026, 7, 6) + dt.timedelta(weeks=week - 1),
        start=dt.time(10),
        minutes=30,
        who="both",
        title=title,
        detail=detail,
    )


@FUZZ
@given(
    hostile.odd_text,
    st.lists(st.tuples(hostile.odd_text, hostile.odd_text, hostile.odd_text), max_size=4),
    st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"]),
)
def test_fuzz_ics_reads_back(rep: str, texts: list[tuple[str, str, str]], tz: str) -> None:
    """Any rep id and session texts: icalendar reads the file, one event per series."""
    planned = [session(t, d, k or "x", week) for week, (t, d, k) in enumerate(texts, start=1)]
    data = to_ics(planned, rep_id=rep, tz=tz, stamp=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    lines = data.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert len(events) == len(series(planned)) == lines.count(b"BEGIN:VEVENT")


@FUZZ
@given(hostile.rep_json())
def test_fuzz_plan_with_a_calendar(raw: bytes) -> None:
    """`plan FILE --ics` on hostile rep bytes: a plan and a calendar that parses, or one line."""
    with files(rep__json=raw) as root:
        ics = root / "plan.ics"
        code = cli("plan", str(root / "rep.json"), "--start", "2026-07-06", "--ics", str(ics),
                   "--out", str(root / "plan.txt"))  # fmt: skip
        if code == 0:  # a rep with nothing to coach has a calendar without events
            data = ics.read_bytes()
            events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
            assert len(events) == data.split(b"\r\n").count(b"BEGIN:VEVENT")
        else:
            assert not ics.exists()
