"""Issue 26's values that cannot be: each is a bad cell, one error naming the rep, or refused.

Impossible dates are bad cells (Arrow reads 04/31/2017 as 1 May); sums that overflow are
one error naming the rep; a UTF-8 export with a Windows-1252 row reads that row right,
reports it, and keeps the rep whole; a quote never closed is refused, not a swallowed
file; a mapping that gives one stage two meanings, an odd ``extends`` or an empty column
name is one line.
"""

from __future__ import annotations

import csv
import warnings
from pathlib import Path

import pyarrow as pa
import pytest

from gapdiag.cli import ExitStatus
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.sources._parse import days
from gapdiag.sources.ingest import ingest, read_exports

from .test_hardening import one_line, run

HEADER = "Opportunity Name,Opportunity Owner,Account Name,Stage,Amount,Created Date,Close Date\n"
SF_FORMATS = ("%m/%d/%Y", "%m/%d/%Y %I:%M %p", "%Y-%m-%d")


def export(path: Path, *rows: str, encoding: str = "utf-8") -> Path:
    """An opportunity export with the given data lines."""
    path.write_bytes((HEADER + "".join(f"{r}\n" for r in rows)).encode(encoding))
    return path


def problems(path: Path) -> list[dict[str, str]]:
    """The rows of an errors file."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- impossible dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["04/31/2017", "02/30/2017", "02/29/2017", "2017-02-30", "2017-04-31T10:00:00Z"]
)
def test_an_impossible_date_is_a_bad_cell(cell: str) -> None:
    """A day its month does not have is not read as the next month's first days."""
    _, bad = days(pa.array([cell, "04/03/2017"]), SF_FORMATS)
    assert bad.tolist() == [True, False]


@pytest.mark.parametrize("cell", ["02/29/2016", "4/3/2017", "04/01/2017 11:05 PM", "2017-03-01"])
def test_real_dates_on_the_first_days_stay_read(cell: str) -> None:
    """Leap days and the 1st to 3rd of a month (where roll-overs land) still read."""
    _, bad = days(pa.array([cell]), SF_FORMATS)
    assert bad.tolist() == [False]


def test_impossible_dates_in_formats_without_separators() -> None:
    """'20170431' is refused too (Python's strptime checks formats whose numbers touch)."""
    _, bad = days(pa.array(["20170401", "20170431", "20170229"]), ("%Y%m%d",))
    assert bad.tolist() == [False, True, True]


def test_impossible_close_date_is_reported_not_moved(tmp_path: Path) -> None:
    """ingest: 04/31/2017 is a bad cell naming the impossible day, never 1 May."""
    opps = export(
        tmp_path / "opps.csv",
        "D1,Ana,A,Closed Won,100,04/01/2017,04/31/2017",
        "D2,Ana,A,Closed Won,100,04/01/2017,04/20/2017",
    )
    code, out, err = run(
        "ingest", str(opps), "--period", "2017-Q2", "--out", str(tmp_path / "r.csv")
    )
    assert code == ExitStatus.FINDINGS, err
    assert "a day its month does not have" in out
    (row,) = problems(tmp_path / "r.errors.csv")
    assert (row["row"], row["value"]) == ("2", "04/31/2017")


# --- sums that overflow ----------------------------------------------------------------------


def test_amounts_that_overflow_are_one_error_naming_the_rep(tmp_path: Path) -> None:
    """Two amounts of 1e308 are one line naming the rep and the column; no output, no warning."""
    opps = export(
        tmp_path / "opps.csv",
        "D1,Ana,A,Closed Won,1e308,04/01/2017,04/20/2017",
        "D2,Ana,A,Closed Won,1e308,04/01/2017,04/20/2017",
        "D3,Ben,A,Closed Won,100,04/01/2017,04/20/2017",
    )
    out = tmp_path / "r.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        err = one_line("ingest", str(opps), "--period", "2017-Q2", "--out", str(out), says="'Ana'")
    assert "pipeline.closed_won" in err
    assert "'Amount'" in err
    assert not out.exists()


def test_open_amounts_that_overflow_are_refused_too(tmp_path: Path) -> None:
    """Open deals of 1e308 (inf - inf was a silent empty open pipeline) are one error."""
    opps = export(
        tmp_path / "opps.csv",
        "D1,Cy,A,Prospecting,1e308,04/01/2017,05/20/2017",
        "D2,Cy,A,Prospecting,1e308,04/01/2017,05/20/2017",
    )
    with pytest.raises(InvalidMetrics, match=r"'Cy'.*add up past"):
        ingest(period="2017-Q2", opportunities=opps)


def test_call_durations_that_overflow_name_the_rep(tmp_path: Path) -> None:
    """Activity durations summed past a float name the rep and the duration column."""
    acts = tmp_path / "acts.csv"
    acts.write_text(
        '"Assigned","Task Subtype","Date","Call Duration"\n'
        "Ana,Call,04/03/2017,1.7e308\nAna,Call,04/04/2017,1.7e308\n"
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("extends: salesforce\nactivities:\n  duration_unit: minutes\n")
    with pytest.raises(InvalidMetrics, match="'Call Duration' cells of rep 'Ana'"):
        ingest(period="2017-Q2", activities=[acts], mapping=mapping)


# --- mixed encodings -------------------------------------------------------------------------


def test_one_windows_1252_row_in_a_utf8_export_keeps_the_rep_whole(tmp_path: Path) -> None:
    """José Müller stays one rep with his team; the odd row is reported with its number."""
    good = "D{},José Müller,A,Closed Won,100,04/03/2017,04/20/2017"
    path = tmp_path / "opps.csv"
    lines = [good.format(i).encode() for i in range(4)]
    lines.insert(2, good.format(9).encode("cp1252"))
    path.write_bytes(HEADER.encode() + b"\n".join(lines) + b"\n")
    teams = tmp_path / "teams.csv"
    teams.write_text("Rep,Team\nJosé Müller,East\n", encoding="utf-8")
    result = read_exports(period="2017-Q2", opportunities=path, teams=teams)
    (rep,) = result.rows
    assert (rep["rep_id"], rep["team"], rep["pipeline.closed_won"]) == ("José Müller", "East", 500)
    assert result.bad_rows == 1
    errors = tmp_path / "e.csv"
    result.write_errors(errors)
    (row,) = problems(errors)
    assert row["row"] == "4"
    assert "Windows-1252" in row["reason"]
    assert "José Müller" in row["value"]
    assert not any("Windows-1252" in n for f in result.files for n in f.notes)


def test_a_whole_windows_1252_export_is_still_read_with_a_note(tmp_path: Path) -> None:
    """With no UTF-8 in it at all, the file is Windows-1252 throughout (one note)."""
    path = export(
        tmp_path / "opps.csv", "D1,José Müller,A,Closed Won,100,04/03/2017,04/20/2017",
        encoding="cp1252",
    )  # fmt: skip
    result = read_exports(period="2017-Q2", opportunities=path)
    assert result.rows[0]["rep_id"] == "José Müller"
    assert result.bad_rows == 0
    assert any("Windows-1252" in n for n in result.files[0].notes)


def test_a_row_neither_utf8_nor_windows_1252_is_one_line(tmp_path: Path) -> None:
    """A byte no encoding read here decodes is one error naming file and line."""
    path = tmp_path / "opps.csv"
    path.write_bytes(
        HEADER.encode()
        + "D1,José,A,Closed Won,1,04/03/2017,04/20/2017\n".encode()
        + b"D2,Jos\x81,A,Closed Won,1,04/03/2017,04/20/2017\n"
    )
    with pytest.raises(InvalidArgument, match=r"opps\.csv:3: the line is neither UTF-8"):
        read_exports(period="2017-Q2", opportunities=path)


# --- a quote never closed --------------------------------------------------------------------


def test_a_quote_never_closed_is_refused_naming_its_row(tmp_path: Path) -> None:
    """The last column's open quote no longer swallows 10 rows into one cell (exit 0 before)."""
    rows = [f"D{i},Ana,A,Closed Won,1000,01/05/2017,02/10/2017" for i in range(11)]
    rows[2] = 'D2,Ana,A,Closed Won,1000,01/05/2017,"02/10/2017'
    rows.append("D99,Ben,A,Closed Won,100000000,01/05/2017,02/10/2017")
    opps = export(tmp_path / "opps.csv", *rows)
    out = tmp_path / "r.csv"
    one_line("ingest", str(opps), "--period", "2017", "--out", str(out), says="opps.csv:4:")
    assert not out.exists()


def test_a_quote_inside_an_unquoted_cell_is_text(tmp_path: Path) -> None:
    """An odd count of quotes from '5" screen' is not a quote left open: the file reads."""
    opps = export(
        tmp_path / "opps.csv",
        'D1 5" screen,Ana,A,Closed Won,100,04/03/2017,04/20/2017',
        "D2,Ana,A,Closed Won,100,04/03/2017,04/20/2017",
    )
    (rep,) = ingest(period="2017-Q2", opportunities=opps)
    assert rep["pipeline.closed_won"] == 200


# --- mappings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("extends: [salesforce]\n", 'extends: ["salesforce"] is not a preset name'),
        ("extends: {a: 1}\n", 'extends: {"a": 1} is not a preset name'),
        ('extends: salesforce\nopportunities:\n  owner: ""\n', "opportunities.owner: is empty"),
        (
            "extends: salesforce\nopportunities:\n  lost: [Closed Lost, closed won]\n",
            "'closed won' is under both won and lost",
        ),
        (
            "extends: salesforce\nactivities:\n  meetings: [Call]\n",
            "'Call' is under both calls and meetings",
        ),
    ],
    ids=["extends-list", "extends-mapping", "empty-owner", "won-and-lost", "call-and-meeting"],
)
def test_a_mapping_that_cannot_be_is_one_line(tmp_path: Path, body: str, says: str) -> None:
    """Each mapping that broke ingest with a traceback, or halved a win rate, is one line."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text(body)
    opps = export(tmp_path / "opps.csv", "D1,Ana,A,Closed Won,100,04/03/2017,04/20/2017")
    one_line(
        "ingest", str(opps), "--map", str(mapping), "--period", "2017-Q2",
        "--out", str(tmp_path / "r.csv"), says=says,
    )  # fmt: skip


def test_a_windows_1252_row_past_the_first_megabyte_is_found_on_reading(tmp_path: Path) -> None:
    """The odd row far down a UTF-8 file (not sniffed) makes a second, line-by-line reading."""
    good = "D,José Müller,A,Closed Won,1,04/03/2017,04/20/2017\n".encode()
    odd = "D,José Müller,A,Closed Won,1,04/03/2017,04/20/2017\n".encode("cp1252")
    path = tmp_path / "opps.csv"
    path.write_bytes(HEADER.encode() + good * 25_000 + odd + good)
    result = read_exports(period="2017-Q2", opportunities=path)
    (rep,) = result.rows
    assert rep["pipeline.closed_won"] == 25_002
    assert result.bad_rows == 1
    errors = tmp_path / "e.csv"
    result.write_errors(errors)
    assert problems(errors)[0]["row"] == "25002"
