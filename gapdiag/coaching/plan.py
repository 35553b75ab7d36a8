"""A rep's coaching plan: standing, focus, one skill, GROW agenda, calendar and escalation.

``plan()`` is the one entry point; the parts it combines live in ``playbook`` (focus,
goal, manager check), ``skills`` (one skill at a time), ``system`` (fixes from the firing
rules, numbers a fault distorts), ``agenda`` (GROW, accountability), ``cadence``
(sessions), ``history``, ``trends`` and ``escalation`` (weeks of coaching), ``log`` (the
coaching so far), ``zones`` (the calendar's time zone) and ``scorecard``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from gapdiag.coaching.agenda import Accountability, Agenda, build_agenda
from gapdiag.coaching.cadence import QUARTER_WEEKS, Session, schedule
from gapdiag.coaching.coverage import CoverageFocus, coverage_focus
from gapdiag.coaching.escalation import Escalation, escalate
from gapdiag.coaching.history import RepHistory, latest_metrics
from gapdiag.coaching.log import CoachingLog, LogEntry
from gapdiag.coaching.playbook import (
    FOCUS_RULE,
    GOAL_WEEK,
    Focus,
    ManagerCheck,
    Watch,
    choose_focus,
    rep_focus,
    watch_list,
)
from gapdiag.coaching.playbook import manager_check as check_manager
from gapdiag.coaching.scorecard import Opening, Scorecard
from gapdiag.coaching.skills import Skill, skill_note, skill_queue
from gapdiag.coaching.start import (
    accountability_of,
    check_arguments,
    coaching_start,
    default_start,
    log_focuses,
)
from gapdiag.coaching.system import (
    Distortion,
    coaching_time,
    distorted,
    distortions,
    fair_quota,
    system_actions,
)
from gapdiag.coaching.workdays import Holiday, working_days
from gapdiag.coaching.zones import plan_zone
from gapdiag.engines.compiled import RulesArg, diagnose, resolve_rules
from gapdiag.engines.context import judged_with
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Counterfactual, Diagnosis
from gapdiag.model.gaps import FOUND
from gapdiag.model.metrics import (
    DEFAULT_TARGETS,
    RepMetrics,
    Targets,
    _Strict,
    parse_metrics,
    parse_targets,
)
from gapdiag.model.standing import NOT_BEHIND, Standing, standing_of
from gapdiag.model.team import TeamStats, parse_team
from gapdiag.model.wording import long_day
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import (
    Drill,
    Indicator,
    Interventions,
    Phase,
    load_interventions,
)


class CoachingPlan(Worded, _Strict):
    """What a manager does with one rep this quarter, and why."""

    rep_id: str
    start: dt.date
    diagnosis: Diagnosis
    standing: Standing = Field(
        description="Where the rep stands now: the latest figures (the history's latest "
        "week when it runs later than the rep's figures)."
    )
    as_of: dt.date | None = Field(default=None, description="The day those figures run to.")
    since: dt.date | None = Field(
        default=None, description="The day coaching on this focus began (None: not known)."
    )
    since_from: Literal["given", "coaching log"] | None = None
    log_focuses: tuple[str, ...] | None = Field(
        default=None,
        description="With a coaching log that gave no start: the focuses its 1:1s name.",
    )
    focus: Focus | None
    rep_focus: Focus | None = Field(
        default=None, description="The rep's own gap, coached alongside a system fix."
    )
    coverage: CoverageFocus | None = Field(
        default=None, description="A pipeline short of the gap: build coverage this week."
    )
    focus_rule: str = FOCUS_RULE
    approach: str | None = None
    skills: tuple[Skill, ...] = Field(
        default=(), description="The skills the evidence names, in order; one current."
    )
    skill_note: str | None = None
    drills: tuple[Drill, ...] = Field(default=(), description="The skill practised now.")
    clears: tuple[Counterfactual, ...] = Field(
        default=(), description="Changes that would clear the focus gap (verified)."
    )
    watch: tuple[Watch, ...] = Field(default=(), description="The focus gap's indicators.")
    actions: tuple[str, ...] = Field(default=(), description="What the manager does.")
    distortions: tuple[Distortion, ...] = Field(
        default=(), description="Numbers a system fault skews: no rep goal on them."
    )
    fair_quota: float | None = Field(
        default=None,
        description="The quota in proportion to the territory's size, while a territory too "
        "small is evidence of the system gap (quota x size against the team average).",
    )
    agenda: Agenda
    accountability: Accountability
    commitments: tuple[LogEntry, ...] = Field(
        default=(), description="The rep's commitments since coaching began (coaching log)."
    )
    sessions: tuple[Session, ...] = ()
    time_zone: str | None = Field(
        default=None, description="The sessions' time zone (None: floating local times)."
    )
    time_zone_note: str = ""
    country: str | None = Field(default=None, description="Whose public holidays are kept.")
    holidays: tuple[Holiday, ...] = Field(
        default=(), description="Public holidays in the plan's weeks: sessions move off them."
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

    def render(self, *, fmt: Literal["text", "markdown", "html"] = "text") -> str:
        """The plan as text, Markdown or HTML, for the manager (the same content in each)."""
        from gapdiag.coaching.plan_text import render

        return render(self, fmt=fmt)

    def to_text(self) -> str:
        """The plan as plain text (what `gapdiag plan` prints)."""
        return self.render(fmt="text")

    def to_markdown(self) -> str:
        """The plan as Markdown."""
        return self.render(fmt="markdown")

    def to_html(self) -> str:
        """The plan as one HTML fragment: everything the Markdown plan holds."""
        return self.render(fmt="html")

    def _repr_markdown_(self) -> str:
        """Markdown display in notebooks."""
        return self.to_markdown()

    def _repr_html_(self) -> str:
        """Rich display in notebooks: the whole plan."""
        return self.to_html()

    def _words(self) -> str:
        focus = f"focus {self.focus}" if self.focus is not None else "no focus"
        return f"{self.rep_id} from {long_day(self.start)}: {focus}; {len(self.sessions)} sessions"


def plan(
    metrics: RepMetrics | Mapping[str, Any],
    *,
    start: dt.date | None = None,
    since: dt.date | None = None,
    log: CoachingLog | None = None,
    history: RepHistory | None = None,
    scorecard: Scorecard | None = None,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    interventions: Interventions | str | Path | None = None,
    weeks: int = QUARTER_WEEKS,
    goal_week: int | None = None,
    country: str | None = None,
    subdivision: str | None = None,
    tz: str | None = None,
    team: TeamStats | Mapping[str, Any] | None = None,
) -> CoachingPlan:
    """Build the coaching plan for one rep.

    Args:
        metrics: the rep's metrics (diagnosed with `rules`, `targets` and `team`). A rep
            from a team's batch (``diagnose_many(...).rep(row)``) brings the rules, targets
            and team values the batch judged it with, unless given here.
        start: the first day of the plan's sessions; after every week in `history`
            (default: the Monday after the history's last week, else after ``as_of``, else
            the next Monday from today).
        since: the day coaching on this focus began. History weeks before it are the
            baseline; only the weeks from it count as coaching. Without it (or a `log`),
            the plan shows trends and gives no escalation decision.
        log: the coaching so far (dated 1:1s, commitments, the rep's answer on
            accountability); its first 1:1 on the focus is the start when `since` is None.
        history: weekly figures (period to date), for trends and escalation.
        scorecard: rep and manager ratings; their largest disagreements are listed.
        rules: the rule pack (default: shipped); its folder's interventions.yaml is used.
        targets: team target overrides.
        interventions: a library, or a path to one (default: the rule pack's).
        weeks: how many weeks of sessions to schedule (a quarter by default).
        goal_week: the week by which the focus goal should be met (default: week 8, or
            the last week when fewer are scheduled).
        country: ISO 3166 code (e.g. "DE") whose public holidays sessions move off (needs
            ``gapdiag[calendar]``); None keeps weekends only. It also sets the default
            time zone.
        subdivision: the country's state or region code (e.g. "BY"), where holidays differ.
        tz: the time zone of the session times (default: the country's main zone, else
            this computer's, else floating local times); the plan says which.
        team: the rep's team mean/median per metric, for the rules and goals that compare
            the rep with the team (as in `diagnose`); without it those rules stay open.

    The rep is diagnosed on `metrics`, and the plan's "now" (goal, indicators, agenda
    numbers, manager check, standing) is those same period figures: one plan speaks with
    one set of numbers. The history gives the trends; a watched indicator whose latest week
    reads otherwise says so beside the period's figure.

    Raises:
        InvalidMetrics: bad metrics or targets.
        InvalidArgument: history, log or scorecard of another rep, a start inside the
            history or before `since`, a start too late for the calendar, weeks/goal_week
            out of range, or an unknown country, subdivision or time zone.
    """
    rep = parse_metrics(metrics)
    rules, targets, team = _judgment(metrics, rules, targets, team)
    chosen, stats = parse_targets(targets), parse_team(team)
    begin = start or default_start(history, rep, dt.date.today())
    goal_week = (
        goal_week if goal_week is not None else min(GOAL_WEEK, weeks) if weeks >= 1 else GOAL_WEEK
    )
    check_arguments(rep, begin, history, scorecard, weeks, goal_week)
    history = _with_tenure(history, rep)
    days = working_days(country, subdivision)
    zone, zone_note = plan_zone(tz, days.country)
    book = resolve_rules(rules)
    library = _library(interventions, rules)
    diagnosis = diagnose(rep, rules=book, targets=chosen, team=stats, counterfactuals=True)
    facts = judged = build_facts(rep, chosen, stats)
    # a skill drilled since the diagnosis is done once the latest weeks show it at target
    latest = build_facts(latest_metrics(history, rep), chosen, stats) if history else facts
    faults = distortions(diagnosis, book)
    timing: dict[str, Any] = {
        "start": begin,
        "goal_week": goal_week,
        "calendar": days,
        "avoid": distorted(faults),
    }
    focus = choose_focus(diagnosis, facts, library, chosen, **timing)
    alongside = rep_focus(diagnosis, facts, library, chosen, **timing)
    coached = alongside or focus  # beside a system fix, the rep practises their own gap
    began, began_from = coaching_start(since, log, coached, begin)
    avoid = distorted(faults)
    skills = (
        skill_queue(
            coached.gap, diagnosis, book, library, chosen, judged=judged, now=latest, avoid=avoid
        )
        if coached
        else ()
    )
    drills = tuple(s.drill for s in skills if s.status == "current")
    playbook = library.playbook(focus.gap) if focus else None
    actions = playbook.actions if playbook else ()
    if focus is not None and focus.gap == "system":
        actions = system_actions(diagnosis, actions)
    sessions = (
        schedule(
            library,
            focus,
            begin,
            drills=drills,
            weeks=weeks,
            calendar=days,
            began=began if began is not None and began <= begin else None,
            seed=rep.rep_id,
            fixes=actions,
            coaching=coaching_time(diagnosis, library, chosen) if focus.gap == "system" else 0,
        )
        if focus
        else ()
    )
    last = begin + dt.timedelta(weeks=weeks, days=-begin.weekday() - 1)
    follow_up = next((s.date for s in sessions if s.kind == "check-in"), None)
    accountability = accountability_of(log, began, sessions)
    standing = standing_of(
        facts, period_start=rep.period_start, period_end=rep.period_end, as_of=rep.as_of
    )
    agenda = build_agenda(
        rep.rep_id,
        facts,
        chosen,
        focus=coached,  # beside a system fix, the 1:1 is on the rep's own gap
        drills=drills,
        follow_up=follow_up,
        accountability=accountability,
        behind=standing.status == "behind",
        set_aside=diagnosis.set_aside or (),
    )
    return CoachingPlan(
        rep_id=rep.rep_id,
        start=begin,
        diagnosis=diagnosis,
        standing=standing,
        as_of=rep.as_of,
        since=began,
        since_from=began_from,
        log_focuses=log_focuses(log)
        if log is not None and (began is None or coached is None)
        else None,
        focus=focus,
        rep_focus=alongside,
        coverage=None
        if _over(standing) or _ended_before(rep, begin)
        else coverage_focus(
            facts,
            chosen,
            start=begin,
            calendar=days,
            keeping_pace=standing.status in NOT_BEHIND,
        ),
        approach=playbook.approach if playbook else None,
        skills=skills,
        skill_note=skill_note(skills) if coached else None,
        drills=drills,
        clears=_clears(diagnosis, coached, avoid),
        watch=watch_list(playbook.indicators, facts, chosen, history) if playbook else (),
        actions=actions,
        distortions=faults,
        fair_quota=fair_quota(diagnosis, standing.quota),
        agenda=agenda,
        accountability=accountability,
        commitments=log.commitments(began) if log is not None else (),
        sessions=sessions,
        time_zone=zone,
        time_zone_note=zone_note,
        country=days.country,
        holidays=tuple(Holiday(date=d, name=n) for d, n in days.holidays_between(begin, last)),
        phases=library.phases if focus else (),
        escalation=escalate(
            history,
            diagnosis,
            gap=coached.gap if coached else None,
            since=began,
            standing=standing,
            library=library,
            targets=chosen,
            facts=facts,
            goal=_goal_indicator(coached),
        )
        if history is not None
        else None,
        manager=check_manager(facts, chosen),
        openings=scorecard.openings() if scorecard is not None else (),
        targets=chosen,
        tenure_months=rep.tenure_months,
    )


def _judgment(
    metrics: RepMetrics | Mapping[str, Any],
    rules: RulesArg,
    targets: Targets | Mapping[str, Any] | None,
    team: TeamStats | Mapping[str, Any] | None,
) -> tuple[RulesArg, Targets | Mapping[str, Any] | None, TeamStats | Mapping[str, Any] | None]:
    """The rules, targets and team values to judge with: those given, else those a batch
    rep carries (so a rep taken from a team file keeps the team's judgment)."""
    context = judged_with(metrics)
    if context is None:
        return rules, targets, team
    return (
        context.rules if rules is None else rules,
        context.targets if targets is None else targets,
        context.team if team is None else team,
    )


def _goal_indicator(focus: Focus | None) -> Indicator | None:
    """The focus goal as an indicator the escalation watches (numeric goals only)."""
    goal = focus.goal if focus is not None else None
    if goal is None or isinstance(goal.target, bool) or goal.better not in ("higher", "lower"):
        return None
    better: Literal["higher", "lower"] = "higher" if goal.better == "higher" else "lower"
    return Indicator(metric=goal.metric, target=float(goal.target), better=better)


def _with_tenure(history: RepHistory | None, rep: RepMetrics) -> RepHistory | None:
    """The history with the rep's tenure in weeks that lack it, so shares of a ramped plan
    read the same in the trends as in the plan."""
    if history is None or rep.tenure_months is None:
        return history
    weeks = tuple(
        w
        if w.tenure_months is not None
        else w.model_copy(update={"tenure_months": rep.tenure_months})
        for w in history.weeks
    )
    return RepHistory(rep_id=history.rep_id, weeks=weeks)


def _clears(
    diagnosis: Diagnosis, focus: Focus | None, avoid: frozenset[str]
) -> tuple[Counterfactual, ...]:
    """The coached gap's counterfactuals that clear it (not only weaken it), on numbers no
    system fault distorts."""
    if focus is None:
        return ()
    return tuple(
        c
        for c in diagnosis.counterfactuals
        if c.gap == focus.gap
        and c.status_after not in FOUND
        and not any(change.metric in avoid for change in c.changes)
    )


def _library(given: Interventions | str | Path | None, rules: RulesArg) -> Interventions:
    if isinstance(given, Interventions):
        return given
    if given is not None:
        return load_interventions(given)
    pack = rules if isinstance(rules, str | Path) else None
    return load_interventions(pack)


def _ended_before(rep: RepMetrics, begin: dt.date) -> bool:
    """The figures' period ended before the plan starts: no gap in it is left to close."""
    return rep.period_end is not None and rep.period_end < begin


def _over(standing: Standing) -> bool:
    """The period the figures describe is over: its gap is no longer there to close."""
    return standing.elapsed is not None and standing.elapsed >= 1.0
