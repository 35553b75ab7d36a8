"""A rep's coaching plan: diagnosis, focus, drills, GROW agenda, calendar and escalation.

``plan()`` is the one entry point; the parts it combines live in ``playbook`` (focus,
drills, manager check), ``agenda`` (GROW), ``cadence`` (sessions), ``history`` and
``escalation`` (weeks of coaching) and ``scorecard`` (self vs manager ratings).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from gapdiag.coaching.agenda import Agenda, build_agenda
from gapdiag.coaching.cadence import QUARTER_WEEKS, Session, schedule
from gapdiag.coaching.coverage import CoverageFocus, coverage_focus
from gapdiag.coaching.escalation import Escalation, escalate
from gapdiag.coaching.history import RepHistory, latest_metrics
from gapdiag.coaching.playbook import (
    FOCUS_RULE,
    GOAL_WEEK,
    Focus,
    ManagerCheck,
    Watch,
    choose_focus,
    drills_for,
    rep_focus,
    restate,
    watch_list,
)
from gapdiag.coaching.playbook import manager_check as check_manager
from gapdiag.coaching.scorecard import Opening, Scorecard
from gapdiag.coaching.workdays import Holiday, working_days
from gapdiag.engines.compiled import RulesArg, diagnose, resolve_rules
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import (
    DEFAULT_TARGETS,
    RepMetrics,
    Targets,
    _Strict,
    parse_metrics,
    parse_targets,
)
from gapdiag.model.team import TeamStats, parse_team
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import Drill, Interventions, Phase, load_interventions


class CoachingPlan(_Strict):
    """What a manager does with one rep this quarter, and why."""

    rep_id: str
    start: dt.date
    diagnosis: Diagnosis
    focus: Focus | None
    rep_focus: Focus | None = Field(
        default=None, description="The rep's own gap, coached alongside a system fix."
    )
    coverage: CoverageFocus | None = Field(
        default=None, description="A pipeline short of the gap: build coverage this week."
    )
    focus_rule: str = FOCUS_RULE
    approach: str | None = None
    drills: tuple[Drill, ...] = ()
    watch: tuple[Watch, ...] = Field(default=(), description="The focus gap's indicators.")
    actions: tuple[str, ...] = Field(default=(), description="What the manager does.")
    agenda: Agenda
    sessions: tuple[Session, ...] = ()
    country: str | None = Field(default=None, description="Whose public holidays are skipped.")
    holidays: tuple[Holiday, ...] = Field(
        default=(), description="Public holidays in the plan's weeks: no session on them."
    )
    phases: tuple[Phase, ...] = ()
    escalation: Escalation | None = None
    manager: ManagerCheck
    openings: tuple[Opening, ...] = Field(default=(), description="Scorecard disagreements.")
    targets: Targets = Field(default=DEFAULT_TARGETS, description="The targets planned against.")
    tenure_months: float | None = Field(
        default=None, description="The rep's tenure, for the ramp-adjusted plan."
    )

    def to_json(self, *, indent: int | None = 2) -> str:
        """This plan as a JSON document."""
        return self.model_dump_json(indent=indent)

    def render(self, *, fmt: Literal["text", "markdown"] = "text") -> str:
        """The plan as text or Markdown, for the manager."""
        from gapdiag.coaching.plan_text import render

        return render(self, fmt=fmt)

    def to_text(self) -> str:
        """The plan as plain text (what `gapdiag plan` prints)."""
        return self.render(fmt="text")

    def to_markdown(self) -> str:
        """The plan as Markdown."""
        return self.render(fmt="markdown")

    def _repr_markdown_(self) -> str:
        """Markdown display in notebooks."""
        return self.to_markdown()

    def _repr_html_(self) -> str:
        """Rich display in notebooks: focus, goal, indicators and the week's sessions."""
        from gapdiag.coaching.plan_text import to_html

        return to_html(self)


def plan(
    metrics: RepMetrics | Mapping[str, Any],
    *,
    start: dt.date,
    history: RepHistory | None = None,
    scorecard: Scorecard | None = None,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    interventions: Interventions | str | Path | None = None,
    weeks: int = QUARTER_WEEKS,
    goal_week: int | None = None,
    country: str | None = None,
    subdivision: str | None = None,
    team: TeamStats | Mapping[str, Any] | None = None,
) -> CoachingPlan:
    """Build the coaching plan for one rep, starting on `start`.

    Args:
        metrics: the rep's current metrics (diagnosed with `rules` and `targets`).
        start: the first day of coaching; after every week in `history`.
        history: weekly metrics of the coaching so far, for trends and escalation.
        scorecard: rep and manager ratings; their largest disagreements are listed.
        rules: the rule pack (default: shipped); its folder's interventions.yaml is used.
        targets: team target overrides.
        interventions: a library, or a path to one (default: the rule pack's).
        weeks: how many weeks of sessions to schedule (a quarter by default).
        goal_week: the week by which the focus goal should be met (default: week 8, or
            the last week when fewer are scheduled).
        country: ISO 3166 code (e.g. "DE") whose public holidays get no session and no
            goal date (needs ``gapdiag[calendar]``); None skips weekends only.
        subdivision: the country's state or region code (e.g. "BY"), where holidays differ.
        team: the rep's team mean/median per metric, for the rules and goals that compare
            the rep with the team (as in `diagnose`); without it those rules stay open.

    The rep is diagnosed on `metrics`; the plan's "now" (goal, indicators, agenda numbers,
    manager check) is the latest value the history recorded for each metric, when given.

    Raises:
        InvalidMetrics: bad metrics or targets.
        InvalidArgument: history or scorecard of another rep, a start inside the history,
            a start too late for the calendar, weeks/goal_week out of range, or an unknown
            country or subdivision.
    """
    rep = parse_metrics(metrics)
    chosen = parse_targets(targets)
    stats = parse_team(team)
    if goal_week is None:
        goal_week = min(GOAL_WEEK, weeks) if weeks >= 1 else GOAL_WEEK
    _check_arguments(rep, start, history, scorecard, weeks, goal_week)
    days = working_days(country, subdivision)
    book = resolve_rules(rules)
    library = _library(interventions, rules)
    diagnosis = diagnose(rep, rules=book, targets=chosen, team=stats)
    facts = build_facts(latest_metrics(history, rep) if history else rep, chosen, stats)
    timing: dict[str, Any] = {"start": start, "goal_week": goal_week, "calendar": days}
    focus = choose_focus(diagnosis, facts, library, chosen, **timing)
    alongside = rep_focus(diagnosis, facts, library, chosen, **timing)
    if history is not None:
        focus, alongside = (_now(f, facts, chosen) for f in (focus, alongside))
    coached = alongside or focus  # beside a system fix, the rep practises their own gap
    drills = drills_for(coached.gap, diagnosis, book, library) if coached else ()
    sessions = (
        schedule(library, focus, start, drills=drills, weeks=weeks, calendar=days) if focus else ()
    )
    last = start + dt.timedelta(weeks=weeks, days=-start.weekday() - 1)
    follow_up = next((s.date for s in sessions if s.kind == "check-in"), None)
    agenda = build_agenda(
        rep.rep_id, facts, chosen, focus=focus, drills=drills, follow_up=follow_up
    )
    playbook = library.playbook(focus.gap) if focus else None
    return CoachingPlan(
        rep_id=rep.rep_id,
        start=start,
        diagnosis=diagnosis,
        focus=focus,
        rep_focus=alongside,
        coverage=coverage_focus(facts, chosen, start=start, calendar=days),
        approach=playbook.approach if playbook else None,
        drills=drills,
        watch=watch_list(playbook.indicators, facts, chosen) if playbook else (),
        actions=playbook.actions if playbook else (),
        agenda=agenda,
        sessions=sessions,
        country=days.country,
        holidays=tuple(Holiday(date=d, name=n) for d, n in days.holidays_between(start, last)),
        phases=library.phases if focus else (),
        escalation=escalate(
            history, diagnosis, gap=focus.gap if focus else None, library=library, targets=chosen
        )
        if history is not None
        else None,
        manager=check_manager(facts, chosen),
        openings=scorecard.openings() if scorecard is not None else (),
        targets=chosen,
        tenure_months=rep.tenure_months,
    )


def _now(focus: Focus | None, facts: Mapping[str, object], targets: Targets) -> Focus | None:
    """The focus with its goal's "now" read from the latest history week."""
    if focus is None or focus.goal is None:
        return focus
    return focus.model_copy(update={"goal": restate(focus.goal, facts, targets)})


def _library(given: Interventions | str | Path | None, rules: RulesArg) -> Interventions:
    if isinstance(given, Interventions):
        return given
    if given is not None:
        return load_interventions(given)
    pack = rules if isinstance(rules, str | Path) else None
    return load_interventions(pack)


def _check_arguments(
    rep: RepMetrics,
    start: dt.date,
    history: RepHistory | None,
    scorecard: Scorecard | None,
    weeks: int,
    goal_week: int,
) -> None:
    if not 1 <= weeks <= 104:
        raise InvalidArgument(f"weeks: {weeks} is not a number of weeks from 1 to 104")
    if not 1 <= goal_week <= weeks:
        raise InvalidArgument(f"goal_week: {goal_week} is not a week from 1 to {weeks}")
    latest = dt.date.max - dt.timedelta(weeks=weeks + 1)
    if start > latest:
        raise InvalidArgument(
            f"start: {start} leaves no room for {weeks} weeks of sessions before the "
            f"calendar ends (expected a date on or before {latest})"
        )
    for name, other in (("history", history), ("scorecard", scorecard)):
        if other is not None and other.rep_id != rep.rep_id:
            raise InvalidArgument(f"{name}: rep_id {other.rep_id!r} is not {rep.rep_id!r}")
    if history is not None:
        after = history.starts[-1] + dt.timedelta(weeks=1)
        if start < after:
            raise InvalidArgument(
                f"start: {start} falls inside the history (its last week starts "
                f"{history.starts[-1]}); start the plan on or after {after}"
            )
