"""Values a docs Python block shows in a comment: ``result.primary_gap  # 'will'``.

A bare expression whose line ends in a comment that starts like a Python value is a claim:
the comment starts with the value's repr (``'will'``, ``0.6``, ``None``, ``<Diagnosis: ...>``),
then optionally ``:``, ``;`` or ``,`` and prose. A quoted string holding ``...`` is an
excerpt: its pieces must appear in that order in the value's text. Any other comment
(``# readable explanation``) is prose and claims nothing.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Any

_NUMBER = re.compile(r"(None|True|False|-?\d+(?:\.\d+)?(?:e-?\d+)?)(?=$|[:;,]?\s)")


@dataclass(frozen=True)
class Claim:
    """What a comment shows, where it stands in the block's source, and how to read it."""

    shown: str
    line: int
    column: int
    excerpt: bool


def claims(source: str) -> dict[int, Claim]:
    """The claims of a block, by the line (1-based) their comment ends."""
    found: dict[int, Claim] = {}
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        text = token.string[1:].lstrip()
        column = token.start[1] + len(token.string) - len(text)
        claim = _claim(text, token.start[0], column)
        if claim is not None:
            found[token.start[0]] = claim
    return found


def _claim(text: str, line: int, column: int) -> Claim | None:
    if text.startswith("<") and ">" in text:
        return Claim(text[: text.rfind(">") + 1], line, column, excerpt=False)
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end > 0:
            shown = text[: end + 1]
            return Claim(shown, line, column, excerpt="..." in shown)
        return None
    number = _NUMBER.match(text)
    return Claim(number[1], line, column, excerpt=False) if number else None


def shows(claim: Claim, value: Any) -> bool:
    """Whether the value is what the comment shows."""
    if not claim.excerpt:
        return repr(value) == claim.shown
    text = str(value)
    at = 0
    for piece in ast.literal_eval(claim.shown).split("..."):
        found = text.find(piece.strip(), at)
        if found < 0:
            return False
        at = found + len(piece.strip())
    return True


def is_claimed(statement: ast.stmt, found: dict[int, Claim]) -> bool:
    """A bare expression (not a print call) whose last line carries a claim."""
    if not isinstance(statement, ast.Expr) or statement.end_lineno not in found:
        return False
    call = statement.value
    return not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print"
    )
