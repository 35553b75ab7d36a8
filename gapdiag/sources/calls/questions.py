"""The rep's questions in a stretch of talk: which count, which are open, which discover.

A question is the text after the previous ``.``, ``!`` or ``?`` up to a ``?``. Around
it, fillers ("so", "okay", "right") and the names of the people on the call are
trimmed, then:

- **small talk** is not counted: the courtesy *itself*, with at most fillers or a name
  around it ("How are you doing today, Elena?"). A question that only begins with a
  courtesy's words ("How are you handling the forecast today?") is a real question;
- **a tag** asks for a nod, not an answer, and is not counted: a tag alone ("OK?",
  "You know?") or a statement with a tag after a comma ("We start in May, right?",
  "That works, doesn't it?"). A question that opens like an open one keeps counting
  ("What does the team use today, right?"): the tag is a habit of speech;
- a question is **open** when its first words are an open opening (what, how, tell
  me...), or when the words after its last comma are, three or more of them (a lead-in
  first: "Before I show anything, what prompted you to take the call?"), and a
  **discovery** question when open or when it names a discovery topic.

The word lists are `vocab.Words` (``words.yaml``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gapdiag.sources.calls.said import COMMA, QUESTION, STOP
from gapdiag.sources.calls.vocab import Words


def asked(talk: bytes) -> Iterator[list[bytes]]:
    """The questions (tokens, without the '?') of `said.marked` talk."""
    for piece in talk.split(QUESTION)[:-1]:
        yield piece[piece.rfind(STOP) + 1 :].split()


@dataclass(frozen=True, slots=True)
class Around:
    """What may stand around a question on one call: fillers, the speakers' names, commas."""

    words: Words
    trimmed: frozenset[bytes]
    """Fillers, names and the comma: trimmed at either end."""
    named: frozenset[bytes]
    """Names and the comma: trimmed after a tag."""

    @classmethod
    def of(cls, words: Words, names: frozenset[bytes]) -> Around:
        """The call's trimmings, from the word lists and the words of its speakers' names."""
        named = names | {COMMA}
        return cls(words, words.fillers | named, named)


def classify(question: list[bytes], around: Around) -> tuple[bool, bool] | None:
    """(open, discovery) of a question that counts; None for small talk, a tag or nothing."""
    trimmed, words = around.trimmed, around.words
    first, last = 0, len(question)
    while first < last and question[first] in trimmed:
        first += 1
    core = question[first:]
    if COMMA in core:
        if _tagged(core, around):
            return None
        core = [t for t in core if t != COMMA]
    if b" ".join(core) in words.small_talk:
        return None  # "Is that right?": the courtesy ends with a filler
    while last > first and question[last - 1] in trimmed:
        last -= 1
    plain = question[first:last]
    lead_in = COMMA in plain
    if lead_in:
        clause = _last_clause(plain, around)
        plain = [t for t in plain if t != COMMA]
    said = b" ".join(plain)
    if not said or said in words.small_talk or said in words.tags:
        return None
    is_open = (said + b" ").startswith(words.open)
    if not is_open and lead_in:  # "Before I show anything, what prompted you to ...?"
        is_open = len(clause) >= _CLAUSE and (b" ".join(clause) + b" ").startswith(words.open)
    return is_open, is_open or not words.discovery.isdisjoint(plain)


_CLAUSE = 3
"""Words a question after a lead-in needs to be read for its opening ('..., what?' is not one)."""


def _last_clause(question: list[bytes], around: Around) -> list[bytes]:
    """The words after the question's last comma, fillers and names in front trimmed."""
    cut = len(question) - 1 - question[::-1].index(COMMA)
    clause = question[cut + 1 :]
    start = 0
    while start < len(clause) and clause[start] in around.trimmed:
        start += 1
    return clause[start:]


def _tagged(core: list[bytes], around: Around) -> bool:
    """A statement with a tag after its last comma (not an open question with one)."""
    end = len(core)
    while end and core[end - 1] in around.named:
        end -= 1
    core = core[:end]
    if COMMA not in core:
        return False
    cut = len(core) - 1 - core[::-1].index(COMMA)
    if b" ".join(core[cut + 1 :]) not in around.words.tags:
        return False
    head = [t for t in core[:cut] if t != COMMA]
    return bool(head) and not (b" ".join(head) + b" ").startswith(around.words.open)
