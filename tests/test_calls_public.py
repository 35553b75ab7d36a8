"""Real public transcript files (trimmed, in tests/data/calls_public, see its README)."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model.metrics import Targets
from gapdiag.sources.calls._utterances import _ASSEMBLYAI, _DEEPGRAM, REV, by_word_speaker
from gapdiag.sources.calls.cues import UNNAMED, TranscriptError
from gapdiag.sources.calls.measure import measure
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.transcript import read_transcript
from gapdiag.sources.calls.vocab import load_trackers, load_words

PUBLIC = Path(__file__).parent / "data" / "calls_public"


def test_deepgram_words_of_another_speaker_inside_an_utterance_are_theirs() -> None:
    """Deepgram (nova-3) can file the caller's 'No. That's all I needed.' under the agent's
    utterance (`speaker` 0) while each word says speaker 1: the words' speakers decide, so
    the agent's talk is not inflated by the caller's."""
    name = "2025-07-16_deepgram_nova3.json"
    transcript = read_transcript(PUBLIC / name, name=name)
    assert transcript.speakers == (
        "Speaker 1",
        "Speaker 0",
        "Speaker 1",
        "Speaker 0",
        "Speaker 1",
    )
    assert transcript.texts[1] == "Not a problem. Is there anything else I can help you with?"
    assert transcript.texts[2] == "No. That's all I needed."
    assert transcript.texts[4] == "Yep. You too. Bye. Bye."
    assert (transcript.starts[2], transcript.ends[2]) == (455982, 457422)
    metrics = measure(
        transcript,
        load_reps({"tom": "Speaker 0"}),
        words=load_words(),
        trackers=load_trackers(),
        targets=Targets(),
    )
    assert metrics.rep_talk_seconds == pytest.approx(2.0 + 2.80002, abs=0.002)
    assert metrics.buyer_talk_seconds == pytest.approx(1.51998 + 1.44 + 2.16, abs=0.002)


WORD = st.fixed_dictionaries(
    {"speaker": st.integers(0, 2), "punctuated_word": st.sampled_from(["Yes.", "no", "OK?"])}
)


@given(st.lists(WORD, min_size=1, max_size=12))
def test_split_utterances_keep_every_word_in_order_and_alternate(
    words: list[dict[str, Any]],
) -> None:
    """Split by the words' speakers, no word is lost or moved and no two runs side by side
    are one speaker's; a run lasts from its first word's start to its last word's end."""
    timed = [{**w, "start": i * 1.0, "end": i + 0.5} for i, w in enumerate(words)]
    item = {"speaker": 0, "start": 0.0, "end": len(words), "transcript": "x", "words": timed}
    pieces = by_word_speaker(_DEEPGRAM, item)
    if len({w["speaker"] for w in words}) == 1:
        assert pieces == [item]
        return
    assert " ".join(p["transcript"] for p in pieces) == " ".join(
        w["punctuated_word"] for w in words
    )
    assert all(a["speaker"] != b["speaker"] for a, b in pairwise(pieces))
    assert pieces[0]["start"] == 0.0
    assert pieces[-1]["end"] == len(words) - 1 + 0.5


@pytest.mark.parametrize(
    "word",
    [
        {"word": "no", "start": 1.0, "end": 1.2},  # no speaker
        {"word": "no", "speaker": True, "start": 1.0, "end": 1.2},
        {"word": " ", "speaker": 1, "start": 1.0, "end": 1.2},  # no text
        {"word": "no", "speaker": 1, "start": "1.0", "end": 1.2},
        "no",
    ],
)
def test_an_utterance_with_a_word_not_well_formed_is_kept_whole(word: object) -> None:
    """One word without a speaker, text or numeric times: the utterance stays as Deepgram
    filed it (its own speaker and times), nothing guessed."""
    first = {"word": "yes", "speaker": 0, "start": 0.5, "end": 0.9}
    item = {"speaker": 0, "start": 0.5, "end": 1.2, "transcript": "yes no", "words": [first, word]}
    assert by_word_speaker(_DEEPGRAM, item) == [item]


def test_assemblyai_words_split_too_and_rev_is_left_alone() -> None:
    """AssemblyAI's words carry their speaker (and 'text', milliseconds) as Deepgram's do;
    a shape whose words carry none (Rev's elements) is never split."""
    words = [
        {"text": "Right?", "start": 100, "end": 400, "speaker": "A"},
        {"text": "Yes.", "start": 500, "end": 700, "speaker": "B"},
    ]
    item = {"speaker": "A", "start": 100, "end": 700, "text": "Right? Yes.", "words": words}
    assert by_word_speaker(_ASSEMBLYAI, item) == [
        {"speaker": "A", "start": 100, "end": 400, "text": "Right?"},
        {"speaker": "B", "start": 500, "end": 700, "text": "Yes."},
    ]
    assert by_word_speaker(REV, item) == [item]


def test_google_meet_captions_name_the_speaker_in_parentheses() -> None:
    """Google Meet's recording captions (.vtt): each cue opens with '(Name)' on a line of
    its own, and a second speaker in the same four seconds follows a '-' line and a line
    of one space (not legal WebVTT: a blank line ends a cue). Both voices are read, each
    under its name, sharing the cue's time by the length of what they said."""
    name = "2024-05-01_google_meet_captions.vtt"
    transcript = read_transcript(PUBLIC / name, name=name)
    assert transcript.speakers == ("DF", "DF", "DF", "DB", "DF", "DB")
    assert transcript.texts[2:4] == ("background?", "pickle wise or lifewise")
    assert transcript.texts[-1] == "or buggy"
    assert (transcript.starts[0], transcript.ends[-1]) == (8000, 24000)
    assert transcript.ends[2] == transcript.starts[3]


def test_a_meet_file_keeps_its_line_numbers_and_captions_with_sounds_are_not_meet(
    tmp_path: Path,
) -> None:
    """Reading Meet's layout moves no line: a bad timing line is named where it is. A
    caption file where only some cues open with '(laughs)' is not Meet's: no one is
    named 'laughs': its cues are no one's, as in any captions."""
    meet = (PUBLIC / "2024-05-01_google_meet_captions.vtt").read_text(encoding="utf-8")
    broken = tmp_path / "2024-05-02_meet.vtt"
    broken.write_text(meet.replace("00:00:20.000 --> 00", "00:00:20.000 -> 00"), "utf-8")
    with pytest.raises(TranscriptError, match=r"2024-05-02_meet\.vtt:19: \(text\)"):
        read_transcript(broken, name=broken.name)
    sounds = tmp_path / "2024-05-03_captions.vtt"
    sounds.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n(laughs)\nThat is fair.\n\n"
        "00:00:03.000 --> 00:00:05.000\nSo what is next?\n",
        encoding="utf-8",
    )
    captions = read_transcript(sounds, name=sounds.name)
    assert set(captions.speakers) == {UNNAMED}
    assert captions.texts[0] == "(laughs) That is fair."


def test_webex_snippets_end_their_duration_after_their_offset() -> None:
    """Webex's API lists a transcript as snippets: 'personName', 'offsetMillisecond' and
    'durationMillisecond' (milliseconds); each is its speaker's, from its offset for its
    duration."""
    name = "2026-07-29_webex_snippets.json"
    transcript = read_transcript(PUBLIC / name, name=name)
    assert transcript.speakers == ("Dana Reyes", "Lena Ortiz", "Dana Reyes")
    assert transcript.starts == (1200, 6400, 10500)
    assert transcript.ends == (6000, 10000, 13500)


def test_a_webex_snippet_without_its_duration_is_read_and_one_not_an_object_refused(
    tmp_path: Path,
) -> None:
    """No 'durationMillisecond': the snippet's end is inferred, as for any utterance
    without one; a snippet that is no object is refused, naming it."""
    doc = json.loads((PUBLIC / "2026-07-29_webex_snippets.json").read_text(encoding="utf-8"))
    del doc["items"][1]["durationMillisecond"]
    short = tmp_path / "2026-07-29_short.json"
    short.write_text(json.dumps(doc), encoding="utf-8")
    transcript = read_transcript(short, name=short.name)
    assert transcript.speakers[1] == "Lena Ortiz"
    assert transcript.starts[1] < transcript.ends[1] <= transcript.starts[2]
    doc["items"].append("no snippet")
    bad = tmp_path / "2026-07-29_bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TranscriptError, match=r"items\[3\]: is str, expected an object"):
        read_transcript(bad, name=bad.name)


def test_deepgram_made_without_utterances_is_read_by_its_words_speakers(
    tmp_path: Path,
) -> None:
    """Deepgram with diarize=true but not utterances=true (its playground's and many
    clients' default) has no 'utterances', yet every word of the channel names its
    speaker: the call is read by runs of one speaker's words, the same turns as above."""
    name = "2025-07-16_deepgram_nova3.json"
    doc = json.loads((PUBLIC / name).read_text(encoding="utf-8"))
    del doc["results"]["utterances"]
    words_only = tmp_path / "2025-07-16_deepgram_words.json"
    words_only.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    transcript = read_transcript(words_only, name=words_only.name)
    by_utterances = read_transcript(PUBLIC / name, name=name)
    assert transcript.speakers == by_utterances.speakers
    assert transcript.texts == by_utterances.texts
    assert (transcript.starts, transcript.ends) == (by_utterances.starts, by_utterances.ends)


def test_deepgram_words_without_speakers_are_still_refused(tmp_path: Path) -> None:
    """Words without 'speaker' (diarize off): no one is named, so the one error says to
    export with utterances=true and diarize=true, as before."""
    doc = json.loads((PUBLIC / "2025-07-16_deepgram_nova3.json").read_text(encoding="utf-8"))
    del doc["results"]["utterances"]
    for word in doc["results"]["channels"][0]["alternatives"][0]["words"]:
        del word["speaker"]
    plain = tmp_path / "2025-07-16_plain.json"
    plain.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TranscriptError, match="utterances=true and diarize=true"):
        read_transcript(plain, name=plain.name)


@pytest.mark.parametrize("change", ["no words", "two channels"])
def test_deepgram_without_utterances_and_no_words_or_two_channels_is_refused(
    tmp_path: Path, change: str
) -> None:
    """No words to read, or two channels (whose words would have to be interleaved): the
    file is refused with the one error saying what to export, never read in part."""
    doc = json.loads((PUBLIC / "2025-07-16_deepgram_nova3.json").read_text(encoding="utf-8"))
    del doc["results"]["utterances"]
    channels = doc["results"]["channels"]
    if change == "no words":
        channels[0]["alternatives"][0]["words"] = []
    else:
        channels.append(channels[0])
    path = tmp_path / "2025-07-16_changed.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(TranscriptError, match="utterances=true and diarize=true"):
        read_transcript(path, name=path.name)
