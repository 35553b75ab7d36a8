"""CRM exports to rep metrics: one flat row per rep and period (or per rep and week).

Reads an opportunity export, and optionally an activity export, a quota sheet and a teams
file, through one mapping (a preset or YAML file). Each file is checked against the
mapping before any row is read; rows are read in blocks, only the mapped columns, and
tallied with numpy. A row that cannot be used is skipped and recorded (see
``Ingested.write_errors``); a cell only some metrics need is dropped from those metrics
only. The rows carry ``rep_id`` (the owner's name as the exports spell it),
``period_start`` and ``period_end`` (ISO dates): the keys to join other per-rep sources on.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.sources._arrow import arrow
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._columnar import Export, Progress, Rows, open_export
from gapdiag.sources._parse import Keys
from gapdiag.sources.activities import activity_columns, read_activities
from gapdiag.sources.crm import PRESETS, CrmMapping, OpportunityColumns, load_mapping
from gapdiag.sources.opportunities import Deals, pipeline_columns, read_deals
from gapdiag.sources.periods import Every, Grid, Period, grid, parse_period
from gapdiag.sources.quotas import quota_columns, read_quotas
from gapdiag.sources.territory import read_teams, territory_columns

__all__ = ["FileSummary", "Ingested", "Period", "ingest", "parse_period", "read_exports"]


class FileSummary(BaseModel):
    """What one export gave: rows read, rows skipped, problems by column and reason."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    kind: str
    rows: int
    skipped: int
    problems: tuple[tuple[str, str, int], ...] = ()
    notes: tuple[str, ...] = ()


class Ingested(BaseModel):
    """The rows (one per rep and period), a summary per file, and the bad rows."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: tuple[dict[str, Any], ...]
    files: tuple[FileSummary, ...]
    _bad: BadRows = PrivateAttr(default_factory=BadRows)

    @property
    def bad_rows(self) -> int:
        """Problems recorded (a row may have more than one)."""
        return len(self._bad)

    def write_errors(self, path: Path) -> None:
        """Write every problem as CSV: file, row, column, value, reason."""
        self._bad.write(path)


def ingest(
    *,
    period: str | Period,
    opportunities: Rows | None = None,
    activities: Rows | None = None,
    quotas: Rows | None = None,
    teams: Rows | None = None,
    mapping: str | Path | CrmMapping = "salesforce",
    every: Every = "period",
    strict: bool = False,
) -> list[dict[str, Any]]:
    """Per-rep metrics for a period from CRM export rows or CSV paths, as flat rows.

    See ``read_exports``; this returns only the rows.
    """
    return list(
        read_exports(
            period=period,
            opportunities=opportunities,
            activities=activities,
            quotas=quotas,
            teams=teams,
            mapping=mapping,
            every=every,
            strict=strict,
        ).rows
    )


def read_exports(
    *,
    period: str | Period,
    opportunities: Rows | None = None,
    activities: Rows | None = None,
    quotas: Rows | None = None,
    teams: Rows | None = None,
    mapping: str | Path | CrmMapping = "salesforce",
    every: Every = "period",
    strict: bool = False,
    progress: Progress | None = None,
) -> Ingested:
    """Per-rep metrics for `period` (or each week of it) from the exports given.

    Raises:
        InvalidArgument: a file that cannot be read or lacks mapped columns (once, naming
            the export's columns); a mapping without the columns a file needs.
        InvalidMetrics: stage values the mapping does not classify (once, with counts);
            with ``strict``, any bad row.
    """
    when = period if isinstance(period, Period) else parse_period(period)
    if every not in ("period", "week"):
        raise InvalidArgument(f"every: {every!r} is not 'period' or 'week'")
    cut = grid(when, every)
    chosen = load_mapping(mapping)
    bad, owners, accounts = BadRows(), Keys(), Keys()
    exports = _open_all(chosen, opportunities, activities, quotas, teams, bad, progress)
    deals = seen = quota_rows = team_rows = None
    if "opportunities" in exports:
        assert chosen.opportunities is not None
        deals = read_deals(exports["opportunities"], chosen.opportunities, cut, owners, accounts)
        _refuse_unknown_stages(deals, exports["opportunities"], chosen.opportunities)
    if "activities" in exports:
        assert chosen.activities is not None
        seen = read_activities(exports["activities"], chosen.activities, cut, owners, accounts)
    if "quotas" in exports:
        quota_rows = read_quotas(exports["quotas"], cut, owners)
    if "teams" in exports:
        team_rows = read_teams(exports["teams"], owners)
    if strict and len(bad):
        raise bad.strict_error()
    reps = len(owners.ids)
    columns: dict[str, Any] = {}
    if deals is not None:
        columns |= pipeline_columns(deals, cut, reps)
        if team_rows is not None:
            columns |= territory_columns(team_rows, deals, cut, reps)
    if seen is not None:
        columns |= activity_columns(seen, deals, cut, reps)
    if quota_rows is not None:
        columns |= quota_columns(quota_rows, columns.get("pipeline.closed_won"), cut, reps)
    team_of = team_rows.team_of if team_rows is not None else {}
    rows = _rows(owners.names(), columns, cut, team_of)
    files = tuple(
        _summary(kind, export, bad, deals, seen, team_rows) for kind, export in exports.items()
    )
    result = Ingested(rows=rows, files=files)
    result._bad = bad
    return result


def _open_all(
    chosen: CrmMapping,
    opportunities: Rows | None,
    activities: Rows | None,
    quotas: Rows | None,
    teams: Rows | None,
    bad: BadRows,
    progress: Progress | None,
) -> dict[str, Export]:
    """Every file given, opened and its header checked, before any row is read."""
    exports: dict[str, Export] = {}
    if opportunities is not None:
        if chosen.opportunities is None:
            raise InvalidArgument("mapping: has no 'opportunities' columns")
        columns = chosen.opportunities
        wanted = {
            r: getattr(columns, r)
            for r in ("owner", "stage", "amount", "created", "closed", "account")
        }
        exports["opportunities"] = open_export(
            opportunities,
            wanted,
            kind="opportunities",
            optional=("account",),
            bad=bad,
            hint=_preset_hint("opportunities"),
            progress=progress,
        )
    if activities is not None:
        if chosen.activities is None:
            raise InvalidArgument("mapping: has no 'activities' columns")
        acts = chosen.activities
        wanted = {
            r: getattr(acts, r)
            for r in ("owner", "type", "timestamp", "duration", "outcome", "account")
        }
        exports["activities"] = open_export(
            activities,
            wanted,
            kind="activities",
            optional=("duration", "outcome", "account"),
            bad=bad,
            hint=_preset_hint("activities"),
            progress=progress,
        )
    if quotas is not None:
        q = chosen.quotas
        wanted = {
            "rep": q.rep,
            "period": q.period,
            "quota": q.quota,
            "commit": q.commit,
            "forecast": q.forecast,
        }
        exports["quotas"] = open_export(
            quotas,
            wanted,
            kind="quotas",
            optional=("commit", "forecast"),
            bad=bad,
            progress=progress,
        )
    if teams is not None:
        t = chosen.teams
        wanted = {"rep": t.rep, "team": t.team, "manager": t.manager, "region": t.region}
        exports["teams"] = open_export(
            teams,
            wanted,
            kind="teams",
            optional=("manager", "region"),
            bad=bad,
            hint=_preset_hint("teams"),
            progress=progress,
        )
    return exports


def _preset_hint(kind: str) -> Any:
    def hint(header: tuple[str, ...]) -> str:
        have = set(header)
        fits = []
        for name, preset in PRESETS.items():
            group = getattr(preset, kind)
            if group is None:
                continue
            needed = {
                v
                for k, v in group.model_dump().items()
                if isinstance(v, str) and k in _REQUIRED[kind]
            }
            if needed <= have:
                fits.append(name)
        return f" (the {' or '.join(fits)} preset fits this file: --map {fits[0]})" if fits else ""

    return hint


_REQUIRED = {
    "opportunities": ("owner", "stage", "amount", "created", "closed"),
    "activities": ("owner", "type", "timestamp"),
    "teams": ("rep", "team"),
}


def _refuse_unknown_stages(deals: Deals, export: Export, columns: OpportunityColumns) -> None:
    if not deals.unknown_stages:
        return
    listed = "; ".join(
        f"{value!r} ({count:,} rows, first row {first})"
        for value, (count, first) in sorted(deals.unknown_stages.items())
    )
    known = "; ".join(
        f"{group}: {', '.join(values)}"
        for group, values in (("won", columns.won), ("lost", columns.lost), ("open", columns.open))
        if values
    )
    message = f"{listed}: not a stage the mapping knows ({known}); add each under won, lost or open"
    raise InvalidMetrics([Problem(columns.stage, message)], source=export.name)


def _rows(
    names: list[str], columns: Mapping[str, Any], cut: Grid, team_of: Mapping[int, str]
) -> tuple[dict[str, Any], ...]:
    _, _, _, np = arrow()
    known = {path: ~np.isnan(values) for path, values in columns.items()}
    out = []
    for rep in sorted(range(len(names)), key=lambda r: names[r]):
        for b, period in enumerate(cut.periods):
            metrics = {
                path: float(values[rep, b])
                for path, values in columns.items()
                if known[path][rep, b]
            }
            if not metrics:
                continue
            row: dict[str, Any] = {"rep_id": names[rep]}
            if rep in team_of:
                row["team"] = team_of[rep]
            row |= {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
            out.append(row | metrics)
    return tuple(out)


def _summary(
    kind: str, export: Export, bad: BadRows, deals: Deals | None, seen: Any, teams: Any
) -> FileSummary:
    problems = tuple(
        (column, reason, count)
        for (file, column, reason), count in sorted(bad.counts().items())
        if file == export.name
    )
    notes = [f"no column {c!r}: the figures it feeds are left out" for c in export.missing_optional]
    if kind == "activities" and seen is not None:
        if seen.other_types:
            notes.append(
                f"{seen.other_types:,} rows of other types (tasks, notes) are not activity"
            )
        if seen.not_held:
            notes.append(f"{seen.not_held:,} activities did not take place (cancelled, no show)")
    if kind == "teams" and teams is not None and deals is not None:
        missing = len(deals.reps - set(teams.team_of))
        if missing:
            notes.append(
                f"{missing:,} reps with deals are on no team: no territory figures for them"
            )
    return FileSummary(
        file=export.name,
        kind=kind,
        rows=export.rows_read,
        skipped=bad.skipped[export.name],
        problems=problems,
        notes=tuple(notes),
    )
