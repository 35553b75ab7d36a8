"""The JSON reader's bulk checks (texts, times) read what the careful reader reads."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls import _json
from gapdiag.sources.calls.cues import TranscriptError

TEXTS = st.sampled_from(
    ["Hi there.", " lead", "trail ", "two  spaces", "tab\there", "new\nline", "a\0 b", "", 7]
)
TIMES = st.sampled_from([0, 1, 2.5, 3.25, 7, -1, True, math.nan, math.inf, "4", None])


@st.composite
def segments(draw: st.DrawFn) -> list[dict[str, object]]:
    """Segments in order with odd texts and times mixed in."""
    out: list[dict[str, object]] = []
    at = 0.0
    for _ in range(draw(st.integers(1, 8))):
        start, end = at, at + draw(st.sampled_from([0.5, 1, 2.25]))
        if draw(st.booleans()):
            start = draw(TIMES)
        if draw(st.booleans()):
            end = draw(TIMES)
        out.append({"speaker": "Bo", "start": start, "end": end, "text": draw(TEXTS)})
        at += 3
    return out


@settings(max_examples=300)
@given(segments())
def test_bulk_checks_agree_with_the_careful_reader(given: list[dict[str, object]]) -> None:
    """The fast reader reads exactly what the careful one does, or leaves the file to it."""
    text = json.dumps({"segments": given}, allow_nan=True)
    fast = _json._fast("x.json", text, None)
    try:
        careful = _json._careful("x.json", text, None)
    except TranscriptError:
        assert fast is None
        return
    assert fast is None or fast == careful


def test_clean_texts_are_kept_and_others_cleaned() -> None:
    """Texts needing no change are used as they are; one with a run of spaces is cleaned."""
    assert _json._texts(["a b", "c"]) == ["a b", "c"]
    assert _json._texts(["a  b", " c"]) == ["a b", "c"]


def test_an_integer_too_large_for_a_float_is_reported() -> None:
    """A 400-digit start time is one clear error naming the field, not an OverflowError."""
    huge = "1" + "0" * 400
    text = f'{{"segments": [{{"speaker": "Bo", "start": {huge}, "end": 2, "text": "hi"}}]}}'
    with pytest.raises(TranscriptError) as raised:
        _json.parse("x.json", text, None)
    assert str(raised.value).startswith("x.json:1: segments[0].start: 100000000000... (401 digits)")
