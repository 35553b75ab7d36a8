"""The str-method WebVTT reader (`_vtt._plain`) reads exactly what the careful reader does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls import _vtt
from gapdiag.sources.calls.cues import TranscriptError, clock

HEADER = "WEBVTT\n\n"
# Identifiers, names and texts with the edge cases the bulk checks must catch: tags,
# stray '>' and '-->', spaces and other white space at the edges, entities, nothing.
IDS = st.sampled_from(["1", "17", "a1b2/3-0", "NOTE x", "id > 2", "x --> y", "", " ", "\u00a0"])
NAMES = st.sampled_from(["Ana Rep", "Bo", "Bo ", " Bo", "\u00a0Bo", "B>o", "", "Cy Buyer"])
TEXT_VALUES = [
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
TEXTS = st.sampled_from(TEXT_VALUES)
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


def test_times_are_exact_at_their_largest() -> None:
    """Hours, minutes and seconds at their largest (99:59:59.999) are exact."""
    text = vtt(
        [
            ("1", 3_723_004, 3_724_500, "Bo", "Hi."),
            ("2", 359_999_000, 359_999_999, "Cy", "Yo."),  # 99:59:59.000 --> 99:59:59.999
        ]
    )
    plain = _vtt._plain("x.vtt", text, None, len(HEADER))
    assert plain is not None
    assert plain.starts == (3_723_004, 359_999_000)
    assert plain.ends == (3_724_500, 359_999_999)
    assert plain == careful(text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 359_999_999), st.integers(0, 359_999_999)), max_size=40))
def test_all_times_at_once_are_each_time_read_alone(times: list[tuple[int, int]]) -> None:
    """`_times` reads every timing line as the careful reader's `_ms` reads each one."""
    timing = "".join(f"{clock(a)} --> {clock(b)}\n" for a, b in times).encode()
    starts, ends = _vtt._times(timing, len(times))
    assert [*zip(starts, ends, strict=True)] == times


def test_a_minute_or_second_of_60_is_left_to_the_careful_reader() -> None:
    """00:60:00.000 has the shape of a time but is not one: the careful reader says so."""
    for bad in ("00:60:00.000", "00:00:60.000"):
        text = HEADER + f"1\n{bad} --> 01:00:00.000\n<v Bo>Hi.</v>\n"
        assert _vtt._plain("x.vtt", text, None, len(HEADER)) is None


def test_other_white_space_at_a_name_or_text_edge_is_left_to_the_careful_reader() -> None:
    """A no-break space or a control character at an edge: read as the careful reader reads it."""
    for name, said in (("\u00a0Bo", "Hi."), ("Bo", "Hi.\x1f"), ("Bo\x0b", "Hi.")):
        text = vtt([("1", 0, 1000, name, said), ("2", 1000, 2000, "Cy", "Yo.")])
        assert _vtt._plain("x.vtt", text, None, len(HEADER)) is None
        assert _vtt.parse("x.vtt", text, None) == careful(text)


def test_a_nul_in_a_text_is_not_a_cue_boundary() -> None:
    """A NUL character inside a text does not split its cue in two (the careful reader decides)."""
    text = vtt([("1", 0, 1000, "Bo", "Hi\x00Cy>there."), ("2", 1000, 2000, "Cy", "Yo.")])
    assert _vtt._plain("x.vtt", text, None, len(HEADER)) is None
