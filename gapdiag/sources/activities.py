"""Activity exports -> calls and emails per working day, meetings per week, call length,
and the share of accounts met that turned into an opportunity.

Only activities that took place count: an outcome in the mapping's ``not_held`` list
(cancelled, no show) leaves the row out. Other activity types (tasks, notes) are not
activity metrics. A rep with activity rows anywhere in the export gets measured zeros in
a period without any; a rep with none gets no activity metrics (absent, not zero).

Meeting -> opportunity: for every account a rep met in a period (first meeting of the
period), was an opportunity on that account created by the same rep on or after that
meeting and by the period's end? Needs an account column in both exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow.compute as pc

from gapdiag.sources._columnar import Export
from gapdiag.sources._parse import NO_DAY, Keys, amounts, days, member, present
from gapdiag.sources._tally import Tally, columns_of
from gapdiag.sources.crm import ActivityColumns
from gapdiag.sources.opportunities import Deals
from gapdiag.sources.periods import Grid

_MINUTES = {"milliseconds": 1 / 60_000, "seconds": 1 / 60, "minutes": 1.0}
_SHIFT = 2**20  # keeps day numbers positive inside a combined (key, day) sort key


@dataclass(slots=True)
class Activities:
    """Tallies of an activity export, the reps seen, and first meetings per account."""

    tally: Tally
    reps: set[int] = field(default_factory=set)
    meetings: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)
    other_types: int = 0
    not_held: int = 0


def read_activities(
    export: Export, columns: ActivityColumns, grid: Grid, owners: Keys, accounts: Keys
) -> Activities:
    """Tally every block of an activity export (see the module docstring)."""
    seen = Activities(Tally.over(grid))
    for first, block in export.blocks():
        rows = np.arange(first, first + len(block["owner"]))
        rep = owners.codes(block["owner"])
        kinds = {
            k: member(block["type"], getattr(columns, k)) for k in ("calls", "emails", "meetings")
        }
        counted = kinds["calls"] | kinds["emails"] | kinds["meetings"]
        day, bad_day = days(block["timestamp"], columns.date_formats)
        no_owner, no_day = counted & (rep < 0), counted & (rep >= 0) & (day == NO_DAY)
        export.bad.add(
            export.name,
            "owner",
            "is empty; the activity has no rep",
            rows[no_owner],
            [""] * int(no_owner.sum()),
        )
        unreadable = no_day & bad_day
        export.bad.add(
            export.name,
            "timestamp",
            "is not a date",
            rows[unreadable],
            pc.filter(block["timestamp"], unreadable).to_pylist(),
        )
        empty = no_day & ~bad_day
        export.bad.add(
            export.name,
            "timestamp",
            "is empty; an activity needs its date",
            rows[empty],
            [""] * int(empty.sum()),
        )
        usable = counted & (rep >= 0) & (day != NO_DAY)
        export.bad.skipped[export.name] += int((counted & ~usable).sum())
        seen.other_types += int((~counted & present(block["type"])).sum())
        seen.reps.update(np.unique(rep[usable]).tolist())
        if "outcome" in block:
            held = ~member(block["outcome"], columns.not_held)
            seen.not_held += int((usable & ~held).sum())
            usable &= held
        column = columns_of(day, grid)
        for kind, mask in kinds.items():
            take = usable & mask
            seen.tally.add(kind, rep[take], column[take])
        if "duration" in block:
            _durations(seen, export, block, rows, rep, column, usable & kinds["calls"], columns)
        if "account" in block:
            meet = usable & kinds["meetings"] & (column >= 1) & (column <= len(grid))
            account = accounts.codes(block["account"])
            meet &= account >= 0
            seen.meetings.append((rep[meet], account[meet], column[meet], day[meet]))
    return seen


def _durations(
    seen: Activities,
    export: Export,
    block: dict[str, Any],
    rows: Any,
    rep: Any,
    column: Any,
    calls: Any,
    columns: ActivityColumns,
) -> None:
    minutes, bad = amounts(block["duration"])
    bad |= minutes < 0
    bad &= calls
    export.bad.add(
        export.name,
        "duration",
        "is not a duration; the call counts without it",
        rows[bad],
        pc.filter(block["duration"], bad).to_pylist(),
    )
    timed = calls & ~np.isnan(minutes) & ~bad
    seen.tally.add("call_n", rep[timed], column[timed])
    seen.tally.add(
        "call_minutes", rep[timed], column[timed], minutes[timed] * _MINUTES[columns.duration_unit]
    )


def activity_columns(
    seen: Activities, deals: Deals | None, grid: Grid, reps: int
) -> dict[str, Any]:
    """Metric path -> (reps x periods) array, NaN where absent (call after reading)."""
    t = seen.tally
    working = np.asarray([p.working_days for p in grid.periods], dtype=float)
    has = np.zeros(reps, dtype=bool)
    has[list(seen.reps)] = True
    calls, minutes, timed = (
        t.per_period("calls", reps),
        t.per_period("call_minutes", reps),
        t.per_period("call_n", reps),
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = {
            "activity.calls_per_day": _over(calls, working),
            "activity.emails_per_day": _over(t.per_period("emails", reps), working),
            "activity.meetings_per_week": _over(t.per_period("meetings", reps), working / 5),
            "activity.avg_call_minutes": np.where(timed > 0, minutes / timed, np.nan),
        }
        if deals is not None and deals.has_accounts and seen.meetings:
            columns["activity.meeting_to_opportunity_rate"] = _conversion(seen, deals, grid, reps)
    return {path: np.where(has[:, None], values, np.nan) for path, values in columns.items()}


def _over(counts: Any, per: Any) -> Any:
    return np.where(per > 0, counts / np.where(per > 0, per, 1), np.nan)


def _conversion(seen: Activities, deals: Deals, grid: Grid, reps: int) -> Any:
    rep, account, column, day = (np.concatenate(part) for part in zip(*seen.meetings, strict=True))
    order = np.lexsort((day, column, account, rep))
    rep, account, column, day = rep[order], account[order], column[order], day[order]
    first = np.ones(len(rep), dtype=bool)
    first[1:] = (np.diff(rep) != 0) | (np.diff(account) != 0) | (np.diff(column) != 0)
    rep, account, column, day = rep[first], account[first], column[first], day[first]
    width = (
        int(
            max(
                account.max(initial=0),
                max((int(a.max(initial=0)) for _, a, _ in deals.accounts), default=0),
            )
        )
        + 1
    )
    d_rep, d_account, d_created = (
        (np.concatenate(part) for part in zip(*deals.accounts, strict=True))
        if deals.accounts
        else (np.zeros(0, int),) * 3
    )
    dated = (d_account >= 0) & (d_created != NO_DAY)
    opened = np.sort(
        (d_rep[dated] * width + d_account[dated]) * (2 * _SHIFT) + d_created[dated] + _SHIFT
    )
    wanted = (rep * width + account) * (2 * _SHIFT) + day + _SHIFT
    at = np.searchsorted(opened, wanted, side="left")
    found = np.where(at < len(opened), opened[np.minimum(at, len(opened) - 1)], -1)
    ends = np.asarray(grid.ends)[column - 1]
    converted = (found // (2 * _SHIFT) == rep * width + account) & (
        found - (found // (2 * _SHIFT)) * (2 * _SHIFT) - _SHIFT <= ends
    )
    converted &= at < len(opened)
    met = np.zeros((reps, len(grid)))
    won = np.zeros((reps, len(grid)))
    np.add.at(met, (rep, column - 1), 1)
    np.add.at(won, (rep, column - 1), converted.astype(float))
    return np.where(met > 0, won / np.where(met > 0, met, 1), np.nan)
