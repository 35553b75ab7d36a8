"""Limits on hostile or broken input: settings with safe defaults, raised by environment.

Every reader checks its input against these before doing work that could grow without
bound (YAML aliases, deep nesting, huge numbers, long conditions, many files), so a bomb
ends in one clear error naming the file and the limit instead of a hang. A limit is
raised for one process by an environment variable ``GAPDIAG_LIMIT_<NAME>`` (the field
name in capitals), e.g. ``GAPDIAG_LIMIT_EXPR_TERMS=20000``, or for one call with
``limits(expr_terms=20000)``. See docs/security.md.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from gapdiag.model.errors import InvalidArgument

ENV_PREFIX = "GAPDIAG_LIMIT_"


@dataclass(frozen=True, slots=True)
class Limits:
    """How much of each kind of input gapdiag reads before it refuses (see docs/security.md)."""

    file_bytes: int = 16 * 1024 * 1024
    """Largest rule, tree, interventions, mapping or single-rep JSON file read, in bytes."""
    population_bytes: int = 2 * 1024 * 1024 * 1024
    """Largest JSON or JSON Lines population file read, in bytes."""
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


def limits(**overrides: int) -> Limits:
    """The limits in force: defaults, then ``GAPDIAG_LIMIT_*`` variables, then `overrides`.

    Raises:
        InvalidArgument: an unknown limit name, or a value that is not a positive integer.
    """
    values: dict[str, int] = {}
    for name in NAMES:
        text = os.environ.get(ENV_PREFIX + name.upper())
        if text is not None:
            values[name] = _positive(ENV_PREFIX + name.upper(), text)
    for name, value in overrides.items():
        if name not in NAMES:
            raise InvalidArgument(f"limits: unknown limit {name!r}; known: {', '.join(NAMES)}")
        values[name] = _positive(name, value)
    return Limits(**values)


def _positive(name: str, value: object) -> int:
    try:
        number = int(str(value).replace("_", ""))
    except ValueError:
        number = 0
    if number <= 0:
        raise InvalidArgument(f"{name}: {value!r} is not a positive whole number")
    return number
