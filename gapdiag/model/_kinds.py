"""Kinds of metric value (fraction, rating, count, ...) with their ranges and checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field


@dataclass(frozen=True, slots=True)
class Kind:
    """What a metric's number means: its unit, its valid range, and how to show it."""

    name: str
    unit: str
    low: float | None = 0.0
    high: float | None = None
    is_bool: bool = False

    @property
    def expectation(self) -> str:
        """Describe the valid values in words, for error messages."""
        if self.is_bool:
            return "true or false"
        if self.name == "fraction":
            return "a fraction in [0, 1]"
        if self.low is not None and self.high is not None:
            return f"a {self.unit} from {self.low:g} to {self.high:g}"
        return f"a finite number >= {self.low:g} ({self.unit})"

    def problem(self, value: object) -> str:
        """Say why `value` is not a valid value of this kind, with a hint where one helps."""
        hint = ""
        # A fraction given as a percentage (25 for 25%) is the commonest input mistake.
        # Below 2 the value is more likely a fraction over 100% (1.3) than a percentage.
        if self.name == "fraction" and isinstance(value, int | float) and 2 <= value <= 100:
            hint = f" (did you mean {value / 100:g}?)"
        return f"{_show(value)} is not {self.expectation}{hint}"

    def constraints(self) -> Any:
        """The native pydantic constraints that enforce this kind's range (fast, in Rust)."""
        return Field(strict=True, ge=self.low, le=self.high, allow_inf_nan=False)


def _show(value: object) -> str:
    if isinstance(value, float):
        return "NaN" if math.isnan(value) else f"{value:g}"
    return repr(value)


FRACTION = Kind("fraction", "fraction", 0.0, 1.0)
RATING = Kind("rating", "rating", 1.0, 5.0)
COMMITMENT = Kind("commitment", "commitment score", 1.0, 10.0)
COUNT = Kind("count", "count")
RATIO = Kind("ratio", "ratio to the team average")
MONEY = Kind("money", "amount of money")
DAYS = Kind("days", "number of days")
MONTHS = Kind("months", "number of months")
MINUTES = Kind("minutes", "number of minutes")
SECONDS = Kind("seconds", "number of seconds")
WEEKLY_HOURS = Kind("weekly_hours", "hours per week", 0.0, 168.0)
BOOL = Kind("bool", "flag", None, None, is_bool=True)


Fraction = Annotated[float | None, FRACTION.constraints(), FRACTION]
Rating = Annotated[float | None, RATING.constraints(), RATING]
Commitment = Annotated[float | None, COMMITMENT.constraints(), COMMITMENT]
Count = Annotated[float | None, COUNT.constraints(), COUNT]
Ratio = Annotated[float | None, RATIO.constraints(), RATIO]
Money = Annotated[float | None, MONEY.constraints(), MONEY]
Days = Annotated[float | None, DAYS.constraints(), DAYS]
Months = Annotated[float | None, MONTHS.constraints(), MONTHS]
Minutes = Annotated[float | None, MINUTES.constraints(), MINUTES]
Seconds = Annotated[float | None, SECONDS.constraints(), SECONDS]
WeeklyHours = Annotated[float | None, WEEKLY_HOURS.constraints(), WEEKLY_HOURS]
Flag = Annotated[bool | None, Field(strict=True), BOOL]


def kind_of(metadata: list[Any]) -> Kind | None:
    """Find the Kind recorded in a pydantic field's metadata."""
    return next((m for m in metadata if isinstance(m, Kind)), None)
