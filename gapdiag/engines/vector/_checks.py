"""Validate whole DataFrame columns against the input contract, without a model per row.

Clean columns take the fast path: a numeric column whose smallest and largest values lie
in the metric's range is valid as it stands. Only columns that hold something out of
range, or text, are looked at cell by cell, and only failing cells get a message, in
the same words a single rep's validation uses. NaN / None / NA in a column is *absent*.
Text cells are read by the metric's kind, as CSV cells are (see ``rows.read_cell``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from gapdiag.engines.vector._columns import Floats
from gapdiag.model._kinds import Kind
from gapdiag.model._validation import date_problem, show_value
from gapdiag.model.rows import read_cell

_NUMBERS = frozenset({"floating", "integer", "mixed-integer-float", "empty"})
Bad = tuple[int, Any, str]
"""(position in the column, value as given, reason)."""


def _absent(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )


def number_column(name: str, kind: Kind, series: pd.Series) -> tuple[Floats, list[Bad]]:
    """A numeric metric column as float64 (NaN = absent), and the cells that break its kind."""
    dtype = series.dtype
    if dtype is np.dtype(object) and pd.api.types.infer_dtype(series, skipna=True) in _NUMBERS:
        try:
            series = series.astype("float64")  # numbers and None, as pandas builds from dicts
        except OverflowError:  # an integer past the largest float: said cell by cell
            return _cell_by_cell(series, lambda v: _number_cell(name, kind, v))
        dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return _cell_by_cell(series, lambda v: _number_cell(name, kind, v))
    values = np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    low = -math.inf if kind.low is None else kind.low
    high = math.inf if kind.high is None else kind.high
    smallest, largest = (
        np.fmin.reduce(values, initial=math.inf),
        np.fmax.reduce(values, initial=-math.inf),
    )
    if low <= smallest and largest <= high and math.isfinite(largest):
        return values, []
    with np.errstate(invalid="ignore"):
        wrong = ~((values >= low) & (values <= high) & np.isfinite(values)) & ~np.isnan(values)
    positions = np.flatnonzero(wrong)
    return values, [(int(p), values[p].item(), kind.problem(values[p].item())) for p in positions]


def flag_column(name: str, kind: Kind, series: pd.Series) -> tuple[Floats, list[Bad]]:
    """A true/false metric as 1.0 / 0.0 (NaN = absent); numbers other than 0 and 1 are bad."""
    dtype = series.dtype
    if dtype is np.dtype(object) and pd.api.types.infer_dtype(series, skipna=True) == "boolean":
        series = series.astype("boolean")  # True / False / None, as pandas builds from dicts
        dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        values = np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        wrong = ~((values == 0.0) | (values == 1.0) | np.isnan(values))
        bad = [
            (int(p), values[p].item(), f"{values[p].item():g} is not true or false")
            for p in np.flatnonzero(wrong)
        ]
        return values, bad
    return _cell_by_cell(series, lambda v: _flag_cell(name, v))


def _cell_by_cell(
    series: pd.Series, read: Callable[[Any], tuple[float, str | None]]
) -> tuple[Floats, list[Bad]]:
    cells = series.tolist()
    values = np.empty(len(cells))
    bad: list[Bad] = []
    for position, cell in enumerate(cells):
        value, problem = read(cell)
        values[position] = value
        if problem is not None:
            bad.append((position, cell, problem))
    return values, bad


def _number_cell(name: str, kind: Kind, cell: Any) -> tuple[float, str | None]:
    if _absent(cell):
        return math.nan, None
    if isinstance(cell, str):
        cell, problem = _from_text(name, cell)
        if cell is None:
            return math.nan, problem
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        return math.nan, f"{show_value(cell)} is not a number"
    try:
        value = float(cell)
    except OverflowError:
        return math.nan, f"{show_value(cell)} is past the largest number a metric can hold"
    low = -math.inf if kind.low is None else kind.low
    high = math.inf if kind.high is None else kind.high
    if math.isfinite(value) and low <= value <= high:
        return value, None
    return math.nan, kind.problem(cell)


def _from_text(name: str, cell: str) -> tuple[Any, str | None]:
    """A text cell read by its column's kind, as CSV cells are: (value or None, problem)."""
    try:
        return read_cell(name, cell), None
    except ValueError as error:
        return None, str(error).removeprefix(f"{name}: ")


def _flag_cell(name: str, cell: Any) -> tuple[float, str | None]:
    if _absent(cell):
        return math.nan, None
    if isinstance(cell, str):
        read, problem = _from_text(name, cell)
        return (math.nan, problem) if read is None else (float(read), None)
    if isinstance(cell, bool) or (isinstance(cell, int | float) and cell in (0, 1)):
        return float(cell), None
    return math.nan, f"{show_value(cell)} is not true or false"


def text_column(series: pd.Series, *, required: bool) -> list[Bad]:
    """Cells of a text column (rep_id, team) that are not non-empty text (or absent if required)."""
    bad: list[Bad] = []
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype is not np.dtype(object):
        missing = series.isna().to_numpy()
        empty = (series.str.len() == 0).to_numpy(dtype=bool, na_value=False)
        if not (missing.any() and required) and not empty.any():
            return bad
        cells = series.tolist()
        wrong = np.flatnonzero((missing & required) | empty)
        return [(int(p), cells[p], _text_problem(cells[p])) for p in wrong]
    for position, cell in enumerate(series.tolist()):
        if _absent(cell) and not required:
            continue
        if _absent(cell) or not isinstance(cell, str) or cell == "":
            bad.append((position, cell, _text_problem(cell)))
    return bad


def _text_problem(cell: Any) -> str:
    if _absent(cell):
        return "is required but missing"
    if cell == "":
        return "'' is empty; a non-empty text is required"
    return f"{show_value(cell)} is not a text string"


_NO_DATE = "{} is not a date (expected YYYY-MM-DD)"
"""A cell that reads as a date with a time of day, which a period date must not have."""


def date_column(series: pd.Series) -> tuple[pd.Series, list[Bad]]:
    """A period date column as datetime64 (NaT = absent), and cells that are not dates."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        parsed = series
    else:
        parsed = pd.Series([_date_cell(c) for c in series.tolist()], dtype="datetime64[s]")
    has_time = parsed.notna() & (parsed != parsed.dt.normalize())
    failed = (series.notna() & parsed.isna()) | has_time
    cells = series.tolist()
    bad: list[Bad] = [
        (int(p), cells[p], date_problem(str(cells[p])) or _NO_DATE.format(show_value(cells[p])))
        for p in np.flatnonzero(failed.to_numpy())
    ]
    return parsed.where(~has_time), bad


def _date_cell(cell: Any) -> Any:
    if _absent(cell):
        return None
    if isinstance(cell, dt.datetime | dt.date):
        return cell
    if isinstance(cell, str):
        try:
            return dt.date.fromisoformat(cell.strip())
        except ValueError:
            return None
    return None
