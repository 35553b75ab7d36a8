"""After weeks of coaching: keep going, extend, talk about fit, review a PIP, or fix the system.

The decision is an ordered table (first match wins; docs/playbook.md has it too):

1. commitment under target (9) in the last two recorded weeks, back to back -> fit-conversation
2. fewer than REVIEW_AFTER_WEEKS weeks of coaching -> keep-coaching
3. no watched indicator has a trend yet -> collect-data
4. no indicator moved toward its target, system gap confirmed or suspected -> fix-system
5. no indicator moved toward its target -> pip-review
5b. OWNERSHIP_REVIEW_WEEKS (13, a full 90-day cadence) or more, an ownership signal off
    target and none of them moving -> pip-review (fix-system under a system gap): activity
    at plan is not ownership
6. progress, attainment unknown -> keep-coaching
7. progress, still below quota -> extend-coaching (one more quarter)
8. progress, quota reached -> graduate

"Moved" means progress during coaching: improving while still short of the target, or
reaching the target from below. A value that was already at target is not progress, and the
rep's own commitment score never counts as progress on its own (seed 001: no improvement in
any metric after 6 weeks -> PIP; seed 000: still not owning gap-to-goal math after a full
90-day cadence -> PIP, not more coaching).

A PIP is only ever a recommendation for the manager and HR to review; while a system gap is
confirmed or suspected no branch recommends one.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from gapdiag.coaching.history import RepHistory, Trend, trend
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.labels import label_of, percent, show
from gapdiag.model.metrics import Targets, _Strict, parse_targets
from gapdiag.model.wording import day
from gapdiag.rulebook.interventions import Indicator, Interventions, load_interventions

Action = Literal[
    "fit-conversation",
    "keep-coaching",
    "collect-data",
    "fix-system",
    "pip-review",
    "extend-coaching",
    "graduate",
]
REVIEW_AFTER_WEEKS = 6
"""Leading indicators should move within 4-6 weeks of weekly coaching (seeds)."""
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
OWNERSHIP_REVIEW_WEEKS = 13
"""A full 90-day cadence: still not owning the number after it -> PIP review (seed 000)."""
SELF_RATED = frozenset({"ownership.commitment_score"})
"""Metrics the rep rates themselves: never progress on their own."""


class Escalation(_Strict):
    """The recommendation after some weeks of coaching, with the trends behind it."""

    action: Action
    reason: str
    weeks_coached: int = Field(ge=1)
    missing_weeks: tuple[dt.date, ...] = ()
    trends: tuple[Trend, ...] = Field(description="The watched leading indicators.")
    ownership: Trend = Field(description="Forecast accuracy: the ownership signal.")
    low_commitment_weeks: tuple[dt.date, ...] = ()
    pip_recommended: bool = Field(description="Only for pip-review; for people to decide.")
    pip_blocked: bool = Field(
        description="A confirmed or suspected system gap: no PIP may be recommended."
    )
    ownership_signals: tuple[Trend, ...] = Field(
        default=(), description="Forecast accuracy, stating the gap, plans on time."
    )


def escalate(
    history: RepHistory,
    diagnosis: Diagnosis,
    *,
    gap: Gap | None,
    library: Interventions | None = None,
    targets: Targets | None = None,
) -> Escalation:
    """Decide the next step for a coached rep from their weekly history and latest diagnosis.

    Args:
        history: the weeks coached so far, oldest first.
        diagnosis: the rep's latest diagnosis (its ``pip_blocked`` guards every branch).
        gap: the focus gap whose leading indicators are watched; None watches all of them.
        library: the interventions library (the shipped one by default).
        targets: team targets (seed defaults by default).
    """
    chosen = parse_targets(targets)
    book = library or load_interventions()
    trends = tuple(trend(history, i, chosen) for i in _indicators(book, gap))
    low = _low_commitment(history, chosen)
    owning = tuple(trend(history, i, chosen) for i in OWNERSHIP_SIGNALS)
    action, reason = _decide(history, diagnosis, trends, low, chosen, owning)
    return Escalation(
        action=action,
        reason=reason,
        weeks_coached=history.weeks_coached,
        missing_weeks=history.missing_weeks,
        trends=trends,
        ownership=trend(history, OWNERSHIP_SIGNAL, chosen),
        low_commitment_weeks=low,
        pip_recommended=action == "pip-review",
        pip_blocked=diagnosis.pip_blocked,
        ownership_signals=owning,
    )


def _indicators(book: Interventions, gap: Gap | None) -> tuple[Indicator, ...]:
    chosen = [gap] if gap is not None else list(GAPS)
    unique = {i.metric: i for g in reversed(chosen) for i in reversed(book.playbook(g).indicators)}
    return tuple(reversed(unique.values()))


def _low_commitment(history: RepHistory, targets: Targets) -> tuple[dt.date, ...]:
    """The last two recorded commitment scores, if both are under target in adjacent weeks."""
    scored = [
        (start, w.ownership.commitment_score)
        for start, w in zip(history.starts, history.weeks, strict=True)
        if w.ownership is not None and w.ownership.commitment_score is not None
    ]
    threshold = targets.commitment_score
    if len(scored) < 2 or threshold is None:
        return ()
    (before, a), (last, b) = scored[-2:]
    below = a < threshold and b < threshold
    return (before, last) if below and (last - before).days == 7 else ()


def _decide(
    history: RepHistory,
    diagnosis: Diagnosis,
    trends: tuple[Trend, ...],
    low: tuple[dt.date, ...],
    targets: Targets,
    owning: tuple[Trend, ...] = (),
) -> tuple[Action, str]:
    weeks = history.weeks_coached
    blocked = diagnosis.pip_blocked
    if low:
        return "fit-conversation", _fit(low, targets, blocked)
    if weeks < REVIEW_AFTER_WEEKS:
        return "keep-coaching", (
            f"{_weeks(weeks)} of coaching so far; leading indicators get until week "
            f"{REVIEW_AFTER_WEEKS} to move before progress is judged."
        )
    known = [t for t in trends if t.direction != "unknown"]
    if not known:
        return "collect-data", (
            f"After {weeks} weeks no watched indicator has enough weekly values for a trend; "
            "record them weekly before judging progress."
        )
    moving = [label_of(t.metric).label for t in known if moved(t) and t.metric not in SELF_RATED]
    stuck = [t for t in owning if t.weeks_observed and not t.at_target]
    if moving and weeks >= OWNERSHIP_REVIEW_WEEKS and stuck and not any(map(moved, owning)):
        if blocked:
            return "fix-system", _fix_system(weeks, diagnosis)
        return "pip-review", (
            f"After {weeks} weeks, a full 90-day cadence, no ownership signal "
            f"({', '.join(label_of(t.metric).label for t in stuck)}) has moved toward its "
            "target; progress on "
            f"{', '.join(moving)} is activity, not ownership of the number. Recommend that the "
            "manager and HR review whether a performance improvement plan is warranted; this "
            "is a recommendation for people to decide, not an outcome."
        )
    if not moving and blocked:
        return "fix-system", _fix_system(weeks, diagnosis)
    if not moving:
        return "pip-review", (
            f"No leading indicator moved toward its target in {weeks} weeks of coaching (a value "
            "already at target, or the rep's own commitment rating, is not progress). "
            "Recommend that the manager and HR review whether a performance improvement plan "
            "is warranted; this is a recommendation for people to decide, not an outcome."
        )
    progress = f"Progress on {', '.join(moving)}"
    attainment = _latest(history, "derived.attainment", targets)
    if attainment is None:
        return "keep-coaching", f"{progress}; attainment is unknown, so keep the plan running."
    if attainment < 1.0:
        return "extend-coaching", (
            f"{progress}, but attainment is {percent(attainment)} of quota: "
            "extend coaching by one quarter."
        )
    return "graduate", f"{progress}, and quota is reached: close the coaching plan."


def moved(t: Trend) -> bool:
    """Progress during coaching: improving while short of target, or reaching it from below."""
    if t.first is None or t.latest is None:
        return False
    began_short = t.first < t.target if t.better == "higher" else t.first > t.target
    return began_short and (t.direction == "improving" or t.at_target)


def _fit(low: tuple[dt.date, ...], targets: Targets, blocked: bool) -> str:
    text = (
        f"Commitment was under {show('target.commitment_score', targets.commitment_score)} in "
        f"the weeks of {day(low[0])} and {day(low[1])}. Hold a documented conversation "
        "about fit: whether the rep wants this role and this plan."
    )
    if blocked:
        return text + (
            " A system gap is confirmed or suspected, so no PIP may be considered"
            " until it is fixed."
        )
    return text + " If it confirms a fit problem, the manager and HR may review a PIP."


def _fix_system(weeks: int, diagnosis: Diagnosis) -> str:
    causes = "; ".join(e.because for e in diagnosis.verdict("system").evidence)
    return (
        f"No leading indicator moved in {weeks} weeks, but a system gap is confirmed or suspected "
        f"({causes}). Pressure on the rep cannot fix that: fix the system first, "
        "and do not consider a PIP while it stands."
    )


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def _latest(history: RepHistory, name: str, targets: Targets) -> float | None:
    values = history.values(name, targets)
    return values[-1][1] if values else None
