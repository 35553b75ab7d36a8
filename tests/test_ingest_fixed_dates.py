"""Dates read from their bytes at a fixed width read as the parsers read them, or not at all."""

from __future__ import annotations

import datetime as dt
from unittest.mock import patch

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _parse
from gapdiag.sources._fixed_dates import fixed_days

FORMATS = ["%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y", "%Y%m%d"]
ODD = ["02/30/2017", "13/01/2017", "00/10/2017", "1/10/2017 ", "04/31/2017", "2017-1-05"]


def _parsed(text: pa.Array, fmt: str) -> tuple[list[int], list[bool]]:
    """What the parsers read (the fixed-width reading turned off)."""
    with patch.object(_parse, "fixed_days", lambda *_: None):
        days, bad = _parse.days(text, (fmt,))
    return days.tolist(), bad.tolist()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.dates(dt.date(1850, 1, 1), dt.date(2300, 12, 31)), min_size=1, max_size=30),
    st.sampled_from(FORMATS),
    st.lists(st.sampled_from(ODD), max_size=2),
)
def test_fixed_width_dates_read_as_the_parsers_read_them(
    days: list[dt.date], fmt: str, odd: list[str]
) -> None:
    """Every cell read the same; a column it cannot read whole is left to the parsers."""
    text = pa.array([d.strftime(fmt) for d in days] + odd, pa.string())
    fixed = fixed_days(text, fmt)
    numbers, bad = _parsed(text, fmt)
    in_range = all(dt.date(1900, 1, 1) <= d <= dt.date(2199, 12, 31) for d in days)
    if in_range and not odd:
        assert fixed is not None
    if fixed is not None:
        assert fixed.dtype == np.int64
        assert fixed.tolist() == numbers
        assert not any(bad)
    assert _parse.days(text, (fmt,))[0].tolist() == numbers


def test_only_formats_of_digits_at_a_fixed_width_are_read_so() -> None:
    """Two-digit years, month names and times go to the parsers; so do empty cells."""
    text = pa.array(["04/27/17"])
    assert fixed_days(text, "%m/%d/%y") is None
    assert fixed_days(pa.array(["Apr 27, 2017"]), "%b %d, %Y") is None
    assert fixed_days(pa.array(["04/27/2017", None]), "%m/%d/%Y") is None
    read = fixed_days(pa.array(["04/27/2017"]), "%m/%d/%Y")
    assert read is not None
    assert read.tolist() == [17283]  # 27 April 2017
