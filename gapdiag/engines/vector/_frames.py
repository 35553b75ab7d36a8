"""Population data in and results out: DataFrames (pandas, polars), lists of reps, files."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from gapdiag.engines.vector import _population
from gapdiag.engines.vector._checks import _absent
from gapdiag.engines.vector._population import Population
from gapdiag.model._input import loads, open_input, read_text
from gapdiag.model._output import Outputs
from gapdiag.model._text import csv_cell, csv_value
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.limits import limits
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
    if suffix == ".json":
        data = loads(read_text(path, name="population_bytes"), str(path))
    else:
        try:
            if suffix == ".csv":
                return read_csv(path)
            with open_input(path, name="population_bytes") as handle:
                return pd.read_parquet(handle)
        except UnicodeDecodeError:
            raise InvalidArgument(f"{path}: not UTF-8 text; save the file as UTF-8") from None
        except (OSError, ValueError) as error:
            raise InvalidArgument(f"{path}: cannot read: {error}") from None
    if not isinstance(data, list):
        raise InvalidArgument(f"{path}: expected a JSON list of reps, got {type(data).__name__}")
    return data


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV population: only empty cells are absent ('nan' or 'NA' text is refused).

    A header naming one column twice, a cell over the size limit, or data rows with more
    cells than the header (which pandas would silently turn into a shifted index) are errors.
    Text cells gapdiag wrote formula-safe (``'@dana``) are read as the text they stand for.
    """
    header = _header(path)
    text = {c: str for c in header if c not in METRICS or c in _population.TEXT}
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            with open_input(path, name="population_bytes") as handle:
                frame = pd.read_csv(
                    handle,
                    dtype=text,
                    keep_default_na=False,
                    na_values=[""],
                    index_col=False,
                    encoding="utf-8-sig",
                )
        except pd.errors.ParserWarning:
            raise InvalidArgument(_ragged(path, len(header))) from None
    return _unneutralized(frame)


def _unneutralized(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with `csv_cell`'s apostrophes undone in its header and text columns."""
    frame.columns = [csv_value(c) for c in frame.columns]
    for column in frame.columns:
        cells = frame[column]
        if isinstance(cells.dtype, pd.StringDtype):
            marked = cells.str.startswith("'", na=False)
        elif cells.dtype == object:
            marked = cells.map(lambda v: isinstance(v, str) and v.startswith("'")).astype(bool)
        else:
            continue
        if marked.any():
            frame[column] = cells.where(~marked, cells[marked].map(csv_value))
    return frame


def _csv_text(path: Path) -> io.TextIOWrapper:
    """A population CSV opened by the safe reader, as UTF-8 text for the csv module."""
    return io.TextIOWrapper(
        open_input(path, name="population_bytes"), encoding="utf-8-sig", newline=""
    )


def _header(path: Path) -> list[str]:
    csv.field_size_limit(limits().csv_cell_bytes)
    with _csv_text(path) as handle:
        try:
            header = next(csv.reader(handle), [])
        except csv.Error as error:
            hint = limits().hint("csv_cell_bytes")
            raise InvalidArgument(f"{path}:1: cannot read the header: {error} ({hint})") from None
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InvalidArgument(f"{path}:1: column {twice[0]!r} appears twice in the header")
    return header


def _ragged(path: Path, columns: int) -> str:
    """Where a data row has more cells than the header (found only on that error path)."""
    with _csv_text(path) as handle:
        reader = csv.reader(handle)
        for row in reader:
            if len(row) > columns:
                return (
                    f"{path}:{reader.line_num}: {len(row)} cells but the header has {columns} "
                    "columns (a stray comma or delimiter?)"
                )
    return f"{path}: data rows have more cells than the header has columns"  # pragma: no cover


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


def safe_csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The table with text cells that a spreadsheet would run as formulas neutralized.

    See ``gapdiag.model._text.csv_cell`` (and its opt-out, ``GAPDIAG_CSV_FORMULAS=keep``).
    """
    out = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            out[column] = frame[column].map(csv_cell)
    return out


_WRITERS: dict[str, Callable[[pd.DataFrame, Path], object]] = {
    ".csv": lambda frame, path: safe_csv(frame).to_csv(path, index=False),
    ".parquet": lambda frame, path: frame.to_parquet(path, index=False),
    ".json": lambda frame, path: records_json(frame, path),
}


def records_json(frame: pd.DataFrame, path: Path | None = None) -> str | None:
    """The results as JSON records, dates as a person writes them (2017-04-01, no clock)."""
    import pandas as pd

    days = {
        name: frame[name].dt.strftime("%Y-%m-%d")
        for name in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[name])
    }
    shown = frame.assign(**days) if days else frame
    text: str | None = shown.to_json(path, orient="records", indent=None if path is None else 1)
    return text


def write(
    frame: pd.DataFrame, path: Path, *, outputs: Outputs | None = None, what: str = "--out"
) -> None:
    """Write a results table as .csv, .parquet or .json (records), through the one writer.

    With `outputs` the file is one of a run's outputs (renamed into place with the rest);
    without, it is written on its own, whole or not at all.

    Raises:
        InvalidArgument: another suffix.
        OutputError: the file cannot or must not be written (see `gapdiag.model._output`).
    """
    put = _WRITERS.get(path.suffix.lower())
    if put is None:
        raise InvalidArgument(f"{path}: expected a {', '.join(READABLE)} file to write")
    if outputs is not None:
        outputs.write_with(path, lambda target: put(frame, target), what)
        return
    with Outputs() as alone:
        alone.write_with(path, lambda target: put(frame, target), what)
