"""Rep names for the page: from a mapping, or from a teams file with a name column.

A teams file is a CSV with one row per rep: a rep column (``rep_id`` or ``Rep``, as the
population and ``gapdiag ingest --teams`` name reps) and a name column (``name``,
``Name``, ``rep_name`` or ``Full Name``); header case and spacing do not matter and other
columns (team, manager, region) are ignored. Reps without a name are shown by their id.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

from gapdiag.model._input import read_text
from gapdiag.model.errors import InvalidInput, InvalidMetrics, Problem
from gapdiag.model.limits import limits

Names = Mapping[str, str] | str | Path | None
"""Rep names by rep id, or the path of a teams file that has them."""
REP_COLUMNS = ("rep_id", "rep", "owner")
NAME_COLUMNS = ("name", "rep_name", "full_name", "owner_name")


def names_of(names: Names) -> dict[str, str]:
    """Rep names by rep id from a mapping or a teams file (empty for None).

    Raises:
        InvalidMetrics: an unreadable file, a missing column, or a rep named twice.
    """
    if names is None:
        return {}
    if isinstance(names, str | Path):
        return read_names(names)
    return {str(k): str(v) for k, v in names.items() if str(v).strip()}


def read_names(path: str | Path) -> dict[str, str]:
    """Read rep names from a teams file: the rep column and the name column of each row.

    Raises:
        InvalidMetrics: an unreadable file, a missing rep or name column (with the file's
            columns), or a rep given two different names (with both lines).
    """
    source, file = str(path), Path(path)
    try:  # a regular file within the size limit, UTF-8 (see gapdiag.model._input)
        text = read_text(file)
    except InvalidInput as error:
        why = str(error).removeprefix(f"{file}").lstrip(":0123456789 ")
        raise InvalidMetrics([Problem("(file)", why)], source=source) from None
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    folded = [_fold(h) for h in header]
    rep = _find(folded, REP_COLUMNS)
    name = _find(folded, NAME_COLUMNS)
    if rep is None or name is None:
        wanted = "a rep column (rep_id or Rep)" if rep is None else "a name column (Name)"
        columns = ", ".join(repr(h) for h in header) or "none"
        problem = Problem("(header)", f"needs {wanted}; the file's columns are {columns}")
        raise InvalidMetrics([problem], source=source) from None
    out: dict[str, str] = {}
    where: dict[str, int] = {}
    problems = []
    for line, row in enumerate(reader, start=2):
        if len(row) <= max(rep, name) or not row[rep].strip() or not row[name].strip():
            continue  # a rep without a name is shown by id
        rep_id, rep_name = row[rep].strip(), row[name].strip()
        if rep_id in out and out[rep_id] != rep_name:
            problems.append(
                Problem(
                    f"line {line}",
                    f"rep {rep_id!r} is named {rep_name!r} here and {out[rep_id]!r} on "
                    f"line {where[rep_id]}",
                )
            )
            continue
        out[rep_id], where[rep_id] = rep_name, line
    if problems:
        raise InvalidMetrics(problems, source=source)
    return out


def _fold(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def _find(folded: list[str], wanted: tuple[str, ...]) -> int | None:
    for name in wanted:
        if name in folded:
            return folded.index(name)
    return None
