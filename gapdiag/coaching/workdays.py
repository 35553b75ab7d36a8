"""Working days: weekdays that are not public holidays in a chosen country.

A coaching calendar people keep books nothing on a weekend or a public holiday, and
a goal falls due on a day someone is at work. Without a country only weekends are
skipped; with one (an ISO 3166 code such as ``"DE"``, optionally a subdivision such as
``"BY"``), public holidays come from the ``holidays`` package (``gapdiag[calendar]``),
imported only when a country is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gapdiag.model._result import Worded
from gapdiag.model.errors import BackendUnavailable, InvalidArgument
from gapdiag.model.metrics import _Strict
from gapdiag.model.wording import long_day

WEEKEND = frozenset({5, 6})
"""Saturday and Sunday (``date.weekday()`` numbers)."""
_DAY = dt.timedelta(days=1)


class Holiday(Worded, _Strict):
    """A public holiday: no session is booked on it and no goal falls due on it."""

    date: dt.date
    name: str

    def _words(self) -> str:
        return f"{long_day(self.date)}: {self.name}"


@dataclass(frozen=True, slots=True)
class WorkingDays:
    """Which days are working days: no weekend, and no public holiday of `country`."""

    country: str | None = None
    subdivision: str | None = None
    _years: dict[int, Mapping[dt.date, str]] = field(
        default_factory=dict, repr=False, compare=False
    )  # holidays by year, looked up once each (the only state; never changes an answer)

    def holiday(self, day: dt.date) -> str | None:
        """The public holiday's name on `day`, or None."""
        if self.country is None:
            return None
        table = self._years.get(day.year)
        if table is None:
            table = _country_table(self.country, self.subdivision, day.year)
            self._years[day.year] = table
        return table.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is a weekday that is not a public holiday."""
        return day.weekday() not in WEEKEND and self.holiday(day) is None

    def on_or_before(self, day: dt.date) -> dt.date:
        """The last working day on or before `day`."""
        return _walk(self, day, -_DAY)

    def on_or_after(self, day: dt.date) -> dt.date:
        """The first working day on or after `day`."""
        return _walk(self, day, _DAY)

    def holidays_between(self, first: dt.date, last: dt.date) -> tuple[tuple[dt.date, str], ...]:
        """Every public holiday from `first` to `last` (both included), with its name."""
        return tuple(
            (day, name) for day in _days(first, last) if (name := self.holiday(day)) is not None
        )


def working_days(country: str | None = None, subdivision: str | None = None) -> WorkingDays:
    """Working days for a country (ISO code, e.g. "DE"; None skips weekends only).

    Raises:
        InvalidArgument: an unknown country or subdivision, or a subdivision without one.
        BackendUnavailable: a country was given and the holidays package is not installed.
    """
    if country is None:
        if subdivision is not None:
            raise InvalidArgument(f"subdivision: {subdivision!r} needs a country as well")
        return WorkingDays()
    chosen = WorkingDays(country.upper(), subdivision.upper() if subdivision else None)
    chosen.holiday(dt.date(2000, 1, 1))  # an unknown country or subdivision fails here, once
    return chosen


def next_working_day(day: dt.date, *, country: str | None = None) -> dt.date:
    """The first working day on or after `day` (weekends and `country`'s holidays skipped)."""
    return working_days(country).on_or_after(day)


def last_working_day(day: dt.date, *, country: str | None = None) -> dt.date:
    """The last working day on or before `day` (weekends and `country`'s holidays skipped)."""
    return working_days(country).on_or_before(day)


_ENGLISH = "en_US"


def _country_table(country: str, subdivision: str | None, year: int) -> dict[dt.date, str]:
    try:
        import holidays
    except ImportError:
        message = (
            "public holidays need the holidays package: pip install 'gapdiag[calendar]' "
            "(or leave the country out to skip weekends only)"
        )
        raise BackendUnavailable(message) from None
    try:
        # Names in English wherever the package has them: the default language is the
        # country's own, and which one the package picks has differed between Pythons.
        table = holidays.country_holidays(
            country, subdiv=subdivision, years=year, language=_ENGLISH
        )
    except NotImplementedError as error:
        where = "subdivision" if subdivision and str(error).startswith("Entity") else "country"
        value = subdivision if where == "subdivision" else country
        raise InvalidArgument(
            f"{where}: {value!r} is not known to the holidays package "
            f"(expected an ISO 3166 code such as 'DE', 'US' or 'GB')"
        ) from None
    return {day: str(name) for day, name in table.items()}


def _walk(calendar: WorkingDays, day: dt.date, step: dt.timedelta) -> dt.date:
    try:
        while not calendar.is_working_day(day):
            day += step
    except OverflowError:
        raise InvalidArgument(f"date: no working day near {day} within the calendar") from None
    return day


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        if day == dt.date.max:
            return
        day += _DAY
