"""Working days: weekends always off, a chosen country's public holidays off too."""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import BackendUnavailable, InvalidArgument
from gapdiag.coaching.workdays import (
    WorkingDays,
    last_working_day,
    next_working_day,
    working_days,
)

DAYS = st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31))
COUNTRIES = st.sampled_from([None, "DE", "US", "LV", "GB"])


@given(day=DAYS, country=COUNTRIES)
def test_nearest_working_days_are_working_and_nearest(day: dt.date, country: str | None) -> None:
    """on_or_before/on_or_after return a working day with no working day in between."""
    calendar = working_days(country)
    before, after = calendar.on_or_before(day), calendar.on_or_after(day)
    assert before <= day <= after
    assert calendar.is_working_day(before)
    assert calendar.is_working_day(after)
    gap = [before + dt.timedelta(days=n) for n in range(1, (after - before).days)]
    assert not any(calendar.is_working_day(d) for d in gap)
    assert (before == day) == (after == day) == calendar.is_working_day(day)


@given(day=DAYS)
def test_without_a_country_only_weekends_are_off(day: dt.date) -> None:
    """No country: every weekday works, no day is a holiday."""
    calendar = working_days()
    assert calendar.is_working_day(day) == (day.weekday() < 5)
    assert calendar.holiday(day) is None


def test_public_holidays_of_the_chosen_country() -> None:
    """Christmas and new year are off in Latvia, 24 and 31 December included."""
    latvia = working_days("lv")
    for day in (dt.date(2026, 12, 24), dt.date(2026, 12, 25), dt.date(2026, 12, 31)):
        assert not latvia.is_working_day(day)
    assert next_working_day(dt.date(2026, 12, 31), country="LV") == dt.date(2027, 1, 4)
    assert last_working_day(dt.date(2026, 12, 27), country="LV") == dt.date(2026, 12, 23)
    assert last_working_day(dt.date(2026, 12, 27)) == dt.date(2026, 12, 25)
    named = latvia.holidays_between(dt.date(2026, 12, 20), dt.date(2027, 1, 2))
    assert [d for d, _ in named] == [
        dt.date(2026, 12, 24),
        dt.date(2026, 12, 25),
        dt.date(2026, 12, 26),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    ]


def test_a_subdivision_adds_its_own_holidays() -> None:
    """Epiphany (6 January) is a holiday in Bavaria, not in Germany as a whole."""
    epiphany = dt.date(2027, 1, 6)
    assert working_days("DE").is_working_day(epiphany)
    assert not working_days("DE", "by").is_working_day(epiphany)


def test_the_end_of_the_calendar_is_a_clear_error() -> None:
    """Walking past the last date there is is refused, not an OverflowError."""
    days = WorkingDays("LV")
    days._years[9999] = {dt.date.max: "the last day"}  # no real table reaches the year 9999
    with pytest.raises(InvalidArgument, match="no working day near 9999-12-31"):
        days.on_or_after(dt.date.max)
    assert WorkingDays().holidays_between(dt.date.max, dt.date.max) == ()


def test_holidays_without_the_package_say_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A country without the holidays package installed raises a clear error."""
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(BackendUnavailable, match=r"gapdiag\[calendar\]"):
        working_days("DE")
    assert working_days().is_working_day(dt.date(2026, 12, 25))
