"""Activity exports -> calls and emails per working day, meetings per week, call length,
and the share of accounts met that turned into an opportunity.

Only activities that took place count: an outcome in the mapping's ``not_held`` list
(cancelled, no show) leaves the row out. Other activity types (tasks, notes) are not
activity metrics. A rep with activity rows anywhere in the export gets measured zeros in
a period without any; a rep with none gets no activity metrics (absent, not zero).

What the exports cannot know stays empty, never zero: a period outside the dates the
activity exports run over (from their first dated activity to their last), and a kind
(calls, emails, meetings) of which they hold no row at all (a call log has no emails).

Meeting -> opportunity: for every account a rep met in a period (its first meeting there
in the period), did the same rep open an opportunity on that account on or after that
meeting and by the period's end? Needs an account column in both exports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow.compute as pc

from gapdiag.sources._columnar import Export
from gapdiag.sources._deleted import undeleted
from gapdiag.sources._parse import NO_DAY, Keys, date_reason, days, member, minutes, present
from gapdiag.sources._span import Span, covered, widen
from gapdiag.sources._tally import Tally, columns_of
from gapdiag.sources.crm import FLAG_FORMS, ActivityColumns
from gapdiag.sources.opportunities import Deals
from gapdiag.sources.periods import Grid, day_number

_KINDS = ("calls", "emails", "meetings")
_DAYS = 2**21
"""Day numbers are shifted into [0, _DAYS) inside a combined (rep, account, day) key."""


@dataclass(slots=True)
class Activities:
    """Tallies of an activity export, the reps seen, and meetings per account."""

    tally: Tally
    reps: set[int] = field(default_factory=set)
    meetings: list[tuple[Any, Any, Any, Any]] = field(default_factory=list)
    other_types: int = 0
    not_held: int = 0
    span: Span | None = None
    """First and last day number of any dated activity, held or not (None: none)."""
    kinds: set[str] = field(default_factory=set)
    """The kinds (calls, emails, meetings) the exports hold at least one dated row of."""


def read_activities(
    exports: Sequence[Export],
    columns: ActivityColumns,
    grid: Grid,
    keys: tuple[Keys, Keys],
    until: dt.date | None = None,
) -> Activities:
    """Tally every block of the activity exports (see the module docstring).

    `keys` number the owners and the accounts; activities after `until` are left out.
    """
    seen = Activities(Tally.over(grid))
    last = day_number(until) if until is not None else None
    for export in exports:
        for first, cells in export.blocks():
            _block(seen, export, first, cells, columns, grid, keys, last)
    return seen


def _block(
    seen: Activities,
    export: Export,
    first: int,
    cells: dict[str, Any],
    columns: ActivityColumns,
    grid: Grid,
    keys: tuple[Keys, Keys],
    last: int | None,
) -> None:
    owners, accounts = keys
    rows = np.arange(first, first + len(cells["owner"]))
    if "deleted_flag" in cells:
        rows, cells = undeleted(export, rows, cells, tuple(FLAG_FORMS), "activity")
    rep = owners.codes(cells["owner"])
    if columns.every_row is None:
        kind_of = pc.coalesce(*(cells[r] for r in sorted(cells) if r.startswith("type")))
        kinds = {kind: member(kind_of, getattr(columns, kind)) for kind in _KINDS}
    else:  # an export of one kind of activity: every row is one
        every = np.ones(len(rows), dtype=bool)
        kinds = {kind: every if kind == columns.every_row else ~every for kind in _KINDS}
    counted = kinds["calls"] | kinds["emails"] | kinds["meetings"]
    day, bad_day = days(cells["timestamp"], columns.date_formats)
    undated = counted & (rep >= 0) & (day == NO_DAY)
    record = export.recorder(rows, cells)
    record("owner", counted & (rep < 0), "is empty; the activity has no rep")
    if (unread := undated & bad_day).any():
        why = date_reason(cells["timestamp"], unread, columns.date_formats)
        record("timestamp", unread, why)
    record("timestamp", undated & ~bad_day, "is empty; an activity needs its date")
    usable = counted & (rep >= 0) & (day != NO_DAY)
    export.bad.skipped[export.name] += int((counted & ~usable).sum())
    if columns.every_row is None:
        seen.other_types += int((~counted & present(kind_of)).sum())
    seen.reps.update(np.flatnonzero(np.bincount(rep[usable])).tolist())  # no sort
    seen.span = widen(seen.span, day[usable])
    seen.kinds.update(kind for kind, mask in kinds.items() if (usable & mask).any())
    if "outcome" in cells:
        held = ~member(cells["outcome"], columns.not_held)
        seen.not_held += int((usable & ~held).sum())
        usable &= held
    column = columns_of(day, grid)
    if last is not None:
        column = np.where(day > last, len(grid) + 1, column)  # after the day asked for
    slots = seen.tally.at(rep, column)
    for kind, mask in kinds.items():
        seen.tally.add(kind, slots, usable & mask)
    calls = usable & kinds["calls"]
    if "duration" in cells:
        length, bad = minutes(cells["duration"], columns.duration_unit)
        record("duration", calls & bad, "is not a duration; the call counts without it")
        timed = calls & ~np.isnan(length) & (length > 0)  # a 0:00 call never connected
        if columns.connected is not None and "outcome" in cells:  # not a voicemail, say
            timed &= member(cells["outcome"], columns.connected)
        seen.tally.add("call_n", slots, timed)
        seen.tally.add("call_minutes", slots, timed, length)
    if "account" in cells:  # accounts are numbered only for the meetings: few rows
        met = usable & kinds["meetings"] & present(cells["account"])
        met &= (column >= 1) & (column <= len(grid))
        account = accounts.codes(pc.filter(cells["account"], met))
        seen.meetings.append((rep[met], account, column[met] - 1, day[met]))


def activity_columns(
    seen: Activities,
    deals: Deals | None,
    grid: Grid,
    reps: int,
    accounts: int,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """Metric path -> (reps x periods) array, NaN where absent (call after reading).

    Rates a day and a week count a period's working days up to `until` when given (an
    export pulled mid-period), else all of them.
    """
    t = seen.tally
    working = np.asarray([p.working_days_until(until or p.end) for p in grid.periods], dtype=float)
    working[working == 0] = np.nan  # a period with no working day counted has no rate
    calls, timed = t.per_period("calls", reps), t.per_period("call_n", reps)
    with np.errstate(divide="ignore", invalid="ignore"):
        columns = {
            "activity.calls_per_day": calls / working,
            "activity.emails_per_day": t.per_period("emails", reps) / working,
            "activity.meetings_per_week": t.per_period("meetings", reps) / (working / 5),
            "activity.avg_call_minutes": np.where(
                timed > 0, t.per_period("call_minutes", reps) / timed, np.nan
            ),
            # the counts behind the rates (model.basis)
            "activity.working_days": np.broadcast_to(working, calls.shape),
            "activity.timed_calls": np.where(timed > 0, timed, np.nan),
        }
    if deals is not None and deals.has_accounts and seen.meetings:
        rate, met = _conversion(seen, deals, grid, reps, accounts)
        columns["activity.meeting_to_opportunity_rate"] = rate
        columns["activity.meetings_held"] = np.where(met > 0, met, np.nan)
    has = np.zeros(reps, dtype=bool)
    has[list(seen.reps)] = True
    known = has[:, None] & covered(grid, seen.span)[None, :]
    return {
        path: np.where(known, values, np.nan)
        for path, values in columns.items()
        if _KIND_OF[path] in seen.kinds or (_KIND_OF[path] is None and seen.kinds)
    }


_KIND_OF: dict[str, str | None] = {
    "activity.working_days": None,  # behind every rate a day or a week: any kind will do
    "activity.timed_calls": "calls",
    "activity.meetings_held": "meetings",
    "activity.calls_per_day": "calls",
    "activity.emails_per_day": "emails",
    "activity.meetings_per_week": "meetings",
    "activity.avg_call_minutes": "calls",
    "activity.meeting_to_opportunity_rate": "meetings",
}
"""The kind of activity each figure is made of: no row of that kind, no figure (None: any)."""


def _conversion(
    seen: Activities, deals: Deals, grid: Grid, reps: int, accounts: int
) -> tuple[Any, Any]:
    """Per rep and period: the share of accounts met that got a deal on or after the first
    meeting, and how many accounts were met (the count behind the share)."""
    rep, account, period, day = (np.concatenate(part) for part in zip(*seen.meetings, strict=True))
    order = np.lexsort((day, period, account, rep))
    rep, account, period, day = rep[order], account[order], period[order], day[order]
    first = np.ones(len(rep), dtype=bool)  # the first meeting per (rep, account, period)
    first[1:] = (np.diff(rep) != 0) | (np.diff(account) != 0) | (np.diff(period) != 0)
    rep, account, period, day = rep[first], account[first], period[first], day[first]
    d_rep, d_account, d_created = (np.concatenate(p) for p in zip(*deals.accounts, strict=True))
    dated = (d_account >= 0) & (d_created != NO_DAY)
    opened = np.sort(_key(d_rep[dated], d_account[dated], d_created[dated], accounts))
    wanted = _key(rep, account, day, accounts)
    at = np.minimum(np.searchsorted(opened, wanted), max(len(opened) - 1, 0))
    nearest = opened[at] if len(opened) else np.full(len(wanted), -1)
    ends = np.asarray(grid.ends)[period]
    converted = (nearest >= wanted) & (nearest <= _key(rep, account, ends, accounts))
    met = np.zeros((reps, len(grid)))
    turned = np.zeros((reps, len(grid)))
    np.add.at(met, (rep, period), 1)
    np.add.at(turned, (rep, period), converted)
    return np.where(met > 0, turned / np.maximum(met, 1), np.nan), met


def _key(rep: Any, account: Any, day: Any, accounts: int) -> Any:
    """One sortable int64 per (rep, account, day): same pair, days in order."""
    return (rep.astype(np.int64) * accounts + account) * _DAYS + (day + _DAYS // 2)
