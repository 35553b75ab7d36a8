"""The str-method WebVTT reader (`_vtt._plain`) reads exactly what the careful reader does."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls import _vtt
from gapdiag.sources.calls.cues import TranscriptError, clock

HEADER = "WEBVTT\n\n"
# Identifiers, names and texts with the edge cases the bulk checks must catch: tags,
# stray '>' and '-->', spaces and other white space at the edges, entities, nothing.
IDS = st.sampled_from(["1", "17", "a1b2/3-0", "NOTE x", "id > 2", "x --> y", "", " ", "\u00a0"])
NAMES = st.sampled_from(["Ana Rep", "Bo", "Bo ", " Bo", "\u00a0Bo", "B>o", "", "Cy Buyer"])
TEXTS = st.sampled_from(
    [
        "What is the budget?",
        "Fine &amp; dandy.",
        "a <b>bold</b> word",
        "x > y",
        "go --> there",
        " lead",
        "trail ",
        "nbsp\u00a0",
        "",
        "Sure.",
    ]
)
Cue = tuple[str, int, int, str, str]


@st.composite
def cues(draw: st.DrawFn, *, messy: bool) -> list[Cue]:
    """Cues with identifiers; `messy` ones may overlap, run backwards or hold odd parts."""
    out: list[Cue] = []
    at = draw(st.integers(0, 5000))
    for number in range(draw(st.integers(1, 12))):
        at += draw(st.integers(-4000, 3000) if messy else st.integers(0, 3000))
        at = max(at, 0)
        length = draw(st.integers(0 if messy else 1, 60_000))
        ident = draw(IDS) if messy else str(number + 1)
        name = draw(NAMES) if messy else draw(st.sampled_from(["Ana Rep", "Bo", "Cy Buyer"]))
        text = draw(TEXTS) if messy else draw(st.sampled_from(["What is it?", "A &amp; B."]))
        out.append((ident, at, at + length, name, text))
        at += length
    return out


def vtt(cues: list[Cue], *, end: str = "\n") -> str:
    """A WebVTT file with an identifier above every cue."""
    blocks = [f"{i}\n{clock(a)} --> {clock(b)}\n<v {s}>{t}</v>\n" for i, a, b, s, t in cues]
    return HEADER + "\n".join(blocks)[:-1] + end


def careful(text: str) -> _vtt.Transcript | None:
    try:
        return _vtt._careful("x.vtt", text, None)
    except TranscriptError:
        return None


@given(cues(messy=False), st.sampled_from(["", "\n", "\n\n"]))
def test_the_common_shape_is_read_in_bulk(given_cues: list[Cue], end: str) -> None:
    """Numbered cues of one voice each, in order, are read by `_plain`, as the careful reader."""
    text = vtt(given_cues, end=end)
    plain = _vtt._plain("x.vtt", text, None, len(HEADER))
    assert plain is not None
    assert plain == careful(text)
    assert _vtt.parse("x.vtt", text, None) == plain


@settings(max_examples=400)
@given(cues(messy=True), st.sampled_from(["", "\n", "\n\n"]))
def test_the_bulk_reader_never_reads_otherwise(given_cues: list[Cue], end: str) -> None:
    """Whatever the cues, `_plain` reads what the careful reader reads, or leaves the file."""
    text = vtt(given_cues, end=end)
    plain = _vtt._plain("x.vtt", text, None, len(HEADER))
    if plain is not None:
        assert plain == careful(text)


def test_other_layouts_are_left_to_the_regular_expression() -> None:
    """No identifiers, a missing blank line or a NOTE between cues: not the bulk reader's."""
    one = "00:00:01.000 --> 00:00:02.000\n<v Bo>Hi.</v>\n"
    two = "00:00:03.000 --> 00:00:04.000\n<v Ana Rep>Hello.</v>\n"
    for body in (one + "\n" + two, "1\n" + one + "2\n" + two, f"1\n{one}\nNOTE x\n\n2\n{two}"):
        text = HEADER + body
        assert _vtt._plain("x.vtt", text, None, len(HEADER)) is None
        assert _vtt.parse("x.vtt", text, None) == _vtt._careful("x.vtt", text, None)


def test_timings_the_bulk_reader_leaves_to_the_others() -> None:
    """Minutes of 60, three-digit hours or a settings list: read by the other readers."""
    cue = "1\n{}\n<v Bo>Hi.</v>\n"
    for timing in (
        "00:60:01.000 --> 00:60:02.000",
        "100:00:01.000 --> 100:00:02.000",
        "00:00:01.000 --> 00:00:02.000 align:start",
        "00:00:01.000 --> 00:00:02.00",
    ):
        text = HEADER + cue.format(timing)
        assert _vtt._plain("x.vtt", text, None, len(HEADER)) is None
        assert careful(text) == (careful(text) and _vtt.parse("x.vtt", text, None))


def test_times_are_the_same_once_the_clock_table_is_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its size the table of seconds stops growing and times are still exact."""
    text = vtt([("1", 3_723_004, 3_724_500, "Bo", "Hi."), ("2", 3_725_000, 3_726_000, "Cy", "Yo.")])
    monkeypatch.setattr(_vtt, "_CLOCK_SIZE", 0)
    monkeypatch.setattr(_vtt, "_SECONDS", _vtt._Clock())
    plain = _vtt._plain("x.vtt", text, None, len(HEADER))
    assert plain is not None
    assert plain.starts == (3_723_004, 3_725_000)
    assert plain == careful(text)
    assert not _vtt._SECONDS
