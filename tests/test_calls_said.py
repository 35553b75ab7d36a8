"""A call's text made into words: ASCII text is lower-cased by the translation itself."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls import said
from gapdiag.sources.calls.said import marked, unmarked

# every ASCII character, and a few that are not (a typographic apostrophe, accents)
_TEXT = st.text(st.characters(max_codepoint=127) | st.sampled_from("\u2019\u00c9\u00e9\u0130"))


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_ascii_text_reads_as_lower_cased_text_does(text: str) -> None:
    """The ASCII path (one translation) gives the bytes of lower-casing, then translating."""
    lowered = said._encoded(text)
    expected = lowered.translate(said._MARKED)
    for mark in (b"?", b".", b","):
        expected = expected.replace(mark, b" " + mark + b" ")
    assert marked(text) == expected
    assert unmarked(text) == lowered.translate(said._WORDS_ONLY)


def test_upper_case_letters_are_read_as_lower_case() -> None:
    """'Next STEP, Tuesday?' and its lower case read alike; non-ASCII text too."""
    assert marked("Next STEP, Tuesday?") == marked("next step, tuesday?")
    assert marked("Next STEP, Tuesday?").split() == [b"next", b"step", b",", b"tuesday", b"?"]
    assert unmarked("\u00c9T\u00c9 Don\u2019t") == "\u00e9t\u00e9 don t".encode()
