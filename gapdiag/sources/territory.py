"""A teams file (rep -> team, manager, region) -> each rep's lead flow and territory size
relative to their team, as proxies from the opportunity export.

- ``territory.lead_volume_vs_team``: opportunities the rep opened in the period / the
  mean over the team's reps that appear in the opportunity export.
- ``territory.territory_size_vs_team``: accounts the rep has had an opportunity on by the
  period's end / the team's mean (needs an account column).

These are proxies: opportunities opened are leads that got that far, not every lead
routed to the rep, and accounts with a deal are not every account in the patch. A rep
who opens few opportunities from plenty of leads looks starved here. Use a lead export or
the territory plan where one exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gapdiag.sources._columnar import Export
from gapdiag.sources._parse import NO_DAY, Keys
from gapdiag.sources._span import covered
from gapdiag.sources.opportunities import Deals
from gapdiag.sources.periods import Grid


@dataclass(slots=True)
class Teams:
    """rep code -> team name (and the rows that named a rep twice)."""

    team_of: dict[int, str] = field(default_factory=dict)


def read_teams(exports: Sequence[Export], owners: Keys) -> Teams:
    """Read teams files; a row without rep or team, or a rep named twice, is skipped."""
    out = Teams()
    first_row: dict[int, str] = {}
    for export in exports:
        _read(export, owners, out, first_row)
    return out


def _read(export: Export, owners: Keys, out: Teams, first_row: dict[int, str]) -> None:
    for first, block in export.blocks():
        reps, teams = block["rep"].to_pylist(), block["team"].to_pylist()
        for i, (rep, team) in enumerate(zip(reps, teams, strict=True)):
            row = first + i
            if not rep or not team:
                column = "rep" if not rep else "team"
                export.bad.add(
                    export.name, column, "is empty; the row names no rep and team", [row], [""]
                )
                export.bad.skipped[export.name] += 1
                continue
            code = owners.code(rep)
            if code in first_row:
                export.bad.add(
                    export.name,
                    "rep",
                    f"is already on a team at {first_row[code]}",
                    [row],
                    [rep],
                )
                export.bad.skipped[export.name] += 1
                continue
            first_row[code] = f"row {row} of {export.name}"
            out.team_of[code] = team


def territory_columns(teams: Teams, deals: Deals, grid: Grid, reps: int) -> dict[str, Any]:
    """Metric path -> (reps x periods) array of ratios to the team mean, NaN where absent."""
    columns = {
        "territory.lead_volume_vs_team": _relative(
            teams, deals, deals.tally.per_period("leads_n", reps), reps
        )
    }
    if deals.has_accounts:
        columns["territory.territory_size_vs_team"] = _relative(
            teams, deals, _accounts(deals, grid, reps), reps
        )
    known = covered(grid, deals.span)[None, :]  # a period the export says nothing of
    return {path: np.where(known, values, np.nan) for path, values in columns.items()}


def _accounts(deals: Deals, grid: Grid, reps: int) -> Any:
    """Distinct accounts each rep has had a deal on by each period's end."""
    out = np.zeros((reps, len(grid)))
    if not deals.accounts:
        return out
    rep, account, created = (np.concatenate(part) for part in zip(*deals.accounts, strict=True))
    keep = account >= 0
    rep, account, created = (
        rep[keep],
        account[keep],
        np.where(created[keep] == NO_DAY, -(2**40), created[keep]),
    )
    order = np.lexsort((created, account, rep))
    rep, account, created = rep[order], account[order], created[order]
    first = np.ones(len(rep), dtype=bool)
    first[1:] = (np.diff(rep) != 0) | (np.diff(account) != 0)
    ends = np.asarray(grid.ends)
    by_end = created[first][:, None] <= ends[None, :]
    np.add.at(out, rep[first], by_end.astype(float))
    return out


def _relative(teams: Teams, deals: Deals, values: Any, reps: int) -> Any:
    out = np.full(values.shape, np.nan)
    members: dict[str, list[int]] = {}
    for rep, team in teams.team_of.items():
        if rep in deals.reps:
            members.setdefault(team, []).append(rep)
    for group in members.values():
        mean = values[group].mean(axis=0)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[group] = np.where(mean > 0, values[group] / np.where(mean > 0, mean, 1), np.nan)
    del reps
    return out
