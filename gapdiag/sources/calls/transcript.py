"""Read one transcript file: WebVTT, SubRip, JSON segments, timestamped text or Word.

Each format has its reader (`_vtt`, `_srt`, `_json`, `_text`, `_docx`), chosen by the
file's suffix. The file is read through the safe reader (`gapdiag.model._input`: a
regular file, within the size limit) and must be UTF-8 (a .docx is a zip archive).
The call's date comes from the file itself (JSON ``date``, a date in a text
transcript's title) or else from the file name (``2026-07-14_acme.vtt``, Zoom's
``GMT20260714-153000...``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from gapdiag.model._input import read_bytes
from gapdiag.model.errors import InvalidInput
from gapdiag.sources.calls import _docx, _json, _srt, _text, _vtt
from gapdiag.sources.calls.cues import Transcript, decode, fail

SUFFIXES = (".vtt", ".srt", ".json", ".txt", ".docx")
_TEXT_READERS = {".vtt": _vtt.parse, ".srt": _srt.parse, ".json": _json.parse, ".txt": _text.parse}
LONGEST_CALL_HOURS = 12  # a longer "call" has times in the wrong unit (milliseconds as seconds)
_DATE_IN_NAME = re.compile(r"(?<!\d)(?=(\d{4})-?(\d{2})-?(\d{2})(?!\d))")


def date_from_name(path: Path) -> dt.date | None:
    """The first valid date written in a file name (2026-07-14 or 20260714), else None."""
    for match in _DATE_IN_NAME.finditer(path.name):
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


def read_transcript(
    path: str | Path, *, name: str | None = None, limit: int | None = None
) -> Transcript:
    """Read one transcript file (.vtt, .srt, .json, .txt or .docx), cues sorted by time.

    Args:
        path: the file.
        name: how to name the file in messages (default: the path as given).
        limit: the ``file_bytes`` limit in force, when the caller read it for many files.

    The file is read by the safe reader: a regular file (a FIFO or a link to a device is
    refused before it is opened), within the ``file_bytes`` limit.

    Raises:
        TranscriptError: the file cannot be read or is not a usable transcript.
    """
    file = Path(path)
    source = name or str(path)
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise fail(source, None, "(file)", f"is not a transcript (expected {', '.join(SUFFIXES)})")
    try:
        raw = read_bytes(file, limit=limit)
    except InvalidInput as error:  # "<path>: why"
        raise fail(source, None, "(file)", str(error).removeprefix(f"{file}: ")) from None
    if suffix == ".docx":
        transcript = _docx.parse(source, raw, date_from_name(file))
    else:
        transcript = _TEXT_READERS[suffix](source, decode(source, raw), date_from_name(file))
    _check_length(transcript)
    return transcript


def _check_length(transcript: Transcript) -> None:
    """Refuse a call longer than `LONGEST_CALL_HOURS`: its times are in the wrong unit.

    The length runs from the first cue's start: a text transcript may give the clock's
    times (14:02:05), and a recording may start before anyone speaks.
    """
    length = transcript.end - (transcript.starts[0] if transcript.starts else 0)
    if length > LONGEST_CALL_HOURS * 3_600_000:
        raise fail(
            transcript.source,
            transcript.first_line,
            "(times)",
            f"the call runs for {length / 3_600_000:,.0f} hours (more than "
            f"{LONGEST_CALL_HOURS}: are the times milliseconds? 'start' and 'end' of "
            "segments are seconds)",
        )
