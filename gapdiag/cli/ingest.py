"""`gapdiag ingest`: CRM exports -> one row of metrics per rep for a period, as CSV."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import ExitStatus, check_input, write_file
from gapdiag.model._text import csv_cell
from gapdiag.model.metrics import METRICS
from gapdiag.sources.crm import PRESETS
from gapdiag.sources.ingest import ingest


def register(commands: Any) -> None:
    """Add the `ingest` subcommand."""
    run = commands.add_parser("ingest", help="turn CRM exports into per-rep metrics (CSV)")
    run.add_argument("opportunities", nargs="?", type=Path, help="opportunity export (.csv)")
    run.add_argument("--activities", type=Path, help="activity export (.csv)")
    run.add_argument(
        "--map",
        default="salesforce",
        help=f"a preset ({', '.join(PRESETS)}) or a mapping YAML file (default: salesforce)",
    )
    run.add_argument("--period", required=True, help="2017-Q2, 2017-W14, 2017-05 or 2017")
    run.add_argument("--out", type=Path, required=True, help="where to write the reps (.csv)")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Read the exports, compute each rep's metrics for the period, write them as CSV."""
    for given in (args.opportunities, args.activities):
        if given is not None:
            check_input(given, utf8=True)
    rows = ingest(
        period=args.period,
        opportunities=args.opportunities,
        activities=args.activities,
        mapping=args.map,
    )
    header = ["rep_id", "period_start", "period_end"]
    header += [m for m in METRICS if any(m in r for r in rows)]

    def save(path: Path) -> None:
        with path.open("w", newline="", encoding="utf-8") as handle_:
            writer = csv.DictWriter(handle_, fieldnames=header)
            writer.writeheader()
            writer.writerows({k: csv_cell(v) for k, v in r.items()} for r in rows)

    write_file(args.out, save)
    out.write(f"{len(rows)} reps for {args.period} -> {args.out}\n")
    return ExitStatus.OK
