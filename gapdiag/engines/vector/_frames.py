"""Population data in and results out: DataFrames (pandas, polars), lists of reps, files."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Mapping
from operator import methodcaller
from pathlib import Path
from typing import Any

import pandas as pd

from gapdiag.engines.vector import _excel, _population
from gapdiag.engines.vector._checks import _absent
from gapdiag.engines.vector._population import Population
from gapdiag.model._input import SAVE_AS_CSV, loads, not_csv, open_input, read_bytes, read_text
from gapdiag.model._output import Outputs
from gapdiag.model._text import csv_cell, csv_value
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.model.limits import limits
from gapdiag.model.metrics import METRICS
from gapdiag.sources._dialect import delimiter

ERROR_COLUMNS = ("row", "rep_id", "field", "value", "reason")
READABLE = (".csv", ".parquet", ".json")
_WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods", ".numbers")
"""Spreadsheet files: never written; those read is not (all but .xlsx, .xlsm) say how to
save them as CSV."""


def population_of(
    data: Any, team_by: str | None, *, strict: bool = False
) -> tuple[Population, bool]:
    """Validate any accepted population; also say whether the caller gave polars.

    Columns gapdiag does not know are left unread (`Population.unknown`), or refused when
    `strict`.
    """
    if isinstance(data, str | Path):
        source = str(data)
        try:
            frame = read(Path(data))
            if not isinstance(frame, pd.DataFrame):
                return population_of(frame, team_by, strict=strict)
            ragged = frame.attrs.pop(RAGGED, {})
            return _population.from_frame(frame, team_by, strict=strict, ragged=ragged), False
        except InvalidMetrics as error:  # the header's problems, named by the file
            if error.source is not None:
                raise
            raise InvalidMetrics(error.problems, source=source) from None
    if isinstance(data, pd.DataFrame):
        return _population.from_frame(data, team_by, strict=strict), False
    if _is_polars(data):
        return _population.from_frame(data.to_pandas(), team_by, strict=strict), True
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
    if suffix in _excel.WORKBOOKS:
        data = read_csv(path, _excel.sheet_text(path))
        if len(data) == 0:
            raise InvalidArgument(f"{path}: holds no reps (a header and no rows)")
        return data
    if suffix not in READABLE:
        advice = f": {SAVE_AS_CSV}" if suffix in _WORKBOOKS else ""
        raise InvalidArgument(f"{path}: expected a {', '.join(READABLE)} file{advice}")
    if suffix != ".parquet":
        with open_input(path, name="population_bytes") as handle:
            what = not_csv(handle.read(4096))
        if what is not None:  # a workbook saved under a text file's name
            raise InvalidArgument(f"{path}: {what}")
    if suffix == ".json":
        data = loads(read_text(path, name="population_bytes"), str(path))
        if not isinstance(data, list):
            kind = type(data).__name__
            raise InvalidArgument(f"{path}: expected a JSON list of reps, got {kind}")
    else:
        try:
            if suffix == ".csv":
                data = read_csv(path)
            else:
                with open_input(path, name="population_bytes") as handle:
                    data = pd.read_parquet(handle)
        except InvalidArgument:
            raise
        except UnicodeDecodeError:
            raise InvalidArgument(f"{path}: not UTF-8 text; save the file as UTF-8") from None
        except (OSError, ValueError) as error:
            raise InvalidArgument(f"{path}: cannot read: {error}") from None
    if len(data) == 0:
        raise InvalidArgument(f"{path}: holds no reps (a header and no rows, or an empty list)")
    return data


def read_csv(path: Path, text: str | None = None) -> pd.DataFrame:
    """Read a CSV population as ``gapdiag ingest`` reads exports: only empty cells are absent.

    The file may be UTF-8 (with or without a byte-order mark), UTF-16 with its mark, or
    else Windows-1252, as spreadsheets save them; cells split by ``,``, ``;``, a tab or
    ``|`` (the header line tells which); with ``;``, a tab or ``|`` numbers may have a
    decimal comma (``0,45``), as a European Excel writes them. 'nan' or 'NA' text is
    refused. A header naming one column twice or a cell over the size limit is an error.
    A data row with more or fewer cells than the header (a stray or missing delimiter, a
    file cut off mid-row) is read as an empty row and named in ``frame.attrs[RAGGED]``
    (row -> cell count): `from_frame` lists it as a bad row, and the other rows are read.
    Text cells gapdiag wrote formula-safe (``'@dana``) are read as the text they stand for.
    `text`, where given, is read in place of the file's (a workbook's sheet as CSV).
    """
    if text is None:
        text = _decoded(read_bytes(path, name="population_bytes"))
    header, sep = _header(path, text)
    text, ragged = _evened(text, sep, header)
    kinds = {c: str for c in header if c not in METRICS or c in _population.TEXT}
    decimal = "," if sep != "," and _DECIMAL_COMMA.search(text) else "."
    frame = pd.read_csv(
        io.StringIO(text, newline=""),
        sep=sep,
        decimal=decimal,
        dtype=kinds,
        keep_default_na=False,
        na_values=[""],
        index_col=False,
    )
    frame = _unneutralized(frame)
    if ragged:
        frame.attrs[RAGGED] = ragged
    return frame


RAGGED = "gapdiag.ragged"
"""The key of ``DataFrame.attrs`` naming the rows `read_csv` found ragged (row -> cells)."""


def _evened(text: str, sep: str, header: list[str]) -> tuple[str, dict[int, int]]:
    """The CSV text with each data row of another width than the header emptied (its
    rep_id kept, to name it), and those rows' cell counts by row (0 = first data row).

    A text without quotes is counted line by line; with quotes, as the csv module reads it.
    """
    width = len(header)
    keep = header.index("rep_id") if "rep_id" in header else None
    if '"' not in text:
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if set(map(methodcaller("count", sep), filter(None, lines))) == {width - 1}:
            return text, {}  # every line that is not blank is a row of the header's width
        ragged: dict[int, int] = {}
        row = -1
        for number, line in enumerate(lines):
            if not line:
                continue  # a blank line is no row
            cells = line.count(sep) + 1
            if row >= 0 and cells != width:
                ragged[row] = cells
                name = line.split(sep)[keep] if keep is not None and keep < cells else ""
                lines[number] = _blank(name, keep, width, sep)
            row += 1
        return ("\n".join(lines) if ragged else text), ragged
    records = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=sep) if r]
    ragged = {i: len(r) for i, r in enumerate(records[1:]) if len(r) != width}
    if not ragged:
        return text, ragged
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(records[0])
    for i, record in enumerate(records[1:]):
        if i in ragged:
            name = record[keep] if keep is not None and keep < len(record) else ""
            record = [name if c == keep else "" for c in range(width)]
        writer.writerow(record)
    return out.getvalue(), ragged


def _blank(name: str, keep: int | None, width: int, sep: str) -> str:
    """An empty row of `width` cells holding only the rep_id `name` (in column `keep`)."""
    return sep.join(name if c == keep else "" for c in range(width))


_DECIMAL_COMMA = re.compile(r"(?:^|[;\t|])[ \t]*-?\d+,\d+[ \t]*(?=[;\t|\r\n]|$)", re.MULTILINE)
"""A cell that is a number with a decimal comma (looked for when cells are not split by ',')."""


def _decoded(raw: bytes) -> str:
    """A population file's text: UTF-16 by its mark, UTF-8 (mark dropped), else Windows-1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


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


def _header(path: Path, text: str) -> tuple[list[str], str]:
    """The header's cells and the delimiter between them."""
    csv.field_size_limit(limits().csv_cell_bytes)
    if not text.strip():
        raise InvalidArgument(
            f"{path}: the file is empty; expected a header row naming the columns "
            "(rep_id, period_start, period_end and metrics such as activity.calls_per_day)"
        )
    try:
        sep = delimiter(text.split("\n", 1)[0])
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=sep), [])
    except csv.Error as error:
        hint = limits().hint("csv_cell_bytes")
        raise InvalidArgument(f"{path}:1: cannot read the header: {error} ({hint})") from None
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise InvalidArgument(f"{path}:1: column {twice[0]!r} appears twice in the header")
    return header, sep


def to_polars(frame: pd.DataFrame) -> Any:
    """A pandas results table as polars."""
    import polars as pl

    return pl.from_pandas(frame)


def errors_frame(population: Population, polars_out: bool) -> Any:
    """The bad cells of a population as a table: row, rep_id, field, value, reason."""
    frame = pd.DataFrame(
        [
            (c.row, _utf8(c.rep_id), c.field, _utf8(_text(c.value)), _utf8(c.reason))
            for c in population.bad
        ],
        columns=list(ERROR_COLUMNS),
    ).astype({"row": "int64"})
    return to_polars(frame) if polars_out else frame


def with_lines(errors: pd.DataFrame, path: Path) -> pd.DataFrame:
    """The errors table with a `line` column after `row`: where each row starts in the
    population file `path`, as a spreadsheet numbers it (the header is line 1); empty
    for a file without lines (Parquet, a JSON list). Read again only when rows were bad."""
    lines: list[int] = []
    if path.suffix.lower() == ".csv" and len(errors):
        lines = record_lines(_decoded(read_bytes(path, name="population_bytes")))
    rows = errors["row"].tolist()
    found = [lines[r] if 0 <= r < len(lines) else None for r in rows]
    table = errors.copy()
    table.insert(1, "line", pd.array(found, dtype="Int64"))
    return table


def record_lines(text: str) -> list[int]:
    """The line each data record of a CSV text starts on, as pandas reads its records: a
    blank line is no record, a quoted cell may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text.split("\n", 1)[0]))
    starts: list[int] = []
    end = 0
    header = False
    for record in reader:
        if record and header:  # blank lines are no record; the first record is the header
            starts.append(end + 1)
        header = header or bool(record)
        end = reader.line_num
    return starts


def _utf8(text: str | None) -> str | None:
    """Text UTF-8 can hold: a lone surrogate (JSON input can carry one) written as its escape."""
    if text is None or text.isascii():
        return text
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


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


def check_results_name(path: Path, what: str = "--out") -> None:
    """Refuse a results file named for a form the tables are never written in (before work).

    Raises:
        InvalidArgument: not .csv, .parquet or .json: naming the option, the file, the
            forms written and the name to give it.
    """
    suffix = path.suffix.lower()
    if suffix in _WRITERS:
        return
    opens = " (a spreadsheet opens it)" if suffix in _WORKBOOKS else ""
    raise InvalidArgument(
        f"{what} {path}: results are written as .csv, .parquet or .json, not "
        f"{suffix or 'a file without a suffix'}; name it {path.stem}.csv{opens}"
    )


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
    check_results_name(path, what)
    put = _WRITERS[path.suffix.lower()]
    if outputs is not None:
        outputs.write_with(path, lambda target: put(frame, target), what)
        return
    with Outputs() as alone:
        alone.write_with(path, lambda target: put(frame, target), what)
