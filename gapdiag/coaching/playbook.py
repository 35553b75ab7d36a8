"""Choose the quarter's focus gap with a numeric goal, its drills, and check the manager's time.

The focus rule: a confirmed or suspected system gap comes first, as the manager's fix with a
date, because nothing the rep does can fix it; the rep's own leading gap (``rep_focus``) is
coached alongside. Otherwise the confirmed or suspected gap with the highest confidence
(ties in the order system, will, skill, knowledge). No confirmed or suspected gap means no
gap focus, but a pipeline that will not cover the gap still gets a coverage focus.

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

from gapdiag.model._kinds import Kind
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import Check, Diagnosis, Verdict
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.metrics import METRICS, Targets, _Strict
from gapdiag.rulebook.interventions import Drill, Indicator, Interventions
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.template import format_for, format_value

FOCUS_RULE = (
    "A confirmed or suspected system gap first, as the manager's fix, with the rep's own gap "
    "coached alongside; otherwise the confirmed or suspected gap with the highest confidence. "
    "The goal is set on the metric behind that gap's strongest evidence."
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
) -> Focus | None:
    """The quarter's focus gap with a numeric goal, by the documented focus rule."""
    system = diagnosis.verdict("system")
    if system.status in ("confirmed", "suspected"):
        verdict = system
        reason = f"a {system.status} system gap is fixed before any rep-side gap"
    else:
        ranked = [v for v in diagnosis.verdicts if v.status in ("confirmed", "suspected")]
        if not ranked:
            return None
        verdict, reason = ranked[0], "the highest-confidence confirmed or suspected gap"
    return _focus(verdict, reason, facts, library, targets, start, goal_week)


def rep_focus(
    diagnosis: Diagnosis,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    *,
    start: dt.date | None = None,
    goal_week: int = GOAL_WEEK,
) -> Focus | None:
    """The rep's own gap, coached alongside a system fix: None unless system comes first."""
    if diagnosis.verdict("system").status not in ("confirmed", "suspected"):
        return None
    ranked = [
        v
        for v in diagnosis.verdicts
        if v.gap != "system" and v.status in ("confirmed", "suspected")
    ]
    if not ranked:
        return None
    reason = "the rep's own leading gap, coached alongside the system fix"
    return _focus(ranked[0], reason, facts, library, targets, start, goal_week)


def _focus(
    verdict: Verdict,
    reason: str,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    start: dt.date | None,
    goal_week: int,
) -> Focus:
    goal = _goal(verdict, facts, library, targets, start, goal_week)
    return Focus(
        gap=verdict.gap,
        status=verdict.status,
        confidence=verdict.confidence,
        owner="manager" if verdict.gap == "system" else "rep",
        reason=f"{verdict.gap} ({verdict.status}, {verdict.confidence:.0%}): {reason}",
        goal=goal,
    )


def _goal(
    verdict: Verdict,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    start: dt.date | None,
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
                return _build(*parts, f"rule {evidence.rule}", week, start)
    for evidence in strongest:
        for check in evidence.checks:
            found = _from_check(check, every, targets)
            if found is not None:
                return _build(*found, f"rule {evidence.rule}", week, start)
    for indicator in own.values():
        known = facts.get(indicator.metric)
        if isinstance(known, float) and not indicator.is_met(known, targets):
            found = (indicator.metric, known, indicator.target_value(targets), indicator.better)
            return _build(*found, f"indicator {indicator.metric}", week, start)
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
    start: dt.date | None,
) -> Goal:
    by_date = working_day(start + dt.timedelta(weeks=week, days=-1)) if start is not None else None
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


def working_day(day: dt.date) -> dt.date:
    """The day itself on a weekday, else the Friday before it (a date a person would pick)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


class CoverageFocus(_Strict):
    """A pipeline that will not close the gap: build coverage this week, whoever's gap it is."""

    gap_to_goal: float
    expected: float
    shortfall: float
    pipeline_needed: float | None
    open_pipeline: float
    required_coverage: float
    by_date: dt.date | None
    text: str


def coverage_focus(
    facts: Mapping[str, object], targets: Targets, *, start: dt.date | None = None
) -> CoverageFocus | None:
    """A coverage focus when the open pipeline will not close the gap to goal, else None."""

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
    by_date = working_day(start + dt.timedelta(days=4)) if start is not None else None
    when = f" by {by_date}" if by_date else " this week"
    text = (
        f"Close the coverage gap{when}: {show('derived.gap_to_goal', gap)} still to find, the "
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
