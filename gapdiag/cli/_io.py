"""What every subcommand shares: exit statuses, its parser, reading input and writing output.

The conventions every subcommand follows, in one place so a new command adopts them by
calling these helpers: ``subcommand`` (a description and an example in its --help),
``add_format`` (one ``--format`` option), ``add_out`` and ``write_output`` (a path, or
``-`` for standard output). Every file a command writes goes through the one writer,
``gapdiag.model._output.Outputs`` (``write_output`` for a single output): a command with
several outputs claims them all in one ``Outputs`` block, so they are written together or
not at all.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import textwrap
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

from gapdiag.model._input import check_file, check_utf8, loads, note_input, read_stdin, read_text
from gapdiag.model._output import STDOUT, Outputs
from gapdiag.model._validation import date_problem
from gapdiag.model.errors import (
    GapdiagError,
    InvalidArgument,
    InvalidInput,
    InvalidMetrics,
    OutputError,
)
from gapdiag.model.metrics import Targets, parse_targets
from gapdiag.model.team import TeamStats, parse_team

T = TypeVar("T")


class ExitStatus(enum.IntEnum):
    """What the process exit code means."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    INTERRUPTED = 130  # Ctrl-C, as shells report it (128 + SIGINT)
    CLOSED_PIPE = 141  # the reader of standard output left (`| head`): 128 + SIGPIPE


class InputFileError(GapdiagError):
    """An input file that cannot be read or is not JSON."""


OutputFileError = OutputError
"""An output file that cannot or must not be written (the writer's error)."""


_HELP_WIDTH = 79


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
    parser: argparse.ArgumentParser,
    choices: Sequence[str],
    *,
    default: str | None = None,
    follows_out: bool = False,
) -> None:
    """The one --format option: the output's form (text, markdown, json, ... as offered).

    With `follows_out`, a command whose --out file holds its one output takes the format
    from that file's name when --format is not given (``--out plan.html`` writes HTML),
    and refuses a name it cannot write (``--out team.pdf``); see `resolve_format`.
    """
    chosen = default or choices[0]
    by_name = ", or from the --out file's name" if follows_out else ""
    parser.add_argument(
        "--format",
        choices=tuple(choices),
        default=None if follows_out else chosen,
        help=f"output format: {', '.join(choices)} (default {chosen}{by_name})",
    )
    if follows_out:
        parser.set_defaults(format_default=chosen, format_choices=tuple(choices))


SUFFIX_FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".dot": "dot",
    ".gv": "dot",
    ".mmd": "mermaid",
}
"""The output format a file's name asks for."""
DOCUMENTS = frozenset({".pdf", ".docx", ".doc", ".xlsx", ".xls", ".odt", ".rtf", ".png", ".svg"})
"""File names that promise a kind of document no gapdiag command writes."""
NAMED_FORMS = frozenset({*SUFFIX_FORMATS, *DOCUMENTS, ".tsv", ".tab"})
"""File names that promise a form: refused for an output written in another one."""


def resolve_format(args: argparse.Namespace) -> None:
    """Set a `follows_out` command's --format from its --out file's name, when not given.

    Raises:
        OutputFileError: --out names a document the command cannot write (PDF, Word, ...)
            with no --format to say otherwise.
    """
    default = getattr(args, "format_default", None)
    if default is None or args.format is not None:
        return
    out = getattr(args, "out", None)
    suffix = Path(out).suffix.lower() if out is not None and not is_stdout(out) else ""
    offered: tuple[str, ...] = args.format_choices
    wanted = SUFFIX_FORMATS.get(suffix)
    if wanted in offered:
        args.format = wanted
        return
    if suffix in DOCUMENTS:
        names = [next(s for s, f in SUFFIX_FORMATS.items() if f == form) for form in offered]
        raise OutputFileError(
            f"--out {out}: this command writes {', '.join(offered)}, not {suffix} files;"
            f" name it {' or '.join(names)}"
        )
    args.format = default


def add_format_alias(parser: argparse.ArgumentParser, flag: str = "--json") -> None:
    """A hidden, deprecated flag kept for old scripts: `--json` means `--format json`."""
    value = flag.removeprefix("--")
    parser.add_argument(
        flag, dest="format", action="store_const", const=value, help=argparse.SUPPRESS
    )


def add_out(
    parser: argparse.ArgumentParser,
    what: str,
    *,
    flag: str = "--out",
    required: bool = False,
    stdout: bool = True,
    folder: bool = False,
    metavar: str = "PATH",
) -> None:
    """An output path option ('-' writes to standard output unless `stdout` is False).

    Every output option is declared here, so `check_outputs` can refuse one that names an
    input of the run, or a path another output names, before any work is done.
    """
    shown = f"{what} ('-': standard output)" if stdout else what
    parser.add_argument(flag, type=Path, metavar=metavar, required=required, help=shown)
    dest = flag.lstrip("-").replace("-", "_")
    known = parser.get_default("output_options") or ()
    parser.set_defaults(output_options=(*known, (dest, flag, folder)))


def is_stdout(path: Path | str | None) -> bool:
    """Whether an output option asks for standard output ('-')."""
    return path is not None and str(path) == STDOUT


def write_output(
    path: Path | str, data: str | bytes, stdout: IO[str], *, what: str = "--out"
) -> None:
    """Write `data` to the file at `path` through the one writer, or to `stdout` for '-'.

    Raises:
        OutputFileError: the file cannot or must not be written (one line naming it).
    """
    with Outputs(stdout) as outputs:
        outputs.write(path, data, what)


INPUT_ARGUMENTS = ("file", "population", "transcripts", "opportunities")
"""Positional arguments that name an input file (the rest are found by their type, Path)."""


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, an output option naming an input or another output's path.

    The writer checks again when it writes (against every file the run read); this finds
    the common slips (``ingest in.csv --out in.csv``) before a large export is read.

    Raises:
        OutputFileError: naming the option and the path.
    """
    options = getattr(args, "output_options", ())
    dests = {dest for dest, _, _ in options}
    for name, value in vars(args).items():
        if name in dests:
            continue
        for given in value if isinstance(value, list) else [value]:
            named = isinstance(given, Path) or (name in INPUT_ARGUMENTS and isinstance(given, str))
            if named and not is_stdout(given) and _is_file(given):
                note_input(given)
    probe = Outputs()
    for dest, flag, folder in options:
        value = getattr(args, dest, None)
        if value is None or is_stdout(value):
            continue
        if folder:
            if Path(value).exists() and not Path(value).is_dir():
                raise OutputFileError(f"{flag} {value}: is a file, expected a folder")
            continue
        probe.claim(value, flag)
    resolve_format(args)


def _is_file(path: str | Path) -> bool:
    try:
        return Path(path).is_file()
    except (OSError, ValueError):  # a name the system cannot look up: no file
        return False


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
    """A JSON file read by `parse`, its problems named by the file; None when not given.

    A rep's own metrics file given here (the rep file and --targets swapped) is said so in
    one line, rather than as every field of a rep being unknown.
    """
    if path is None:
        return None
    data = read_json(str(path))
    try:
        return parse(data)
    except InvalidMetrics as error:
        if isinstance(data, dict) and "rep_id" in data:
            noun, example = _KINDS[parse]
            raise InputFileError(
                f"{path}: a rep's metrics (it has rep_id), not {noun}; expected {example}"
            ) from None
        raise InvalidMetrics(error.problems, source=str(path)) from None


_KINDS: dict[object, tuple[str, str]] = {
    parse_targets: ("targets", 'targets to override, e.g. {"calls_per_day": 30}'),
    parse_team: ("team values", 'e.g. {"median": {"pipeline.sales_cycle_days": 48}}'),
}
"""What each team/targets file is called, and what it holds, for a rep file given in its place."""


def looks_like_targets(data: Any) -> bool:
    """Whether a JSON document meant as a rep is target overrides (no rep_id, target names)."""
    return (
        isinstance(data, dict)
        and bool(data)
        and "rep_id" not in data
        and set(data) <= set(Targets.model_fields)
    )


def iso_date(text: str) -> dt.date:
    """A YYYY-MM-DD option value as a date (argparse type)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        problem = date_problem(text) or f"{text!r} is not a date (expected YYYY-MM-DD)"
        raise argparse.ArgumentTypeError(problem) from None


STRICT_HELP = "refuse a population column gapdiag does not know (default: leave it unread, noted)"


def add_strict(run: argparse.ArgumentParser) -> None:
    """Add --strict: unknown population columns are an error, not a note."""
    run.add_argument("--strict", action="store_true", help=STRICT_HELP)


def print_notes(notes: Sequence[str], err: IO[str]) -> None:
    """Each note about the input as one 'gapdiag: note:' line on stderr."""
    for note in notes:
        err.write(f"gapdiag: note: {note}\n")


@contextlib.contextmanager
def options_named(options: Mapping[str, tuple[str, object]]) -> Iterator[None]:
    """Say a library error about a keyword (``period: ...``) as the command line's option
    and the value given (``--period 2017-13: ...``): the user typed the option, not the
    Python name. `options` maps each keyword to its (option, value).

    Raises:
        InvalidArgument: the same error, led by the option instead of the keyword.
    """
    try:
        yield
    except InvalidArgument as error:
        text = str(error)
        for keyword, (flag, value) in options.items():
            if text.startswith(f"{keyword}: "):
                rest = text.removeprefix(f"{keyword}: ")
                raise InvalidArgument(f"{flag} {value}: {rest}") from None
        raise
