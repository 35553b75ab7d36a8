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
- *call duration* runs from the first cue's start to the last cue's end. Two speakers may
  talk at once (crosstalk): each cue counts for its own speaker.
- a cue the file does not attribute (Zoom's unnamed cues, a segment without a speaker)
  counts for neither side: its time is *unattributed*, it ends the turn it interrupts,
  and its words are nobody's. A call where more than `MAX_UNATTRIBUTED` of the talk is
  unattributed is refused: its talk ratio would be a guess.
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
from itertools import compress, pairwise, repeat
from operator import gt, ne

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model.labels import percent
from gapdiag.model.metrics import Targets
from gapdiag.model.wording import day
from gapdiag.sources.calls import rubric
from gapdiag.sources.calls.cues import UNNAMED, Transcript, fail
from gapdiag.sources.calls.speakers import speaker_key
from gapdiag.sources.calls.vocab import WORD, Trackers, Words, tokens

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
        if len(labels) == len(speakers):
            hint = (
                "the speakers are unnamed diarization labels: replace them with the "
                "speakers' names, then add the rep's name to the reps file"
            )
        elif labels:
            hint += f"; {', '.join(labels)}: an unnamed label, to name if it is the rep"
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
    starts, ends, texts = transcript.starts, transcript.ends, transcript.texts
    # A party is the rep side ("") or one other speaker; a turn is a run of one party's cues.
    party_of: dict[str, str | None] = {
        s: "" if names.get(speaker_key(s)) == rep_id else s for s in set(transcript.speakers)
    }
    if UNNAMED in party_of:
        party_of[UNNAMED] = None  # nobody's: neither side's talk, words or turn
    party = list(map(party_of.__getitem__, transcript.speakers))
    rep_turns: list[str] = []
    buyer_texts: list[str] = []
    longest_rep = longest_buyer = rep_talk = buyer_talk = unattributed = 0
    crosstalk = transcript.crosstalk
    # Where the party changes (found in C): a turn runs from one edge to the next.
    edges = [0, *compress(range(1, len(party)), map(ne, party[1:], party)), len(party)]
    for first, last in pairwise(edges):
        length = (max(ends[first:last]) if crosstalk else ends[last - 1]) - starts[first]
        talk = sum(ends[first:last]) - sum(starts[first:last])
        who = party[first]
        if who == "":
            longest_rep = max(longest_rep, length)
            rep_talk += talk
            rep_turns.append(" ".join(texts[first:last]))
        elif who is None:
            unattributed += talk
        else:
            longest_buyer = max(longest_buyer, length)
            buyer_talk += talk
            buyer_texts += texts[first:last]
    if unattributed > MAX_UNATTRIBUTED * (rep_talk + buyer_talk + unattributed):
        share = unattributed / (rep_talk + buyer_talk + unattributed)
        raise fail(
            transcript.source,
            transcript.first_line,
            "(speakers)",
            f"{share:.0%} of the talk is in cues without a speaker (at most "
            f"{MAX_UNATTRIBUTED:.0%}: the talk ratio would be a guess; name the speakers)",
        )
    questions, opened, discovery = _questions(rep_turns, words)
    rep_counts = trackers.count(" ".join(rep_turns))
    buyer_counts = trackers.count(" ".join(buyer_texts))
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
        duration_seconds=(transcript.end - starts[0]) / 1000,
        rep_talk_seconds=rep_talk / 1000,
        buyer_talk_seconds=buyer_talk / 1000,
        talk_ratio=talk_ratio,
        longest_monologue_seconds=longest_rep / 1000,
        longest_buyer_story_seconds=longest_buyer / 1000,
        unattributed_seconds=unattributed / 1000,
        questions=questions,
        open_questions=opened,
        open_question_ratio=open_ratio,
        discovery_questions=discovery,
        dated_next_step=dated,
        trackers=tuple(
            TrackerCount(name=name, rep=rep, buyer=buyer)
            for name, rep, buyer in zip(trackers.names, rep_counts, buyer_counts, strict=True)
        ),
        score=scored.score,
    )


def _questions(turns: list[str], words: Words) -> tuple[int, int, int]:
    """Questions, open questions and discovery questions in the rep's turns.

    A question is the text after the previous '.', '!' or '?' of its turn up to a '?'.
    """
    asked = opened = discovery = 0
    for turn in turns:
        if "?" not in turn:
            continue
        for piece in turn.split("?")[:-1]:
            sentence = piece[max(piece.rfind("."), piece.rfind("!")) + 1 :]
            tokens = WORD.findall(sentence.lower())
            start = 0
            while start < len(tokens) and tokens[start] in words.fillers:
                start += 1
            said = " ".join(tokens[start:]) + " "
            if said == " " or said.startswith(words.small_talk):
                continue
            is_open = said.startswith(words.open)
            asked += 1
            opened += is_open
            discovery += is_open or not words.discovery.isdisjoint(tokens)
    return asked, opened, discovery


def _dated_next_step(transcript: Transcript, words: Words, trackers: Trackers) -> bool | None:
    """Whether the closing names a next step and a date; None without the tracker."""
    if "next_step" not in trackers.names:
        return None
    index = trackers.names.index("next_step")
    ends = transcript.ends
    last, first = transcript.end, transcript.starts[0]
    after = last - min(CLOSING_SECONDS * 1000, (last - first) / 4)
    if transcript.crosstalk:  # ends need not rise: look at every cue
        closing = " ".join(compress(transcript.texts, map(gt, ends, repeat(after))))
    else:  # ends rise: the closing's cues are the ones from the first that ends after `after`
        closing = " ".join(transcript.texts[bisect_right(ends, after) :])
    said = tokens(closing)
    if not trackers.index.count(said)[index]:
        return False
    return words.has_date(closing, said)
