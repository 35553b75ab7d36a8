"""`gapdiag plan`: a rep's coaching plan as text, Markdown, HTML or JSON, and optionally .ics.

The rep comes from a JSON file, or from a team file (``reps.csv``, as ``ingest`` writes
it) with ``--rep NAME``: the team is diagnosed as one batch, grouped into teams as every
population command groups them, so the plan's verdict is the one the team page shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import (
    NAMED_FORMS,
    TEAM_HELP,
    ExitStatus,
    OutputFileError,
    add_format,
    add_out,
    add_strict,
    is_stdout,
    iso_date,
    read_json,
    read_targets,
    read_team,
    subcommand,
)
from gapdiag.cli._team import one_rep
from gapdiag.coaching.history import read_history_csv
from gapdiag.coaching.ics import time_zone, to_ics
from gapdiag.coaching.log import read_coaching_log
from gapdiag.coaching.plan import plan
from gapdiag.coaching.scorecard import Scorecard
from gapdiag.coaching.start import default_start
from gapdiag.model._output import Outputs
from gapdiag.model.errors import InvalidArgument, InvalidMetrics


def register(commands: Any) -> None:
    """Add the `plan` subcommand."""
    run = subcommand(
        commands,
        "plan",
        summary="coaching plan for one rep (a JSON file, or a team file with --rep)",
        description="Build a rep's coaching plan for the quarter: where the rep stands, the "
        "focus gap and its goal, one skill at a time, a GROW 1:1 agenda with the rep's "
        "numbers, the weekly sessions on working days, and, given weekly history and the day "
        "coaching began, whether to continue, extend or escalate.",
        examples=(
            "gapdiag plan reps.csv --rep 'Ben Cole' --history weeks.csv --since 2017-05-08",
            "gapdiag plan examples/will-rep.json --history examples/weeks.csv "
            "--log examples/coaching-log.csv",
            "gapdiag plan rep.json --start 2026-07-06 --country DE --ics plan.ics",
            "gapdiag plan rep.json --format html --out plan.html",
        ),
    )
    run.add_argument(
        "file", help="rep metrics as JSON ('-' for standard input), or a team file with --rep"
    )
    run.add_argument(
        "--rep",
        metavar="NAME",
        help="plan this rep of a team file (.csv/.parquet/.xlsx/.json list), judged with the team",
    )
    run.add_argument(
        "--history",
        type=Path,
        help="weekly history CSV, period to date (`ingest --every week` writes it); a team's "
        "file is read for this rep's rows",
    )
    run.add_argument(
        "--since",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the day coaching on this focus began: weeks before it are the baseline; "
        "without it (or --log) there is no escalation decision, only trends",
    )
    run.add_argument(
        "--log",
        type=Path,
        help="coaching log CSV: date,kind,note[,focus,due,rep_id]; its first 1:1 on the "
        "focus is the coaching start",
    )
    run.add_argument(
        "--start",
        type=iso_date,
        help="first day of the plan's sessions, YYYY-MM-DD (default: the Monday after the "
        "history's last week, else after the figures' as_of, else the next Monday)",
    )
    add_out(run, "also write the sessions as iCalendar to this .ics file", flag="--ics")
    run.add_argument(
        "--tz",
        help="time zone of the session times, e.g. America/New_York (default: the main zone "
        "of --country, else this computer's)",
    )
    run.add_argument(
        "--country",
        help="move sessions off this country's public holidays, ISO code such as DE or US "
        "(default: weekends only)",
    )
    run.add_argument("--subdivision", help="the country's state or region, e.g. BY for Bavaria")
    add_format(run, ("text", "markdown", "html", "json"), follows_out=True)
    add_out(run, "write the plan to this file instead of standard output")
    run.add_argument("--scorecard", type=Path, help="JSON of rep vs manager ratings (1-5)")
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--team", type=Path, help=TEAM_HELP)
    add_strict(run)
    run.add_argument("--weeks", type=int, default=13, help="weeks of sessions (default 13)")
    run.set_defaults(handler=handle)


def _check_ics_name(path: Path | None) -> None:
    """Refuse a calendar named as another form (``plan.txt``, ``plan.pdf``), before any work."""
    if path is None or is_stdout(path):
        return
    suffix = path.suffix.lower()
    if suffix in NAMED_FORMS:
        raise OutputFileError(
            f"--ics {path}: writes an iCalendar file, not {suffix}; name it {path.stem}.ics"
        )


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Build the plan for the rep in `args.file` and print it."""
    if args.tz is not None:
        time_zone(args.tz)  # a wrong zone is refused at once, in one line
    _check_ics_name(args.ics)
    rep = one_rep(args, "plan")
    history = read_history_csv(args.history, rep_id=rep.rep_id) if args.history else None
    log = read_coaching_log(args.log, rep_id=rep.rep_id) if args.log else None
    result = plan(
        rep,
        start=args.start or default_start(history, rep, dt.date.today()),
        since=args.since,
        log=log,
        history=history,
        scorecard=_scorecard(args.scorecard),
        rules=args.rules,
        targets=read_targets(args.targets),
        team=read_team(args.team),
        weeks=args.weeks,
        country=args.country,
        subdivision=args.subdivision,
        tz=args.tz,
    )
    text = result.to_json() + "\n" if args.format == "json" else result.render(fmt=args.format)
    if args.ics and is_stdout(args.ics) and (args.out is None or is_stdout(args.out)):
        raise InvalidArgument("--ics -: standard output already holds the plan; give --out FILE")
    with Outputs(out) as outputs:  # the plan and its calendar, or neither
        if args.ics:
            ics = to_ics(result.sessions, rep_id=result.rep_id, tz=result.time_zone)
            outputs.write(args.ics, ics, "--ics")
        outputs.write(args.out or "-", text, "--out")
    return ExitStatus.OK


def _scorecard(path: Path | None) -> Scorecard | None:
    if path is None:
        return None
    try:
        return Scorecard.model_validate(read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None
