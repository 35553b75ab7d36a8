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

A period outside the dates the export runs over (from the first day a deal in it was
created or closed to the last) gets no pipeline figures: the export says nothing of it.

On a weekly grid (``Grid.to_date``) the figures are the period's so far at each week's
end: closed-won, win rate, cycle and stage conversion count every deal closed (or in
play) from the period's first day to the week's last; open pipeline and deal age are
what is open at the week's end, as on any grid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gapdiag.sources._columnar import AsText, Export
from gapdiag.sources._deleted import left_out, undeleted
from gapdiag.sources._money import other_currency, plain_only
from gapdiag.sources._open import LISTED
from gapdiag.sources._parse import (
    NO_DAY,
    Distinct,
    Keys,
    amounts,
    date_reason,
    days,
    flags,
    member,
    present,
)
from gapdiag.sources._span import Span, covered, widen
from gapdiag.sources._tally import Tally, columns_of
from gapdiag.sources.crm import FLAG_FORMS, OpportunityColumns, flag_forms_text, folded
from gapdiag.sources.periods import Grid, day_number


@dataclass(slots=True)
class Deals:
    """What the opportunity export left behind: tallies, reps seen, deal keys for joins."""

    tally: Tally
    reps: set[int] = field(default_factory=set)
    accounts: list[tuple[Any, Any, Any]] = field(default_factory=list)
    unknown_stages: dict[str, tuple[int, str, int]] = field(default_factory=dict)
    """Stage value -> (rows, first file, first row) for values the mapping does not know."""
    closed_looking: dict[str, dict[str, int]] = field(default_factory=dict)
    """File -> stage value -> rows, for values read as open that say closed, won or lost."""
    has_accounts: bool = False
    span: Span | None = None
    """First and last day any usable deal was created or closed on (None: no dates)."""


def read_deals(
    exports: Sequence[Export],
    columns: OpportunityColumns,
    grid: Grid,
    owners: Keys,
    accounts: Keys | None,
) -> Deals:
    """Tally every block of the opportunity exports (see the module docstring).

    `accounts` numbers the deals' accounts for joining meetings to deals; None when no
    activities are read (the accounts are then not kept).
    """
    has_accounts = accounts is not None and all("account" in e.present for e in exports)
    deals = Deals(Tally.over(grid), has_accounts=has_accounts)
    for export in exports:
        listed = _listed(export)
        for first, cells in export.blocks():
            if listed:  # the first non-empty of each role's columns
                cells = cells | {r: pc.coalesce(*map(cells.get, rs)) for r, rs in listed.items()}
            _block(deals, export, first, cells, columns, grid, (owners, accounts or Keys()))
    return deals


def _listed(export: Export) -> dict[str, list[str]]:
    """Role -> its column roles in order, for roles the mapping gives several columns for
    (a won date and a lost date); problems then name every one of the columns."""
    listed = {}
    for role in LISTED:
        more = sorted((r for r in export.present if r.startswith(f"{role}.")), key=_order)
        if more:
            listed[role] = [role, *more]
            names = [export.present[r] for r in listed[role]]
            export.bad.headers[export.name][role] = " or ".join(names)
    return listed


def _order(role: str) -> int:
    return int(role.rsplit(".", 1)[1])


@dataclass(frozen=True, slots=True)
class _Block:
    """One block's usable deals as arrays: rep code, state masks, day numbers, amount."""

    rep: Any
    won: Any
    lost: Any
    is_open: Any
    created: Any  # NO_DAY when unknown
    closed: Any
    amount: Any  # 0 when empty or unreadable
    priced: Any = None  # the amount was read (None: every one was)


def _block(
    deals: Deals,
    export: Export,
    first: int,
    cells: dict[str, Any],
    columns: OpportunityColumns,
    grid: Grid,
    keys: tuple[Keys, Keys],
) -> None:
    rows = np.arange(first, first + len(cells["owner"]))
    if "deleted_flag" in cells:
        rows, cells = undeleted(export, rows, cells, columns.flag_forms, "deal")
    if columns.deleted is not None:
        gone = member(cells["stage"], columns.deleted)
        why = "says the deal was deleted in the CRM; left out"
        rows, cells = left_out(export, rows, cells, gone, "stage", why)
    rep = keys[0].codes(cells["owner"])
    owned = rep >= 0
    record = export.recorder(rows, cells)
    if "won_flag" in cells:
        won, lost, is_open = _flagged(cells, rep, record, columns)
    else:
        won, lost = member(cells["stage"], columns.won), member(cells["stage"], columns.lost)
        staged = present(cells["stage"])
        is_open = staged & ~won & ~lost
        if columns.open is not None:
            known = member(cells["stage"], columns.open)
            _note_unknown(deals, export.name, cells["stage"], is_open & ~known, rows)
            is_open &= known
        else:
            _note_closed_looking(deals, export.name, cells["stage"], columns)
        record("stage", ~staged & owned, "is empty; the deal is neither open nor closed")
    created, bad_created = days(cells["created"], columns.date_formats)
    closed, bad_closed = days(cells["closed"], columns.date_formats)
    amount, bad_amount = amounts(cells["amount"])
    if pa.types.is_floating(cells["amount"].type) and not plain_only(cells["amount"], amount):
        raise AsText(Path(export.name))  # (the usual export has none)
    if columns.amount_unit == "cents":
        amount = amount / 100
    foreign, main, _ = other_currency(cells["amount"])
    if foreign.any():  # (the usual export is in one currency)
        foreign &= ~bad_amount
        amount = np.where(foreign, np.nan, amount)
    negative = amount < 0
    unpriced = np.isnan(amount) | negative
    ended = won | lost
    no_close = ended & (closed == NO_DAY)
    backwards = ended & ~no_close & (created != NO_DAY) & (closed < created)
    usable = owned & (is_open | ended) & ~no_close
    record("owner", ~owned, "is empty; the deal has no rep")
    if (undated := no_close & bad_closed).any():
        why = date_reason(cells["closed"], undated, columns.date_formats)
        record("closed", undated, f"{why}; a won or lost deal needs its close date")
    record("closed", no_close & ~bad_closed, "is empty; a won or lost deal needs its close date")
    if (unread := bad_created & ~backwards).any():
        why = date_reason(cells["created"], unread, columns.date_formats)
        record("created", unread, f"{why}; left out of age and cycle")
    record("created", backwards, "is after the close date; left out of age and cycle")
    record("amount", bad_amount, "is not an amount; left out of the sums")
    record("amount", negative, "is negative; left out of the sums")
    record(
        "amount",
        foreign,
        f"is not in {main} like most amounts; left out of the sums (map the converted amount)",
    )
    export.bad.skipped[export.name] += int((~usable).sum())
    keep = np.flatnonzero(usable) if not usable.all() else slice(None)  # (no copies)
    block = _Block(
        rep=rep[keep],
        won=won[keep],
        lost=lost[keep],
        is_open=is_open[keep],
        created=(np.where(backwards, NO_DAY, created) if backwards.any() else created)[keep],
        closed=closed[keep],
        amount=(np.where(unpriced, 0.0, amount) if unpriced.any() else amount)[keep],
        priced=None if not unpriced[keep].any() else ~unpriced[keep],
    )
    deals.reps.update(np.flatnonzero(np.bincount(block.rep)).tolist())  # no sort
    deals.span = widen(deals.span, block.created, block.created == NO_DAY)
    no_day = block.is_open | (block.closed == NO_DAY)  # (an open deal's is a forecast)
    deals.span = widen(deals.span, block.closed, no_day)
    _tally(deals.tally, block, grid)
    if deals.has_accounts:
        deals.accounts.append((block.rep, keys[1].codes(cells["account"])[keep], block.created))


def _flagged(
    cells: dict[str, Any], rep: Any, record: Any, columns: OpportunityColumns
) -> tuple[Any, Any, Any]:
    """(won, lost, open) masks from IsWon/IsClosed-style yes-or-no columns.

    A cell in none of the mapping's flag forms is a bad row; its reason names every such
    value the column holds, so the summary says it in one line.
    """
    forms = [FLAG_FORMS[form] for form in columns.flag_forms]
    won, bad_won, odd_won = flags(cells["won_flag"], forms)
    closed, bad_closed, odd_closed = flags(cells["closed_flag"], forms)
    record("won_flag", bad_won & (rep >= 0), _not_a_flag(odd_won, columns.flag_forms))
    why = _not_a_flag(odd_closed, columns.flag_forms)
    record("closed_flag", bad_closed & ~won & ~bad_won & (rep >= 0), why)
    known = ~bad_won & (~bad_closed | won)  # a won deal is closed whatever IsClosed says
    return won & known, closed & ~won & known, ~closed & ~won & known


def _not_a_flag(found: list[str], forms: tuple[str, ...]) -> str:
    """Why cells are no flag: the values found (a few), and the forms the mapping reads."""
    shown = ", ".join(repr(value) if value else "empty" for value in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return (
        f"holds {shown}{more}, in none of the mapping's flag forms "
        f"({flag_forms_text(forms)}; its flag_forms may add others); "
        "the deal is neither open nor closed"
    )


def _tally(tally: Tally, deals: _Block, grid: Grid) -> None:
    known = deals.created != NO_DAY
    start = columns_of(deals.created, grid) * known  # (products, not `where`: no branches)
    end = columns_of(deals.closed, grid)
    end += (tally.width - 2 - end) * deals.is_open
    # money is summed row by row (a sum of amounts depends on their order)
    created, ended = tally.at(deals.rep, start), tally.at(deals.rep, end)
    # (the won deals' amounts, 0 for the rest, as a product: amounts are finite here, and
    # a -0.0 added to a bin that starts at 0.0 leaves it as 0.0 would)
    tally.add("won_amount", ended, None, deals.amount * deals.won)
    tally.interval("open_amount", created, ended, None, deals.amount)
    if deals.priced is not None:  # deals without an amount: a sum of none of them is unknown
        tally.add("won_unpriced", ended, deals.won & ~deals.priced)
        tally.interval("open_unpriced", created, ended, ~deals.priced)
    _tally_counts(tally, _Alike.of(deals, start, end, known, tally.width), grid)


@dataclass(frozen=True, slots=True)
class _Alike:
    """A block's deals grouped by rep, columns and state: how many, and their day sums.

    Counts and sums of day numbers are whole numbers, which floats add exactly in any
    order: a group adds them at once where its deals added them one by one. A block of
    many reps (more groups than deals) is left a group per deal.
    """

    rep: Any
    start: Any
    end: Any
    won: Any
    lost: Any
    known: Any
    count: Any
    created: Any  # sum of the known created days
    length: Any  # sum of the won deals' cycle lengths (days)

    @classmethod
    def of(cls, deals: _Block, start: Any, end: Any, known: Any, width: int) -> _Alike:
        """The groups of a block's deals (start and end are their tally columns)."""
        won, lost = deals.won, deals.lost
        created = (deals.created * known).astype(float)
        length = np.maximum(deals.closed - deals.created, 0) * (won & known)
        reps = int(deals.rep.max(initial=-1)) + 1
        size = reps * width * width * 6
        if size > len(deals.rep):  # a group per deal
            ones = np.ones(len(deals.rep))
            return cls(deals.rep, start, end, won, lost, known, ones, created, length)
        key = ((deals.rep * width + start) * width + end) * 6 + (won * 2 + lost) * 2 + known
        count = np.bincount(key, minlength=size)
        groups = np.flatnonzero(count)
        state, rest = (groups // 2) % 3, groups // 6
        return cls(
            rep=rest // (width * width),
            start=(rest // width) % width,
            end=rest % width,
            won=state == 2,
            lost=state == 1,
            known=(groups % 2).astype(bool),
            count=count[groups].astype(float),
            created=np.bincount(key, created, minlength=size)[groups],
            length=np.bincount(key, length.astype(float), minlength=size)[groups],
        )


def _tally_counts(tally: Tally, deals: _Alike, grid: Grid) -> None:
    won, known, n = deals.won, deals.known, deals.count
    created, ended = tally.at(deals.rep, deals.start), tally.at(deals.rep, deals.end)
    tally.add("won_n", ended, won, n)
    tally.add("lost_n", ended, deals.lost, n)
    tally.add("cycle_n", ended, won & known, n)
    tally.add("cycle_days", ended, won & known, deals.length)
    # open at the end of period b: created by then (start <= b), not closed by then (b < end)
    tally.interval("open_n", created, ended, None, n)
    tally.interval("age_n", created, ended, known, n)
    tally.interval("age_created", created, ended, known, deals.created)
    # in play in period b: created by its end, not closed before its first day (b <= end)
    tally.interval("play_n", created, tally.at(deals.rep, deals.end + 1), None, n)
    # in play from the grid's first day to the end of period b, summed along the row:
    # created by then and not closed before the grid starts
    tally.add("play_from", created, deals.end >= 1, n)
    start = deals.start
    tally.add("leads_n", created, known & (start >= 1) & (start <= len(grid)), n)


_CLOSED_WORDS = re.compile(
    r"(?i)(?<![^\W_])(?:closed|lost|won|abandoned|dead|disqualified|unqualified|cancell?ed"
    r"|churned|rejected|declined|no[ _-]decision)(?![^\W_])"
)
"""A stage value with one of these words says the deal is over ('Closed-Lost to Competition',
Copper's 'Abandoned' status, a 'Disqualified' stage)."""


def _note_closed_looking(deals: Deals, file: str, stage: Any, columns: OpportunityColumns) -> None:
    """Count the rows of stage values read as open (no open list) that say closed, won or lost.

    Worked out on the distinct values; the rows are counted only when such a value is found
    (the usual export's closed stages are its won and lost ones: nothing to count).
    """
    distinct = Distinct.of(stage)  # (remembered: the stage was just matched by value)
    known = {folded(v) for v in (*columns.won, *columns.lost)}
    looking = [
        i
        for i, v in enumerate(distinct.values.to_pylist())
        if folded(v) not in known and _CLOSED_WORDS.search(v)
    ]
    if not looking:
        return
    counts = np.bincount(distinct.index[distinct.index >= 0], minlength=len(distinct.values))
    found = deals.closed_looking.setdefault(file, {})
    for i in looking:
        value = distinct.values[i].as_py()
        found[value] = found.get(value, 0) + int(counts[i])


def _note_unknown(deals: Deals, file: str, stage: Any, unknown: Any, rows: Any) -> None:
    if not unknown.any():
        return
    values, where = pc.filter(stage, unknown), rows[unknown]
    codes = pc.dictionary_encode(values)
    names = codes.dictionary.to_pylist()
    index = codes.indices.to_numpy(zero_copy_only=False)
    counts = np.bincount(index, minlength=len(names))
    for code, value in enumerate(names):
        count, first_file, first_row = deals.unknown_stages.get(value, (0, file, 0))
        if not count:
            first_row = int(where[np.argmax(index == code)])
        deals.unknown_stages[value] = (count + int(counts[code]), first_file, first_row)


def lower_bounds_note(deals: Deals, grid: Grid, names: list[str]) -> tuple[str, ...]:
    """A note naming the reps whose closed-won or open pipeline (at the grid's end) leaves
    out deals without a readable amount: such a sum is at least the figure shown."""
    t, reps = deals.tally, len(names)
    to_date = grid.to_date is not None
    won = t.per_period("won_n", reps, running=to_date, flow=True)[:, -1]
    won_out = t.per_period("won_unpriced", reps, running=to_date, flow=True)[:, -1]
    open_n = t.per_period("open_n", reps, running=True)[:, -1]
    open_out = t.per_period("open_unpriced", reps, running=True)[:, -1]
    parts = []
    for what, kind, out, of in (
        ("closed-won", "won", won_out, won),
        ("open pipeline", "open", open_out, open_n),
    ):
        # a sum with every amount unreadable is left empty, not shown: nothing to bound
        partial = [r for r in sorted(range(reps), key=lambda r: names[r]) if 0 < out[r] < of[r]]
        if partial:
            shown = ", ".join(
                f"{names[r]} ({int(out[r])} of {int(of[r])} {kind} deals left out)"
                for r in partial[:5]
            )
            more = f" and {len(partial) - 5} more" if len(partial) > 5 else ""
            parts.append(f"{what} of {shown}{more}")
    if not parts:
        return ()
    return (
        "sums that leave out deals without a readable amount (read each as at least the "
        f"figure shown): {'; '.join(parts)}",
    )


def pipeline_columns(
    deals: Deals, grid: Grid, reps: int, last: dt.date | None = None
) -> dict[str, Any]:
    """Metric path -> (reps x periods) array, NaN where absent (call after reading); open
    deals are aged to each period's end or `last`, the day the figures run to, if earlier."""
    t = deals.tally
    to_date = grid.to_date is not None  # the period so far at each week's end
    flows = ("won_n", "lost_n", "won_amount", "cycle_n", "cycle_days", "won_unpriced")
    get = {name: t.per_period(name, reps, running=to_date, flow=True) for name in flows}
    get["leads_n"] = t.per_period("leads_n", reps)
    run = {
        name: t.per_period(name, reps, running=True)
        for name in ("open_n", "open_amount", "age_n", "age_created", "play_n", "open_unpriced")
    }
    if to_date:
        run["play_n"] = t.per_period("play_from", reps, running=True)
    ends = np.asarray(grid.ends, dtype=float)
    if last is not None:  # never before a deal's own dates (an --activities-until too early)
        day = max(day_number(last), deals.span[1] if deals.span else day_number(last))
        ends = np.minimum(ends, float(day))
    seen = np.zeros(reps, dtype=bool)
    seen[list(deals.reps)] = True
    won, lost = get["won_n"], get["lost_n"]
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = {
            # a sum over deals none of which has a readable amount is unknown, not 0
            "pipeline.closed_won": _where(
                (won == 0) | (get["won_unpriced"] < won), _cents(get["won_amount"])
            ),
            "pipeline.open_pipeline": _where(
                (run["open_n"] == 0) | (run["open_unpriced"] < run["open_n"]),
                np.maximum(_cents(run["open_amount"]), 0.0),
            ),
            "pipeline.win_rate": _where(won + lost > 0, won / (won + lost)),
            "pipeline.avg_deal_age_days": _where(
                run["age_n"] > 0, (run["age_n"] * ends - run["age_created"]) / run["age_n"]
            ),
            "pipeline.sales_cycle_days": _where(
                get["cycle_n"] > 0, get["cycle_days"] / get["cycle_n"]
            ),
            "pipeline.stage_conversion_rate": _where(run["play_n"] > 0, won / run["play_n"]),
        }
        # the count behind each rate, beside it (model.basis): a rate from 1 deal is weak
        columns |= {
            "pipeline.closed_deals": _where(won + lost > 0, won + lost),
            "pipeline.open_deals": _where(run["age_n"] > 0, run["age_n"]),
            "pipeline.won_deals": _where(get["cycle_n"] > 0, get["cycle_n"]),
            "pipeline.deals_in_play": _where(run["play_n"] > 0, run["play_n"]),
        }
    known = seen[:, None] & covered(grid, deals.span)[None, :]
    return {path: np.where(known, values, np.nan) for path, values in columns.items()}


def _cents(amounts: Any) -> Any:
    """Amounts rounded to the cent; one so large it has no cents is left as it is.

    (Rounding multiplies by 100 first, which overflows past 1.8e306.)
    """
    with np.errstate(over="ignore", invalid="ignore"):
        rounded = np.round(amounts, 2)
    return np.where(np.isfinite(rounded), rounded, amounts)


def _where(known: Any, values: Any) -> Any:
    return np.where(known, values, np.nan)
