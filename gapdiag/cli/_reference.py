"""The command-line reference as Markdown, generated from the argparse parser itself.

The documentation site calls this on every build, so a subcommand added to
``_COMMANDS`` appears in the reference without anyone writing it down.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from gapdiag.cli import _parser

WIDTH = "100"


def cli_reference() -> str:
    """Markdown for `gapdiag` and each subcommand: its purpose and its full --help."""
    parser = _parser()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = WIDTH  # argparse wraps help to the terminal; fix it for the page
    try:
        lines = [
            "# Command-line reference",
            "",
            "Generated from the `gapdiag` argument parser every time the site is built.",
            "Exit status: 0 ran (no findings), 1 ran with findings where a command reports them,",
            "2 bad input (one line on standard error naming the field, value and expectation).",
            "",
            "```text",
            parser.format_help().rstrip(),
            "```",
        ]
        for name, help_text, command in _subcommands(parser):
            lines += ["", f"## gapdiag {name}", "", f"{help_text[:1].upper()}{help_text[1:]}.", ""]
            lines += ["```text", command.format_help().rstrip(), "```"]
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return "\n".join(lines) + "\n"


def _subcommands(
    parser: argparse.ArgumentParser, prefix: str = ""
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """Every subcommand, depth first, so `rules check` follows `rules`."""
    # argparse keeps subcommands only in its private _actions; there is no public accessor.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            for name, command in action.choices.items():
                yield f"{prefix}{name}", helps.get(name, ""), command
                yield from _subcommands(command, f"{prefix}{name} ")
