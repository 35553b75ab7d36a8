"""The coaching calendar: the weekly rhythm and the 30/60/90-day build as dated sessions.

Week 1 is the calendar week (Monday to Sunday) holding the start date; sessions that fall
before the start date in that week are left out, so a Wednesday start begins with that
week's drill. Sessions fall on working days only. A session whose day is a public holiday
of the chosen country (see ``workdays``) or a weekend is **moved, not dropped** (seed 003:
move a coaching session, do not cancel it): to the nearest working day of the same week,
the earlier one on a tie, so it stays before the week's next session (a Tuesday 1:1 on a
holiday moves to the Monday); the session keeps the day it moved from. Only a week with no
working day left has none.

One skill at a time: the weekly drill is the plan's one current skill. The blind
gap-to-goal check is not a slot the rep can see coming: it is a reminder for the manager,
on a different mid-week day each week (and never on a day off).

The 30/60/90-day phases count from the day coaching began, which may be before the plan
starts. Times are wall-clock times in the plan's time zone, which the ``.ics`` export
names (``ics.to_ics``: one recurring event per series, holidays as exceptions).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from gapdiag.coaching.decision import REVIEW_AFTER_WEEKS
from gapdiag.coaching.playbook import Focus
from gapdiag.coaching.skills import BLIND_CHECK
from gapdiag.coaching.system import COACHING_TIME
from gapdiag.coaching.workdays import WorkingDays
from gapdiag.model._result import Worded
from gapdiag.model.metrics import _Strict
from gapdiag.model.wording import day
from gapdiag.rulebook.interventions import WEEKDAYS, Drill, Interventions, Phase

QUARTER_WEEKS = 13


class Session(Worded, _Strict):
    """One dated coaching session."""

    kind: str = Field(description="The weekly session id (review, one-on-one, drill, ...).")
    week: int = Field(ge=1)
    date: dt.date
    start: dt.time
    minutes: int = Field(ge=1)
    who: Literal["manager", "rep", "both"]
    title: str
    detail: str
    phase: str | None = None
    moved_from: dt.date | None = Field(
        default=None, description="The day the rhythm puts it on, when that is a day off."
    )
    moved_because: str | None = Field(
        default=None, description="Why it moved: the holiday's name, or a weekend."
    )

    @property
    def begins(self) -> dt.datetime:
        """Start as a local (wall-clock) date and time."""
        return dt.datetime.combine(self.date, self.start)

    @property
    def ends(self) -> dt.datetime:
        """End as a local (wall-clock) date and time."""
        return self.begins + dt.timedelta(minutes=self.minutes)

    def _words(self) -> str:
        moved = f" (moved from {day(self.moved_from)})" if self.moved_from else ""
        return (
            f"Week {self.week}, {day(self.date)} {self.start:%H:%M}, {self.minutes} min, "
            f"{self.who}: {self.title}{moved}"
        )


def schedule(
    library: Interventions,
    focus: Focus,
    start: dt.date,
    *,
    drills: Sequence[Drill] = (),
    weeks: int = QUARTER_WEEKS,
    calendar: WorkingDays | None = None,
    began: dt.date | None = None,
    seed: str = "",
    fixes: Sequence[str] | None = None,
    coaching: int = 0,
) -> tuple[Session, ...]:
    """Every session of the focus gap's weekly rhythm for `weeks` weeks from `start`.

    A session due on a day that is not a working day in `calendar` (a weekend, or a
    country's public holiday) moves to the nearest working day of its week; by default
    only weekends are days off. `drills` are the skills practised (the first is drilled
    weekly; the blind gap-to-goal check becomes the manager's reminder on a varying day).
    `began` is the day coaching began, for the 30/60/90-day phases (default: `start`);
    `seed` (the rep's id) varies the reminder's day from rep to rep; `fixes` are the system
    fixes each week's review names in turn (default: the playbook's actions); `coaching` the
    minutes of the weekly coaching-time session (``system.coaching_time``; none when 0).
    """
    days = calendar or WorkingDays()
    playbook = library.playbook(focus.gap)
    fixes = playbook.actions if fixes is None else fixes
    monday = start - dt.timedelta(days=start.weekday())
    practised = [d for d in drills if d.id != BLIND_CHECK]
    blind = next((d for d in drills if d.id == BLIND_CHECK), None)
    sessions: list[Session] = []
    for week in range(1, weeks + 1):
        first = monday + dt.timedelta(weeks=week - 1)
        for slot in library.weekly:
            if (
                slot.id not in playbook.sessions
                or (slot.id == "drill" and not practised)
                or (slot.id == COACHING_TIME and not coaching)
            ):
                continue
            due = first + dt.timedelta(days=WEEKDAYS.index(slot.day))
            if due < start:
                continue
            day = due if days.is_working_day(due) else _moved(due, first, start, days)
            if day is None:
                continue  # no working day left in that week
            since = (day - (began or start)).days
            phase = _phase(library.phases, since + 1)
            opened = began - dt.timedelta(days=began.weekday()) if began else monday
            coached = (week, (day - opened).days // 7 + 1)  # calendar weeks of coaching
            detail, minutes = _detail(slot.id, slot.what, coached, focus, fixes, practised)
            off = None if day == due else days.holiday(due) or "a weekend"
            sessions.append(
                Session(
                    kind=slot.id,
                    week=week,
                    date=day,
                    start=slot.time,
                    minutes=coaching if slot.id == COACHING_TIME else minutes or slot.minutes,
                    who=slot.who,
                    title=slot.title,
                    detail=f"{detail} {phase.name}: {phase.what}"
                    if phase is not None and slot.id == "one-on-one"
                    else detail,
                    phase=phase.name if phase else None,
                    moved_from=None if day == due else due,
                    moved_because=off,
                )
            )
        if blind is not None:
            sessions.extend(_reminder(blind, week, first, start, days, seed, sessions))
    return tuple(sorted(sessions, key=lambda s: (s.date, s.start, s.kind)))


def _moved(due: dt.date, monday: dt.date, start: dt.date, days: WorkingDays) -> dt.date | None:
    """The working day of `due`'s week nearest to it (the earlier on a tie), not before
    `start`; None when that week has no such day."""
    week = [monday + dt.timedelta(days=n) for n in range(7)]
    open_days = [d for d in week if d >= start and days.is_working_day(d)]
    if not open_days:
        return None
    return min(open_days, key=lambda d: (abs((d - due).days), d))


_MIDWEEK = (1, 2, 3)
"""Tuesday, Wednesday, Thursday: when a blind check can come unannounced."""
_REMINDER_TIME = dt.time(11, 0)


def _reminder(
    drill: Drill,
    week: int,
    monday: dt.date,
    start: dt.date,
    days: WorkingDays,
    seed: str,
    booked: Sequence[Session],
) -> list[Session]:
    """The blind check's reminder for one week: a mid-week working day, not last week's."""
    last = next((s.date.weekday() for s in reversed(booked) if s.kind == BLIND_CHECK), None)
    digest = hashlib.sha256(f"{seed}:{week}".encode()).digest()[0]
    order = [_MIDWEEK[(digest + n) % 3] for n in range(3)]
    order = [d for d in order if d != last] + [d for d in order if d == last]
    for weekday in order:
        day = monday + dt.timedelta(days=weekday)
        if day >= start and days.is_working_day(day):
            return [
                Session(
                    kind=BLIND_CHECK,
                    week=week,
                    date=day,
                    start=_REMINDER_TIME,
                    minutes=drill.minutes,
                    who="manager",
                    title=f"Reminder: {drill.name.lower()} (unannounced)",
                    detail=f"{drill.how} Look for: {drill.look_for} The rep is not told the "
                    "day; it changes every week.",
                )
            ]
    return []


def _phase(phases: Sequence[Phase], day: int) -> Phase | None:
    return next((p for p in phases if p.first_day <= day <= p.last_day), None)


def _detail(
    kind: str,
    what: str,
    week: tuple[int, int],
    focus: Focus,
    fixes: Sequence[str],
    drills: Sequence[Drill],
) -> tuple[str, int | None]:
    """The session's text for this week, and its length when a drill sets it.

    `week` is (the plan's week, the coaching week): the progress review falls in the sixth
    week of coaching, which may come before the plan's sixth week.
    """
    goal = focus.goal.text if focus.goal else f"the {focus.gap} gap"
    planned, coached = week
    if kind == "drill" and drills:
        drill = drills[0]  # one skill at a time
        return f"{drill.name}. {drill.how} Look for: {drill.look_for}", drill.minutes
    if kind == "one-on-one":
        return f"{what} Focus: {goal}.", None
    if kind == "check-in" and coached == REVIEW_AFTER_WEEKS:
        return (
            f"{what} Week {coached} of coaching: judge progress on the leading indicators.",
            None,
        )
    if kind == "check-in" and focus.goal is not None and planned == focus.goal.by_week:
        return f"{what} Goal week: {goal}.", None
    if kind == "review" and focus.gap == "system" and fixes:
        action = fixes[(planned - 1) % len(fixes)]
        return f"{what} This week's system fix: {action}", None
    return what, None
