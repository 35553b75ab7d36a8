"""`gapdiag rules diff OLD NEW`: whose verdict a rule change moves, for a pull request."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.checks.coverage import example_reps, population_reps
from gapdiag.checks.diff_report import to_markdown, to_text
from gapdiag.checks.pack_diff import diff_packs
from gapdiag.cli._io import (
    ExitStatus,
    add_format,
    add_format_alias,
    add_out,
    subcommand,
    write_output,
)
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.rulebook.pack import load_rules
from gapdiag.sources.repfile import read_reps


def register(actions: Any) -> None:
    """Add `rules diff`."""
    run = subcommand(
        actions,
        "diff",
        summary="diagnose reps under two packs and report what moved",
        description="Diagnose the same reps under the pack before and after a change and "
        "report whose primary gap or verdict moved, for a pull request. Without "
        "--population the reps are both packs' examples.",
        examples=(
            "gapdiag rules diff old-rules/ new-rules/",
            "gapdiag rules diff old-rules/ new-rules/ --population reps.csv --fail-on-change",
            "gapdiag rules diff old-rules/ new-rules/ --format json > diff.json",
        ),
    )
    run.add_argument("old", type=Path, help="the pack before the change")
    run.add_argument("new", type=Path, help="the pack after the change")
    run.add_argument(
        "--population",
        type=Path,
        help="reps as .csv, .json or .jsonl (default: both packs' examples)",
    )
    run.add_argument(
        "--threshold", type=_fraction, default=0.1, help="smallest confidence shift to list (0.1)"
    )
    add_out(run, "also write the Markdown report to this file", flag="--report")
    add_format(run, ("text", "markdown", "json"))
    add_format_alias(run, "--json")  # deprecated spelling of --format json
    run.add_argument("--fail-on-change", action="store_true", help="exit 1 when a verdict moved")
    run.set_defaults(handler=handle)


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in (0, 1]")
    return value


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Diff the packs; bad population rows are listed and exit 2, a moved verdict may exit 1."""
    for path in (args.old, args.new):
        if not path.exists():
            raise InvalidArgument(f"{path}: no such rule pack folder or file")
    old, new = load_rules(args.old), load_rules(args.new)
    rejected: list[Problem] = []
    if args.population is None:
        cases, source = example_reps(old, new), "the packs' examples"
    else:
        population = read_reps(args.population)
        rejected = [
            Problem(f"{args.population}: {p.where}", p.message) for p in population.rejected
        ]
        cases, source = population_reps(population.reps, old, new), str(args.population)
    diff = diff_packs(old, new, cases, source=source, threshold=args.threshold)
    report = to_markdown(diff, rejected=[str(p) for p in rejected])
    if args.report:
        write_output(args.report, report, out, what="--report")
    if args.format == "markdown":
        out.write(report)
    elif args.format == "json":
        document = {
            **diff.model_dump(mode="json"),
            "changed": diff.changed,
            "rejected": [str(p) for p in rejected],
        }
        out.write(json.dumps(document, indent=2) + "\n")
    else:
        out.write(to_text(diff))
    if rejected:  # reported after the output, so every valid rep is still counted
        raise InvalidMetrics(rejected)
    return ExitStatus.FINDINGS if args.fail_on_change and diff.changed else ExitStatus.OK
