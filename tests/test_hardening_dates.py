"""A date its month does not have says so: 2026-02-31 names February's 28 days.

"'2026-02-31' is not a date (expected YYYY-MM-DD)" read as a format error to a user who
had written the format; the month's length is what was wrong. A day-first date
(31/02/2026) still gets the format it should have been written in.
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import diagnose, diagnose_many
from gapdiag.model._validation import date_problem
from gapdiag.model.errors import InvalidMetrics


@given(year=st.integers(1900, 2100), month=st.integers(1, 12), day=st.integers(1, 40))
def test_every_iso_shaped_day_is_a_date_or_says_how_long_its_month_is(
    year: int, month: int, day: int
) -> None:
    """Whatever the day, a real one is no problem and any other names the month's length."""
    text = f"{year:04d}-{month:02d}-{day:02d}"
    problem = date_problem(text)
    last = calendar.monthrange(year, month)[1]
    if day <= last:
        assert problem is None
        assert dt.date.fromisoformat(text)
    else:
        name = dt.date(year, month, 1).strftime("%B")
        assert problem == f"{text!r} is not a date: {name} {year} has {last} days"


def test_a_month_past_twelve_and_a_day_first_date_say_what_was_expected() -> None:
    """No month 13; 31/02/2026 is a format problem, answered with the format."""
    assert date_problem("2026-13-01") == "'2026-13-01' is not a date: there is no month 13"
    assert date_problem("31/02/2026") == "'31/02/2026' is not a date (expected YYYY-MM-DD)"


def test_one_rep_and_a_population_give_the_same_words() -> None:
    """diagnose and diagnose_many say the same of 2026-02-29."""
    expected = "'2026-02-29' is not a date: February 2026 has 28 days"
    with pytest.raises(InvalidMetrics, match=expected):
        diagnose({"rep_id": "r", "period_end": "2026-02-29"})
    batch = diagnose_many([{"rep_id": "r", "period_end": "2026-02-29"}])
    assert list(batch.errors["reason"]) == [expected]
