"""Ingest's shortcuts give what the plain way gives, and reading stays a few blocks ahead."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest.mock import patch

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _money, _paced, _parse
from gapdiag.sources._tally import Slots, Tally

DATES = [
    "03/04/2017",
    "12/31/2016",
    "31/12/2016",
    "2017-05-06",
    "2017-05-06T14:05:00Z",
    "04/05/17",
    "soon",
    "02/30/2017",
    "0017-01-01",
    None,
]
FORMATS = [("%m/%d/%Y",), ("%m/%d/%Y", "%m/%d/%y"), ("%d/%m/%Y",)]


def _long(cells: list[str | None], repeat: int) -> Any:
    """A text array long enough for the per-value path (cells repeated in turn)."""
    return pa.array((cells * (repeat // len(cells) + 1))[:repeat], pa.string())


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(DATES), min_size=1, max_size=12),
    st.sampled_from(FORMATS),
)
def test_dates_read_per_value_as_per_cell(
    cells: list[str | None], formats: tuple[str, ...]
) -> None:
    """Reading each distinct date once and spreading it gives the per-cell answer exactly."""
    text = _long(cells, 9_000)
    assert _parse._repeats(text) or all(c is None for c in cells)
    fast = _parse.days(text, formats)
    plain = _plain_days(text, formats)
    np.testing.assert_array_equal(fast[0], plain[0])
    np.testing.assert_array_equal(fast[1], plain[1])


def _plain_days(text: Any, formats: tuple[str, ...]) -> tuple[Any, Any]:
    original = _parse._repeats
    _parse._repeats = lambda _: False  # type: ignore[assignment]
    try:
        return _parse.days(text, formats)
    finally:
        _parse._repeats = original


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(["Closed Won", "closed won", "Lost", "Open", "", None]), max_size=30),
    st.sampled_from([("Closed Won",), ("Lost", "Open"), ()]),
)
def test_membership_per_value_is_membership_per_cell(
    cells: list[str | None], values: tuple[str, ...]
) -> None:
    """`member` and `Keys.codes` worked out per distinct value equal the per-cell answers."""
    text = pa.array([None if c == "" else c for c in cells], pa.string())
    hit = _parse.member(text, values)
    folded = {v.lower() for v in values}
    expected = [c is not None and c != "" and (c in values or c.lower() in folded) for c in cells]
    assert hit.tolist() == expected
    keys = _parse.Keys()
    codes = keys.codes(text).tolist()
    assert codes == [-1 if c in (None, "") else keys.code(c) for c in cells]


def test_the_remembered_encoding_is_only_for_the_same_array() -> None:
    """Two arrays with equal contents are encoded each for itself; the same one once."""
    first = pa.array(["a", "b", "a"])
    second = pa.array(["b", "b", None])
    assert _parse.Distinct.of(first) is _parse.Distinct.of(first)
    assert _parse.Distinct.of(second).spread(np.array([7]), -1).tolist() == [7, 7, -1]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="0123456789.,-+() eE$€£¥USDEURabc\t", max_size=12), max_size=20))
def test_no_currency_byte_means_no_currency_mark(cells: list[str]) -> None:
    """The byte check only skips the pattern search where it would find nothing."""
    text = pa.array(cells or [""], pa.string())
    found = pc.any(
        pc.fill_null(
            pc.match_substring_regex(pc.utf8_trim_whitespace(text), _money._CURRENCY), False
        )
    ).as_py()
    if found:
        assert _money._may_be_marked(text)
    if not _money._may_be_marked(text):
        assert not _money.other_currency(text)[0].any()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5), st.integers(0, 6), st.booleans(), st.floats(-1e6, 1e6, width=32)
        ),
        min_size=1,
        max_size=60,
    )
)
def test_masked_rows_added_with_weight_zero_give_the_same_sums(
    rows: list[tuple[int, int, bool, float]],
) -> None:
    """Adding masked-off rows with weight 0 sums exactly as leaving them out."""
    rep = np.array([r[0] for r in rows])
    column = np.array([r[1] for r in rows])
    mask = np.array([r[2] for r in rows])
    weights = np.array([r[3] for r in rows], dtype=float)
    fast, slow = Tally(10), Tally(10)
    slots = fast.at(rep, column)
    assert slots.whole
    for tally, given_slots in ((fast, slots), (slow, Slots(slots.flat, slots.reps, False))):
        tally.add("n", given_slots, mask)
        tally.add("w", given_slots, mask, weights)
    for name in ("n", "w"):
        np.testing.assert_array_equal(fast.figures[name], slow.figures[name])


def _csv(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "".join(f"{i},row {i}\n" for i in range(rows)))
    return path


def _reader(stream: _paced.Paced, block: int) -> Any:
    return pcsv.open_csv(
        pa.PythonFile(stream, mode="r"),
        read_options=pcsv.ReadOptions(block_size=block, use_threads=False),
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
    )


def test_the_reader_stays_a_few_blocks_ahead(tmp_path: Path) -> None:
    """However large the file, the reader holds at most AHEAD blocks beyond what was taken."""
    path, block = _csv(tmp_path, 20_000), 4_096
    stream = _paced.Paced(path, path.stat().st_size, block)
    rows = 0
    for taken, batch in enumerate(stream.batches(_reader(stream, block)), start=1):
        assert stream.position <= (taken + _paced.AHEAD) * block
        rows += batch.num_rows
    assert rows == 20_000
    assert stream.position == path.stat().st_size
    assert stream.closed


def test_leaving_early_wakes_the_reader(tmp_path: Path) -> None:
    """A consumer that stops after one batch closes the stream; no fetch is left waiting."""
    path, block = _csv(tmp_path, 20_000), 4_096
    stream = _paced.Paced(path, path.stat().st_size, block)
    batches = stream.batches(_reader(stream, block))
    next(batches)
    batches.close()
    assert stream.closed
    assert stream.read(10) == b""


def test_only_the_first_end_bytes_are_read(tmp_path: Path) -> None:
    """A report footer past `end` is never handed to the reader."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n1,2\nTotal: 1\n")
    stream = _paced.Paced(path, 8, 1_024)
    assert stream.read() == b"a,b\n1,2\n"
    assert stream.read() == b""
    stream.close()


@pytest.mark.parametrize("padded", [" x", "x\t", "y\r"])
def test_padded_cells_are_trimmed(padded: str) -> None:
    """A cell with white space at an edge is trimmed; a blank one becomes empty."""
    from gapdiag.sources._columnar import _trimmed

    out = _trimmed(pa.array(["a", padded, "  ", None]))
    assert out.to_pylist() == ["a", padded.strip(), None, None]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.none() | st.text(alphabet=st.sampled_from(["a", "é", " ", "\t", "\r", "\x0b", "\xa0"])),
        max_size=12,
    ),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=0, max_value=12),
)
def test_trimming_skips_only_columns_nothing_pads(
    cells: list[str | None], start: int, size: int
) -> None:
    """A column is left as it is only when trimming it would change no cell (slices too)."""
    from gapdiag.sources._columnar import _padded, _trimmed

    text = pa.array(cells, pa.string()).slice(start, size)
    trimmed = pc.ascii_trim_whitespace(text)
    changes = pc.sum(pc.binary_length(trimmed)).as_py() != pc.sum(pc.binary_length(text)).as_py()
    if changes:
        assert _padded(text)
    blank = pc.equal(pc.binary_length(trimmed), 0)
    expected = pc.if_else(blank, pa.scalar(None, pa.string()), trimmed) if changes else text
    assert _trimmed(text).to_pylist() == expected.to_pylist()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.none() | st.text(alphabet=st.sampled_from(["a", " ", "\t", "\x01"])), max_size=9),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=1, max_value=4),
)
def test_padding_is_found_across_steps(cells: list[str | None], start: int, step: int) -> None:
    """Cells read a few at a time: a padded cell is found in whichever step it falls."""
    from gapdiag.sources import _columnar

    text = pa.array(cells, pa.string()).slice(start)
    padded = any(c is not None and c != c.strip(" \t") for c in text.to_pylist())
    with patch.object(_columnar, "_STEP", step):
        found = _columnar._padded(text)
    assert found or not padded
