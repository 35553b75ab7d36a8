"""The command line: one module per subcommand; this one parses, dispatches and maps errors.

A subcommand module, named for its command, exposes ``register(commands)``, which adds its
parser and sets ``handler`` (a function of the parsed arguments and the output stream
returning an exit status). Add a command by adding its name to ``_COMMANDS``. Only the
chosen command's module is imported (``gapdiag diagnose`` never pays for ``ingest`` or
``calls``); ``--help``, a mistyped command and the docs' reference build the full parser.
The conventions every command follows (a description and examples in --help, one --format
option, --out with '-' for standard output) are helpers in ``_io``. Notes that must not mix
with data on standard output go to ``args.stderr``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import io
import os
import re
import sys
from collections.abc import Sequence
from typing import IO, NoReturn

from gapdiag.cli._io import SUFFIX_FORMATS, ExitStatus, check_outputs
from gapdiag.model._input import recording_inputs
from gapdiag.model._suggest import did_you_mean
from gapdiag.model._text import terminal
from gapdiag.model.errors import GapdiagError
from gapdiag.model.limits import notes as limit_notes
from gapdiag.model.version import package_version

__all__ = ["ExitStatus", "main"]

_COMMANDS = ("diagnose", "ingest", "plan", "tree", "rules", "schema", "report", "calls")
"""Every subcommand, in the order `gapdiag --help` lists them; each is gapdiag.cli.<name>."""


class _Terminal(io.TextIOBase):
    """A text stream that drops ANSI escapes and control characters from what it passes on.

    A rep id or rule text holding ``ESC[...`` could otherwise repaint or hide a terminal's
    contents; JSON output already escapes control characters, so it passes unchanged.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(terminal(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistyped option or command answered by the command it belongs to.

    Plain argparse reports an option no command knows (``--fromat``) from the top-level
    parser, with gapdiag's own usage and no hint; here the command's parser reports it,
    with its usage and the closest option it does have. A mistyped command name gets the
    closest command likewise.
    """

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        """Parse like argparse; arguments nothing takes are named by the chosen command."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            owner = self._chosen(parsed)
            known = [o for a in owner._actions for o in a.option_strings if o.startswith("--")]
            hints = [
                did_you_mean(word.split("=", 1)[0], known)
                for word in extras
                if word.startswith("-")
            ]
            hint = next((h for h in hints if h), "")
            noun = "argument" if len(extras) == 1 else "arguments"
            owner.error(f"unrecognized {noun}: {' '.join(extras)}{hint}")
        return parsed

    def _chosen(self, parsed: argparse.Namespace) -> argparse.ArgumentParser:
        """The deepest parser the parsed command (and sub-command) selected."""
        parser: argparse.ArgumentParser = self
        while True:
            step = next(
                (
                    a.choices.get(str(getattr(parsed, a.dest, "")))
                    for a in parser._actions
                    if isinstance(a, argparse._SubParsersAction) and isinstance(a.choices, dict)
                ),
                None,
            )
            if not isinstance(step, argparse.ArgumentParser):
                return parser
            parser = step

    def error(self, message: str) -> NoReturn:
        """Print the usage and the problem, with the closest choice to a mistyped one."""
        typo = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if typo:
            choices = [c.strip(" '") for c in typo.group(2).split(",")]
            hint = did_you_mean(typo.group(1), choices)
            named = SUFFIX_FORMATS.get(f".{typo.group(1).lower().lstrip('.')}")
            if not hint and named in choices:  # `--format md`: the form a .md file holds
                hint = f" (did you mean {named!r}?)"
            message += hint
        super().error(message)


_EXAMPLES = """examples:
  gapdiag diagnose examples/will-rep.json
      one rep: a verdict on each gap, the evidence, what to do first
  gapdiag plan examples/will-rep.json --out plan.html
      the rep's coaching plan for the quarter
  gapdiag report examples/team.csv --out team.html
      the manager's page for a whole team
  gapdiag ingest opportunities.csv --period 2026-Q3 --out reps.csv
      per-rep metrics from CRM exports, ready for diagnose and report

Run 'gapdiag COMMAND --help' for a command's options and examples."""


def _parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every subcommand, or only `chosen` when it is one of them.

    A parser holding only the chosen command parses that command's arguments exactly as
    the full one does; the others' help is never shown once a command is given.
    """
    parser = _Parser(
        prog="gapdiag",
        description="Diagnose why a sales rep is behind quota.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"gapdiag {package_version()}")
    parser.add_argument("--traceback", action="store_true", help="show tracebacks on errors")
    if chosen not in _COMMANDS:
        _add_completion(parser)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in _COMMANDS if chosen not in _COMMANDS else (chosen,):
        importlib.import_module(f"gapdiag.cli.{name}").register(commands)
    return parser


def _add_completion(parser: argparse.ArgumentParser) -> None:
    """`--print-completion bash|zsh|tcsh` when the optional shtab package is installed."""
    try:
        import shtab
    except ImportError:
        parser.add_argument(
            "--print-completion",
            action=_NoCompletion,
            choices=("bash", "zsh", "tcsh"),
            help="print a shell completion script (needs: pip install 'gapdiag[completion]')",
        )
        return
    shtab.add_argument_to(parser, "--print-completion", help="print a shell completion script")


class _NoCompletion(argparse.Action):
    """`--print-completion SHELL` where shtab is not installed: say what to install."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        """Stop with one line naming the extra that provides completion."""
        parser.exit(
            ExitStatus.BAD_INPUT,
            "gapdiag: --print-completion needs shtab: pip install 'gapdiag[completion]'\n",
        )


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> int:
    """Run the gapdiag command line; returns the exit status."""
    out = _Terminal(stdout or sys.stdout)
    err = _Terminal(stderr or sys.stderr)
    words = sys.argv[1:] if argv is None else list(argv)
    # The command comes first in nearly every call; an option before it (--traceback,
    # --help) takes the full parser, which reads it the same way.
    parser = _parser(words[0] if words else None)
    try:
        args = parser.parse_args(words)
    except SystemExit as stop:  # argparse has already printed usage and the problem
        return int(stop.code or 0)
    args.stderr = err
    try:
        for note in limit_notes():
            print(f"gapdiag: note: {note}", file=err)
        with recording_inputs():
            check_outputs(args)
            return int(args.handler(args, out))
    except GapdiagError as error:
        if args.traceback:
            raise
        print(f"gapdiag: {error}", file=err)
        return ExitStatus.BAD_INPUT
    except KeyboardInterrupt:
        if args.traceback:
            raise
        print("gapdiag: interrupted (each output file is written whole or not at all)", file=err)
        return ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # `gapdiag ... | head`: the reader has what it wanted and closed the pipe. Stop
        # quietly, as other commands do; standard output goes nowhere from here, so the
        # flush when the process ends cannot fail again.
        if stdout is None:
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitStatus.CLOSED_PIPE


def entry() -> None:
    """The ``gapdiag`` command: `main`, then the process ends with its status.

    Once pyarrow has run, its I/O and CPU threads live until the process ends, and one
    that calls into Python while the interpreter shuts down (to read a file or drop a
    callback) aborts the process ("terminate called without an active exception", exit
    134) after the command's work is done. Every output is written and closed by then, so
    the streams are flushed and the process ends at once (`os._exit`), before any
    shutdown those threads could race. Without pyarrow it ends the ordinary way, with every
    object alive at that point frozen (`gc.freeze`): the interpreter's shutdown then frees
    them by reference counting alone instead of also searching them for cycles, which cost
    a short command (``gapdiag diagnose rep.json``) about a fifth of its time. Exit
    handlers still run and the standard streams are still flushed; what stays unfreed is
    memory the process is giving back anyway (its outputs are closed by then).
    """
    status = main()
    if "pyarrow" not in sys.modules:
        gc.freeze()
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(status)
