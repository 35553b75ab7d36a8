"""`gapdiag tree`: draw the rule pack's decision tree, optionally marking one rep's path."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import ExitStatus, display_name, read_json, read_targets
from gapdiag.engines.compiled import diagnose, resolve_rules
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import parse_metrics
from gapdiag.notebook.render import FORMATS, render


def register(commands: Any) -> None:
    """Add the `tree` subcommand."""
    run = commands.add_parser("tree", help="draw the decision tree (text, Mermaid or DOT)")
    run.add_argument("--format", choices=FORMATS, default="text", help="output format")
    run.add_argument("--highlight", metavar="REP", help="mark this rep's path (JSON file or '-')")
    run.add_argument("--rules", type=Path, help="rule pack folder (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON file of target overrides")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Print the tree in the chosen format."""
    book = resolve_rules(args.rules)
    if book.tree is None:
        raise InvalidArgument(f"rule pack {book.name} ({book.source}) has no decision tree")
    marked = None
    if args.highlight is not None:
        rep = parse_metrics(read_json(args.highlight), source=display_name(args.highlight))
        marked = diagnose(rep, rules=book, targets=read_targets(args.targets))
    out.write(render(book.tree, args.format, marked))
    return ExitStatus.OK
