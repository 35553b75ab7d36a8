"""After weeks of coaching: keep going, extend, talk about fit, review a PIP, or fix the system.

Weeks of figures are not weeks of coaching. The decision needs the day coaching on this
focus began (``since``): the weeks before it are the baseline, and only the weeks from it
on count. Without it there is no decision, only the trends (``trends-only``).

**Progress** (seed 001: no improvement in *any* metric after 4-6 weeks leads to a PIP
review; improving but short of quota extends coaching) is any of the rep's leading
indicators, of every gap and not only the focus's, that began coaching short of its target
and moved toward it beyond week-to-week noise, or reached it and held it there (two weeks
running). A value already at target
when coaching began is neither progress nor failure; the rep's own commitment rating and
the territory's figures never count.

The decision is an ordered table (first match wins; docs/playbook.md has it too):

1. no coaching start -> trends-only
2. the rep at or ahead of their number -> graduate once quota is reached, else keep-coaching:
   never an escalation (issue 23's standing)
3. commitment under target (9) in the last two coaching weeks, back to back -> fit-conversation
   (collect-data while where the rep stands is unknown)
4. fewer than REVIEW_AFTER_WEEKS coaching weeks -> keep-coaching
5. no indicator has a trend in the coaching weeks -> collect-data
6. OWNERSHIP_REVIEW_WEEKS (13, a full 90-day cadence) or more, an ownership signal off
   target and none of them moving -> pip-review (fix-system under a system gap; collect-data
   where the rep stands is unknown): activity at plan is not ownership (seed 000)
7. nothing moved and something fell short: a system gap confirmed or suspected -> fix-system
   (collect-data when it rests on estimates alone); where the rep stands unknown, or no gap
   named by the diagnosis -> collect-data; else -> pip-review
8. nothing moved, every indicator at target since coaching began -> keep-coaching
9. progress, where the rep stands unknown -> keep-coaching
10. progress, still behind -> extend-coaching (one more quarter)

A PIP is only ever a recommendation for the manager and HR to review; while a system gap is
confirmed or suspected, or the rep is at or ahead of their number, no branch recommends one
(a system gap resting on estimates alone asks for them to be checked: ``collect-data``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.trends import MIN_WEEKS_FOR_TREND, Trend, trend
from gapdiag.coaching.units import across_weeks
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.gaps import FOUND, GAPS, Gap
from gapdiag.model.labels import label_of, show
from gapdiag.model.metrics import Targets, _Strict, parse_targets
from gapdiag.model.standing import NOT_BEHIND, Standing, StandingStatus, standing_of
from gapdiag.model.wording import day, long_day, reading, standing_word
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import Indicator, Interventions, load_interventions

Action = Literal[
    "trends-only",
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
PIP_NOTE = (
    "Recommend that the manager and HR review whether a performance improvement plan is "
    "warranted; this is a recommendation for people to decide, not an outcome."
)

HOLDS = 2
"""Weeks in a row at target before reaching it counts as progress (one week may be luck)."""
Progress = Literal["moving", "reached", "held", "flat", "worsening", "slipped", "unknown"]
"""How one indicator did over the coaching weeks: moving and reached are progress; held (at
target when coaching began and still) is neither; flat, worsening and slipped fell short."""
PROGRESS: frozenset[Progress] = frozenset({"moving", "reached"})
SHORT: frozenset[Progress] = frozenset({"flat", "worsening", "slipped"})


class Escalation(_Strict):
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
    case = _Case(
        history,
        diagnosis,
        where,
        since,
        coached,
        trends,
        progress,
        low,
        chosen,
        owning,
        facts,
        rep_side,
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


def progress_of(t: Trend) -> Progress:
    """How one indicator did over the coaching weeks (see ``Progress``)."""
    if t.metric in SELF_RATED or t.latest is None or t.began_at_target is None:
        return "unknown"
    if t.began_at_target:
        return "held" if t.at_target else "slipped"
    if t.held_weeks >= HOLDS:
        return "reached"
    if t.direction == "improving":
        return "moving"
    if t.direction in ("flat", "worsening"):
        return t.direction
    return "unknown"


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


class _Case:
    """Everything one decision reads, and the table that makes it."""

    def __init__(
        self,
        history: RepHistory,
        diagnosis: Diagnosis,
        standing: Standing,
        since: dt.date | None,
        weeks: int,
        trends: tuple[Trend, ...],
        progress: tuple[Progress, ...],
        low: tuple[dt.date, ...],
        targets: Targets,
        owning: tuple[Trend, ...],
        facts: Mapping[str, object] | None,
        rep_side: frozenset[str],
    ) -> None:
        self.history, self.diagnosis, self.standing = history, diagnosis, standing
        self.since, self.weeks, self.low, self.targets = since, weeks, low, targets
        self.trends, self.progress, self.owning = trends, progress, owning
        self.facts = facts or {}
        self.rep_side = rep_side

    def of(self, *kinds: Progress) -> list[Trend]:
        """The rep-side trends (no system indicator) whose progress is one of `kinds`."""
        return [
            t
            for t, p in zip(self.trends, self.progress, strict=True)
            if p in kinds and t.metric in self.rep_side
        ]

    def _system(self, head: str) -> tuple[Action, str] | None:
        """The answer while a system gap is confirmed or suspected: fix it, or, when it rests
        on proxies alone, check them; never a PIP review either way."""
        verdict = self.diagnosis.verdict("system")
        if verdict.status not in FOUND:
            return None
        if self.diagnosis.pip_blocked:
            return "fix-system", (
                f"{head} A system gap is confirmed or suspected ({_causes(self.diagnosis)}): "
                "pressure on the rep cannot fix that; fix the system first, and do not "
                "consider a PIP while it stands." + self._summary()
            )
        return "collect-data", (
            f"{head} A system gap is suspected on estimates ({_causes(self.diagnosis)}): "
            "check those figures with real data before any PIP review is weighed." + self._summary()
        )

    def decide(self) -> tuple[Action, str]:
        """The first row of the table that matches."""
        if self.since is None:
            return "trends-only", _trends_only(self.history)
        if self.standing.status in NOT_BEHIND:
            return self._at_number()
        if self.low and self.standing.status == "unknown":
            return "collect-data", (
                "Commitment was under target two weeks running, but where the rep stands on "
                "the number is unknown: no fit conversation is weighed for a rep not known to "
                "be behind." + self._needs()
            )
        if self.low:
            return "fit-conversation", self._fit()
        weeks = _weeks(self.weeks)
        if self.weeks < REVIEW_AFTER_WEEKS:
            return "keep-coaching", (
                f"{weeks} of coaching since {long_day(self.since)}; leading indicators get "
                f"until week {REVIEW_AFTER_WEEKS} of coaching to move before progress is judged."
                + self._summary()
            )
        moved = self.of("moving", "reached")
        short = self.of("flat", "worsening", "slipped")
        if not moved and not short and not self.of("held"):
            return "collect-data", (
                f"After {weeks} of coaching no leading indicator has enough weekly values for "
                f"a trend ({MIN_WEEKS_FOR_TREND} are needed); record them weekly before "
                "judging progress."
            )
        stuck = [t for t in self.owning if t.weeks_observed and not t.at_target]
        if (
            self.weeks >= OWNERSHIP_REVIEW_WEEKS
            and stuck
            and not any(map(_made_progress, self.owning))
        ):
            return self._ownership(weeks, stuck)
        if not moved and short:
            return self._no_progress(weeks)
        if not moved:
            return "keep-coaching", (
                f"After {weeks} of coaching the watched indicators are where they were: at "
                "target since coaching began, which is neither progress nor failure. Look "
                "again at the diagnosis for what holds the number back." + self._summary()
            )
        if self.standing.status == "unknown":
            return "keep-coaching", (
                "Progress during coaching, but where the rep stands on the number is unknown, "
                "so keep the plan running." + self._summary() + self._needs()
            )
        return "extend-coaching", (
            f"Progress in {weeks} of coaching, but the rep is still behind on the number: "
            "extend coaching by one quarter." + self._summary()
        )

    def _at_number(self) -> tuple[Action, str]:
        word = standing_word(self.standing.status).lower()
        attained = self.standing.attainment
        if attained is not None and attained >= 1.0:
            return "graduate", (
                f"Quota reached ({show('derived.attainment', attained)} of quota): close the "
                "coaching plan." + self._summary()
            )
        return "keep-coaching", (
            f"The rep is {word} on the number: no escalation while they are at or ahead of "
            "it; keep the plan running." + self._summary()
        )

    def _no_progress(self, weeks: str) -> tuple[Action, str]:
        head = f"No leading indicator moved toward its target in {weeks} of coaching."
        held = self._system(head)
        if held is not None:
            return held
        if self.standing.status != "behind":
            return "collect-data", (
                f"{head} Where the rep stands on the number is unknown, and no PIP review "
                "is weighed for a rep not known to be behind." + self._summary() + self._needs()
            )
        unnamed = self._unnamed(head)
        if unnamed is not None:
            return unnamed
        return "pip-review", f"{head}{self._summary()} {PIP_NOTE}"

    def _unnamed(self, head: str) -> tuple[Action, str] | None:
        """No gap named by the diagnosis: nothing to hold the rep to yet, so no PIP review."""
        if self.diagnosis.primary_gap is not None:
            return None
        wanted = sorted({label_of(n).label for u in self.diagnosis.undetermined for n in u.needs})
        collect = f" Collect {', '.join(wanted[:4])} first." if wanted else ""
        return "collect-data", (
            f"{head} The diagnosis names no gap for the rep now, so there is nothing a PIP "
            f"review could hold them to yet: find out why they are behind.{collect}"
            + self._summary()
        )

    def _ownership(self, weeks: str, stuck: list[Trend]) -> tuple[Action, str]:
        names = ", ".join(self._name(t) for t in stuck)
        head = (
            f"After {weeks} of coaching, a full 90-day cadence, no ownership signal ({names}) "
            "has moved toward its target: progress on activity is not ownership of the number."
        )
        held = self._system(head)  # the stuck ownership signals are the named problem
        if held is not None:
            return held
        if self.standing.status != "behind":
            return "collect-data", (
                f"{head} Where the rep stands on the number is unknown, and no PIP review "
                "is weighed for a rep not known to be behind." + self._summary() + self._needs()
            )
        return "pip-review", f"{head}{self._summary()} {PIP_NOTE}"

    def _fit(self) -> str:
        low = self.low
        text = (
            f"Commitment was under {show('target.commitment_score', self.targets.commitment_score)}"
            f" in the weeks of {day(low[0])} and {day(low[1])}. Hold a documented conversation "
            "about fit: whether the rep wants this role and this plan."
        )
        if self.diagnosis.verdict("system").status in FOUND:
            return text + (
                " A system gap is confirmed or suspected, so no PIP may be considered"
                " until it is fixed (or, resting on estimates, checked)."
            )
        return text + " If it confirms a fit problem, the manager and HR may review a PIP."

    def _needs(self) -> str:
        wanted = [label_of(n).label for n in self.standing.needs] or ["quota", "revenue won"]
        return f" Collect {', '.join(wanted)} to tell where the rep stands."

    def _summary(self) -> str:
        """What moved and what did not, each with its numbers."""
        parts = []
        for title, kinds in (
            ("Moved toward target", ("moving", "reached")),
            ("Did not move", ("flat", "worsening", "slipped")),
            ("At target when coaching began (neither progress nor failure)", ("held",)),
        ):
            found = self.of(*kinds)
            if found:
                parts.append(f"{title}: {'; '.join(self._moved(t) for t in found)}.")
        return (" " + " ".join(parts)) if parts else ""

    def _name(self, t: Trend) -> str:
        path, _ = across_weeks(t.metric, None, self.facts, self.targets)
        return label_of(path).label

    def _moved(self, t: Trend) -> str:
        path, _ = across_weeks(t.metric, None, self.facts, self.targets)
        values = [
            across_weeks(t.metric, v, self.facts, self.targets)[1]
            for v in (t.began, t.latest, t.target)
        ]
        began, latest, goal = reading(path, *values)
        state = progress_of(t)
        how = {
            "reached": "reached target" if t.latest_meets else "within the target's margin",
            "held": "at target" if t.latest_meets else "within the target's margin",
            "slipped": "slipped below target",
        }.get(state, t.direction)
        return f"{label_of(path).label} {began} → {latest} ({how}; target {goal})"


def _made_progress(t: Trend) -> bool:
    return progress_of(t) in PROGRESS


def _trends_only(history: RepHistory) -> str:
    return (
        f"No coaching start given: these are {_weeks(history.weeks_spanned)} of figures, not "
        "weeks of coaching, so no escalation is judged. Give the day coaching on this focus "
        "began (--since, or a coaching log of the 1:1s) for a decision; the trends show what "
        "the weeks did."
    )


def _causes(diagnosis: Diagnosis) -> str:
    return "; ".join(e.because for e in diagnosis.verdict("system").evidence)


def _weeks(count: int) -> str:
    return "1 week" if count == 1 else f"{count} weeks"
