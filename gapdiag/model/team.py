"""Team-relative values: ``team.mean.<metric>`` and ``team.median.<metric>`` in conditions.

In a batch (``diagnose_many``) they are computed per team from the population itself;
for one rep (``diagnose(..., team=...)``) the caller supplies them as a `TeamStats`.
A rule that reads a team value nobody supplied is unknown, like any absent metric.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import Field, StrictFloat, field_validator

from gapdiag.model import _kinds as k
from gapdiag.model._result import Worded
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidMetrics, Problem
from gapdiag.model.metrics import METRICS, _Strict

STATS = ("mean", "median")
"""The team statistics a condition may read."""

NUMERIC = {path: kind for path, kind in METRICS.items() if not kind.is_bool}

TEAM_NAMES: Mapping[str, k.Kind] = {
    f"team.{stat}.{path}": kind for stat in STATS for path, kind in NUMERIC.items()
}
"""Every team name a condition may read, with the kind of its metric."""


class TeamStats(Worded, _Strict):
    """A team's mean and median of each numeric metric, keyed by metric path."""

    mean: dict[str, StrictFloat] = Field(
        default_factory=dict, description="Team average per metric path."
    )
    median: dict[str, StrictFloat] = Field(
        default_factory=dict, description="Team median per metric path."
    )

    @field_validator("mean", "median")
    @classmethod
    def _known_and_in_range(cls, values: dict[str, float]) -> dict[str, float]:
        problems = [p for path, value in values.items() if (p := _problem(path, value))]
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def facts(self) -> dict[str, float]:
        """These values as ``team.<stat>.<metric>`` facts."""
        return {
            f"team.{stat}.{path}": float(value)
            for stat in STATS
            for path, value in getattr(self, stat).items()
        }

    def _words(self) -> str:
        return f"team figures: mean and median of {len(self.mean)} metrics"


def _problem(path: str, value: float) -> str | None:
    kind = NUMERIC.get(path)
    if kind is None:
        return f"{path!r} is not a numeric metric{did_you_mean(path, NUMERIC)}"
    low = kind.low if kind.low is not None else -math.inf
    high = kind.high if kind.high is not None else math.inf
    if math.isfinite(value) and low <= value <= high:
        return None
    return f"{path}: {kind.problem(value)}"


def parse_team(data: TeamStats | Mapping[str, Any] | None) -> TeamStats | None:
    """Validate team values (a TeamStats or a mapping in its shape); None stays None.

    Raises:
        InvalidMetrics: an unknown metric path or a value outside its metric's range.
    """
    if data is None or isinstance(data, TeamStats):
        return data
    if not isinstance(data, Mapping):
        message = f"expected a mapping with 'mean' and/or 'median', got {type(data).__name__}"
        raise InvalidMetrics([Problem("team", message)])
    return TeamStats.model_validate(data)
