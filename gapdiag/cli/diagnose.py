"""`gapdiag diagnose`: one rep's diagnosis as an explanation, Markdown or JSON; or a population.

A .csv, .parquet or .xlsx file, or any file given with ``--out``, is a population: every row is
diagnosed by ``diagnose_many`` (see ``_batch``).
"""

from __future__ import annotations

import argparse
import codecs
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.cli import _batch
from gapdiag.cli._io import (
    TEAM_HELP,
    ExitStatus,
    add_format,
    add_format_alias,
    add_out,
    add_strict,
    read_targets,
    read_team,
    subcommand,
)
from gapdiag.cli._team import one_rep
from gapdiag.engines.compiled import ENGINES, diagnose, trace
from gapdiag.model._input import open_input
from gapdiag.model.diagnosis import RuleTrace
from gapdiag.model.errors import InvalidArgument
from gapdiag.notebook.explain import explain


def register(commands: Any) -> None:
    """Add the `diagnose` subcommand."""
    run = subcommand(
        commands,
        "diagnose",
        summary="diagnose one rep (JSON) or a population (.csv/.parquet/.json --out)",
        description="Diagnose one rep: a verdict on each gap (skill, will, knowledge, system) "
        "with its evidence, what is still unknown and what to do. A .csv, .parquet or .xlsx file, "
        "or any file with --out, is a population: every row is diagnosed and the results "
        "are written to --out, with bad rows in an errors file.",
        examples=(
            "gapdiag diagnose examples/will-rep.json",
            "gapdiag diagnose examples/will-rep.json --format json",
            "gapdiag diagnose - --format markdown < rep.json",
            "gapdiag diagnose reps.csv --out results.parquet",
            "gapdiag diagnose reps.csv --rep 'Ben Cole'",
            "gapdiag diagnose reps.csv --out - --format json | jq .",
        ),
    )
    run.add_argument(
        "file", help="rep metrics as JSON ('-' for standard input), or a population file"
    )
    add_format(run, ("text", "markdown", "json"))
    add_format_alias(run, "--json")  # deprecated spellings of --format json / markdown
    add_format_alias(run, "--markdown")
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--team", type=Path, help="one rep: " + TEAM_HELP)
    run.add_argument(
        "--rep",
        metavar="NAME",
        help="diagnose this rep of a population file (.csv/.parquet/.xlsx/.json list), judged with "
        "the team, as the population's results judge it",
    )
    run.add_argument(
        "--engine",
        choices=ENGINES,
        default="compiled",
        help="rule engine: compiled (default), or durable (durable-rules' Rete engine,"
        " Python < 3.13), which gives the same answers",
    )
    run.add_argument(
        "--trace", action="store_true", help="also list every rule, fired or not, with its checks"
    )
    run.add_argument(
        "--counterfactuals",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="one rep: also show the smallest one-metric change that clears each firing rule",
    )
    add_out(
        run,
        "population mode: write one row per rep (.csv/.parquet/.json; CSV, or JSON with "
        "--format json, on standard output)",
    )
    add_out(
        run,
        "population mode: bad rows file (default: OUT.errors.csv)",
        flag="--errors",
        stdout=False,
    )
    run.add_argument(
        "--team-by",
        default="team",
        help="column that groups reps into teams, for the rules comparing a rep with their"
        " team (default: team; '' = the whole file is one team)",
    )
    add_strict(run)
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Diagnose the rep in `args.file` and print the result (or run a population)."""
    if args.rep is not None and args.out is not None:
        raise InvalidArgument(
            "--out: --rep explains one rep here; leave --out out to diagnose the whole file"
        )
    if args.rep is None and _batch.is_batch(args):
        if _one_rep_object(args.file):
            raise InvalidArgument(
                f"--out {args.out}: {args.file} holds one rep (a JSON object), and --out writes"
                f" a population's results; for this rep's diagnosis in a file, run: gapdiag"
                f" diagnose {args.file} --format json > {args.out}"
            )
        if args.team is not None:
            raise InvalidArgument(
                "--team: a population works out its team values itself; use --team-by"
            )
        return _batch.handle(args, out)
    data = one_rep(args, "diagnose")
    targets = read_targets(args.targets)
    team = read_team(args.team)
    result = diagnose(
        data,
        rules=args.rules,
        targets=targets,
        engine=args.engine,
        team=team,
        counterfactuals=args.counterfactuals,
    )
    traces = trace(data, rules=args.rules, targets=targets, team=team) if args.trace else ()
    if args.format == "json":
        document = result.to_dict()
        if args.trace:
            document["trace"] = [t.model_dump(mode="json") for t in traces]
        out.write(json.dumps(document, indent=2) + "\n")
        return ExitStatus.OK
    out.write(explain(result, fmt=args.format))
    if args.trace:
        out.write("\nEvery rule on this rep:\n" + "".join(_trace_line(t) for t in traces))
    return ExitStatus.OK


def _one_rep_object(file: str) -> bool:
    """Whether a .json input opens with one object (a rep), not a list of reps."""
    if Path(file).suffix.lower() != ".json" or not Path(file).is_file():
        return False
    with open_input(Path(file), name="population_bytes") as handle:
        return handle.read(512).lstrip(codecs.BOM_UTF8).lstrip().startswith(b"{")


def _trace_line(rule: RuleTrace) -> str:
    outcome = {True: "fired", False: "quiet", None: "open"}[rule.outcome]
    checks = "; ".join(
        f"{c.text} -> {c.result}" + (f" (by {c.distance:+.4g})" if c.distance is not None else "")
        for c in rule.checks
    )
    return f"  {outcome:<5} {rule.rule} [{rule.gap} {rule.certainty:+.2f}]: {checks}\n"
