"""The word lists and keyword trackers transcripts are read with, loaded from YAML data.

The defaults ship beside this module (``words.yaml``, ``trackers.yaml``); a team passes
its own files to read another language or to track its competitors by name. A file that
cannot be used is one `CallsFileError` listing every problem with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gapdiag.model.errors import GapdiagError, Problem
from gapdiag.rulebook._yaml import YamlDoc, read_yaml
from gapdiag.sources.calls.said import tokens, unmarked

_HERE = Path(__file__).resolve().parent
DEFAULT_WORDS = _HERE / "words.yaml"
DEFAULT_TRACKERS = _HERE / "trackers.yaml"
NEXT_STEP = "next_step"  # the tracker that also decides whether a call ends with a dated step
_WORD_LISTS = ("open", "fillers", "small_talk", "discovery", "dates")
_OPTIONAL_LISTS = ("tags", "common")  # added later: a team's older words file may lack them
# Dates and times that need no word list: 3pm, 10:30, 7/14, the 14th, 2026-07-14.
_NUMERIC_DATE = re.compile(
    r"\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\d{1,2}:\d{2}\b|\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"
    r"|\d{1,2}(?:st|nd|rd|th)\b|\d{4}-\d{2}-\d{2}\b"
)


class CallsFileError(GapdiagError, ValueError):
    """A reps, words or trackers file that cannot be used; `.problems` lists every one."""

    def __init__(self, path: Path | str, problems: Iterable[Problem]) -> None:
        self.path = Path(path)
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(
            "\n".join(
                f"{self.path}{'' if p.line is None else f':{p.line}'}: {p}" for p in self.problems
            )
        )


@dataclass(frozen=True, slots=True)
class Phrases:
    """A set of phrases counted as whole words (see `tokens`), each as its words.

    A phrase that contains a shorter phrase of the same set is dropped: the shorter one
    already counts each of its mentions.
    """

    phrases: tuple[tuple[bytes, ...], ...]

    @classmethod
    def of(cls, phrases: Iterable[str]) -> Phrases:
        """Compile phrases (any case and punctuation)."""
        split = {tuple(tokens(p)) for p in phrases} - {()}
        return cls(
            tuple(sorted(p for p in split if not any(q != p and _inside(q, p) for q in split)))
        )


def _inside(short: tuple[bytes, ...], long: tuple[bytes, ...]) -> bool:
    size = len(short)
    return any(long[i : i + size] == short for i in range(len(long) - size + 1))


@dataclass(frozen=True, slots=True)
class PhraseIndex:
    """Several phrase sets counted in one pass over a text, by one regular expression.

    The text's tokens are its runs of anything but spaces (as `said.marked` and
    `said.unmarked` leave them). The expression tries each token in turn (in C) against a
    tree of the phrases, letter by letter (``pric(?:e|ing)``), and gives the longest
    phrase that starts there; every shorter phrase that starts there is a first part of
    that one, so the sets it counts for are known beforehand (`_groups`). Every mention
    counts, overlapping ones too ("very very" twice in "very very very"), once per set
    it belongs to. (Splitting the text into tokens and looking each one up took longer.)

    Each group is searched first by an expression that takes each phrase it finds
    (``findall`` then goes on after it): a lookahead at every token, so that mentions may
    overlap, cost an eighth of the count. Only a phrase with a later word that starts a
    phrase of its group ("put time on" and "on the calendar") can hide a mention that
    way; when the text holds one (`Group.chained`), the group is counted again by the
    lookahead expression.
    """

    sets: tuple[Phrases, ...]
    # one group, unless the phrases nest too deep for one expression
    groups: tuple[Group, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        owners: dict[tuple[bytes, ...], list[int]] = {}
        for index, phrases in enumerate(self.sets):
            for phrase in phrases.phrases:
                owners.setdefault(phrase, []).append(index)
        object.__setattr__(self, "groups", _groups(sorted(owners), owners))

    def count(self, text: bytes) -> list[int]:
        """Mentions of each set's phrases in `text`, tokens apart by spaces."""
        found = [0] * len(self.sets)
        spaced = b" " + text
        for group in self.groups:
            counts_for = group.counts_for
            said = group.taking.findall(spaced)
            if group.chained and not group.chained.isdisjoint(_spelt(said, counts_for)):
                said = group.overlapping.findall(spaced)  # a mention may start inside one
            for phrase in _spelt(said, counts_for):
                for index in counts_for[phrase]:
                    found[index] += 1
        return found


def _spelt(said: list[bytes], counts_for: dict[bytes, tuple[int, ...]]) -> list[bytes]:
    """The phrases found, their tokens one space apart (as `counts_for` has them)."""
    return [p if p in counts_for else b" ".join(p.split()) for p in said]


@dataclass(frozen=True, slots=True)
class Group:
    """Phrases counted by one expression, and what each phrase found counts for."""

    taking: re.Pattern[bytes]
    """A space, then the longest phrase there, taken (the search goes on after it)."""
    overlapping: re.Pattern[bytes]
    """A space, then the longest phrase there, looked ahead (every token is tried)."""
    counts_for: dict[bytes, tuple[int, ...]]
    """A phrase (tokens joined by one space) -> the sets of it and of its first parts."""
    chained: frozenset[bytes]
    """Phrases a later word of which starts a phrase of the group."""


def _groups(
    phrases: list[tuple[bytes, ...]], owners: dict[tuple[bytes, ...], list[int]]
) -> tuple[Group, ...]:
    """The expression of `phrases` and the sets each of its matches counts for; halved
    until each half compiles (hundreds of phrases each a first part of the next nest
    deeper than Python's regular expressions go)."""
    chosen = set(phrases)  # a first part in another group counts there, not here
    counts_for = {
        b" ".join(phrase): tuple(
            index
            for size in range(1, len(phrase) + 1)
            if phrase[:size] in chosen
            for index in owners[phrase[:size]]
        )
        for phrase in phrases
    }
    if not counts_for:
        return ()
    try:
        expression = _expression(_tree(counts_for))
        taking = re.compile(b" (" + expression + b")")
        overlapping = re.compile(b" (?=(" + expression + b"))")
    except (RecursionError, re.error):
        if len(phrases) == 1:
            raise
        half = len(phrases) // 2
        return _groups(phrases[:half], owners) + _groups(phrases[half:], owners)
    firsts = {phrase[0] for phrase in phrases}
    chained = frozenset(b" ".join(p) for p in phrases if not firsts.isdisjoint(p[1:]))
    return (Group(taking, overlapping, counts_for, chained),)


_Tree = dict[int | None, "_Tree"]  # byte -> the tree of what follows; None: a phrase ends


def _tree(phrases: Iterable[bytes]) -> _Tree:
    tree: _Tree = {}
    for phrase in phrases:
        node = tree
        for byte in phrase:
            node = node.setdefault(byte, {})
        node[None] = {}
    return tree


def _expression(node: _Tree) -> bytes:
    """The regular expression of a tree: what follows in turn, longest first.

    A space between tokens matches any run of spaces; a phrase ends at a space or the
    text's end (``(?![^ ])``). A run of bytes without a choice is written out in a loop,
    so only a choice nests.
    """
    run = b""
    while len(node) == 1 and None not in node:
        ((byte, node),) = node.items()
        run += _byte(byte)  # type: ignore[arg-type]  # (not None: checked above)
    branches = [
        _byte(byte) + _expression(node[byte]) for byte in sorted(b for b in node if b is not None)
    ]
    if not branches:
        return run + b"(?![^ ])"
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    return run + (b"(?:" + body + b")?(?![^ ])" if None in node else body)


def _byte(byte: int) -> bytes:
    return b" ++" if byte == 0x20 else re.escape(bytes([byte]))


@dataclass(frozen=True, slots=True)
class Words:
    """Compiled word lists: open openings, fillers, small talk, tags, discovery, dates.

    Phrases are their `tokens` joined by one space; the open openings end with a space,
    so one ``bytes.startswith`` call checks them all.
    """

    open: tuple[bytes, ...]
    fillers: frozenset[bytes]
    small_talk: frozenset[bytes]
    discovery: frozenset[bytes]
    dates: PhraseIndex
    tags: frozenset[bytes] = frozenset()
    common: frozenset[bytes] = frozenset()
    """The language's most common words (none: every call is read as in the lists' language)."""

    def has_date(self, text: str, *, listed: int | None = None) -> bool:
        """Whether a text names a day or time (a listed word, 3pm, 10:30, 7/14, the 14th).

        `listed` is how often the text says a listed day word, when the caller counted it.
        """
        if self.dates.count(unmarked(text))[0] if listed is None else listed:
            return True
        return _NUMERIC_DATE.search(text.lower()) is not None


@dataclass(frozen=True, slots=True)
class Trackers:
    """Keyword trackers: a name and its phrases per topic, in file order."""

    names: tuple[str, ...]
    phrases: tuple[Phrases, ...]
    index: PhraseIndex = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", PhraseIndex(self.phrases))

    def count(self, text: str) -> tuple[int, ...]:
        """Mentions of each tracker in `text`."""
        return tuple(self.index.count(unmarked(text)))


def load_words(path: str | Path | None = None) -> Words:
    """The word lists from a YAML file (default: the shipped English lists).

    Raises:
        CallsFileError: unreadable YAML, a missing list, or an entry that is not text.
    """
    file = Path(path) if path is not None else DEFAULT_WORDS
    doc = _load(file)
    problems: list[Problem] = []
    lists = {name: _phrases(doc, (name,), problems) for name in _WORD_LISTS}
    optional = [name for name in _OPTIONAL_LISTS if name in doc.data]
    lists |= {name: _phrases(doc, (name,), problems) for name in optional}
    known = (*_WORD_LISTS, *_OPTIONAL_LISTS)
    extra = sorted(set(doc.data) - set(known))
    problems += [
        Problem(k, f"is not a word list (expected {', '.join(known)})", doc.line_of((k,)))
        for k in extra
    ]
    if problems:
        raise CallsFileError(file, problems)
    return Words(
        open=tuple(sorted({_joined(p) + b" " for p in lists["open"]})),
        fillers=frozenset(_joined(w) for w in lists["fillers"]),
        small_talk=frozenset(_joined(p) for p in lists["small_talk"]),
        discovery=frozenset(_joined(w) for w in lists["discovery"]),
        dates=PhraseIndex((Phrases.of(lists["dates"]),)),
        tags=frozenset(_joined(p) for p in lists.get("tags", ())),
        common=frozenset(_joined(w) for w in lists.get("common", ())),
    )


def _joined(phrase: str) -> bytes:
    return b" ".join(tokens(phrase))


def load_trackers(path: str | Path | None = None) -> Trackers:
    """Keyword trackers from a YAML file (default: the shipped trackers).

    Raises:
        CallsFileError: unreadable YAML, no ``trackers`` mapping, or a tracker whose
            phrases are not a list of text.
    """
    file = Path(path) if path is not None else DEFAULT_TRACKERS
    doc = _load(file)
    trackers = doc.data.get("trackers")
    if not isinstance(trackers, dict) or not trackers:
        raise CallsFileError(
            file, [Problem("trackers", "is missing or empty (expected name: [phrases])", 1)]
        )
    problems: list[Problem] = []
    names: list[str] = []
    phrases: list[Phrases] = []
    for name in trackers:
        if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            problems.append(
                Problem(
                    f"trackers.{name}",
                    "is not a tracker name (lower_case_with_underscores)",
                    doc.line_of(("trackers", name)),
                )
            )
            continue
        listed = _phrases(doc, ("trackers", name), problems)
        if listed:
            names.append(name)
            phrases.append(Phrases.of(listed))
    if problems:
        raise CallsFileError(file, problems)
    return Trackers(tuple(names), tuple(phrases))


def _load(file: Path) -> YamlDoc:
    doc = read_yaml(file)
    if doc.error is not None:
        raise CallsFileError(file, [doc.error])
    if not isinstance(doc.data, dict):
        raise CallsFileError(file, [Problem("(file)", "is not a YAML mapping", 1)])
    return doc


def _phrases(doc: YamlDoc, loc: tuple[str, ...], problems: list[Problem]) -> tuple[str, ...]:
    """A list of non-empty text entries at `loc`; each bad entry is a Problem."""
    value: Any = doc.data
    for part in loc:
        value = value.get(part) if isinstance(value, dict) else None
    where = ".".join(loc)
    if not isinstance(value, list) or not value:
        problems.append(Problem(where, "is missing or not a list of phrases", doc.line_of(loc)))
        return ()
    good: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, str) and tokens(item):
            good.append(item)
        else:
            problems.append(
                Problem(
                    f"{where}[{index}]",
                    f"{item!r} is not a word or phrase",
                    doc.line_of((*loc, index)),
                )
            )
    return tuple(good)
