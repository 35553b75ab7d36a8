"""The word lists and keyword trackers transcripts are read with, loaded from YAML data.

The defaults ship beside this module (``words.yaml``, ``trackers.yaml``); a team passes
its own files to read another language or to track its competitors by name. A file that
cannot be used is one `CallsFileError` listing every problem with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path
from typing import Any

from gapdiag.model.errors import GapdiagError, Problem
from gapdiag.rulebook._yaml import YamlDoc, read_yaml
from gapdiag.sources.calls.said import tokens

_HERE = Path(__file__).resolve().parent
DEFAULT_WORDS = _HERE / "words.yaml"
DEFAULT_TRACKERS = _HERE / "trackers.yaml"
NEXT_STEP = "next_step"  # the tracker that also decides whether a call ends with a dated step
_WORD_LISTS = ("open", "fillers", "small_talk", "discovery", "dates")
_OPTIONAL_LISTS = ("tags",)  # added later: a team's older words file may lack it
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
    """Several phrase sets counted in one pass over a text's words.

    The phrases are filed by their first word. The places of the words that start some
    phrase are picked out in C (`map`, `compress`) and only those few are looked at: a
    one-word phrase counts where it is; a longer one is looked up by its second word, and
    only then are the rest compared. Every mention counts, overlapping ones too ("very
    very" twice in "very very very"), once per set it belongs to.
    """

    sets: tuple[Phrases, ...]
    # first word -> the sets it is a one-word phrase of; first word -> second word ->
    # (set, phrase as a list, its length) of longer ones
    single: dict[bytes, tuple[int, ...]] = field(init=False, compare=False, repr=False)
    multi: dict[bytes, dict[bytes, tuple[tuple[int, list[bytes], int], ...]]] = field(
        init=False, compare=False, repr=False
    )
    first: frozenset[bytes] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        single: dict[bytes, list[int]] = {}
        multi: dict[bytes, dict[bytes, list[tuple[int, list[bytes], int]]]] = {}
        for index, phrases in enumerate(self.sets):
            for phrase in phrases.phrases:
                if len(phrase) == 1:
                    single.setdefault(phrase[0], []).append(index)
                else:
                    after = multi.setdefault(phrase[0], {}).setdefault(phrase[1], [])
                    after.append((index, list(phrase), len(phrase)))
        object.__setattr__(self, "single", {k: tuple(v) for k, v in single.items()})
        multi_kept = {k: {w: tuple(v) for w, v in after.items()} for k, after in multi.items()}
        object.__setattr__(self, "multi", multi_kept)
        object.__setattr__(self, "first", frozenset(single) | frozenset(multi))

    def count(self, words: list[bytes]) -> list[int]:
        """Mentions of each set's phrases among `words` (as `said.tokens` gives them)."""
        found = [0] * len(self.sets)
        at = list(compress(_places(len(words)), map(self.first.__contains__, words)))
        if not at:
            return found
        hits = list(map(words.__getitem__, at))
        single = self.single
        for word in filter(single.__contains__, hits):  # (a Counter costs more than it saves)
            for index in single[word]:
                found[index] += 1
        multi, last = self.multi, len(words) - 1
        for start in compress(at, map(multi.__contains__, hits)):
            if start == last:
                continue  # a longer phrase needs a word after its first
            # most first words ("how", "by", "end") go on otherwise: their next word decides
            for index, phrase, size in multi[words[start]].get(words[start + 1], ()):
                if size == 2 or words[start : start + size] == phrase:
                    found[index] += 1
        return found


_PLACES: list[int] = []


def _places(count: int) -> list[int]:
    """0, 1, 2... as a list kept between calls: iterating it makes no new int objects."""
    if len(_PLACES) < count:
        _PLACES.extend(range(len(_PLACES), max(count, 2 * len(_PLACES))))
    return _PLACES


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

    def has_date(self, text: str, *, listed: int | None = None) -> bool:
        """Whether a text names a day or time (a listed word, 3pm, 10:30, 7/14, the 14th).

        `listed` is how often the text says a listed day word, when the caller counted it.
        """
        if self.dates.count(tokens(text))[0] if listed is None else listed:
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
        return tuple(self.index.count(tokens(text)))


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
