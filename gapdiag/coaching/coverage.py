"""The coverage focus: when the open pipeline will not close the gap, say so this week.

Whatever gap the rules find, a pipeline short of the gap to goal is a problem to work on
now (seed 000's coverage talk); the plan carries it beside the focus gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from gapdiag.coaching.playbook import goal_date
from gapdiag.coaching.workdays import WorkingDays
from gapdiag.model._result import Worded
from gapdiag.model.labels import show
from gapdiag.model.metrics import Targets, _Strict
from gapdiag.model.wording import day


class CoverageFocus(Worded, _Strict):
    """A pipeline that will not close the gap: build coverage this week, whoever's gap it is."""

    gap_to_goal: float
    expected: float
    shortfall: float
    pipeline_needed: float | None
    open_pipeline: float
    required_coverage: float
    by_date: dt.date | None
    text: str

    def _words(self) -> str:
        return self.text


def coverage_focus(
    facts: Mapping[str, object],
    targets: Targets,
    *,
    start: dt.date | None = None,
    calendar: WorkingDays | None = None,
    keeping_pace: bool = False,
) -> CoverageFocus | None:
    """A coverage focus when the open pipeline will not close the gap to goal, else None;
    for a rep `keeping_pace` (ahead or on track) it is coverage to keep pace, not a gap."""

    def num(name: str) -> float | None:
        value = facts.get(name)
        return value if isinstance(value, float) else None

    gap, expected = num("derived.gap_to_goal"), num("derived.expected_from_pipeline")
    shortfall, pipe = num("derived.pipeline_shortfall"), num("pipeline.open_pipeline")
    if gap is None or expected is None or shortfall is None or pipe is None:
        return None
    if gap <= 0 or shortfall <= 0:
        return None
    needed = num("derived.pipeline_needed")
    required = num("derived.coverage_needed") or 3.0
    by_date = goal_date(start, 1, calendar) if start is not None else None
    when = f" by {day(by_date)}" if by_date else " this week"
    lead = "Build coverage to keep pace" if keeping_pace else "Close the coverage gap"
    text = (
        f"{lead}{when}: {show('derived.gap_to_goal', gap)} still to find, the "
        f"open pipeline of {show('pipeline.open_pipeline', pipe)} should yield "
        f"{show('derived.expected_from_pipeline', expected)}, leaving "
        f"{show('derived.pipeline_shortfall', shortfall)} uncovered"
        + (f"; {show('derived.pipeline_needed', needed)} of pipeline is needed" if needed else "")
        + "."
    )
    return CoverageFocus(
        gap_to_goal=gap,
        expected=expected,
        shortfall=shortfall,
        pipeline_needed=needed,
        open_pipeline=pipe,
        required_coverage=required,
        by_date=by_date,
        text=text,
    )
