"""Certainty combination and verdict status."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.engines.verdicts import combine, status_of

cf = st.floats(-1, 1, allow_nan=False).filter(lambda c: c != 0)


def test_combination_of_positive_evidence() -> None:
    """Two supporting rules of 0.6 and 0.5 combine to 0.8 (1 - 0.4 x 0.5)."""
    assert combine([0.6, 0.5]) == pytest.approx(0.8)


def test_counter_evidence_pulls_down() -> None:
    """0.6 for and 0.5 against give (0.6 - 0.5) / (1 - 0.5) = 0.2."""
    assert combine([0.6, -0.5]) == pytest.approx(0.2)


def test_no_evidence_is_zero() -> None:
    """No fired rule means a certainty of 0."""
    assert combine([]) == 0


def test_certain_for_and_against_is_zero() -> None:
    """Rules certain for and certain against a gap cancel out instead of dividing by zero."""
    assert combine([1.0, -1.0]) == 0


@given(st.lists(cf, max_size=8), st.randoms())
def test_order_does_not_matter(values: list[float], rnd: object) -> None:
    """Combining is independent of rule order, and stays in [-1, 1]."""
    shuffled = list(values)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert combine(values) == combine(shuffled)
    assert -1 <= combine(values) <= 1


@given(st.lists(cf, max_size=6), st.floats(0.01, 1))
def test_more_support_never_lowers_certainty(values: list[float], extra: float) -> None:
    """Adding one more supporting rule never lowers the combined certainty."""
    assert combine([*values, extra]) >= combine(values) - 1e-6


@pytest.mark.parametrize(
    ("certainty", "possible", "status"),
    [
        (0.7, 0.7, "confirmed"),
        (0.3, 0.3, "suspected"),
        (0.29, 0.29, "unlikely"),
        (0.0, 0.6, "unknown"),
        (-0.5, 0.2, "unlikely"),
    ],
)
def test_status_cut_offs(certainty: float, possible: float, status: str) -> None:
    """Confirmed from 0.7, suspected from 0.3; below that, unknown only if data could lift it."""
    assert status_of(certainty, possible) == status
