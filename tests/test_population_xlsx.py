"""An Excel workbook (.xlsx) is a population as its sheet saved as CSV would be.

Managers keep team files in Excel; "save it as CSV UTF-8 first" was the answer to every
one. The first sheet is read through openpyxl (the ``excel`` extra): numbers, dates and
true/false cells as Excel holds them, empty trailing rows and cells left out, and every
check of the CSV reader after that (bad rows, unknown columns, ragged rows).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

openpyxl = pytest.importorskip("openpyxl")

from gapdiag.cli import ExitStatus, main  # noqa: E402
from gapdiag.engines.vector.batch import diagnose_many  # noqa: E402
from gapdiag.model.errors import GapdiagError  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _typed(cell: str) -> object:
    """A CSV cell as Excel would hold it: a number, a date, true/false, or text."""
    if cell == "":
        return None
    if cell in ("true", "false"):
        return cell == "true"
    try:
        return dt.date.fromisoformat(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:
        return cell


def _workbook(path: Path, rows: list[list[str]], *, blank_tail: bool = False) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([_typed(c) for c in row])
    if blank_tail:  # rows a spreadsheet keeps after the data: formatted, empty
        sheet.cell(row=len(rows) + 5, column=3).number_format = "0.00"
    book.save(path)
    return path


def _rows() -> list[list[str]]:
    with (EXAMPLES / "team.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_the_team_file_as_a_workbook_diagnoses_as_the_csv(tmp_path: Path) -> None:
    """Every rep of examples/team.csv gets the same results row from its .xlsx twin."""
    import pandas as pd

    book = _workbook(tmp_path / "team.xlsx", _rows(), blank_tail=True)
    pd.testing.assert_frame_equal(
        diagnose_many(book).frame, diagnose_many(EXAMPLES / "team.csv").frame
    )


def test_a_bad_cell_in_a_workbook_is_one_bad_row(tmp_path: Path) -> None:
    """A negative quota in row 3 of the sheet is that rep's bad row; the others are read."""
    rows = [["rep_id", "pipeline.quota"], ["r1", "100000"], ["r2", "-5"], ["r3", "90000"]]
    batch = diagnose_many(_workbook(tmp_path / "reps.xlsx", rows))
    assert list(batch.frame["rep_id"]) == ["r1", "r3"]
    assert list(batch.errors["rep_id"]) == ["r2"]


def test_the_cli_reads_a_workbook(tmp_path: Path) -> None:
    """`gapdiag report team.xlsx` writes the page, as for the CSV."""
    book = _workbook(tmp_path / "team.xlsx", _rows())
    out, err = io.StringIO(), io.StringIO()
    code = main(["report", str(book), "--out", str(tmp_path / "t.html")], stdout=out, stderr=err)
    assert code == ExitStatus.OK, err.getvalue()


def test_a_zip_that_unpacks_past_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A workbook whose parts unpack past `population_bytes` is one error naming the limit."""
    monkeypatch.setenv("GAPDIAG_LIMIT_POPULATION_BYTES", "100000")
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 1_000_000 + b"</a>")
    with pytest.raises(GapdiagError, match="population_bytes"):
        diagnose_many(bomb)


def test_a_file_that_is_no_workbook_under_the_name_is_one_error(tmp_path: Path) -> None:
    """Text named .xlsx is one line saying it is no Excel workbook."""
    fake = tmp_path / "reps.xlsx"
    fake.write_text("rep_id\nr1\n")
    with pytest.raises(GapdiagError, match="not an Excel workbook"):
        diagnose_many(fake)


def test_a_web_page_or_a_plain_zip_under_the_name_says_what_it_is(tmp_path: Path) -> None:
    """Salesforce's 'Excel' web page named .xlsx, and a zip with no sheet, are one line each."""
    page = tmp_path / "report.xlsx"
    page.write_text("<html><table><tr><td>rep_id</td></tr></table></html>")
    with pytest.raises(GapdiagError, match="is a web page"):
        diagnose_many(page)
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(GapdiagError, match="not an Excel workbook that can be read"):
        diagnose_many(plain)


def test_a_date_with_a_time_of_day_in_a_workbook_is_a_bad_cell(tmp_path: Path) -> None:
    """A period date Excel holds with a time (9:30) is not read as that day, but refused."""
    book = openpyxl.Workbook()
    book.active.append(["rep_id", "period_start"])
    book.active.append(["r1", dt.datetime(2026, 7, 1, 9, 30)])
    book.active.append(["r2", dt.datetime(2026, 7, 1)])
    book.save(tmp_path / "reps.xlsx")
    batch = diagnose_many(tmp_path / "reps.xlsx")
    assert list(batch.frame["rep_id"]) == ["r2"]
    assert list(batch.errors["value"]) == ["2026-07-01T09:30:00"]
