"""Fuzzing the transcript readers: any bytes end in a transcript or a skipped file, in time.

Two kinds of test (both in the fast and the long profile, see test_fuzz.py):

- every reader (read_transcript on .vtt, .srt, .json, .txt and .docx, and `gapdiag
  calls` on a folder)
  ends in a Transcript or a TranscriptError for any bytes, within the CPU budget;
- the readers run in time linear in their input: one adversarial line (a short run of
  tags, colons, arrows or times repeated) is placed where a reader's regular
  expressions look, at 64 bytes, 1 KB and 16 KB; each parse must stay within a fixed
  time per KB. A quadratic or cubic regular expression fails at 16 KB or sooner, and a
  CPU timer stops an exponential one instead of letting it hang the suite.
"""

from __future__ import annotations

import gc
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model.errors import GapdiagError
from gapdiag.sources.calls import _json, _srt, _text, _vtt
from gapdiag.sources.calls.transcript import read_transcript

from . import hostile
from .test_fuzz import FUZZ, cli, files, safely

pytestmark = pytest.mark.fuzz

SIZES = (64, 1024, 16 * 1024)
"""Bytes of the adversarial line, smallest first (a blow-up is caught while still small)."""
PER_KB = 0.005
"""CPU seconds a reader may spend per KB of input (linear readers use well under 0.1 ms)."""
BASE = 0.1
"""CPU seconds any parse may take whatever its size (start-up, a slow first call)."""


class _TooSlow(Exception):
    pass


@contextmanager
def cpu_limit(seconds: float) -> Iterator[None]:
    """Stop the block with _TooSlow after `seconds` of CPU (the regex engine checks signals)."""

    def stop(*_: object) -> None:
        raise _TooSlow

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def assert_linear(parse: Callable[[str], object], place: str, unit: str) -> None:
    """`parse` of `place` with a line of `unit` repeated stays within PER_KB at every size.

    The best of three runs counts, each with the cycle collector paused (a full
    collection of hypothesis's heap can take a tenth of a second of its own, and a
    busy machine slows one run now and then).
    """
    for size in SIZES:
        line = unit * (size // len(unit) + 1)
        text = place.replace("{line}", line)
        budget = BASE + PER_KB * len(text) / 1024
        spent = min(_cpu(parse, text, budget * 4) for _ in range(3))
        assert spent <= budget, f"{len(text):,} bytes took {spent:.3f} s (budget {budget:.3f} s)"


def _cpu(parse: Callable[[str], object], text: str, most: float) -> float:
    """CPU seconds `parse(text)` takes (a GapdiagError is a result); fail past `most`."""
    gc.disable()
    started = time.process_time()
    try:
        with cpu_limit(most):
            parse(text)
    except GapdiagError:
        pass
    except _TooSlow:
        pytest.fail(f"{len(text):,} bytes took over {most:.2f} s of CPU: {text[:80]!r}")
    finally:
        gc.enable()
    return time.process_time() - started


@FUZZ
@given(hostile.repeated_line(), st.sampled_from(hostile.VTT_PLACES))
def test_vtt_reader_time_is_linear_in_a_line(unit: str, place: str) -> None:
    """The WebVTT reader's time per KB is bounded on adversarial lines (issue 26: cubic before)."""
    assert_linear(lambda text: _vtt.parse("fuzz.vtt", text, None), place, unit)


@FUZZ
@given(hostile.repeated_line(hostile.JSON_ATOMS), st.sampled_from(hostile.JSON_PLACES))
def test_json_reader_time_is_linear_in_a_line(unit: str, place: str) -> None:
    """The JSON transcript reader's time per KB is bounded on adversarial lines."""
    assert_linear(lambda text: _json.parse("fuzz.json", text, None), place, unit)


@FUZZ
@given(
    hostile.repeated_line(hostile.VTT_ATOMS + hostile.TEXT_ATOMS),
    st.sampled_from(hostile.SRT_PLACES),
)
def test_srt_reader_time_is_linear_in_a_line(unit: str, place: str) -> None:
    """The SubRip reader's time per KB is bounded on adversarial lines."""
    assert_linear(lambda text: _srt.parse("fuzz.srt", text, None), place, unit)


@FUZZ
@given(hostile.repeated_line(hostile.TEXT_ATOMS), st.sampled_from(hostile.TEXT_PLACES))
def test_text_reader_time_is_linear_in_a_line(unit: str, place: str) -> None:
    """The timestamped text reader's time per KB is bounded on adversarial lines."""
    assert_linear(lambda text: _text.parse("fuzz.txt", text, None), place, unit)


def test_the_old_cubic_block_pattern_is_caught() -> None:
    """The check can fail: the pattern issue 26 found (cubic in a NOTE line) is too slow."""
    import re

    old = re.compile(r"((?:[^\n>]*\S[^\n>]*\n)?(?:(\d\d):)?([0-5]\d):([0-5]\d)\.(\d\d\d)[ \t]+-->)")
    with pytest.raises(pytest.fail.Exception, match=r"CPU|budget"):
        assert_linear(old.findall, "NOTE {line}\n\n", "x")


@FUZZ
@given(hostile.vtt_bytes(), st.sampled_from(["2026-07-14_call.vtt", "call.vtt"]))
def test_fuzz_vtt_file(raw: bytes, name: str) -> None:
    """read_transcript on hostile WebVTT bytes: a transcript or one TranscriptError, in time."""
    with files(**{name.replace(".", "__"): raw}) as root:
        safely(lambda: read_transcript(root / name))


@FUZZ
@given(hostile.json_transcript_bytes())
def test_fuzz_json_transcript_file(raw: bytes) -> None:
    """read_transcript on hostile JSON transcripts (segments, utterances, deep, cut short)."""
    with files(**{"2026-07-14_call__json": raw}) as root:
        safely(lambda: read_transcript(root / "2026-07-14_call.json"))


@FUZZ
@given(hostile.srt_bytes())
def test_fuzz_srt_file(raw: bytes) -> None:
    """read_transcript on hostile SubRip bytes: a transcript or one TranscriptError, in time."""
    with files(**{"2026-07-14_call__srt": raw}) as root:
        safely(lambda: read_transcript(root / "2026-07-14_call.srt"))


@FUZZ
@given(hostile.text_transcript_bytes())
def test_fuzz_text_transcript_file(raw: bytes) -> None:
    """read_transcript on hostile timestamped text (Otter, Teams, Rev shapes), in time."""
    with files(**{"2026-07-14_call__txt": raw}) as root:
        safely(lambda: read_transcript(root / "2026-07-14_call.txt"))


@FUZZ
@given(hostile.docx_bytes())
def test_fuzz_docx_file(raw: bytes) -> None:
    """read_transcript on hostile .docx bytes (a zip of odd paragraphs, cut short, or not)."""
    pytest.importorskip("docx")
    with files(**{"2026-07-14_call__docx": raw}) as root:
        safely(lambda: read_transcript(root / "2026-07-14_call.docx"))


@FUZZ
@given(hostile.srt_bytes(), hostile.text_transcript_bytes(), hostile.docx_bytes())
def test_fuzz_calls_command_new_formats(srt: bytes, text: bytes, word: bytes) -> None:
    """`gapdiag calls` on a folder of hostile SRT, text and Word transcripts, in time."""
    given = {"2026-07-14_a__srt": srt, "2026-07-15_b__txt": text, "2026-07-16_c__docx": word}
    with files(**given) as root:
        out = str(Path(root) / "out.csv")
        code = cli("calls", str(root), "--rep", "dana=Dana Reyes", "--period", "2026-Q3")
        assert code in (0, 1, 2), out


@FUZZ
@given(hostile.vtt_bytes(), hostile.json_transcript_bytes(), hostile.odd_text)
def test_fuzz_calls_command(vtt: bytes, segments: bytes, rep: str) -> None:
    """`gapdiag calls` on a folder of hostile transcripts, with a hostile rep name, in time."""
    with files(**{"2026-07-14_a__vtt": vtt, "2026-07-15_b__json": segments}) as root:
        out = str(Path(root) / "out.csv")
        given = f"dana={rep or 'x'}"
        code = cli("calls", str(root), "--rep", given, "--period", "2026-Q3", "--out", out)
        assert code in (0, 1, 2)
