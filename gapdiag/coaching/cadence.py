"""The coaching calendar: the weekly rhythm and the 30/60/90-day build as dated sessions.

Week 1 is the calendar week (Monday to Sunday) holding the start date; sessions that fall
before the start date in that week are left out, so a Wednesday start begins with that
week's drill. Sessions fall on working days only: a session whose day is a public holiday
of the chosen country (see ``workdays``) is skipped, not moved, so the weekly rhythm holds.
Times are wall-clock times in the manager's time zone, which the ``.ics`` export names
(``ics.to_ics``: one recurring event per series, holidays as exceptions). Export to
Markdown here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

from pydantic import Field

from gapdiag.coaching.escalation import REVIEW_AFTER_WEEKS
from gapdiag.coaching.playbook import Focus
from gapdiag.coaching.workdays import WorkingDays
from gapdiag.model import _text
from gapdiag.model.metrics import _Strict
from gapdiag.rulebook.interventions import WEEKDAYS, Drill, GapPlaybook, Interventions, Phase

QUARTER_WEEKS = 13


class Session(_Strict):
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

    @property
    def begins(self) -> dt.datetime:
        """Start as a local (wall-clock) date and time."""
        return dt.datetime.combine(self.date, self.start)

    @property
    def ends(self) -> dt.datetime:
        """End as a local (wall-clock) date and time."""
        return self.begins + dt.timedelta(minutes=self.minutes)


def schedule(
    library: Interventions,
    focus: Focus,
    start: dt.date,
    *,
    drills: Sequence[Drill] = (),
    weeks: int = QUARTER_WEEKS,
    calendar: WorkingDays | None = None,
) -> tuple[Session, ...]:
    """Every session of the focus gap's weekly rhythm for `weeks` weeks from `start`.

    Days that are not working days in `calendar` (weekends, and a country's public
    holidays) get no session; by default only weekends are skipped.
    """
    days = calendar or WorkingDays()
    playbook = library.playbook(focus.gap)
    monday = start - dt.timedelta(days=start.weekday())
    sessions = []
    for week in range(1, weeks + 1):
        for slot in library.weekly:
            if slot.id not in playbook.sessions:
                continue
            day = monday + dt.timedelta(weeks=week - 1, days=WEEKDAYS.index(slot.day))
            if day < start or not days.is_working_day(day):
                continue
            phase = _phase(library.phases, (day - start).days + 1)
            detail, minutes = _detail(slot.id, slot.what, week, focus, playbook, drills)
            sessions.append(
                Session(
                    kind=slot.id,
                    week=week,
                    date=day,
                    start=slot.time,
                    minutes=minutes or slot.minutes,
                    who=slot.who,
                    title=slot.title,
                    detail=f"{detail} {phase.name}: {phase.what}"
                    if phase is not None and slot.id == "one-on-one"
                    else detail,
                    phase=phase.name if phase else None,
                )
            )
    return tuple(sessions)


def _phase(phases: Sequence[Phase], day: int) -> Phase | None:
    return next((p for p in phases if p.first_day <= day <= p.last_day), None)


def _detail(
    kind: str,
    what: str,
    week: int,
    focus: Focus,
    playbook: GapPlaybook,
    drills: Sequence[Drill],
) -> tuple[str, int | None]:
    """The session's text for this week, and its length when a drill sets it."""
    goal = focus.goal.text if focus.goal else f"the {focus.gap} gap"
    if kind == "drill" and drills:
        drill = drills[(week - 1) % len(drills)]
        return f"{drill.name}. {drill.how} Look for: {drill.look_for}", drill.minutes
    if kind == "one-on-one":
        return f"{what} Focus: {goal}.", None
    if kind == "check-in" and week == REVIEW_AFTER_WEEKS:
        return f"{what} Week {week}: judge progress on the leading indicators.", None
    if kind == "check-in" and focus.goal is not None and week == focus.goal.by_week:
        return f"{what} Goal week: {goal}.", None
    if kind == "review" and focus.gap == "system" and playbook.actions:
        action = playbook.actions[(week - 1) % len(playbook.actions)]
        return f"{what} This week's system fix: {action}", None
    return what, None


def to_markdown(sessions: Sequence[Session], *, title: str = "Coaching calendar") -> str:
    """The sessions as a Markdown table, one row per session."""
    lines = [f"## {title}", "", "| week | date | time | minutes | who | session | what |"]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for s in sessions:
        text, title, who = (_text.markdown(t) for t in (s.detail, s.title, s.who))
        day = f"{s.date:%a} {s.date}"
        when = f"{s.start:%H:%M}"
        lines.append(f"| {s.week} | {day} | {when} | {s.minutes} | {who} | {title} | {text} |")
    return "\n".join(lines) + "\n"
