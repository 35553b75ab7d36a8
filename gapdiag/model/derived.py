"""Derived quantities: pipeline math and activity against plan, as pure functions.

Each function returns None (unknown) when an input is unknown or the quantity is
undefined (a division by zero), so missing data never turns into a misleading zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from gapdiag.model import _kinds as k
from gapdiag.model.metrics import Targets

Value = float | None

WORK_DAYS_PER_WEEK = 5.0
RAMP_FLOOR = 0.25
"""The smallest share of the full plan a rep in ramp is held to (our default)."""


def _ratio(top: Value, bottom: Value) -> Value:
    if top is None or bottom is None or bottom == 0:
        return None
    return top / bottom


def gap_to_goal(quota: Value, closed_won: Value, commit: Value) -> Value:
    """Revenue still to find: quota minus closed-won minus commit."""
    if quota is None or closed_won is None or commit is None:
        return None
    return quota - closed_won - commit


def expected_from_pipeline(open_pipeline: Value, win_rate: Value) -> Value:
    """What the open pipeline should yield at the rep's win rate."""
    if open_pipeline is None or win_rate is None:
        return None
    return open_pipeline * win_rate


def pipeline_needed(gap: Value, win_rate: Value) -> Value:
    """Pipeline required to close the gap at the rep's win rate."""
    return _ratio(gap, win_rate)


def coverage(open_pipeline: Value, gap: Value) -> Value:
    """Open pipeline as a multiple of the gap; unknown once the gap is closed."""
    if gap is not None and gap <= 0:
        return None
    return _ratio(open_pipeline, gap)


def required_coverage(win_rate: Value) -> Value:
    """Coverage the rep's own win rate demands (1 / win rate), in place of a flat 3x."""
    return _ratio(1.0, win_rate)


def pipeline_shortfall(gap: Value, expected: Value) -> Value:
    """How much of the gap the pipeline will not close at this win rate (negative: a surplus)."""
    if gap is None or expected is None:
        return None
    return gap - expected


def ramp_factor(tenure_months: Value, ramp_months: Value) -> float:
    """Share of the full plan that applies: tenure / ramp while ramping, never below the floor.

    An unknown tenure applies the full plan: ramp relief needs evidence of a short tenure.
    """
    if tenure_months is None or ramp_months is None or ramp_months <= 0:
        return 1.0
    if tenure_months >= ramp_months:
        return 1.0
    return max(RAMP_FLOOR, tenure_months / ramp_months)


def ramp_share(factor: float) -> Value:
    """The share of the full plan a rep in ramp is held to; unknown (absent) once ramped."""
    return factor if factor < 1.0 else None


def versus_plan(actual: Value, plan: Value, factor: float) -> Value:
    """Actual activity as a fraction of the (ramp-adjusted) plan."""
    if plan is None:
        return None
    return _ratio(actual, plan * factor)


def calls_per_meeting(calls_per_day: Value, meetings_per_week: Value) -> Value:
    """Calls it takes to book one meeting, over a five-day week."""
    if calls_per_day is None:
        return None
    return _ratio(calls_per_day * WORK_DAYS_PER_WEEK, meetings_per_week)


def calls_to_meetings(calls_per_day: Value, meetings_per_week: Value) -> Value:
    """Share of a week's calls that become a meeting (the seed's 150 calls -> 2 meetings)."""
    if calls_per_day is None:
        return None
    return _ratio(meetings_per_week, calls_per_day * WORK_DAYS_PER_WEEK)


def conversion_vs_plan(
    calls_per_day: Value, meetings_per_week: Value, planned_calls: Value, planned_meetings: Value
) -> Value:
    """The rep's calls-to-meetings share over the plan's, worked out as one quotient
    (meetings x planned calls / (calls x planned meetings)): equal shares read exactly equal,
    so 2 meetings from 20 calls a day is 80% of a 5-from-40 plan, not 79.99...%."""
    if calls_per_day is None or meetings_per_week is None:
        return None
    if planned_calls is None or planned_meetings is None or planned_calls == 0:
        return None
    return _ratio(meetings_per_week * planned_calls, calls_per_day * planned_meetings)


def coverage_needed(win_rate: Value, flat: Value) -> Value:
    """Coverage the gap needs: 1 / win rate when the win rate is known, else the flat target."""
    needed = required_coverage(win_rate)
    return needed if needed is not None else flat


def derive(facts: Mapping[str, object], targets: Targets) -> dict[str, Value]:
    """Compute every derived quantity from flat metric facts, keyed 'derived.<name>'."""
    num = _numbers(facts)
    gap = gap_to_goal(num("pipeline.quota"), num("pipeline.closed_won"), num("pipeline.commit"))
    win = num("pipeline.win_rate")
    pipe = num("pipeline.open_pipeline")
    expected = expected_from_pipeline(pipe, win)
    factor = ramp_factor(num("tenure_months"), targets.ramp_months)
    calls = num("activity.calls_per_day")
    meetings = num("activity.meetings_per_week")
    converts = calls_to_meetings(calls, meetings)
    cover = coverage(pipe, gap)
    needed = coverage_needed(win, targets.pipeline_coverage)
    values = {
        "derived.gap_to_goal": gap,
        "derived.expected_from_pipeline": expected,
        "derived.pipeline_needed": pipeline_needed(gap, win),
        "derived.coverage": coverage(pipe, gap),
        "derived.required_coverage": required_coverage(win),
        "derived.pipeline_shortfall": pipeline_shortfall(gap, expected),
        "derived.attainment": _ratio(num("pipeline.closed_won"), num("pipeline.quota")),
        "derived.ramp_share": ramp_share(factor),
        "derived.calls_vs_plan": versus_plan(calls, targets.calls_per_day, factor),
        "derived.emails_vs_plan": versus_plan(
            num("activity.emails_per_day"), targets.emails_per_day, factor
        ),
        "derived.meetings_vs_plan": versus_plan(meetings, targets.meetings_per_week, factor),
        "derived.calls_per_meeting": calls_per_meeting(calls, meetings),
        "derived.calls_to_meetings": converts,
        "derived.conversion_vs_plan": conversion_vs_plan(
            calls, meetings, targets.calls_per_day, targets.meetings_per_week
        ),
        "derived.coverage_needed": needed,
        "derived.coverage_vs_needed": _ratio(cover, needed),
    }
    # A quantity that overflows (a win rate of 1e-308 needs infinite pipeline) is unknown,
    # as overflow is in conditions: no rule may read -inf as a real amount.
    return {name: v if v is None or math.isfinite(v) else None for name, v in values.items()}


def _numbers(facts: Mapping[str, object]) -> Callable[[str], Value]:
    def get(path: str) -> Value:
        value = facts.get(path)
        return value if isinstance(value, float) else None

    return get


DERIVED: Mapping[str, k.Kind] = {
    "gap_to_goal": k.Kind("money", "amount of money", None),
    "expected_from_pipeline": k.MONEY,
    "pipeline_needed": k.Kind("money", "amount of money", None),
    "coverage": k.Kind("multiple", "multiple"),
    "required_coverage": k.Kind("multiple", "multiple"),
    "pipeline_shortfall": k.Kind("money", "amount of money", None),
    "attainment": k.Kind("share", "share"),
    "ramp_share": k.Kind("share", "share"),
    "calls_vs_plan": k.Kind("share", "share"),
    "emails_vs_plan": k.Kind("share", "share"),
    "meetings_vs_plan": k.Kind("share", "share"),
    "calls_per_meeting": k.COUNT,
    "calls_to_meetings": k.Kind("share", "share"),
    "conversion_vs_plan": k.Kind("share", "share"),
    "coverage_needed": k.Kind("multiple", "multiple"),
    "coverage_vs_needed": k.Kind("share", "share"),
}
"""Every derived name (without the ``derived.`` prefix) and the kind of value it holds."""

_GAP = ("pipeline.quota", "pipeline.closed_won", "pipeline.commit")
_EXPECTED = ("pipeline.open_pipeline", "pipeline.win_rate")
DEPENDS: Mapping[str, tuple[str, ...]] = {
    "gap_to_goal": _GAP,
    "expected_from_pipeline": _EXPECTED,
    "pipeline_needed": (*_GAP, "pipeline.win_rate"),
    "coverage": ("pipeline.open_pipeline", *_GAP),
    "required_coverage": ("pipeline.win_rate",),
    "pipeline_shortfall": (*_GAP, *_EXPECTED),
    "attainment": ("pipeline.closed_won", "pipeline.quota"),
    "ramp_share": ("tenure_months",),
    "calls_vs_plan": ("activity.calls_per_day",),
    "emails_vs_plan": ("activity.emails_per_day",),
    "meetings_vs_plan": ("activity.meetings_per_week",),
    "calls_per_meeting": ("activity.calls_per_day", "activity.meetings_per_week"),
    "calls_to_meetings": ("activity.calls_per_day", "activity.meetings_per_week"),
    "conversion_vs_plan": ("activity.calls_per_day", "activity.meetings_per_week"),
    "coverage_needed": (),
    "coverage_vs_needed": ("pipeline.open_pipeline", *_GAP),
}
"""The metrics each derived quantity is computed from (what to collect when it is unknown)."""


def inputs_of(name: str) -> tuple[str, ...]:
    """The metric paths behind a name: itself for a metric, its inputs for ``derived.*``."""
    if name.startswith("derived."):
        return DEPENDS[name.removeprefix("derived.")]
    if name.startswith("target."):
        return ()
    return (name,)
