"""Per-call metrics from one transcript: talk, monologues, questions, trackers, next step.

Definitions (docs/calls.md has them with worked examples):

- *talk time* is the sum of a speaker's cue durations; the rep's *talk ratio* is the rep
  side's talk time over everyone's.
- a *turn* is a run of consecutive cues by one party (the rep side counts as one party,
  each other speaker as their own); it lasts from its first cue's start to its last
  cue's end. The rep's *longest monologue* is the longest rep turn, the *buyer's longest
  story* the longest turn of anyone else.
- *questions* are the rep's sentences ending in '?' (a turn's cues are joined first, so a
  question split over two cues counts once); small talk is not counted. A question is
  *open* by its opening words and a *discovery* question when open or when it asks about
  a discovery topic (the word lists in ``words.yaml``).
- *call duration* runs from the first cue's start to the last cue's end.
- a call *ends with a dated next step* when its last five minutes mention a next step
  (the ``next_step`` tracker) and a date or time; unknown without a ``next_step`` tracker.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls import rubric
from gapdiag.sources.calls.cues import Transcript, fail
from gapdiag.sources.calls.speakers import speaker_key
from gapdiag.sources.calls.vocab import WORD, Trackers, Words

CLOSING_SECONDS = 300
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


class TrackerCount(BaseModel):
    """Mentions of one tracked topic, by the rep and by the buyer side."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    rep: int
    buyer: int


class CallMetrics(BaseModel):
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
    questions: int
    open_questions: int
    open_question_ratio: float | None
    discovery_questions: int
    dated_next_step: bool | None
    trackers: tuple[TrackerCount, ...]
    score: float


def talk_seconds(transcript: Transcript) -> dict[str, float]:
    """Each speaker's talk time in seconds, in order of first appearance."""
    talk: dict[str, int] = {}
    for cue in transcript.cues:
        talk[cue.speaker] = talk.get(cue.speaker, 0) + cue.end - cue.start
    return {speaker: ms / 1000 for speaker, ms in talk.items()}


def rep_of(transcript: Transcript, names: Mapping[str, str]) -> str:
    """The rep id of the call: the one rep whose names appear among its speakers.

    Raises:
        TranscriptError: no speaker is a known rep, or speakers of two reps.
    """
    found: dict[str, str] = {}
    for cue in transcript.cues:
        rep = names.get(speaker_key(cue.speaker))
        if rep is not None:
            found.setdefault(rep, cue.speaker)
    if len(found) == 1:
        return next(iter(found))
    first = transcript.cues[0].line
    if not found:
        speakers = ", ".join(sorted({c.speaker for c in transcript.cues}))
        raise fail(
            transcript.source,
            first,
            "(speakers)",
            f"no rep speaker among {speakers} (add the rep's name to the reps file)",
        )
    both = ", ".join(f"{rep} ({name})" for rep, name in sorted(found.items()))
    raise fail(
        transcript.source, first, "(speakers)", f"speakers of several reps: {both} (one rep a call)"
    )


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
    rep_id = rep_of(transcript, names)
    is_rep = {c.speaker: names.get(speaker_key(c.speaker)) == rep_id for c in transcript.cues}
    cues = transcript.cues
    rep_talk = buyer_talk = 0
    longest_rep = longest_buyer = 0
    rep_texts: list[str] = []
    buyer_texts: list[str] = []
    questions = opened = discovery = 0
    party: str | None = None
    turn_start = turn_end = 0
    turn: list[str] = []
    for cue in (*cues, None):
        who = None if cue is None else ("" if is_rep[cue.speaker] else cue.speaker)
        if who != party and party is not None:  # the turn of `party` has ended
            if party == "":
                longest_rep = max(longest_rep, turn_end - turn_start)
                asked, was_open, was_discovery = _questions(" ".join(turn), words)
                questions, opened = questions + asked, opened + was_open
                discovery += was_discovery
            else:
                longest_buyer = max(longest_buyer, turn_end - turn_start)
            turn = []
        if cue is None:
            break
        if who != party:
            party, turn_start = who, cue.start
        turn_end = cue.end
        turn.append(cue.text)
        if who == "":
            rep_talk += cue.end - cue.start
            rep_texts.append(cue.text)
        else:
            buyer_talk += cue.end - cue.start
            buyer_texts.append(cue.text)
    rep_text, buyer_text = " ".join(rep_texts).lower(), " ".join(buyer_texts).lower()
    counts = tuple(
        TrackerCount(name=name, rep=len(p.findall(rep_text)), buyer=len(p.findall(buyer_text)))
        for name, p in zip(trackers.names, trackers.patterns, strict=True)
    )
    dated = _dated_next_step(transcript, words, trackers)
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
    return CallMetrics(
        file=transcript.source,
        rep_id=rep_id,
        date=transcript.date,
        duration_seconds=(cues[-1].end - cues[0].start) / 1000,
        rep_talk_seconds=rep_talk / 1000,
        buyer_talk_seconds=buyer_talk / 1000,
        talk_ratio=talk_ratio,
        longest_monologue_seconds=longest_rep / 1000,
        longest_buyer_story_seconds=longest_buyer / 1000,
        questions=questions,
        open_questions=opened,
        open_question_ratio=open_ratio,
        discovery_questions=discovery,
        dated_next_step=dated,
        trackers=counts,
        score=scored.score,
    )


def _questions(text: str, words: Words) -> tuple[int, int, int]:
    """Questions, open questions and discovery questions in one rep turn."""
    if "?" not in text:
        return 0, 0, 0
    asked = opened = discovery = 0
    for sentence in _SENTENCE.findall(text):
        if "?" not in sentence:
            continue
        tokens = WORD.findall(sentence.lower())
        while tokens and tokens[0] in words.fillers:
            tokens.pop(0)
        said = " ".join(tokens)
        if not tokens or any(said == s or said.startswith(f"{s} ") for s in words.small_talk):
            continue
        is_open = any(tuple(tokens[:k]) in words.open for k in range(1, words.longest_open + 1))
        asked += 1
        opened += is_open
        discovery += is_open or not words.discovery.isdisjoint(tokens)
    return asked, opened, discovery


def _dated_next_step(transcript: Transcript, words: Words, trackers: Trackers) -> bool | None:
    """Whether the last five minutes name a next step and a date; None without the tracker."""
    if "next_step" not in trackers.names:
        return None
    pattern = trackers.patterns[trackers.names.index("next_step")]
    cues = transcript.cues
    after = cues[-1].end - CLOSING_SECONDS * 1000
    closing = " ".join(c.text for c in cues if c.end > after).lower()
    return pattern.search(closing) is not None and words.dates.search(closing) is not None
