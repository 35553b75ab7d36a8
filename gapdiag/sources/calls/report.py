"""A folder of call transcripts -> per-rep ``calls.*`` metrics for a period, and calls to hear.

Files are read one at a time and reduced at once to a few numbers, so memory does not
grow with the transcripts' size. A transcript that cannot be used is reported (file,
line, why) and skipped; every other call still counts.

Per rep, over the calls dated in the period (the median where one odd call would sway
a mean):

| column | from each call |
| --- | --- |
| ``calls.talk_ratio`` | median rep talk ratio |
| ``calls.longest_monologue_seconds`` | median of each call's longest rep monologue |
| ``calls.discovery_questions_per_call`` | median discovery questions |
| ``calls.open_question_ratio`` | median open-question ratio, over calls with questions |

``calls.rubric_score`` and ``calls.objection_handling_score`` stay absent: they are a
person's judgement, which the calls picked for listening are there to inform.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import statistics
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.model.errors import InvalidArgument, Problem
from gapdiag.model.metrics import Targets
from gapdiag.sources.calls.cues import TranscriptError
from gapdiag.sources.calls.measure import CallMetrics, TrackerCount, measure
from gapdiag.sources.calls.speakers import RepNames, load_reps
from gapdiag.sources.calls.transcript import SUFFIXES, read_transcript
from gapdiag.sources.calls.vocab import Trackers, Words, load_trackers, load_words
from gapdiag.sources.ingest import Period, parse_period

if TYPE_CHECKING:
    import pandas as pd

PickKind = Literal["weak", "typical", "strong"]
METRIC_COLUMNS = (
    "calls.discovery_questions_per_call",
    "calls.open_question_ratio",
    "calls.talk_ratio",
    "calls.longest_monologue_seconds",
)


class ListenPick(BaseModel):
    """A call to listen to: which kind it is, the file, its score and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PickKind
    file: str
    date: dt.date | None
    score: float
    why: str


class RepCalls(BaseModel):
    """One rep's calls in a period: the ``calls.*`` metrics, trackers and calls to hear."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rep_id: str
    period_start: dt.date
    period_end: dt.date
    calls: int
    talk_ratio: float
    longest_monologue_seconds: float
    discovery_questions_per_call: float
    open_question_ratio: float | None
    dated_next_step_share: float | None
    trackers: tuple[TrackerCount, ...]
    listen: tuple[ListenPick, ...]

    def row(self) -> dict[str, Any]:
        """The flat row ``gapdiag ingest`` writes: rep_id, period and ``calls.*`` columns."""
        out: dict[str, Any] = {
            "rep_id": self.rep_id,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "calls.discovery_questions_per_call": self.discovery_questions_per_call,
            "calls.talk_ratio": self.talk_ratio,
            "calls.longest_monologue_seconds": self.longest_monologue_seconds,
        }
        if self.open_question_ratio is not None:
            out["calls.open_question_ratio"] = self.open_question_ratio
        return out


class CallsReport(BaseModel):
    """Every rep's calls in a period, the calls measured, and the transcripts skipped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: str
    period_start: dt.date
    period_end: dt.date
    reps: tuple[RepCalls, ...]
    calls: tuple[CallMetrics, ...]
    skipped: tuple[Problem, ...]
    outside_period: int

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per rep, in the shape ``gapdiag ingest`` writes (merge on all three)."""
        return [rep.row() for rep in self.reps]

    def to_frame(self) -> pd.DataFrame:
        """The per-rep rows as a DataFrame (needs pandas: ``gapdiag[frames]``)."""
        import pandas as pd

        columns = ["rep_id", "period_start", "period_end", *METRIC_COLUMNS]
        return pd.DataFrame(self.rows(), columns=columns)


@dataclass(slots=True)
class _Tally:
    """What aggregation keeps of each call: a handful of numbers, not the transcript."""

    calls: list[tuple[float, float, int, float | None, bool | None, float, str, str]] = field(
        default_factory=list
    )
    trackers: dict[str, list[int]] = field(default_factory=dict)

    def add(self, call: CallMetrics) -> None:
        self.calls.append(
            (
                call.talk_ratio,
                call.longest_monologue_seconds,
                call.discovery_questions,
                call.open_question_ratio,
                call.dated_next_step,
                call.score,
                call.file,
                "" if call.date is None else call.date.isoformat(),
            )
        )
        for count in call.trackers:
            both = self.trackers.setdefault(count.name, [0, 0])
            both[0] += count.rep
            both[1] += count.buyer


def transcripts(folder: str | Path) -> list[Path]:
    """The transcript files (.vtt, .json) under a folder, sorted; or the one file given.

    Raises:
        InvalidArgument: the path does not exist, or holds no transcripts.
    """
    root = Path(folder)
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise InvalidArgument(f"{root}: no such folder of transcripts")
    found = sorted(p for p in root.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    if not found:
        raise InvalidArgument(f"{root}: holds no transcripts (.vtt or .json files)")
    return found


@dataclass(frozen=True, slots=True)
class _Reading:
    """Everything measuring one file needs (sent once to each worker process)."""

    names: Mapping[str, str]
    period: Period | None
    words: Words
    trackers: Trackers
    targets: Targets
    root: Path | None


def _one(file: str | Path, reading: _Reading) -> CallMetrics | Problem | None:
    """Measure one file: its metrics, a Problem if it is skipped, None if outside the period."""
    name = str(file)
    if reading.root is not None:
        name = os.path.relpath(file, reading.root).replace(os.sep, "/")
    period = reading.period
    try:
        transcript = read_transcript(file, name=name)
        if period is not None and transcript.date is None:
            return Problem(
                "(date)",
                "the call has no date (put YYYY-MM-DD in the file name, or 'date' in the JSON)",
                None,
                name,
            )
        if period is not None and not period.start <= transcript.date <= period.end:  # type: ignore[operator]  # None handled above
            return None
        return measure(
            transcript,
            reading.names,
            words=reading.words,
            trackers=reading.trackers,
            targets=reading.targets,
        )
    except TranscriptError as error:
        return error.problem


_WORKER: list[_Reading] = []  # the reading context of a worker process


def _start_worker(reading: _Reading) -> None:  # pragma: no cover - runs in a worker process
    _WORKER[:] = [reading]


def _one_in_worker(
    file: str | Path,
) -> CallMetrics | Problem | None:  # pragma: no cover - in a worker
    return _one(file, _WORKER[0])


def iter_calls(
    files: Iterable[str | Path],
    names: Mapping[str, str],
    *,
    period: Period | None = None,
    words: Words,
    trackers: Trackers,
    targets: Targets,
    root: Path | None = None,
    workers: int = 1,
) -> Iterator[CallMetrics | Problem | None]:
    """Measure files one at a time, in order: metrics, a Problem, or None (outside the period).

    Files are named relative to `root` in results and messages when given. With
    ``workers > 1`` the files are measured by that many processes (results stay in order).
    """
    reading = _Reading(names, period, words, trackers, targets, root)
    if workers <= 1:
        for file in files:
            yield _one(file, reading)
        return
    with multiprocessing.Pool(workers, _start_worker, (reading,)) as pool:
        yield from pool.imap(_one_in_worker, files, chunksize=16)


def read_calls(
    folder: str | Path,
    *,
    reps: str | Path | RepNames,
    period: str | Period,
    words: str | Path | None = None,
    trackers: str | Path | None = None,
    targets: Targets | None = None,
    keep_calls: bool = True,
    workers: int = 1,
) -> CallsReport:
    """Measure every transcript under `folder` dated in `period`, and aggregate per rep.

    Args:
        folder: a folder of .vtt / .json transcripts (searched recursively), or one file.
        reps: a reps YAML file, or a mapping of rep id to the names the rep speaks under.
        period: 2026-Q3, 2026-W14, 2026-07 or 2026 (as ``gapdiag ingest``).
        words: a word-lists YAML file (default: the shipped English lists).
        trackers: a keyword-trackers YAML file (default: the shipped trackers).
        targets: the targets the call rubric scores against (default: the defaults).
        keep_calls: keep every call's metrics in the report (False keeps memory flat).
        workers: processes measuring files side by side (1: this process only).

    Raises:
        InvalidArgument: a bad period or a folder without transcripts.
        CallsFileError: a reps, words or trackers file that cannot be used.
    """
    when = period if isinstance(period, Period) else parse_period(period)
    names = load_reps(reps)
    chosen = targets or Targets()
    files = [os.fspath(f) for f in transcripts(folder)]  # str: a tenth of a Path's memory
    root = Path(folder) if Path(folder).is_dir() else None
    tallies: dict[str, _Tally] = {}
    kept: list[CallMetrics] = []
    skipped: list[Problem] = []
    outside = 0
    for result in iter_calls(
        files,
        names,
        period=when,
        words=load_words(words),
        trackers=load_trackers(trackers),
        targets=chosen,
        root=root,
        workers=workers,
    ):
        if result is None:
            outside += 1
        elif isinstance(result, Problem):
            skipped.append(result)
        else:
            tallies.setdefault(result.rep_id, _Tally()).add(result)
            if keep_calls:
                kept.append(result)
    return CallsReport(
        period=when.label,
        period_start=when.start,
        period_end=when.end,
        reps=tuple(_rep(rep, tallies[rep], when) for rep in sorted(tallies)),
        calls=tuple(kept),
        skipped=tuple(skipped),
        outside_period=outside,
    )


def calls_frame(
    folder: str | Path,
    *,
    reps: str | Path | RepNames,
    period: str | Period,
    words: str | Path | None = None,
    trackers: str | Path | None = None,
    targets: Targets | None = None,
) -> pd.DataFrame:
    """Per-rep ``calls.*`` metrics for a period as a DataFrame, ready to merge with ingest's.

    The frame's ``attrs["report"]`` holds the full `CallsReport` (calls to listen to,
    trackers, skipped transcripts). See `read_calls` for the arguments and errors.
    """
    report = read_calls(
        folder,
        reps=reps,
        period=period,
        words=words,
        trackers=trackers,
        targets=targets,
        keep_calls=False,
    )
    frame = report.to_frame()
    frame.attrs["report"] = report
    return frame


def _rep(rep_id: str, tally: _Tally, period: Period) -> RepCalls:
    calls = tally.calls
    ratios = [c[3] for c in calls if c[3] is not None]
    dated = [c[4] for c in calls if c[4] is not None]
    return RepCalls(
        rep_id=rep_id,
        period_start=period.start,
        period_end=period.end,
        calls=len(calls),
        talk_ratio=statistics.median(c[0] for c in calls),
        longest_monologue_seconds=statistics.median(c[1] for c in calls),
        discovery_questions_per_call=float(statistics.median(c[2] for c in calls)),
        open_question_ratio=statistics.median(ratios) if ratios else None,
        dated_next_step_share=sum(dated) / len(dated) if dated else None,
        trackers=tuple(
            TrackerCount(name=name, rep=rep, buyer=buyer)
            for name, (rep, buyer) in tally.trackers.items()
        ),
        listen=_picks(calls),
    )


def _picks(
    calls: list[tuple[float, float, int, float | None, bool | None, float, str, str]],
) -> tuple[ListenPick, ...]:
    """The weakest, a typical (the median) and the strongest call by score.

    Ties go to the earlier call, then the file name. Two calls give weak and strong, one
    call gives only typical.
    """
    ranked = sorted(calls, key=lambda c: (c[5], c[7], c[6]))
    count = len(ranked)
    chosen: list[tuple[PickKind, int]]
    if count == 1:
        chosen = [("typical", 0)]
    elif count == 2:
        chosen = [("weak", 0), ("strong", 1)]
    else:
        chosen = [("weak", 0), ("typical", (count - 1) // 2), ("strong", count - 1)]
    return tuple(
        ListenPick(
            kind=kind,
            file=ranked[i][6],
            date=dt.date.fromisoformat(ranked[i][7]) if ranked[i][7] else None,
            score=ranked[i][5],
            why=_why(ranked[i]),
        )
        for kind, i in chosen
    )


def _why(call: tuple[float, float, int, float | None, bool | None, float, str, str]) -> str:
    talk, monologue, discovery, open_ratio, dated, score = call[:6]
    opened = "no questions" if open_ratio is None else f"{open_ratio:.0%} of questions open"
    step = {True: "a dated next step", False: "no dated next step", None: "next step unknown"}
    return (
        f"scores {score:.2f} of 5: the rep talks {talk:.0%} of the time, asks {discovery} "
        f"discovery question{'' if discovery == 1 else 's'}, {opened}, longest monologue "
        f"{monologue:.0f} s, {step[dated]}"
    )
