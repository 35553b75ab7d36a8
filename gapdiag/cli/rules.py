"""`gapdiag rules check|test|diff`: what is wrong with a pack, do its examples hold, what moves."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.checks.verify import Finding, check_pack
from gapdiag.cli import rules_diff, rules_test
from gapdiag.cli._io import ExitStatus, add_format, add_format_alias, read_targets, subcommand
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.wording import counted

_LABEL = {"error": "error", "warning": "warning", "info": "note"}


def register(commands: Any) -> None:
    """Add the `rules` subcommand and its own subcommands."""
    rules = subcommand(
        commands,
        "rules",
        summary="check, test and compare rule packs (for CI)",
        description="Tools for the people who own the rules: check a pack statically, run "
        "its examples, and measure whose verdict a change to it moves.",
        examples=(
            "gapdiag rules check --strict",
            "gapdiag rules test my-rules/ --coverage",
            "gapdiag rules diff main-rules/ my-rules/ --population reps.csv",
        ),
    )
    actions = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    run = subcommand(
        actions,
        "check",
        summary="load a pack and verify its rules statically",
        description="Load a rule pack and verify it without any rep: conditions that can "
        "never fire, rules that contradict or shadow each other, thresholds off the "
        "targets. Exit 1 on errors (and on warnings with --strict).",
        examples=("gapdiag rules check", "gapdiag rules check my-rules/ --strict --format json"),
    )
    run.add_argument(
        "pack", nargs="?", type=Path, help="pack folder or rule file (default: shipped)"
    )
    run.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    add_format(run, ("text", "json"))
    add_format_alias(run, "--json")  # deprecated spelling of --format json
    run.add_argument("--targets", type=Path, help="JSON file of targets thresholds are read at")
    run.set_defaults(handler=handle_check)
    rules_test.register(actions)
    rules_diff.register(actions)


def require_pack(path: Path | None) -> None:
    """Refuse a pack path that does not exist (bad invocation, not a finding)."""
    if path is not None and not path.exists():
        raise InvalidArgument(f"{path}: no such rule pack folder or file")


def handle_check(args: argparse.Namespace, out: IO[str]) -> int:
    """Verify the pack and print the findings; errors (and warnings with --strict) fail."""
    require_pack(args.pack)
    findings = check_pack(args.pack, targets=read_targets(args.targets))
    counts = {s: sum(f.severity == s for f in findings) for s in _LABEL}
    if args.format == "json":
        document = {
            "pack": str(args.pack) if args.pack else None,
            "findings": [f.model_dump(mode="json") for f in findings],
            "counts": counts,
        }
        out.write(json.dumps(document, indent=2) + "\n")
    else:
        out.writelines(_line(f) for f in findings)
        out.write(
            f"{counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}, "
            f"{counted(counts['info'], 'note')}\n"
        )
    failed = counts["error"] or (args.strict and counts["warning"])
    return ExitStatus.FINDINGS if failed else ExitStatus.OK


def _line(finding: Finding) -> str:
    rule = f"{finding.rule}: " if finding.rule else ""
    text = f"{finding.location}: {_LABEL[finding.severity]}: {rule}{finding.message} "
    text += f"[{finding.code}]\n"
    if finding.witness:
        shown = ", ".join(f"{k}={_value(v)}" for k, v in finding.witness.items())
        text += f"    both fire on: {shown}\n"
    return text


def _value(value: float | bool) -> str:
    return str(value).lower() if isinstance(value, bool) else f"{value:g}"
