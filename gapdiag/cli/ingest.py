"""`gapdiag ingest`: CRM exports -> one row of metrics per rep for a period (or per week).

Prints a summary per file (rows read, rows skipped, problems by column and reason) and
writes every bad row once to the errors file. With ``--diagnose RESULTS`` the rows go
straight on to ``diagnose_many``: raw exports to a diagnosed team in one command.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import (
    ExitStatus,
    add_format,
    add_out,
    is_stdout,
    iso_date,
    subcommand,
    write_output,
)
from gapdiag.model._text import csv_cell
from gapdiag.model.metrics import METRICS
from gapdiag.model.rows import PROXY_SEPARATOR
from gapdiag.sources.crm import PRESETS
from gapdiag.sources.ingest import Ingested, read_exports

_KEYS = ("rep_id", "team", "period_start", "period_end", "as_of")


def register(commands: Any) -> None:
    """Add the `ingest` subcommand."""
    run = subcommand(
        commands,
        "ingest",
        summary="turn CRM exports into per-rep metrics (CSV)",
        description="Read CRM exports (opportunities, activities, a quota sheet, a teams file) "
        "through a column mapping and write one row of metrics per rep for a period (or per "
        "week), ready for `gapdiag diagnose`; bad rows are skipped and listed once.",
        examples=(
            "gapdiag ingest opportunities.csv --activities activities.csv "
            "--period 2017-Q2 --out reps.csv",
            "gapdiag ingest opps.csv --map hubspot --period 2017-05 --out - --format json",
            "gapdiag ingest opps.csv --activities acts.csv --quotas quotas.csv --teams teams.csv "
            "--period 2026-Q3 --out reps.csv --diagnose results.csv",
        ),
    )
    run.add_argument("opportunities", nargs="?", type=Path, help="opportunity export (.csv)")
    run.add_argument(
        "--activities",
        type=Path,
        action="append",
        help="activity export (.csv); repeat for several (calls, emails, meetings)",
    )
    run.add_argument(
        "--quotas", type=Path, help="quota sheet: rep, period, quota[, commit, forecast]"
    )
    run.add_argument("--teams", type=Path, help="teams file: rep -> team (manager, region)")
    run.add_argument(
        "--map",
        default="salesforce",
        help=f"a preset ({', '.join(PRESETS)}) or a mapping YAML file (default: salesforce)",
    )
    run.add_argument("--period", required=True, help="2017-Q2, 2017-W14, 2017-05 or 2017")
    run.add_argument(
        "--activities-until",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="count activities up to this day, e.g. the day the export was pulled "
        "(default: the period's end, or the last activity if a week or more before it)",
    )
    run.add_argument(
        "--every",
        choices=("period", "week"),
        default="period",
        help="one row per rep for the period, or per rep and ISO week (a weekly history)",
    )
    add_out(run, "where to write the reps", required=True)
    add_format(run, ("csv", "json"))
    run.add_argument("--errors", type=Path, help="bad rows file (default: OUT.errors.csv)")
    run.add_argument(
        "--strict", action="store_true", help="fail on any bad row instead of skipping it"
    )
    run.add_argument(
        "--history-dir",
        type=Path,
        help="also write one CSV per rep (REP.csv) for `gapdiag plan --history`",
    )
    run.add_argument(
        "--diagnose",
        type=Path,
        metavar="RESULTS",
        help="also diagnose every row into RESULTS (.csv/.parquet/.json)",
    )
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Read the exports, compute each rep's metrics, write them and the errors file."""
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    result = read_exports(
        period=args.period,
        opportunities=args.opportunities,
        activities=args.activities,
        quotas=args.quotas,
        teams=args.teams,
        mapping=args.map,
        every=args.every,
        activities_until=args.activities_until,
        strict=args.strict,
        progress=progress,
    )
    if progress is not None:
        progress.finish()
    write_output(args.out, rows_text(result.rows, args.format), out)
    errors = args.errors or _errors_path(args.out)
    if result.bad_rows:
        result.write_errors(errors)
    if args.history_dir is not None:
        write_histories(result.rows, args.history_dir)
    (args.stderr if is_stdout(args.out) else out).write(summary(result, args, errors))
    if args.diagnose is not None:
        _diagnose(result, args, out)
    return ExitStatus.FINDINGS if result.bad_rows else ExitStatus.OK


def _errors_path(out: Path) -> Path:
    return Path("ingest.errors.csv") if is_stdout(out) else out.with_name(f"{out.stem}.errors.csv")


def rows_text(rows: Sequence[dict[str, Any]], fmt: str = "csv") -> str:
    """Rows as CSV (or JSON records): the keys first, then every metric some row has."""
    header = [k for k in _KEYS if any(k in r for r in rows)]
    header += [m for m in METRICS if any(m in r for r in rows)]
    header += ["proxies"] if any("proxies" in r for r in rows) else []
    if fmt == "json":
        records = [{k: r[k] for k in header if k in r} for r in rows]
        return json.dumps(records, indent=1, default=str) + "\n"  # dates as YYYY-MM-DD
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=header)
    writer.writeheader()
    writer.writerows({k: csv_cell(_flat(k, v)) for k, v in r.items()} for r in rows)
    return buffer.getvalue()


def _flat(key: str, value: Any) -> Any:
    """A row's value as one CSV cell: the proxies list joined as `gapdiag diagnose` reads it."""
    return PROXY_SEPARATOR.join(value) if key == "proxies" else value


def write_rows(rows: Sequence[dict[str, Any]], path: Path) -> None:
    """Write rows as a CSV file."""
    path.write_text(rows_text(rows), encoding="utf-8", newline="")


def write_histories(rows: Sequence[dict[str, Any]], folder: Path) -> None:
    """One CSV per rep, weeks oldest first, as `gapdiag plan --history` reads it."""
    folder.mkdir(parents=True, exist_ok=True)
    by_rep: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_rep.setdefault(row["rep_id"], []).append(row)
    for rep, weeks in by_rep.items():
        write_rows(weeks, folder / f"{_file_name(rep)}.csv")


def _file_name(rep: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", rep).strip("._") or "rep"


def summary(result: Ingested, args: argparse.Namespace, errors: Path) -> str:
    """Rows per file, skipped rows, problems by column and reason, and where things went."""
    lines = []
    for file in result.files:
        used = file.rows - file.skipped
        lines.append(
            f"{file.kind}: {file.file}: {file.rows:,} rows, {used:,} used, {file.skipped:,} skipped"
        )
        lines += [f"  {count:,} x {column}: {reason}" for column, reason, count in file.problems]
        lines += [f"  note: {note}" for note in file.notes]
    reps = len({r["rep_id"] for r in result.rows})
    unit = "rep-week" if args.every == "week" else "rep"
    count = len(result.rows) if args.every == "week" else reps
    lines.append(f"{count:,} {unit}{'s' * (count != 1)} for {args.period} -> {args.out}")
    if result.bad_rows:
        noun = "problem" if result.bad_rows == 1 else "problems, one line each"
        lines.append(f"{result.bad_rows:,} {noun} -> {errors}")
    if args.history_dir is not None:
        lines.append(f"{reps:,} weekly histor{'ies' if reps != 1 else 'y'} -> {args.history_dir}")
    return "\n".join(lines) + "\n"


def _diagnose(result: Ingested, args: argparse.Namespace, out: IO[str]) -> None:
    from gapdiag.cli._batch import summary_table
    from gapdiag.engines.vector._frames import write
    from gapdiag.engines.vector.batch import diagnose_many

    batch = diagnose_many(list(result.rows))
    write(batch.frame, args.diagnose)
    out.write(
        summary_table(
            batch, args.diagnose, args.diagnose.with_name(f"{args.diagnose.stem}.errors.csv")
        )
    )


class _Progress:
    """A one-line 'reading FILE: 42%' on a terminal, redrawn at most ten times a second."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, name: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.1 and done < total:
            return
        self.drawn = now
        share = done / total if total else 1.0
        self.stream.write(f"\rreading {name}: {share:4.0%} ({now - self.started:.1f} s)   ")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
