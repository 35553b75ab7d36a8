"""An Excel workbook's first sheet as CSV text, for the population reader.

openpyxl (the ``excel`` extra) reads the sheet in read-only mode, row by row; the
workbook is a zip, so the size its parts unpack to is checked against the
``population_bytes`` limit before any is read (a small file can unpack to gigabytes).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from gapdiag.model._input import SAVE_AS_CSV, check_file, not_csv
from gapdiag.model.errors import InvalidArgument, InvalidInput
from gapdiag.model.limits import limits

WORKBOOKS = (".xlsx", ".xlsm")
"""Workbooks read as populations (the first sheet)."""


def sheet_text(path: Path) -> str:
    """The first sheet of the workbook at `path` as CSV text: numbers, dates (YYYY-MM-DD)
    and true/false as Excel holds them, empty cells and rows left empty.

    Raises:
        InvalidArgument: openpyxl is not installed, the file is no workbook, or its parts
            unpack past the ``population_bytes`` limit.
    """
    try:
        import openpyxl
    except ImportError:
        raise InvalidArgument(
            f"{path}: reading an Excel workbook needs openpyxl (pip install 'gapdiag[excel]');"
            f" or {SAVE_AS_CSV}"
        ) from None
    check_file(path, name="population_bytes")
    bound = limits()
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        with path.open("rb") as handle:
            what = not_csv(handle.read(4096))  # a web page or an old .xls under the name
        if what is not None:
            raise InvalidArgument(f"{path}: {what}") from None
        raise InvalidArgument(f"{path}: not an Excel workbook (.xlsx); {SAVE_AS_CSV}") from None
    if unpacked > bound.population_bytes:
        raise InvalidInput(
            f"{path}: its parts unpack to {unpacked:,} bytes, too large"
            f" ({bound.hint('population_bytes')})"
        )
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise InvalidArgument(
            f"{path}: not an Excel workbook that can be read ({type(error).__name__}); "
            f"{SAVE_AS_CSV}"
        ) from None
    try:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        width = 0
        for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True)):
            cells = [_cell(value) for value in row]
            while cells and cells[-1] == "" and len(cells) > width:
                cells.pop()  # the empty cells a sheet keeps past the header's columns
            if number == 0:
                width = len(cells)
            if any(cells):
                writer.writerow(cells + [""] * (width - len(cells)))
            else:
                out.write("\n")  # a blank line: no row, and the lines still the sheet's rows
    finally:
        book.close()
    return out.getvalue()


def _cell(value: Any) -> str:
    """A cell's value as the CSV text gapdiag reads back to the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)
