"""The derived quantities of ``derived``, computed over whole columns (NaN = unknown).

Each function mirrors its per-rep twin in ``derived`` operation for operation, so the
values are bit-identical; a property test holds the two together.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gapdiag.engines.vector._columns import Floats
from gapdiag.model.derived import RAMP_FLOOR, WORK_DAYS_PER_WEEK
from gapdiag.model.metrics import Targets

Column = Callable[[str], Floats]


def _ratio(top: Floats | float, bottom: Floats | float) -> Floats:
    result: Floats = np.where(bottom == 0, np.nan, np.divide(top, bottom))
    return result


def _ramp_factor(tenure: Floats, ramp_months: float | None) -> Floats | float:
    if ramp_months is None or ramp_months <= 0:
        return 1.0
    factor: Floats = np.where(
        np.isnan(tenure) | (tenure >= ramp_months),
        1.0,
        np.maximum(RAMP_FLOOR, tenure / ramp_months),
    )
    return factor


def _ramp_share(factor: Floats | float, shape: tuple[int, ...]) -> Floats:
    """The ramp factor where it is under 1 (a rep in ramp), NaN elsewhere, as ramp_share."""
    full = np.broadcast_to(np.asarray(factor, dtype=np.float64), shape)
    share: Floats = np.where(full < 1.0, full, np.nan)
    return share


def _versus_plan(actual: Floats, plan: float | None, factor: Floats | float) -> Floats:
    if plan is None:
        return np.full(actual.shape, np.nan)
    return _ratio(actual, np.multiply(plan, factor))


def _conversion(calls: Floats, meetings: Floats, targets: Targets) -> Floats:
    """The rep's share over the plan's as one quotient, as derived.conversion_vs_plan."""
    plan_calls, plan_meetings = targets.calls_per_day, targets.meetings_per_week
    if plan_calls is None or plan_meetings is None or plan_calls == 0:
        return np.full(calls.shape, np.nan)
    return _ratio(meetings * plan_calls, calls * plan_meetings)


def derive(num: Column, targets: Targets) -> dict[str, Floats]:
    """Every derived quantity over whole columns, keyed 'derived.<name>' (see derived.derive)."""
    with np.errstate(all="ignore"):
        quota, won = num("pipeline.quota"), num("pipeline.closed_won")
        gap = quota - won - num("pipeline.commit")
        win = num("pipeline.win_rate")
        pipe = num("pipeline.open_pipeline")
        expected = pipe * win
        factor = _ramp_factor(num("tenure_months"), targets.ramp_months)
        calls = num("activity.calls_per_day")
        meetings = num("activity.meetings_per_week")
        converts = _ratio(meetings, calls * WORK_DAYS_PER_WEEK)
        cover = np.where(gap <= 0, np.nan, _ratio(pipe, gap))
        needed = _ratio(1.0, win)
        if targets.pipeline_coverage is not None:
            needed = np.where(np.isnan(needed), targets.pipeline_coverage, needed)
        values = {
            "derived.gap_to_goal": gap,
            "derived.expected_from_pipeline": expected,
            "derived.pipeline_needed": _ratio(gap, win),
            "derived.coverage": cover,
            "derived.required_coverage": _ratio(1.0, win),
            "derived.pipeline_shortfall": gap - expected,
            "derived.attainment": _ratio(won, quota),
            "derived.ramp_share": _ramp_share(factor, calls.shape),
            "derived.calls_vs_plan": _versus_plan(calls, targets.calls_per_day, factor),
            "derived.emails_vs_plan": _versus_plan(
                num("activity.emails_per_day"), targets.emails_per_day, factor
            ),
            "derived.meetings_vs_plan": _versus_plan(meetings, targets.meetings_per_week, factor),
            "derived.calls_per_meeting": _ratio(calls * WORK_DAYS_PER_WEEK, meetings),
            "derived.calls_to_meetings": converts,
            "derived.conversion_vs_plan": _conversion(calls, meetings, targets),
            "derived.coverage_needed": needed,
            "derived.coverage_vs_needed": _ratio(cover, needed),
        }
        # Overflow is unknown, as in derived.derive.
        return {name: np.where(np.isfinite(v), v, np.nan) for name, v in values.items()}
