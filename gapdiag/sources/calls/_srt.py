"""A SubRip (.srt) reader for call transcripts: Zoom, Otter, Rev, YouTube and caption tools.

A cue is a block of lines: its number, ``HH:MM:SS,mmm --> HH:MM:SS,mmm`` (a '.' before
the milliseconds is read too, and fewer digits are a fraction of a second), then its
text up to a blank line. The speaker is a ``Name: `` at the start of the text (Zoom,
Otter and Rev write ``Dana Reyes: Hello``) or a ``<v Name>`` tag; formatting tags
(``<i>``, ``<font ...>``) are dropped. A cue with neither is unattributed, as in WebVTT
(`_vtt.voices` reads the text of both). A cue that ends at or before its start has
its end inferred (`cues`).

Why not the ``srt`` package: it cannot say on which line a cue or a problem is (a
transcript's errors here are ``file:line``), and its parser stops at the first bad
block; the reading here is the WebVTT reader's, on SRT's timing line.
"""

from __future__ import annotations

import datetime as dt
import re

from gapdiag.sources.calls._vtt import shared, voices
from gapdiag.sources.calls.cues import UNKNOWN, Cue, Transcript, fail, in_time_order

_TIME = r"(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})"
_CUE = re.compile(
    rf"^{_TIME}[ \t]*-->[ \t]*{_TIME}(?:[ \t][^\n]*)?(?:\n|\Z)"
    # The text: lines up to a blank one; a line with '-->' ends it too (a cue whose blank
    # line is missing), as in WebVTT.
    r"((?:(?![^\n]*-->)[^\n]*\S[^\n]*(?:\n|\Z))*)",
    re.MULTILINE,
)
_EXPECTED = "expected a cue number, then HH:MM:SS,mmm --> HH:MM:SS,mmm, then its text"


def parse(source: str, text: str, date: dt.date | None) -> Transcript:
    """Read SubRip text into a transcript.

    Raises:
        TranscriptError: text outside any cue, a malformed timing line, a cue without
            text, one speaker's overlapping cues, or no cues at all.
    """
    cues: list[Cue] = []
    line, seen = 1, 0  # the line number of offset `seen`
    for match in _CUE.finditer(text):
        gap_line = line
        line += text.count("\n", seen, match.start())
        _check_gap(source, text[seen : match.start()], gap_line)
        cues += _cues(source, match, line)
        line += text.count("\n", match.start(), match.end())
        seen = match.end()
    _check_gap(source, text[seen:], line, last=True)
    return in_time_order(source, cues, date)


def _ms(hours: str, minutes: str, seconds: str, fraction: str) -> int:
    millis = int(fraction.ljust(3, "0"))  # ',5' is half a second
    return ((int(hours) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def _cues(source: str, match: re.Match[str], line: int) -> list[Cue]:
    """The cue (one per voice in it) of a timing line and its text."""
    start, end = _ms(*match.group(1, 2, 3, 4)), _ms(*match.group(5, 6, 7, 8))
    said = [(who, words) for who, words in voices(match[9]) if words]
    # a cue without words is silence: left out, as in WebVTT (`_vtt._cues`)
    return shared(start, UNKNOWN if end <= start else end, said, line) if said else []


def _check_gap(source: str, gap: str, line: int, *, last: bool = False) -> None:
    """Between cues only blank lines and each cue's number may stand."""
    lines = gap.split("\n")
    numbered = not last and len(lines) > 1 and lines[-1] == "" and lines[-2].strip().isdigit()
    stray = [
        (line + offset, content.strip())
        for offset, content in enumerate(lines[:-2] if numbered else lines)
        if content.strip()
    ]
    timing = [(at, content) for at, content in stray if "-->" in content]
    if timing:  # a malformed timing line is what went wrong, not the lines around it
        at, content = timing[0]
        raise fail(source, at, "(timing)", f"{content!r} is not a timing line ({_EXPECTED})")
    if stray:
        at, content = stray[0]
        raise fail(source, at, "(text)", f"{content[:40]!r} is outside any cue ({_EXPECTED})")
