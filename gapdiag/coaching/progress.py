"""How each leading indicator did over the coaching weeks, and the words for it.

Progress (seed 001: no improvement in *any* metric after 4-6 weeks leads to a PIP review)
is an indicator that began coaching short of its target and either moved toward it beyond
week-to-week noise (``moving``) or reached it and held it there two weeks running
(``reached``). One already at target when coaching began is ``held`` while it stays there:
neither progress nor failure. ``flat``, ``uneven`` (no steady trend though the first and
latest values differ), ``worsening`` and ``slipped`` (was at target, now below) fell short.
The rep's own commitment rating is never progress on its own.

The summary groups them under words true of their numbers: what fell ("Did not improve")
apart from what stayed ("Did not move") and what jumped about ("No steady trend").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from gapdiag.coaching.trends import Trend
from gapdiag.coaching.units import across_weeks
from gapdiag.model.labels import label_of
from gapdiag.model.metrics import Targets
from gapdiag.model.wording import reading

HOLDS = 2
"""Weeks in a row at target before reaching it counts as progress (one week may be luck)."""
SELF_RATED = frozenset({"ownership.commitment_score"})
"""Metrics the rep rates themselves: never progress on their own."""
Progress = Literal["moving", "reached", "held", "flat", "uneven", "worsening", "slipped", "unknown"]
"""How one indicator did over the coaching weeks: moving and reached are progress; held (at
target when coaching began and still) is neither; flat, uneven, worsening and slipped fell
short."""
PROGRESS: frozenset[Progress] = frozenset({"moving", "reached"})
SHORT: frozenset[Progress] = frozenset({"flat", "uneven", "worsening", "slipped"})
_GROUPS: tuple[tuple[str, frozenset[Progress]], ...] = (
    ("Moved toward target", PROGRESS),
    ("Did not improve (fell)", frozenset({"worsening", "slipped"})),
    ("Did not move", frozenset({"flat"})),
    ("No steady trend (uneven week to week)", frozenset({"uneven"})),
    ("At target when coaching began (neither progress nor failure)", frozenset({"held"})),
)


def progress_of(t: Trend) -> Progress:
    """How one indicator did over the coaching weeks (see the module docstring)."""
    if t.metric in SELF_RATED or t.latest is None or t.began_at_target is None:
        return "unknown"
    if t.began_at_target:
        return "held" if t.at_target else "slipped"
    if t.held_weeks >= HOLDS:
        return "reached"
    if t.direction == "improving":
        return "moving"
    if t.direction in ("flat", "uneven", "worsening"):
        return t.direction
    return "unknown"


def progress_summary(
    trends: Sequence[tuple[Trend, Progress]], facts: Mapping[str, object], targets: Targets
) -> str:
    """What moved and what did not, each with its numbers: 'Moved toward target: calls a day
    14 → 31 (improving; target 40). Did not move: ...'."""
    parts = []
    for title, kinds in _GROUPS:
        found = [t for t, p in trends if p in kinds]
        if found:
            shown = "; ".join(_moved(t, facts, targets) for t in found)
            parts.append(f"{title}: {shown}.")
    return " ".join(parts)


def _moved(t: Trend, facts: Mapping[str, object], targets: Targets) -> str:
    path, _ = across_weeks(t.metric, None, facts, targets)
    values = [across_weeks(t.metric, v, facts, targets)[1] for v in (t.began, t.latest, t.target)]
    began, latest, goal = reading(path, *values)
    how = {
        "reached": "reached target" if t.latest_meets else "within the target's margin",
        "held": "at target" if t.latest_meets else "within the target's margin",
        "slipped": "slipped below target",
    }.get(progress_of(t), t.word)
    return f"{label_of(path).label} {began} → {latest} ({how}; target {goal})"
