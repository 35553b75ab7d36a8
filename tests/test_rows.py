"""Flat dotted rows to nested metrics and back, and reading CSV text cells by kind."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.model.errors import InvalidMetrics
from gapdiag.model.metrics import nest, parse_metrics
from gapdiag.model.rows import flatten, read_cell, rep_from_text

from .strategies import rep_dicts


def test_nest_builds_groups() -> None:
    """Dotted keys become nested groups."""
    assert nest({"rep_id": "a", "activity.calls_per_day": 12}) == {
        "rep_id": "a",
        "activity": {"calls_per_day": 12},
    }


@pytest.mark.parametrize(
    "flat",
    [
        {"activity": 1, "activity.calls_per_day": 2},
        {"activity.calls_per_day": 2, "activity": 1},
    ],
)
def test_value_and_group_clash_is_reported(flat: dict[str, int]) -> None:
    """A name used both as a value and as a group is an error, in either order."""
    with pytest.raises(InvalidMetrics, match="both as a value and a group"):
        nest(flat)


@given(rep_dicts())
def test_flatten_then_nest_round_trips(data: dict[str, object]) -> None:
    """nest(flatten(x)) == x for every rep the strategies make (an empty group has no cells)."""
    assert nest(flatten(data)) == {k: v for k, v in data.items() if v != {}}


@pytest.mark.parametrize(
    ("column", "text", "value"),
    [
        ("activity.calls_per_day", "12", 12.0),
        ("pipeline.win_rate", " 0.25 ", 0.25),
        ("knowledge.certified", "TRUE", True),
        ("knowledge.certified", "no", False),
        ("activity.calls_per_day", "", None),
        ("rep_id", "007", "007"),
        ("team", "East", "East"),
        ("activity.calls_per_dya", "12", "12"),
    ],
)
def test_read_cell_by_kind(column: str, text: str, value: object) -> None:
    """Cells read as their metric's kind; text columns and unknown names stay text."""
    assert read_cell(column, text) == value


@pytest.mark.parametrize(
    ("column", "text", "message"),
    [
        ("activity.calls_per_day", "twelve", "'twelve' is not a number"),
        ("activity.calls_per_day", "nan", "is not a finite number"),
        ("knowledge.certified", "maybe", "'maybe' is not true or false"),
    ],
)
def test_bad_cells_name_column_text_and_expectation(column: str, text: str, message: str) -> None:
    """A cell that does not read as its kind is refused, never guessed."""
    with pytest.raises(ValueError, match=message) as caught:
        read_cell(column, text)
    assert column in str(caught.value)


def test_rep_from_text_validates_like_json() -> None:
    """A CSV row becomes the same RepMetrics the equivalent JSON gives; empty cells are absent."""
    row = {
        "rep_id": "r1",
        "activity.calls_per_day": "12",
        "pipeline.win_rate": "",
        "tenure_months": "4",
    }
    rep = parse_metrics(rep_from_text(row))
    assert rep == parse_metrics(
        {"rep_id": "r1", "tenure_months": 4.0, "activity": {"calls_per_day": 12.0}}
    )


def test_rep_from_text_reports_every_bad_cell() -> None:
    """All bad cells of a row are reported together, by column."""
    with pytest.raises(InvalidMetrics) as caught:
        rep_from_text({"rep_id": "r", "activity.calls_per_day": "x", "pipeline.win_rate": "y"})
    assert [p.where for p in caught.value.problems] == [
        "activity.calls_per_day",
        "pipeline.win_rate",
    ]


SOURCE_NAMES = st.lists(
    st.text(st.characters(blacklist_characters=";", blacklist_categories=("Cs", "Cc")), min_size=1)
    .map(str.strip)
    .filter(bool),
    min_size=1,
    max_size=4,
    unique=True,
)


@settings(max_examples=40, deadline=None)
@given(rep_dicts(), SOURCE_NAMES)
def test_sources_round_trip_a_csv_cell_and_change_no_judgment(
    data: dict[str, object], named: list[str]
) -> None:
    """A rep's sources survive one ';'-joined cell and leave its diagnosis unchanged."""
    from gapdiag import RepMetrics, diagnose

    given = RepMetrics.model_validate({**data, "sources": named})
    cell = flatten(given.model_dump(exclude_none=True))["sources"]
    assert read_cell("sources", cell) == named
    assert given.sources == tuple(named)
    assert diagnose(given) == diagnose(RepMetrics.model_validate(data))


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False),
    st.sampled_from(["${:,}", "{:,}", "€{:,}", "£ {:,}", "{:,} $"]),
)
def test_money_as_a_spreadsheet_writes_it_reads_as_its_amount(amount: Any, form: str) -> None:
    """'$150,000.50', '150,000', '€ 9,000' read as the amount they show, in any size."""
    assert read_cell("pipeline.quota", form.format(amount)) == float(amount)


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False))
def test_a_percentage_reads_as_its_fraction(percent: Any) -> None:
    """'45%' and '45.5 %' are 0.45 and 0.455 for a fraction."""
    assert read_cell("pipeline.win_rate", f"{percent}%") == pytest.approx(float(percent) / 100)
    assert read_cell("pipeline.win_rate", f"{percent} %") == pytest.approx(float(percent) / 100)


@pytest.mark.parametrize(
    ("column", "text"),
    [
        ("pipeline.quota", "0,45"),  # a decimal comma: not read outside a ';' file
        ("pipeline.quota", "1.200,50"),
        ("pipeline.quota", "12,34,567"),  # not groups of three
        ("pipeline.quota", "45%"),  # a percentage is no amount
        ("activity.calls_per_day", "1,200"),  # grouping is read for money only
        ("activity.calls_per_day", "$12"),
        ("pipeline.win_rate", "$0.45"),
    ],
)
def test_written_numbers_are_read_only_where_unambiguous(column: str, text: str) -> None:
    """What could mean two numbers, or belongs to another kind, stays an error naming it."""
    with pytest.raises(ValueError, match=rf"{column}: '{re.escape(text)}' is not a number"):
        read_cell(column, text)
