"""Calendar periods and the grid of periods an export is cut into (one, or one per week).

A period is read from the labels people use (``2017-Q2``, ``2017-W14``, ``2017-05``,
``2017``). A ``Grid`` is a run of back-to-back periods; every date maps to the index of the
period holding it, ``-1`` before the first and ``len(grid)`` after the last, so a deal's
created and closed dates become bucket numbers and per-period figures become sums.

A weekly grid cuts the period into its ISO weeks, the first and last cut at the period's
edges (a quarter starting on a Saturday begins with a two-day week), and keeps the whole
period as ``to_date``: a weekly history row holds the period's figures so far.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from gapdiag.model.errors import InvalidArgument

EPOCH = dt.date(1970, 1, 1)
Every = Literal["period", "week"]
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""The years a period may fall in: sales records from before or after are typing slips."""


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: first and last day (inclusive) and its label."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def working_days(self) -> int:
        """Monday-to-Friday days in the period."""
        return self.working_days_until(self.end)

    def working_days_until(self, last: dt.date) -> int:
        """Monday-to-Friday days from the period's first day to `last` (or its end, if sooner)."""
        days = (min(last, self.end) - self.start).days + 1
        return sum(1 for d in range(max(days, 0)) if (self.start + dt.timedelta(d)).weekday() < 5)


def parse_period(text: str) -> Period:
    """Read '2017-Q2', '2017-W14' (ISO week), '2017-05' or '2017' as a Period.

    Quota sheets' spellings are read too and labelled the canonical way: 'Q2 2017',
    '2017 Q2', 'q2-2017', 'May 2017', 'May-17', '2017/05', '05/2017', '2017-5'.

    Raises:
        InvalidArgument: any other text, or a year outside `FIRST_YEAR` to `LAST_YEAR`.
    """
    text = _canonical(text.strip())
    first = re.match(r"\d{4}(?!\d)", text)
    if first and not FIRST_YEAR <= int(first[0]) <= LAST_YEAR:
        raise InvalidArgument(
            f"period: {text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR} "
            "(expected a period such as 2017-Q2)"
        )
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(text, start, _month_end(year, 3 * quarter))
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
        try:
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise InvalidArgument(f"period: {text!r} names no ISO week") from None
        return Period(text, start, start + dt.timedelta(6))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(m[2]) <= 12:
        return Period(text, dt.date(int(m[1]), int(m[2]), 1), _month_end(int(m[1]), int(m[2])))
    if re.fullmatch(r"\d{4}", text):
        return Period(text, dt.date(int(text), 1, 1), dt.date(int(text), 12, 31))
    raise InvalidArgument(
        f"period: {text!r} is not a period (expected 2017-Q2, 2017-W14, 2017-05 or 2017)"
    )


_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        dt.date(2000, number, 1).strftime("%b").lower(),
        dt.date(2000, number, 1).strftime("%B").lower(),
    )
}
_SEP = r"[\s\-/_.']*"


def _canonical(text: str) -> str:
    """'Q2 2017' -> '2017-Q2', 'May-17' -> '2017-05'; anything else unchanged."""
    low = text.lower()
    if m := re.fullmatch(rf"q([1-4]){_SEP}(\d{{4}})", low):
        return f"{m[2]}-Q{m[1]}"
    if m := re.fullmatch(rf"(\d{{4}}){_SEP}q([1-4])", low):
        return f"{m[1]}-Q{m[2]}"
    if (m := re.fullmatch(rf"([a-z]+){_SEP}(\d{{4}}|\d{{2}})", low)) and m[1] in _MONTHS:
        year = m[2] if len(m[2]) == 4 else f"20{m[2]}"
        return f"{year}-{_MONTHS[m[1]]:02d}"
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})", low):
        return f"{m[1]}-{int(m[2]):02d}"
    if m := re.fullmatch(r"(\d{1,2})[-/](\d{4})", low):
        return f"{m[2]}-{int(m[1]):02d}"
    return text


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(1)


def day_number(day: dt.date) -> int:
    """Days since 1970-01-01 (the unit dates are aggregated in)."""
    return (day - EPOCH).days


@dataclass(frozen=True, slots=True)
class Grid:
    """Back-to-back periods, oldest first."""

    periods: tuple[Period, ...]
    to_date: Period | None = None
    """For a weekly grid, the whole period: money and deal figures run from its start."""

    def __len__(self) -> int:
        return len(self.periods)

    @property
    def starts(self) -> tuple[int, ...]:
        """First day of each period as a day number."""
        return tuple(day_number(p.start) for p in self.periods)

    @property
    def ends(self) -> tuple[int, ...]:
        """Last day of each period as a day number."""
        return tuple(day_number(p.end) for p in self.periods)


def grid(period: Period, every: Every = "period") -> Grid:
    """The period itself, or every ISO week of it (Monday to Sunday, cut at its edges)."""
    if every == "period":
        return Grid((period,))
    monday = period.start - dt.timedelta(period.start.weekday())
    weeks = []
    while monday <= period.end:
        year, week, _ = monday.isocalendar()
        first, last = max(monday, period.start), min(monday + dt.timedelta(6), period.end)
        weeks.append(Period(f"{year}-W{week:02d}", first, last))
        monday += dt.timedelta(7)
    return Grid(tuple(weeks), to_date=period)
