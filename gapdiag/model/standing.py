"""Where a rep stands on the number, before any question of why: ahead, on track or behind.

The four gaps explain why a rep is *behind*; a rep ahead or on track has nothing to explain
this period. Standing is read from the pipeline figures and the calendar, in this order:

1. **quota**: closed-won at or over quota is *ahead*, whatever else is true.
2. **period end**: once the period is over (``as_of`` on or after ``period_end``), nothing
   more can close: within the pace margin of quota is *on track*, further short *behind*.
3. **pace**: with ``as_of`` inside the period, the share of its working days gone by sets
   what should be closed by now (a rep at 40% of quota 40% into the quarter is on pace).
   More than the margin over that pace is *ahead*; within the margin either side, *on track*.
4. **commit**: closed-won plus commit that reaches quota is *on track*.
5. **pipeline**: when the pace is unknown (no ``as_of``), or in the first half of the period
   (deals come in lumps, so an early pace says little), open pipeline that covers what is
   still needed (at the rep's win rate, else at the flat coverage target) is *on track*, and
   pipeline that does not is *behind*. From half-way on, a rep behind pace is *behind*:
   pipeline that has not closed does not rescue them.
6. Otherwise *unknown* (or, early in the period without pipeline figures, *behind* pace),
   with the figures that would tell.

The quota is read as given, ramp or not: the activity plan is scaled down while a new rep
ramps (``derived.ramp_share``), but a quota is set per rep, and the sources give no ramp
schedule for it, so scaling it here could discount a ramp quota twice. ``ramp_share`` is
kept beside the standing so every text of it says which quota it was read against.

Working days are Monday to Friday; public holidays are not taken out (a team's calendar is
the coaching plan's business, not the pace's).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Literal

from pydantic import Field

from gapdiag.model._result import Result

EARLY = 0.5
"""Before this share of the period is gone, deals come in too few lumps for the pace alone to
say a rep is behind: open pipeline that covers what is still needed keeps them on track."""
StandingStatus = Literal["ahead", "on_track", "behind", "unknown"]
"""Where a rep stands on the number."""
STANDINGS: tuple[StandingStatus, ...] = ("behind", "unknown", "on_track", "ahead")
"""Every standing, the one needing the most attention first."""
NOT_BEHIND: frozenset[StandingStatus] = frozenset({"ahead", "on_track"})
"""Standings with nothing to explain: no primary gap, no confirmed verdict, no escalation."""
SettledBy = Literal["quota", "period_end", "pace", "commit", "pipeline"]


class Standing(Result):
    """Where the rep stands on the number, what settled it, and the figures behind it."""

    status: StandingStatus
    settled_by: SettledBy | None = Field(
        description="Which figure settled the standing; None while it is unknown."
    )
    quota: float | None
    closed_won: float | None
    commit: float | None
    attainment: float | None = Field(description="Closed-won as a share of quota.")
    elapsed: float | None = Field(
        description="Share of the period's working days gone by at as_of; None if unknown."
    )
    days_elapsed: int | None = Field(description="Working days gone by at as_of.")
    days_in_period: int | None = Field(description="Working days in the period.")
    expected_to_date: float | None = Field(
        description="What the quota's pace calls for by as_of (quota x elapsed share)."
    )
    still_needed: float | None = Field(
        description="Quota minus closed-won minus commit (commit 0 if unknown); may be <= 0."
    )
    pipeline_yield: float | None = Field(
        description="What the open pipeline should bring in at the rep's win rate."
    )
    coverage: float | None = Field(description="Open pipeline / what is still needed.")
    coverage_needed: float | None = Field(
        description="Coverage the win rate requires (1 / win rate), else the flat target."
    )
    open_pipeline: float | None
    pipeline_left: float | None = Field(
        default=None,
        description="Open pipeline less what this period still takes (what is still needed "
        "times the coverage the win rate requires), at least 0: what the next period inherits.",
    )
    next_coverage: float | None = Field(
        description="The pipeline left for the next period as a multiple of one period's "
        "quota: the cover a rep who is not behind brings into it."
    )
    needs: tuple[str, ...] = Field(
        default=(), description="Figures that would settle an unknown standing."
    )
    ramp_share: float | None = Field(
        default=None,
        description="Share of the full activity plan a rep in ramp is held to (None once "
        "ramped); the quota is read as given, as the rep's ramp quota.",
    )


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from `start` to `end`, both included (0 if end < start)."""
    days = (end - start).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    first = start.weekday()
    return weeks * 5 + sum(1 for offset in range(rest) if (first + offset) % 7 < 5)


def elapsed_share(
    start: dt.date | None, end: dt.date | None, as_of: dt.date | None
) -> tuple[float, int, int] | None:
    """(share of the period's working days gone by at `as_of`, days gone, days in all)."""
    if start is None or end is None or as_of is None:
        return None
    total = working_days(start, end)
    if total == 0:  # a period of weekend days only: count calendar days
        gone_days = (min(as_of, end) - start).days + 1
        total_days = (end - start).days + 1
        return min(1.0, gone_days / total_days), gone_days, total_days
    gone = working_days(start, min(as_of, end))
    return gone / total, gone, total


def standing_of(
    facts: Mapping[str, object],
    *,
    period_start: dt.date | None,
    period_end: dt.date | None,
    as_of: dt.date | None,
) -> Standing:
    """Where one rep stands on the number, from flat facts (metrics and ``target.*``)."""
    quota = _number(facts, "pipeline.quota")
    closed = _number(facts, "pipeline.closed_won")
    commit = _number(facts, "pipeline.commit")
    pipe = _number(facts, "pipeline.open_pipeline")
    win = _number(facts, "pipeline.win_rate")
    timing = elapsed_share(period_start, period_end, as_of)
    share = timing[0] if timing else None
    values: dict[str, object] = {
        "quota": quota,
        "closed_won": closed,
        "commit": commit,
        "attainment": _quotient(closed, quota),
        "elapsed": share,
        "days_elapsed": timing[1] if timing else None,
        "days_in_period": timing[2] if timing else None,
        "expected_to_date": quota * share if quota is not None and share is not None else None,
        "still_needed": None,
        "pipeline_yield": pipe * win if pipe is not None and win is not None else None,
        "coverage": None,
        "open_pipeline": pipe,
        "pipeline_left": pipe,
        "next_coverage": _quotient(pipe, quota),
        "coverage_needed": _quotient(1.0, win)
        if win
        else _number(facts, "target.pipeline_coverage"),
        "needs": (),
        "ramp_share": _number(facts, "derived.ramp_share"),
    }
    if quota is not None and closed is not None:
        needed = quota - closed - (commit or 0.0)
        values["still_needed"] = needed
        if pipe is not None and needed > 0:
            values["coverage"] = _quotient(pipe, needed)
            takes = values["coverage_needed"]
            left = max(0.0, pipe - needed * takes) if isinstance(takes, float) else None
            values["pipeline_left"] = left
            values["next_coverage"] = _quotient(left, quota)
    margin = _number(facts, "target.margin.pace") or 0.0
    status, settled, needs = _decide(values, margin, pipe, as_of is None)
    values |= {"status": status, "settled_by": settled, "needs": needs}
    return Standing.trusted(values)


def _quotient(top: float | None, bottom: float | None) -> float | None:
    """top / bottom; None where either is unknown, bottom is 0, or the quotient overflows
    (a quota of 1e-311 gives no attainment a person, or JSON, could read)."""
    if top is None or not bottom:
        return None
    value = top / bottom
    return value if math.isfinite(value) else None


def _decide(
    v: Mapping[str, object], margin: float, pipe: float | None, no_as_of: bool
) -> tuple[StandingStatus, SettledBy | None, tuple[str, ...]]:
    quota, closed, commit = v["quota"], v["closed_won"], v["commit"]
    if not isinstance(quota, float) or quota <= 0 or not isinstance(closed, float):
        absent: tuple[str, ...] = ()
        if not isinstance(quota, float) or quota <= 0:
            absent += ("pipeline.quota",)
        if not isinstance(closed, float):
            absent += ("pipeline.closed_won",)
        return "unknown", None, absent
    if closed >= quota:
        return "ahead", "quota", ()
    share, expected = v["elapsed"], v["expected_to_date"]
    if isinstance(share, float) and share >= 1.0:
        return ("on_track" if closed >= quota * (1.0 - margin) else "behind"), "period_end", ()
    if isinstance(expected, float):
        if closed >= expected * (1.0 + margin) and expected > 0:
            return "ahead", "pace", ()
        if closed >= expected * (1.0 - margin):
            return "on_track", "pace", ()
    if isinstance(commit, float) and closed + commit >= quota:
        return "on_track", "commit", ()
    early = isinstance(share, float) and share < EARLY
    if isinstance(expected, float) and not early:
        return "behind", "pace", ()
    covered = _pipeline_covers(v, pipe)
    if covered is not None:
        return ("on_track" if covered else "behind"), "pipeline", ()
    if isinstance(expected, float):
        return "behind", "pace", ()
    dates: tuple[str, ...] = ("as_of",) if no_as_of else ("period_start", "period_end")
    wanted = dates + tuple(
        name
        for name, value in (("pipeline.commit", commit), ("pipeline.open_pipeline", pipe))
        if value is None
    )
    return "unknown", None, wanted


def _pipeline_covers(v: Mapping[str, object], pipe: float | None) -> bool | None:
    """Whether the open pipeline covers what is still needed; None without pipeline figures."""
    needed, made = v["still_needed"], v["pipeline_yield"]
    if pipe is None or not isinstance(needed, float):
        return None
    if isinstance(made, float):
        return made >= needed
    coverage, wanted = v["coverage"], v["coverage_needed"]
    return isinstance(coverage, float) and isinstance(wanted, float) and coverage >= wanted


def _number(facts: Mapping[str, object], path: str) -> float | None:
    value = facts.get(path)
    return value if isinstance(value, float) else None
