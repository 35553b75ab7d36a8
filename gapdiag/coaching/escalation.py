"""After weeks of coaching: keep going, extend, talk about fit, review a PIP, or fix the system.

The decision is an ordered table (first match wins; docs/playbook.md has it too):

1. commitment under target (9) in the last two recorded weeks, back to back -> fit-conversation
2. fewer than REVIEW_AFTER_WEEKS weeks of coaching -> keep-coaching
3. no watched indicator has a trend yet -> collect-data
4. no indicator improving or at target, system gap confirmed -> fix-system (never a PIP)
5. no indicator improving or at target -> pip-review
6. progress, attainment unknown -> keep-coaching
7. progress, still below quota -> extend-coaching (one more quarter)
8. progress, quota reached -> graduate

A PIP is only ever a recommendation for the manager and HR to review; while a system gap is
confirmed no branch recommends one.
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
    pip_blocked: bool = Field(description="A confirmed system gap: no PIP may be recommended.")


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
    action, reason = _decide(history, diagnosis, trends, low, chosen)
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
    moving = [label_of(t.metric).label for t in known if t.direction == "improving" or t.at_target]
    if not moving and blocked:
        return "fix-system", _fix_system(weeks, diagnosis)
    if not moving:
        return "pip-review", (
            f"No leading indicator improved or reached its target in {weeks} weeks of coaching. "
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


def _fit(low: tuple[dt.date, ...], targets: Targets, blocked: bool) -> str:
    text = (
        f"Commitment was under {show('target.commitment_score', targets.commitment_score)} in "
        f"the weeks of {day(low[0])} and {day(low[1])}. Hold a documented conversation "
        "about fit: whether the rep wants this role and this plan."
    )
    if blocked:
        return text + " A system gap is confirmed, so no PIP may be considered until it is fixed."
    return text + " If it confirms a fit problem, the manager and HR may review a PIP."


def _fix_system(weeks: int, diagnosis: Diagnosis) -> str:
    causes = "; ".join(e.because for e in diagnosis.verdict("system").evidence)
    return (
        f"No leading indicator moved in {weeks} weeks, but a system gap is confirmed "
        f"({causes}). Pressure on the rep cannot fix that: fix the system first, "
        "and do not consider a PIP while it stands."
    )


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"


def _latest(history: RepHistory, name: str, targets: Targets) -> float | None:
    values = history.values(name, targets)
    return values[-1][1] if values else None
