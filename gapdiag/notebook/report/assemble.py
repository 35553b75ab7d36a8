"""What the team report shows, computed before any HTML: teams, rep lines, numbers, trends.

Every number comes from the batch itself: each rep's `Diagnosis` is `Batch.diagnosis(row)`
(equal to `diagnose`, and to the batch's results table), the leaderboard values are the
facts the rules read, and the focus, first action and escalation come from the coaching
room (`choose_focus`, `skill_queue`, `escalate`), so the page never disagrees with a plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapdiag.coaching.escalation import Escalation, escalate
from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.playbook import Focus, choose_focus
from gapdiag.coaching.skills import skill_queue
from gapdiag.coaching.system import system_actions
from gapdiag.engines.assemble import assemble as assemble_diagnosis
from gapdiag.engines.compiled import outcomes
from gapdiag.model.diagnosis import Diagnosis, RulebookStamp
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.metrics import RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.notebook.report.causes import Cause, Collect, team_causes, what_to_collect
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import Interventions

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

LEADING: tuple[str, ...] = (
    "derived.calls_vs_plan",
    "derived.meetings_vs_plan",
    "activity.meeting_to_opportunity_rate",
    "derived.coverage",
    "ownership.forecast_accuracy",
)
"""The seeds' leading indicators: activity vs plan, conversion, coverage, forecast accuracy."""
NO_TEAM = "No team"
"""The group of reps whose team cell is empty."""
ALL_REPS = "All reps"
"""The one group when the population is not split into teams."""


@dataclass(frozen=True, slots=True)
class RepLine:
    """One rep in the report: diagnosis, focus, leaderboard values and, with history, trends."""

    row: int
    rep_id: str
    team: str
    diagnosis: Diagnosis
    values: Mapping[str, float | None]
    """The leading indicators (LEADING), None where unknown."""
    facts: Mapping[str, object]
    focus: Focus | None
    first_action: str | None
    history: RepHistory | None
    escalation: Escalation | None
    trend_metric: str | None
    trend: tuple[tuple[int, float], ...]
    """(week number, value) of the focus metric over the history."""

    @property
    def anchor(self) -> str:
        """The id of the rep's detail section (the input row keeps it unique and safe)."""
        return f"rep-{self.row}"


@dataclass(frozen=True, slots=True)
class TeamNumber:
    """One leading indicator for the whole team: its mean over reps who have it, vs target."""

    metric: str
    mean: float | None
    known: int
    target: float | None

    @property
    def meets(self) -> bool | None:
        """Whether the team mean reaches the target (None when either is unknown)."""
        if self.mean is None or self.target is None:
            return None
        return self.mean >= self.target


@dataclass(frozen=True, slots=True)
class TeamView:
    """Everything the report shows about one team."""

    name: str
    anchor: str
    reps: tuple[RepLine, ...]
    numbers: tuple[TeamNumber, ...]
    causes: tuple[Cause, ...]
    collect: tuple[Collect, ...]

    def primary_counts(self) -> dict[str, int]:
        """Reps per primary gap, then undetermined and no gap found (the diagnosis's outcome)."""
        counts = dict.fromkeys([*GAPS, "undetermined", "no_gap_found"], 0)
        for rep in self.reps:
            d = rep.diagnosis
            counts[d.primary_gap or d.outcome] += 1
        return counts

    def status_counts(self, gap: Gap) -> dict[str, int]:
        """How many reps have this gap confirmed, suspected, open (unknown) or unlikely."""
        counts = dict.fromkeys(("confirmed", "suspected", "unknown", "unlikely"), 0)
        for rep in self.reps:
            counts[rep.diagnosis.verdict(gap).status] += 1
        return counts

    def mean(self, metric: str) -> float | None:
        """The team mean of one leading indicator (None when no rep has it)."""
        return next((n.mean for n in self.numbers if n.metric == metric), None)


@dataclass(frozen=True, slots=True)
class BadRow:
    """One problem that kept an input row out of the report."""

    row: int
    rep_id: str | None
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Report:
    """The whole page: teams in name order, and what was left out."""

    title: str
    teams: tuple[TeamView, ...]
    rows: int
    bad: tuple[BadRow, ...]
    rulebook: RulebookStamp | None
    targets: Targets
    with_history: bool
    unmatched_history: tuple[str, ...] = ()
    """Rep ids with a weekly history but no row in the population (so not shown)."""


def assemble(
    batch: Batch,
    *,
    title: str,
    histories: Mapping[str, RepHistory],
    library: Interventions,
) -> Report:
    """Gather every number and text the report shows, team by team."""
    lines = [
        _line(batch, row, rep, team, group, histories, library)
        for row, rep, team, group in zip(
            batch.rows, batch.reps(), batch.teams(), batch.groups(), strict=True
        )
    ]
    has_groups = any(line.team != NO_TEAM for line in lines)
    by_team: dict[str, list[RepLine]] = {}
    for line in lines:
        by_team.setdefault(line.team if has_groups else ALL_REPS, []).append(line)
    names = sorted(by_team, key=lambda n: (n == NO_TEAM, n))
    teams = []
    for index, name in enumerate(names):
        reps = tuple(by_team[name])
        teams.append(
            TeamView(
                name=name,
                anchor=f"team-{index + 1}",
                reps=reps,
                numbers=tuple(_number(m, reps, batch.targets) for m in LEADING),
                causes=team_causes(reps, batch.targets),
                collect=what_to_collect(reps),
            )
        )
    stamp = lines[0].diagnosis.rulebook if lines else None
    return Report(
        title=title,
        teams=tuple(teams),
        rows=batch.summary.rows,
        bad=_bad_rows(batch.errors),
        rulebook=stamp,
        targets=batch.targets,
        with_history=bool(histories),
        unmatched_history=tuple(sorted(set(histories) - {line.rep_id for line in lines})),
    )


def _line(
    batch: Batch,
    row: int,
    rep: RepMetrics,
    team: TeamStats | None,
    group: str | None,
    histories: Mapping[str, RepHistory],
    library: Interventions,
) -> RepLine:
    targets = batch.targets
    # What diagnose() does for validated inputs (Batch.diagnosis calls it), with the facts
    # built once and kept: the focus and the leaderboard read the same facts as the rules.
    facts = build_facts(rep, targets, team)
    diagnosis = assemble_diagnosis(
        rep, batch.rules, facts, outcomes(batch.rules, facts), "compiled"
    )
    focus = choose_focus(diagnosis, facts, library, targets)
    history = histories.get(diagnosis.rep_id)
    escalation = None
    metric: str | None = None
    trend: tuple[tuple[int, float], ...] = ()
    if history is not None:
        gap = focus.gap if focus is not None else None
        escalation = escalate(history, diagnosis, gap=gap, library=library, targets=targets)
        metric = _trend_metric(focus, library)
        trend = history.values(metric, targets) if metric is not None else ()
    return RepLine(
        row=row,
        rep_id=diagnosis.rep_id,
        team=group or NO_TEAM,
        diagnosis=diagnosis,
        values={m: _number_of(facts.get(m)) for m in LEADING},
        facts=facts,
        focus=focus,
        first_action=_first_action(focus, diagnosis, batch, library, facts),
        history=history,
        escalation=escalation,
        trend_metric=metric,
        trend=trend,
    )


def _trend_metric(focus: Focus | None, library: Interventions) -> str | None:
    """The focus goal's metric, else the focus gap's first indicator; None without a focus."""
    if focus is None:
        return None
    if focus.goal is not None:
        return focus.goal.metric
    indicators = library.playbook(focus.gap).indicators
    return indicators[0].metric if indicators else None


def _first_action(
    focus: Focus | None,
    diagnosis: Diagnosis,
    batch: Batch,
    library: Interventions,
    facts: Mapping[str, object],
) -> str | None:
    """The plan's first step: the one skill drilled now, else the first manager action
    (for a system gap, the strongest firing rule's own intervention)."""
    if focus is None:
        return None
    skills = skill_queue(
        focus.gap, diagnosis, batch.rules, library, batch.targets, judged=facts, now=facts
    )
    current = next((s for s in skills if s.status == "current"), None)
    if current is not None:
        return current.drill.name
    actions = library.playbook(focus.gap).actions
    if focus.gap == "system":
        actions = system_actions(diagnosis, actions)
    return actions[0] if actions else None


def _number_of(value: object) -> float | None:
    return value if isinstance(value, float) else None


def target_of(metric: str, targets: Targets) -> float | None:
    """The team target of a leading indicator."""
    named: dict[str, float | None] = {
        "derived.calls_vs_plan": 1.0,
        "derived.meetings_vs_plan": 1.0,
        "activity.meeting_to_opportunity_rate": targets.meeting_to_opportunity_rate,
        "derived.coverage": targets.pipeline_coverage,
        "ownership.forecast_accuracy": targets.forecast_accuracy,
    }
    return named.get(metric)


def _number(metric: str, reps: tuple[RepLine, ...], targets: Targets) -> TeamNumber:
    known = [v for rep in reps if (v := rep.values[metric]) is not None]
    mean = sum(known) / len(known) if known else None
    return TeamNumber(metric=metric, mean=mean, known=len(known), target=target_of(metric, targets))


def _bad_rows(errors: Any) -> tuple[BadRow, ...]:
    records = errors.to_dicts() if hasattr(errors, "to_dicts") else errors.to_dict("records")
    return tuple(
        BadRow(
            row=int(r["row"]),
            rep_id=r["rep_id"] if isinstance(r["rep_id"], str) else None,
            field=str(r["field"]),
            reason=str(r["reason"]),
        )
        for r in records
    )
