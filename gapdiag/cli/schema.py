"""`gapdiag schema NAME`: print a JSON Schema so editors can validate gapdiag's files."""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from gapdiag.cli._io import ExitStatus
from gapdiag.rulebook.schema import SCHEMAS


def register(commands: Any) -> None:
    """Add the `schema` subcommand."""
    run = commands.add_parser("schema", help="print the JSON Schema of a gapdiag file type")
    run.add_argument(
        "name",
        choices=sorted(SCHEMAS),
        help="metrics (a rep), rules (*.rules.yaml), pack (pack.yaml) or targets",
    )
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Print the schema as JSON."""
    out.write(json.dumps(SCHEMAS[args.name](), indent=2) + "\n")
    return ExitStatus.OK
