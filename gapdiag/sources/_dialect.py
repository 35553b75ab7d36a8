"""How an export file is laid out around its rows: delimiter, report footer, repeated headers.

Report exports end with a footer that is not data: Salesforce writes blank lines, then
``"Grand Totals (N records)"``, ``"Confidential Information - Do Not Distribute"`` and
``"Copyright (c) 2000-2024 salesforce.com, inc. ..."``, one cell each. Those trailing lines
are cut before the rows are parsed (and counted in a note), so they neither count as bad
rows nor shift the row numbers. Files saved by a spreadsheet in a European locale use
``;`` between cells, some tools a tab; the header line tells which. Exports pasted one
after another repeat their header row inside the data; such a row is not a deal.

`scan` reads the whole file once, in pieces of whole lines, before any row is parsed:
it finds the lines that are not UTF-8 (a UTF-8 export with a few rows pasted from a
Windows-1252 one is read as UTF-8, those rows as Windows-1252, each reported; only a file
with no UTF-8 in it is read as Windows-1252 whole) and counts the quotes (an odd count
may be a quote never closed, which would swallow every row after it into one cell).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from gapdiag.model._input import open_input
from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._parse import Distinct

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


def footer_start(path: Path, size: int, sep: str, encoding: str) -> tuple[int, int]:
    """(byte offset where a trailing report footer starts, its non-blank lines); (size, 0): none."""
    start = max(0, size - TAIL_BYTES)
    with open_input(path, name="export_bytes") as handle:
        wide = encoding == "utf-16"
        if wide:
            codec = "utf-16-le" if handle.read(2) == codecs.BOM_UTF16_LE else "utf-16-be"
            start += start % 2
        handle.seek(start)
        tail = handle.read()
    parts: list[tuple[bytes, str | None]]
    if wide:
        parts = [
            (line.encode(codec), line)
            for line in tail.decode(codec, "replace").splitlines(keepends=True)
        ]
    else:  # each line decoded only when reached: the usual file has no footer
        parts = [(raw, None) for raw in tail.splitlines(keepends=True)]
    offset, found = size, 0
    for raw, line in reversed(parts[1:]):  # the first is the header or a line cut by the seek
        text = (raw.decode(encoding, "replace") if line is None else line).strip()
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
        distinct = Distinct.known(columns[role])
        if pa.types.is_floating(columns[role].type):  # read as numbers: its name is none
            return np.zeros(len(columns[role]), dtype=bool)
        if distinct is not None and column not in distinct.values.to_pylist():
            return np.zeros(len(columns[role]), dtype=bool)  # no cell is the name: no row
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


SCAN_BYTES = 1 << 22
"""Bytes read at a time by `scan` (then cut back to the last whole line)."""


@dataclass(slots=True)
class Scan:
    """What one pass over an export found: its lines that are not UTF-8, and its quotes."""

    odd_lines: list[tuple[int, int, int]] = field(default_factory=list)
    """(line number, first byte, byte after the line) of each line that is not UTF-8."""
    utf8_text: bool = False
    """Some line holds UTF-8 beyond ASCII (so the file is UTF-8, odd lines aside)."""
    quotes: int = 0
    """How many '"' the file holds (an odd count: some quote is never closed)."""

    @property
    def mixed(self) -> bool:
        """UTF-8 with some lines in another encoding (read each line as what it is)."""
        return bool(self.odd_lines) and self.utf8_text


def scan(path: Path) -> Scan:
    """One pass over an 8-bit export (UTF-8 or Windows-1252): odd lines and quotes."""
    found = Scan()
    line, offset, rest = 1, 0, b""
    with open_input(path, name="export_bytes") as handle:
        while True:
            block = handle.read(SCAN_BYTES)
            piece = rest + block
            cut = len(piece) if not block else piece.rfind(b"\n") + 1
            whole, rest = piece[:cut], piece[cut:]
            _scan_lines(found, whole, line, offset)
            found.quotes += quotes_in(whole)
            line += whole.count(b"\n")
            offset += len(whole)
            if not block:
                return found


def quotes_in(data: bytes) -> int:
    """How many '"' bytes `data` holds."""
    # numpy compares several times faster than `bytes.count` counts one byte; a piece at a
    # time, so the comparison's mask stays small beside a block of the file
    cells = np.frombuffer(data, dtype=np.uint8)
    return sum(
        int(np.count_nonzero(cells[at : at + _PIECE] == _QUOTE))
        for at in range(0, len(cells), _PIECE)
    )


_QUOTE = ord('"')
_PIECE = 1 << 18


def _scan_lines(found: Scan, piece: bytes, line: int, offset: int) -> None:
    """Record the lines of `piece` (whole lines) that are not UTF-8; the usual piece is."""
    if piece.isascii():
        return
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        found.utf8_text = True
        return
    at = 0
    for number, raw in enumerate(piece.splitlines(keepends=True), start=line):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            found.odd_lines.append((number, offset + at, offset + at + len(raw)))
        else:
            found.utf8_text = found.utf8_text or not raw.isascii()
        at += len(raw)


def as_utf8(path: Path, end: int, odd: list[tuple[int, int, int]]) -> bytes:
    """The file's first `end` bytes with its odd lines read as Windows-1252, all in UTF-8.

    Raises:
        InvalidArgument: an odd line that is not Windows-1252 either.
    """
    with open_input(path, name="export_bytes") as handle:
        data = handle.read(end)
    pieces, seen = [], 0
    for number, start, stop in odd:
        if start >= end:
            break
        try:
            fixed = data[start:stop].decode("cp1252").encode("utf-8")
        except UnicodeDecodeError:
            raise InvalidArgument(
                f"{path}:{number}: the line is neither UTF-8 nor Windows-1252 text "
                "(save the export as UTF-8 CSV)"
            ) from None
        pieces += [data[seen:start], fixed]
        seen = stop
    pieces.append(data[seen:])
    return b"".join(pieces)


def unclosed_quote(text: str, sep: str) -> int | None:
    """The line where a quoted cell opens that is never closed, or None.

    Only called when the file holds an odd number of quotes: a quote inside an unquoted
    cell ('5" screen') is text, so an odd count alone proves nothing.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    start = 1
    while True:
        try:
            next(reader)
        except StopIteration:
            return None
        except csv.Error as error:
            return start if "unexpected end of data" in str(error) else None
        start = reader.line_num + 1
