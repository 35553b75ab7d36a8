"""Per-call metrics and per-rep aggregation, exact on transcripts worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls.measure import CallMetrics, measure, talk_seconds
from gapdiag.sources.calls.report import read_calls
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.transcript import read_transcript
from gapdiag.sources.calls.vocab import load_trackers, load_words

DATA = Path(__file__).parent / "data" / "calls"
REPS = DATA / "reps.yaml"


def measured(name: str) -> CallMetrics:
    """The metrics of one of the hand-checked transcripts, with the shipped word lists."""
    return measure(
        read_transcript(DATA / name),
        load_reps(REPS),
        words=load_words(),
        trackers=load_trackers(),
        targets=Targets(),
    )


def trackers_of(call: CallMetrics) -> dict[str, tuple[int, int]]:
    """Tracker name -> (rep mentions, buyer mentions)."""
    return {t.name: (t.rep, t.buyer) for t in call.trackers}


def test_hand_checked_vtt_call() -> None:
    """2026-07-14_ana_handchecked.vtt, worked out by hand.

    Cues (s): Ana 0-10, Bo 10-40, Ana 41-51, Ana 51-61, Ana 61-66, Cy 66-76, Ana 80-90.
    Talk: Ana 10+10+10+5+10 = 45, buyers 30+10 = 40, so the talk ratio is 45/85.
    Duration 0..90 = 90 s. Turns: Ana 0-10, Bo 10-40, Ana 41-66 (25 s), Cy 66-76, Ana
    80-90: longest monologue 25 s, longest buyer story 30 s.
    Questions (a turn's cues joined, so "how do you handle forecasting / today?" is one):
    "What made you look at this now" (open), "Do you have a budget for it" (closed,
    discovery: budget), "And how do you handle forecasting today" (filler "and", then
    open), "Is the price the main concern" (closed, no discovery word), "Does that work"
    (closed): 5 questions, 2 open (0.4), 3 discovery.
    Trackers: price rep "price" / buyer "Price"; budget rep "budget" / buyer "budget";
    next_step rep "Next step"; decision_maker buyer "CFO".
    Closing: a quarter of 90 s = 22.5 s, cues ending after 67.5 s (Cy's and the last):
    "next step" and "Friday" -> a dated next step.
    Rubric: talk 0.0294 over 0.50 -> 1 - 0.0294/0.15 = 0.8039; discovery 3/11 = 0.2727;
    open 0.4/0.5 = 0.8; monologue 1; next step 1 -> 3.8766, shown 3.88.
    """
    call = measured("2026-07-14_ana_handchecked.vtt")
    assert call.rep_id == "ana.rep"
    assert call.date == dt.date(2026, 7, 14)
    assert call.duration_seconds == 90.0
    assert (call.rep_talk_seconds, call.buyer_talk_seconds) == (45.0, 40.0)
    assert call.talk_ratio == pytest.approx(45 / 85)
    assert call.longest_monologue_seconds == 25.0
    assert call.longest_buyer_story_seconds == 30.0
    assert (call.questions, call.open_questions, call.discovery_questions) == (5, 2, 3)
    assert call.open_question_ratio == pytest.approx(0.4)
    assert trackers_of(call) == {
        "price": (1, 1),
        "budget": (1, 1),
        "competitor": (0, 0),
        "next_step": (1, 0),
        "decision_maker": (0, 1),
        "timeline": (0, 0),
    }
    assert call.dated_next_step is True
    assert call.score == 3.88


def test_hand_checked_zoom_style_call() -> None:
    """2026-07-20_ana_zoom.vtt ('Name: text' cues, no identifiers), worked out by hand.

    Cues (s): Ana 5-25, Ana 25-65, Dee 66-76, Ana 80-90. Talk: Ana 70, Dee 10 -> 0.875.
    Duration 5..90 = 85 s. Turns: Ana 5-65 (60 s), Dee 10 s, Ana 10 s.
    Questions: only "Can you hear me okay" (small talk, not counted); "Tell me about your
    team." ends in a full stop, so it is not a question: 0 questions, ratio unknown.
    Trackers: price rep "pricing", "per seat", "discount" = 3, buyer "price" = 1;
    competitor buyer 1; next_step rep "follow up" 1.
    Closing: 85/4 = 21.25 s, cues ending after 68.75 s: a next step but no date -> False.
    Rubric: talk 0.375 over the band -> 0; discovery 0; open 0; monologue 1; next step 0.
    """
    call = measured("2026-07-20_ana_zoom.vtt")
    assert call.duration_seconds == 85.0
    assert call.talk_ratio == 0.875
    assert (call.longest_monologue_seconds, call.longest_buyer_story_seconds) == (60.0, 10.0)
    assert (call.questions, call.open_questions, call.discovery_questions) == (0, 0, 0)
    assert call.open_question_ratio is None
    assert trackers_of(call)["price"] == (3, 1)
    assert trackers_of(call)["competitor"] == (0, 1)
    assert trackers_of(call)["next_step"] == (1, 0)
    assert call.dated_next_step is False
    assert call.score == 1.0


def test_hand_checked_json_call() -> None:
    """ana_segments.json: the rep under two spellings ("ana rep", "Ana  Rep"), by hand.

    Segments (s): Bo 0-12.5, ana 12.5-20, Bo 21-40, Ana 40-48. Talk: rep 7.5+8 = 15.5,
    Bo 12.5+19 = 31.5 -> 15.5/47. Duration 48 s. Rep turns 7.5 and 8 s; Bo's longest 19 s.
    Questions: "Why is that" (open), "Can we schedule a follow up next week" (closed, no
    discovery word): 2 questions, ratio 0.5, 1 discovery.
    Trackers: budget buyer 1; price buyer "pricing" 1; next_step buyer "Send over", rep
    "schedule" and "follow up" = 2; decision_maker buyer "CFO" 1.
    Closing: 48/4 = 12 s, segments ending after 36 s: a next step and "next week" -> True.
    Rubric: talk 0.0202 under 0.35 -> 0.8652; discovery 1/11 = 0.0909; open 1; monologue
    1; next step 1 -> 3.9561, shown 3.96. The date comes from the JSON's "date".
    """
    call = measured("ana_segments.json")
    assert call.date == dt.date(2026, 8, 3)
    assert call.talk_ratio == pytest.approx(15.5 / 47)
    assert (call.rep_talk_seconds, call.buyer_talk_seconds) == (15.5, 31.5)
    assert call.duration_seconds == 48.0
    assert (call.longest_monologue_seconds, call.longest_buyer_story_seconds) == (8.0, 19.0)
    assert (call.questions, call.open_questions, call.discovery_questions) == (2, 1, 1)
    assert trackers_of(call) == {
        "price": (0, 1),
        "budget": (0, 1),
        "competitor": (0, 0),
        "next_step": (2, 1),
        "decision_maker": (0, 1),
        "timeline": (0, 0),
    }
    assert call.dated_next_step is True
    assert call.score == 3.96


def test_per_rep_medians_and_calls_to_listen_to(tmp_path: Path) -> None:
    """The three hand-checked calls aggregate to medians; the picks rank them by score.

    Talk ratios 45/85, 0.875, 15.5/47 -> median 45/85. Monologues 25, 60, 8 -> 25.
    Discovery 3, 0, 1 -> 1. Open ratios 0.4, (none), 0.5 -> 0.45. Dated next step in 2 of
    3. Scores 3.88 (handchecked), 1.0 (zoom), 3.96 (json): weak zoom, typical
    handchecked, strong json. Price mentions: rep 1+3+0 = 4, buyer 1+1+1 = 3.
    """
    report = read_calls(DATA, reps=REPS, period="2026-Q3")
    assert report.skipped == ()
    (rep,) = report.reps
    assert rep.rep_id == "ana.rep"
    assert rep.calls == 3
    assert rep.talk_ratio == pytest.approx(45 / 85)
    assert rep.longest_monologue_seconds == 25.0
    assert rep.discovery_questions_per_call == 1.0
    assert rep.open_question_ratio == pytest.approx(0.45)
    assert rep.dated_next_step_share == pytest.approx(2 / 3)
    assert {t.name: (t.rep, t.buyer) for t in rep.trackers}["price"] == (4, 3)
    assert [(p.kind, p.file) for p in rep.listen] == [
        ("weak", "2026-07-20_ana_zoom.vtt"),
        ("typical", "2026-07-14_ana_handchecked.vtt"),
        ("strong", "ana_segments.json"),
    ]
    assert rep.row() == {
        "rep_id": "ana.rep",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "calls.discovery_questions_per_call": 1.0,
        "calls.talk_ratio": pytest.approx(45 / 85),
        "calls.longest_monologue_seconds": 25.0,
        "calls.open_question_ratio": pytest.approx(0.45),
    }


def test_one_call_is_the_typical_one_and_two_are_weak_and_strong(tmp_path: Path) -> None:
    """One call gives only a typical pick; two give a weak and a strong one."""
    for name in ("2026-07-14_ana_handchecked.vtt", "2026-07-20_ana_zoom.vtt"):
        (tmp_path / name).write_bytes((DATA / name).read_bytes())
        picks = read_calls(tmp_path, reps=REPS, period="2026-07").reps[0].listen
        kinds = [p.kind for p in picks]
        assert kinds == (["typical"] if len(kinds) == 1 else ["weak", "strong"])
    assert picks[0].file == "2026-07-20_ana_zoom.vtt"
    assert "1 discovery question" not in picks[0].why
    assert "0 discovery questions" in picks[0].why


def test_talk_seconds_per_speaker() -> None:
    """talk_seconds lists each speaker's talk in order of first appearance."""
    talk = talk_seconds(read_transcript(DATA / "2026-07-14_ana_handchecked.vtt"))
    assert talk == {"Ana Rep": 45.0, "Bo Buyer": 30.0, "Cy Buyer": 10.0}


def test_without_a_next_step_tracker_the_dated_next_step_is_unknown(tmp_path: Path) -> None:
    """A trackers file without next_step leaves dated_next_step unknown, not false."""
    trackers = tmp_path / "t.yaml"
    trackers.write_text("trackers:\n  price: [price]\n", encoding="utf-8")
    call = measure(
        read_transcript(DATA / "2026-07-14_ana_handchecked.vtt"),
        load_reps(REPS),
        words=load_words(),
        trackers=load_trackers(trackers),
        targets=Targets(),
    )
    assert call.dated_next_step is None
    assert [t.name for t in call.trackers] == ["price"]
    report = read_calls(DATA, reps=REPS, period="2026-Q3", trackers=trackers)
    assert report.reps[0].dated_next_step_share is None
    assert "next step unknown" in report.reps[0].listen[0].why


def test_filler_only_questions_and_missing_targets(tmp_path: Path) -> None:
    """'So?' is no question; without questions the rep has no open ratio; None targets fall back."""
    (tmp_path / "2026-07-01_a.vtt").write_text(
        "WEBVTT\n\n00:00:00.000 --> 00:00:10.000\n<v Ana Rep>So? Right?</v>\n\n"
        "00:00:10.000 --> 00:00:20.000\n<v Bo>Yes.</v>\n",
        encoding="utf-8",
    )
    targets = Targets(talk_ratio_low=None, talk_ratio_high=None)
    report = read_calls(tmp_path, reps=REPS, period="2026-07", targets=targets)
    (call,) = report.calls
    assert call.questions == 0
    assert call.talk_ratio == 0.5
    assert call.score == 2.0  # talk 0.5 is inside the default band: talk 1, monologue 1
    assert "calls.open_question_ratio" not in report.reps[0].row()
