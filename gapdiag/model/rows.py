"""Flat rows (CSV lines, DataFrame rows) to and from the nested metrics shape.

A flat row names nested fields with dotted columns: ``activity.calls_per_day``. Text cells
(from CSV) are read by the kind of the metric their column names, so ``"12"`` becomes 12.0
for a count and ``"true"`` becomes True for a flag; an empty cell means absent, never zero.
A cell that does not read as its kind is a Problem naming the column, the text and what was
expected; nothing is guessed. What a spreadsheet writes for an unambiguous number is read
as that number: a percentage for a fraction (``45%`` is 0.45) and, for money, a currency
sign and thousands commas in groups of three (``$150,000``, ``150,000.50``); ``0,45`` or
``1.200,50`` stay errors (a decimal comma is read only where the file's delimiter says so).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from gapdiag.model._kinds import Kind
from gapdiag.model._text import csv_value
from gapdiag.model.errors import InvalidMetrics, Problem
from gapdiag.model.metrics import METRICS, nest

_TEXT_FIELDS = frozenset({"rep_id", "team", "period_start", "period_end", "as_of"})
PROXY_SEPARATOR = ";"
"""Separates the metric paths in a flat row's ``proxies`` cell (and the ``sources`` named)."""
LIST_COLUMNS = ("proxies", "sources")
"""Columns whose cell holds several items joined by `PROXY_SEPARATOR`."""
_PERCENT = re.compile(r"([+-]?(?:\d+\.?\d*|\.\d+))\s*%")
_MONEY = re.compile(
    r"([+-]?)\s*[$€£¥]?\s*([1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*[$€£¥]?"
)
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})


def flatten(nested: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Turn nested mappings into dotted keys: {"a": {"b": 1}} -> {"a.b": 1}.

    A ``proxies`` or ``sources`` list becomes one cell joined by ``;``, as `read_cell` reads it.
    """
    out: dict[str, Any] = {}
    for key, value in nested.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, f"{name}."))
        elif name in LIST_COLUMNS and isinstance(value, list | tuple):
            if value:
                out[name] = PROXY_SEPARATOR.join(str(path) for path in value)
        else:
            out[name] = value
    return out


def read_cell(column: str, text: str) -> Any:
    """Read one text cell by its column's metric kind; None for an empty cell.

    Columns that are not metrics (rep_id, team, dates, unknown names) keep their text, so
    validation later reports unknown names with a did-you-mean.

    Raises:
        ValueError: the text does not read as the metric's kind (message names the column).
    """
    stripped = text.strip()
    if stripped == "":
        return None
    if column in LIST_COLUMNS:
        return [path.strip() for path in stripped.split(PROXY_SEPARATOR) if path.strip()]
    kind = METRICS.get(column)
    if kind is None or column in _TEXT_FIELDS:
        return text
    return _read_kind(column, kind, stripped)


def _read_kind(column: str, kind: Kind, text: str) -> Any:
    if kind.is_bool:
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ValueError(f"{column}: {text!r} is not true or false")
    try:
        value: float | None = float(text)
    except ValueError:
        value = _written(kind, text)
    if value is None:
        raise ValueError(f"{column}: {text!r} is not a number ({kind.expectation})")
    if not math.isfinite(value):
        raise ValueError(f"{column}: {text!r} is not a finite number ({kind.expectation})")
    return value


def _written(kind: Kind, text: str) -> float | None:
    """A number as a spreadsheet writes it for this kind ('45%', '$150,000'), else None."""
    if kind.name == "fraction" and (found := _PERCENT.fullmatch(text)) is not None:
        return float(found[1]) / 100
    if kind.name == "money" and (found := _MONEY.fullmatch(text)) is not None:
        return float(found[1] + found[2].replace(",", ""))
    return None


def rep_from_text(row: Mapping[str, str]) -> dict[str, Any]:
    """A CSV row (column -> text) as nested metrics data; empty cells are left out.

    A cell gapdiag wrote formula-safe (``'@dana``) is read as the text it stands for.

    Raises:
        InvalidMetrics: every cell that does not read as its kind, and dotted-name clashes.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for given, cell in row.items():
        column, text = csv_value(given), csv_value(cell)
        try:
            value = read_cell(column, text)
        except ValueError as error:
            problems.append(Problem(column, str(error).removeprefix(f"{column}: ")))
            continue
        if value is not None:
            values[column] = value
    if problems:
        raise InvalidMetrics(problems)
    return nest(values)


def ragged_reason(cells: int, columns: int) -> str:
    """Why a CSV row of `cells` cells under a header of `columns` columns is not read."""
    why = "a stray delimiter?" if cells > columns else "a missing delimiter, or the file cut off?"
    return f"{cells} cells but the header has {columns} columns ({why}); the row is not read"
