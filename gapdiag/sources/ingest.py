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

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._arrow import require_arrow
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._inputs import Progress, Rows
from gapdiag.sources.crm import PRESETS, CrmMapping, load_mapping
from gapdiag.sources.periods import Every, Period, grid, parse_period

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
        """Write every problem as CSV: file, row, column, value, reason (formula-safe)."""
        self._bad.write(path)

    def errors_csv(self) -> str:
        """Every problem as CSV text: file, row, column, value, reason (formula-safe)."""
        return self._bad.csv()


_KINDS = {
    "opportunities": "opportunity export",
    "activities": "activity export",
    "quotas": "quota sheet",
    "teams": "teams file",
}


def sources_named(files: Sequence[FileSummary], mapping: str | Path | CrmMapping) -> list[str]:
    """Each export file read, in words for a page's header, then the mapping they were read
    with: ['opportunity export deals.csv', 'hubspot mapping'].

    File names only (no folders); a ``;`` in one reads ``,`` (``;`` joins the names in a
    CSV cell). None when no file was read.
    """
    named = [f"{_KINDS.get(f.kind, f.kind)} {_name(f.file)}" for f in files]
    if not named:
        return []
    if isinstance(mapping, str) and mapping in PRESETS:
        return [*named, f"{mapping} mapping"]
    if isinstance(mapping, str | Path):
        return [*named, f"mapping {_name(mapping)}"]
    return named


def _name(path: str | Path) -> str:
    return Path(path).name.replace(";", ",")


def _paths(given: Iterable[object]) -> set[str]:
    """The files among the exports given (rows passed in memory are no file)."""
    out: set[str] = set()
    for value in given:
        items = value if isinstance(value, list | tuple) else [value]
        out.update(str(item) for item in items if isinstance(item, str | Path))
    return out


def ingest(
    *,
    period: str | Period,
    opportunities: Rows | Sequence[str | Path] | None = None,
    activities: Rows | Sequence[str | Path] | None = None,
    quotas: Rows | None = None,
    teams: Rows | None = None,
    mapping: str | Path | CrmMapping = "salesforce",
    every: Every = "period",
    strict: bool = False,
    activities_until: dt.date | None = None,
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
            activities_until=activities_until,
        ).rows
    )


def read_exports(
    *,
    period: str | Period,
    opportunities: Rows | Sequence[str | Path] | None = None,
    activities: Rows | Sequence[str | Path] | None = None,
    quotas: Rows | None = None,
    teams: Rows | None = None,
    mapping: str | Path | CrmMapping = "salesforce",
    every: Every = "period",
    strict: bool = False,
    progress: Progress | None = None,
    activities_until: dt.date | None = None,
) -> Ingested:
    """Per-rep metrics for `period` (or each week of it) from the exports given.

    `activities_until` is the last day activities count (the day the activity export was
    pulled, for a period still running): later ones are left out, and rates a day and a
    week count working days up to it. Without it they count every working day of the
    period, unless the activities stop a week or more before it ends: then the days up
    to the last activity.

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
    if activities_until is not None and activities_until < cut.periods[0].start:
        raise InvalidArgument(
            f"activities_until: {activities_until.isoformat()} is before {when.label} starts"
            f" ({when.start.isoformat()}); expected a day in or after the period"
        )
    chosen = load_mapping(mapping)
    require_arrow()
    from gapdiag.sources._assemble import assemble
    from gapdiag.sources._columnar import NotUtf8, ReadAgain, Unread
    from gapdiag.sources._open import open_all

    bad = BadRows()
    sources = {
        "opportunities": opportunities,
        "activities": activities,
        "quotas": quotas,
        "teams": teams,
    }
    if all(given is None for given in sources.values()):
        raise InvalidArgument(
            "ingest: no export given (an opportunity export, --activities, --quotas or --teams)"
        )
    rescan: set[Path] = set()  # files a row of which was not UTF-8: read line by line
    as_text: set[Path] = set()  # files with an amount not a plain number: read as text
    whole: set[Path] = set()  # files with a row empty but for columns not read: read all
    while True:
        exports = open_all(chosen, sources, bad, progress, rescan, as_text, whole)
        try:
            rows, summaries = assemble(
                exports, chosen, cut, bad, strict=strict, activities_until=activities_until
            )
        except ReadAgain as found:
            again = (
                rescan
                if isinstance(found, NotUtf8)
                else whole
                if isinstance(found, Unread)
                else as_text
            )
            if found.path in again:  # pragma: no cover - a file read that way raises none
                raise
            again.add(found.path)
            bad = BadRows()
            continue
        break
    files = tuple(
        FileSummary(
            file=export.name,
            kind=kind,
            rows=read,
            skipped=skipped,
            problems=problems,
            notes=notes,
        )
        for (kind, export), (read, skipped, problems, notes) in zip(exports, summaries, strict=True)
    )
    named = sources_named([f for f in files if f.file in _paths(sources.values())], mapping)
    if named:
        rows = tuple({**row, "sources": named} for row in rows)
    result = Ingested(rows=rows, files=files)
    result._bad = bad
    return result
