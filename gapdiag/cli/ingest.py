"""`gapdiag ingest`: CRM exports -> one row of metrics per rep for a period, as CSV."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import ExitStatus, add_format, add_out, is_stdout, subcommand, write_output
from gapdiag.model.metrics import METRICS
from gapdiag.sources.crm import PRESETS
from gapdiag.sources.ingest import ingest


def register(commands: Any) -> None:
    """Add the `ingest` subcommand."""
    run = subcommand(
        commands,
        "ingest",
        summary="turn CRM exports into per-rep metrics (CSV)",
        description="Read CRM exports (opportunities, activities) through a column mapping "
        "and write one row of metrics per rep for a period, ready for `gapdiag diagnose`.",
        examples=(
            "gapdiag ingest opportunities.csv --activities activities.csv "
            "--period 2017-Q2 --out reps.csv",
            "gapdiag ingest opps.csv --map hubspot --period 2017-05 --out - --format json",
        ),
    )
    run.add_argument("opportunities", nargs="?", type=Path, help="opportunity export (.csv)")
    run.add_argument("--activities", type=Path, help="activity export (.csv)")
    run.add_argument(
        "--map",
        default="salesforce",
        help=f"a preset ({', '.join(PRESETS)}) or a mapping YAML file (default: salesforce)",
    )
    run.add_argument("--period", required=True, help="2017-Q2, 2017-W14, 2017-05 or 2017")
    add_out(run, "where to write the reps", required=True)
    add_format(run, ("csv", "json"))
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Read the exports, compute each rep's metrics for the period, write them as CSV."""
    rows = ingest(
        period=args.period,
        opportunities=args.opportunities,
        activities=args.activities,
        mapping=args.map,
    )
    header = ["rep_id", "period_start", "period_end"]
    header += [m for m in METRICS if any(m in r for r in rows)]
    if args.format == "json":
        records = [{k: r[k] for k in header if k in r} for r in rows]
        text = json.dumps(records, indent=1, default=str) + "\n"  # dates as YYYY-MM-DD
    else:
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
        text = buffer.getvalue()
    write_output(args.out, text, out)
    note = f"{len(rows)} reps for {args.period} -> {args.out}\n"
    (args.stderr if is_stdout(args.out) else out).write(note)
    return ExitStatus.OK
