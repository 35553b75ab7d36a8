"""`gapdiag calls` and the calls API: CSV that merges with ingest, skipped files, frames."""

from __future__ import annotations

import csv
import json
import shutil
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

import gapdiag
from gapdiag import InvalidArgument
from gapdiag.cli import ExitStatus, main
from gapdiag.model.metrics import parse_metrics
from gapdiag.model.rows import rep_from_text
from gapdiag.sources.calls.report import calls_frame, read_calls
from gapdiag.sources.calls.vocab import DEFAULT_WORDS
from gapdiag.sources.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "calls"
DATA = Path(__file__).parent / "data" / "calls"


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; exit status, stdout and stderr."""
    out, err = StringIO(), StringIO()
    status = main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file."""
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_examples_to_csv(tmp_path: Path) -> None:
    """The shipped examples give one row per rep with the calls.* columns the rules read."""
    out = tmp_path / "calls.csv"
    status, text, _ = run(
        "calls", str(EXAMPLES), "--reps", str(EXAMPLES / "reps.yaml"), "--period", "2026-Q3",
        "--out", str(out),
    )  # fmt: skip
    assert status == ExitStatus.OK
    assert text.startswith(
        f"5 calls from 2 reps for 2026-Q3 -> {out} (0 transcripts skipped, 1 outside the period)"
    )
    assert "dana.reyes: listen to\n  weak: 2026-08-12_dana_harbor.json (scores 1.00 of 5" in text
    table = rows(out)
    assert [r["rep_id"] for r in table] == ["dana.reyes", "omar.haddad"]
    assert list(table[0]) == [
        "rep_id",
        "period_start",
        "period_end",
        "calls.discovery_questions_per_call",
        "calls.open_question_ratio",
        "calls.talk_ratio",
        "calls.longest_monologue_seconds",
    ]
    for row in table:  # every row is a valid rep for diagnose
        parse_metrics(rep_from_text(row))
    dana = gapdiag.diagnose(parse_metrics(rep_from_text(table[0])))
    assert any(
        e.rule.startswith("calls-") for v in dana.verdicts if v.gap == "skill" for e in v.evidence
    )


def test_merges_with_ingest_output() -> None:
    """The calls rows share rep_id and period columns with ingest's and merge one to one."""
    header = ["Opportunity Owner", "Stage", "Amount", "Created Date", "Close Date"]
    deals = [
        dict(zip(header, row, strict=True))
        for row in (
            ("dana.reyes", "Closed Won", "$20,000", "07/01/2026", "08/15/2026"),
            ("dana.reyes", "Prospecting", "$50,000", "07/10/2026", ""),
            ("omar.haddad", "Closed Lost", "$9,000", "06/01/2026", "07/20/2026"),
        )
    ]
    crm = pd.DataFrame(ingest(period="2026-Q3", opportunities=deals))
    calls = calls_frame(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3")
    merged = crm.merge(calls, on=["rep_id", "period_start", "period_end"], how="outer")
    assert len(merged) == 2
    assert merged.loc[merged.rep_id == "dana.reyes", "pipeline.closed_won"].item() == 20_000
    assert merged["calls.talk_ratio"].notna().all()
    report = calls.attrs["report"]
    assert [p.kind for p in report.reps[0].listen] == ["weak", "typical", "strong"]
    assert report.calls == ()  # calls_frame keeps memory flat


def test_bad_transcripts_are_reported_and_the_rest_still_count(tmp_path: Path) -> None:
    """Unreadable, empty, overlapping, rep-less and undated files are skipped and listed."""
    for name in ("2026-07-14_ana_handchecked.vtt", "ana_segments.json"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "2026-07-02_empty.vtt").write_text("", encoding="utf-8")
    (tmp_path / "2026-07-03_latin.vtt").write_bytes(b"WEBVTT\n\n\xff\n")
    (tmp_path / "2026-07-04_overlap.json").write_text(
        '[\n{"speaker": "Ana Rep", "start": 0, "end": 5, "text": "a"},\n'
        '{"speaker": "Ana Rep", "start": 2, "end": 6, "text": "b"}\n]',
        encoding="utf-8",
    )
    (tmp_path / "2026-07-05_norep.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Bo>Hi.</v>\n", encoding="utf-8"
    )
    (tmp_path / "undated.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ana Rep>Hi.</v>\n", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not a transcript", encoding="utf-8")
    out, per_call = tmp_path / "calls.csv", tmp_path / "per-call.csv"
    status, text, _ = run(
        "calls", str(tmp_path), "--rep", "ana.rep=Ana Rep", "--period", "2026-Q3",
        "--out", str(out), "--per-call", str(per_call),
    )  # fmt: skip
    assert status == ExitStatus.FINDINGS  # some transcripts were skipped
    lines = text.splitlines()
    assert lines[0] == (f"2 calls from 1 rep for 2026-Q3 -> {out} (6 transcripts skipped)")
    assert lines[1:7] == [
        "skipped 2026-07-02_empty.vtt:1: (header): does not start with 'WEBVTT' "
        "(not a WebVTT file)",
        "skipped 2026-07-03_latin.vtt:3: (file): is not UTF-8 text (byte 0xff; save it as UTF-8)",
        "skipped 2026-07-04_overlap.json:3: cue at 00:00:02.000: starts before the cue on line 2"
        " ends at 00:00:05.000, with the same speaker ('Ana Rep') (overlapping cues of one"
        " speaker: trim or merge them so their talk counts once)",
        "skipped 2026-07-05_norep.vtt:3: (speakers): no rep speaker among Bo (add the rep's name"
        " to the reps file)",
        "skipped notes.txt: (file): is not a transcript (expected times such as"
        " 'Dana Reyes  00:03', 'Dana Reyes (00:03):', or a line '00:03' or '00:00:03 -->"
        " 00:00:07' before each stretch of talk, or 'Name: words' lines from two or more"
        " speakers)",
        "skipped undated.vtt: (date): the call has no date (put YYYY-MM-DD in the file name, or"
        " 'date' in the JSON)",
    ]
    assert [r["rep_id"] for r in rows(out)] == ["ana.rep"]
    calls = rows(per_call)
    assert [c["file"] for c in calls] == ["2026-07-14_ana_handchecked.vtt", "ana_segments.json"]
    assert [c["listen"] for c in calls] == ["weak", "strong"]
    assert calls[0]["tracker.price.rep"] == "1"
    assert calls[0]["dated_next_step"] == "True"


def test_json_output_carries_everything(tmp_path: Path) -> None:
    """--json prints the report: reps with picks and trackers, calls and skipped files."""
    status, text, _ = run(
        "calls", str(DATA), "--reps", str(DATA / "reps.yaml"), "--period", "2026-Q3", "--json",
    )  # fmt: skip
    assert status == ExitStatus.OK
    report = json.loads(text)
    assert report["period"] == "2026-Q3"
    assert report["skipped"] == []
    assert report["reps"][0]["listen"][0]["kind"] == "weak"
    assert report["calls"] == []  # --per-call keeps the calls


def test_one_file_and_own_word_lists(tmp_path: Path) -> None:
    """A single file can be measured; --words, --trackers and --targets are used."""
    trackers = tmp_path / "t.yaml"
    trackers.write_text("trackers:\n  pricing: [price]\n", encoding="utf-8")
    targets = tmp_path / "targets.json"
    targets.write_text('{"discovery_questions_per_call": 3}', encoding="utf-8")
    words = DEFAULT_WORDS
    status, text, _ = run(
        "calls", str(DATA / "2026-07-14_ana_handchecked.vtt"), "--rep", "a=Ana Rep",
        "--period", "2026-07", "--trackers", str(trackers), "--words", str(words),
        "--targets", str(targets), "--json",
    )  # fmt: skip
    assert status == ExitStatus.OK
    rep = json.loads(text)["reps"][0]
    assert rep["trackers"] == [{"name": "pricing", "rep": 1, "buyer": 1}]
    # 3.8766 by hand (test_calls_metrics); discovery now 3/3 (+0.7273), and no next_step
    # tracker, so the next step is unknown and scores 0 (-1): 3.6039.
    assert rep["listen"][0]["score"] == 3.6


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--period", "2026-Q3"], "gapdiag: --reps: say who the reps are"),
        (["--period", "2026-Q3", "--rep", "nobody"], "gapdiag: --rep: 'nobody' is not ID=NAME"),
        (
            ["--period", "2026-Q3", "--rep", "a=A", "--reps", "r.yaml"],
            "gapdiag: --rep: give the reps either in --reps FILE or as --rep, not both",
        ),
        (["--period", "Q3", "--rep", "a=A"], "gapdiag: period: 'Q3' is not a period"),
    ],
)
def test_bad_arguments(argv: list[str], expected: str) -> None:
    """Bad arguments are one line on stderr and exit status 2."""
    status, _, err = run("calls", str(DATA), *argv)
    assert status == ExitStatus.BAD_INPUT
    assert err.startswith(expected)
    assert err.count("\n") == 1


def test_folder_without_transcripts(tmp_path: Path) -> None:
    """A missing folder or one without transcripts is a clear error, not an empty result."""
    with pytest.raises(InvalidArgument, match="no such folder of transcripts"):
        read_calls(tmp_path / "nope", reps={"a": "A"}, period="2026")
    with pytest.raises(InvalidArgument, match="holds no transcripts"):
        read_calls(tmp_path, reps={"a": "A"}, period="2026")


def test_cannot_write_output(tmp_path: Path) -> None:
    """An output that cannot be written is reported as such."""
    status, _, err = run(
        "calls", str(DATA), "--reps", str(DATA / "reps.yaml"), "--period", "2026-Q3",
        "--out", str(tmp_path / "missing" / "calls.csv"),
    )  # fmt: skip
    assert status == ExitStatus.BAD_INPUT
    assert "calls.csv: cannot write" in err


def test_workers_give_the_same_report() -> None:
    """Measuring with two worker processes gives the same report as one process."""
    one = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3")
    two = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", workers=2)
    assert one == two


def test_public_names() -> None:
    """The calls API is exported from the package."""
    assert gapdiag.read_calls is read_calls
    assert gapdiag.calls_frame is calls_frame
    assert issubclass(gapdiag.TranscriptError, gapdiag.GapdiagError)


def test_no_call_in_the_period_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    """Every call outside the period: one line says so, exit 2, no CSV written."""
    out = tmp_path / "calls.csv"
    status, text, err = run(
        "calls", str(EXAMPLES), "--reps", str(EXAMPLES / "reps.yaml"), "--period", "2025-Q1",
        "--out", str(out),
    )  # fmt: skip
    assert status == ExitStatus.BAD_INPUT
    assert text.startswith("0 calls from 0 reps for 2025-Q1 (0 transcripts skipped, 6 outside")
    assert err == (
        "gapdiag: no call measured for 2025-Q1: no call falls in the period (6 outside it);"
        " nothing written\n"
    )
    assert not out.exists()


def test_every_transcript_skipped_exits_2(tmp_path: Path) -> None:
    """All transcripts unusable: each is listed, then one line says none was measured."""
    (tmp_path / "2026-07-01_a.vtt").write_text("not vtt", encoding="utf-8")
    (tmp_path / "2026-08-01_b.json").write_text("[]", encoding="utf-8")
    (tmp_path / "2025-01-01_c.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ana>Hi.</v>\n", encoding="utf-8"
    )
    status, text, err = run("calls", str(tmp_path), "--rep", "a=Ana", "--period", "2026-Q3")
    assert status == ExitStatus.BAD_INPUT
    assert text.count("\nskipped ") == 2
    assert err == (
        "gapdiag: no call measured for 2026-Q3: no call falls in the period (1 outside it)"
        " and 2 transcripts were skipped; nothing written\n"
    )
    (tmp_path / "2025-01-01_c.vtt").unlink()
    status, _, err = run("calls", str(tmp_path), "--rep", "a=Ana", "--period", "2026-Q3")
    assert status == ExitStatus.BAD_INPUT
    assert err.endswith("every transcript was skipped (2); nothing written\n")
