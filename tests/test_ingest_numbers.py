"""A deal file's amounts read as numbers give what reading them as text gives, bad rows too."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _columnar, opportunities
from gapdiag.sources.ingest import read_exports

from .crm_exports import read_in_small_blocks

AMOUNTS = [
    "1200",
    "15341.0",
    "20878.58",
    " 12.50 ",
    "1e3",
    "007",
    "+12",
    "-0",
    "",
    "$1,200",
    "(1,200.00)",
    "USD 12,400.00",
    "EUR 3,100.00",
    "1.234,56",
    "-5",
    "inf",
    "nan",
    "1e999",
    "N/A",
]
HEADER = "Opportunity Owner,Stage,Amount,Created Date,Close Date,Account Name\n"
STAGES = ["Closed Won", "Closed Lost", "Prospecting"]


def _export(folder: Path, amounts: list[str], rows: int) -> Path:
    """A small opportunity export whose amount cells take `amounts` in turn."""
    lines = [HEADER]
    for i in range(rows):
        amount = amounts[i % len(amounts)]
        cell = f'"{amount}"' if "," in amount else amount
        day = 1 + i % 28
        lines.append(
            f"Rep {i % 3},{STAGES[i % 3]},{cell},04/{day:02d}/2017,05/{day:02d}/2017,Acme {i % 5}\n"
        )
    path = folder / "opportunities.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _read(path: Path, *, as_text: bool) -> Any:
    """read_exports' rows and file summaries, amounts read as numbers or forced to text."""
    return read_in_small_blocks(path, without="_numbers" if as_text else None)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(AMOUNTS), min_size=1, max_size=6),
    st.integers(1, 400),
    st.integers(0, 399),
)
def test_amounts_as_numbers_read_as_text_does(amounts: list[str], rows: int, late: int) -> None:
    """Plain numbers, a late odd cell ($1,200, N/A, -5, inf): figures and bad rows alike."""
    with tempfile.TemporaryDirectory() as folder:
        plain = ["1200.5", "300"] * (late // 2)  # a run of plain numbers first
        path = _export(Path(folder), plain + amounts, rows)
        assert _read(path, as_text=False) == _read(path, as_text=True)


def test_plain_amounts_are_read_as_numbers_once(tmp_path: Path) -> None:
    """A file of plain amounts is read once, its amount column already floats."""
    path = _export(tmp_path, ["1200", "15341.0", "", "20878.58"], 300)
    seen: list[Any] = []
    original = opportunities.amounts  # type: ignore[attr-defined]

    def spy(text: Any) -> Any:
        seen.append(text.type)
        return original(text)

    with patch.object(opportunities, "amounts", spy):
        result = read_exports(period="2017-Q2", opportunities=[path])
    assert seen == [pa.float64()]
    assert result.rows == _read(path, as_text=True)[0]


def test_a_bad_amount_is_named_with_its_line(tmp_path: Path) -> None:
    """A cell that is no number, found after plain ones, is still named file:line."""
    path = _export(tmp_path, ["1200"] * 199 + ["N/A"], 200)
    result = read_exports(period="2017-Q2", opportunities=[path])
    errors = result.errors_csv().splitlines()
    assert len(errors) == 2  # a header and the one bad row
    assert errors[1] == f"{path},201,Amount,N/A,is not an amount; left out of the sums"


def test_only_a_column_of_its_own_with_no_number_for_a_name_is_read_as_numbers() -> None:
    """A column shared with another role, or named like a number, stays text."""
    assert _columnar._only_for("amount", {"owner": "Owner", "amount": "Amount"})
    assert not _columnar._only_for("amount", {"account": "Amount", "amount": "Amount"})
    assert not _columnar._only_for("amount", {"owner": "Owner", "amount": "2017"})
