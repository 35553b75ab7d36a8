"""Read only the mapped columns of an export, in blocks, as text; check the header first.

pyarrow's CSV reader parses a block of the file at a time and keeps only the columns a
mapping names, so memory follows the columns used, not the file. The header is read and
checked before any row: every missing column is named at once, with the export's real
columns, a did-you-mean and the presets whose columns the file does have.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._dialect import (
    delimiter,
    empty_rows,
    encoding_of,
    footer_start,
    header_repeats,
)
from gapdiag.sources._inputs import Progress, Rows
from gapdiag.sources._paced import Paced

BLOCK_BYTES = 8 << 20
HEADER_BYTES = 1 << 20
"""A header line longer than this is cut there (and its last column will not match)."""


@dataclass(slots=True)
class Export:
    """One export opened for reading: its name, the roles found, and its blocks."""

    name: str
    kind: str
    present: dict[str, str]
    missing_optional: tuple[str, ...]
    _blocks: Callable[[], Iterator[Any]]
    bad: BadRows
    rows_read: int = field(default=0)

    def blocks(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number of the first row, role -> trimmed text array, '' as null) per block.

        Rows that repeat the header, and rows whose mapped cells are all empty (a
        spreadsheet's ',,,,' lines), are not rows: they are counted, and cut out of the
        blocks with the row numbers of the rest kept.
        """
        for batch in self._blocks():
            first = self.rows_read + self.bad.malformed(self.name) + 2  # row 1 is the header
            first += self.bad.repeats[self.name] + self.bad.empty[self.name]
            columns = {
                role: _trimmed(batch.column(header)) for role, header in self.present.items()
            }
            repeats = header_repeats(columns, self.present)
            empty = empty_rows(columns)
            cuts = np.flatnonzero(repeats | empty)
            self.rows_read += batch.num_rows - len(cuts)
            self.bad.repeats[self.name] += int(repeats.sum())
            self.bad.empty[self.name] += int(empty.sum())
            start = 0
            for stop in (*cuts.tolist(), batch.num_rows):  # the rows between cut rows
                if stop > start or not len(cuts):
                    yield (
                        first + start,
                        {r: c.slice(start, stop - start) for r, c in columns.items()},
                    )
                start = stop + 1

    def recorder(self, rows: Any, cells: dict[str, Any]) -> Callable[[str, Any, str], None]:
        """record(role, mask, reason): record the masked cells of a block as bad rows."""

        def record(role: str, mask: Any, reason: str) -> None:
            if mask.any():
                values = pc.filter(cells[role], mask).to_pylist()
                self.bad.add(self.name, role, reason, rows[mask], values)

        return record


def _trimmed(text: Any) -> Any:
    """Cells without surrounding ASCII white space; blank cells null (empty ones already are).

    ASCII only: pyarrow's ASCII trim is several times faster than its Unicode one, and
    exports pad with spaces and tabs, not with Unicode spaces.
    """
    if not _padded(text):
        return text  # the usual case: nothing to trim
    trimmed = pc.ascii_trim_whitespace(text)
    if pc.sum(pc.binary_length(trimmed)) == pc.sum(pc.binary_length(text)):
        return text
    blank = pc.equal(pc.binary_length(trimmed), 0)
    return pc.if_else(blank, pa.scalar(None, pa.string()), trimmed)


_SPACE = np.zeros(256, dtype=bool)
_SPACE[list(b" \t\n\x0b\x0c\r")] = True
"""The bytes pyarrow's ASCII trim removes."""


def _padded(text: Any) -> bool:
    """Whether some cell may start or end with ASCII white space (True when unsure).

    Reads each cell's first and last byte from the array's buffers: no trimmed copy of
    every cell is made to find that none needed trimming.
    """
    if not isinstance(text, pa.StringArray) or len(text) == 0:
        return True
    _, offsets, data = text.buffers()
    if data is None:
        return False  # every cell empty or null
    ends = np.frombuffer(offsets, dtype=np.int32, count=len(text) + 1, offset=4 * text.offset)
    first, after = ends[:-1], ends[1:]
    filled = after > first
    data_bytes = np.frombuffer(data, dtype=np.uint8)
    return bool(
        _SPACE[data_bytes[first[filled]]].any() or _SPACE[data_bytes[after[filled] - 1]].any()
    )


def open_export(
    source: Rows,
    wanted: Mapping[str, str | None],
    *,
    kind: str,
    optional: Iterable[str] = (),
    bad: BadRows,
    hint: Callable[[tuple[str, ...]], str] = lambda _: "",
    progress: Progress | None = None,
) -> Export:
    """Open `source` (a CSV path or row mappings) for the mapped roles -> header names.

    Raises:
        InvalidArgument: the file cannot be read, or required columns are missing (once,
            naming the export's columns).
    """
    name = str(source) if isinstance(source, str | Path) else f"{kind} rows"
    if isinstance(source, str | Path):
        header, blocks = _from_file(Path(source), bad, progress)
    else:
        header, blocks = _from_rows(list(source))
    chosen = {role: _spelled(column, header) for role, column in wanted.items() if column}
    skippable = set(optional)
    missing = [r for r, c in chosen.items() if c not in header and r not in skippable]
    if missing:
        raise InvalidArgument(
            _missing_message(name, kind, [chosen[r] for r in missing], header, hint)
        )
    present = {r: c for r, c in chosen.items() if c in header}
    bad.headers[name] = dict(present)
    bad.twice[name] = tuple(sorted({c for c in present.values() if header.count(c) > 1}))
    absent = tuple(chosen[r] for r in chosen if r not in present)
    columns = sorted(set(present.values()))
    return Export(name, kind, present, absent, lambda: blocks(columns), bad)


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
    missing: list[str],
    header: tuple[str, ...],
    hint: Callable[[tuple[str, ...]], str],
) -> str:
    named = ", ".join(f"{c!r}{did_you_mean(c, header)}" for c in missing)
    shown = ", ".join(header[:40]) + (f", ... ({len(header)} in all)" if len(header) > 40 else "")
    plural = "s" if len(missing) > 1 else ""
    return (
        f"{name}: {kind}: the mapping names column{plural} {named} that the export does not "
        f"have; its columns are: {shown or '(none)'}{hint(header)}"
    )


def _from_file(
    path: Path, bad: BadRows, progress: Progress | None
) -> tuple[tuple[str, ...], Callable[[list[str]], Iterator[Any]]]:
    if path.exists() and not path.is_dir() and not path.is_file():
        raise InvalidArgument(f"{path}: is not a regular file (save the export to a file first)")
    try:
        with path.open("rb") as handle:
            head = handle.read(HEADER_BYTES)
        size = path.stat().st_size
        encoding = encoding_of(head, cut=len(head) == HEADER_BYTES)
        text = next(iter(head.decode(encoding, "ignore").splitlines()), "")
        sep = delimiter(text)
        first = next(csv.reader([text], delimiter=sep), None)
        end, footer = footer_start(path, size, sep, encoding) if first else (size, 0)
    except IsADirectoryError:
        raise InvalidArgument(f"{path}: is a directory, not an export file") from None
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
    if encoding == "cp1252":
        bad.encodings[str(path)] = "Windows-1252"

    def blocks(columns: list[str]) -> Iterator[Any]:
        types = {c: pa.string() for c in columns}
        reader_options = pcsv.ReadOptions(
            block_size=BLOCK_BYTES,
            use_threads=False,
            column_names=list(header),
            skip_rows=1,
            encoding="utf8" if encoding == "utf-8-sig" else encoding,
        )
        parse = pcsv.ParseOptions(
            delimiter=sep,
            newlines_in_values=True,
            invalid_row_handler=bad.on_malformed(str(path), len(header)),
        )
        convert = pcsv.ConvertOptions(
            include_columns=columns,
            column_types=types,
            null_values=[""],  # only an empty cell is empty: 'NA' may be a name
            strings_can_be_null=True,
        )
        stream = Paced(path, end, BLOCK_BYTES)  # a few blocks in memory, whatever the size
        try:
            reader = pcsv.open_csv(
                pa.PythonFile(stream, mode="r"),
                read_options=reader_options,
                parse_options=parse,
                convert_options=convert,
            )
            for batch in stream.batches(reader):
                if progress is not None:
                    progress(str(path), stream.position, size)
                yield batch
        except pa.ArrowInvalid as error:
            raise InvalidArgument(
                f"{path}: cannot read: {_first_line(error)} (save the export as UTF-8 CSV)"
            ) from None
        finally:
            stream.close()

    return header, blocks


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0]


def _from_rows(
    rows: list[Mapping[str, str]],
) -> tuple[tuple[str, ...], Callable[[list[str]], Iterator[Any]]]:
    header = tuple(dict.fromkeys(key for row in rows for key in row))

    def blocks(columns: list[str]) -> Iterator[Any]:
        schema = pa.schema([(c, pa.string()) for c in columns])
        values = {
            c: [(None if (v := row.get(c)) in (None, "") else str(v)) for row in rows]
            for c in columns
        }
        yield pa.RecordBatch.from_pydict(values, schema=schema)

    return header, blocks
