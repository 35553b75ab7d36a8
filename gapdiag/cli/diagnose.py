"""`gapdiag diagnose`: one rep's diagnosis as an explanation, Markdown or JSON."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from ..diagnosis import RuleTrace
from ..engine import ENGINES, diagnose, trace
from ..explain import explain
from ..metrics import parse_metrics
from ._io import ExitStatus, display_name, read_json, read_targets


def register(commands: Any) -> None:
    """Add the `diagnose` subcommand."""
    run = commands.add_parser("diagnose", help="diagnose one rep from a JSON file")
    run.add_argument("file", help="rep metrics as JSON, or '-' for standard input")
    run.add_argument("--json", action="store_true", help="print the diagnosis as JSON")
    run.add_argument("--markdown", action="store_true", help="print the explanation as Markdown")
    run.add_argument("--rules", type=Path, help="rule pack folder or file (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.add_argument("--engine", choices=ENGINES, default="compiled", help="rule engine")
    run.add_argument(
        "--trace", action="store_true", help="also list every rule, fired or not, with its checks"
    )
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Diagnose the rep in `args.file` and print the result."""
    data = parse_metrics(read_json(args.file), source=display_name(args.file))
    targets = read_targets(args.targets)
    result = diagnose(data, rules=args.rules, targets=targets, engine=args.engine)
    traces = trace(data, rules=args.rules, targets=targets) if args.trace else ()
    if args.json:
        document = result.to_dict()
        if args.trace:
            document["trace"] = [t.model_dump(mode="json") for t in traces]
        out.write(json.dumps(document, indent=2) + "\n")
        return ExitStatus.OK
    out.write(explain(result, fmt="markdown" if args.markdown else "text"))
    if args.trace:
        out.write("\nEvery rule on this rep:\n" + "".join(_trace_line(t) for t in traces))
    return ExitStatus.OK


def _trace_line(rule: RuleTrace) -> str:
    outcome = {True: "fired", False: "quiet", None: "open"}[rule.outcome]
    checks = "; ".join(
        f"{c.text} -> {c.result}" + (f" (by {c.distance:+.4g})" if c.distance is not None else "")
        for c in rule.checks
    )
    return f"  {outcome:<5} {rule.rule} [{rule.gap} {rule.certainty:+.2f}]: {checks}\n"
