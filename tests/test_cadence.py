"""The coaching calendar: weekly rhythm and 30/60/90 phases as dates; .ics and Markdown export."""

from __future__ import annotations

import datetime as dt
import sys

import icalendar
import pytest

from gapdiag import BackendUnavailable
from gapdiag.coaching.cadence import Session, to_ics, to_markdown
from gapdiag.coaching.plan import CoachingPlan, plan

from .conftest import example

STAMP = dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC)


def make(name: str, start: dt.date) -> CoachingPlan:
    """The plan for one example rep."""
    return plan(example(name), start=start)


def test_weekly_rhythm_for_a_quarter_from_a_monday() -> None:
    """Five sessions a week for thirteen weeks, on the seeds' weekdays."""
    sessions = make("will-rep", dt.date(2026, 7, 6)).sessions
    assert len(sessions) == 65
    first = sessions[:5]
    assert [(s.kind, f"{s.date:%a}") for s in first] == [
        ("review", "Mon"),
        ("one-on-one", "Tue"),
        ("drill", "Wed"),
        ("call-review", "Thu"),
        ("check-in", "Fri"),
    ]
    assert sessions[-1].date == dt.date(2026, 10, 2)
    assert sessions == tuple(sorted(sessions, key=lambda s: s.begins))


def test_mid_week_start_skips_the_days_before_it() -> None:
    """A Wednesday start begins with that week's drill; week 1 is the start's calendar week."""
    sessions = make("will-rep", dt.date(2026, 7, 8)).sessions
    assert (sessions[0].kind, sessions[0].date, sessions[0].week) == (
        "drill",
        dt.date(2026, 7, 8),
        1,
    )
    assert sessions[3].kind == "review"
    assert sessions[3].week == 2


def test_phases_follow_the_30_60_90_build() -> None:
    """1:1s in days 1-30, 31-60 and 61-90 carry the matching ownership phase."""
    start = dt.date(2026, 7, 6)
    one_on_ones = [s for s in make("will-rep", start).sessions if s.kind == "one-on-one"]
    for s in one_on_ones:
        day = (s.date - start).days + 1
        expected = (
            "Make the math visible"
            if day <= 30
            else "Make the plan the rep's"
            if day <= 60
            else "Make ownership the habit"
            if day <= 90
            else None
        )
        assert s.phase == expected
        if expected:
            assert expected in s.detail


def test_drills_rotate_and_set_the_session_length() -> None:
    """Each week's drill session runs the next drill of the plan, for that drill's minutes."""
    result = make("will-rep", dt.date(2026, 7, 6))
    drills = [s for s in result.sessions if s.kind == "drill"]
    for week, session in enumerate(drills):
        drill = result.drills[week % len(result.drills)]
        assert session.detail.startswith(drill.name)
        assert session.minutes == drill.minutes


def test_system_focus_has_no_drill_sessions_and_weekly_fixes() -> None:
    """A system gap gets review, 1:1 and check-in only; each review names a system fix."""
    sessions = make("system-rep", dt.date(2026, 7, 6)).sessions
    assert {s.kind for s in sessions} == {"review", "one-on-one", "check-in"}
    assert "This week's system fix: Audit the territory" in sessions[0].detail


def test_review_and_goal_weeks_are_marked() -> None:
    """The week-6 check-in judges progress; the goal week's check-in restates the goal."""
    sessions = make("will-rep", dt.date(2026, 7, 6)).sessions
    check_ins = {s.week: s.detail for s in sessions if s.kind == "check-in"}
    assert "judge progress" in check_ins[6]
    assert "Goal week: 14 → 40 calls a day by Fri 28 Aug" in check_ins[8]


def test_ics_parses_back_with_the_same_events() -> None:
    """Every session comes back from the .ics with its title, times, UID and text."""
    result = make("will-rep", dt.date(2026, 7, 6))
    data = to_ics(result.sessions, rep_id=result.rep_id, stamp=STAMP)
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    events = list(calendar.walk("VEVENT"))
    assert len(events) == len(result.sessions)
    uids = set()
    for event, session in zip(events, result.sessions, strict=True):
        assert str(event["SUMMARY"]) == f"{session.title} - rep-will-01"
        assert event.decoded("DTSTART") == session.begins
        assert event.decoded("DTEND") == session.ends
        assert str(event["DESCRIPTION"]) == session.detail
        assert event.decoded("DTSTAMP") == STAMP
        uids.add(str(event["UID"]))
    assert len(uids) == len(events)


def test_ics_is_deterministic_for_a_given_stamp() -> None:
    """The same plan and stamp give byte-identical files."""
    result = make("skill-rep", dt.date(2026, 7, 6))
    first = to_ics(result.sessions, rep_id=result.rep_id, stamp=STAMP)
    assert first == to_ics(result.sessions, rep_id=result.rep_id, stamp=STAMP)
    assert first.startswith(b"BEGIN:VCALENDAR\r\n")


def test_ics_without_icalendar_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing .ics without the optional package raises a clear error."""
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(BackendUnavailable, match=r"gapdiag\[calendar\]"):
        to_ics((), rep_id="r")


def test_markdown_table_has_a_row_per_session_and_escapes_pipes() -> None:
    """The Markdown export is one table row per session, pipes escaped."""
    session = Session(
        kind="drill",
        week=1,
        date=dt.date(2026, 7, 8),
        start=dt.time(10),
        minutes=15,
        who="both",
        title="Role-play drill",
        detail="a | b",
    )
    text = to_markdown([session])
    assert "| 1 | Wed 2026-07-08 | 10:00 | 15 | both | Role-play drill | a \\| b |" in text
    assert text.count("\n| 1 |") == 1
