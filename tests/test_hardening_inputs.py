"""Issue 26's attacks on the way in: every file through the safe reader, limits bounded.

Each test repeats one attack from the issue (or one its fix opened up) and requires one
clear line (exit 2), a skipped file named with its reason, or the right result; never a
traceback, a hang or memory growing with a limit instead of with the file.
"""

from __future__ import annotations

import io
import os
import sys
import time
from pathlib import Path

import pytest

from gapdiag.cli import ExitStatus, main
from gapdiag.model._input import read_bytes, read_stdin, recording_inputs
from gapdiag.model.errors import GapdiagError, InvalidInput
from gapdiag.model.limits import CEILINGS, Limits, limits, notes
from gapdiag.sources.calls.report import read_calls
from gapdiag.sources.periods import parse_period

from .conftest import EXAMPLES
from .test_hardening import one_line, run, within

REP = EXAMPLES / "will-rep.json"
CALLS = EXAMPLES / "calls"
DANA = ("--rep", "dana=Dana Reyes")
VTT = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Dana Reyes>Hello there, how are you?</v>\n"


def transcripts(tmp_path: Path, **files: str | bytes) -> Path:
    """A folder of transcript files (name -> text or bytes)."""
    folder = tmp_path / "calls"
    folder.mkdir(exist_ok=True)
    for name, body in files.items():
        path = folder / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return folder


# --- limits: settings with a ceiling, never allocated up front ------------------------------


def test_a_file_limit_of_a_terabyte_reads_a_small_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """GAPDIAG_LIMIT_FILE_BYTES=10**12 is capped with a note; a 1 KB file reads as usual."""
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", str(10**12))
    assert limits().file_bytes == CEILINGS["file_bytes"]
    code, out, err = run("diagnose", str(REP))
    assert code == ExitStatus.OK, err
    assert "Primary gap" in out
    assert err.count("\n") == 1
    assert "GAPDIAG_LIMIT_FILE_BYTES" in err
    assert "file_bytes=1,073,741,824 is used" in err


@pytest.mark.parametrize("value", [str(2**63), "9" * 5000])
def test_a_limit_past_every_integer_is_capped(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """2**63 or a 5,000-digit limit is capped, not an OverflowError or a slow int parse."""
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", value)
    monkeypatch.setenv("GAPDIAG_LIMIT_CSV_CELL_BYTES", value)
    assert limits().file_bytes == CEILINGS["file_bytes"]
    assert len(notes()) == 2
    code, _, err = run("diagnose", str(REP))
    assert code == ExitStatus.OK, err
    code, _, err = run("report", str(EXAMPLES / "team.csv"), "--out", "-")
    assert code == ExitStatus.OK, err
    assert "Traceback" not in err


def test_a_keyword_limit_past_its_ceiling_is_refused() -> None:
    """In Python, limits(file_bytes=2**63) is one clear error naming the most."""
    with pytest.raises(GapdiagError, match="more than the most"):
        limits(file_bytes=2**63)


def test_number_digits_never_pass_what_python_reads() -> None:
    """The digits limit's ceiling is Python's own integer-string limit (no ValueError)."""
    assert CEILINGS["number_digits"] <= (sys.get_int_max_str_digits() or 10**6)
    assert Limits().number_digits <= CEILINGS["number_digits"]


def test_every_default_is_within_its_ceiling() -> None:
    """No default limit is above its own ceiling."""
    assert all(getattr(Limits(), name) <= most for name, most in CEILINGS.items())
    assert set(CEILINGS) == set(Limits.__slots__)


def test_reading_allocates_by_the_file_not_the_limit(tmp_path: Path) -> None:
    """A 3-byte file under a 1 GiB limit reads its 3 bytes (nothing is sized by the limit)."""
    small = tmp_path / "a.json"
    small.write_bytes(b"{}\n")
    assert read_bytes(small, limit=CEILINGS["file_bytes"]) == b"{}\n"


def test_a_regular_file_reporting_size_zero_is_read_whole(tmp_path: Path) -> None:
    """/proc-style files say 0 bytes but hold more: they are read to their end, in pieces."""
    status = Path("/proc/self/status")
    if not status.is_file():
        pytest.skip("no /proc on this system")
    assert b"Name:" in read_bytes(status)


def test_a_file_over_the_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    """A file over the limit is refused before it is read, naming the limit."""
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2000)
    with pytest.raises(InvalidInput, match="2,000 bytes is too large"):
        read_bytes(big, limit=1000)


def test_stdin_is_read_in_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input larger than one piece is read whole (pieces joined once)."""
    monkeypatch.setattr("sys.stdin", io.StringIO('{"rep_id": "' + "x" * 3_000_000 + '"}'))
    assert len(read_stdin()) == 3_000_014


# --- periods outside 1900-2200 --------------------------------------------------------------


@pytest.mark.parametrize("period", ["0000-Q1", "9999-Q4", "9999-12", "9999-W52", "2201", "Q1 0001"])
def test_periods_outside_the_years_read_are_one_line(tmp_path: Path, period: str) -> None:
    """ingest and calls: a period outside 1900-2200 is one line, never a date overflow."""
    opps = EXAMPLES / "exports" / "opportunities.csv"
    out = str(tmp_path / "o.csv")
    one_line("ingest", str(opps), "--period", period, "--out", out, says="outside the years")
    one_line("calls", str(CALLS), *DANA, "--period", period, says="outside the years")
    assert not Path(out).exists()


def test_the_first_and_last_years_are_periods() -> None:
    """1900 and 2200 themselves are read."""
    assert parse_period("1900-01").start.year == 1900
    assert parse_period("2200-Q4").end.isoformat() == "2200-12-31"


# --- transcripts through the safe reader ----------------------------------------------------


def test_a_transcript_that_is_a_fifo_is_skipped_without_hanging(tmp_path: Path) -> None:
    """A .vtt FIFO in the folder is skipped with its reason; the other calls still count."""
    folder = transcripts(tmp_path, **{"2026-07-01_a.vtt": VTT})
    os.mkfifo(folder / "2026-07-02_b.vtt")
    report = within(10, lambda: read_calls(folder, reps={"dana": "Dana Reyes"}, period="2026-Q3"))
    assert sum(rep.calls for rep in report.reps) == 1
    (skipped,) = report.skipped
    assert "not a regular file" in str(skipped)


def test_a_transcript_linked_to_dev_zero_is_skipped(tmp_path: Path) -> None:
    """A symlink to /dev/zero is refused before a byte is read (no MemoryError)."""
    folder = transcripts(tmp_path, **{"2026-07-01_a.vtt": VTT})
    (folder / "2026-07-02_z.vtt").symlink_to("/dev/zero")
    code, out, err = within(10, lambda: run("calls", str(folder), *DANA, "--period", "2026-Q3"))
    assert code == ExitStatus.FINDINGS, err  # one transcript skipped (issue 25)
    assert "1 call from 1 rep" in out
    assert "2026-07-02_z.vtt" in out
    assert "not a regular file" in out


def test_a_transcript_over_the_size_limit_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A transcript larger than file_bytes is skipped with the limit named."""
    folder = transcripts(tmp_path, **{"2026-07-01_a.vtt": VTT + "\nNOTE " + "x" * 10_000 + "\n"})
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", "5000")
    report = read_calls(folder, reps={"dana": "Dana Reyes"}, period="2026-Q3")
    (skipped,) = report.skipped
    assert "file_bytes" in str(skipped)


def test_a_json_transcript_nested_100000_deep_is_skipped(tmp_path: Path) -> None:
    """JSON nested 100,000 deep is one skipped file, never a RecursionError for the run."""
    deep = '{"segments": ' + "[" * 100_000 + "]" * 100_000 + "}"
    folder = transcripts(tmp_path, **{"2026-07-01_a.vtt": VTT, "2026-07-02_b.json": deep})
    code, out, err = within(20, lambda: run("calls", str(folder), *DANA, "--period", "2026-Q3"))
    assert code == ExitStatus.FINDINGS, err  # one transcript skipped
    assert "2026-07-02_b.json" in out
    assert "nested" in out
    assert "1 call from 1 rep" in out


@pytest.mark.parametrize("where", ["start", "end"])
def test_a_segment_time_of_5000_digits_is_skipped(tmp_path: Path, where: str) -> None:
    """A 5,000-digit start or end is one skipped file naming the segment, not a ValueError."""
    times = {"start": 0, "end": 3}
    times[where] = "9" * 5000  # type: ignore[assignment]
    body = (
        f'{{"segments": [{{"speaker": "Dana Reyes", "start": {times["start"]}, '
        f'"end": {times["end"]}, "text": "hello"}}]}}'
    )
    folder = transcripts(tmp_path, **{"2026-07-02_b.json": body})
    code, out, err = run("calls", str(folder), *DANA, "--period", "2026-Q3")
    assert code == ExitStatus.BAD_INPUT, err  # its only transcript skipped: nothing measured
    assert "every transcript was skipped" in err
    assert "2026-07-02_b.json" in out
    assert "digits" in out
    assert len(out) < 2000  # the number is never printed whole


def test_a_non_utf8_transcript_is_skipped_naming_its_line(tmp_path: Path) -> None:
    """A transcript in another encoding is skipped with the line of its first bad byte."""
    folder = transcripts(tmp_path, **{"2026-07-02_b.vtt": VTT.encode() + "Müller".encode("cp1252")})
    report = read_calls(folder, reps={"dana": "Dana Reyes"}, period="2026-Q3")
    (skipped,) = report.skipped
    assert skipped.line == 6
    assert "UTF-8" in str(skipped)


# --- every file read is recorded for the writer ---------------------------------------------


def test_every_reader_records_its_file(tmp_path: Path) -> None:
    """Rep JSON, rules, populations, exports and transcripts all land in the run's inputs."""
    with recording_inputs() as seen:
        run("diagnose", str(REP))
        run("diagnose", str(EXAMPLES / "team.csv"), "--out", str(tmp_path / "r.csv"))
        run("calls", str(CALLS), "--reps", str(CALLS / "reps.yaml"), "--period", "2026-Q3")
    names = {Path(p).name for p in seen}
    assert {"will-rep.json", "team.csv", "reps.yaml", "2026-07-08_dana_northwind.vtt"} <= names


def test_the_team_weeks_file_goes_through_the_safe_reader(tmp_path: Path) -> None:
    """report --history naming a folder is one clear line (it was read raw before)."""
    out = str(tmp_path / "t.html")
    one_line(
        "report", str(EXAMPLES / "team.csv"), "--history", str(tmp_path), "--out", out,
        says="is a folder",
    )  # fmt: skip


def test_main_prints_limit_notes_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The note about a capped limit is one line on stderr, before the command's output."""
    monkeypatch.setenv("GAPDIAG_LIMIT_YAML_NODES", str(10**12))
    out, err = io.StringIO(), io.StringIO()
    assert main(["tree", "--format", "json"], stdout=out, stderr=err) == 0
    assert err.getvalue().count("GAPDIAG_LIMIT_YAML_NODES") == 1


# --- transcript readers in linear time -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "WEBVTT\n\nNOTE " + "x" * 100_000 + "\n\n" + VTT[8:],  # 70 s at 4 KB before
        "WEBVTT\n" + "ab\n" * 5_000,  # a header that never ends: exponential before
        VTT.replace("Hello there, how are you?", "<v " * 30_000),  # voice tags never closed
        VTT.replace("Hello there, how are you?", "<b " * 30_000),
    ],
    ids=["note-line", "endless-header", "open-voices", "open-tags"],
)
def test_a_hostile_webvtt_file_reads_in_well_under_a_second(tmp_path: Path, text: str) -> None:
    """Issue 26's hanging WebVTT shapes are read (or refused) at once."""
    folder = transcripts(tmp_path, **{"2026-07-01_a.vtt": text})
    started = time.process_time()
    within(30, lambda: read_calls(folder, reps={"dana": "Dana Reyes"}, period="2026-Q3"))
    assert time.process_time() - started < 1.0


def test_an_assemblyai_time_past_any_float_is_skipped(tmp_path: Path) -> None:
    """An utterance 'end' too large for a float is a skipped file (was an OverflowError)."""
    body = '{"utterances": [{"speaker": "A", "start": 0, "end": ' + "9" * 400 + ', "text": "hi"}]}'
    folder = transcripts(tmp_path, **{"2026-07-02_b.json": body})
    report = read_calls(folder, reps={"dana": "A"}, period="2026-Q3")
    (skipped,) = report.skipped
    assert "utterances[0].end" in str(skipped)


def test_the_report_names_file_goes_through_the_safe_reader(tmp_path: Path) -> None:
    """report --names naming a FIFO is one line at once (it was opened raw, and would block)."""
    fifo = tmp_path / "names.csv"
    os.mkfifo(fifo)
    out = str(tmp_path / "t.html")
    within(
        20,
        lambda: one_line(
            "report", str(EXAMPLES / "team.csv"), "--names", str(fifo), "--out", out,
            says="not a regular file",
        ),
    )  # fmt: skip


def test_a_coaching_log_note_with_a_line_break_stays_one_entry(tmp_path: Path) -> None:
    """A quoted note holding U+0085 or a CR is one cell (the log was split at them before)."""
    from gapdiag.coaching.log import read_coaching_log

    log = tmp_path / "log.csv"
    log.write_text(
        'date,kind,note,focus,due,rep_id\n2026-07-07,one-on-one,"a\x85b\rc",will,,\'@dana\n',
        encoding="utf-8",
        newline="",
    )
    (entry,) = read_coaching_log(log, rep_id="@dana").entries
    assert entry.note == "a\x85b\rc"
