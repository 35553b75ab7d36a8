"""Fathom's transcripts, as its API answers (``/recordings/{id}/transcript``, or a meeting
with ``include_transcript``), one call a file.

``{"transcript": [{"speaker": {"display_name": "Dana Reyes",
"matched_calendar_invitee_email": "dana@acme.example"}, "text": "...", "timestamp":
"00:05:32"}], "recording_start_time": "2026-07-21T15:01:12Z", ...}``: each item is one
speaker's stretch of talk with its start as a clock time from the start of the recording,
and no end (it runs to the next item's start: `cues`). The call's date is the file's
``date``, else the day of its ``recording_start_time`` or ``created_at``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from gapdiag.sources.calls.cues import (
    UNKNOWN,
    UNNAMED,
    Cue,
    TranscriptError,
    clean,
    fail,
    shown,
    text_key_lines,
    unusable,
)

_CLOCK = re.compile(r"(\d{1,3}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?")


def is_fathom(data: dict[str, Any]) -> bool:
    """Whether a JSON object is Fathom's transcript (a 'transcript' list of its items)."""
    items = data.get("transcript")
    return (
        isinstance(items, list)
        and "callId" not in data  # (Gong's one call)
        and bool(items)
        and isinstance(items[0], dict)
        and "timestamp" in items[0]
    )


def date_of(data: dict[str, Any]) -> dt.date | None:
    """The day the recording started ('recording_start_time', else 'created_at')."""
    for key in ("recording_start_time", "created_at"):
        value = data.get(key)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value).date()
            except ValueError:
                continue
    return None


def cues(source: str, data: dict[str, Any], text: str) -> list[Cue | TranscriptError | None]:
    """Every item as a cue of its speaker; an item whose timestamp is no clock time is
    (not raised) the reason, left out alone; `None` for an item without words.

    Raises:
        TranscriptError: an item that is not an object, or its speaker or text is wrong.
    """
    lines = text_key_lines(text)
    found: list[Cue | TranscriptError | None] = []
    for index, item in enumerate(data["transcript"]):
        where = f"transcript[{index}]"
        line = lines[index] if index < len(lines) else 1
        if not isinstance(item, dict):
            raise fail(source, line, where, f"{shown(item)} is not an object")
        found.append(_cue(source, where, item, line))
    return found


def _cue(source: str, where: str, item: dict[str, Any], line: int) -> Cue | TranscriptError | None:
    speaker = item.get("speaker")
    name = speaker.get("display_name") if isinstance(speaker, dict) else speaker
    if name is None or (isinstance(name, str) and not name.strip()):
        name = UNNAMED
    elif not isinstance(name, str):
        raise fail(source, line, f"{where}.speaker", f"{shown(speaker)} is not a speaker")
    said = item.get("text")
    if not isinstance(said, str):
        raise fail(source, line, f"{where}.text", unusable(item, "text", "text (the words said)"))
    if not clean(said):
        return None  # no words: silence
    stamp = item.get("timestamp")
    found = _CLOCK.fullmatch(stamp.strip()) if isinstance(stamp, str) else None
    if found is None:
        return fail(
            source, line, f"{where}.timestamp", f"{shown(stamp)} is not a time like '00:05:32'"
        )
    hours, minutes, seconds = int(found[1]), int(found[2]), int(found[3])
    start = ((hours * 60 + minutes) * 60 + seconds) * 1000 + int((found[4] or "0").ljust(3, "0"))
    return Cue(start, UNKNOWN, name.strip(), clean(said), line)
