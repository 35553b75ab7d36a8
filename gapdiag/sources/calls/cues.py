"""A call transcript's parts: cues (speaker, start, end, text) in time order, and its errors.

Times are kept in integer milliseconds so sums and comparisons are exact. Cues are sorted
by start time whatever order the file lists them in. Two speakers may talk at once
(crosstalk: each cue counts for its speaker), but one speaker's cues may not overlap
(their talk would count twice): an overlap of up to `TRIM_MS` (aligners such as
WhisperX round segment edges so) is trimmed off the later cue, a longer one makes the
transcript unusable. A turn handed to another speaker whose edges overlap by up to
`TRIM_MS` (Teams rounds cue edges so) is a hand-over, not crosstalk: the call is read, each
cue counted for its speaker, without asking for crosstalk. A cue whose speaker the file
does not name has the speaker ``""`` (`UNNAMED`). A file without cues, or not UTF-8, is unusable.

Many exports give a start per cue and no end (Teams' and Otter's text transcripts,
captioning tools), or an end no later than the start (zero-length cues, whole seconds).
Such a cue's end is inferred (`UNKNOWN` from the reader): it runs to the next cue's
start; cues that start in the same second share that second; the last cue lasts as
long as its words take at a speaking pace (`PACE_MS_PER_WORD`). The talk so inferred is
counted per call (`Transcript.inferred_ms`). A cue without a usable start is left out
alone and counted (`Transcript.untimed`); it never costs the rest of the call.
"""

from __future__ import annotations

import datetime as dt
import re
import reprlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gapdiag.model.errors import GapdiagError, Problem

_SPACES = re.compile(r"[ \t\n]+")
UNNAMED = ""  # the speaker of a cue the file does not attribute to anyone
TRIM_MS = 1000  # one speaker's cues overlapping by this much or less are trimmed apart
UNKNOWN = -1  # a cue's end the file does not give: inferred (see the module docstring)
PACE_MS_PER_WORD = 400  # 150 words a minute: how long the last start-only cue lasts
_SHARED_MS = 1000  # cues that start at one time share at most this much of what follows


class TranscriptError(GapdiagError, ValueError):
    """A transcript that cannot be used; says which file and line, and why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        line = f":{problem.line}" if problem.line is not None else ""
        super().__init__(f"{problem.file}{line}: {problem}")


@dataclass(frozen=True, slots=True)
class Cue:
    """One stretch of one speaker's talk; times in milliseconds from the recording's start."""

    start: int
    end: int
    speaker: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Crosstalk:
    """The first cue that starts while another speaker's earlier cue is still running."""

    line: int
    start: int
    before_line: int
    before_end: int


@dataclass(frozen=True, slots=True)
class Transcript:
    """A call's cues in time order (no two overlap), as columns, with the file they came from.

    Columns rather than one object per cue: a thirty-minute call has some 300 cues, and
    the benchmark's goal leaves about 2 ms for all of them.
    """

    source: str
    date: dt.date | None
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    speakers: tuple[str, ...]
    texts: tuple[str, ...]
    first_line: int
    crosstalk: Crosstalk | None = None  # two speakers at once (then ends may not rise)
    inferred_ms: int = 0
    """Talk in cues whose end the file did not give (milliseconds)."""
    untimed: int = 0
    """Cues left out for want of a usable start."""

    @property
    def end(self) -> int:
        """When the last cue ends (the last listed, unless there is crosstalk)."""
        return max(self.ends) if self.crosstalk else self.ends[-1]

    @property
    def cues(self) -> tuple[Cue, ...]:
        """The cues as objects, in time order (their lines are not kept: 0)."""
        columns = zip(self.starts, self.ends, self.speakers, self.texts, strict=True)
        return tuple(Cue(start, end, speaker, text, 0) for start, end, speaker, text in columns)


def clean(text: str) -> str:
    """A cue's text with its lines joined and runs of spaces and tabs made one space."""
    return _SPACES.sub(" ", text).strip(" ")


def fail(source: str, line: int | None, where: str, message: str) -> TranscriptError:
    """A TranscriptError for `source` at `line`."""
    return TranscriptError(Problem(where, message, line, source))


def unusable(item: Mapping[str, object], key: str, expected: str) -> str:
    """Why a segment's field is unusable, as a person reads it: missing, null or its value."""
    if key not in item:
        return f"is missing (expected {expected})"
    return f"{'null' if item[key] is None else shown(item[key])} is not {expected}"


_SHORT = reprlib.Repr()  # keyword arguments need Python 3.12
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlevel, _SHORT.maxlist, _SHORT.maxdict = 2, 4, 4


def shown(value: object) -> str:
    """A file's value as a message shows it: its repr, cut short however long or deep."""
    return _SHORT.repr(value)


def clock(ms: int) -> str:
    """Milliseconds as a WebVTT time, 00:01:02.500."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def in_time_order(
    source: str, cues: Sequence[Cue], date: dt.date | None, *, untimed: int = 0
) -> Transcript:
    """Sort cues by start, infer unknown ends; refuse one speaker's overlapping cues.

    `untimed` counts the cues the reader left out for want of a usable start.

    Raises:
        TranscriptError: no cues, or a cue that starts more than `TRIM_MS` before the same
            speaker's previous cue ends (or ends inside it).
    """
    if not cues:
        raise fail(source, None, "(file)", "has no cue with words in it (an empty transcript)")
    inferred = 0
    if any(cue.end == UNKNOWN for cue in cues):
        ordered, inferred = _with_ends(sorted(cues, key=_start))  # (same starts: file order)
    else:
        ordered = list(cues)
    ordered.sort(key=_start_end)
    last: dict[str, Cue] = {}
    trimmed = False
    for index, cue in enumerate(ordered):
        before = last.get(cue.speaker)
        if before is not None and cue.start < before.end:
            if before.end - cue.start > TRIM_MS or cue.end <= before.end:
                who = repr(cue.speaker) if cue.speaker else "no speaker"
                raise fail(
                    source,
                    cue.line,
                    f"cue at {clock(cue.start)}",
                    f"starts before the cue on line {before.line} ends at "
                    f"{clock(before.end)}, with the same speaker ({who}) (overlapping cues "
                    "of one speaker: trim or merge them so their talk counts once)",
                )
            cue = ordered[index] = Cue(before.end, cue.end, cue.speaker, cue.text, cue.line)
            trimmed = True
        last[cue.speaker] = cue  # it ends after `before` (it starts at or after its end)
    if trimmed:
        ordered.sort(key=_start_end)
    crosstalk, latest, second = None, None, -1  # second: the largest end but the latest's
    for cue in ordered:
        overlaps = crosstalk is None and latest is not None and cue.start < latest.end
        if overlaps and latest is not None and not _hand_over(latest, cue, second):
            crosstalk = Crosstalk(cue.line, cue.start, latest.line, latest.end)
        if latest is None or cue.end > latest.end:
            second = max(second, latest.end) if latest is not None else second
            latest = cue
        else:
            second = max(second, cue.end)
    return Transcript(
        source,
        date,
        tuple(c.start for c in ordered),
        tuple(c.end for c in ordered),
        tuple(c.speaker for c in ordered),
        tuple(c.text for c in ordered),
        min(c.line for c in ordered),
        crosstalk,
        inferred,
        untimed,
    )


def _hand_over(earlier: Cue, cue: Cue, others_end: int) -> bool:
    """A turn handed over with its edges overlapping by up to `TRIM_MS` (Teams and caption
    tools round cue edges so): another speaker, starting inside the earlier cue's last
    second and talking on past it, while no third cue is still running; not crosstalk."""
    return (
        earlier.speaker != cue.speaker
        and earlier.start < cue.start
        and earlier.end - cue.start <= TRIM_MS
        and cue.end > earlier.end
        and others_end <= cue.start
    )


def timed(
    source: str, found: Sequence[Cue | TranscriptError | None], date: dt.date | None
) -> Transcript:
    """`in_time_order` of the cues a reader found; the others (their start unusable) are
    left out and counted, unless none is left: then the first one's problem is raised.
    A `None` is a segment without words (silence): left out, not counted.

    Raises:
        TranscriptError: no cue has a usable start, or as `in_time_order`.
    """
    cues = [cue for cue in found if isinstance(cue, Cue)]
    problems = [problem for problem in found if isinstance(problem, TranscriptError)]
    if not cues and problems:
        raise problems[0]
    return in_time_order(source, cues, date, untimed=len(problems))


def _start(cue: Cue) -> int:
    return cue.start


def _start_end(cue: Cue) -> tuple[int, int]:
    return cue.start, cue.end


def _with_ends(ordered: list[Cue]) -> tuple[list[Cue], int]:
    """Cues (sorted by start) with every `UNKNOWN` end inferred, and the talk so inferred.

    The start-only cues at one start share the time up to the next later start (at most
    `_SHARED_MS` of it, the last of them taking the rest), in file order.
    """
    out: list[Cue] = []
    inferred = at = 0
    while at < len(ordered):
        start = ordered[at].start
        stop = at + 1
        while stop < len(ordered) and ordered[stop].start == start:
            stop += 1
        group = ordered[at:stop]
        out += [cue for cue in group if cue.end != UNKNOWN]
        run = [cue for cue in group if cue.end == UNKNOWN]
        if run:
            if stop < len(ordered):
                later = ordered[stop].start
            else:  # the last cue: as long as its words take
                words = sum(len(cue.text.split()) for cue in run)
                later = start + max(_SHARED_MS, PACE_MS_PER_WORD * words)
            window = min(_SHARED_MS, later - start)
            edges = [start + window * i // len(run) for i in range(len(run))] + [later]
            for cue, begin, end in zip(run, edges, edges[1:], strict=False):
                if end > begin:  # (more cues in one millisecond than it has: left out)
                    out.append(Cue(begin, end, cue.speaker, cue.text, cue.line))
                    inferred += end - begin
        at = stop
    return out, inferred


def decode(source: str, raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped, line ends made \\n).

    Raises:
        TranscriptError: the bytes are not UTF-8, naming the line of the first bad byte.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        bad = raw[error.start : error.start + 1].hex()
        raise fail(
            source, line, "(file)", f"is not UTF-8 text (byte 0x{bad}; save it as UTF-8)"
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_TEXT_KEY = re.compile(r'"text"\s*:')


def text_key_lines(text: str) -> list[int]:
    """The line of each JSON "text" key, in file order: a JSON item's line for messages."""
    lines, at, line = [], 0, 1
    for match in _TEXT_KEY.finditer(text):
        line += text.count("\n", at, match.start())
        at = match.start()
        lines.append(line)
    return lines
