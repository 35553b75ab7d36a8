"""A reader for JSON segment transcripts (Whisper with diarization, cloud speech-to-text).

The format (docs/calls.md): either a list of segments, or an object with a ``segments``
list and optionally the call's ``date`` (YYYY-MM-DD). A segment is an object with
``speaker`` (text), ``start`` and ``end`` (seconds from the recording's start) and
``text``; other keys a tool writes (``id``, ``words``, ``confidence``...) are ignored.
A segment without a speaker (WhisperX leaves it off where diarization found none) is
unattributed; a speaker number becomes ``Speaker N``. AssemblyAI and Deepgram utterance
transcripts are read by `_utterances`; any other object gets one error naming the shapes.

The top level is walked with the standard library's C decoder one value at a time, so
every segment's line is known for messages without a second parse.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sys
from itertools import repeat
from operator import mul
from typing import Any

from gapdiag.sources.calls import _contactlens, _fathom, _gong, _transcribe, _utterances
from gapdiag.sources.calls.cues import (
    UNKNOWN,
    UNNAMED,
    Cue,
    Transcript,
    TranscriptError,
    clean,
    fail,
    shown,
    timed,
    unusable,
)

_LARGEST = int(sys.float_info.max)  # a larger integer has no float (math.isfinite fails)
_DIGITS = sys.get_int_max_str_digits() or 4300  # Python refuses to read a longer integer
_LONGEST_SECONDS = 1e12  # some 30,000 years: a larger time is no time (and * 1000 overflows)
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_SHAPE = f"expected {_utterances.SHAPES}"


class _Doc:
    """JSON text read value by value, with line numbers for offsets."""

    def __init__(self, source: str, text: str) -> None:
        self.source, self.text = source, text
        self._at, self._line = 0, 1  # offsets are mostly asked for in order: count onwards

    def line(self, offset: int) -> int:
        if offset < self._at:
            self._at, self._line = 0, 1
        self._line += self.text.count("\n", self._at, offset)
        self._at = offset
        return self._line

    def skip(self, offset: int) -> int:
        return _WS.match(self.text, offset).end()  # type: ignore[union-attr]  # always matches

    def value(self, offset: int) -> tuple[Any, int]:
        try:
            return _DECODER.raw_decode(self.text, offset)
        except json.JSONDecodeError as error:
            raise fail(
                self.source, error.lineno, "(json)", f"not valid JSON: {error.msg}"
            ) from None
        except RecursionError:  # the C decoder stops cleanly at the interpreter's depth
            raise fail(
                self.source, self.line(offset), "(json)", "JSON nested too deeply to read"
            ) from None
        except ValueError:  # an integer of more digits than Python reads
            raise fail(
                self.source,
                self.line(offset),
                "(json)",
                f"holds an integer of more than {_DIGITS:,} digits (not a time or a name)",
            ) from None

    def expect(self, offset: int, chars: str) -> int:
        offset = self.skip(offset)
        if self.text[offset : offset + 1] not in tuple(chars):
            found = self.text[offset : offset + 1] or "the end of the file"
            wanted = " or ".join(repr(c) for c in chars)
            raise fail(
                self.source, self.line(offset), "(json)", f"found {found!r}, expected {wanted}"
            )
        return offset


def parse(source: str, text: str, date: dt.date | None) -> Transcript:
    """Read a JSON segment transcript.

    Raises:
        TranscriptError: invalid JSON, a segment missing a field or with a bad value,
            overlapping segments, or no segments at all.
    """
    return _fast(source, text, date) or _careful(source, text, date)


def _fast(source: str, text: str, date: dt.date | None) -> Transcript | None:
    """The common file read in one go: valid, every segment well formed, in time order.

    None for anything else: `_careful` then walks the file value by value and names the
    line of whatever is wrong.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # `_careful` says what and where
        return None
    if isinstance(data, dict) and "segments" not in data:
        return _other(source, text, data, date)
    segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(segments, list) or not segments:
        return None
    if isinstance(data, dict) and "date" in data:
        try:
            date = dt.date.fromisoformat(data["date"])
        except (TypeError, ValueError):
            return None
    try:
        speakers = [s["speaker"].strip() for s in segments]
        texts = _texts([s["text"] for s in segments])
        starts = _all_ms([s["start"] for s in segments])
        ends = _all_ms([s["end"] for s in segments])
    except (TypeError, KeyError, AttributeError, ValueError, OverflowError):
        return None  # OverflowError: an integer too large for a float
    previous = -1
    for start, end in zip(starts, ends, strict=True):
        if start < previous or end <= start:
            return None
        previous = end
    if not all(speakers) or not all(texts):
        return None
    first = _first_segment(_Doc(source, text))
    return Transcript(
        source, date, tuple(starts), tuple(ends), tuple(speakers), tuple(texts), first
    )


def _other(source: str, text: str, data: dict[str, Any], date: dt.date | None) -> Transcript:
    """An object without 'segments': Gong's or Fathom's call transcript, Amazon Connect
    Contact Lens or Transcribe Call Analytics turns, AssemblyAI, Deepgram or Rev
    utterances, Amazon Transcribe's words, else one error."""
    if _gong.is_gong(data):
        if "date" in data:
            date = _date(_Doc(source, text), data["date"], 0)
        return timed(source, _gong.cues(source, data, text), date)
    if _fathom.is_fathom(data):
        if "date" in data:
            date = _date(_Doc(source, text), data["date"], 0)
        else:
            date = _fathom.date_of(data) or date
        return timed(source, _fathom.cues(source, data, text), date)
    if _contactlens.is_call_analytics(data):
        doc = _Doc(source, text)
        if "date" in data:
            date = _date(doc, data["date"], 0)
        turns = _items_at(doc, ("Transcript",))
        return timed(source, _contactlens.cues(source, data, turns), date)
    shape = _utterances.shape_of(data)
    aws = shape is None and _transcribe.is_transcribe(data)
    if shape is None and not aws:
        raise _utterances.unknown(source, data)
    doc = _Doc(source, text)
    if "date" in data:
        date = _date(doc, data["date"], 0)
    if shape is None:  # Amazon Transcribe's words
        words = _items_at(doc, ("results", "items"))
        return timed(source, _transcribe.cues(source, data, words), date)
    if shape is _utterances.DEEPGRAM_WORDS:  # the channel's words, at their key's line
        turn = _utterances.deepgram_turn(data)
        items = [(turn, doc.line(max(text.find('"words"'), 0)))]
    else:
        items = _items_at(doc, shape.path)
    if shape is _utterances.REV:
        items = [(_utterances.monologue(item), line) for item, line in items]
    elif shape is _utterances.WEBEX:
        items = [(_utterances.snippet(item), line) for item, line in items]
    found = [
        _utterances.cue(source, shape, i, piece, line)
        for i, (item, line) in enumerate(items)
        for piece in _utterances.by_word_speaker(shape, item)
    ]
    return timed(source, found, date)


def _items_at(doc: _Doc, path: tuple[str, ...]) -> list[tuple[Any, int]]:
    """The elements (with their lines) of the list at `path` of nested objects (it exists)."""
    offset = doc.skip(0)
    for depth, name in enumerate(path):
        offset = doc.skip(offset + 1)  # past '{'
        while True:
            key, offset = doc.value(offset)
            offset = doc.skip(doc.expect(offset, ":") + 1)
            if key == name:
                break
            offset = doc.skip(doc.expect(doc.value(offset)[1], ",}") + 1)
        if depth == len(path) - 1:
            return _array(doc, offset)
    raise AssertionError(path)  # pragma: no cover - path is never empty


def _texts(said: list[Any]) -> list[str]:
    """The segments' texts `clean`ed; checked in bulk, as most need no change.

    Raises:
        TypeError: a text is not a string.
    """
    joined = "\0".join(said)
    if (
        "  " in joined
        or "\t" in joined
        or "\n" in joined
        or "\0 " in joined
        or " \0" in joined
        or joined.startswith(" ")
        or joined.endswith(" ")
    ):
        return [clean(text) for text in said]
    return said


def _all_ms(values: list[Any]) -> list[int]:
    """Seconds to whole milliseconds, in bulk.

    Raises:
        ValueError: a bool, text, NaN, infinite or negative value (left to the careful
            reader, which names it).
    """
    if not set(map(type, values)) <= {int, float} or not all(map(math.isfinite, values)):
        raise ValueError(values)
    if min(values) < 0:
        raise ValueError(values)
    return list(map(round, map(mul, map(float, values), repeat(1000))))


def _first_segment(doc: _Doc) -> int:
    """The line of the first segment, reading past the values before the list only."""
    offset = doc.skip(0)
    if doc.text[offset] == "{":
        offset = doc.skip(offset + 1)
        while True:
            key, offset = doc.value(offset)
            offset = doc.skip(doc.expect(offset, ":") + 1)
            if key == "segments":
                break
            offset = doc.skip(doc.expect(doc.value(offset)[1], ",}") + 1)
    return doc.line(doc.skip(offset + 1))


def _careful(source: str, text: str, date: dt.date | None) -> Transcript:
    """Walk the file value by value; raise at the first problem with its line."""
    doc = _Doc(source, text)
    start = doc.skip(0)
    head = text[start : start + 1]
    if head == "[":
        items = _array(doc, start)
    elif head == "{":
        items, date = _object(doc, start, date)
    else:
        raise fail(source, doc.line(start), "(json)", f"not a transcript ({_SHAPE})")
    found = [_segment(source, index, item, line) for index, (item, line) in enumerate(items)]
    return timed(source, found, date)


def _array(doc: _Doc, offset: int) -> list[tuple[Any, int]]:
    """The elements of the array at `offset`, each with the line it starts on."""
    items: list[tuple[Any, int]] = []
    offset = doc.skip(offset + 1)
    if doc.text[offset : offset + 1] == "]":
        return items
    while True:
        value, end = doc.value(offset)
        items.append((value, doc.line(offset)))
        offset = doc.expect(end, ",]")
        if doc.text[offset] == "]":
            return items
        offset = doc.skip(offset + 1)


def _object(
    doc: _Doc, offset: int, date: dt.date | None
) -> tuple[list[tuple[Any, int]], dt.date | None]:
    """The 'segments' (with lines) and 'date' of a top-level object."""
    segments: list[tuple[Any, int]] | None = None
    offset = doc.skip(offset + 1)
    while doc.text[offset : offset + 1] != "}":
        key_at = offset
        key, offset = doc.value(offset)
        offset = doc.expect(offset, ":") + 1
        offset = doc.skip(offset)
        if key == "segments" and doc.text[offset : offset + 1] == "[":
            segments = _array(doc, offset)
            _, offset = doc.value(offset)
        else:
            value, offset = doc.value(offset)
            if key == "date":
                date = _date(doc, value, key_at)
        offset = doc.expect(offset, ",}")
        if doc.text[offset] == ",":
            offset = doc.skip(offset + 1)
    if segments is None:
        raise fail(doc.source, 1, "segments", f"is missing or not a list ({_SHAPE})")
    return segments, date


def _date(doc: _Doc, value: Any, offset: int) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise fail(
            doc.source,
            doc.line(offset),
            "date",
            f"{shown(value)} is not a date (expected YYYY-MM-DD)",
        ) from None


def _segment(source: str, index: int, item: Any, line: int) -> Cue | TranscriptError | None:
    """One segment's cue, or (not raised) why its start is unusable: it is left out alone;
    `None` for a segment whose text is empty (silence, left out too).

    An end that is missing (or null) or not after the start is inferred (`cues.UNKNOWN`);
    one that is there but no time (text, too large, negative) leaves the cue out alone.

    Raises:
        TranscriptError: the segment is not an object, or its speaker or text is wrong.
    """
    where = f"segments[{index}]"
    if not isinstance(item, dict):
        raise fail(source, line, where, f"is {type(item).__name__}, expected an object")
    speaker, text = item.get("speaker"), item.get("text")
    if speaker is None or (isinstance(speaker, str) and not speaker.strip()):
        name = UNNAMED  # diarization found no speaker here
    elif isinstance(speaker, int) and not isinstance(speaker, bool):
        name = f"Speaker {speaker}"
    elif isinstance(speaker, str):
        name = speaker.strip()
    else:
        raise fail(source, line, f"{where}.speaker", f"{shown(speaker)} is not a speaker's name")
    said = clean(text) if isinstance(text, str) else ""
    if isinstance(text, str) and not said:
        return None  # no words: silence
    if not said:
        raise fail(source, line, f"{where}.text", unusable(item, "text", "text (the words said)"))
    start = _seconds(source, line, where, item, "start")
    if isinstance(start, TranscriptError):
        return start
    end = _seconds(source, line, where, item, "end")
    if isinstance(end, TranscriptError) and item.get("end") is not None:
        return end
    return Cue(start, end if isinstance(end, int) and end > start else UNKNOWN, name, said, line)


def _seconds(
    source: str, line: int, where: str, item: dict[str, Any], key: str
) -> int | TranscriptError:
    """A time in seconds as milliseconds, or (not raised) why it is not one."""
    value = item.get(key)
    if isinstance(value, int) and abs(value) > _LARGEST:
        digits = f"{str(value)[:12]}... ({len(str(value))} digits)"
        return fail(source, line, f"{where}.{key}", f"{digits} is not a time in seconds")
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or abs(value) > _LONGEST_SECONDS
    ):
        return fail(source, line, f"{where}.{key}", unusable(item, key, "a time in seconds"))
    if value < 0:
        return fail(source, line, f"{where}.{key}", f"{value!r} is negative (seconds from 0)")
    return round(value * 1000)
