"""The command line: parse arguments, call the library, render, map errors to exit codes."""

from __future__ import annotations

import argparse
import enum
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from .diagnosis import RuleTrace
from .engine import ENGINES, diagnose, trace
from .errors import GapdiagError, InvalidMetrics
from .explain import explain
from .metrics import Targets, parse_metrics, parse_targets


class ExitStatus(enum.IntEnum):
    """What the process exit code means."""

    OK = 0
    BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gapdiag", description="Diagnose why a sales rep is behind quota."
    )
    parser.add_argument("--traceback", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True)
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
    return parser


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the gapdiag command line; returns the exit status."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # argparse has already printed usage and the problem
        return int(stop.code or 0)
    try:
        return _diagnose(args, out)
    except GapdiagError as error:
        if args.traceback:
            raise
        print(f"gapdiag: {error}", file=err)
        return ExitStatus.BAD_INPUT


def _diagnose(args: argparse.Namespace, out: IO[str]) -> int:
    data = parse_metrics(_read_json(args.file), source=_name(args.file))
    targets = _targets(args.targets)
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


def _name(file: str) -> str:
    return "<stdin>" if file == "-" else file


def _targets(path: Path | None) -> Targets | None:
    if path is None:
        return None
    try:
        return parse_targets(_read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None


def _read_json(name: str) -> Any:
    source = _name(name)
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as error:
        raise InputFileError(f"{source}: cannot read: {error.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(
            f"{source}:{error.lineno}: not valid JSON: {error.msg} (column {error.colno})"
        ) from None


class InputFileError(GapdiagError):
    """An input file that cannot be read or is not JSON."""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
