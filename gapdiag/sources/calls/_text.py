"""A reader for timestamped text transcripts: Teams, Otter, Rev and captioning tools.

Such a file is a run of entries, each opened by a time; the layout is read from the
file (the one form most of its lines follow), so a time said inside the talk ("3:00
works") never opens an entry:

- a speaker header with the time after two or more spaces or a tab (Otter, Teams:
  ``Dana Reyes  0:03``), or in brackets (Rev: ``Dana Reyes (00:03):``), then the text;
- a time line (``00:03``, ``[0:00:03]``) or a time range (Teams' older export:
  ``0:0:0.0 --> 0:0:3.68``), then the text, with an optional speaker line first (when
  every entry's first line is a short name, and names repeat), else a ``Name: `` at the
  start of the text;
- a name in brackets, then the time (Zoom's saved transcript: ``[Dana Reyes] 14:02:05``),
  or the time, a dash and the name (Fathom: ``0:05 - Dana Reyes (Acme)``), then the text;
- a time at the start of the line, then the text (``[00:03] Dana Reyes: Hello``).

Times are ``M:SS``, ``H:MM:SS`` (a fraction of a second after '.' or ',' too), so most
entries have a start and no end: the end is inferred (`cues`). They may be the clock's
(Zoom's saved transcript starts at ``14:02:05``): a call is measured from its first cue.
Lines before the first entry are the title; a date written there (``2026-07-14``,
``July 14, 2026``) dates the call. An entry without text is no cue.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from gapdiag.sources.calls._vtt import voices
from gapdiag.sources.calls.cues import (
    PACE_MS_PER_WORD,
    UNKNOWN,
    UNNAMED,
    Cue,
    Transcript,
    fail,
    in_time_order,
)

_T = r"(\d{1,3})(?::(\d{1,2}))?:(\d{1,2})(?:[.,](\d{1,3}))?"  # M:SS or H:MM:SS, a fraction
_OPEN, _CLOSE = r"[\[(]?", r"[\])]?"
_FORMS: dict[str, re.Pattern[str]] = {
    "range": re.compile(rf"{_OPEN}{_T}{_CLOSE}[ \t]*-->[ \t]*{_OPEN}{_T}{_CLOSE}"),
    "bracketed header": re.compile(rf"(?P<name>\S.*?)[ \t]*[\[(]{_T}[\])][ \t]*:?"),
    "spaced header": re.compile(rf"(?P<name>\S.*?)(?: {{2,}}|\t)[ \t]*{_OPEN}{_T}{_CLOSE}"),
    "time": re.compile(rf"{_OPEN}{_T}{_CLOSE}:?"),
    "name in brackets": re.compile(rf"\[(?P<name>[^\W\d_][^\[\]:]{{0,60}})\][ \t]+{_T}"),
    "time, dash, name": re.compile(
        rf"{_OPEN}{_T}{_CLOSE}[ \t]+[-\u2013\u2014][ \t]+(?P<name>[^\W\d_][^:]{{0,60}})"
    ),
    "time first": re.compile(rf"[\[(]?{_T}[\])]?[ \t]+(?P<rest>\S.*)"),
}
_NAME = re.compile(r"[^\W\d_][^.!?:;,]{0,40}(?<![\s.,])(?:\.)?")
_TURN = re.compile(r"(?P<name>[^:]{1,42}?):[ \t]+(?P<words>\S.*)")  # 'Dana Reyes: words'

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WORDS_DATE = re.compile(
    r"(?i)\b(?:([a-z]{3,9})\.? (\d{1,2}),? (\d{4})|(\d{1,2}) ([a-z]{3,9})\.? (\d{4}))\b"
)
_TITLE_LINES = 12  # lines before the first entry read as the title


@dataclass(frozen=True, slots=True)
class _Entry:
    """One entry: where it opens, its start and end (ms), a header's name, its text lines."""

    line: int
    start: int
    end: int
    name: str | None
    lines: list[str]


def parse(source: str, text: str, date: dt.date | None) -> Transcript:
    """Read a timestamped text transcript.

    Raises:
        TranscriptError: no line opens an entry, a time that is not one, text outside
            any entry after the title, one speaker's overlapping cues, or no cues.
    """
    lines = _without_footer(text.split("\n"))
    form = _layout(lines)
    if form is None:
        dialogue = _dialogue(lines)
        if dialogue is not None:
            title, cues = dialogue
            return in_time_order(source, cues, _written_date(title) or date)
        raise fail(
            source,
            None,
            "(file)",
            "is not a transcript (expected times such as 'Dana Reyes  00:03', "
            "'Dana Reyes (00:03):', or a line '00:03' or '00:00:03 --> 00:00:07' before "
            "each stretch of talk, or 'Name: words' lines from two or more speakers)",
        )
    entries, title = _entries(source, lines, form)
    entries = _past_midnight(entries)
    date = _written_date(title) or date
    named = form in ("range", "time") and _speaker_lines(entries)
    later = [e.start for e in entries[1:]] + [UNKNOWN]
    cues = [
        cue
        for entry, until in zip(entries, later, strict=True)
        for cue in _cues(entry, named, until if until > entry.start else UNKNOWN)
    ]
    return in_time_order(source, cues, date)


_FOOTER = re.compile(
    r"(?i)transcribed by (?:https?://)?(?:www\.)?otter\.ai/?"
    r"|meeting ended after (?:\d+:)?\d+:\d+\W*"
)
"""The line Otter ends its text and Word exports with, or Google Meet its transcripts
('Meeting ended after 00:07:41 👋'): no one's talk."""


def _without_footer(lines: list[str]) -> list[str]:
    """The lines without a tool's closing line ('Transcribed by https://otter.ai',
    'Meeting ended after 00:07:41')."""
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    if last >= 0 and _FOOTER.fullmatch(lines[last].strip()):
        return lines[:last]
    return lines


def _dialogue(lines: list[str]) -> tuple[list[str], list[Cue]] | None:
    """A transcript without times, one 'Name: words' line a turn (lines without a name go on
    the turn before), or None when the file is not one: each turn is timed by its words at
    the speaking pace, back to back, so every second of it counts as inferred (`cues`).

    It is read as one only when most lines open a turn, and two or more names each open
    several turns (a note with a 'Subject:' line is not a call).
    """
    title: list[str] = []
    turns: list[tuple[int, str, list[str]]] = []
    said = 0
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        said += 1
        match = _turn(stripped)
        if match is not None:
            turns.append((number, match["name"], [match["words"]]))
        elif turns:
            turns[-1][2].append(stripped)
        elif len(title) < _TITLE_LINES:
            title.append(stripped)
        else:
            return None
    names = [name for _, name, _ in turns]
    repeated = [n for n in set(names) if names.count(n) > 1]
    if len(turns) * 2 < said - len(title) or len(repeated) < 2:
        return None
    cues, at = [], 0
    for number, name, words in turns:
        text = " ".join(words)
        cues.append(Cue(at, UNKNOWN, name, text, number))
        at += PACE_MS_PER_WORD * max(1, len(text.split()))
    return title, cues


def _layout(lines: list[str]) -> str | None:
    """The form most lines that open an entry follow (the first listed on a tie)."""
    counts = dict.fromkeys(_FORMS, 0)
    for line in lines:
        stripped = line.strip()
        for form, pattern in _FORMS.items():
            if stripped and pattern.fullmatch(stripped):
                counts[form] += 1
    best = max(_FORMS, key=lambda form: counts[form])
    return best if counts[best] else None


def _entries(source: str, lines: list[str], form: str) -> tuple[list[_Entry], list[str]]:
    """The entries, and the title lines before the first."""
    pattern = _FORMS[form]
    entries: list[_Entry] = []
    title: list[str] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        match = pattern.fullmatch(stripped) if stripped else None
        if match is not None:
            entries.append(_entry(source, number, form, match))
        elif not stripped:
            continue
        elif entries:
            entries[-1].lines.append(stripped)
        elif len(title) < _TITLE_LINES:
            title.append(stripped)
        else:
            raise fail(
                source,
                number,
                "(text)",
                f"{stripped[:40]!r} comes before any time ({_TITLE_LINES} title lines at most)",
            )
    return entries, title


def _entry(source: str, line: int, form: str, match: re.Match[str]) -> _Entry:
    """The entry a marker line opens (its time groups are the unnamed ones)."""
    named = set(match.re.groupindex.values())
    times = [g for i, g in enumerate(match.groups(), start=1) if i not in named]
    start = _ms(source, line, *times[:4])
    end = _ms(source, line, *times[4:8]) if form == "range" else UNKNOWN
    found = match.groupdict()
    rest = [found["rest"]] if found.get("rest") else []
    return _Entry(line, start, end if end > start else UNKNOWN, found.get("name"), rest)


def _ms(
    source: str,
    line: int,
    first: str | None,
    middle: str | None,
    last: str | None,
    part: str | None,
) -> int:
    """Milliseconds of a matched time: M:SS or H:MM:SS, with an optional fraction."""
    hours, minutes = (int(first or 0), int(middle)) if middle is not None else (0, int(first or 0))
    seconds = int(last or 0)
    if seconds > 59 or (middle is not None and minutes > 59):
        shown = f"{first}:{middle}:{last}" if middle is not None else f"{first}:{last}"
        raise fail(source, line, "(time)", f"{shown!r} is not a time (minutes and seconds < 60)")
    millis = int((part or "0").ljust(3, "0"))
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def _past_midnight(entries: list[_Entry]) -> list[_Entry]:
    """The entries with the clock's times after midnight moved on a day.

    A time more than 12 hours before the one above it (23:59:40, then 00:00:12) is the
    next day's: no call runs that long, and a transcript's times only go back a little
    (crosstalk), so the clock wrapped.
    """
    day, shift, previous = 24 * 3_600_000, 0, 0
    out: list[_Entry] = []
    for entry in entries:
        if previous - entry.start > day // 2:
            shift += day
        previous = entry.start
        if shift:
            end = entry.end if entry.end == UNKNOWN else entry.end + shift
            entry = replace(entry, start=entry.start + shift, end=end)
        out.append(entry)
    return out


def _speaker_lines(entries: list[_Entry]) -> bool:
    """Whether each entry's first line names its speaker: all are short names, and repeat."""
    if not entries or any(len(e.lines) < 2 or not _NAME.fullmatch(e.lines[0]) for e in entries):
        return False
    names = {e.lines[0] for e in entries}
    return len(entries) < 4 or len(names) <= max(2, len(entries) // 2)


def _cues(entry: _Entry, named: bool, until: int) -> list[Cue]:
    """The cues of one entry (several when its text holds several voices).

    A speaker the header or speaker line names is the speaker of the whole text: a
    ``word: `` inside it is talk, not a name. Without one, each line that opens with a
    name (``Dana Reyes: ...``, as Google Meet writes several turns under one time) starts
    a voice. Several voices follow each other from the entry's start at the speaking pace,
    faster where that would run past the entry's end or else the next entry's start
    (`until`); each runs to the next one's start, the last for its words' time.
    """
    lines = entry.lines[1:] if named else entry.lines
    speaker = (entry.lines[0] if named else entry.name or "").strip()
    if speaker and ">" not in speaker:
        payload = f"<v {speaker}>{' '.join(lines)}"
    else:
        payload = " ".join(_voiced(line) for line in lines)
    said = [(who, words) for who, words in voices(payload) if words]
    if len(said) < 2:
        return [
            Cue(entry.start, entry.end, who or UNNAMED, words, entry.line) for who, words in said
        ]
    counts = [max(1, len(words.split())) for _, words in said]
    end = entry.end if entry.end != UNKNOWN else until
    pace: float = PACE_MS_PER_WORD  # the speaking pace, or faster where the span is shorter
    if end != UNKNOWN and pace * sum(counts) > end - entry.start:
        pace = (end - entry.start) / sum(counts)
    starts = [entry.start + round(pace * sum(counts[:i])) for i in range(len(counts))]
    last = starts[-1] + round(pace * counts[-1])
    ends = [UNKNOWN] * (len(said) - 1) + [last if last > starts[-1] else UNKNOWN]
    return [
        Cue(start, stop, who or UNNAMED, words, entry.line)
        for (who, words), start, stop in zip(said, starts, ends, strict=True)
    ]


def _voiced(line: str) -> str:
    """A line that opens with a speaker's name (``Dana Reyes: Hi``) as a WebVTT voice."""
    found = _turn(line)
    return line if found is None else f"<v {found['name']}>{found['words']}"


def _turn(line: str) -> re.Match[str] | None:
    """A line that opens with a speaker's name ('Dana Reyes: words'), else None."""
    found = _TURN.fullmatch(line)
    return found if found is not None and _NAME.fullmatch(found["name"]) else None


def _written_date(title: list[str]) -> dt.date | None:
    """The first date written in the title lines (ISO, 'July 14, 2026', '14 July 2026')."""
    for line in title:
        found = [_iso(m) for m in _ISO_DATE.finditer(line)]
        found += [_worded(m) for m in _WORDS_DATE.finditer(line)]
        day = next((d for d in found if d is not None), None)
        if day is not None:
            return day
    return None


def _iso(match: re.Match[str]) -> dt.date | None:
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _worded(match: re.Match[str]) -> dt.date | None:
    month, day, year = match.group(1, 2, 3) if match[1] else match.group(5, 4, 6)
    word = month.lower()
    if word[:3] not in _MONTHS or not _MONTH_NAMES[_MONTHS.index(word[:3])].startswith(word):
        return None
    try:
        return dt.date(int(year), _MONTHS.index(word[:3]) + 1, int(day))
    except ValueError:
        return None


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
