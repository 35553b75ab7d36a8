"""Text columns read as bytes and checked after give what the reader's own UTF-8 check gives."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _columnar
from gapdiag.sources._utf8 import as_text

from .crm_exports import read_in_small_blocks

HEADER = "Opportunity Owner,Stage,Amount,Created Date,Close Date,Account Name\n"
STAGES = ["Closed Won", "Closed Lost", "Prospecting", "Négociation", "商談"]
NAMES = ["Rep 1", "José Núñez", "Zoë", "  Rep 2 ", "", "李娜", "Ana\u00a0Lima", "😀 Rep"]
NOT_UTF8 = ["Jos\xe9".encode("cp1252"), b"\xff\xfe", b"Rep \xc3", b"\xed\xa0\x80"]
"""Windows-1252, stray bytes, a character cut short, an encoded surrogate."""

cells = st.one_of(st.none(), st.binary(max_size=6), st.text(max_size=6).map(str.encode))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(cells, min_size=1, max_size=8), min_size=1, max_size=3))
def test_bytes_are_text_exactly_when_utf8(columns: list[list[bytes | None]]) -> None:
    """Byte columns: the text a checked cast gives, or None when a cell is not UTF-8."""
    rows = min(map(len, columns))
    batch = pa.RecordBatch.from_arrays(
        [pa.array(c[:rows], pa.binary()) for c in columns],
        names=[f"c{i}" for i in range(len(columns))],
    )
    valid = True
    for cell in (c for column in columns for c in column[:rows] if c is not None):
        try:
            cell.decode("utf-8")
        except UnicodeDecodeError:
            valid = False
    found = as_text(batch)
    if not valid:
        assert found is None
        return
    assert found is not None
    assert found.schema == pa.schema([(f"c{i}", pa.string()) for i in range(len(columns))])
    for got, column in zip(found.columns, columns, strict=True):
        got.validate(full=True)
        assert got.to_pylist() == [None if c is None else c.decode() for c in column[:rows]]


def _export(folder: Path, names: list[str], odd: list[bytes], rows: int, late: int) -> Path:
    """A deal export of owners and stages in and out of ASCII, `odd` bytes from row `late` on."""
    lines = [HEADER.encode()]
    for i in range(rows):
        day = 1 + i % 28
        owner = names[i % len(names)].encode()
        if odd and i >= late:
            owner = odd[i % len(odd)]
        stage = STAGES[i % len(STAGES)].encode()
        lines.append(
            b"%s,%s,%d,04/%02d/2017,05/%02d/2017,Acme %d\n"
            % (owner, stage, 100 + i, day, day, i % 5)
        )
    path = folder / "opportunities.csv"
    path.write_bytes(b"".join(lines))
    return path


def _read(path: Path, *, as_bytes: bool) -> Any:
    """read_exports' rows, file summaries and bad rows, text read as bytes first or not.

    Only the file's first 128 bytes are looked at before reading (not its first MB, which
    would find the odd bytes of these small files and scan them line by line at once).
    """
    with (
        patch.object(_columnar, "TEXT_AS_BYTES", as_bytes),
        patch.object(_columnar, "HEADER_BYTES", 128),
    ):
        return read_in_small_blocks(path)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.sampled_from(NAMES), min_size=1, max_size=5),
    st.lists(st.sampled_from(NOT_UTF8), max_size=2),
    st.integers(1, 150),
    st.integers(0, 149),
)
def test_deals_read_as_bytes_as_read_as_text(
    names: list[str], odd: list[bytes], rows: int, late: int
) -> None:
    """Figures, summaries and bad rows alike, also when a late row is not UTF-8 (read again).

    A malformed row that is not UTF-8 either is read again with the rest, quietly (see
    `test_a_late_malformed_row_not_utf8_is_one_bad_row`).
    """
    with tempfile.TemporaryDirectory() as folder:
        path = _export(Path(folder), names, odd, rows, late)
        assert _read(path, as_bytes=True) == _read(path, as_bytes=False)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("odd", NOT_UTF8)
def test_a_late_malformed_row_not_utf8_is_one_bad_row(tmp_path: Path, odd: bytes) -> None:
    """A row with a cell too many and a Windows-1252 name, far into the file: one bad row.

    pyarrow cannot make such a row text for its invalid-row handler; it printed that as an
    ignored exception and refused the whole file ("cannot read: CSV parse error").
    """
    path = _export(tmp_path, ["Rep 1", "Rep 2"], [], 150, 0)
    lines = path.read_bytes().splitlines(keepends=True)
    lines.insert(140, b"%s,Closed Won,100,04/01/2017,05/01/2017,Acme,extra\n" % odd)
    path.write_bytes(b"".join(lines))
    with patch.object(_columnar, "HEADER_BYTES", 128):  # read as UTF-8 blocks at first
        rows, files, errors = read_in_small_blocks(path)
    assert files[0].skipped == 1, files
    assert files[0].rows == 151, files
    assert "has 7 cells, the header has 6" in errors
    assert {row["rep_id"] for row in rows} == {"Rep 1", "Rep 2"}
