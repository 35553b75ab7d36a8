"""Shares of plan read back as the activity behind them, for goals a rep can picture.

"35% of the call plan" is "14 calls a day"; conversion against the plan's share is the
meetings a week it gives at the rep's own calls.
"""

from __future__ import annotations

from collections.abc import Mapping

from gapdiag.model.derived import ramp_factor
from gapdiag.model.metrics import Targets

_PLAN_UNITS = {
    "derived.calls_vs_plan": ("activity.calls_per_day", "calls_per_day"),
    "derived.emails_vs_plan": ("activity.emails_per_day", "emails_per_day"),
    "derived.meetings_vs_plan": ("activity.meetings_per_week", "meetings_per_week"),
}
_CONVERSION = "derived.conversion_vs_plan"


def in_plan_units(
    metric: str, value: float | bool | None, facts: Mapping[str, object], targets: Targets
) -> tuple[str, float | bool | None]:
    """A share of plan as the activity behind it (35% of a 40-call plan: 14 calls a day).

    Conversion against the plan's reads as the meetings a week it gives at the rep's own
    calls (38 calls a day converting at the plan's share: 4.75 meetings a week).
    """
    if metric == _CONVERSION:
        return _conversion_in_meetings(value, facts, targets)
    found = _PLAN_UNITS.get(metric)
    if found is None:
        return metric, value
    path, name = found
    if value is None or isinstance(value, bool):
        return path, value
    plan = getattr(targets, name)
    tenure = facts.get("tenure_months")
    factor = ramp_factor(tenure if isinstance(tenure, float) else None, targets.ramp_months)
    return path, value * plan * factor


def _conversion_in_meetings(
    value: float | bool | None, facts: Mapping[str, object], targets: Targets
) -> tuple[str, float | bool | None]:
    calls = facts.get("activity.calls_per_day")
    plan_calls, plan_meetings = targets.calls_per_day, targets.meetings_per_week
    if value is None:
        return "activity.meetings_per_week", None
    if (
        isinstance(value, bool)
        or not isinstance(calls, float)
        or not plan_calls
        or plan_meetings is None
    ):
        return _CONVERSION, value
    # the plan's share is plan meetings / (plan calls x 5); the ramp factor cancels out
    return "activity.meetings_per_week", value * plan_meetings * calls / plan_calls


def across_weeks(
    metric: str, value: float | bool | None, facts: Mapping[str, object], targets: Targets
) -> tuple[str, float | bool | None]:
    """`in_plan_units` for values from different weeks: a share of plan reads as the activity
    behind it, but conversion against plan stays a share (its meetings a week would depend
    on each week's own calls)."""
    if metric == _CONVERSION:
        return metric, value
    return in_plan_units(metric, value, facts, targets)
