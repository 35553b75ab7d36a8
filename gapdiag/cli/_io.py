"""What every subcommand shares: exit statuses and reading input files."""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Any

from gapdiag.model.errors import GapdiagError, InvalidMetrics
from gapdiag.model.metrics import Targets, parse_targets


class ExitStatus(enum.IntEnum):
    """What the process exit code means."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2


class InputFileError(GapdiagError):
    """An input file that cannot be read or is not JSON."""


def display_name(file: str) -> str:
    """How an input file is named in messages ('-' is standard input)."""
    return "<stdin>" if file == "-" else file


def read_json(name: str) -> Any:
    """Read a JSON document from a file, or from standard input for '-'."""
    source = display_name(name)
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


def read_targets(path: Path | None) -> Targets | None:
    """Target overrides from a JSON file, or None for the defaults."""
    if path is None:
        return None
    try:
        return parse_targets(read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None
