"""A population of reps from a CSV, JSON or JSON Lines file; a bad row is reported, never dropped.

CSV columns are dotted metric paths (``activity.calls_per_day``), read by ``rows``; JSON is
an array of reps in the input shape; JSON Lines is one rep per line. Every row that breaks
the input contract becomes a Problem naming the row, the field and what was expected, and
every other row is still read.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.metrics import RepMetrics, parse_metrics
from gapdiag.model.rows import rep_from_text

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
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidArgument(f"{file}: cannot read: {error.strerror}") from None
    rows = _csv_rows(text) if file.suffix == ".csv" else _json_rows(file, text)
    reps: list[RepMetrics] = []
    rejected: list[Problem] = []
    for where, row in rows:
        try:
            data = rep_from_text(row) if file.suffix == ".csv" else row
            reps.append(parse_metrics(data))
        except InvalidMetrics as error:
            rejected.extend(
                Problem(f"{where}: {p.where}", p.message, p.line) for p in error.problems
            )
    return RepFile(tuple(reps), tuple(rejected))


def _csv_rows(text: str) -> Iterator[tuple[str, Any]]:
    reader = csv.DictReader(text.splitlines())
    for row in reader:
        yield f"line {reader.line_num}", {k: v for k, v in row.items() if k is not None}


def _json_rows(file: Path, text: str) -> list[tuple[str, Any]]:
    try:
        if file.suffix == ".jsonl":
            lines = enumerate(text.splitlines(), start=1)
            return [(f"line {n}", json.loads(line)) for n, line in lines if line.strip()]
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidArgument(f"{file}:{error.lineno}: not valid JSON: {error.msg}") from None
    if not isinstance(data, list):
        raise InvalidArgument(f"{file}: expected a JSON array of reps, got {type(data).__name__}")
    return [(f"item {i}", item) for i, item in enumerate(data)]
