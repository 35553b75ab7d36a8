"""Ingest's grouped tally and comparison-counted columns give what the plain way gives."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _tally, opportunities
from gapdiag.sources._dialect import quotes_in
from gapdiag.sources._parse import NO_DAY
from gapdiag.sources.periods import Grid, grid, parse_period

_GRIDS = [
    grid(parse_period(p), every) for p in ("2017-Q2", "2017-05") for every in ("period", "week")
]


def _days(draw: Any, size: int, cut: Grid) -> Any:
    low, high = cut.starts[0] - 40, cut.ends[-1] + 40
    values = draw(st.lists(st.integers(low, high) | st.just(NO_DAY), min_size=size, max_size=size))
    return np.array(values, dtype=np.int64)


@settings(max_examples=60, deadline=None)
@given(st.data(), st.sampled_from(_GRIDS), st.integers(0, 40))
def test_a_few_periods_columns_are_searchsorted_columns(data: Any, cut: Any, size: int) -> None:
    """Counting a day's column by comparisons gives searchsorted's column."""
    days = _days(data.draw, size, cut)
    expected = np.searchsorted(np.asarray(cut.starts), days, side="right")
    expected = np.where(days > cut.ends[-1], len(cut) + 1, expected)
    np.testing.assert_array_equal(_tally.columns_of(days, cut), expected)
    assert _tally.columns_of(days, cut).dtype == expected.dtype


def _block(seed: int, size: int, reps: int, cut: Grid) -> Any:
    """A block of `size` usable deals: states, days around the grid (some unknown), amounts."""
    rng = np.random.default_rng(seed)
    low, high = cut.starts[0] - 40, cut.ends[-1] + 40
    state = rng.integers(0, 3, size)
    created = np.where(rng.random(size) < 0.1, NO_DAY, rng.integers(low, high, size))
    return opportunities._Block(
        rep=rng.integers(0, reps, size),
        won=state == 2,
        lost=state == 1,
        is_open=state == 0,
        created=created,
        closed=rng.integers(low, high, size),
        amount=np.round(rng.random(size) * 1e5, 2),
    )


def _plain_tally(tally: _tally.Tally, deals: Any, cut: Grid) -> None:
    """The tally as it was written before grouping: every figure added row by row."""
    won, known = deals.won, deals.created != NO_DAY
    start = np.where(known, _tally.columns_of(deals.created, cut), 0)
    end = np.where(deals.is_open, tally.width - 2, _tally.columns_of(deals.closed, cut))
    created, ended = tally.at(deals.rep, start), tally.at(deals.rep, end)
    tally.add("won_n", ended, won)
    tally.add("lost_n", ended, deals.lost)
    tally.add("won_amount", ended, won, deals.amount)
    tally.add("cycle_n", ended, won & known)
    length = np.maximum(deals.closed - deals.created, 0).astype(float)
    tally.add("cycle_days", ended, won & known, length)
    tally.interval("open_n", created, ended)
    tally.interval("open_amount", created, ended, None, deals.amount)
    tally.interval("age_n", created, ended, known)
    tally.interval("age_created", created, ended, known, deals.created.astype(float))
    tally.interval("play_n", created, tally.at(deals.rep, end + 1))
    tally.add("play_from", created, end >= 1)
    tally.add("leads_n", created, known & (start >= 1) & (start <= len(cut)))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 2**32),
    st.sampled_from(_GRIDS),
    st.sampled_from([0, 1, 9, 400, 2500]),
    st.integers(1, 40),
    st.booleans(),
)
def test_grouped_deals_tally_as_deals_one_by_one(
    seed: int, cut: Any, size: int, reps: int, twice: bool
) -> None:
    """Every figure, groups or a group per deal, equals the row-by-row sums bit for bit."""
    grouped, plain = _tally.Tally.over(cut), _tally.Tally.over(cut)
    for turn in range(2 if twice else 1):  # a second block adds to the first
        block = _block(seed + turn, size, reps, cut)
        opportunities._tally(grouped, block, cut)
        _plain_tally(plain, block, cut)
    assert grouped.figures.keys() == plain.figures.keys()
    for name, values in plain.figures.items():
        np.testing.assert_array_equal(grouped.figures[name], values, err_msg=name)


def test_both_ways_of_grouping_are_taken() -> None:
    """A block of few reps is grouped; one of more groups than deals keeps a deal a group."""
    cut = _GRIDS[0]
    few = np.zeros(500, dtype=np.int64)
    block = opportunities._Block(
        few, few == 0, few == 1, few == 1, few + cut.starts[0], few + cut.ends[0], few * 1.0
    )
    start = end = np.ones(500, dtype=np.int64)
    known = np.ones(500, dtype=bool)
    assert len(opportunities._Alike.of(block, start, end, known, 5).count) == 1
    many = np.arange(500, dtype=np.int64)
    block = opportunities._Block(
        many, few == 0, few == 1, few == 1, few + cut.starts[0], few + cut.ends[0], few * 1.0
    )
    assert len(opportunities._Alike.of(block, start, end, known, 5).count) == 500


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_quotes_are_counted_as_bytes_count_counts(data: bytes) -> None:
    """The numpy count of quotes is bytes.count's."""
    assert quotes_in(data) == data.count(b'"')


_DATES = ["03/04/2017", "12/31/2016", "2017-05-06", "05/06/17", "04/31/2017", "soon", None]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(_DATES), min_size=1, max_size=6), min_size=1, max_size=4),
    st.sampled_from([("%m/%d/%Y",), ("%m/%d/%Y", "%m/%d/%y"), ("%d/%m/%Y",)]),
)
def test_dates_remembered_read_as_dates_read_afresh(
    columns: list[list[str | None]], formats: tuple[str, ...]
) -> None:
    """Blocks read one after another, dates remembered between them, read as each alone."""
    from gapdiag.sources import _parse

    texts = [pa.array((cells * 2000)[:9000], pa.string()) for cells in columns * 2]
    _parse._KNOWN_DAYS.clear()
    remembered = [_parse.days(text, formats) for text in texts]
    for text, (numbers, bad) in zip(texts, remembered, strict=True):
        _parse._KNOWN_DAYS.clear()
        fresh_numbers, fresh_bad = _parse.days(text, formats)
        np.testing.assert_array_equal(numbers, fresh_numbers)
        np.testing.assert_array_equal(bad, fresh_bad)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["Ann", "Bo", "Owner", None]), min_size=1, max_size=5))
def test_header_repeats_found_by_distinct_value_as_by_cell(owners: list[str | None]) -> None:
    """A repeated header is found whether the owner column's encoding is remembered or not."""
    from gapdiag.sources import _dialect, _parse

    cells = (owners * 9000)[:9000]
    owner = pa.array(cells, pa.string())
    stage = pa.array(["Stage" if cell == "Owner" else "Won" for cell in cells], pa.string())
    header = {"owner": "Owner", "stage": "Stage"}
    _parse.Distinct.forget()
    plain = _dialect.header_repeats({"owner": owner, "stage": stage}, header)
    _parse.Distinct.of(owner)  # remembered, as a column read by value is
    np.testing.assert_array_equal(
        _dialect.header_repeats({"owner": owner, "stage": stage}, header), plain
    )
    assert plain.any() == ("Owner" in owners)
