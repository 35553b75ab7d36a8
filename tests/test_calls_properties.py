"""Properties of call metrics over generated transcripts (hypothesis)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls import _json, _srt, _vtt
from gapdiag.sources.calls.cues import clock
from gapdiag.sources.calls.measure import measure, talk_seconds
from gapdiag.sources.calls.report import read_calls
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.vocab import load_trackers, load_words

SPEAKERS = ("Ana Rep", "Bo Buyer", "Cy Buyer", "ana  rep")
SENTENCES = (
    "What is your budget for this?",
    "How do you handle pricing today?",
    "Do you have a next step in mind?",
    "Our CFO decides, and the price is high.",
    "Let's book the next step on Friday at 3pm.",
    "We looked at a competitor, another tool.",
    "Sure.",
    "So why now? Tell me more.",
    "The timeline is the end of the quarter.",
    "Follow-up by email, then a decision maker call.",
)
NAMES = load_reps({"ana": "Ana Rep"})
WORDS, TRACKERS, TARGETS = load_words(), load_trackers(), Targets()

Cue = tuple[str, int, int, str]


@st.composite
def calls(draw: st.DrawFn) -> list[Cue]:
    """Cues in time order, never overlapping, the rep speaking at least once."""
    count = draw(st.integers(1, 25))
    cues: list[Cue] = []
    at = draw(st.integers(0, 5000))
    for _ in range(count):
        at += draw(st.integers(0, 3000))
        length = draw(st.integers(1, 60_000))
        said = " ".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3)))
        cues.append((draw(st.sampled_from(SPEAKERS)), at, at + length, said))
        at += length
    if not any(s in ("Ana Rep", "ana  rep") for s, *_ in cues):
        index = draw(st.integers(0, len(cues) - 1))
        cues[index] = ("Ana Rep", *cues[index][1:])
    return cues


def vtt(cues: list[Cue]) -> str:
    """A WebVTT file of these cues, in the order given."""
    blocks = [f"{clock(a)} --> {clock(b)}\n<v {s}>{t}</v>\n" for s, a, b, t in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


@given(calls())
def test_talk_shares_sum_to_one_over_speakers(cues: list[Cue]) -> None:
    """Every speaker's share of the talk adds up to one; the rep's share is the talk ratio."""
    transcript = _vtt.parse("x.vtt", vtt(cues), None)
    talk = talk_seconds(transcript)
    total = sum(talk.values())
    assert math.isclose(sum(v / total for v in talk.values()), 1.0)
    call = measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    rep = sum(v for s, v in talk.items() if " ".join(s.lower().split()) == "ana rep")
    assert math.isclose(call.talk_ratio, rep / total)
    assert math.isclose(call.rep_talk_seconds + call.buyer_talk_seconds, total)
    assert 0.0 <= call.talk_ratio <= 1.0
    assert call.longest_monologue_seconds <= call.duration_seconds
    assert call.open_questions <= call.questions
    assert call.discovery_questions <= call.questions
    assert 0.0 <= call.score <= 5.0


@given(calls(), st.randoms(use_true_random=False))
def test_cue_order_in_the_file_changes_nothing(cues: list[Cue], random: object) -> None:
    """Shuffling the cues of a file gives the same transcript and metrics, VTT or JSON."""
    shuffled = list(cues)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    ordered = _vtt.parse("x.vtt", vtt(cues), None)
    assert _vtt.parse("x.vtt", vtt(shuffled), None) == ordered
    segments = ",\n".join(
        f'{{"speaker": "{s}", "start": {a / 1000}, "end": {b / 1000}, "text": "{t}"}}'
        for s, a, b, t in shuffled
    )
    from_json = _json.parse("x.vtt", f"[\n{segments}\n]", None)
    assert (from_json.starts, from_json.speakers, from_json.texts) == (
        ordered.starts,
        ordered.speakers,
        ordered.texts,
    )
    first = measure(ordered, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    second = measure(from_json, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert first == second


def _srt_text(cues: list[Cue]) -> str:
    """A SubRip file of these cues ('Name: text'; an empty name writes the text alone)."""
    blocks = [
        f"{n}\n{clock(a).replace('.', ',')} --> {clock(b).replace('.', ',')}\n"
        f"{f'{s}: ' if s else ''}{t}\n"
        for n, (s, a, b, t) in enumerate(cues, 1)
    ]
    return "\n".join(blocks)


def _said(transcript: Any) -> tuple[tuple[Any, ...], ...]:
    """A transcript's cues without the lines they came from: starts, ends, speakers, texts."""
    return transcript.starts, transcript.ends, transcript.speakers, transcript.texts


_EMPTY_TEXTS = st.sampled_from(["", " ", "<v Bo Buyer></v>", "<i></i>"])


@given(calls(), st.data())
def test_cues_without_words_change_nothing(cues: list[Cue], data: st.DataObject) -> None:
    """A cue or segment with no words (as Zoom and Teams write some) is silence: a call
    with such cues anywhere reads and measures as the call without them, in WebVTT,
    SubRip and JSON; the call's other cues are never lost (it used to be refused)."""
    with_empty = list(cues)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(with_empty)))
        start = data.draw(st.integers(0, 200_000))
        length = data.draw(st.integers(0, 5_000))
        text = data.draw(_EMPTY_TEXTS)
        with_empty.insert(at, ("", start, start + length, text))
    blocks = [
        f"{clock(a)} --> {clock(b)}\n{f'<v {s}>{t}</v>' if s else t}\n" for s, a, b, t in with_empty
    ]
    plain = _vtt.parse("x.vtt", vtt(cues), None)
    from_vtt = _vtt.parse("x.vtt", "WEBVTT\n\n" + "\n".join(blocks), None)
    assert _said(from_vtt) == _said(plain)
    srt_cues = [
        (s, a, b, t if s else t.replace("<v Bo Buyer></v>", "")) for s, a, b, t in with_empty
    ]
    assert _said(_srt.parse("x.srt", _srt_text(srt_cues), None)) == _said(plain)
    segments = [
        {"speaker": s or None, "start": a / 1000, "end": b / 1000, "text": "" if not s else t}
        for s, a, b, t in with_empty
    ]
    from_json = _json.parse("x.vtt", json.dumps(segments, indent=1), None)
    assert (from_json.starts, from_json.speakers, from_json.texts) == (
        plain.starts,
        plain.speakers,
        plain.texts,
    )
    assert measure(from_json, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS) == measure(
        plain, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS
    )


@given(calls())
def test_the_fast_reader_agrees_with_the_careful_one(cues: list[Cue]) -> None:
    """Whenever the bulk reader accepts a file, it reads exactly what the careful one does."""
    text = vtt(cues)
    fast = _vtt._fast("x.vtt", text, None)
    if "  " not in text:  # runs of spaces are left to the careful reader
        assert fast is not None
    if fast is not None:
        assert fast == _vtt._careful("x.vtt", text, None)


@given(calls())
def test_the_fast_json_reader_agrees_with_the_careful_one(cues: list[Cue]) -> None:
    """JSON segments in time order are read in one go, exactly as the careful reader does."""
    segments = [
        {"speaker": s, "start": a / 1000, "end": b / 1000, "text": t} for s, a, b, t in cues
    ]
    for text in (json.dumps(segments, indent=1), json.dumps({"segments": segments})):
        fast = _json._fast("x.json", text, None)
        assert fast is not None
        assert fast == _json._careful("x.json", text, None)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(calls(), min_size=1, max_size=6), st.integers(0, 6))
def test_tracker_counts_add_up_over_calls(
    tmp_path_factory: object, corpus: list[list[Cue]], split: int
) -> None:
    """A rep's tracker totals are the sum over their calls, however the calls are grouped."""
    root = tmp_path_factory.mktemp("calls")  # type: ignore[attr-defined]
    for index, cues in enumerate(corpus):
        folder = root / ("a" if index < split else "b")
        folder.mkdir(exist_ok=True)
        (folder / f"2026-07-{index + 1:02d}_call.vtt").write_text(vtt(cues), encoding="utf-8")
    whole = read_calls(root, reps={"ana": "Ana Rep"}, period="2026-07")
    (rep,) = whole.reps
    totals = {t.name: (t.rep, t.buyer) for t in rep.trackers}
    per_call = [{t.name: (t.rep, t.buyer) for t in call.trackers} for call in whole.calls]
    assert totals == {
        name: (sum(c[name][0] for c in per_call), sum(c[name][1] for c in per_call))
        for name in totals
    }
    parts = [
        read_calls(root / part, reps={"ana": "Ana Rep"}, period="2026-07").reps[0]
        for part in ("a", "b")
        if (root / part).is_dir()
    ]
    summed = {
        name: (
            sum(t.rep for p in parts for t in p.trackers if t.name == name),
            sum(t.buyer for p in parts for t in p.trackers if t.name == name),
        )
        for name in totals
    }
    assert summed == totals
    assert sum(p.calls for p in parts) == rep.calls == len(corpus)


def test_tracker_count_of_joined_texts_is_the_sum() -> None:
    """Counting two texts joined with a full stop between them is counting each alone."""
    first, second = "the price and pricing, next step", "Budget? next-step; CFO's call"
    joined = TRACKERS.count(f"{first}. {second}")
    alone = [a + b for a, b in zip(TRACKERS.count(first), TRACKERS.count(second), strict=True)]
    assert list(joined) == alone
    assert dict(zip(TRACKERS.names, joined, strict=True))["next_step"] == 2


def test_generated_calls_are_readable(tmp_path: Path) -> None:
    """The strategy's files are valid transcripts (guards the property tests themselves)."""
    path = tmp_path / "2026-07-01_x.vtt"
    path.write_text(vtt([("Ana Rep", 0, 1000, SENTENCES[0])]), encoding="utf-8")
    assert read_calls(tmp_path, reps={"ana": "Ana Rep"}, period="2026-07").reps[0].calls == 1
