"""A population of reps from a CSV, JSON or JSON Lines file; a bad row is reported, never dropped.

CSV columns are dotted metric paths (``activity.calls_per_day``), read by ``rows``; JSON is
an array of reps in the input shape; JSON Lines is one rep per line. Every row that breaks
the input contract becomes a Problem naming the row, the field and what was expected, and
every other row is still read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapdiag.model._input import loads, read_text
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.limits import limits
from gapdiag.model.metrics import RepMetrics, parse_metrics
from gapdiag.model.rows import ragged_reason, rep_from_text

FORMATS = (".csv", ".json", ".jsonl")


@dataclass(frozen=True, slots=True)
class RepFile:
    """The reps a file holds, and the rows it holds that are not valid reps."""

    reps: tuple[RepMetrics, ...]
    rejected: tuple[Problem, ...]


def read_reps(path: str | Path) -> RepFile:
    """Read every rep in a ``.csv``, ``.json`` or ``.jsonl`` file.

    Raises:
        InvalidArgument: the file cannot be read, has another suffix, or is not
            a JSON array / JSON lines of objects.
    """
    file = Path(path)
    if file.suffix not in FORMATS:
        raise InvalidArgument(f"{file}: a population is a {', '.join(FORMATS)} file")
    text = read_text(file, name="population_bytes")
    rows = _csv_rows(file, text) if file.suffix == ".csv" else _json_rows(file, text)
    reps: list[RepMetrics] = []
    rejected: list[Problem] = []
    for where, row in rows:
        try:
            if isinstance(row, _Ragged):
                raise row.problem()
            data = rep_from_text(row) if file.suffix == ".csv" else row
            reps.append(parse_metrics(data))
        except InvalidMetrics as error:
            rejected.extend(
                Problem(f"{where}: {p.where}", p.message, p.line) for p in error.problems
            )
    return RepFile(tuple(reps), tuple(rejected))


def _csv_rows(file: Path, text: str) -> Iterator[tuple[str, Any]]:
    """Each CSV row as a mapping; a row with more or fewer cells than the header is a bad row."""
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), restval=_SHORT)
    try:
        header = reader.fieldnames or []
        twice = sorted({c for c in header if header.count(c) > 1})
        if twice:
            raise InvalidArgument(f"{file}:1: column {twice[0]!r} appears twice in the header")
        _check_header(file, header)
        for row in reader:
            extra = row.pop(None, None)
            columns = len(reader.fieldnames or ())
            if extra is not None:
                yield f"line {reader.line_num}", _Ragged(columns, columns + len(extra))
            elif _SHORT in row.values():
                cells = sum(value is not _SHORT for value in row.values())
                yield f"line {reader.line_num}", _Ragged(columns, cells)
            else:
                yield f"line {reader.line_num}", row
    except csv.Error as error:
        hint = limits().hint("csv_cell_bytes")
        raise InvalidArgument(
            f"{file}:{reader.line_num}: cannot read CSV: {error} ({hint})"
        ) from None


def _check_header(file: Path, header: Sequence[str]) -> None:
    """Refuse, once, a header no row could be read under (a line per row said it before).

    Raises:
        InvalidArgument: no rep_id column, or columns that are not metric paths.
    """
    if "rep_id" not in header:
        shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
        raise InvalidArgument(
            f"{file}:1: no rep_id column (the columns are {shown}); a CRM export is turned"
            " into one row per rep by gapdiag ingest first"
        )
    try:
        # a cell in every column (an empty one is absent): only the names are judged here
        parse_metrics(rep_from_text(dict.fromkeys(header, "1") | {"rep_id": "header"}))
    except InvalidMetrics as error:
        unknown = [p for p in error.problems if p.message.startswith("unknown field")]
        if unknown:
            raise InvalidArgument(f"{file}:1: {unknown[0]}") from None


@dataclass(frozen=True, slots=True)
class _Ragged:
    """A CSV row with another number of cells than the header has columns (never shifted)."""

    columns: int
    cells: int

    def problem(self) -> InvalidMetrics:
        return InvalidMetrics([Problem("(row)", ragged_reason(self.cells, self.columns))])


_SHORT: Any = object()
"""The value DictReader gives the columns a short row has no cell for."""


def _json_rows(file: Path, text: str) -> list[tuple[str, Any]]:
    if file.suffix == ".jsonl":
        lines = enumerate(text.splitlines(), start=1)
        return [(f"line {n}", loads(line, str(file), line=n)) for n, line in lines if line.strip()]
    data = loads(text, str(file))
    if not isinstance(data, list):
        raise InvalidArgument(f"{file}: expected a JSON array of reps, got {type(data).__name__}")
    return [(f"item {i}", item) for i, item in enumerate(data)]
