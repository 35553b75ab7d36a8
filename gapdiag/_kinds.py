"""Kinds of metric value (fraction, rating, count, ...) with their ranges and checks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, Strict
from pydantic_core import PydanticCustomError


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

    def contains(self, value: float) -> bool:
        """Tell whether a finite number lies in this kind's valid range."""
        if self.low is not None and value < self.low:
            return False
        return self.high is None or value <= self.high

    def check(self, value: float | None) -> float | None:
        """Validate one value (pydantic after-validator); None means unknown and passes."""
        if value is None:
            return None
        if math.isnan(value) or math.isinf(value) or not self.contains(value):
            raise PydanticCustomError(
                "gapdiag_range",
                "{value} is not {expected}{hint}",
                {"value": _show(value), "expected": self.expectation, "hint": self._hint(value)},
            )
        return value

    def _hint(self, value: float) -> str:
        # A fraction given as a percentage (25 for 25%) is the commonest input mistake.
        # Below 2 the value is more likely a fraction over 100% (1.3) than a percentage.
        if self.name == "fraction" and 2 <= value <= 100:
            return f" (did you mean {value / 100:g}?)"
        return ""


def _show(value: float) -> str:
    return "NaN" if math.isnan(value) else f"{value:g}"


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


Fraction = Annotated[float | None, Strict(), AfterValidator(FRACTION.check), FRACTION]
Rating = Annotated[float | None, Strict(), AfterValidator(RATING.check), RATING]
Commitment = Annotated[float | None, Strict(), AfterValidator(COMMITMENT.check), COMMITMENT]
Count = Annotated[float | None, Strict(), AfterValidator(COUNT.check), COUNT]
Ratio = Annotated[float | None, Strict(), AfterValidator(RATIO.check), RATIO]
Money = Annotated[float | None, Strict(), AfterValidator(MONEY.check), MONEY]
Days = Annotated[float | None, Strict(), AfterValidator(DAYS.check), DAYS]
Months = Annotated[float | None, Strict(), AfterValidator(MONTHS.check), MONTHS]
Minutes = Annotated[float | None, Strict(), AfterValidator(MINUTES.check), MINUTES]
Seconds = Annotated[float | None, Strict(), AfterValidator(SECONDS.check), SECONDS]
WeeklyHours = Annotated[float | None, Strict(), AfterValidator(WEEKLY_HOURS.check), WEEKLY_HOURS]
Flag = Annotated[bool | None, Strict(), BOOL]


def kind_of(metadata: list[Any]) -> Kind | None:
    """Find the Kind recorded in a pydantic field's metadata."""
    return next((m for m in metadata if isinstance(m, Kind)), None)
