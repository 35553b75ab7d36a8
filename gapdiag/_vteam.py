"""Team means and medians computed from a population, for the ``team.*`` names a pack reads."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._population import Population
from ._vector import Floats
from .metrics import METRICS
from .team import STATS, TeamStats

Codes = npt.NDArray[np.int64]


def group_codes(population: Population, team_by: str | None) -> Codes:
    """Each rep's team as a number; -1 where the rep has no team (its team values are unknown).

    ``team_by=None`` makes the whole population one team.
    """
    if team_by is None:
        return np.zeros(population.size, dtype=np.int64)
    if population.groups is None:
        return np.full(population.size, -1, dtype=np.int64)
    codes, _ = pd.factorize(population.groups, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def team_columns(population: Population, codes: Codes, names: list[str]) -> dict[str, Floats]:
    """Each ``team.<stat>.<metric>`` name as a column: the value of the rep's own team.

    Only valid reps count; absent values are skipped; a team with no value for a metric
    leaves it unknown. Means are kept within the metric's range, so rounding can never
    make a team average of fractions read as 1.0000000000000002.
    """
    out: dict[str, Floats] = {}
    has_team = codes >= 0
    for stat in STATS:
        paths = [n.removeprefix(f"team.{stat}.") for n in names if n.startswith(f"team.{stat}.")]
        if not paths:
            continue
        table = pd.DataFrame({p: population.number(p) for p in paths})[has_team]
        grouped = table.groupby(codes[has_team]).agg(stat)
        for path in paths:
            per_team = grouped[path].reindex(range(int(codes.max(initial=-1)) + 1)).to_numpy()
            kind = METRICS[path]
            per_team = np.clip(per_team, kind.low, kind.high)
            column = np.full(population.size, np.nan)
            column[has_team] = per_team[codes[has_team]]
            out[f"team.{stat}.{path}"] = column
    return out


def stats_of(columns: dict[str, Floats], index: int) -> TeamStats | None:
    """One rep's team values as the TeamStats `diagnose(..., team=...)` takes."""
    if not columns:
        return None
    values: dict[str, dict[str, float]] = {stat: {} for stat in STATS}
    for name, column in columns.items():
        _, stat, path = name.split(".", 2)
        value = float(column[index])
        if not np.isnan(value):
            values[stat][path] = value
    return TeamStats.model_validate(values)
