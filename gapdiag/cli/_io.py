"""What every subcommand shares: exit statuses and reading input files."""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gapdiag.model._input import check_file, check_utf8, loads, read_stdin, read_text
from gapdiag.model.errors import GapdiagError, InvalidInput, InvalidMetrics
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
    """Read a JSON document from a file, or from standard input for '-' (see model._input)."""
    source = display_name(name)
    try:
        text = read_stdin() if name == "-" else read_text(Path(name))
        return loads(text, source)
    except InvalidInput as error:
        raise InputFileError(str(error)) from None


def check_input(path: Path, *, utf8: bool = False) -> None:
    """Refuse a missing, unreadable or non-regular input file (folder, FIFO, device) at once.

    Raises:
        InputFileError: naming the file and what is wrong with it.
    """
    try:
        check_file(path)
        if utf8:
            check_utf8(path)
    except InvalidInput as error:
        raise InputFileError(str(error)) from None


def write_file(path: Path, write: Callable[[Path], object]) -> None:
    """Run `write(path)`; a path that cannot be written is one clear error, not a traceback.

    Raises:
        InputFileError: naming the path and why it cannot be written.
    """
    try:
        write(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise InputFileError(f"{path}: cannot write: {reason}") from None


def read_targets(path: Path | None) -> Targets | None:
    """Target overrides from a JSON file, or None for the defaults."""
    if path is None:
        return None
    try:
        return parse_targets(read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None
