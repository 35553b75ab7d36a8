"""How an export file is laid out around its rows: delimiter, report footer, repeated headers.

Report exports end with a footer that is not data: Salesforce writes blank lines, then
``"Grand Totals (N records)"``, ``"Confidential Information - Do Not Distribute"`` and
``"Copyright (c) 2000-2024 salesforce.com, inc. ..."``, one cell each. Those trailing lines
are cut before the rows are parsed (and counted in a note), so they neither count as bad
rows nor shift the row numbers. Files saved by a spreadsheet in a European locale use
``;`` between cells, some tools a tab; the header line tells which. Exports pasted one
after another repeat their header row inside the data; such a row is not a deal.
"""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.compute as pc

TAIL_BYTES = 64 << 10
"""How far from the end a report footer is looked for."""

_FOOTER = re.compile(
    r"^(grand totals?\b|totals?\b|confidential information\b|copyright\b|©|\(c\)\s|"
    r"generated (by|on|at)\b|report generated\b|filtered by\b|total records\b|"
    r"powered by\b|exported (by|on|at)\b)",
    re.IGNORECASE,
)
_DELIMITERS = (",", ";", "\t", "|")


def delimiter(line: str) -> str:
    """The cell delimiter of a header line: the one that splits it into the most cells."""
    counts = {d: len(next(csv.reader([line], delimiter=d), [])) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 1 else ","


def encoding_of(head: bytes, *, cut: bool) -> str:
    """The codec of a file from its first bytes: UTF-8, UTF-16 (with its mark) or Windows-1252.

    Raises:
        UnicodeDecodeError: the bytes are none of these.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode Text", older HubSpot exports
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if cut and error.start >= len(head) - 3:
            return "utf-8-sig"  # a character cut by the end of the sample
        head.decode("cp1252")  # Excel's "CSV (Comma delimited)" on Windows
        return "cp1252"
    return "utf-8-sig"


def footer_start(path: Path, size: int, sep: str, encoding: str) -> tuple[int, int]:
    """(byte offset where a trailing report footer starts, its non-blank lines); (size, 0): none."""
    start = max(0, size - TAIL_BYTES)
    with path.open("rb") as handle:
        wide = encoding == "utf-16"
        if wide:
            codec = "utf-16-le" if handle.read(2) == codecs.BOM_UTF16_LE else "utf-16-be"
            start += start % 2
        handle.seek(start)
        tail = handle.read()
    if wide:
        parts = [
            (line.encode(codec), line)
            for line in tail.decode(codec, "replace").splitlines(keepends=True)
        ]
    else:
        parts = [(raw, raw.decode(encoding, "replace")) for raw in tail.splitlines(keepends=True)]
    offset, found = size, 0
    for raw, line in reversed(parts[1:]):  # the first is the header or a line cut by the seek
        text = line.strip()
        if text.strip(sep + '"') and not _is_footer(text, sep):
            break
        offset -= len(raw)
        found += bool(text.strip(sep + '"'))
    return (offset, found) if found else (size, 0)


def _is_footer(text: str, sep: str) -> bool:
    cells = [c.strip() for c in next(csv.reader([text], delimiter=sep), []) if c.strip()]
    return len(cells) == 1 and bool(_FOOTER.match(cells[0]))


def header_repeats(columns: dict[str, Any], header_of: dict[str, str]) -> Any:
    """Boolean numpy mask of rows whose every mapped cell is its own column's name."""
    mask: Any = None
    for role, column in header_of.items():
        same = pc.fill_null(pc.equal(columns[role], column), False).to_numpy(zero_copy_only=False)
        mask = same if mask is None else mask & same
        if not mask.any():
            break  # the usual case: no row repeats the first column's name
    return np.zeros(0, dtype=bool) if mask is None else mask


def empty_rows(columns: dict[str, Any]) -> Any:
    """Boolean numpy mask of rows whose every mapped cell is empty."""
    mask: Any = None
    for text in columns.values():
        if not text.null_count:  # no empty cell: no empty row
            return np.zeros(len(text), dtype=bool)
        null = pc.is_null(text).to_numpy(zero_copy_only=False)
        mask = null if mask is None else mask & null
    return np.zeros(0, dtype=bool) if mask is None else mask
