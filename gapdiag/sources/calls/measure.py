"""Per-call metrics from one transcript: talk, monologues, questions, trackers, next step.

Definitions (docs/calls.md has them with worked examples):

- *talk time* is the sum of a speaker's cue durations; the rep's *talk ratio* is the rep
  side's talk time over everyone's.
- a *turn* is a run of consecutive cues by one party (the rep side counts as one party,
  each other speaker as their own); it lasts from its first cue's start to its last
  cue's end. The rep's *longest monologue* is the longest rep turn, the *buyer's longest
  story* the longest turn of anyone else.
- *questions* are the rep's sentences ending in '?' (a turn's cues are joined first, so a
  question split over two cues counts once); small talk and tags are not counted. A
  question is *open* by its opening words and a *discovery* question when open or when
  it asks about a discovery topic (`questions`; the word lists in ``words.yaml``).
- the call's text is made into words once (`said`), for questions, trackers and the
  next step alike.
- *call duration* runs from the first cue's start to the last cue's end. Two speakers may
  talk at once (crosstalk): each cue counts for its own speaker.
- a cue the file does not attribute (Zoom's unnamed cues, a segment without a speaker)
  counts for neither side: its time is *unattributed*, it ends the turn it interrupts,
  and its words are nobody's. A call where more than `MAX_UNATTRIBUTED` of the talk is
  unattributed is refused: its talk ratio would be a guess.
- a cue whose end the transcript does not give runs to the next cue's start (`cues`);
  the talk so inferred is `inferred_end_seconds`, and cues without a usable start are
  left out and counted (`untimed_cues`).
- a call *ends with a dated next step* when its closing (the last quarter of the call, at
  most its last five minutes) mentions a next step (the ``next_step`` tracker) and a day
  or time; unknown without a ``next_step`` tracker. A cue belongs to the closing when it
  ends inside it.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import compress, repeat
from operator import add, eq, gt, is_, ne, sub
from typing import Any

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model.labels import percent
from gapdiag.model.metrics import Targets
from gapdiag.model.wording import day
from gapdiag.sources.calls import _contactlens, rubric
from gapdiag.sources.calls.cues import UNNAMED, Transcript, fail
from gapdiag.sources.calls.introductions import introduced
from gapdiag.sources.calls.questions import Around, asked, classify
from gapdiag.sources.calls.said import Said, tokens
from gapdiag.sources.calls.speakers import NOBODY, speaker_key
from gapdiag.sources.calls.vocab import NEXT_STEP, PhraseIndex, Trackers, Words

CLOSING_SECONDS = 300
# Speaker labels a diarizer writes when it does not know names: A, SPEAKER_00, spk_1, 2...
_LABEL = re.compile(r"(?i)(?:speaker|spk|spkr|s)?[ _-]?(?:[a-z]|\d{1,3})")
MAX_UNATTRIBUTED = 0.25  # share of all talk in cues without a speaker a call may have


class TrackerCount(Worded, BaseModel):
    """Mentions of one tracked topic, by the rep and by the buyer side."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    rep: int
    buyer: int

    def _words(self) -> str:
        return f"{self.name}: rep {self.rep}, buyer {self.buyer}"


class CallMetrics(Worded, BaseModel):
    """One call's metrics; times in seconds, ratios as fractions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str
    rep_id: str
    date: dt.date | None
    duration_seconds: float
    rep_talk_seconds: float
    buyer_talk_seconds: float
    talk_ratio: float
    longest_monologue_seconds: float
    longest_buyer_story_seconds: float
    unattributed_seconds: float = 0.0
    inferred_end_seconds: float = 0.0
    """Talk in cues whose end the transcript did not give (start-only or zero-length)."""
    untimed_cues: int = 0
    """Cues left out for want of a usable start time."""
    questions: int
    open_questions: int
    open_question_ratio: float | None
    discovery_questions: int
    dated_next_step: bool | None
    trackers: tuple[TrackerCount, ...]
    score: float

    def _words(self) -> str:
        when = f", {day(self.date)}" if self.date else ""
        minutes = round(self.duration_seconds / 60)
        return (
            f"{self.file} ({self.rep_id}{when}): {minutes} min, the rep talks "
            f"{percent(self.talk_ratio)}, {self.questions} questions ({self.open_questions} open)"
        )


def talk_seconds(transcript: Transcript) -> dict[str, float]:
    """Each speaker's talk time in seconds, in order of first appearance."""
    talk: dict[str, int] = {}
    for speaker, start, end in zip(
        transcript.speakers, transcript.starts, transcript.ends, strict=True
    ):
        talk[speaker] = talk.get(speaker, 0) + end - start
    return {speaker: ms / 1000 for speaker, ms in talk.items()}


def rep_of(transcript: Transcript, names: Mapping[str, str]) -> str:
    """The rep id of the call: the one rep whose names appear among its speakers.

    Raises:
        TranscriptError: no speaker is a known rep, or speakers of two reps.
    """
    speakers = sorted(set(transcript.speakers) - {UNNAMED})
    if not speakers:
        raise fail(
            transcript.source,
            transcript.first_line,
            "(speakers)",
            "no cue names its speaker (captions, or a transcript made without speaker "
            "labels: export one with the speakers' names)",
        )
    found: dict[str, str] = {}
    for speaker in speakers:
        rep = names.get(speaker_key(speaker))
        if rep is not None:
            found.setdefault(rep, speaker)
    if len(found) == 1:
        return next(iter(found))
    if not found:
        hint = "add the rep's name to the reps file"
        labels = [s for s in speakers if _LABEL.fullmatch(s)]
        if _contactlens.AGENT in speakers:
            hint = (
                f"{_contactlens.AGENT}: the agent of an Amazon Connect or Transcribe Call "
                f"Analytics call, named nowhere in the file: pass --rep ID={_contactlens.AGENT}, "
                f"or list {_contactlens.AGENT} under the rep in the reps file, for a folder of "
                "that rep's calls"
            )
        elif len(labels) == len(speakers):
            hint = (
                "the speakers are unnamed diarization labels, and none introduced itself "
                "by a rep's name in the first three minutes: replace them with the "
                "speakers' names, then add the rep's name to the reps file"
            )
        elif labels:
            hint += f"; {', '.join(labels)}: an unnamed label, to name if it is the rep"
        elif near := _near_names(speakers, names):
            hint = f"{near}: give the name as the call spells it (reps file or --rep ID=NAME)"
        raise fail(
            transcript.source,
            transcript.first_line,
            "(speakers)",
            f"no rep speaker among {', '.join(speakers)} ({hint})",
        )
    both = ", ".join(f"{rep} ({name})" for rep, name in sorted(found.items()))
    raise fail(
        transcript.source,
        transcript.first_line,
        "(speakers)",
        f"speakers of several reps: {both} (one rep a call)",
    )


_ASIDE = re.compile(r"\s*[(\[][^)\]]*[)\]]\s*$")
"""A display name's trailing aside: pronouns or a company ('Dana Reyes (she/her)')."""


def _near_names(speakers: list[str], names: Mapping[str, str]) -> str:
    """ "'Dana Reyes (she/her)' is rep dana.reyes's name with an aside", for each such speaker."""
    near = []
    for speaker in speakers:
        bare = _ASIDE.sub("", speaker)
        rep = names.get(speaker_key(bare)) if bare != speaker else None
        if rep is not None:
            near.append(f"{speaker!r} is {bare!r} ({rep}) with an aside")
            continue
        key = speaker_key(bare)
        short = next((r for name, r in names.items() if key.startswith(name + " ")), None)
        if short is not None:  # `--rep dana=Dana` for the call's 'Dana Reyes'
            near.append(f"{speaker!r} begins with the name given for {short}")
    return "; ".join(near)


def measure(
    transcript: Transcript,
    names: Mapping[str, str],
    *,
    words: Words,
    trackers: Trackers,
    targets: Targets,
) -> CallMetrics:
    """The metrics of one call; `names` maps speaker names (as compared) to rep ids.

    Raises:
        TranscriptError: the call has no rep speaker, or speakers of two reps.
    """
    return metrics_of(figures(transcript, names, words=words, trackers=trackers, targets=targets))


def metrics_of(values: Mapping[str, Any]) -> CallMetrics:
    """A call's `figures` as its validated metrics."""
    counts = tuple(TrackerCount(name=n, rep=r, buyer=b) for n, r, b in values["trackers"])
    return CallMetrics(**{**values, "trackers": counts})


def figures(
    transcript: Transcript,
    names: Mapping[str, str],
    *,
    words: Words,
    trackers: Trackers,
    targets: Targets,
) -> dict[str, Any]:
    """`measure`'s values as plain data, trackers as (name, rep, buyer): not yet validated.

    What aggregation keeps of a call (`aggregate.lean`) is read from these without the
    model's validation, a fortieth of a call's time.

    Raises:
        TranscriptError: the call has no rep speaker, or speakers of two reps.
    """
    names = introduced(transcript, names)  # unnamed labels: the one that said a rep's name
    rep_id = rep_of(transcript, names)
    starts, texts = transcript.starts, transcript.texts
    # A party is the rep side ("") or one other speaker; a turn is a run of one party's cues.
    party_of: dict[str, str | None] = {
        s: "" if names.get(speaker_key(s)) == rep_id else s for s in set(transcript.speakers)
    }
    for speaker in party_of:
        if speaker == UNNAMED or speaker_key(speaker) in NOBODY:
            party_of[speaker] = None  # nobody's: neither side's talk, words or turn
    nobody = None in party_of.values()
    party = list(map(party_of.__getitem__, transcript.speakers))
    sides: Sides = (
        list(map(eq, party, repeat(""))),  # the rep
        list(map(bool, party)),  # a named speaker who is not the rep
        # nobody (the usual call names every cue's speaker)
        list(map(is_, party, repeat(None))) if nobody else [False] * len(party),
    )
    talk = _talk(transcript, party, sides)
    rep_talk, buyer_talk, unattributed = talk.rep, talk.buyer, talk.unattributed
    longest_rep, longest_buyer = talk.longest_rep, talk.longest_buyer
    if unattributed > MAX_UNATTRIBUTED * (rep_talk + buyer_talk + unattributed):
        share = unattributed / (rep_talk + buyer_talk + unattributed)
        raise fail(
            transcript.source,
            transcript.first_line,
            "(speakers)",
            f"{share:.0%} of the talk is in cues without a speaker (at most "
            f"{MAX_UNATTRIBUTED:.0%}: the talk ratio would be a guess; name the speakers)",
        )
    said = Said.of(texts, sides, talk.turn_ends, _closing_start(transcript))
    if words.common and not _in_language(said.rep, words.common):
        raise fail(
            transcript.source,
            transcript.first_line,
            "(language)",
            "few of the rep's words are in the word lists' language (English by default): "
            "questions, discovery and next steps would be misread; pass --words with lists "
            "for the call's language",
        )
    questions, opened, discovery = _questions(said.rep, Around.of(words, _names(party_of)))
    # the day words matter only in the closing (the dated next step)
    early, closing = trackers.index.count, _index(words, trackers).count
    rep_early, rep_closing, buyer_early, buyer_closing, nobodys_closing = said.parts
    counted = [
        early(rep_early),
        closing(rep_closing),
        early(buyer_early),
        closing(buyer_closing),
        closing(nobodys_closing),
    ]
    rep_counts = list(map(add, counted[0], counted[1]))
    buyer_counts = list(map(add, counted[2], counted[3]))
    dated = _dated_next_step(said, counted, words, trackers)
    talk_ratio = rep_talk / (rep_talk + buyer_talk)
    open_ratio = opened / questions if questions else None
    scored = rubric.parts(
        talk_ratio=talk_ratio,
        discovery_questions=discovery,
        open_question_ratio=open_ratio,
        longest_monologue_seconds=longest_rep / 1000,
        dated_next_step=dated,
        targets=targets,
    )
    return {
        "file": transcript.source,
        "rep_id": rep_id,
        "date": transcript.date,
        "duration_seconds": (transcript.end - starts[0]) / 1000,
        "rep_talk_seconds": rep_talk / 1000,
        "buyer_talk_seconds": buyer_talk / 1000,
        "talk_ratio": talk_ratio,
        "longest_monologue_seconds": longest_rep / 1000,
        "longest_buyer_story_seconds": longest_buyer / 1000,
        "unattributed_seconds": unattributed / 1000,
        "inferred_end_seconds": transcript.inferred_ms / 1000,
        "untimed_cues": transcript.untimed,
        "questions": questions,
        "open_questions": opened,
        "open_question_ratio": open_ratio,
        "discovery_questions": discovery,
        "dated_next_step": dated,
        "trackers": tuple(zip(trackers.names, rep_counts, buyer_counts, strict=False)),
        "score": scored.score,
    }


def _names(party_of: Mapping[str, str | None]) -> frozenset[bytes]:
    """The words of the speakers' names on a call (a name said around a question is trimmed)."""
    return frozenset(w for name in party_of for w in tokens(name) if len(w) > 1)


Sides = tuple[list[bool], list[bool], list[bool]]
"""Per cue: spoken by the rep, by someone else named, by nobody named."""


@dataclass(frozen=True, slots=True)
class _Talk:
    """Talk time by side and the longest turns (milliseconds), and each turn's last cue."""

    rep: int
    buyer: int
    unattributed: int
    longest_rep: int
    longest_buyer: int
    turn_ends: list[int]


def _talk(transcript: Transcript, party: list[str | None], sides: Sides) -> _Talk:
    """Talk and turns, computed column-wise (a call has some 300 cues and 100 turns)."""
    starts, ends = transcript.starts, transcript.ends
    rep, buyer, nobody = sides
    count = len(rep)
    # Where the party changes (found in C): a turn runs from one edge to the next.
    firsts = [0, *compress(range(1, count), map(ne, party[1:], party))]
    lasts = [*map((-1).__add__, firsts[1:]), count - 1]
    if transcript.crosstalk:  # ends need not rise: a turn lasts until its latest end
        closes = [max(ends[a : b + 1]) for a, b in zip(firsts, lasts, strict=True)]
    else:
        closes = list(map(ends.__getitem__, lasts))
    lengths = list(map(sub, closes, map(starts.__getitem__, firsts)))
    rep_talk = sum(compress(ends, rep)) - sum(compress(starts, rep))
    unattributed = sum(compress(ends, nobody)) - sum(compress(starts, nobody)) if any(nobody) else 0
    return _Talk(
        rep=rep_talk,
        buyer=sum(ends) - sum(starts) - rep_talk - unattributed,
        unattributed=unattributed,
        longest_rep=max(compress(lengths, map(rep.__getitem__, firsts)), default=0),
        longest_buyer=max(compress(lengths, map(buyer.__getitem__, firsts)), default=0),
        turn_ends=lasts,
    )


def _questions(rep: bytes, around: Around) -> tuple[int, int, int]:
    """Questions, open questions and discovery questions in the rep's talk (`questions`)."""
    counted = opened = discovery = 0
    for question in asked(rep):
        kind = classify(question, around)
        if kind is not None:
            counted += 1
            opened += kind[0]
            discovery += kind[1]
    return counted, opened, discovery


def _closing_start(transcript: Transcript) -> int:
    """The first cue of the closing: the last quarter of the call, at most its last 5 minutes.

    The closing runs from the first cue (in start order) that ends inside it.
    """
    ends = transcript.ends
    last, first = transcript.end, transcript.starts[0]
    after = last - min(CLOSING_SECONDS * 1000, (last - first) / 4)
    if transcript.crosstalk:  # ends need not rise
        return next(compress(range(len(ends)), map(gt, ends, repeat(after))))
    return bisect_right(ends, after)


_LANGUAGE_SAMPLE = 800
"""Bytes of the rep's talk read for its language (about 140 words: microseconds a call)."""
_LANGUAGE_WORDS = 30
"""Fewer words than this in the sample: too few to tell a language by."""
_LANGUAGE_SHARE = 0.15
"""Under this share of the sample's words among the common ones: another language (in
English talk about half the words are among the 70 most common)."""


def _in_language(rep: bytes, common: frozenset[bytes]) -> bool:
    """Whether the rep's talk (`marked` text) reads as the word lists' language."""
    tokens = rep[:_LANGUAGE_SAMPLE].split()
    words = len(tokens) - tokens.count(b"?") - tokens.count(b".") - tokens.count(b",")
    if words < _LANGUAGE_WORDS:
        return True
    return sum(map(common.__contains__, tokens)) >= _LANGUAGE_SHARE * words


def _dated_next_step(
    said: Said, counted: list[list[int]], words: Words, trackers: Trackers
) -> bool | None:
    """Whether the closing names a next step and a date; None without the tracker.

    `counted` are the mentions per tracker in `said.parts`, and of the day words (last)
    in the closing's parts.
    """
    if NEXT_STEP not in trackers.names:
        return None
    closing = [sum(column) for column in zip(*counted[1::2], counted[4], strict=True)]
    if not closing[trackers.names.index(NEXT_STEP)]:
        return False
    return words.has_date(said.closing_text, listed=closing[-1])


_INDEXES: dict[tuple[int, int], tuple[Words, Trackers, PhraseIndex]] = {}


def _index(words: Words, trackers: Trackers) -> PhraseIndex:
    """The trackers' phrases and the day words in one index, compiled once per pair."""
    key = (id(words), id(trackers))
    kept = _INDEXES.get(key)
    if kept is None or kept[0] is not words or kept[1] is not trackers:
        if len(_INDEXES) >= 8:
            _INDEXES.clear()
        kept = (words, trackers, PhraseIndex((*trackers.phrases, *words.dates.sets)))
        _INDEXES[key] = kept
    return kept[2]
