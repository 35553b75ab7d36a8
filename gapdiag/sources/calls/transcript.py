"""Read one transcript file: WebVTT (``<v Speaker>`` voice tags) or JSON segments.

The call's date comes from the JSON ``date`` field or else from the file name
(``2026-07-14_acme.vtt``, Zoom's ``GMT20260714-153000...``).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from gapdiag.model._input import read_bytes
from gapdiag.model.errors import InvalidInput
from gapdiag.sources.calls import _json, _vtt
from gapdiag.sources.calls.cues import Transcript, decode, fail

SUFFIXES = (".vtt", ".json")
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


def read_transcript(path: str | Path, *, name: str | None = None) -> Transcript:
    """Read one transcript file (.vtt or .json), cues sorted by time.

    Args:
        path: the file.
        name: how to name the file in messages (default: the path as given).

    The file is read by the safe reader: a regular file (a FIFO or a link to a device is
    refused before it is opened), within the ``file_bytes`` limit.

    Raises:
        TranscriptError: the file cannot be read or is not a usable transcript.
    """
    file = Path(path)
    source = name or str(path)
    try:
        raw = read_bytes(file)
    except InvalidInput as error:
        reason = str(error).removeprefix(f"{file}: ")
        raise fail(source, None, "(file)", reason) from None
    text = decode(source, raw)
    suffix = file.suffix.lower()
    if suffix == ".vtt":
        transcript = _vtt.parse(source, text, date_from_name(file))
    elif suffix == ".json":
        transcript = _json.parse(source, text, date_from_name(file))
    else:
        raise fail(
            source, None, "(file)", f"is not a transcript (expected {' or '.join(SUFFIXES)})"
        )
    _check_length(transcript)
    return transcript


def _check_length(transcript: Transcript) -> None:
    """Refuse a call longer than `LONGEST_CALL_HOURS`: its times are in the wrong unit."""
    last = transcript.end
    if last > LONGEST_CALL_HOURS * 3_600_000:
        raise fail(
            transcript.source,
            transcript.first_line,
            "(times)",
            f"the call runs to {last / 3_600_000:,.0f} hours (more than {LONGEST_CALL_HOURS}: "
            "are the times milliseconds? 'start' and 'end' of segments are seconds)",
        )
