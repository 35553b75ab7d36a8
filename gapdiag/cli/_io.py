"""What every subcommand shares: exit statuses, its parser, reading input and writing output.

The conventions every subcommand follows, in one place so a new command adopts them by
calling these helpers: ``subcommand`` (a description and an example in its --help),
``add_format`` (one ``--format`` option), ``add_out`` and ``write_output`` (a path, or
``-`` for standard output).
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from gapdiag.model._input import check_file, check_utf8, loads, read_stdin, read_text
from gapdiag.model.errors import GapdiagError, InvalidInput, InvalidMetrics
from gapdiag.model.metrics import Targets, parse_targets
from gapdiag.model.team import TeamStats, parse_team

T = TypeVar("T")


class ExitStatus(enum.IntEnum):
    """What the process exit code means."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2


class InputFileError(GapdiagError):
    """An input file that cannot be read or is not JSON."""


class OutputFileError(GapdiagError):
    """An output file that cannot be written."""


_HELP_WIDTH = 79
STDOUT = "-"
"""The --out value that means standard output."""


def subcommand(
    commands: Any, name: str, *, summary: str, description: str, examples: Sequence[str]
) -> argparse.ArgumentParser:
    """Add a subcommand whose --help has a description and worked examples.

    Args:
        commands: the parent's ``add_subparsers()`` object.
        name: the subcommand's name.
        summary: one line for the parent's list of commands.
        description: what the command does, in a sentence or two.
        examples: command lines to show, one per line, without the leading ``$``.
    """
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, width=_HELP_WIDTH),
        epilog="examples:\n" + "".join(f"  {line}\n" for line in examples),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def add_format(
    parser: argparse.ArgumentParser, choices: Sequence[str], *, default: str | None = None
) -> None:
    """The one --format option: the output's form (text, markdown, json, ... as offered)."""
    chosen = default or choices[0]
    parser.add_argument(
        "--format",
        choices=tuple(choices),
        default=chosen,
        help=f"output format: {', '.join(choices)} (default {chosen})",
    )


def add_format_alias(parser: argparse.ArgumentParser, flag: str = "--json") -> None:
    """A hidden, deprecated flag kept for old scripts: `--json` means `--format json`."""
    value = flag.removeprefix("--")
    parser.add_argument(
        flag, dest="format", action="store_const", const=value, help=argparse.SUPPRESS
    )


def add_out(
    parser: argparse.ArgumentParser, what: str, *, flag: str = "--out", required: bool = False
) -> None:
    """An output path option; '-' writes to standard output."""
    parser.add_argument(
        flag, type=Path, metavar="PATH", required=required, help=f"{what} ('-': standard output)"
    )


def is_stdout(path: Path | str | None) -> bool:
    """Whether an output option asks for standard output ('-')."""
    return path is not None and str(path) == STDOUT


def write_output(path: Path | str, data: str | bytes, stdout: IO[str]) -> None:
    """Write `data` to the file at `path`, or to `stdout` for '-'.

    Raises:
        OutputFileError: the file cannot be written (one line naming it and why).
    """
    if is_stdout(path):
        stdout.write(data.decode("utf-8") if isinstance(data, bytes) else data)
        return
    try:
        if isinstance(data, bytes):
            Path(path).write_bytes(data)
        else:
            Path(path).write_text(data, encoding="utf-8")
    except OSError as error:
        raise OutputFileError(f"{path}: cannot write: {error.strerror}") from None


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


def read_team(path: Path | None) -> TeamStats | None:
    """The team's mean/median per metric from a JSON file, or None when not given."""
    return _read_parsed(path, parse_team)


TEAM_HELP = (
    "JSON of the team's mean and/or median per metric path, e.g. "
    '{"median": {"pipeline.sales_cycle_days": 48}}, for rules comparing the rep with the team'
)


def read_targets(path: Path | None) -> Targets | None:
    """Target overrides from a JSON file, or None for the defaults."""
    return _read_parsed(path, parse_targets)


def _read_parsed(path: Path | None, parse: Callable[[Any], T]) -> T | None:
    """A JSON file read by `parse`, its problems named by the file; None when not given."""
    if path is None:
        return None
    try:
        return parse(read_json(str(path)))
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=str(path)) from None


def iso_date(text: str) -> dt.date:
    """A YYYY-MM-DD option value as a date (argparse type)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None
