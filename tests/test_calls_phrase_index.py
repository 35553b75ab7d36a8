"""The phrase index counts every mention as a word-by-word search over every place does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources.calls.measure import _index
from gapdiag.sources.calls.vocab import PhraseIndex, Phrases, load_trackers, load_words

_WORDS = ["next", "step", "steps", "how", "much", "end", "of", "the", "quarter", "a", ",", "."]
_PHRASE = st.lists(st.sampled_from(_WORDS[:-2]), min_size=1, max_size=4).map(" ".join)


def _naive(index: PhraseIndex, words: list[bytes]) -> list[int]:
    """Each set's mentions: every phrase compared at every place, overlaps counted."""
    found = [0] * len(index.sets)
    for number, phrases in enumerate(index.sets):
        for phrase in phrases.phrases:
            size = len(phrase)
            found[number] += sum(
                tuple(words[at : at + size]) == phrase for at in range(len(words) - size + 1)
            )
    return found


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(_PHRASE, min_size=1, max_size=5), min_size=1, max_size=3),
    st.lists(st.sampled_from(_WORDS), max_size=40),
)
def test_the_index_counts_as_a_search_at_every_place(
    sets: list[list[str]], text: list[str]
) -> None:
    """One-word and longer phrases, repeated and overlapping, at the text's end too."""
    index = PhraseIndex(tuple(Phrases.of(phrases) for phrases in sets))
    words = [w.encode() for w in text]
    assert index.count(b" ".join(words)) == _naive(index, words)
    assert index.count(b"  ".join(words) + b" ") == _naive(index, words)  # spaces between


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([*_WORDS, "price", "per", "seat", "follow", "up"]), max_size=60))
def test_the_shipped_trackers_count_as_a_search(text: list[str]) -> None:
    """The shipped trackers and day words, counted in one index, as the plain search does."""
    index = _index(load_words(), load_trackers())
    words = [w.encode() for w in text]
    assert index.count(b" ".join(words)) == _naive(index, words)


def test_a_set_without_phrases_and_phrases_in_several_sets() -> None:
    """No phrases count nothing; a phrase in two sets and its first part in a third count
    for all three, where they overlap too."""
    assert PhraseIndex(()).count(b"next step") == []
    index = PhraseIndex(
        (Phrases.of(["next step"]), Phrases.of(["next step"]), Phrases.of(["next"]))
    )
    assert index.count(b"the next step next step next") == [2, 2, 3]


def test_phrases_nested_too_deep_for_one_expression_count_alike() -> None:
    """Hundreds of words each the start of the next, and one very long phrase, count as
    the plain search does (the expression is split where it would nest too deep)."""
    chain = PhraseIndex((Phrases.of(["x" * n + "y" for n in range(1, 1200)]),))
    assert len(chain.groups) > 1
    words = [b"x" * n + b"y" for n in (1, 5, 700, 1199, 1200)] + [b"xx", b"y"]
    assert chain.count(b" ".join(words)) == _naive(chain, words) == [4]
    long = PhraseIndex((Phrases.of(["x " * 3000 + "y"]), Phrases.of(["x x"])))
    assert len(long.groups) == 1
    words = [b"x"] * 30 + [b"y", b"x", b"z"]
    assert long.count(b" ".join(words)) == _naive(long, words) == [0, 29]


def _looking_ahead(index: PhraseIndex, text: bytes) -> list[int]:
    """The count as it was: every token tried by the lookahead expression alone."""
    found = [0] * len(index.sets)
    for group in index.groups:
        for said in group.overlapping.findall(b" " + text):
            for number in group.counts_for[b" ".join(said.split())]:
                found[number] += 1
    return found


_CHAINED = ["put time on", "on the calendar", "very", "end of", "of the week"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from([*_WORDS, "put", "time", "on", "calendar", "very", "week", "price"]),
        max_size=60,
    ),
    st.sampled_from([b" ", b"  ", b"   "]),
)
def test_taking_each_phrase_counts_as_looking_ahead_at_every_token(
    text: list[str], gap: bytes
) -> None:
    """Phrases found and taken (the search going on after each) count as the lookahead
    at every token did: where a phrase's later word starts another ("put time on the
    calendar", "very very very"), the text is counted again by the lookahead."""
    shipped = _index(load_words(), load_trackers())
    index = PhraseIndex((Phrases.of(_CHAINED), Phrases.of(["very very"]), *shipped.sets))
    said = gap.join(w.encode() for w in text)
    assert index.count(said) == _looking_ahead(index, said)
    assert shipped.count(said) == _looking_ahead(shipped, said)


def test_only_phrases_that_can_hide_a_mention_are_counted_again() -> None:
    """A phrase is chained when a later word of it starts a phrase of its group."""
    (group,) = PhraseIndex((Phrases.of(_CHAINED), Phrases.of(["very very"]))).groups
    assert group.chained == {b"put time on", b"very very", b"end of"}
    assert PhraseIndex((Phrases.of(["next step", "price"]),)).groups[0].chained == set()
    index = PhraseIndex((Phrases.of(["put time on"]), Phrases.of(["on the calendar"])))
    assert index.count(b"let s put time on the calendar") == [1, 1]
