"""`gapdiag tree`: draw the rule pack's decision tree, optionally marking one rep's path."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import (
    ExitStatus,
    add_format,
    add_out,
    display_name,
    read_json,
    read_targets,
    subcommand,
    write_output,
)
from gapdiag.engines.compiled import diagnose, resolve_rules
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import parse_metrics
from gapdiag.notebook.render import FORMATS, render


def register(commands: Any) -> None:
    """Add the `tree` subcommand."""
    run = subcommand(
        commands,
        "tree",
        summary="draw the decision tree (text, Mermaid or DOT)",
        description="Draw the rule pack's decision tree as indented text, a Mermaid "
        "flowchart (also wrapped in Markdown), Graphviz DOT or JSON; with --highlight, "
        "mark the path one rep takes through it.",
        examples=(
            "gapdiag tree",
            "gapdiag tree --highlight examples/will-rep.json",
            "gapdiag tree --format dot --out tree.dot && dot -Tsvg tree.dot > tree.svg",
        ),
    )
    add_format(run, (*FORMATS, "markdown", "json"), follows_out=True)
    add_out(run, "write the drawing to this file instead of standard output")
    run.add_argument("--highlight", metavar="REP", help="mark this rep's path (JSON file or '-')")
    run.add_argument(
        "--rules", type=Path, help="rule pack folder with a decision tree (default: shipped)"
    )
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
    if args.format == "json":
        document = {"tree": book.tree.model_dump(mode="json")}
        if marked is not None:
            document["highlight"] = {
                "rep_id": marked.rep_id,
                "path": [step.model_dump(mode="json") for step in marked.tree_path],
                "leaf": marked.tree_leaf.model_dump(mode="json") if marked.tree_leaf else None,
            }
        text = json.dumps(document, indent=2) + "\n"
    elif args.format == "markdown":
        text = f"```mermaid\n{render(book.tree, 'mermaid', marked).rstrip()}\n```\n"
    else:
        text = render(book.tree, args.format, marked)
    write_output(args.out or "-", text, out)
    return ExitStatus.OK
