"""Make user text safe where it is shown: CSV cells, Markdown, terminals, plot labels.

Rep ids, team and owner names, pack names and because-texts come from files a user
(or an attacker) wrote. These pure functions neutralize them for each place they land:

- a CSV cell that starts with ``= + - @``, a tab or a carriage return (or the
  full-width and small forms of the four signs, which some spreadsheets read alike) is
  read as a formula by spreadsheets; it gets a leading apostrophe (OWASP's advice),
  unless the opt-out variable ``GAPDIAG_CSV_FORMULAS=keep`` is set. `csv_value` undoes
  it, and gapdiag's CSV readers apply it, so a key written by one command (``'@dana``)
  joins the same key read by another;
- Markdown: HTML and Markdown punctuation are escaped, so a rep id shows as text;
- terminals: ANSI escape sequences and other control characters are removed;
- matplotlib labels: ``$`` would start math text, so it is escaped.
"""

from __future__ import annotations

import os
import re
from typing import Any

CSV_OPT_OUT = "GAPDIAG_CSV_FORMULAS"
"""Set to ``keep`` to write CSV cells verbatim (formula neutralization off)."""

FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\uff1d",  # full-width = + - @
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\ufe66",  # small = + - @
    "\ufe62",
    "\ufe63",
    "\ufe6b",
)


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a ``'``.

    Text that already starts with apostrophes before a formula sign gets one more, so
    `csv_value` gives back exactly the text written, whatever it was.
    """
    if isinstance(value, str) and value[:1] in _FIRST and _looks_neutralized(value):
        return "'" + value if _neutralize() else value
    return value


_FIRST = frozenset((*FORMULA_STARTS, "'"))


def csv_value(text: Any) -> Any:
    """The text a `csv_cell` stands for: one leading ``'`` before a formula sign removed."""
    if isinstance(text, str) and text.startswith("'") and _looks_neutralized(text[1:]):
        return text[1:]
    return text


def _looks_neutralized(text: str) -> bool:
    """Whether `text` starts with a formula sign, after any number of apostrophes."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def _neutralize() -> bool:
    return os.environ.get(CSV_OPT_OUT, "").strip().lower() != "keep"


_MARKDOWN = re.compile(r"([\\`*_\[\]|~#])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown(text: str) -> str:
    """Text shown literally in Markdown: HTML tags and Markdown punctuation escaped."""
    escaped = _MARKDOWN.sub(r"\\\1", terminal(text))
    return re.sub(r"[&<>]", lambda m: _HTML[m.group()], escaped)


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def terminal(text: str) -> str:
    """Text safe to print: ANSI escapes and control characters (but newline, tab) removed.

    A lone surrogate (a file name that is not UTF-8, as Python reads it) is shown as its
    escape, ``\\udcff``: no stream can encode it.
    """
    text = _CONTROL.sub("", _ANSI.sub("", text))
    return _SURROGATE.sub(_escaped, text) if _SURROGATE.search(text) else text


_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")


def one_line(text: str) -> str:
    """A name (a rep id, say) kept on its line: a line break in it is shown as ``\\n``.

    Printed as it is, ``'a\\nBehind: fake'`` would read as a line of its own under a title.
    """
    return _BREAKS.sub(r"\\n", text) if _BREAKS.search(text) else text


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def plot_label(text: str) -> str:
    """A matplotlib label shown as plain text (no math mode from ``$``, no controls)."""
    return terminal(text).replace("$", r"\$")
