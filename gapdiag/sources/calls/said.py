"""What each side said on a call, made into words once: for questions, trackers, next step.

Every cue's text is lower-cased and marked (`marked`) exactly once, as part of one of
five stretches: the rep's talk and everyone else's, each before the call's closing and
in it, and unattributed talk in the closing (its words are nobody's, but they can close
the call). One pass of `vocab.PhraseIndex.count` over each stretch counts the keyword
trackers and the day words; the rep's questions are read from the same text. (The
speed goal leaves under a millisecond per thirty-minute call; reading the text three
times took a third of it.)

A token is bytes: a run of letters and digits (lower case; a non-ASCII character is kept
whole, so accented words survive), or one of the marks ``?``, ``.`` (``!`` too) and
``,``. Everything else (apostrophes, hyphens, other punctuation) only separates words,
so ``follow-up`` is ``follow up`` and ``what's`` is ``what s`` (a typographic apostrophe
reads as ``'``). A turn (one party's consecutive cues) ends with a ``.`` of its own, so
no sentence, question or tracked phrase runs from one turn into the next; a tracked
phrase does not run over a mark either ("follow, up" is no follow-up).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress

QUESTION = b"?"
STOP = b"."
COMMA = b","
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789") | frozenset(range(128, 256))
_MARKED = bytes(
    c if c in _LETTERS or c in b"?.," else (0x2E if c == 0x21 else 32) for c in range(256)
)
_WORDS_ONLY = bytes(c if c in _LETTERS else 32 for c in range(256))
# The same for ASCII text not yet lower-cased: 'A'..'Z' read as 'a'..'z' (str.lower() of
# ASCII text changes those letters only), so such text is lower-cased by the translation.
_UPPER = range(ord("A"), ord("Z") + 1)
_MARKED_ASCII = bytes(_MARKED[c + 32 if c in _UPPER else c] for c in range(256))
_WORDS_ONLY_ASCII = bytes(_WORDS_ONLY[c + 32 if c in _UPPER else c] for c in range(256))
TURN_END = " . "  # put after each turn's texts


def tokens(text: str) -> list[bytes]:
    """The words of a text, without marks: lower case, letters and digits."""
    return unmarked(text).split()


def unmarked(text: str) -> bytes:
    """A text lower-cased, its words apart by spaces, without marks: its `tokens` unsplit."""
    if text.isascii():  # (a flag of the string: no pass over it)
        return text.encode("ascii").translate(_WORDS_ONLY_ASCII)
    return _encoded(text).translate(_WORDS_ONLY)


def marked(text: str) -> bytes:
    """A text lower-cased, words and marks (``?``, ``.`` for ``!`` too, ``,``) apart.

    ``marked(text).split()`` are its tokens.
    """
    if text.isascii():  # lower-cased by the translation (no str.lower() pass)
        raw = text.encode("ascii").translate(_MARKED_ASCII)
    else:
        raw = _encoded(text).translate(_MARKED)
    for mark in (b"?", b".", b","):
        if mark in raw:
            raw = raw.replace(mark, b" " + mark + b" ")
    return raw


def _encoded(text: str) -> bytes:
    text = text.lower()
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
    return text.encode("utf-8")


@dataclass(frozen=True, slots=True)
class Said:
    """Each side's talk as `marked` text, before the closing and in it; the rep's whole."""

    parts: tuple[bytes, ...]
    """The rep's and the buyer side's talk before the closing and in it, and nobody's in
    the closing."""
    rep: bytes
    """The rep's talk as `marked` text (questions are read from it)."""
    closing_text: str

    @classmethod
    def of(
        cls,
        texts: Sequence[str],
        sides: tuple[list[bool], list[bool], list[bool]],
        turn_ends: Iterable[int],
        closing: int,
    ) -> Said:
        """The cues' texts by side: `sides` says per cue if the rep, a buyer or nobody.

        `turn_ends` are the last cues of the turns; the closing starts at cue `closing`.
        """
        ended = list(texts)
        for last in turn_ends:
            ended[last] += TURN_END
        early, late = ended[:closing], ended[closing:]
        said = [" ".join(compress(late, side[closing:])) for side in sides]
        rep = marked(" ".join(compress(early, sides[0]))), marked(said[0])
        buyer = marked(" ".join(compress(early, sides[1]))), marked(said[1])
        parts = (*rep, *buyer, marked(said[2]))
        return cls(parts, b" ".join(rep), " ".join(said))
