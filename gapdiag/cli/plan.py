"""`gapdiag plan`: a rep's coaching plan as text, Markdown or JSON, and optionally an .ics file."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import (
    TEAM_HELP,
    ExitStatus,
    add_format,
    add_out,
    display_name,
    is_stdout,
    iso_date,
    read_json,
    read_targets,
    read_team,
    subcommand,
)
from gapdiag.coaching.history import RepHistory, read_history_csv
from gapdiag.coaching.ics import DEFAULT_TZ, time_zone, to_ics
from gapdiag.coaching.plan import plan
from gapdiag.coaching.scorecard import Scorecard
from gapdiag.model._output import Outputs
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.model.metrics import parse_metrics


def register(commands: Any) -> None:
    """Add the `plan` subcommand."""
    run = subcommand(
        commands,
        "plan",
        summary="coaching plan for one rep from a JSON file",
        description="Build a rep's coaching plan for the quarter: the focus gap and its goal, "
        "drills, a GROW 1:1 agenda with the rep's numbers, the weekly sessions on working "
        "days, and, given weekly history, whether to continue, extend or escalate.",
        examples=(
            "gapdiag plan examples/will-rep.json --history examples/weeks.csv",
            "gapdiag plan rep.json --start 2026-07-06 --country DE --tz Europe/Berlin "
            "--ics plan.ics",
            "gapdiag plan rep.json --format markdown --out plan.md",
        ),
    )
    run.add_argument("file", help="rep metrics as JSON, or '-' for standard input")
    run.add_argument("--history", type=Path, help="weekly history CSV (dotted metric columns)")
    run.add_argument(
        "--start",
        type=iso_date,
        help="first day of coaching, YYYY-MM-DD (default: the Monday after the history's "
        "last week, else the next Monday from today)",
    )
    add_out(run, "also write the sessions as iCalendar to this .ics file", flag="--ics")
    run.add_argument(
        "--tz",
        default=DEFAULT_TZ,
        help=f"time zone of the .ics session times, e.g. Europe/Berlin (default {DEFAULT_TZ})",
    )
    run.add_argument(
        "--country",
        help="skip this country's public holidays, ISO code such as DE or US (default: "
        "weekends only)",
    )
    run.add_argument("--subdivision", help="the country's state or region, e.g. BY for Bavaria")
    add_format(run, ("text", "markdown", "json"))
    add_out(run, "write the plan to this file instead of standard output")
    run.add_argument("--scorecard", type=Path, help="JSON of rep vs manager ratings (1-5)")
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--team", type=Path, help=TEAM_HELP)
    run.add_argument("--weeks", type=int, default=13, help="weeks of sessions (default 13)")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Build the plan for the rep in `args.file` and print it."""
    time_zone(args.tz)  # a wrong zone is refused even without --ics, never ignored
    rep = parse_metrics(read_json(args.file), source=display_name(args.file))
    history = read_history_csv(args.history) if args.history else None
    result = plan(
        rep,
        start=args.start or default_start(history, dt.date.today()),
        history=history,
        scorecard=_scorecard(args.scorecard),
        rules=args.rules,
        targets=read_targets(args.targets),
        team=read_team(args.team),
        weeks=args.weeks,
        country=args.country,
        subdivision=args.subdivision,
    )
    text = result.to_json() + "\n" if args.format == "json" else result.render(fmt=args.format)
    if args.ics and is_stdout(args.ics) and (args.out is None or is_stdout(args.out)):
        raise InvalidArgument("--ics -: standard output already holds the plan; give --out FILE")
    with Outputs(out) as outputs:  # the plan and its calendar, or neither
        if args.ics:
            ics = to_ics(result.sessions, rep_id=result.rep_id, tz=args.tz)
            outputs.write(args.ics, ics, "--ics")
        outputs.write(args.out or "-", text, "--out")
    return ExitStatus.OK


def default_start(history: RepHistory | None, today: dt.date) -> dt.date:
    """The Monday after the history's last week, or else the first Monday from `today`."""
    try:
        if history is not None:
            return history.starts[-1] + dt.timedelta(weeks=1)
        return today + dt.timedelta(days=-today.weekday() % 7)
    except OverflowError:
        raise InvalidArgument(
            "start: the calendar ends before the next week; give --start"
        ) from None


def _scorecard(path: Path | None) -> Scorecard | None:
    if path is None:
        return None
    try:
        return Scorecard.model_validate(read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None
