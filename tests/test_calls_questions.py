"""Which of the rep's questions count, which are open, which discover: real phrasing."""

from __future__ import annotations

import pytest

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls.cues import Transcript
from gapdiag.sources.calls.measure import measure
from gapdiag.sources.calls.said import marked, tokens
from gapdiag.sources.calls.vocab import load_trackers, load_words

WORDS = load_words()
TRACKERS = load_trackers()
REP, BUYER = "Dana Reyes", "Elena Petrova"


def call(*said: tuple[str, str]) -> Transcript:
    """A call of five-second cues, one per (speaker, text), in order."""
    count = len(said)
    return Transcript(
        "x.vtt",
        None,
        tuple(i * 5000 for i in range(count)),
        tuple(i * 5000 + 5000 for i in range(count)),
        tuple(speaker for speaker, _ in said),
        tuple(text for _, text in said),
        1,
    )


def asked(*texts: str) -> tuple[int, int, int]:
    """(questions, open, discovery) of the rep saying each text in turn to the buyer."""
    cues = [c for text in texts for c in ((REP, text), (BUYER, "Sure."))]
    metrics = measure(
        call(*cues), {"dana reyes": "dana"}, words=WORDS, trackers=TRACKERS, targets=Targets()
    )
    return metrics.questions, metrics.open_questions, metrics.discovery_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a real question that only begins with a courtesy's words
        ("How are you handling the forecast today, and who owns it?", (1, 1, 1)),
        ("How are you planning the rollout?", (1, 1, 1)),
        # the courtesy itself, with at most fillers or a name around it
        ("How are you doing today?", (0, 0, 0)),
        ("Hi Elena, how are you?", (0, 0, 0)),
        ("So, how's your week going, Elena?", (0, 0, 0)),
        ("Can you hear me okay?", (0, 0, 0)),
        ("Is that right?", (0, 0, 0)),
        # tags ask for a nod
        ("OK?", (0, 0, 0)),
        ("Right?", (0, 0, 0)),
        ("You know?", (0, 0, 0)),
        ("We start in May, right?", (0, 0, 0)),
        ("That works for the team, doesn't it?", (0, 0, 0)),
        ("We could start Monday, right, Elena?", (0, 0, 0)),
        # ...but an open question with a tag on it still counts
        ("What does the team use today, right?", (1, 1, 1)),
        # closed questions, with and without a discovery topic
        ("Do you have a budget for this?", (1, 0, 1)),
        ("Is Thursday at 3pm good?", (1, 0, 0)),
        ("Elena, is Thursday good?", (1, 0, 0)),
        # open by its opening, after fillers
        ("Okay, so what made you look at this now?", (1, 1, 1)),
        ("Tell me about the last deal that slipped?", (1, 1, 1)),
        # typographic apostrophe
        ("What\u2019s the process for approvals?", (1, 1, 1)),
        # open after a lead-in clause; a clause of one or two words is no question's opening
        ("Before I show anything, what prompted you to take this call?", (1, 1, 1)),
        ("If budget were no issue, how would you roll it out, Elena?", (1, 1, 1)),
        ("Is it the price, the timing, or what?", (1, 0, 0)),
        ("You said forty reps, how many?", (1, 0, 0)),
    ],
)
def test_a_question_counts_by_what_it_asks(text: str, expected: tuple[int, int, int]) -> None:
    """Each phrasing counts as a question, an open one or a discovery one, or not at all."""
    assert asked(text) == expected


def test_the_issue_call_counts_three_questions_two_open() -> None:
    """The hand-worked call: 3 questions, 2 open, 2 discovery (the first was small talk before)."""
    assert asked(
        "How are you handling the forecast today, and who owns it?",
        "What made you look at this now?",
        "Do you have time on Thursday?",
    ) == (3, 2, 2)


def test_a_question_split_over_two_cues_of_one_turn_counts_once() -> None:
    """A turn's cues are read as one stretch of talk."""
    cues = [(REP, "And how do you handle"), (REP, "forecasting today?"), (BUYER, "Badly.")]
    metrics = measure(
        call(*cues), {"dana reyes": "dana"}, words=WORDS, trackers=TRACKERS, targets=Targets()
    )
    assert (metrics.questions, metrics.open_questions) == (1, 1)


def test_no_question_runs_from_one_turn_into_the_next() -> None:
    """The rep's words before the buyer spoke are not the start of the rep's next question."""
    cues = [(REP, "What a week"), (BUYER, "Indeed."), (REP, "budget approved?")]
    metrics = measure(
        call(*cues), {"dana reyes": "dana"}, words=WORDS, trackers=TRACKERS, targets=Targets()
    )
    assert (metrics.questions, metrics.open_questions, metrics.discovery_questions) == (1, 0, 1)


def test_marks_and_words_split_the_same_way_everywhere() -> None:
    """`marked` keeps ?, . and , as tokens of their own; `tokens` has the words only."""
    assert marked("Follow-up, OK? Great!").split() == [
        b"follow",
        b"up",
        b",",
        b"ok",
        b"?",
        b"great",
        b".",
    ]
    assert tokens("Follow-up, OK? Great!") == [b"follow", b"up", b"ok", b"great"]
    assert tokens("Caf\u00e9 na\u00efve") == ["caf\u00e9".encode(), "na\u00efve".encode()]
