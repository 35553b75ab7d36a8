"""The rep among unnamed diarization labels, found by the rep's own introduction."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls.cues import UNKNOWN, Cue, TranscriptError, in_time_order
from gapdiag.sources.calls.introductions import OPENING_MS, introduced
from gapdiag.sources.calls.measure import measure
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.vocab import load_trackers, load_words

NAMES = load_reps({"dana.reyes": ["Dana Reyes"], "omar.haddad": ["Omar Haddad"]})


def call(*said: tuple[str, str], start: int = 0) -> object:
    """A transcript of (label, text) cues, five seconds each from `start`."""
    cues = [
        Cue(start + 5000 * i, start + 5000 * (i + 1), who, text, i + 1)
        for i, (who, text) in enumerate(said)
    ]
    return in_time_order("x.json", cues, dt.date(2026, 8, 5))


@pytest.mark.parametrize(
    "intro",
    [
        "Hi Lena, this is Dana Reyes from Acme.",
        "Hi, it's Dana from Acme, thanks for joining.",
        "Good morning! I\u2019m Dana, calling about your forecast.",
        "My name is Dana Reyes and I look after your account.",
    ],
)
def test_the_label_that_introduces_itself_as_a_rep_is_the_rep(intro: str) -> None:
    """SPEAKER_00 says a rep's name after 'this is' / "I'm" / 'my name is': that rep."""
    found = introduced(call(("SPEAKER_01", "Hello?"), ("SPEAKER_00", intro)), NAMES)
    assert found["speaker_00"] == "dana.reyes"
    assert "speaker_01" not in found


@pytest.mark.parametrize(
    "said",
    [
        # the buyer introduces themselves: nobody in the reps file
        [("A", "Hi, this is Lena from Globex."), ("B", "Thanks Lena, what do you need?")],
        # the rep's name said by the other side, not as an introduction
        [("A", "Is Dana there?"), ("B", "Speaking. What can I do for you?")],
        # two labels claim two reps: left unread as before
        [("A", "This is Dana Reyes."), ("B", "And this is Omar Haddad.")],
        # a first name alone, not followed by from/with/at/here/calling
        [("A", "This is Dana's colleague."), ("B", "Hello.")],
    ],
)
def test_no_or_several_introductions_leave_the_names_as_they_are(
    said: list[tuple[str, str]],
) -> None:
    """Only exactly one label introducing itself as exactly one rep decides."""
    assert introduced(call(*said), NAMES) is NAMES


def test_an_introduction_after_the_opening_or_with_known_names_is_not_read() -> None:
    """Past the first three minutes nothing is read; a call with named speakers is left be."""
    cues = [
        Cue(0, 5000, "A", "Hi.", 1),
        Cue(OPENING_MS, OPENING_MS + 5000, "B", "This is Dana Reyes from Acme.", 2),
    ]
    late = in_time_order("x.json", cues, dt.date(2026, 8, 5))
    assert introduced(late, NAMES) is NAMES
    # the first three minutes count from the first cue: times of day (14:00 on) are fine
    clock = call(("A", "Hi."), ("B", "This is Dana Reyes from Acme."), start=14 * 3_600_000)
    assert introduced(clock, NAMES) == {**NAMES, "b": "dana.reyes"}
    named = call(("Lena Ortiz", "Hi."), ("Omar Haddad", "This is Dana Reyes from Acme."))
    assert introduced(named, NAMES) is NAMES


def test_measure_reads_a_diarized_call_whose_rep_introduced_themselves() -> None:
    """The introduced label's talk is the rep's; without the introduction, one clear error."""
    kwargs = {"words": load_words(), "trackers": load_trackers(), "targets": Targets()}
    found = measure(
        call(
            ("SPEAKER_01", "Hello?"),
            ("SPEAKER_00", "Hi, this is Dana from Acme."),
            ("SPEAKER_00", "What does your forecast process look like today?"),
        ),
        NAMES,
        **kwargs,
    )
    assert found.rep_id == "dana.reyes"
    assert found.rep_talk_seconds == 10
    with pytest.raises(TranscriptError, match="none introduced itself by a rep's name"):
        measure(call(("SPEAKER_01", "Hello?"), ("SPEAKER_00", "Hi there.")), NAMES, **kwargs)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C"]), st.text(max_size=60)), max_size=8))
def test_introduced_only_ever_adds_one_label_as_one_known_rep(
    said: list[tuple[str, str]],
) -> None:
    """Whatever is said, the names gain at most one entry, a label of the call, for a rep."""
    cues = [Cue(1000 * i, UNKNOWN, who, text or "x", i + 1) for i, (who, text) in enumerate(said)]
    if not cues:
        return
    found = introduced(in_time_order("x.json", cues, None), NAMES)
    added = set(found) - set(NAMES)
    assert len(added) <= 1
    assert all(a in {"a", "b", "c"} and found[a] in NAMES.values() for a in added)
