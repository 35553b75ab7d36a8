"""`gapdiag rules test`: run every example of a pack; optionally, which rules never fired."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.checks.coverage import Coverage, coverage, example_reps, population_reps
from gapdiag.checks.examples import run_examples
from gapdiag.cli._io import ExitStatus, add_format, add_format_alias, subcommand
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.wording import counted
from gapdiag.rulebook.pack import load_rules
from gapdiag.sources.repfile import read_reps


def register(actions: Any) -> None:
    """Add `rules test`."""
    run = subcommand(
        actions,
        "test",
        summary="run every example in a pack",
        description="Run every example in a rule pack and report the ones whose rule does "
        "not fire (or fires) as the example says. Exit 1 when one fails. --coverage also "
        "lists rules no example fires and tree leaves none reaches.",
        examples=(
            "gapdiag rules test",
            "gapdiag rules test my-rules/ --coverage --population reps.csv",
        ),
    )
    run.add_argument(
        "pack", nargs="?", type=Path, help="pack folder or rule file (default: shipped)"
    )
    run.add_argument(
        "--coverage", action="store_true", help="list rules no example fires, leaves none reaches"
    )
    run.add_argument(
        "--population", type=Path, help="the same over the reps of a .csv, .json or .jsonl file"
    )
    add_format(run, ("text", "json"))
    add_format_alias(run, "--json")  # deprecated spelling of --format json
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Run the examples; a failing example exits 1, bad population rows exit 2 (raised)."""
    if args.pack is not None and not args.pack.exists():
        raise InvalidArgument(f"{args.pack}: no such rule pack folder or file")
    book = load_rules(args.pack)
    results = list(run_examples(book))
    failed = [r for r in results if not r.passed]
    reports: list[Coverage] = []
    if args.coverage:
        reports.append(coverage(book, example_reps(book), source="the examples"))
    rejected: list[Problem] = []
    if args.population is not None:
        population = read_reps(args.population)
        rejected = [
            Problem(f"{args.population}: {p.where}", p.message) for p in population.rejected
        ]
        cases = population_reps(population.reps, book)
        reports.append(coverage(book, cases, source=str(args.population)))
    if args.format == "json":
        document = {
            "passed": len(results) - len(failed),
            "failed": len(failed),
            "results": [{**r.model_dump(mode="json"), "name": r.name} for r in results],
            "coverage": [_coverage_json(c) for c in reports],
            "rejected": [str(p) for p in rejected],
        }
        out.write(json.dumps(document, indent=2) + "\n")
    else:
        for result in failed:
            out.write(
                f"FAIL {result.name} ({result.location}): expected {result.expected}, "
                f"got {result.got}\n{_indent(result.explanation)}\n"
            )
        out.write(f"{len(results) - len(failed)} passed, {len(failed)} failed\n")
        out.writelines(_coverage_text(c) for c in reports)
    if rejected:  # reported after the output, so every valid rep is still counted
        raise InvalidMetrics(rejected)
    return ExitStatus.FINDINGS if failed else ExitStatus.OK


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _coverage_json(report: Coverage) -> dict[str, Any]:
    return {
        "source": report.source,
        "reps": report.reps,
        "fired": dict(report.fired),
        "never_fired": list(report.never_fired),
        "reached": dict(report.reached),
        "never_reached": list(report.never_reached),
    }


def _coverage_text(report: Coverage) -> str:
    rules = len(report.fired)
    head = (
        f"coverage over {counted(report.reps, 'rep')} of {report.source}: "
        f"{rules - len(report.never_fired)} of {rules} rules fired"
    )
    if report.reached:
        leaves = len(report.reached)
        head += f"; {leaves - len(report.never_reached)} of {leaves} tree leaves reached"
    never = "".join(f"  never fired: {rule}\n" for rule in report.never_fired)
    never += "".join(f"  never reached: {leaf}\n" for leaf in report.never_reached)
    return f"{head}\n{never}"
