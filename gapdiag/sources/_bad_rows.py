"""Rows an export could not (fully) use: kept as data, written once to an errors file.

Each problem is recorded per block as arrays (rows, values) under one column and one
reason, so a million bad rows cost a few arrays, not a million objects, and the summary
counts them by reason instead of repeating a line per row.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gapdiag.model._output import Outputs, csv_text
from gapdiag.model.errors import InvalidMetrics, Problem

ERROR_COLUMNS = ("file", "row", "column", "value", "reason")


@dataclass(slots=True)
class BadRows:
    """Every problem found while reading exports, grouped by (file, column, reason)."""

    _groups: list[tuple[str, str, str, Any, Any]] = field(default_factory=list)
    _malformed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    footers: Counter[str] = field(default_factory=Counter)
    """Per file, the trailing report footer lines (totals, copyright) not read as rows."""
    repeats: Counter[str] = field(default_factory=Counter)
    """Per file, rows that repeat the header (exports pasted together), not read as rows."""
    empty: Counter[str] = field(default_factory=Counter)
    """Per file, rows whose mapped cells are all empty (',,,,' lines), not read as rows."""
    twice: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per file, mapped column names its header has more than once (the first is read)."""
    encodings: dict[str, str] = field(default_factory=dict)
    """Per file read as other text than UTF-8, the encoding it was read as."""
    """Per file, rows that repeat the header (exports pasted together), not read as rows."""
    """Per file, the mapping's role names -> the export's own column names."""

    def add(self, file: str, column: str, reason: str, rows: Any, values: Any) -> None:
        """Record `reason` for the given row numbers and their cells (column: role or header)."""
        if len(rows):
            header = self.headers.get(file, {}).get(column, column)
            self._groups.append((file, header, reason, rows, values))

    def on_malformed(self, file: str, width: int) -> Callable[[Any], str]:
        """A pyarrow invalid-row handler: record the row and skip it."""

        def handle(row: Any) -> str:
            self._malformed[file] += 1
            self.skipped[file] += 1
            reason = f"has {row.actual_columns} cells, the header has {width}"
            self._groups.append((file, "(row)", reason, [row.number or 0], [row.text[:200]]))
            return "skip"

        return handle

    def malformed(self, file: str) -> int:
        """Rows of `file` the CSV parser skipped so far."""
        return self._malformed[file]

    def layout_notes(self, file: str) -> list[str]:
        """What of `file` was not read as rows, and how its text was read, as notes."""
        notes = [
            f"column {column!r} appears more than once: the first one is read"
            for column in self.twice.get(file, ())
        ]
        if empty := self.empty[file]:
            rows = "row has" if empty == 1 else "rows have"
            notes.append(f"{empty:,} {rows} every read column empty: not rows")
        if encoding := self.encodings.get(file):
            notes.append(f"read as {encoding} text, not UTF-8: check accented names")
        if footer := self.footers[file]:
            lines = "line" if footer == 1 else "lines"
            notes.append(f"{footer:,} report footer {lines} (totals, copyright): not rows")
        if repeats := self.repeats[file]:
            rows = "row repeats" if repeats == 1 else "rows repeat"
            notes.append(f"{repeats:,} {rows} the header (exports pasted together): not data")
        return notes

    def counts(self) -> Counter[tuple[str, str, str]]:
        """Problems per (file, column, reason)."""
        out: Counter[tuple[str, str, str]] = Counter()
        for file, column, reason, rows, _ in self._groups:
            out[file, column, reason] += len(rows)
        return out

    def __len__(self) -> int:
        return sum(len(g[3]) for g in self._groups)

    def first(self, count: int) -> list[tuple[str, int, str, str, str]]:
        """The first `count` problems in file and row order."""
        return self._records()[:count]

    def _records(self) -> list[tuple[str, int, str, str, str]]:
        records = [
            (file, int(row), column, "" if value is None else str(value), reason)
            for file, column, reason, rows, values in self._groups
            for row, value in zip(list(rows), list(values), strict=True)
        ]
        records.sort(key=lambda r: (r[0], r[1], r[2]))
        return records

    def csv(self) -> str:
        """Every problem as CSV text (file, row, column, value, reason), cells formula-safe."""
        return csv_text(
            ERROR_COLUMNS,
            (
                (file, row or "", column, value, reason)
                for file, row, column, value, reason in self._records()
            ),
        )

    def write(self, path: Path) -> None:
        """Write every problem as CSV through the one writer (whole, or not at all)."""
        with Outputs() as outputs:
            outputs.write(path, self.csv(), "errors")

    def strict_error(self) -> InvalidMetrics:
        """One error for --strict: the counts per reason and the first few rows."""
        problems = [
            Problem(f"{file}: {column}", f"{reason} ({n:,} rows)")
            for (file, column, reason), n in sorted(self.counts().items())
        ]
        problems += [
            Problem(f"{file}:{row}: {column}", f"{value!r}: {reason}")
            for file, row, column, value, reason in self.first(5)
        ]
        problems.append(Problem("(strict)", "bad rows are failures; drop --strict to skip them"))
        return InvalidMetrics(problems)


def keep_undecodable_rows_quiet(handler: Callable[[Any], str]) -> None:
    """Keep quiet the error pyarrow reports when `handler`'s row is not text.

    pyarrow makes a malformed row's bytes text before it calls the handler; when they are
    not UTF-8 it prints that failure as an ignored exception and raises a parse error,
    which the reader answers by reading the file again line by line. Its read-ahead may
    meet such a row after the reading stopped, so the filter stays: it is put in front of
    whatever hook is there once, and passes on anything else.
    """
    setattr(handler, _ROWS, True)  # a mark on the function object
    hook = sys.unraisablehook
    if not getattr(hook, _ROWS, False):

        def quiet(unraisable: Any) -> None:
            if getattr(unraisable.object, _ROWS, False) and isinstance(
                unraisable.exc_value, UnicodeDecodeError
            ):
                return
            hook(unraisable)

        setattr(quiet, _ROWS, True)
        sys.unraisablehook = quiet


_ROWS = "_gapdiag_bad_rows"
"""The mark of a bad-row handler and of the filter that keeps its undecodable rows quiet."""
