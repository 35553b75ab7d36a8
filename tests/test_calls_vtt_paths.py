"""The WebVTT bulk readers (`_vtt._fast`: `_plain`, then one regular expression) read
exactly what the careful cue-by-cue reader reads, on whole generated files as saved by
the tools: speakers in voice tags or 'Name:' prefixes, multi-line and blank cues, CRLF
line ends, a byte-order mark, odd timings, identifiers and blocks between cues."""

from __future__ import annotations

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls import _vtt
from gapdiag.sources.calls.cues import Transcript, TranscriptError, clock, decode
from tests.test_calls_plain import TEXT_VALUES

# Mostly the common values, so that whole files are often the bulk readers' to read.
CLEAN_NAMES = ["Ana Rep", "Bo", "Cy Buyer"] * 4
ODD_NAMES = st.sampled_from(["Bo ", " Bo", "B>o", "", "ana  rep"])
NAMES = st.one_of(st.sampled_from(CLEAN_NAMES), ODD_NAMES)
CLEAN_TEXTS = ["What is the budget?", "Sure.", "Fine &amp; dandy."] * 6
ODD_TEXTS = st.sampled_from(  # the bulk reader's own cases, and whole-file ones
    [*TEXT_VALUES, "two  spaces", "an <i>aside", "tab\there", "Price: fair."]
)
TEXTS = st.one_of(st.sampled_from(CLEAN_TEXTS), ODD_TEXTS)
IDS = st.sampled_from(["", "1", "17", "a1b2/3-0", "NOTE x", "x --> y", " ", '7 "Dana Reyes" (31)'])


@st.composite
def timing(draw: st.DrawFn, start: int, length: int, tidy: bool) -> str:
    """A timing line, mostly well formed; now and then short hours, odd digits or settings."""
    line = f"{clock(start)} --> {clock(start + length)}"
    odd = 0 if tidy else draw(st.integers(0, 20))
    if odd == 1:
        line = line.replace("00:", "", 2)  # minutes and seconds only
    elif odd == 2:
        line = line.replace(":0", ":6", 1)  # a minute or second of 60 or more
    elif odd == 3:
        line += " align:start"
    elif odd == 4:
        line = "1" + line  # three-digit hours
    elif odd == 5:
        line = line[:-1]  # a millisecond digit short
    return line


@st.composite
def payload(draw: st.DrawFn, tidy: bool) -> str:
    """A cue's text: a voice tag (closed or not), a 'Name:' prefix, plain, several voices or
    lines, or nothing at all."""
    if tidy:
        return f"<v {draw(st.sampled_from(CLEAN_NAMES))}>{draw(st.sampled_from(CLEAN_TEXTS))}</v>"
    if draw(st.booleans()):  # the common shape, with an odd name or text, or left open
        name = draw(st.sampled_from(CLEAN_NAMES) if draw(st.booleans()) else ODD_NAMES)
        return f"<v {name}>{draw(ODD_TEXTS)}{draw(st.sampled_from(['</v>', '</v>', '']))}"
    name, said = draw(NAMES), draw(TEXTS)
    kind = draw(st.integers(0, 24))
    if kind <= 2 or kind > 7:
        return f"<v {name}>{said}</v>"
    if kind == 3:
        return f"<v {name}>{said}"
    if kind == 4:
        return f"{name}: {said}"
    if kind == 5:
        return f"<v {name}>{said}</v>\n<v {draw(NAMES)}>{draw(TEXTS)}</v>"
    if kind == 6:
        return f"{said}\n{draw(TEXTS)}"
    return draw(st.sampled_from(["", f"{name}:", said]))


@st.composite
def vtt_files(draw: st.DrawFn) -> bytes:
    """A whole WebVTT file's bytes: cues in order (or not), with their separators."""
    blocks = []
    at = draw(st.integers(0, 5000))
    tidy = draw(st.booleans())  # the common file, or (some cues of) one saved otherwise
    numbered = tidy or draw(st.booleans())
    for number in range(draw(st.integers(1, 8))):
        at = max(0, at + draw(st.integers(-2000 if not draw(st.integers(0, 20)) else 0, 3000)))
        length = draw(st.integers(0, 9000))
        ident = str(number + 1) if numbered and draw(st.integers(0, 30)) else draw(IDS)
        tidy_cue = tidy and draw(st.integers(0, 5)) > 0
        cue = f"{draw(timing(at, length, tidy_cue))}\n{draw(payload(tidy_cue))}\n"
        blocks.append(f"{ident}\n{cue}" if ident else cue)
        at += length
        if not draw(st.integers(0, 40)):
            blocks.append("NOTE a remark\n")
    separator = draw(st.sampled_from(["\n"] * 8 + ["\n\n", ""]))
    header = draw(st.sampled_from(["WEBVTT\n\n", "WEBVTT\n\n\n", "WEBVTT - a call\nKind: x\n\n"]))
    text = header + separator.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode()
    return b"\xef\xbb\xbf" + raw if draw(st.booleans()) else raw


def careful(text: str) -> Transcript | TranscriptError:
    """What the careful reader makes of the text: its transcript, or its error."""
    try:
        return _vtt._careful("x.vtt", text, None)
    except TranscriptError as error:
        return error


@settings(max_examples=600)
@given(vtt_files())
# a voice left open, its text with a tag: its line break is no '</v>' meeting a '<v '
# a text with a run of spaces (made one by the careful reader); a text with '-->'
@example(b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Bo>two  spaces</v>\n")
@example(b"WEBVTT\n\n00:00:00.000 --> 00:00:00.001\n<v Ana Rep>go --> there</v>\n")
@example(
    b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\n<v Bo>an <i>aside\n\n2\n"
    b"00:00:03.000 --> 00:00:04.000\n<v Cy>Sure.</v>\n"
)
def test_the_bulk_readers_read_what_the_careful_reader_reads(raw: bytes) -> None:
    """Whenever a bulk reader takes a file, the careful reader reads the same transcript."""
    text = decode("x.vtt", raw)
    fast = _vtt._fast("x.vtt", text, None)
    event("read in bulk" if fast is not None else "left to the careful reader")
    if fast is not None:
        assert fast == careful(text)
    parsed: Transcript | TranscriptError
    try:
        parsed = _vtt.parse("x.vtt", text, None)
    except TranscriptError as error:
        parsed = error
    expected = careful(text)
    if isinstance(expected, TranscriptError):
        assert isinstance(parsed, TranscriptError)
        assert str(parsed) == str(expected)  # the same line and message
    else:
        assert parsed == expected


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 3000),
            st.integers(1, 9000),
            st.sampled_from(["Ana Rep", "Bo", "Cy Buyer"]),
            st.sampled_from(["What is the budget?", "Fine &amp; dandy.", "Sure."]),
        ),
        min_size=1,
        max_size=12,
    ),
    st.booleans(),
    st.booleans(),
)
def test_the_common_files_are_read_in_bulk(
    cues: list[tuple[int, int, str, str]], crlf: bool, bom: bool
) -> None:
    """Numbered one-voice cues in order, with CRLF line ends or a byte-order mark or not, are
    read by the bulk reader (not left to the careful one), as the careful one reads them."""
    blocks, at = [], 0
    for number, (gap, length, name, said) in enumerate(cues, start=1):
        at += gap
        blocks.append(f"{number}\n{clock(at)} --> {clock(at + length)}\n<v {name}>{said}</v>\n")
        at += length
    text = "WEBVTT\n\n" + "\n".join(blocks)
    raw = (text.replace("\n", "\r\n") if crlf else text).encode()
    decoded = decode("x.vtt", b"\xef\xbb\xbf" + raw if bom else raw)
    plain = _vtt._plain("x.vtt", decoded, None, len("WEBVTT\n\n"))
    assert plain is not None
    assert plain == careful(decoded)
