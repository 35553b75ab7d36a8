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
   (a condition the rep meets, or one asking for the healthy side of a metric such as "at
   least half the planned calls", is context, not the problem): goal = the indicator's
   target, else the team target of the same name, else the team mean or median the rule
   compares with, else the rule's strict threshold; a true/false metric's goal is the
   opposite of what was seen;
3. else the first of the gap's indicators that is known and off target.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.trends import on_target
from gapdiag.coaching.units import in_plan_units
from gapdiag.coaching.workdays import WorkingDays
from gapdiag.model import labels
from gapdiag.model._kinds import Kind
from gapdiag.model._result import Worded
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import Check, Diagnosis, Judged, Verdict
from gapdiag.model.gaps import FOUND, GAPS, Gap
from gapdiag.model.labels import label_of, percent, sentence
from gapdiag.model.metrics import METRICS, Targets, _Strict
from gapdiag.model.wording import confidence, day, movement
from gapdiag.rulebook.interventions import Indicator, Interventions

FOCUS_RULE = (
    "A confirmed or suspected system gap first, as the manager's fix, with the rep's own gap "
    "coached alongside; otherwise the confirmed or suspected gap with the highest confidence. "
    "The goal is set on the metric behind that gap's strongest evidence."
)
GOAL_WEEK = 8
"""The week of the plan by which the focus goal should be met (ours: leaves a review at 6)."""
CEB_NOTE = (
    "The seeds' 2-hour figure traces back to CEB research that counted hours per month, "
    "so the threshold is a team setting (planned manager coaching)."
)


class Goal(Worded, _Strict):
    """The focus metric, where it is, where it should be and by when."""

    metric: str
    current: float | bool
    target: float | bool
    better: Literal["higher", "lower", "true", "false"]
    by_week: int = Field(ge=1)
    by_date: dt.date | None = None
    source: str = Field(description="The rule or indicator the goal was taken from.")
    text: str

    def origin(self) -> str:
        """Where the goal came from, in words: 'the evidence' or 'the indicator calls a day'.

        The rule's id stays in `source` (JSON), for rule authors.
        """
        return "the evidence" if self.source.startswith("rule ") else f"the {self.source}"

    def _words(self) -> str:
        return self.text


class Focus(Worded, _Strict):
    """The one gap to work on this quarter, why it was chosen, and its goal."""

    gap: Gap
    status: str
    confidence: float
    owner: Literal["rep", "manager"] = Field(description="Who acts: a system gap is the manager's.")
    reason: str
    goal: Goal | None

    def _words(self) -> str:
        name = sentence(self.gap)
        return f"{name} ({self.status}, {percent(self.confidence)}), the {self.owner}'s to act on"


class Watch(Worded, _Strict):
    """A leading indicator to watch: where the rep is now and the target it should reach."""

    metric: str
    current: float | None = Field(description="The period's figure (the one diagnosed).")
    target: float
    better: Literal["higher", "lower"]
    latest_week: float | None = Field(
        default=None,
        description="The history's latest weekly value, when it reads otherwise than the "
        "period's figure (None: no history, or the same).",
    )
    floor: float | None = Field(
        default=None,
        description="Where the rules count the indicator as evidence of the gap, when that "
        "is short of the target (None: the target is the bar).",
    )

    def _words(self) -> str:
        label = sentence(label_of(self.metric).label)
        return (
            f"{label}: {show(self.metric, self.current)}, target {show(self.metric, self.target)}"
        )


def watch_list(
    indicators: tuple[Indicator, ...],
    facts: Mapping[str, object],
    targets: Targets,
    history: RepHistory | None = None,
) -> tuple[Watch, ...]:
    """The indicators with the rep's period figures, the team's targets resolved, and the
    history's latest week where it reads otherwise."""
    out = []
    for i in indicators:
        value = facts.get(i.metric)
        current = float(value) if isinstance(value, float | bool) else None
        points = history.values(i.metric, targets) if history is not None else ()
        latest = points[-1][1] if points else None
        if (
            latest is not None
            and current is not None
            and show(i.metric, latest) == show(i.metric, current)
        ):
            latest = None
        out.append(
            Watch(
                metric=i.metric,
                current=current,
                target=i.target_value(targets),
                better=i.better,
                latest_week=latest,
                floor=i.floor,
            )
        )
    return tuple(out)


class ManagerCheck(Worded, _Strict):
    """Whether the manager's coaching time is itself a system-level cause for the team."""

    status: Literal["flagged", "ok", "unknown"]
    hours: float | None
    threshold: float | None
    note: str

    def _words(self) -> str:
        return self.note


def choose_focus(
    diagnosis: Judged,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    *,
    start: dt.date | None = None,
    goal_week: int = GOAL_WEEK,
    calendar: WorkingDays | None = None,
    avoid: frozenset[str] = frozenset(),
    words: bool = True,
) -> Focus | None:
    """The quarter's focus gap with a numeric goal, by the documented focus rule.

    The goal falls due on the last working day (in `calendar`; weekends only by
    default) of week `goal_week`; it is never set on a metric in `avoid` (one a system
    fault distorts). Without `words` the goal's text is left empty (a page that shows
    only its figures).
    """
    system = diagnosis.verdict("system")
    if system.status in FOUND:
        verdict = system
        reason = f"a {system.status} system gap is fixed before any rep-side gap"
        if not system.blocks_pip:
            reason += " (it rests on estimates: check them first)"
    else:
        if diagnosis.primary_gap is None:
            return None
        verdict = diagnosis.verdict(diagnosis.primary_gap)
        reason = "the primary gap (where the tree routes, when the rules back it)"
    when = (start, goal_week, calendar)
    return _focus(verdict, reason, facts, library, targets, when, avoid, words=words)


def rep_focus(
    diagnosis: Diagnosis,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    *,
    start: dt.date | None = None,
    goal_week: int = GOAL_WEEK,
    calendar: WorkingDays | None = None,
    avoid: frozenset[str] = frozenset(),
) -> Focus | None:
    """The rep's own gap, coached alongside a system fix: None unless system comes first."""
    if diagnosis.verdict("system").status not in FOUND:
        return None
    ranked = [v for v in diagnosis.verdicts if v.gap != "system" and v.status in FOUND]
    if not ranked:
        return None
    reason = "the rep's own leading gap, coached alongside the system fix"
    when = (start, goal_week, calendar)
    return _focus(ranked[0], reason, facts, library, targets, when, avoid)


def _focus(
    verdict: Verdict,
    reason: str,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    when: tuple[dt.date | None, int, WorkingDays | None],
    avoid: frozenset[str] = frozenset(),
    *,
    words: bool = True,
) -> Focus:
    """`verdict` as the focus, its goal due on the last working day of week `when[1]`."""
    start, goal_week, calendar = when
    due = goal_date(start, goal_week, calendar) if start is not None else None
    goal = _goal(verdict, facts, library, targets, (due, goal_week), avoid, words=words)
    return Focus(
        gap=verdict.gap,
        status=verdict.status,
        confidence=verdict.confidence,
        owner="manager" if verdict.gap == "system" else "rep",
        reason=f"{verdict.gap} ({verdict.status}, {confidence(verdict.confidence)}): {reason}",
        goal=goal,
    )


def _goal(
    verdict: Verdict,
    facts: Mapping[str, object],
    library: Interventions,
    targets: Targets,
    when: tuple[dt.date | None, int],
    avoid: frozenset[str],
    *,
    words: bool = True,
) -> Goal | None:
    due, week = when
    setting = (facts, targets) if words else None
    own = {i.metric: i for i in library.playbook(verdict.gap).indicators if i.metric not in avoid}
    every = {i.metric: i for g in reversed(GAPS) for i in library.playbook(g).indicators}
    every.update(own)
    strongest = sorted(verdict.evidence, key=lambda e: -e.certainty)
    for evidence in strongest:  # first choice: a watched indicator of this gap, off target
        for check in evidence.checks:
            value, indicator = check.observed_value, own.get(check.observed)
            if (
                indicator is not None
                and isinstance(value, float)
                and not on_target(indicator, value, targets)
            ):
                target = indicator.target_value(targets)
                parts = (check.observed, value, target, indicator.better)
                return _build(*parts, f"rule {evidence.rule}", week, due, setting)
    for evidence in strongest:
        for check in evidence.checks:
            found = None if check.observed in avoid else _from_check(check, every, targets, facts)
            if found is not None:
                return _build(*found, f"rule {evidence.rule}", week, due, setting)
    for indicator in own.values():
        known = facts.get(indicator.metric)
        if isinstance(known, float) and not on_target(indicator, known, targets):
            found = (indicator.metric, known, indicator.target_value(targets), indicator.better)
            source = f"indicator {labels.label_of(indicator.metric).label}"
            return _build(*found, source, week, due, setting)
    return None


Better = Literal["higher", "lower", "true", "false"]


def _from_check(
    check: Check,
    indicators: Mapping[str, Indicator],
    targets: Targets,
    facts: Mapping[str, object],
) -> tuple[str, float | bool, float | bool, Better] | None:
    """A goal from one comparison; None for context (already healthy) or no usable goal.

    A comparison with the team ("over 1.25 times the team median") sets its goal at the
    team's own value: the rule's margin decides when to act, the team is where to get to.
    """
    name, seen = check.observed, check.observed_value
    if _kind(name) is None or seen is None:
        return None
    if isinstance(seen, bool):
        return name, seen, not seen, "false" if seen else "true"
    indicator = indicators.get(name)
    if indicator is not None:
        if on_target(indicator, seen, targets) or _asks_for(check.op) == indicator.better:
            return None  # a condition the rep already meets is context, not the problem
        return name, seen, indicator.target_value(targets), indicator.better
    if check.op not in ("<", "<=", ">", ">="):
        return None
    better: Better = "higher" if "<" in check.op else "lower"
    if _label_better(name) not in (None, better):
        return None  # the rule asks for the healthy side of this metric: context
    same = getattr(targets, name.rsplit(".", 1)[-1], None)  # e.g. target.meetings_per_week
    if isinstance(same, float) and (same > seen if better == "higher" else same < seen):
        return name, seen, same, better
    team = _team_value(check, facts)
    if team is not None and (team > seen if better == "higher" else team < seen):
        return name, seen, team, better
    if check.threshold_value is None or check.op in ("<=", ">="):
        return None  # at a non-strict threshold the rule would still fire
    return name, seen, check.threshold_value, better


def _team_value(check: Check, facts: Mapping[str, object]) -> float | None:
    """The team mean or median of the observed metric that the threshold reads, if known."""
    for stat in ("median", "mean"):
        path = f"team.{stat}.{check.observed}"
        value = facts.get(path)
        if check.threshold is not None and path in check.threshold and isinstance(value, float):
            return value
    return None


def _asks_for(op: str | None) -> str | None:
    """Which way a comparison asks the observed value to lie: 'x >= 20' asks for higher.

    A fired rule's check that asks for the better side of a metric ("at least half the
    planned calls" in a conversion rule) describes what is fine, not what to fix.
    """
    if op in (">", ">="):
        return "higher"
    if op in ("<", "<="):
        return "lower"
    return None


def _label_better(name: str) -> str | None:
    """The better direction of a metric from the label registry (None: neither, or derived)."""
    return labels.label_of(name).better


def _build(
    metric: str,
    current: float | bool,
    target: float | bool,
    better: Better,
    source: str,
    week: int,
    by_date: dt.date | None,
    setting: tuple[Mapping[str, object], Targets] | None,
) -> Goal:
    return Goal(
        metric=metric,
        current=current,
        target=target,
        better=better,
        by_week=week,
        by_date=by_date,
        source=source,
        text=goal_text(metric, current, target, week, by_date, *setting) if setting else "",
    )


def goal_date(start: dt.date, week: int, calendar: WorkingDays | None = None) -> dt.date:
    """The last working day of the plan's week `week` (week 1 holds `start`)."""
    sunday = start + dt.timedelta(days=6 - start.weekday(), weeks=week - 1)
    return (calendar or WorkingDays()).on_or_before(sunday)


def goal_text(
    metric: str,
    current: float | bool,
    target: float | bool,
    week: int,
    by_date: dt.date | None,
    facts: Mapping[str, object],
    targets: Targets,
) -> str:
    """A goal in the rep's own units: '14 → 40 calls a day by Fri 27 Nov'."""
    path, now = in_plan_units(metric, current, facts, targets)
    _, then = in_plan_units(metric, target, facts, targets)
    when = f"by {day(by_date)} (week {week})" if by_date else f"by week {week}"
    return f"{movement(path, now, then)} {when}"


def _kind(name: str) -> Kind | None:
    if name.startswith("derived."):
        return DERIVED.get(name.removeprefix("derived."))
    return METRICS.get(name)


def show(name: str, value: float | bool | None) -> str:
    """A metric or derived value in its unit (18%, $90,000, 2.0x, 14 calls a day, yes)."""
    return labels.show(name, value)


def coaching_status(
    facts: Mapping[str, object], targets: Targets
) -> Literal["flagged", "ok", "unknown"]:
    """`manager_check`'s status alone: flagged under the weekly threshold, ok, or unknown."""
    hours = facts.get("territory.manager_coaching_hours_per_week")
    threshold = targets.manager_coaching_hours_per_week
    if not isinstance(hours, float) or threshold is None:
        return "unknown"
    return "flagged" if hours < threshold else "ok"


def manager_check(facts: Mapping[str, object], targets: Targets) -> ManagerCheck:
    """Flag a manager coaching under the weekly threshold: a system-level cause for the team."""
    hours = facts.get("territory.manager_coaching_hours_per_week")
    threshold = targets.manager_coaching_hours_per_week
    status = coaching_status(facts, targets)
    if not isinstance(hours, float) or status == "unknown":
        note = "Manager coaching hours are not recorded; collect them. " + CEB_NOTE
        return ManagerCheck(status="unknown", hours=None, threshold=threshold, note=note)
    if status == "flagged":
        note = (
            f"The manager coaches {show('territory.manager_coaching_hours_per_week', hours)}, "
            f"under the setting of {show('target.manager_coaching_hours_per_week', threshold)}. "
            "That is a system-level cause "
            "for the whole team, not only this rep: book coaching time first. " + CEB_NOTE
        )
        return ManagerCheck(status="flagged", hours=hours, threshold=threshold, note=note)
    note = (
        f"The manager coaches {show('territory.manager_coaching_hours_per_week', hours)}, at or "
        f"above the setting of {show('target.manager_coaching_hours_per_week', threshold)}."
    )
    return ManagerCheck(status="ok", hours=hours, threshold=threshold, note=note)
