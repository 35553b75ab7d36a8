"""Limits on hostile or broken input: settings with safe defaults, raised by environment.

Every reader checks its input against these before doing work that could grow without
bound (YAML aliases, deep nesting, huge numbers, long conditions, many files), so a bomb
ends in one clear error naming the file and the limit instead of a hang. A limit is
raised for one process by an environment variable ``GAPDIAG_LIMIT_<NAME>`` (the field
name in capitals), e.g. ``GAPDIAG_LIMIT_EXPR_TERMS=20000``, or for one call with
``limits(expr_terms=20000)``. See docs/security.md.

Every limit has a ceiling (`CEILINGS`): past it a limit protects nothing and only feeds
huge numbers to the C code underneath (buffer sizes, the csv module's field limit). A
variable set above its ceiling is capped there, with a note (`notes`); a keyword above it
is refused.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass

from gapdiag.model.errors import InvalidArgument

ENV_PREFIX = "GAPDIAG_LIMIT_"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of each kind of input gapdiag reads before it refuses (see docs/security.md)."""

    file_bytes: int = 16 * 1024 * 1024
    """Largest other file read, in bytes: rules, mappings, a rep, a transcript, a history."""
    population_bytes: int = 2 * 1024 * 1024 * 1024
    """Largest population file (CSV, Parquet, JSON, JSON Lines) read, in bytes."""
    export_bytes: int = 16 * 1024 * 1024 * 1024
    """Largest CRM export read, in bytes (read in blocks: memory follows the columns used)."""
    yaml_nodes: int = 100_000
    """YAML nodes in one file, counting every alias as the nodes it stands for."""
    yaml_aliases: int = 1_000
    """YAML aliases (``*name``) in one file."""
    yaml_depth: int = 64
    """Nesting of YAML lists and mappings."""
    json_depth: int = 64
    """Nesting of JSON arrays and objects."""
    number_digits: int = 100
    """Digits in one JSON integer."""
    csv_cell_bytes: int = 128 * 1024
    """Characters in one CSV cell (header or data)."""
    expr_length: int = 10_000
    """Characters in one condition."""
    expr_depth: int = 40
    """Nesting of one condition (parentheses, not, minus, calls, operator chains)."""
    expr_terms: int = 1_000
    """Numbers and metric names in one condition."""
    tree_depth: int = 64
    """Questions on the longest path through a decision tree."""
    rule_files: int = 10_000
    """Rule files in one pack."""
    warnings_per_pack: int = 200
    """Warnings of one kind `rules check` lists before it sums up the rest in one line."""

    def hint(self, name: str) -> str:
        """How to raise one limit, for messages: 'limit expr_depth=40; raise with ...'."""
        value = getattr(self, name)
        return f"limit {name}={value:,}; raise it with {ENV_PREFIX}{name.upper()}"


NAMES = tuple(f.name for f in dataclasses.fields(Limits))
_GIB = 1024 * 1024 * 1024
CEILINGS = {
    "file_bytes": _GIB,
    "population_bytes": 64 * _GIB,
    "export_bytes": 1024 * _GIB,
    "yaml_nodes": 100_000_000,
    "yaml_aliases": 10_000_000,
    "yaml_depth": 100_000,
    "json_depth": 100_000,
    # Python refuses to read longer integers (sys.set_int_max_str_digits), 4,300 by default.
    "number_digits": sys.get_int_max_str_digits() or 1_000_000,
    "csv_cell_bytes": _GIB,  # the csv module's field limit is a C long (32 bits on Windows)
    "expr_length": 10_000_000,
    "expr_depth": 100_000,
    "expr_terms": 10_000_000,
    "tree_depth": 100_000,
    "rule_files": 1_000_000,
    "warnings_per_pack": 1_000_000,
}
"""The largest value each limit takes: a variable set higher is capped here (with a note)."""
_LONGEST = 30
"""Characters of a limit's text read at most: a longer number is past every ceiling."""


def limits(**overrides: int) -> Limits:
    """The limits in force: defaults, then ``GAPDIAG_LIMIT_*`` variables, then `overrides`.

    A variable above its limit's ceiling (`CEILINGS`) is capped there (see `notes`).

    Raises:
        InvalidArgument: an unknown limit name, a value that is not a positive integer, or
            a keyword above the limit's ceiling.
    """
    values = {name: min(value, CEILINGS[name]) for name, value in _from_environment().items()}
    for name, value in overrides.items():
        if name not in NAMES:
            raise InvalidArgument(f"limits: unknown limit {name!r}; known: {', '.join(NAMES)}")
        number = _positive(name, value)
        if number > CEILINGS[name]:
            raise InvalidArgument(f"{name}: {number:,} is more than the most, {CEILINGS[name]:,}")
        values[name] = number
    return Limits(**values)


def notes() -> list[str]:
    """One line per ``GAPDIAG_LIMIT_*`` variable set above its ceiling and capped there.

    Raises:
        InvalidArgument: a variable that is not a positive whole number.
    """
    return [
        f"{ENV_PREFIX}{name.upper()} is past the most this limit takes; "
        f"{name}={CEILINGS[name]:,} is used"
        for name, value in _from_environment().items()
        if value > CEILINGS[name]
    ]


def _from_environment() -> dict[str, int]:
    """Limit name -> the value its variable gives, for every variable set."""
    found: dict[str, int] = {}
    for name in NAMES:
        variable = ENV_PREFIX + name.upper()
        text = os.environ.get(variable)
        if text is not None:
            found[name] = _positive(variable, text)
    return found


def _positive(name: str, value: object) -> int:
    text = str(value).strip().replace("_", "")
    if isinstance(value, bool) or not text.isdigit() or not text.isascii():
        number = 0
    else:  # a number of more digits than any ceiling is read as just past it, never parsed
        number = int(text) if len(text) <= _LONGEST else 10**_LONGEST
    if number <= 0:
        raise InvalidArgument(f"{name}: {str(value)[:40]!r} is not a positive whole number")
    return number
