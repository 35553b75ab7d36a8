"""A trend's word is true of the two numbers shown beside it (plan text, HTML, plots)."""

from __future__ import annotations

from typing import Any, Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.coaching.trends import _slope, movement, trend_word

VALUES = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@given(
    values=st.lists(VALUES, min_size=3, max_size=12),
    goal=st.floats(min_value=0.5, max_value=100.0),
    better=st.sampled_from(["higher", "lower"]),
)
def test_the_word_is_true_of_the_first_and_latest_values(
    values: list[float], goal: float, better: Literal["higher", "lower"]
) -> None:
    """improving/worsening moved that way; flat stayed within the noise band; uneven moved
    by more than it with no steady trend; at target is at or beyond the target."""
    points = tuple(enumerate(values))
    direction, _, noise = movement(points, better, goal)
    assert noise is not None
    first, latest = values[0], values[-1]
    word = trend_word(direction, better, latest, goal)
    up = 1 if better == "higher" else -1
    meets = latest >= goal if better == "higher" else latest <= goal
    if word == "improving":
        assert (latest - first) * up > 0
    elif word == "worsening":
        assert (latest - first) * up < 0
        assert not meets  # a target met is never 'worsening' by a hair
    elif word == "flat":
        assert abs(latest - first) <= noise
        assert not meets
    elif word == "uneven, no steady trend":
        assert abs(latest - first) > noise
        assert not meets
    else:
        assert word == "at target"
        assert meets


def test_a_jump_past_the_target_without_a_steady_trend_is_not_flat() -> None:
    """4 → 9 meetings a week against a target of 5, jumping about: not 'flat'."""
    points = tuple(enumerate([4.0, 7.0, 5.0, 8.0, 3.0, 6.0, 4.0, 5.0, 9.0]))
    direction, _, noise = movement(points, "higher", 5.0)
    assert direction == "uneven"
    assert noise is not None
    assert noise < 5
    assert trend_word(direction, "higher", 9.0, 5.0) == "at target"
    assert trend_word(direction, "higher", 4.0, 5.0) == "uneven, no steady trend"


def test_a_minimum_exceeded_is_at_target_not_worsening() -> None:
    """6 → 5.2 minutes a call against a minimum of 3 falls steadily, yet is at target."""
    points = tuple(enumerate([6.0 - 0.1 * n for n in range(9)]))
    direction, _, _ = movement(points, "higher", 3.0)
    assert direction == "worsening"
    assert trend_word(direction, "higher", points[-1][1], 3.0) == "at target"
    assert trend_word("worsening", "lower", 2.0, 3.0) == "at target"  # a maximum undercut


def test_a_trend_sums_exactly_so_every_python_reads_the_same_slope() -> None:
    """sum() adds left to right on 3.11 and compensates on 3.12+, so a slope could differ in
    its last digit between versions and between orders of the weeks; fsum is one answer."""
    weeks = [(1, 0.1), (2, 0.7), (3, 0.3), (4, 0.6)]
    assert _slope(weeks) == _slope([weeks[2], weeks[0], weeks[3], weeks[1]])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False), min_size=3, max_size=8),
    st.randoms(use_true_random=False),
)
def test_a_slope_does_not_hang_on_the_order_of_its_weeks(values: list[float], rnd: Any) -> None:
    """The least-squares slope is a property of the points, not of the order they are added."""
    points = [(week, value) for week, value in enumerate(values, start=1)]
    shuffled = list(points)
    rnd.shuffle(shuffled)
    assert _slope(points) == _slope(shuffled)
