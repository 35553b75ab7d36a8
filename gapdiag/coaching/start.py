"""When the plan and the coaching start, and the checks on the plan's arguments.

The plan's sessions start on ``start`` (by default the Monday after the history's last
week, else after the figures' ``as_of``, else the next Monday). Coaching began on
``since``, or else on the coaching log's first 1:1 on the focus; it may not come after the
plan's start, since the plan continues coaching that has begun.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from gapdiag.coaching.agenda import Accountability
from gapdiag.coaching.cadence import Session
from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.log import CoachingLog
from gapdiag.coaching.playbook import Focus
from gapdiag.coaching.scorecard import Scorecard
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import RepMetrics


def default_start(history: RepHistory | None, rep: RepMetrics, today: dt.date) -> dt.date:
    """The Monday after the history's last week, else after the rep's ``as_of``, else the
    first Monday from `today`.

    Raises:
        InvalidArgument: the calendar ends before that Monday.
    """
    try:
        if history is not None:
            return history.starts[-1] + dt.timedelta(weeks=1)
        day = rep.as_of + dt.timedelta(days=1) if rep.as_of is not None else today
        return day + dt.timedelta(days=-day.weekday() % 7)
    except OverflowError:
        raise InvalidArgument(
            "start: the calendar ends before the next week; give --start"
        ) from None


def coaching_start(
    since: dt.date | None, log: CoachingLog | None, focus: Focus | None, start: dt.date
) -> tuple[dt.date | None, Literal["given", "coaching log"] | None]:
    """The day coaching began (`since`, else the log's first 1:1 on `focus`) and where it
    came from; a start after the plan's is refused."""
    source: Literal["given", "coaching log"]
    if since is not None:
        found, source = since, "given"
    elif log is not None and (first := log.start(focus.gap if focus else None)) is not None:
        found, source = first, "coaching log"
    else:
        return None, None
    if found > start:
        raise InvalidArgument(
            f"since: coaching began {found}, after the plan's start {start}; the plan's "
            "sessions continue coaching that has begun (give a start on or after it)"
        )
    return found, source


def log_focuses(log: CoachingLog) -> tuple[str, ...]:
    """The focuses a log's 1:1s name (a log without a start for this plan's focus)."""
    return tuple(dict.fromkeys(e.focus for e in log.entries if e.kind == "one-on-one" and e.focus))


def first_one_on_one(
    log: CoachingLog | None, began: dt.date | None, sessions: tuple[Session, ...]
) -> dt.date | None:
    """Where the accountability question is asked: the first 1:1 of coaching."""
    if log is not None and began is not None:
        held = [e.date for e in log.entries if e.kind == "one-on-one" and e.date >= began]
        if held:
            return min(held)
    return next((s.date for s in sessions if s.kind == "one-on-one"), None)


def check_arguments(
    rep: RepMetrics,
    start: dt.date,
    history: RepHistory | None,
    scorecard: Scorecard | None,
    weeks: int,
    goal_week: int,
) -> None:
    """Refuse weeks or a goal week out of range, a start the calendar cannot hold, another
    rep's history or scorecard, and a start inside the history."""
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


def accountability_of(
    log: CoachingLog | None, began: dt.date | None, sessions: tuple[Session, ...]
) -> Accountability:
    """The accountability question, asked at the first 1:1 of coaching, with the rep's
    answer when the coaching log records one (seed 004)."""
    answer = log.answer() if log is not None else None
    return Accountability(
        asked_on=first_one_on_one(log, began, sessions),
        answer=answer.note if answer is not None else None,
        answered_on=answer.date if answer is not None else None,
    )
