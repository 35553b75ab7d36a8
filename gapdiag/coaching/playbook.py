"""Choose the quarter's focus gap with a numeric goal, its drills, and check the manager's time.

The focus rule: a confirmed system gap comes first, because nothing the rep does can fix it;
otherwise the confirmed or suspected gap with the highest confidence (ties in the order
system, will, skill, knowledge). No confirmed or suspected gap means no focus.

The goal comes from the metric behind the focus gap's strongest evidence (highest
certainty first, then pack order), in three passes:

1. the strongest rule that reads one of the gap's leading indicators where the rep is off
   target: goal = that indicator's target (so the goal is a number the escalation watches);
2. else the strongest rule's first comparison on a metric that is not already healthy
   (a condition the rep meets is context, not the problem): goal = the indicator's target,
   else the team target of the same name, else the rule's strict threshold; a true/false
   metric's goal is the opposite of what was seen;
3. else the first of the gap's indicators that is known and off target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.coaching.workdays import WorkingDays
from gapdiag.model._kinds import Kind
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import Check, Diagnosis, Verdict
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.metrics import METRICS, Targets, _Strict
from gapdiag.rulebook.interventions import Drill, Indicator, Interventions
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.template import format_for, format_value

FOCUS_RULE = (
    "A confirmed system gap first; otherwise the confirmed or suspected gap with the highest "
    "confidence. The goal is set on the metric behind that gap's strongest evidence."
)
GOAL_WEEK = 8
"""The week of the plan by which the focus goal should be met (ours: leaves a review at 6)."""
CEB_NOTE = (
    "The seeds' 2-hour figure traces back to CEB research that counted hours per month, "
    "so the threshold is a team setting (target.manager_coaching_hours_per_week)."
)


class Goal(_Strict):
    """The focus metric, where it is, where it should be and by when."""

    metric: str
    current: float | bool
    target: float | bool
    better: Literal["higher", "lower", "true", "false"]
    by_week: int = Field(ge=1)
    by_date: dt.date | None = None
    source: str = Field(description="The rule or indicator the goal was taken from.")
    text: str


class Focus(_Strict):
    """The one gap to work on this quarter, why it was chosen, and its goal."""

    gap: Gap
    status: str
    confidence: float
    owner: Literal["rep", "manager"] = Field(description="Who acts: a system gap is the manager's.")
    reason: str
    goal: Goal | None


class Watch(_Strict):
    """A leading indicator to watch: where the rep is now and the target it should reach."""

    metric: str
    current: float | None
    target: float
    better: Literal["higher", "lower"]


def watch_list(
    indicators: tuple[Indicator, ...], facts: Mapping[str, object], targets: Targets
) -> tuple[Watch, ...]:
    """The indicators with the rep's current values and the team's targets resolved."""
    return tuple(
        Watch(
            metric=i.metric,
            current=value if isinstance(value := facts.get(i.metric), float) else None,
            target=i.target_value(targets),
            better=i.better,
        )
        for i in indicators
    )


class ManagerCheck(_Strict):
    """Whether the manager's coaching time is itself a system-level cause for the team."""

    status: Literal["flagged", "ok", "unknown"]
    hours: float | None
    threshold: float | None
    note: str


def choose_focus(
    diagnosis: Diagnosis,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    *,
    start: dt.date | None = None,
    goal_week: int = GOAL_WEEK,
    calendar: WorkingDays | None = None,
) -> Focus | None:
    """The quarter's focus gap with a numeric goal, by the documented focus rule.

    The goal falls due on the last working day (in `calendar`; weekends only by
    default) of week `goal_week`, and starts from the value in `facts` where known.
    """
    system = diagnosis.verdict("system")
    if system.status == "confirmed":
        verdict, reason = system, "a confirmed system gap comes before any rep-side gap"
    else:
        ranked = [v for v in diagnosis.verdicts if v.status in ("confirmed", "suspected")]
        if not ranked:
            return None
        verdict, reason = ranked[0], "the highest-confidence confirmed or suspected gap"
    due = goal_date(start, goal_week, calendar) if start is not None else None
    goal = _goal(verdict, facts, library, targets, due, goal_week)
    now = facts.get(goal.metric) if goal is not None else None
    if goal is not None and isinstance(now, float | bool) and now != goal.current:
        goal = _build(goal.metric, now, goal.target, goal.better, goal.source, goal_week, due)
    return Focus(
        gap=verdict.gap,
        status=verdict.status,
        confidence=verdict.confidence,
        owner="manager" if verdict.gap == "system" else "rep",
        reason=f"{verdict.gap} ({verdict.status}, {verdict.confidence:.0%}): {reason}",
        goal=goal,
    )


def goal_date(start: dt.date, week: int, calendar: WorkingDays | None = None) -> dt.date:
    """The last working day of the plan's week `week` (week 1 holds `start`)."""
    sunday = start + dt.timedelta(days=6 - start.weekday(), weeks=week - 1)
    return (calendar or WorkingDays()).on_or_before(sunday)


def _goal(
    verdict: Verdict,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    due: dt.date | None,
    week: int,
) -> Goal | None:
    own = {i.metric: i for i in library.playbook(verdict.gap).indicators}
    every = {i.metric: i for g in reversed(GAPS) for i in library.playbook(g).indicators}
    every.update(own)
    strongest = sorted(verdict.evidence, key=lambda e: -e.certainty)
    for evidence in strongest:  # first choice: a watched indicator of this gap, off target
        for check in evidence.checks:
            value, indicator = check.observed_value, own.get(check.observed)
            if (
                indicator is not None
                and isinstance(value, float)
                and not indicator.is_met(value, targets)
            ):
                target = indicator.target_value(targets)
                parts = (check.observed, value, target, indicator.better)
                return _build(*parts, f"rule {evidence.rule}", week, due)
    for evidence in strongest:
        for check in evidence.checks:
            found = _from_check(check, every, targets)
            if found is not None:
                return _build(*found, f"rule {evidence.rule}", week, due)
    for indicator in own.values():
        known = facts.get(indicator.metric)
        if isinstance(known, float) and not indicator.is_met(known, targets):
            found = (indicator.metric, known, indicator.target_value(targets), indicator.better)
            return _build(*found, f"indicator {indicator.metric}", week, due)
    return None


Better = Literal["higher", "lower", "true", "false"]


def _from_check(
    check: Check, indicators: Mapping[str, Indicator], targets: Targets
) -> tuple[str, float | bool, float | bool, Better] | None:
    """A goal from one comparison; None for context (already healthy) or no usable goal."""
    name, seen = check.observed, check.observed_value
    if _kind(name) is None or seen is None:
        return None
    if isinstance(seen, bool):
        return name, seen, not seen, "false" if seen else "true"
    indicator = indicators.get(name)
    if indicator is not None:
        if indicator.is_met(seen, targets):
            return None  # a condition the rep already meets is context, not the problem
        return name, seen, indicator.target_value(targets), indicator.better
    if check.op not in ("<", "<=", ">", ">="):
        return None
    better: Better = "higher" if "<" in check.op else "lower"
    same = getattr(targets, name.rsplit(".", 1)[-1], None)  # e.g. target.meetings_per_week
    if isinstance(same, float) and (same > seen if better == "higher" else same < seen):
        return name, seen, same, better
    if check.threshold_value is None or check.op in ("<=", ">="):
        return None  # at a non-strict threshold the rule would still fire
    return name, seen, check.threshold_value, better


def _build(
    metric: str,
    current: float | bool,
    target: float | bool,
    better: Better,
    source: str,
    week: int,
    by_date: dt.date | None,
) -> Goal:
    when = f"by week {week}" + (f" ({by_date})" if by_date else "")
    text = f"{metric} from {show(metric, current)} to {show(metric, target)} {when}"
    return Goal(
        metric=metric,
        current=current,
        target=target,
        better=better,
        by_week=week,
        by_date=by_date,
        source=source,
        text=text,
    )


def _kind(name: str) -> Kind | None:
    if name.startswith("derived."):
        return DERIVED.get(name.removeprefix("derived."))
    return METRICS.get(name)


def show(name: str, value: float | bool | None) -> str:
    """A metric or derived value in its natural format (18%, $90,000, 2.0x, yes)."""
    kind = _kind(name)
    return format_value(value, format_for(kind) if kind is not None else "num")


def drills_for(
    gap: Gap, diagnosis: Diagnosis, book: Rulebook, library: Interventions
) -> tuple[Drill, ...]:
    """The drills for a gap: those its strongest fired rules point at first, then the playbook's."""
    evidence = sorted(diagnosis.verdict(gap).evidence, key=lambda e: -e.certainty)
    pointed = [drill for e in evidence if (drill := book.rule(e.rule).drill) is not None]
    ids = dict.fromkeys([*pointed, *library.playbook(gap).drills])
    return tuple(library.drill(i) for i in ids)


def manager_check(facts: Mapping[str, object], targets: Targets) -> ManagerCheck:
    """Flag a manager coaching under the weekly threshold: a system-level cause for the team."""
    hours = facts.get("territory.manager_coaching_hours_per_week")
    threshold = targets.manager_coaching_hours_per_week
    if not isinstance(hours, float) or threshold is None:
        note = "Manager coaching hours are not recorded; collect them. " + CEB_NOTE
        return ManagerCheck(status="unknown", hours=None, threshold=threshold, note=note)
    if hours < threshold:
        note = (
            f"The manager coaches {show('territory.manager_coaching_hours_per_week', hours)} "
            f"hours a week, under the {threshold:g}-hour setting. That is a system-level cause "
            "for the whole team, not only this rep: book coaching time first. " + CEB_NOTE
        )
        return ManagerCheck(status="flagged", hours=hours, threshold=threshold, note=note)
    note = (
        f"The manager coaches {hours:g} hours a week, at or above the {threshold:g}-hour setting."
    )
    return ManagerCheck(status="ok", hours=hours, threshold=threshold, note=note)
