"""The word lists and keyword trackers transcripts are read with, loaded from YAML data.

The defaults ship beside this module (``words.yaml``, ``trackers.yaml``); a team passes
its own files to read another language or to track its competitors by name. A file that
cannot be used is one `CallsFileError` listing every problem with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapdiag.model.errors import GapdiagError, Problem
from gapdiag.rulebook._yaml import YamlDoc, read_yaml

_HERE = Path(__file__).resolve().parent
DEFAULT_WORDS = _HERE / "words.yaml"
DEFAULT_TRACKERS = _HERE / "trackers.yaml"
_WORD_LISTS = ("open", "fillers", "small_talk", "discovery", "dates")
# Dates and times that need no word list: 3pm, 10:30, 7/14, the 14th, 2026-07-14.
_NUMERIC_DATE = (
    r"\d{1,2}(?::\d{2})?\s?(?:am|pm)|\d{1,2}:\d{2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|\d{1,2}(?:st|nd|rd|th)|\d{4}-\d{2}-\d{2}"
)
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


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
class Words:
    """Compiled word lists: open-question openings, fillers, small talk, discovery, dates."""

    open: frozenset[tuple[str, ...]]
    longest_open: int
    fillers: frozenset[str]
    small_talk: tuple[str, ...]
    discovery: frozenset[str]
    dates: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Trackers:
    """Keyword trackers: a name and one compiled pattern per topic, in file order."""

    names: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]


def phrase_pattern(phrases: Iterable[str], *, also: str = "") -> re.Pattern[str]:
    """One pattern matching any phrase as whole words of lower-cased text; '-' as a space.

    `also` is a further alternative (a regular expression) matched the same way.
    """
    parts = sorted({" ".join(WORD.findall(p.lower())) for p in phrases}, key=len, reverse=True)
    body = "|".join(r"[\s-]+".join(re.escape(w) for w in p.split(" ")) for p in parts if p)
    if also:
        body = f"{also}|{body}"
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9'])")


def load_words(path: str | Path | None = None) -> Words:
    """The word lists from a YAML file (default: the shipped English lists).

    Raises:
        CallsFileError: unreadable YAML, a missing list, or an entry that is not text.
    """
    file = Path(path) if path is not None else DEFAULT_WORDS
    doc = _load(file)
    problems: list[Problem] = []
    lists = {name: _phrases(doc, (name,), problems) for name in _WORD_LISTS}
    extra = sorted(set(doc.data) - set(_WORD_LISTS))
    problems += [
        Problem(k, f"is not a word list (expected {', '.join(_WORD_LISTS)})", doc.line_of((k,)))
        for k in extra
    ]
    if problems:
        raise CallsFileError(file, problems)
    openings = frozenset(tuple(WORD.findall(p.lower())) for p in lists["open"])
    return Words(
        open=openings,
        longest_open=max((len(o) for o in openings), default=0),
        fillers=frozenset(w.lower() for w in lists["fillers"]),
        small_talk=tuple(" ".join(WORD.findall(p.lower())) for p in lists["small_talk"]),
        discovery=frozenset(w.lower() for w in lists["discovery"]),
        dates=phrase_pattern(lists["dates"], also=_NUMERIC_DATE),
    )


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
    patterns: list[re.Pattern[str]] = []
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
        phrases = _phrases(doc, ("trackers", name), problems)
        if phrases:
            names.append(name)
            patterns.append(phrase_pattern(phrases))
    if problems:
        raise CallsFileError(file, problems)
    return Trackers(tuple(names), tuple(patterns))


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
        if isinstance(item, str) and WORD.search(item.lower()):
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
