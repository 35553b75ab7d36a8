"""How much a rate rests on: the count behind each counted metric, and when it is too thin.

A rate counted from a handful of observations is weak evidence however extreme it looks:
0 of 1 deal moving on is not a 0% stage conversion anyone can act on. Each counted metric
names the count field behind it (``pipeline.win_rate`` rests on ``pipeline.closed_deals``),
and two documented thresholds sort the count:

- under ``too_few`` the rate is *set aside*: rules read it as unknown, and the diagnosis
  says how many more observations would let it count;
- from ``too_few`` up to ``solid`` the rate is *thin*: rules read it, but a verdict cannot
  be confirmed by evidence that rests on it (at most suspected);
- from ``solid`` on it counts in full.

The thresholds follow the width of a 90% Wilson interval for a share near 30%: at 5
observations it spans about 45 points, at 20 about 30 points, so a share from fewer than
5 says almost nothing and one from fewer than 20 cannot separate 20% from 40%. Averages
(deal age, cycle length, call figures) settle faster and use smaller counts; activity
rates need a working week to mean anything and three to be steady. A rate given without
its count (typed in, or from a system that reports no count) counts in full, as before,
except beside a 0 that means nothing was observed: an average call length with 0 calls a
day, or a meeting conversion with 0 meetings a week, is an average over nothing and is set
aside as resting on 0 observations, not read as a 0-minute call or a 0% conversion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Basis:
    """The count behind a counted metric, its noun, and where it becomes usable and solid."""

    count: str
    """The metric path of the count (``pipeline.closed_deals``)."""
    noun: str
    """One observation, singular (``closed deal``)."""
    plural: str
    too_few: int
    """Below this many observations the rate is set aside (read as unknown)."""
    solid: int
    """From this many observations on, the rate can confirm a verdict."""
    none_when: str | None = None
    """A rate whose 0 means there were no observations at all (``activity.calls_per_day``
    for timed calls): given 0 with the count absent, the count is known to be 0."""

    def counted(self, count: float) -> str:
        """'1 closed deal', '12 closed deals'."""
        return f"{count:,.0f} {self.noun if count == 1 else self.plural}"


def _basis(
    count: str, noun: str, plural: str, too_few: int, solid: int, none_when: str | None = None
) -> Basis:
    return Basis(count, noun, plural, too_few, solid, none_when)


_DEALS_CLOSED = _basis("pipeline.closed_deals", "closed deal", "closed deals", 5, 20)
_IN_PLAY = _basis("pipeline.deals_in_play", "deal in play", "deals in play", 5, 20)
_OPEN = _basis("pipeline.open_deals", "open deal", "open deals", 3, 10)
_WON = _basis("pipeline.won_deals", "won deal", "won deals", 3, 10)
_DAYS = _basis("activity.working_days", "working day", "working days", 5, 15)
_TIMED = _basis(
    "activity.timed_calls", "timed call", "timed calls", 10, 30, "activity.calls_per_day"
)
_MEETINGS = _basis(
    "activity.meetings_held", "meeting held", "meetings held", 5, 20, "activity.meetings_per_week"
)
_CALLS = _basis("calls.calls_measured", "recorded call", "recorded calls", 2, 5)

BASES: Mapping[str, Basis] = {
    "pipeline.win_rate": _DEALS_CLOSED,
    "pipeline.stage_conversion_rate": _IN_PLAY,
    "pipeline.avg_deal_age_days": _OPEN,
    "pipeline.sales_cycle_days": _WON,
    "activity.calls_per_day": _DAYS,
    "activity.emails_per_day": _DAYS,
    "activity.meetings_per_week": _DAYS,
    "activity.avg_call_minutes": _TIMED,
    "activity.meeting_to_opportunity_rate": _MEETINGS,
    "calls.discovery_questions_per_call": _CALLS,
    "calls.open_question_ratio": _CALLS,
    "calls.talk_ratio": _CALLS,
    "calls.longest_monologue_seconds": _CALLS,
    "calls.objection_handling_score": _CALLS,
    "calls.rubric_score": _CALLS,
}
"""Every counted metric and the count behind it."""

COUNTS: frozenset[str] = frozenset(basis.count for basis in BASES.values())
"""The count fields themselves."""


@dataclass(frozen=True, slots=True)
class Thinness:
    """Which of one rep's counted metrics are set aside, and which are thin."""

    set_aside: tuple[str, ...]
    thin: tuple[str, ...]


def thinness(facts: Mapping[str, object]) -> Thinness:
    """Sort one rep's counted metrics (flat facts) by the count given beside them."""
    set_aside: list[str] = []
    thin: list[str] = []
    for path, basis in BASES.items():
        count = facts.get(basis.count)
        if not isinstance(count, float):  # no count: counts in full, but as count_of does,
            if basis.none_when is None or facts.get(basis.none_when) != 0.0:  # beside a 0
                continue  # rate (no calls, no meetings) it rests on no observations
            count = 0.0
        if not isinstance(facts.get(path), float | bool):
            continue
        if count < basis.too_few:
            set_aside.append(path)
        elif count < basis.solid:
            thin.append(path)
    return Thinness(tuple(set_aside), tuple(thin))


def count_of(facts: Mapping[str, object], basis: Basis) -> float | None:
    """The count behind a rate: as given, else 0 where the rate it rests on is 0 (an average
    call length beside 0 calls a day rests on no calls); None when unknown."""
    count = facts.get(basis.count)
    if isinstance(count, float):
        return count
    rate = facts.get(basis.none_when) if basis.none_when is not None else None
    return 0.0 if isinstance(rate, float) and rate == 0.0 else None


def resting_on(needs: tuple[str, ...], weak: frozenset[str]) -> tuple[str, ...]:
    """The metrics among a rule's inputs (`needs`, derived inputs expanded) that are weak."""
    return tuple(path for path in needs if path in weak)


PROXY_SOURCES: Mapping[str, str] = {
    "territory.lead_volume_vs_team": "the deals the rep opened, against the team's average",
    "territory.territory_size_vs_team": (
        "the accounts the rep has had a deal on, against the team's average"
    ),
    "pipeline.stage_conversion_rate": "the deals won out of the deals in play in the period",
}
"""What gapdiag's own readers measure when they estimate a metric (``gapdiag ingest``)."""

PROXY_LIMITS: Mapping[str, str] = {
    "territory.lead_volume_vs_team": (
        "deals opened are the rep's own output, so they cannot tell a starved territory from a "
        "rep who converts few of the leads they get"
    ),
    "territory.territory_size_vs_team": (
        "accounts with a deal are the rep's own reach, not every account in the patch"
    ),
    "pipeline.stage_conversion_rate": (
        "a CRM export has no stage history, and a win is the last of several stages, so the "
        "share won reads lower than the share that moves on a stage"
    ),
}
"""Why each estimate cannot settle a verdict on its own."""
