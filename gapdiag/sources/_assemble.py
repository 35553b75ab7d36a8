"""Read the opened exports, tally them, and assemble one row per rep and period.

The tallies of each source become (reps x periods) arrays of metric values, NaN where a
metric is absent; a row holds the values that are known. Reps are ordered by name and
periods oldest first, so the output never depends on the order of the input rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gapdiag.model.basis import PROXY_SOURCES
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.wording import long_day
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._columnar import Export
from gapdiag.sources._coverage import EARLY_DAYS, coverage_notes, span_text, stop
from gapdiag.sources._parse import Keys
from gapdiag.sources.activities import Activities, activity_columns, read_activities
from gapdiag.sources.crm import CrmMapping, OpportunityColumns
from gapdiag.sources.opportunities import (
    Deals,
    lower_bounds_note,
    pipeline_columns,
    read_deals,
)
from gapdiag.sources.periods import EPOCH, Grid
from gapdiag.sources.quotas import quota_columns, quota_notes, read_quotas
from gapdiag.sources.territory import Teams, read_teams, territory_columns

KINDS = ("opportunities", "activities", "quotas", "teams")
_SHEET = frozenset({"pipeline.quota", "pipeline.commit", "ownership.forecast_accuracy"})
"""What a quota sheet gives: alone on a week the other exports miss, it makes no row."""
Summary = tuple[int, int, tuple[tuple[str, str, int], ...], tuple[str, ...]]
"""rows read, rows skipped, (column, reason, count) problems, notes."""


def assemble(
    exports: Sequence[tuple[str, Export]],
    chosen: CrmMapping,
    cut: Grid,
    bad: BadRows,
    *,
    strict: bool,
    activities_until: dt.date | None = None,
) -> tuple[tuple[dict[str, Any], ...], list[Summary]]:
    """Rows per rep and period, and a summary per export, in the order given."""
    owners, accounts = Keys(), Keys()
    of = {kind: [e for k, e in exports if k == kind] for kind in KINDS}
    deals = seen = teams = quota_rows = None
    if of["opportunities"]:
        assert chosen.opportunities is not None
        # accounts join meetings to deals, and measure territory: else they are not kept
        joins = accounts if of["activities"] or of["teams"] else None
        deals = read_deals(of["opportunities"], chosen.opportunities, cut, owners, joins)
        _refuse_unknown_stages(deals, chosen.opportunities)
    if of["activities"]:
        assert chosen.activities is not None
        seen = read_activities(
            of["activities"], chosen.activities, cut, (owners, accounts), activities_until
        )
    if of["quotas"]:
        quota_rows = read_quotas(of["quotas"], cut, owners)
    if of["teams"]:
        teams = read_teams(of["teams"], owners)
    if strict and len(bad):
        raise bad.strict_error()
    reps = len(owners.ids)
    columns: dict[str, Any] = {}
    exported = _last_day(deals, seen, activities_until)
    last = _to_the_end(cut, exported) if activities_until is None else exported
    if deals is not None:  # open deals aged to the day the figures run to, not a later one
        columns |= pipeline_columns(deals, cut, reps, last)
        if teams is not None:
            columns |= territory_columns(teams, deals, cut, reps)
    until = stop(cut, seen.span if seen is not None else None, activities_until)
    if seen is not None:
        columns |= activity_columns(seen, deals, cut, reps, len(accounts.ids), until)
    _refuse_overflow(exports, chosen, owners.names(), deals, seen)
    if quota_rows is not None:
        columns |= quota_columns(quota_rows, columns.get("pipeline.closed_won"), cut, reps)
    team_of = teams.team_of if teams is not None else {}
    rows, settled = _rows(owners.names(), columns, cut, team_of, last)
    if not rows:
        _refuse_uncovered(cut, deals, seen)
    coverage = coverage_notes(cut, deals, seen, until)
    if deals is not None and (bounds := lower_bounds_note(deals, cut, owners.names())):
        coverage["opportunities"] = (*coverage.get("opportunities", ()), *bounds)
    if last != exported and exported is not None:
        coverage["opportunities" if deals is not None else "activities"] = (
            *coverage.get("opportunities" if deals is not None else "activities", ()),
            _to_the_end_note(cut, exported),
        )
    if quota_rows is not None and (sums := quota_notes(quota_rows, owners.names())):
        coverage["quotas"] = (*coverage.get("quotas", ()), *sums)
    worked = (deals.reps if deals is not None else set()) | (seen.reps if seen else set())
    for kind, listed in (
        ("quotas", quota_rows.reps if quota_rows is not None else None),
        ("teams", set(teams.team_of) if teams is not None else None),
    ):
        if listed is not None and worked and (note := _two_spellings(kind, listed, worked)):
            coverage[kind] = (*coverage.get(kind, ()), note(owners.names()))
    if settled:
        coverage["quotas"] = (*coverage.get("quotas", ()), _settled_note(settled))
    summaries = [
        _summary(kind, export, bad, deals, seen, teams, coverage.pop(kind, ()))
        for kind, export in exports
    ]
    return rows, summaries


_SHEET_NAMES = {"quotas": "quota sheet", "teams": "teams file"}


def _two_spellings(kind: str, listed: set[int], worked: set[int]) -> Any:
    """A note (given the rep names) when a quota sheet or teams file names reps who have no
    deal or activity while reps who have some are missing from it: the same people spelled
    two ways (e-mail addresses against names), whose rows would never meet. None otherwise:
    a rep on the sheet alone (not started yet) or missing from it alone is no sign."""
    alone, missing = sorted(listed - worked), sorted(worked - listed)
    if not alone or not missing:
        return None

    def note(names: list[str]) -> str:
        def shown(codes: list[int]) -> str:
            more = f" and {len(codes) - 3:,} more" if len(codes) > 3 else ""
            return ", ".join(names[c] for c in codes[:3]) + more

        sheet = _SHEET_NAMES[kind]
        mailed = all("@" in names[c] for c in alone) and not any("@" in names[c] for c in missing)
        why = f" (e-mail addresses in the {sheet}, names in the exports)" if mailed else ""
        return (
            f"{len(alone):,} {'rep' if len(alone) == 1 else 'reps'} of the {sheet} "
            f"({shown(alone)}) {'has' if len(alone) == 1 else 'have'} no deal or activity, and "
            f"{len(missing):,} with deals or activities ({shown(missing)}) "
            f"{'is' if len(missing) == 1 else 'are'} not in it: the same people spelled two "
            f"ways{why}? Their rows do not meet; key the {sheet} by the names the exports use"
        )

    return note


def _refuse_uncovered(cut: Grid, deals: Deals | None, seen: Activities | None) -> None:
    """No row at all because every dated export lies outside the period: say so, once."""
    runs = [
        f"the {kind} run {span_text(span)}"
        for kind, span in (
            ("opportunities", deals.span if deals else None),
            ("activities", seen.span if seen else None),
        )
        if span is not None
    ]
    if runs:
        first, last = cut.periods[0], cut.periods[-1]
        asked = first.label if len(cut) == 1 else f"{first.label} to {last.label}"
        raise InvalidArgument(
            f"period: nothing in the exports is dated in {asked} ({'; '.join(runs)});"
            " choose a period they cover"
        )


_SUMMED = {
    "won_amount": ("pipeline.closed_won", "amount"),
    "open_amount": ("pipeline.open_pipeline", "amount"),
    "call_minutes": ("activity.avg_call_minutes", "duration"),
}
"""Tally figures that sum cells of the export -> (the metric, the mapping's column role)."""


def _refuse_overflow(
    exports: Sequence[tuple[str, Export]],
    chosen: CrmMapping,
    names: list[str],
    deals: Deals | None,
    seen: Activities | None,
) -> None:
    """One error when a rep's sums grew past the largest float (amounts of 1e308 added)."""
    for kind, source in (("opportunities", deals), ("activities", seen)):
        if source is None or not source.tally.overflowed:
            continue
        found = source.tally.overflowed
        figure = next((f for f in _SUMMED if f in found), min(found))
        reps = set().union(*found.values())
        metric, role = _SUMMED.get(figure, (figure, "amount"))
        group = chosen.opportunities if kind == "opportunities" else chosen.activities
        column = getattr(group, role, None) or role
        column = column if isinstance(column, str) else " or ".join(column)
        file = next(e.name for k, e in exports if k == kind)
        shown = sorted(names[r] for r in reps)
        more = len(shown) - 1
        others = f" (and {more:,} more rep{'s' * (more != 1)})" if more else ""
        message = (
            f"the {column!r} cells of rep {shown[0]!r}{others} add up past the largest "
            f"number gapdiag holds (about 1.8e308): check them for stray digits"
        )
        raise InvalidMetrics([Problem(metric, message)], source=file)


def _refuse_unknown_stages(deals: Deals, columns: OpportunityColumns) -> None:
    if not deals.unknown_stages:
        return
    listed = "; ".join(
        f"{value!r} ({count:,} row{'s' * (count != 1)}, first row {row})"
        for value, (count, _, row) in sorted(deals.unknown_stages.items())
    )
    source = min(file for _, file, _ in deals.unknown_stages.values())
    known = "; ".join(
        f"{group}: {', '.join(values)}"
        for group, values in (
            ("won", columns.won),
            ("lost", columns.lost),
            ("open", columns.open),
            ("deleted", columns.deleted),
        )
        if values
    )
    message = (
        f"{listed}: not a stage the mapping knows ({known}); "
        "add each under won, lost, open or deleted"
    )
    raise InvalidMetrics([Problem(columns.stage, message)], source=source)


def _last_day(
    deals: Deals | None, seen: Activities | None, activities_until: dt.date | None
) -> dt.date | None:
    """The last day the exports speak for: the latest deal date or activity, or the day asked."""
    if activities_until is not None:
        return activities_until
    ends = [
        span[1] for span in (deals.span if deals else None, seen.span if seen else None) if span
    ]
    return EPOCH + dt.timedelta(int(max(ends))) if ends else None


def _to_the_end(cut: Grid, last: dt.date | None) -> dt.date | None:
    """The day the figures run to: the period's end when the exports stop less than
    `EARLY_DAYS` before it (a quarter over whose last deal closed a few days early; activity
    rates count every working day then too, `_coverage.stop`), else their last day."""
    end = cut.periods[-1].end
    if last is not None and last < end and (end - last).days < EARLY_DAYS:
        return end
    return last


def _to_the_end_note(cut: Grid, last: dt.date) -> str:
    """The note saying the figures were read to the period's end, not the exports' last day."""
    end = cut.periods[-1].end
    return (
        f"the exports stop on {long_day(last)}, {(end - last).days} days before "
        f"{cut.periods[-1].label} ends: its figures are read as of its end; if it is still "
        "running, give the day the exports were pulled with --activities-until"
    )


def _rows(
    names: list[str],
    columns: Mapping[str, Any],
    cut: Grid,
    team_of: Mapping[int, str],
    last: dt.date | None,
) -> tuple[tuple[dict[str, Any], ...], int]:
    """One row per rep and period; ``as_of`` is where the period's figures stop (its end, or
    the last day the exports speak for); the territory figures are marked as proxies.

    A row whose figures run to the period's end has nothing committed still to close in it:
    its commit is 0 (the count of such rows is returned beside the rows, for a note).

    On a weekly grid each row is the whole period so far, as of the week's end: its
    ``period_start`` and ``period_end`` are the period's, ``as_of`` the week's last day (or
    the last day the exports speak for); weeks past that day get no row.
    """
    known = {path: ~np.isnan(values) for path, values in columns.items()}
    whole = cut.to_date
    out = []
    settled = 0
    for rep in sorted(range(len(names)), key=lambda r: names[r]):
        for b, period in enumerate(cut.periods):
            metrics = {
                path: float(values[rep, b])
                for path, values in columns.items()
                if known[path][rep, b]
            }
            if not metrics or (
                whole is not None
                and (not metrics.keys() - _SHEET or (last is not None and last < period.start))
            ):
                continue  # a week with nothing but the quota sheet's, or one the exports miss
            row: dict[str, Any] = {"rep_id": names[rep]}
            if rep in team_of:
                row["team"] = team_of[rep]
            span = whole or period
            row |= {"period_start": span.start.isoformat(), "period_end": span.end.isoformat()}
            if whole is not None:
                row["as_of"] = min(last or period.end, period.end).isoformat()
            elif last is not None and last >= period.start:
                row["as_of"] = min(last, period.end).isoformat()
            row |= metrics
            if row.get("pipeline.commit") and row.get("as_of") == span.end.isoformat():
                row["pipeline.commit"] = 0.0
                settled += 1
            proxies = [path for path in PROXY_SOURCES if path in metrics]
            if proxies:
                row["proxies"] = proxies
            out.append(row)
    return tuple(out), settled


def _settled_note(rows: int) -> str:
    """The note for commits read as 0 because their period is over."""
    what = "row" if rows == 1 else "rows"
    return (
        f"commit written as 0 in {rows:,} {what} whose period is over: nothing committed is "
        "still to close in it (what closed is in closed-won)"
    )


# What an optional column feeds, said when an export has no such column.
_FEEDS = {
    "duration": "average call length is left out",
    "outcome": "cancelled and no-show activities cannot be told apart: every one counts as held",
    "account": "meetings that become opportunities (needs accounts in deals and activities) "
    "are left out",
    "commit": "committed revenue is left out",
    "forecast": "forecast accuracy is left out",
    "manager": "reps are not listed by manager",
    "region": "reps are not listed by region",
}


def _absent(export: Export, role: str, column: str) -> str:
    """The note for one optional column the export lacks, saying what goes without it."""
    if role.startswith("type."):
        first = export.present.get("type")
        found = f"from {first!r} alone" if first else "from the other type columns"
        return f"no column {column!r}: activity types are read {found}"
    return f"no column {column!r}: {_FEEDS.get(role, 'the figures it feeds are left out')}"


def _summary(
    kind: str,
    export: Export,
    bad: BadRows,
    deals: Deals | None,
    seen: Activities | None,
    teams: Teams | None,
    coverage: tuple[str, ...],
) -> Summary:
    problems = tuple(
        (column, reason, count)
        for (file, column, reason), count in sorted(bad.counts().items())
        if file == export.name
    )
    notes = [_absent(export, role, column) for role, column in export.missing_optional]
    notes += bad.layout_notes(export.name)
    notes += coverage
    if kind == "activities" and seen is not None:
        if seen.other_types:
            one = seen.other_types == 1
            kinds = (
                "row of another type (a task, a note) is"
                if one
                else ("rows of other types (tasks, notes) are")
            )
            notes.append(f"{seen.other_types:,} {kinds} not activity")
        if seen.not_held:
            what, are = ("activity", "is") if seen.not_held == 1 else ("activities", "are")
            notes.append(
                f"{seen.not_held:,} {what} did not take place (an outcome under the mapping's "
                f"not_held) and {are} not counted"
            )
    if kind == "opportunities" and deals is not None:
        notes += [
            f"stage {value!r} ({count:,} {'row' if count == 1 else 'rows'}) is read as open, "
            "yet it says the deal is "
            "over: list it under won or lost in a mapping"
            for value, count in sorted(deals.closed_looking.get(export.name, {}).items())
        ]
    if kind == "teams" and teams is not None and deals is not None:
        missing = len(deals.reps - set(teams.team_of))
        if missing:
            notes.append(
                f"{missing:,} reps with deals are on no team: no territory figures for them"
            )
    read = export.rows_read + bad.malformed(export.name)  # a row of the wrong width is a row
    return read, bad.skipped[export.name], problems, tuple(notes)
