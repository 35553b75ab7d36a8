"""Population data in and results out: DataFrames (pandas, polars), lists of reps, files."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from gapdiag.engines.vector import _population
from gapdiag.engines.vector._checks import _absent
from gapdiag.engines.vector._population import Population
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import METRICS

ERROR_COLUMNS = ("row", "rep_id", "field", "value", "reason")
READABLE = (".csv", ".parquet", ".json")


def population_of(data: Any, team_by: str | None) -> tuple[Population, bool]:
    """Validate any accepted population; also say whether the caller gave polars."""
    if isinstance(data, str | Path):
        data = read(Path(data))
    if isinstance(data, pd.DataFrame):
        return _population.from_frame(data, team_by), False
    if _is_polars(data):
        return _population.from_frame(data.to_pandas(), team_by), True
    if isinstance(data, list | tuple) and all(isinstance(r, Mapping) for r in data):
        return _population.from_records(data, team_by), False
    raise InvalidArgument(
        f"data: {type(data).__name__} is not a DataFrame, a list of rep mappings or a "
        f"path to a {', '.join(READABLE)} file"
    )


def _is_polars(data: Any) -> bool:
    return type(data).__module__.startswith("polars") and hasattr(data, "to_pandas")


def read(path: Path) -> Any:
    """Read a population file: CSV (cells read by metric kind), Parquet, or a JSON list of reps.

    Raises:
        InvalidArgument: an unsupported file type, or a file that cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix not in READABLE:
        raise InvalidArgument(f"{path}: expected a {', '.join(READABLE)} file")
    try:
        if suffix == ".csv":
            return read_csv(path)
        if suffix == ".parquet":
            return pd.read_parquet(path)
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InvalidArgument(f"{path}: cannot read: {error}") from None
    if not isinstance(data, list):
        raise InvalidArgument(f"{path}: expected a JSON list of reps, got {type(data).__name__}")
    return data


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV population: only empty cells are absent ('nan' or 'NA' text is refused)."""
    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle), [])
    text = {c: str for c in header if c not in METRICS or c in _population.TEXT}
    return pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])


def to_polars(frame: pd.DataFrame) -> Any:
    """A pandas results table as polars."""
    import polars as pl

    return pl.from_pandas(frame)


def errors_frame(population: Population, polars_out: bool) -> Any:
    """The bad cells of a population as a table: row, rep_id, field, value, reason."""
    frame = pd.DataFrame(
        [(c.row, c.rep_id, c.field, _text(c.value), c.reason) for c in population.bad],
        columns=list(ERROR_COLUMNS),
    ).astype({"row": "int64"})
    return to_polars(frame) if polars_out else frame


def _text(value: Any) -> str | None:
    """A bad cell's value as text for the errors table; None where the cell was empty."""
    if _absent(value):
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write a results table as .csv, .parquet or .json (records)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif suffix == ".json":
        frame.to_json(path, orient="records", indent=1, date_format="iso")
    else:
        raise InvalidArgument(f"{path}: expected a {', '.join(READABLE)} file to write")
