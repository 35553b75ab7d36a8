"""Team means and medians computed from a population, for the ``team.*`` names a pack reads."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapdiag.engines.vector._columns import Floats, Mask
from gapdiag.engines.vector._population import Population
from gapdiag.model.metrics import METRICS
from gapdiag.model.team import STATS, TeamStats

Codes = npt.NDArray[np.int64]


def group_codes(population: Population, team_by: str | None) -> Codes:
    """Each rep's team as a number; -1 where the rep has no team (its team values are unknown).

    ``team_by=None``, or the default ``team`` column where the population has none, makes the
    whole population one team: every command that reads the same rows groups them alike.
    """
    if team_by is None or population.groups is None:
        return np.zeros(population.size, dtype=np.int64)
    codes, _ = pd.factorize(population.groups, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def team_columns(population: Population, codes: Codes, names: list[str]) -> dict[str, Floats]:
    """Each ``team.<stat>.<metric>`` name as a column: the value of the rep's own team.

    Only valid reps count; absent values are skipped; a team with no value for a metric
    leaves it unknown (see `per_team`).
    """
    has_team = codes >= 0
    teams = int(codes.max(initial=-1)) + 1
    out: dict[str, Floats] = {}
    for name, per in per_team(population.number, codes[has_team], has_team, teams, names).items():
        column = np.full(population.size, np.nan)
        column[has_team] = per[codes[has_team]]
        out[name] = column
    return out


def per_team(
    number: Callable[[str], Floats], codes: Codes, rows: Mask, teams: int, names: list[str]
) -> dict[str, Floats]:
    """Each ``team.<stat>.<metric>`` name's value for teams ``0 .. teams-1`` (NaN: no value).

    `number` reads a metric column, `rows` picks the reps that belong to a team and
    `codes` gives their teams. Within each team the values are taken in ascending order,
    so a mean does not depend on the order of the rows: Spark, which has no row order,
    computes the same bits from the same reps. Means are kept within the metric's range,
    so rounding can never make a team average of fractions read as 1.0000000000000002.
    """
    out: dict[str, Floats] = {}
    groups = _partition(codes, teams) if teams <= _LOOPED_TEAMS else None
    for name in names:
        _, stat, path = name.split(".", 2)
        values = number(path)[rows]
        if stat == "median" and groups is not None:
            per = _medians(values, groups)
        else:
            order = np.argsort(values, kind="stable")
            grouped = pd.Series(values[order]).groupby(codes[order]).agg(stat)
            per = grouped.reindex(range(teams)).to_numpy(dtype=np.float64)
        kind = METRICS[path]
        out[name] = np.clip(per, kind.low, kind.high)
    return out


_LOOPED_TEAMS = 4096
"""Up to this many teams, medians are taken team by team over one partition of the reps."""


def _partition(codes: Codes, teams: int) -> list[npt.NDArray[np.intp]]:
    """Each team's reps (positions into `codes`): one stable sort by team for every metric."""
    if teams == 0:
        return []
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=teams))
    return np.split(order, ends[:-1])


def _medians(values: Floats, groups: list[npt.NDArray[np.intp]]) -> Floats:
    """Each team's median of its known values (NaN: none), as pandas' groupby median gives.

    A median does not depend on the order of the values, so no sort by value is needed:
    numpy selects the middle one (or two, averaged as pandas does) per team.
    """
    per = np.full(len(groups), np.nan)
    for team, members in enumerate(groups):
        known = values[members]
        known = known[~np.isnan(known)]
        if len(known):
            per[team] = np.median(known)
    return per


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


def stats_all(columns: dict[str, Floats], size: int) -> list[TeamStats | None]:
    """`stats_of` for every index below `size`, each column read in one pass."""
    if not columns:
        return [None] * size
    read = [(*name.split(".", 2)[1:], column.tolist()) for name, column in columns.items()]
    out: list[TeamStats | None] = []
    # Reps of one team share its values: one (immutable) TeamStats serves them all.
    made: dict[tuple[float | None, ...], TeamStats] = {}
    for index in range(size):
        key = tuple([v if (v := floats[index]) == v else None for _, _, floats in read])
        found = made.get(key)  # None for NaN (no value): NaN never equals itself
        if found is None:
            values: dict[str, dict[str, float]] = {stat: {} for stat in STATS}
            for (stat, path, _), value in zip(read, key, strict=True):
                if value is not None:
                    values[stat][path] = value
            found = made[key] = TeamStats.model_validate(values)
        out.append(found)
    return out
