"""`gapdiag schema NAME`: print a JSON Schema so editors can validate gapdiag's files."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Mapping
from typing import IO, Any

from gapdiag.cli._io import ExitStatus, add_format, add_out, subcommand, write_output
from gapdiag.coaching.scorecard import scorecard_schema
from gapdiag.rulebook.schema import SCHEMAS as _FILES

SCHEMAS: Mapping[str, Callable[[], dict[str, Any]]] = {**_FILES, "scorecard": scorecard_schema}
"""Every file type `gapdiag schema` describes: the rule files' and the coaching scorecard."""


def register(commands: Any) -> None:
    """Add the `schema` subcommand."""
    run = subcommand(
        commands,
        "schema",
        summary="print the JSON Schema of a gapdiag file type",
        description="Print the JSON Schema of a rep file, a rule file, a pack file, a "
        "targets file or a scorecard, so an editor can validate and complete them as you type.",
        examples=(
            "gapdiag schema metrics --out metrics.schema.json",
            "gapdiag schema rules",
        ),
    )
    run.add_argument(
        "name",
        choices=sorted(SCHEMAS),
        help="metrics (a rep), rules (*.rules.yaml), pack (pack.yaml), targets or "
        "scorecard (plan --scorecard)",
    )
    add_format(run, ("json",), follows_out=True)
    add_out(run, "write the schema to this file instead of standard output")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Print the schema as JSON."""
    write_output(args.out or "-", json.dumps(SCHEMAS[args.name](), indent=2) + "\n", out)
    return ExitStatus.OK
