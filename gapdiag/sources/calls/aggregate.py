"""Per-rep aggregation: a rep's calls in a period -> ``calls.*`` medians and calls to hear.

Per rep, over the calls dated in the period (the median where one odd call would sway
a mean):

| column | from each call |
| --- | --- |
| ``calls.talk_ratio`` | median rep talk ratio |
| ``calls.longest_monologue_seconds`` | median of each call's longest rep monologue |
| ``calls.discovery_questions_per_call`` | median discovery questions |
| ``calls.open_question_ratio`` | median open-question ratio, over calls with questions |

``calls.rubric_score`` and ``calls.objection_handling_score`` stay absent: they are a
person's judgement, which the calls picked for listening are there to inform. The picks
rank a rep's calls by the call score (`rubric`).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model.labels import percent, sentence
from gapdiag.model.wording import day
from gapdiag.sources.calls.measure import CallMetrics, TrackerCount
from gapdiag.sources.ingest import Period

PickKind = Literal["weak", "typical", "strong"]
METRIC_COLUMNS = (
    "calls.discovery_questions_per_call",
    "calls.open_question_ratio",
    "calls.talk_ratio",
    "calls.longest_monologue_seconds",
)


class ListenPick(Worded, BaseModel):
    """A call to listen to: which kind it is, the file, its score and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: PickKind
    file: str
    date: dt.date | None
    score: float
    why: str

    def _words(self) -> str:
        when = f", {day(self.date)}" if self.date else ""
        return f"{sentence(self.kind)} call {self.file}{when}: {self.why}"


class RepCalls(Worded, BaseModel):
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

    def _words(self) -> str:
        talks = percent(self.talk_ratio)
        return f"{self.rep_id}: {self.calls} calls, the rep talks {talks} of the time"


@dataclass(slots=True)
class Tally:
    """What aggregation keeps of each call: eight numbers in arrays (about 50 bytes a call).

    The medians and the picks need every call's values; the transcripts are long gone.
    """

    talk: array[float] = field(default_factory=lambda: array("d"))
    monologue: array[float] = field(default_factory=lambda: array("d"))
    discovery: array[int] = field(default_factory=lambda: array("l"))
    open: array[float] = field(default_factory=lambda: array("d"))  # NaN: no questions
    dated: array[int] = field(default_factory=lambda: array("b"))  # -1 unknown, 0 no, 1 yes
    score: array[float] = field(default_factory=lambda: array("d"))
    day: array[int] = field(default_factory=lambda: array("l"))  # date ordinal, 0 unknown
    file: array[int] = field(default_factory=lambda: array("l"))  # index into the files
    trackers: dict[str, list[int]] = field(default_factory=dict)

    def add(self, call: CallMetrics, index: int) -> None:
        """Keep what aggregation needs of one call, the `index`-th file read."""
        self.add_lean(lean(call), index)

    def add_lean(self, call: Lean, index: int) -> None:
        """As `add`, from the call's `lean` values (what a worker process sends back)."""
        _, talk, monologue, discovery, ratio, dated, score, date, trackers = call
        self.talk.append(talk)
        self.monologue.append(monologue)
        self.discovery.append(discovery)
        self.open.append(math.nan if ratio is None else ratio)
        self.dated.append(-1 if dated is None else int(dated))
        self.score.append(score)
        self.day.append(0 if date is None else date.toordinal())
        self.file.append(index)
        for name, rep, buyer in trackers:
            both = self.trackers.setdefault(name, [0, 0])
            both[0] += rep
            both[1] += buyer


# What aggregation keeps of a call: rep id, talk ratio, longest monologue, discovery
# questions, open-question ratio, dated next step, score, date, (tracker, rep, buyer)...
Lean = tuple[
    str,
    float,
    float,
    int,
    float | None,
    bool | None,
    float,
    dt.date | None,
    tuple[tuple[str, int, int], ...],
]


def lean(call: CallMetrics | Mapping[str, Any]) -> Lean:
    """The values of a call aggregation uses, as plain data (cheap to send between processes).

    From the call's model or its `measure.figures` (trackers as (name, rep, buyer)).
    """
    if isinstance(call, CallMetrics):
        trackers = tuple([(t.name, t.rep, t.buyer) for t in call.trackers])
        call = {**dict(call), "trackers": trackers}
    return (
        call["rep_id"],
        call["talk_ratio"],
        call["longest_monologue_seconds"],
        call["discovery_questions"],
        call["open_question_ratio"],
        call["dated_next_step"],
        call["score"],
        call["date"],
        call["trackers"],
    )


def rep_calls(rep_id: str, tally: Tally, period: Period, name_of: Callable[[int], str]) -> RepCalls:
    """One rep's metrics, tracker totals and picks; `name_of` names a call by its index."""
    ratios = [r for r in tally.open if not math.isnan(r)]
    dated = [d for d in tally.dated if d >= 0]
    return RepCalls(
        rep_id=rep_id,
        period_start=period.start,
        period_end=period.end,
        calls=len(tally.talk),
        talk_ratio=statistics.median(tally.talk),
        longest_monologue_seconds=statistics.median(tally.monologue),
        discovery_questions_per_call=float(statistics.median(tally.discovery)),
        open_question_ratio=statistics.median(ratios) if ratios else None,
        dated_next_step_share=sum(dated) / len(dated) if dated else None,
        trackers=tuple(
            TrackerCount(name=name, rep=rep, buyer=buyer)
            for name, (rep, buyer) in tally.trackers.items()
        ),
        listen=_picks(tally, name_of),
    )


def _picks(tally: Tally, name_of: Callable[[int], str]) -> tuple[ListenPick, ...]:
    """The weakest, a typical (the median) and the strongest call by score.

    Ties go to the earlier call, then the file name. Two calls give weak and strong, one
    call gives only typical.
    """
    ranked = sorted(
        range(len(tally.score)),
        key=lambda i: (tally.score[i], tally.day[i], name_of(tally.file[i])),
    )
    count = len(ranked)
    chosen: list[tuple[PickKind, int]]
    if count == 1:
        chosen = [("typical", ranked[0])]
    elif count == 2:
        chosen = [("weak", ranked[0]), ("strong", ranked[1])]
    else:
        chosen = [("weak", ranked[0]), ("typical", ranked[(count - 1) // 2])]
        chosen.append(("strong", ranked[-1]))
    return tuple(
        ListenPick(
            kind=kind,
            file=name_of(tally.file[i]),
            date=dt.date.fromordinal(tally.day[i]) if tally.day[i] else None,
            score=tally.score[i],
            why=_why(tally, i),
        )
        for kind, i in chosen
    )


def _why(tally: Tally, i: int) -> str:
    talk, monologue, discovery = tally.talk[i], tally.monologue[i], tally.discovery[i]
    ratio = tally.open[i]
    opened = "no questions" if math.isnan(ratio) else f"{ratio:.0%} of questions open"
    step = {1: "a dated next step", 0: "no dated next step", -1: "next step unknown"}
    return (
        f"scores {tally.score[i]:.2f} of 5: the rep talks {talk:.0%} of the time, asks "
        f"{discovery} discovery question{'' if discovery == 1 else 's'}, {opened}, longest "
        f"monologue {monologue:.0f} s, {step[tally.dated[i]]}"
    )
