"""Make user text safe where it is shown: CSV cells, Markdown, terminals, plot labels.

Rep ids, team and owner names, pack names and because-texts come from files a user
(or an attacker) wrote. These pure functions neutralize them for each place they land:

- a CSV cell that starts with ``= + - @``, a tab or a carriage return is read as a
  formula by spreadsheets; it gets a leading apostrophe (OWASP's advice), unless the
  opt-out variable ``GAPDIAG_CSV_FORMULAS=keep`` is set;
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

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet will not run: text starting like a formula gets a ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and _neutralize():
        return "'" + value
    return value


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


def terminal(text: str) -> str:
    """Text safe to print: ANSI escapes and control characters (but newline, tab) removed."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def plot_label(text: str) -> str:
    """A matplotlib label shown as plain text (no math mode from ``$``, no controls)."""
    return terminal(text).replace("$", r"\$")
