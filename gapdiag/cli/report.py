"""`gapdiag report POPULATION --out team.html`: the manager's team page as one HTML file.

The population is diagnosed with `diagnose_many` and rendered by the notebook room's team
report; ``--out -`` writes the page to standard output. Bad rows are listed on the page
and make the exit status 1, as with ``gapdiag diagnose`` on a population.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._batch import diagnosed
from gapdiag.cli._io import (
    ExitStatus,
    add_format,
    add_out,
    add_strict,
    is_stdout,
    subcommand,
    write_output,
)
from gapdiag.model.wording import counted
from gapdiag.notebook.report import TITLE, team_report


def register(commands: Any) -> None:
    """Add the `report` subcommand."""
    run = subcommand(
        commands,
        "report",
        summary="team report: one self-contained HTML page for a whole population",
        description="Diagnose a population and write the manager's team page: reps per gap, "
        "team-wide causes, a sortable leaderboard, one line per rep with a link to the full "
        "diagnosis, and what to collect. The page needs no network and opens from a mail.",
        examples=(
            "gapdiag report examples/team.csv --out team.html",
            "gapdiag report examples/team.csv --history examples/team-weeks.csv --out team.html",
        ),
    )
    run.add_argument("population", help="population file (.csv, .parquet, .xlsx or .json)")
    add_out(run, "the HTML file to write", required=True)
    add_format(run, ("html",), follows_out=True)
    run.add_argument(
        "--team-by", default="team", help="column that groups reps into teams (default: team)"
    )
    add_strict(run)
    run.add_argument(
        "--history", type=Path, help="weekly coaching history CSV with a rep_id column"
    )
    run.add_argument(
        "--names",
        type=Path,
        help="teams file (CSV) with a rep_id or Rep column and a Name column: reps shown by name",
    )
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--title", default=TITLE, help=f"page title (default: {TITLE!r})")
    run.add_argument(
        "--detail",
        choices=("auto", "full", "brief"),
        default="auto",
        help="how much of each rep's diagnosis to show (auto: full up to 1,000 reps)",
    )
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Diagnose the population, render the team report and write it to `args.out`."""
    batch = diagnosed(Path(args.population), args)
    interventions = args.rules if args.rules is not None and args.rules.is_dir() else None
    page = team_report(
        batch,
        history=args.history,
        title=args.title,
        interventions=interventions,
        detail=args.detail,
        names=args.names,
        sources=_sources(args),
    )
    write_output(args.out, page, out)
    if not is_stdout(args.out):
        summary = batch.summary
        rows = counted(summary.bad_rows, "bad row")
        bad = f", {rows} listed on the page" if summary.bad_rows else ""
        out.write(f"{args.out}: {counted(summary.diagnosed, 'rep')}{bad}\n")
    return ExitStatus.FINDINGS if batch.summary.bad_rows else ExitStatus.OK


def _sources(args: argparse.Namespace) -> list[str]:
    """The files the page was made from, by name, for its header."""
    named = [("population", Path(args.population)), ("weekly history", args.history)]
    named += [("names", args.names), ("rules", args.rules), ("targets", args.targets)]
    return [f"{what} {path.name}" for what, path in named if path is not None]
