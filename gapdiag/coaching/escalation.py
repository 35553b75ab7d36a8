"""After weeks of coaching: the trends of the rep's indicators and the next step.

Weeks of figures are not weeks of coaching: ``escalate`` needs the day coaching on this
focus began (``since``); the weeks before it are the baseline and only the weeks from it
count. It computes each leading indicator's trend over the coaching weeks (every gap's
indicators the rep moves, the focus gap's first, and the focus goal's metric), how each did
(``progress``), the ownership signals and the weeks of low commitment, then runs the
decision table of ``decision`` on them. A PIP is only ever a recommendation for the
manager and HR to review, and never while a system gap is found, for a rep at or ahead of
their number, or without a coaching start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pydantic import Field

from gapdiag.coaching.decision import ACTIONS, Action, Case
from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.progress import (
    PROGRESS,
    Progress,
    progress_of,
)
from gapdiag.coaching.trends import Trend, trend
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.labels import sentence
from gapdiag.model.metrics import Targets, _Strict, parse_targets
from gapdiag.model.standing import Standing, StandingStatus, standing_of
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import Indicator, Interventions, load_interventions

OWNERSHIP_SIGNAL = Indicator(
    metric="ownership.forecast_accuracy", target="target.forecast_accuracy", better="higher"
)
"""Forecast accuracy, the seeds' best single sign that a rep owns the number."""
OWNERSHIP_SIGNALS = (
    OWNERSHIP_SIGNAL,
    Indicator(metric="ownership.states_gap_unprompted", target=1, better="higher"),
    Indicator(
        metric="ownership.plan_submission_rate",
        target="target.plan_submission_rate",
        better="higher",
    ),
)
"""The signals that a rep owns the number (activity is not among them)."""


class Escalation(Worded, _Strict):
    """The recommendation after some weeks of coaching, with the trends behind it."""

    action: Action
    reason: str
    since: dt.date | None = Field(
        default=None, description="The day coaching on this focus began (None: not given)."
    )
    weeks_coached: int = Field(ge=0, description="Calendar weeks of coaching the history holds.")
    weeks_recorded: int = Field(ge=1, description="Calendar weeks the history spans.")
    baseline_weeks: int = Field(default=0, ge=0, description="History weeks before coaching.")
    missing_weeks: tuple[dt.date, ...] = ()
    trends: tuple[Trend, ...] = Field(description="The rep's leading indicators, focus first.")
    progress: tuple[Progress, ...] = Field(
        default=(), description="How each of `trends` did over the coaching weeks."
    )
    ownership: Trend = Field(description="Forecast accuracy: the ownership signal.")
    low_commitment_weeks: tuple[dt.date, ...] = ()
    standing: StandingStatus = Field(
        default="unknown", description="Where the rep stands on the number, as judged here."
    )
    pip_recommended: bool = Field(description="Only for pip-review; for people to decide.")
    pip_blocked: bool = Field(
        description="A confirmed or suspected system gap: no PIP may be recommended."
    )
    ownership_signals: tuple[Trend, ...] = Field(
        default=(), description="Forecast accuracy, stating the gap, plans on time."
    )

    def moved(self) -> tuple[Trend, ...]:
        """The indicators that made progress during coaching."""
        return tuple(t for t, p in zip(self.trends, self.progress, strict=True) if p in PROGRESS)

    def _words(self) -> str:
        return f"{sentence(ACTIONS[self.action])}: {self.reason}"


def escalate(
    history: RepHistory,
    diagnosis: Diagnosis,
    *,
    gap: Gap | None,
    since: dt.date | None = None,
    standing: Standing | None = None,
    library: Interventions | None = None,
    targets: Targets | None = None,
    facts: Mapping[str, object] | None = None,
    goal: Indicator | None = None,
) -> Escalation:
    """Decide the next step for a coached rep from their weekly history and latest diagnosis.

    Args:
        history: the rep's weekly figures, oldest first (baseline and coaching weeks).
        diagnosis: the rep's diagnosis (its ``pip_blocked`` guards every branch).
        gap: the focus gap, whose leading indicators are listed first; every gap's rep-side
            indicators are watched, since progress in any of them counts.
        since: the day coaching on this focus began; None gives trends and no decision.
        standing: where the rep stands now (default: as of the history's latest week with
            quota and closed-won to date, else the diagnosis's standing).
        library: the interventions library (the shipped one by default).
        targets: team targets (seed defaults by default).
        facts: the rep's facts now, to show shares of plan as activity (calls a day).
        goal: the focus goal's metric as an indicator, watched first when no playbook lists
            it (progress on the goal is progress).
    """
    chosen = parse_targets(targets)
    book = library or load_interventions()
    where = standing or _latest_standing(history, chosen) or diagnosis.standing
    watched = _indicators(book, gap)
    if goal is not None and goal.metric not in {i.metric for i in watched}:
        watched = (goal, *watched)
    trends = tuple(trend(history, i, chosen, since=since) for i in watched)
    progress = tuple(progress_of(t) for t in trends)
    owning = tuple(trend(history, i, chosen, since=since) for i in OWNERSHIP_SIGNALS)
    coached = _coached(history, since)
    low = _low_commitment(history, chosen, since) if since is not None else ()
    rep_side = frozenset(i.metric for i in _indicators(book, None))
    if goal is not None and gap != "system":
        rep_side |= {goal.metric}
    case = Case(
        history=history,
        diagnosis=diagnosis,
        standing=where,
        since=since,
        weeks=coached,
        trends=trends,
        progress=progress,
        low=low,
        targets=chosen,
        owning=owning,
        facts=facts or {},
        rep_side=rep_side,
    )
    action, reason = case.decide()
    first = history.starts[0] if since is None else since
    holes = (
        history.missing_between(first, history.starts[-1]) if first <= history.starts[-1] else ()
    )
    return Escalation(
        action=action,
        reason=reason,
        since=since,
        weeks_coached=coached,
        weeks_recorded=history.weeks_spanned,
        baseline_weeks=0 if since is None else max(0, history.week_number(since)),
        missing_weeks=holes,
        trends=trends,
        progress=progress,
        ownership=owning[0],
        low_commitment_weeks=low,
        standing=where.status,
        pip_recommended=action == "pip-review",
        pip_blocked=diagnosis.pip_blocked,
        ownership_signals=owning,
    )


def _latest_standing(history: RepHistory, targets: Targets) -> Standing | None:
    """Where the rep stands as of the history's latest week with the period's figures."""
    week = history.latest_dated()
    if week is None or week.pipeline is None or week.pipeline.closed_won is None:
        return None
    facts = build_facts(week, targets)
    return standing_of(
        facts, period_start=week.period_start, period_end=week.period_end, as_of=week.as_of
    )


def _coached(history: RepHistory, since: dt.date | None) -> int:
    """Calendar weeks from the one holding `since` to the history's last, both included."""
    if since is None:
        return 0
    return max(0, history.week_number(history.starts[-1]) - history.week_number(since) + 1)


def _indicators(book: Interventions, gap: Gap | None) -> tuple[Indicator, ...]:
    """The focus gap's indicators, then every other gap's that the rep moves (no territory)."""
    first = [gap] if gap is not None else []
    chosen = [*first, *(g for g in GAPS if g not in first and g != "system")]
    unique: dict[str, Indicator] = {}
    for g in chosen:
        for indicator in book.playbook(g).indicators:
            unique.setdefault(indicator.metric, indicator)
    return tuple(unique.values())


def _low_commitment(history: RepHistory, targets: Targets, since: dt.date) -> tuple[dt.date, ...]:
    """The last two coaching weeks' commitment scores, if both are under target back to back."""
    start = history.week_start(since)
    scored = [
        (week, w.ownership.commitment_score)
        for week, w in zip(history.starts, history.weeks, strict=True)
        if week >= start and w.ownership is not None and w.ownership.commitment_score is not None
    ]
    threshold = targets.commitment_score
    if len(scored) < 2 or threshold is None:
        return ()
    (before, a), (last, b) = scored[-2:]
    below = a < threshold and b < threshold
    return (before, last) if below and (last - before).days == 7 else ()
