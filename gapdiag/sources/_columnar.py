"""Read only the mapped columns of an export, in blocks, as text; check the header first.

pyarrow's CSV reader parses a block of the file at a time and keeps only the columns a
mapping names, so memory follows the columns used, not the file. The header is read and
checked before any row: every missing column is named at once, with the export's real
columns, a did-you-mean and the presets whose columns the file does have.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from gapdiag.model._input import check_file, looks_like_json, not_csv, open_input
from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._bad_rows import BadRows, keep_undecodable_rows_quiet
from gapdiag.sources._dialect import (
    Scan,
    as_utf8,
    delimiter,
    empty_rows,
    footer_start,
    header_repeats,
    scan,
    unclosed_quote,
)
from gapdiag.sources._hints import column_hint
from gapdiag.sources._inputs import Progress, Rows
from gapdiag.sources._paced import Paced
from gapdiag.sources._parse import Distinct, values_of
from gapdiag.sources._utf8 import as_text
from gapdiag.sources.periods import parse_period

BLOCK_BYTES = 8 << 20
HEADER_BYTES = 1 << 20
TEXT_AS_BYTES = True
"""Read a UTF-8 file's text columns as bytes and make them text after (`_utf8`): its
cells' UTF-8 then costs one pass for the largest byte, not the reader's check per cell."""
"""A header line longer than this is cut there (and its last column will not match)."""


@dataclass(slots=True)
class Export:
    """One export opened for reading: its name, the roles found, and its blocks."""

    name: str
    kind: str
    present: dict[str, str]
    missing_optional: tuple[tuple[str, str], ...]  # (role, column) of each absent optional
    _blocks: Callable[[], Iterator[Any]]
    bad: BadRows
    rows_read: int = field(default=0)
    by_value: frozenset[str] = frozenset()
    """Roles whose reader works per distinct value (names, stages, dates): their padding
    is looked for among the distinct values, an encoding the reader then finds remembered."""
    unread: frozenset[str] = frozenset()
    """Roles found in the header but not read, their cells needed by nothing asked for (a
    deal's account without activities to join). A row whose cells read are all empty or
    repeat the header may hold one in them: its file is read again whole (`Unread`)."""

    def blocks(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number of the first row, role -> trimmed text array, '' as null) per block.

        Rows that repeat the header, and rows whose mapped cells are all empty (a
        spreadsheet's ',,,,' lines), are not rows: they are counted, and cut out of the
        blocks with the row numbers of the rest kept.
        """
        for batch in self._blocks():
            Distinct.forget()  # the last block's encodings: its arrays are not kept alive
            first = self.rows_read + self.bad.malformed(self.name) + 2  # row 1 is the header
            first += self.bad.repeats[self.name] + self.bad.empty[self.name]
            read = {r: c for r, c in self.present.items() if r not in self.unread}
            columns = {
                role: _trimmed(batch.column(header), by_value=role in self.by_value)
                for role, header in read.items()
            }
            repeats = header_repeats(columns, read)
            empty = empty_rows(columns)
            cuts = np.flatnonzero(repeats | empty)
            if len(cuts) and self.unread:  # the cells not read may make such a row a row
                raise Unread(Path(self.name))
            self.rows_read += batch.num_rows - len(cuts)
            self.bad.repeats[self.name] += int(repeats.sum())
            self.bad.empty[self.name] += int(empty.sum())
            if not len(cuts):  # the usual case: the block whole (its arrays' encodings kept)
                yield first, columns
                continue
            start = 0
            for stop in (*cuts.tolist(), batch.num_rows):  # the rows between cut rows
                if stop > start:
                    yield (
                        first + start,
                        {r: c.slice(start, stop - start) for r, c in columns.items()},
                    )
                start = stop + 1
        Distinct.forget()

    def recorder(self, rows: Any, cells: dict[str, Any]) -> Callable[[str, Any, str], None]:
        """record(role, mask, reason): record the masked cells of a block as bad rows."""

        def record(role: str, mask: Any, reason: str) -> None:
            if mask.any():
                values = pc.filter(cells[role], mask).to_pylist()
                self.bad.add(self.name, role, reason, rows[mask], values)

        return record


def _trimmed(text: Any, *, by_value: bool = False) -> Any:
    """Cells without surrounding ASCII white space; blank cells null (empty ones already are).

    ASCII only: pyarrow's ASCII trim is several times faster than its Unicode one, and
    exports pad with spaces and tabs, not with Unicode spaces. A column read `by_value`
    that repeats a few values is looked at by distinct value (`values_of`); numbers are
    kept as read.
    """
    if pa.types.is_floating(text.type) or not _padded(values_of(text) if by_value else text):
        return text  # the usual case: nothing to trim
    trimmed = pc.ascii_trim_whitespace(text)
    if pc.sum(pc.binary_length(trimmed)) == pc.sum(pc.binary_length(text)):
        return text
    blank = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)


_SPACE_MAX = 0x20
"""The bytes pyarrow's ASCII trim removes (tab, line feed, vertical tab, form feed, carriage
return, space) are all at most this; other bytes up to it are control characters, which no
export starts or ends a cell with, and which only cost a trim that changes nothing."""


def _padded(text: Any) -> bool:
    """Whether some cell may start or end with ASCII white space (True when unsure).

    Reads each cell's first and last byte from the array's buffers: no trimmed copy of
    every cell is made to find that none needed trimming. An empty cell's "first byte" is
    the next filled cell's first (its "last byte" the previous filled cell's last), clipped
    to the column's bytes: bytes looked at anyway, so no mask of filled cells is needed.
    The cells are taken `_STEP` at a time: small index arrays are reused memory, where
    one the size of the column would be fresh pages every block.
    """
    if not isinstance(text, pa.StringArray) or len(text) == 0:
        return True
    _, offsets, data = text.buffers()
    if data is None:
        return False  # every cell empty or null
    ends = np.frombuffer(offsets, dtype=np.int32, count=len(text) + 1, offset=4 * text.offset)
    low, high = int(ends[0]), int(ends[-1])
    if high <= low:
        return False  # every cell empty or null
    cells = np.frombuffer(data, dtype=np.uint8, count=high - low, offset=low)
    if cells[-1] <= _SPACE_MAX:  # the last cell's last byte
        return True
    width = (high - low) // len(text)
    if width * len(text) == high - low and not (np.diff(ends) != width).any():
        # every cell as wide (dates, codes): first and last bytes at a stride, no index
        return bool(min(cells[::width].min(), cells[width - 1 :: width].min()) <= _SPACE_MAX)
    for at in range(0, len(text), _STEP):
        part = ends[at : at + _STEP + 1] - low
        if cells.take(part[:-1], mode="clip").min() <= _SPACE_MAX:  # first bytes
            return True
        part -= 1
        if cells.take(part[1:], mode="clip").min() <= _SPACE_MAX:  # last bytes
            return True
    return False


_STEP = 16_384


def open_export(
    source: Rows,
    wanted: Mapping[str, str | None],
    *,
    kind: str,
    optional: Iterable[str] = (),
    bad: BadRows,
    hint: Callable[[tuple[str, ...]], str] = lambda _: "",
    progress: Progress | None = None,
    rescan: bool = False,
    by_value: Iterable[str] = (),
    numbers: Iterable[str] = (),
    unread: Iterable[str] = (),
) -> Export:
    """Open `source` (a CSV path or row mappings) for the mapped roles -> header names.

    `by_value` are the roles its reader works out per distinct value (`Export.by_value`).
    `numbers` are roles a file's reader parses as floats (`AsText` when a cell is not one).
    `unread` are roles of a file whose cells are not read (`Export.unread`).

    Raises:
        InvalidArgument: the file cannot be read, or required columns are missing (once,
            naming the export's columns).
    """
    name = str(source) if isinstance(source, str | Path) else f"{kind} rows"
    if isinstance(source, str | Path):
        header, blocks = _from_file(Path(source), bad, progress, rescan=rescan)
    else:
        header, blocks = _from_rows(list(source))
    chosen = {role: _spelled(column, header) for role, column in wanted.items() if column}
    skippable = set(optional)
    missing = [r for r, c in chosen.items() if c not in header and r not in skippable]
    if missing:
        message = _missing_message(name, kind, {r: chosen[r] for r in missing}, header, hint)
        if isinstance(source, str | Path):
            message += _header_lower_down(Path(source), [chosen[r] for r in missing])
        if kind == "quotas" and {"period", "quota"} <= set(missing):
            message += _wide_quotas(header, chosen)
        raise InvalidArgument(message)
    present = {r: c for r, c in chosen.items() if c in header}
    bad.headers[name] = dict(present)
    bad.twice[name] = tuple(sorted({c for c in present.values() if header.count(c) > 1}))
    absent = tuple((r, chosen[r]) for r in chosen if r not in present)
    skipped = frozenset(unread) if isinstance(source, str | Path) else frozenset()
    columns = sorted({c for r, c in present.items() if r not in skipped})
    floats = {present[r] for r in numbers if r in present and _only_for(r, present)}
    return Export(
        name,
        kind,
        present,
        absent,
        lambda: blocks(columns, floats),
        bad,
        by_value=frozenset(by_value),
        unread=frozenset(r for r in skipped if r in present),
    )


def _only_for(role: str, present: dict[str, str]) -> bool:
    """Whether `role`'s column is read for it alone, and its name is no number."""
    column = present[role]
    if sum(c == column for c in present.values()) > 1:
        return False
    try:
        float(column)
    except ValueError:
        return True
    return False


def _spelled(column: str, header: tuple[str, ...]) -> str:
    """The header's own spelling of `column` when it differs only in case or spacing."""
    if column in header:
        return column
    folded = [
        h for h in header if " ".join(h.casefold().split()) == " ".join(column.casefold().split())
    ]
    return folded[0] if len(folded) == 1 else column


def _missing_message(
    name: str,
    kind: str,
    missing: dict[str, str],
    header: tuple[str, ...],
    hint: Callable[[tuple[str, ...]], str],
) -> str:
    named = ", ".join(f"{c!r}{column_hint(role, c, header)}" for role, c in missing.items())
    shown = ", ".join(header[:40]) + (f", ... ({len(header)} in all)" if len(header) > 40 else "")
    plural = "s" if len(missing) > 1 else ""
    return (
        f"{name}: {kind}: the mapping names column{plural} {named} that the export does not "
        f"have; its columns are: {shown or '(none)'}{hint(header)}"
    )


def _wide_quotas(header: tuple[str, ...], chosen: Mapping[str, str]) -> str:
    """A hint for a quota tab with one column per period (a rep a row), else ''."""
    periods = []
    for column in header:
        try:
            parse_period(column)
        except InvalidArgument:
            continue
        periods.append(column)
    if len(periods) < 2:
        return ""
    shown = ", ".join(periods[:4]) + (", ..." if len(periods) > 4 else "")
    return (
        f"; its columns {shown} hold one period's quota each: a quota sheet has one row per "
        f"rep and period ({chosen['rep']}, {chosen['period']}, {chosen['quota']}); unpivot "
        "the tab into those three columns"
    )


def _header_lower_down(path: Path, columns: list[str], lines: int = 30) -> str:
    """Where the mapped columns' header is when it is not the file's first line (a title,
    filters or a merged heading above it, as a report or a sheet tab writes), else ''."""
    with open_input(path, name="export_bytes") as handle:
        head = handle.read(HEADER_BYTES).decode("utf-8-sig", "replace")
    wanted = {" ".join(c.casefold().split()) for c in columns}
    found = head.splitlines()[:lines]
    for number, line in enumerate(found[1:], 2):
        cells = next(csv.reader([line], delimiter=delimiter(line)), [])
        if wanted <= {" ".join(c.casefold().split()) for c in cells}:
            above = ", ".join(
                repr(t.strip(' ,;\t"')) for t in found[: number - 1] if t.strip(' ,;\t"')
            )
            return (
                f"; they are on line {number}, under {above or 'blank lines'}: delete the "
                f"{number - 1} line{'s' if number > 2 else ''} above the column names (or export "
                "the report's details only)"
            )
    return ""


def _from_file(
    path: Path, bad: BadRows, progress: Progress | None, *, rescan: bool = False
) -> tuple[tuple[str, ...], Callable[[list[str], Collection[str]], Iterator[Any]]]:
    size = check_file(path, name="export_bytes")  # a regular file within the limit
    try:
        with open_input(path, name="export_bytes") as handle:
            head = handle.read(HEADER_BYTES)
        if (what := not_csv(head)) is not None:
            raise InvalidArgument(f"{path}: {what}")
        if looks_like_json(head):
            raise InvalidArgument(
                f"{path}: is JSON, not a CSV export; ingest reads the CRM's CSV exports"
                " (a rep's metrics in JSON go straight to gapdiag diagnose)"
            )
        wide = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        # The whole file is scanned when its start is not UTF-8, or its reading found a
        # row that is not (`rescan`); an export that is UTF-8 throughout is read at once.
        whole_scan = not wide and (rescan or not _utf8_start(head, cut=len(head) == HEADER_BYTES))
        layout = scan(path) if whole_scan else None
        encoding = "utf-16" if wide else "cp1252" if _windows(layout) else "utf-8-sig"
        text = _first_line_of(head, encoding)
        sep = delimiter(text)
        first = next(csv.reader([text], delimiter=sep), None)
        end, footer = footer_start(path, size, sep, encoding) if first else (size, 0)
    except UnicodeDecodeError:
        raise InvalidArgument(
            f"{path}: the header is not UTF-8 text, nor Windows-1252 (save the export as UTF-8 CSV)"
        ) from None
    except (OSError, csv.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InvalidArgument(f"{path}: cannot read: {reason}") from None
    if not first:
        what = "is empty" if size == 0 else "starts with a blank line"
        raise InvalidArgument(f"{path}: {what}: an export needs a header row first")
    header = tuple(cell.strip() for cell in first)
    bad.footers[str(path)] = footer
    text_of = None
    if layout is not None and layout.odd_lines:  # read as UTF-8, odd lines made UTF-8
        text_of = as_utf8(path, end, layout.odd_lines)
        if layout.mixed:
            _report_odd_lines(path, end, layout, bad)
        else:
            bad.encodings[str(path)] = "Windows-1252"
    if layout is not None and layout.quotes % 2:
        _refuse_unclosed_quote(path, text_of, end, sep, "utf-8-sig")

    raw = TEXT_AS_BYTES and not wide and not whole_scan

    def blocks(columns: list[str], floats: Collection[str] = ()) -> Iterator[Any]:
        text = pa.binary() if raw else pa.string()
        types = {c: pa.float64() if c in floats else text for c in columns}
        reader_options = pcsv.ReadOptions(
            block_size=BLOCK_BYTES,
            use_threads=False,
            column_names=list(header),
            skip_rows=1,
            encoding="utf16" if wide else "utf8",  # text_of is UTF-8 too
        )
        handler = bad.on_malformed(str(path), len(header))
        parse = pcsv.ParseOptions(
            delimiter=sep, newlines_in_values=True, invalid_row_handler=handler
        )
        convert = pcsv.ConvertOptions(
            include_columns=columns,
            column_types=types,
            null_values=[""],  # only an empty cell is empty: 'NA' may be a name
            strings_can_be_null=True,
        )
        if text_of is not None:  # UTF-8 made of a file that was not: already in memory
            stream: Any = None
            source = pa.BufferReader(pa.py_buffer(text_of))
        else:  # a few blocks in memory, whatever the size; its quotes counted on the way
            stream = Paced(path, end, BLOCK_BYTES)
            source = pa.PythonFile(stream, mode="r")
        keep_undecodable_rows_quiet(handler)
        try:
            reader = pcsv.open_csv(
                source,
                read_options=reader_options,
                parse_options=parse,
                convert_options=convert,
            )
            for batch in stream.batches(reader) if stream is not None else reader:
                if progress is not None:
                    at = stream.position if stream is not None else source.tell()
                    progress(str(path), at, size)
                if (checked := as_text(batch)) is None:
                    raise NotUtf8(path)  # read again, line by line (`rescan`)
                yield checked
        except pa.ArrowInvalid as error:
            if floats and "conversion error to double" in str(error):
                raise AsText(path) from None  # read again, its numbers as text
            if not whole_scan and ("invalid UTF8" in str(error) or _row_not_text(error)):
                raise NotUtf8(path) from None  # read again, line by line (`rescan`)
            raise InvalidArgument(
                f"{path}: cannot read: {_first_line(error)} (save the export as UTF-8 CSV)"
            ) from None
        finally:
            if stream is not None:  # (see `_paced`: no read may call into Python at exit)
                stream.close()  # a waiting fetch wakes and reads nothing, as will any later one
                source.close()  # the Python file let go here, on this thread, not on the reader's
        if stream is not None and stream.quotes % 2:  # an odd count may be a quote left open
            _refuse_unclosed_quote(path, None, end, sep, "utf-16" if wide else "utf-8-sig")

    return header, blocks


def _row_not_text(error: pa.ArrowInvalid) -> bool:
    """Whether pyarrow gave up on a row its invalid-row handler never saw.

    A row with the wrong number of cells goes to the handler, unless pyarrow cannot make its
    bytes text (a Windows-1252 name, say): then the parse error is raised instead.
    """
    return str(error).startswith("CSV parse error: ") and " columns, got " in str(error)


class ReadAgain(Exception):
    """A file's reading found it must be read again another way (its kind says which)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


class AsText(ReadAgain):
    """A cell of a column read as numbers is not one: read the file again, all as text."""


class NotUtf8(ReadAgain):
    """A row of a file read as UTF-8 is not: read the file again, scanned line by line."""


class Unread(ReadAgain):
    """A row's cells read are all empty or the header's: read the file again, every column."""


def _utf8_start(head: bytes, *, cut: bool) -> bool:
    """Whether the file's first bytes are UTF-8 (a character cut by the sample's end is)."""
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return cut and error.start >= len(head) - 3
    return True


def _first_line_of(head: bytes, encoding: str) -> str:
    """The header line: in the file's encoding (a header in another one than its rows too)."""
    line = head.split(b"\n", 1)[0] if encoding != "utf-16" else head
    if encoding == "utf-8-sig":
        try:
            return next(iter(line.decode("utf-8-sig").splitlines()), "")
        except UnicodeDecodeError:  # a Windows-1252 header over UTF-8 rows
            encoding = "cp1252"
    errors = "ignore" if encoding == "utf-16" else "strict"  # UTF-16: a character cut short
    return next(iter(line.decode(encoding, errors).splitlines()), "")


def _windows(layout: Scan | None) -> bool:
    """A file with lines that are not UTF-8 and none that is: Windows-1252 throughout."""
    return layout is not None and bool(layout.odd_lines) and not layout.mixed


def _report_odd_lines(path: Path, end: int, layout: Scan, bad: BadRows) -> None:
    """Each Windows-1252 row of a UTF-8 file as a problem, with its number and text."""
    name = str(path)
    odd = [(number, start) for number, start, _ in layout.odd_lines if start < end and number > 1]
    if odd:
        rows = np.array([number for number, _ in odd])
        with open_input(path, name="export_bytes") as handle:
            shown = []
            for _, start in odd:
                handle.seek(start)
                shown.append(handle.readline(200).decode("cp1252", "replace").rstrip("\r\n"))
        reason = "is Windows-1252 text in a UTF-8 file: read as Windows-1252 (check its names)"
        bad.add(name, "(row)", reason, rows, shown)


def _refuse_unclosed_quote(
    path: Path, text_of: bytes | None, end: int, sep: str, encoding: str
) -> None:
    """One error naming the row where a quoted cell opens and is never closed.

    Raises:
        InvalidArgument: such a row exists (every row after it would be one cell).
    """
    if text_of is None:
        with open_input(path, name="export_bytes") as handle:
            text_of = handle.read(end)
    line = unclosed_quote(text_of.decode(encoding, "replace"), sep)
    if line is not None:
        raise InvalidArgument(
            f"{path}:{line}: a quoted cell starts in this row and is never closed, so every "
            "row after it would be read as one cell (close the quote, or remove it)"
        )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def _from_rows(
    rows: list[Mapping[str, str]],
) -> tuple[tuple[str, ...], Callable[[list[str], Collection[str]], Iterator[Any]]]:
    header = tuple(dict.fromkeys(key for row in rows for key in row))

    def blocks(columns: list[str], _floats: Collection[str] = ()) -> Iterator[Any]:
        schema = pa.schema([(c, pa.string()) for c in columns])
        values = {
            c: [(None if (v := row.get(c)) in (None, "") else str(v)) for row in rows]
            for c in columns
        }
        yield pa.RecordBatch.from_pydict(values, schema=schema)

    return header, blocks
