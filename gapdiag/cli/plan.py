"""`gapdiag plan`: a rep's coaching plan as text, Markdown or JSON, and optionally an .ics file."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import ExitStatus, InputFileError, display_name, read_json, read_targets
from gapdiag.coaching.history import RepHistory, read_history_csv
from gapdiag.coaching.ics import DEFAULT_TZ, to_ics
from gapdiag.coaching.plan import plan
from gapdiag.coaching.scorecard import Scorecard
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.model.metrics import parse_metrics


def register(commands: Any) -> None:
    """Add the `plan` subcommand."""
    run = commands.add_parser("plan", help="coaching plan for one rep from a JSON file")
    run.add_argument("file", help="rep metrics as JSON, or '-' for standard input")
    run.add_argument("--history", type=Path, help="weekly history CSV (dotted metric columns)")
    run.add_argument(
        "--start",
        type=_date,
        help="first day of coaching, YYYY-MM-DD (default: the Monday after the history's "
        "last week, else the next Monday from today)",
    )
    run.add_argument("--ics", type=Path, help="also write the sessions to this .ics file")
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
    run.add_argument(
        "--format", choices=("text", "markdown", "json"), default="text", help="output format"
    )
    run.add_argument("--scorecard", type=Path, help="JSON of rep vs manager ratings (1-5)")
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--weeks", type=int, default=13, help="weeks of sessions (default 13)")
    run.set_defaults(handler=handle)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Build the plan for the rep in `args.file` and print it."""
    rep = parse_metrics(read_json(args.file), source=display_name(args.file))
    history = read_history_csv(args.history) if args.history else None
    result = plan(
        rep,
        start=args.start or default_start(history, dt.date.today()),
        history=history,
        scorecard=_scorecard(args.scorecard),
        rules=args.rules,
        targets=read_targets(args.targets),
        weeks=args.weeks,
        country=args.country,
        subdivision=args.subdivision,
    )
    if args.ics:
        data = to_ics(result.sessions, rep_id=result.rep_id, tz=args.tz)
        try:
            args.ics.write_bytes(data)
        except OSError as error:
            raise InputFileError(f"{args.ics}: cannot write: {error.strerror}") from None
    if args.format == "json":
        out.write(result.to_json() + "\n")
    else:
        out.write(result.render(fmt=args.format))
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
