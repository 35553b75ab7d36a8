"""A quota sheet -> each rep's quota and commit for a period, and forecast accuracy.

One row per rep and period (``2017-Q2``, ``2017-05``, ``2017-W14``, ``2017``). A row
applies to an ingested period with exactly the same first and last day: a quarterly
quota is never spread over weeks. Without such a row, rows of one kind (months, or
quarters) that cover the period with no gap add up to its quota (and its
commit and forecast, when every one of them has those): a monthly quota sheet gives a
quarter's quota. A rep with rows only for other periods gets none, and a note says so.
On a weekly grid every week's row carries the whole
period's quota and commit, beside the period's closed-won so far. Forecast accuracy
compares the forecast with what the rep actually won in that period, as of its end:
``1 - |won - forecast| / forecast``, at least 0, so a forecast off by its own size or more
scores 0 (on a weekly grid only the period's last week has it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._columnar import Export
from gapdiag.sources._parse import Keys
from gapdiag.sources._parse import amounts as read_amounts
from gapdiag.sources.periods import Grid, Period, parse_period


@dataclass(slots=True)
class Quotas:
    """(rep, period index) -> {field: amount} for the rows that match the grid."""

    values: dict[tuple[int, int], dict[str, float]] = field(default_factory=dict)
    other: dict[int, list[tuple[Period, dict[str, float]]]] = field(default_factory=dict)
    """Per rep, the rows for other periods than the grid's."""
    added: dict[int, str] = field(default_factory=dict)
    """Rep -> the kind of rows ('month') its quota was added up from."""
    asked: str = ""
    reps: set[int] = field(default_factory=set)
    """Every rep the sheet names, whatever the period."""


def read_quotas(exports: Sequence[Export], grid: Grid, owners: Keys) -> Quotas:
    """Read quota sheets; bad rows are recorded and skipped, bad optional cells dropped."""
    out = Quotas()
    first_seen: dict[tuple[int, str], str] = {}
    for export in exports:
        _read(export, grid, owners, out, first_seen)
    _add_up(out, grid)
    return out


def _kind(period: Period) -> str:
    """'month', 'quarter', 'week' or 'year': the kind of period a label names."""
    label = period.label
    return (
        "quarter"
        if "-Q" in label
        else "week"
        if "-W" in label
        else ("month" if "-" in label else "year")
    )


def _add_up(out: Quotas, grid: Grid) -> None:
    """Give a rep without a row for a period the sum of rows of one kind that cover it."""
    targets = [grid.to_date] if grid.to_date is not None else list(grid.periods)
    out.asked = ", ".join(p.label for p in targets if p is not None)
    for rep, rows in out.other.items():
        for index, target in enumerate(targets):
            if target is None or (rep, index) in out.values:
                continue
            inside = sorted(
                (row for row in rows if target.start <= row[0].start <= row[0].end <= target.end),
                key=lambda row: row[0].start,
            )
            for kind in ("quarter", "month", "week"):
                pieces = [row for row in inside if _kind(row[0]) == kind]
                if _covers(target, [period for period, _ in pieces]):
                    out.values[rep, index] = {
                        role: math.fsum(
                            amounts[role] for _, amounts in pieces
                        )  # same on 3.11 and 3.13
                        for role in _AMOUNTS
                        if all(role in amounts for _, amounts in pieces)
                    }
                    out.added[rep] = kind
                    break


def _covers(target: Period, pieces: list[Period]) -> bool:
    """Whether `pieces` (in order) run from the target's first day to its last, day by day."""
    if not pieces or pieces[0].start != target.start or pieces[-1].end != target.end:
        return False
    return all(
        later.start == earlier.end + dt.timedelta(1)
        for earlier, later in itertools.pairwise(pieces)
    )


_ADJECTIVE = {"quarter": "quarterly", "month": "monthly", "week": "weekly"}


def quota_notes(quotas: Quotas, names: list[str]) -> tuple[str, ...]:
    """What the quota sheet's rows for other periods gave: added-up quotas, or none."""
    notes = []
    for kind in ("quarter", "month", "week"):
        reps = sorted(names[r] for r, k in quotas.added.items() if k == kind)
        if reps:
            notes.append(
                f"quota for {quotas.asked} added up from the {_ADJECTIVE[kind]} rows, which "
                f"cover it with no gap ({_listed(reps)})"
            )
    bare = sorted(
        (
            (names[rep], rows)
            for rep, rows in quotas.other.items()
            if rep not in quotas.added and not any(r == rep for r, _ in quotas.values)
        ),
        key=lambda named: named[0],
    )
    if bare:
        shown = "; ".join(
            f"{name}: {', '.join(sorted({p.label for p, _ in rows}))}" for name, rows in bare[:3]
        )
        more = f"; and {len(bare) - 3:,} more" if len(bare) > 3 else ""
        notes.append(
            f"{len(bare):,} rep{'s have' if len(bare) > 1 else ' has'} quota rows only for "
            f"other periods ({shown}{more}): no quota for {quotas.asked}, so where "
            f"{'they stand' if len(bare) > 1 else 'the rep stands'} is unknown (months or "
            "quarters add up only when they cover the period with no gap)"
        )
    return tuple(notes)


def _listed(reps: list[str]) -> str:
    """Up to three names, and how many more."""
    more = f" and {len(reps) - 3:,} more" if len(reps) > 3 else ""
    return ", ".join(reps[:3]) + more


_AMOUNTS = ("quota", "commit", "forecast")


def _read(
    export: Export,
    grid: Grid,
    owners: Keys,
    out: Quotas,
    first_seen: dict[tuple[int, str], str],
) -> None:
    whole = grid.to_date
    spans = (
        {(whole.start, whole.end): 0}
        if whole is not None
        else {(p.start, p.end): b for b, p in enumerate(grid.periods)}
    )
    for first, block in export.blocks():
        cells = {role: array.to_pylist() for role, array in block.items()}
        money = {role: read_amounts(block[role]) for role in _AMOUNTS if role in block}
        for i in range(len(cells["rep"])):
            row = first + i
            read = {role: (float(v[i]), bool(b[i])) for role, (v, b) in money.items()}
            got = _row(export, row, {role: values[i] for role, values in cells.items()}, read)
            if got is None:
                export.bad.skipped[export.name] += 1
                continue
            rep_name, period, amounts = got
            key = (owners.code(rep_name), period.label)
            out.reps.add(key[0])
            if key in first_seen:
                export.bad.add(
                    export.name,
                    "period",
                    f"repeats {first_seen[key]} for this rep",
                    [row],
                    [period.label],
                )
                export.bad.skipped[export.name] += 1
                continue
            first_seen[key] = f"row {row} of {export.name}"
            index = spans.get((period.start, period.end))
            if index is None:
                out.other.setdefault(key[0], []).append((period, amounts))
                continue
            out.values[key[0], index] = amounts


def _row(
    export: Export, row: int, cell: dict[str, str | None], read: dict[str, tuple[float, bool]]
) -> tuple[str, Any, dict[str, float]] | None:
    bad = export.bad
    if not cell["rep"]:
        bad.add(export.name, "rep", "is empty; the quota has no rep", [row], [""])
        return None
    try:
        period = parse_period(cell["period"] or "")
    except InvalidArgument:
        bad.add(
            export.name,
            "period",
            "is not a period like 2017-Q2, Q2 2017, 2017-05, May 2017, 2017-W14 or 2017",
            [row],
            [cell["period"] or ""],
        )
        return None
    amounts: dict[str, float] = {}
    for role in _AMOUNTS:
        text = cell.get(role)
        if text is None:
            continue
        value, unread = read[role]
        if unread or not math.isfinite(value) or value < 0:
            bad.add(export.name, role, "is not an amount", [row], [text])
            if role == "quota":
                return None
            continue
        amounts[role] = value
    if "quota" not in amounts:
        bad.add(export.name, "quota", "is empty; a quota row needs its quota", [row], [""])
        return None
    return cell["rep"], period, amounts


def quota_columns(quotas: Quotas, closed_won: Any, grid: Grid, reps: int) -> dict[str, Any]:
    """Metric path -> (reps x periods) array: quota, commit and forecast accuracy, NaN absent."""
    shape = (reps, len(grid))
    columns = {
        p: np.full(shape, np.nan)
        for p in ("pipeline.quota", "pipeline.commit", "ownership.forecast_accuracy")
    }
    whole = grid.to_date
    for (rep, b), amounts in quotas.values.items():
        where = slice(None) if whole is not None else b  # every week holds the period's
        columns["pipeline.quota"][rep, where] = amounts["quota"]
        if "commit" in amounts:
            columns["pipeline.commit"][rep, where] = amounts["commit"]
        forecast = amounts.get("forecast")
        last = len(grid) - 1 if whole is not None else b  # the period as of its end
        won = closed_won[rep, last] if closed_won is not None else np.nan
        if forecast and not np.isnan(won):
            columns["ownership.forecast_accuracy"][rep, last] = max(
                0.0, 1 - abs(won - forecast) / forecast
            )
    return columns
