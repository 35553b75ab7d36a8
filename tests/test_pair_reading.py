"""The composed comparison reader says two values exactly as the general one does."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model.labels import LABELS, pair_shower, show_all
from gapdiag.model.wording import pair_reading, reading

PATHS = st.sampled_from([*sorted(LABELS), "derived.pipeline_shortfall", "", "a / b"])
NEAR = st.sampled_from([0.0, -0.0, 1.0, 0.5, 0.995, 0.9999, 0.0004, 1e-9, 120000.0, 14.0])
VALUES = st.one_of(
    st.none(), st.booleans(), NEAR, st.floats(allow_nan=True, allow_infinity=True, width=64)
)


@given(PATHS, VALUES, VALUES)
def test_pair_reading_says_what_reading_says(path: str, a: object, b: object) -> None:
    assert pair_reading(path)(a, b) == reading(path, a, b)  # type: ignore[arg-type]


@given(PATHS, NEAR | st.floats(allow_nan=False, allow_infinity=False), NEAR)
def test_pair_shower_is_show_all_or_defers(path: str, a: float, b: float) -> None:
    shown = pair_shower(path)(a, b)
    if shown is not None:  # None: the general search decides the decimals
        assert shown == show_all(path, (a, b))
    else:
        assert pair_reading(path)(a, b) == reading(path, a, b)
