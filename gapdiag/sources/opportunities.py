"""Opportunity exports -> pipeline figures per rep and period, as of each period's end.

A deal is **open at a period's end** when it was created by then (or its created date is
unknown) and not won or lost by then; **won** and **lost** deals count in the period
their close date falls in; a deal is **in play** in a period when it was open at some
point of it: created by its end and not closed before its first day (a deal closed on
the first day was open at the start, so it is in play). Each deal adds to difference
arrays over the grid, so one pass gives every period.

A deal missing a field only some figures need still counts for the others: no created
date leaves it out of age and cycle only; an unreadable amount leaves it out of the sums.
A won or lost deal without a readable close date cannot be placed in time and is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gapdiag.sources._arrow import arrow
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._columnar import Export
from gapdiag.sources._parse import NO_DAY, Keys, amounts, days, member, present
from gapdiag.sources._tally import Tally, columns_of
from gapdiag.sources.crm import OpportunityColumns
from gapdiag.sources.periods import Grid


@dataclass(slots=True)
class Deals:
    """What the opportunity export left behind: tallies, reps seen, deal keys for joins."""

    tally: Tally
    reps: set[int] = field(default_factory=set)
    accounts: list[tuple[Any, Any, Any]] = field(default_factory=list)
    unknown_stages: dict[str, tuple[int, int]] = field(default_factory=dict)
    has_accounts: bool = False


def read_deals(
    export: Export, columns: OpportunityColumns, grid: Grid, owners: Keys, accounts: Keys
) -> Deals:
    """Tally every block of an opportunity export (see the module docstring)."""
    deals = Deals(Tally.over(grid), has_accounts="account" in export.present)
    for first, block in export.blocks():
        _block(deals, export.name, export.bad, first, block, columns, grid, owners, accounts)
    return deals


def _block(
    deals: Deals,
    name: str,
    bad: BadRows,
    first: int,
    block: dict[str, Any],
    columns: OpportunityColumns,
    grid: Grid,
    owners: Keys,
    accounts: Keys,
) -> None:
    _, _, _, np = arrow()
    rows = np.arange(first, first + len(block["owner"]))
    rep = owners.codes(block["owner"])
    won, lost = member(block["stage"], columns.won), member(block["stage"], columns.lost)
    has_stage = present(block["stage"])
    is_open = has_stage & ~won & ~lost
    if columns.open is not None:
        known = member(block["stage"], columns.open)
        _note_unknown(deals, block["stage"], is_open & ~known, rows)
        is_open &= known
    created, bad_created = days(block["created"], columns.date_formats)
    closed, bad_closed = days(block["closed"], columns.date_formats)
    amount, bad_amount = amounts(block["amount"])
    negative = amount < 0
    amount = np.where(np.isnan(amount) | negative, 0.0, amount)
    decided = won | lost
    no_close = decided & (closed == NO_DAY)
    backwards = decided & ~no_close & (created != NO_DAY) & (closed < created)
    created = np.where(backwards, NO_DAY, created)
    usable = (rep >= 0) & (is_open | decided) & ~no_close
    _report(bad, name, rows, block, rep, has_stage, no_close, bad_closed, bad_created, backwards)
    bad.add(
        name,
        columns.amount,
        "is not an amount",
        rows[bad_amount],
        _cells(block["amount"], bad_amount),
    )
    bad.add(
        name,
        columns.amount,
        "is negative; left out of the sums",
        rows[negative],
        _cells(block["amount"], negative),
    )
    bad.skipped[name] += int((~usable).sum())
    keep = np.flatnonzero(usable)
    rep, won, lost, is_open = rep[keep], won[keep], lost[keep], is_open[keep]
    created, closed, amount = created[keep], closed[keep], amount[keep]
    deals.reps.update(np.unique(rep).tolist())
    _tally(deals.tally, rep, won, lost, is_open, created, closed, amount, grid)
    if deals.has_accounts:
        account = accounts.codes(block["account"])[keep]
        deals.accounts.append((rep, account, created))


def _tally(
    tally: Tally,
    rep: Any,
    won: Any,
    lost: Any,
    is_open: Any,
    created: Any,
    closed: Any,
    amount: Any,
    grid: Grid,
) -> None:
    _, _, _, np = arrow()
    known = created != NO_DAY
    start = np.where(known, columns_of(created, grid), 0)
    end = np.where(is_open, tally.width - 2, columns_of(closed, grid))
    for mask, name in ((won, "won"), (lost, "lost")):
        tally.add(f"{name}_n", rep[mask], end[mask])
    tally.add("won_amount", rep[won], end[won], amount[won])
    cycle = won & known
    tally.add("cycle_n", rep[cycle], end[cycle])
    tally.add(
        "cycle_days", rep[cycle], end[cycle], np.maximum(closed - created, 0)[cycle].astype(float)
    )
    # open at the end of period b: start <= b < end (difference array)
    tally.add(
        "open_n",
        np.concatenate([rep, rep]),
        np.concatenate([start, end]),
        np.concatenate([np.ones(len(rep)), -np.ones(len(rep))]),
    )
    signed = np.concatenate([amount, -amount])
    tally.add("open_amount", np.concatenate([rep, rep]), np.concatenate([start, end]), signed)
    aged = np.concatenate([rep[known], rep[known]])
    aged_at = np.concatenate([start[known], end[known]])
    tally.add(
        "age_n",
        aged,
        aged_at,
        np.concatenate([np.ones(int(known.sum())), -np.ones(int(known.sum()))]),
    )
    day = created[known].astype(float)
    tally.add("age_created", aged, aged_at, np.concatenate([day, -day]))
    # in play in period b: start <= b <= end
    tally.add(
        "play_n",
        np.concatenate([rep, rep]),
        np.concatenate([start, end + 1]),
        np.concatenate([np.ones(len(rep)), -np.ones(len(rep))]),
    )
    new = known & (start >= 1) & (start <= len(grid))
    tally.add("leads_n", rep[new], start[new])


def _cells(text: Any, mask: Any) -> Any:
    _, pc, _, _ = arrow()
    return pc.filter(text, mask).to_pylist()


def _report(
    bad: BadRows,
    name: str,
    rows: Any,
    block: dict[str, Any],
    rep: Any,
    has_stage: Any,
    no_close: Any,
    bad_closed: Any,
    bad_created: Any,
    backwards: Any,
) -> None:
    _, _, _, np = arrow()
    no_owner = rep < 0
    bad.add(
        name,
        "owner",
        "is empty; the deal has no rep",
        rows[no_owner],
        _cells(block["owner"], no_owner),
    )
    no_stage = ~has_stage & ~no_owner
    bad.add(
        name,
        "stage",
        "is empty; the deal is neither open nor closed",
        rows[no_stage],
        [""] * int(no_stage.sum()),
    )
    unreadable = no_close & bad_closed
    empty = no_close & ~bad_closed
    bad.add(
        name,
        "closed",
        "is not a date; a won or lost deal needs its close date",
        rows[unreadable],
        _cells(block["closed"], unreadable),
    )
    bad.add(
        name,
        "closed",
        "is empty; a won or lost deal needs its close date",
        rows[empty],
        [""] * int(empty.sum()),
    )
    created_bad = bad_created & ~backwards
    bad.add(
        name,
        "created",
        "is not a date; left out of age and cycle",
        rows[created_bad],
        _cells(block["created"], created_bad),
    )
    bad.add(
        name,
        "created",
        "is after the close date; left out of age and cycle",
        rows[backwards],
        _cells(block["created"], backwards),
    )
    del np


def _note_unknown(deals: Deals, stage: Any, unknown: Any, rows: Any) -> None:
    _, pc, _, _ = arrow()
    if not unknown.any():
        return
    values = pc.filter(stage, unknown).to_pylist()
    where = rows[unknown]
    for value, row in zip(values, where.tolist(), strict=True):
        count, first = deals.unknown_stages.get(value, (0, row))
        deals.unknown_stages[value] = (count + 1, min(first, row))


def pipeline_columns(deals: Deals, grid: Grid, reps: int) -> dict[str, Any]:
    """Metric path -> (reps x periods) array, NaN where absent (call after reading)."""
    _, _, _, np = arrow()
    t = deals.tally
    get = {
        name: t.per_period(name, reps)
        for name in ("won_n", "lost_n", "won_amount", "cycle_n", "cycle_days", "leads_n")
    }
    run = {
        name: t.per_period(name, reps, running=True)
        for name in ("open_n", "open_amount", "age_n", "age_created", "play_n")
    }
    ends = np.asarray(grid.ends, dtype=float)
    seen = np.zeros(reps, dtype=bool)
    seen[list(deals.reps)] = True
    won, lost = get["won_n"], get["lost_n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = {
            "pipeline.closed_won": np.round(get["won_amount"], 2),
            "pipeline.open_pipeline": np.maximum(np.round(run["open_amount"], 2), 0.0),
            "pipeline.win_rate": _where(won + lost > 0, won / (won + lost)),
            "pipeline.avg_deal_age_days": _where(
                run["age_n"] > 0, (run["age_n"] * ends - run["age_created"]) / run["age_n"]
            ),
            "pipeline.sales_cycle_days": _where(
                get["cycle_n"] > 0, get["cycle_days"] / get["cycle_n"]
            ),
            "pipeline.stage_conversion_rate": _where(run["play_n"] > 0, won / run["play_n"]),
        }
    return {path: np.where(seen[:, None], values, np.nan) for path, values in columns.items()}


def _where(known: Any, values: Any) -> Any:
    _, _, _, np = arrow()
    return np.where(known, values, np.nan)
