"""Real transcript exports (reproduced in tests/data/calls_real, see its README) read right."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.cli import main
from gapdiag.model.metrics import Targets
from gapdiag.sources.calls import _json, _text, _vtt
from gapdiag.sources.calls.cues import TRIM_MS, UNNAMED, TranscriptError, clock
from gapdiag.sources.calls.measure import MAX_UNATTRIBUTED, CallMetrics, measure, talk_seconds
from gapdiag.sources.calls.report import read_calls
from gapdiag.sources.calls.speakers import load_reps, speaker_key
from gapdiag.sources.calls.transcript import read_transcript
from gapdiag.sources.calls.vocab import load_trackers, load_words

REAL = Path(__file__).parent / "data" / "calls_real"
REPS = REAL / "reps.yaml"
NAMES = load_reps(REPS)
WORDS, TRACKERS, TARGETS = load_words(), load_trackers(), Targets()


def call(name: str) -> CallMetrics:
    """The metrics of one real file, Dana Reyes the rep."""
    transcript = read_transcript(REAL / name, name=name)
    return measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)


def refusal(name: str) -> str:
    """The one-line reason a real file is skipped."""
    with pytest.raises(TranscriptError) as caught:
        call(name)
    return str(caught.value)


def test_zoom_cues_without_a_name_count_for_nobody() -> None:
    """Zoom's unnamed cues are unattributed: the file is read, their time is neither side's."""
    zoom = call("GMT20260714-153000_Recording.transcript.vtt")
    assert zoom.rep_id == "dana.reyes"
    assert zoom.date is not None
    assert zoom.date.isoformat() == "2026-07-14"
    assert zoom.unattributed_seconds == pytest.approx(2.35 + 3.92)
    assert zoom.rep_talk_seconds == pytest.approx(3.04 + 6.22 + 4.78 + 2.29 + 8.24)
    assert zoom.talk_ratio == pytest.approx(
        zoom.rep_talk_seconds / (zoom.rep_talk_seconds + zoom.buyer_talk_seconds)
    )
    assert zoom.dated_next_step is True


def test_teams_export_with_crosstalk_and_loose_voice_tags() -> None:
    """Teams: GUID ids, a voice without </v>, two-line cues, crosstalk, names in other case."""
    teams = call("2026-07-15_teams_acme.vtt")
    assert teams.rep_id == "dana.reyes"
    # Dana's cues (crosstalk "Mm-hmm" included) and Marco's, each counted for its speaker.
    assert teams.rep_talk_seconds == pytest.approx(2.64 + 8.54 + 1.3 + 4.65 + 7.6)
    assert teams.buyer_talk_seconds == pytest.approx(2.5 + 11.4 + 5.6)
    assert teams.duration_seconds == pytest.approx(46.7 - 1.48)
    assert teams.questions == 2


def test_teams_vtt_text_is_read_without_tags_or_entities() -> None:
    """A voice without </v> runs to the cue's end; entities are decoded."""
    transcript = read_transcript(REAL / "2026-07-15_teams_acme.vtt")
    assert transcript.speakers[1:4] == ("Marco Bianchi", "dana reyes", "Marco Bianchi")
    assert transcript.texts[3].endswith("we still miss the deals that are stuck.")
    assert "sales ops lead & the CFO" in transcript.texts[6]


def test_two_voices_in_one_cue_share_its_time() -> None:
    """A cue with two voices becomes two cues whose times fill it, by length of text."""
    transcript = read_transcript(REAL / "2026-07-16_teams_two_voices.vtt")
    assert transcript.speakers == ("Dana Reyes", "Priya Nair", "Dana Reyes", "Priya Nair")
    assert transcript.starts[1:3] == (4200, transcript.ends[1])
    assert transcript.ends[2] == 8200
    assert transcript.texts[1:3] == ("Fewer surprises.", "Understood.")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-07-17_youtube_auto.vtt", "no cue names its speaker (captions"),
        ("2026-07-22_whisper.json", "no cue names its speaker (captions"),
        ("2026-07-20_whisperx.json", "no rep speaker among SPEAKER_00, SPEAKER_01 (the speakers"),
        ("2026-07-23_assemblyai.json", "no rep speaker among A, B (the speakers are unnamed"),
        ("2026-07-25_deepgram.json", "no rep speaker among Speaker 0, Speaker 1 (the speakers"),
    ],
)
def test_unusable_exports_say_why_in_one_line(name: str, expected: str) -> None:
    """Exports without named speakers, or of shapes not read, are refused with the reason."""
    message = refusal(name)
    assert expected in message
    assert message.startswith(name)
    assert "\n" not in message


def test_whisperx_named_reads_and_leaves_the_speakerless_segment_out() -> None:
    """WhisperX with labels replaced by names: the segment without a speaker is unattributed."""
    whisperx = call("2026-07-21_whisperx_named.json")
    assert whisperx.unattributed_seconds == pytest.approx(0.7)
    assert whisperx.rep_talk_seconds == pytest.approx(3.381 + 5.7)
    assert whisperx.buyer_talk_seconds == pytest.approx(2.45)


def test_assemblyai_times_are_milliseconds_and_deepgram_seconds() -> None:
    """AssemblyAI's times are read as ms, Deepgram's as seconds: both calls last seconds."""
    assembly = call("2026-07-24_assemblyai_named.json")
    assert assembly.duration_seconds == pytest.approx(23.65)
    assert assembly.rep_talk_seconds == pytest.approx(2.95 + 7.1)
    deepgram = read_transcript(REAL / "2026-07-25_deepgram.json")
    assert (deepgram.starts[0], deepgram.ends[-1]) == (250, 14200)
    assert deepgram.texts[0] == "Hi Lena, thanks for joining."


def test_rev_monologues_run_from_first_to_last_word() -> None:
    """Rev: a monologue spans its words' ts..end_ts (seconds), said by speaker_name; words
    and punctuation elements join into the sentence as said."""
    rev = read_transcript(REAL / "2026-07-27_rev.json")
    assert rev.speakers == ("Dana Reyes", "Lena Ortiz") * 3
    assert (rev.starts[0], rev.ends[0]) == (250, 4750)
    assert (
        rev.texts[0] == "Thanks for joining, Lena. What does your forecast process look like today?"
    )
    found = call("2026-07-27_rev.json")
    assert found.questions == 3
    assert found.dated_next_step


def test_amazon_transcribe_words_make_cues_and_the_rep_introduces_herself() -> None:
    """Transcribe: a run of one label's words is a cue (first start to last end, punctuation
    on the word before); the labels are spk_0/spk_1, and spk_0 says 'this is Dana Reyes'."""
    aws = read_transcript(REAL / "2026-07-26_aws_transcribe.json")
    assert aws.speakers == ("spk_0", "spk_1") * 4
    assert (aws.starts[0], aws.ends[0]) == (250, 4870)
    assert aws.texts[0] == "Hi Lena, this is Dana Reyes from Acme. Thanks for making the time."
    found = call("2026-07-26_aws_transcribe.json")
    assert found.rep_id == "dana.reyes"
    assert found.dated_next_step


def test_fathom_items_start_at_their_timestamps_and_run_to_the_next(tmp_path: Path) -> None:
    """Fathom: each item's 'timestamp' (HH:MM:SS) is its start, its end the next item's
    start; the speaker is the display name; an item without words is silence; the call is
    dated by its recording's start."""
    fathom = read_transcript(REAL / "2026-07-30_fathom.json")
    assert fathom.speakers == ("Dana Reyes", "Lena Ortiz") * 3
    assert fathom.starts == (1000, 6000, 19000, 23000, 28000, 35000)
    assert fathom.ends[:5] == (6000, 19000, 23000, 28000, 35000)  # the empty item: silence
    assert fathom.date == dt.date(2026, 7, 30)
    undated = tmp_path / "fathom.json"  # no date in the name: the recording's start dates it
    undated.write_bytes((REAL / "2026-07-30_fathom.json").read_bytes())
    assert read_transcript(undated).date == dt.date(2026, 7, 30)
    found = call("2026-07-30_fathom.json")
    assert (found.questions, found.open_questions) == (3, 2)  # "Could we set up...?" is closed
    assert found.dated_next_step


def test_the_whole_folder_reads_every_usable_call() -> None:
    """With crosstalk counted, every readable export counts once; the others say why not."""
    report = read_calls(REAL, reps=REPS, period="2026-Q3", crosstalk=True)
    assert sorted(c.file for c in report.calls) == [
        "2026-07-15_teams_acme.vtt",
        "2026-07-16_teams_two_voices.vtt",
        "2026-07-21_whisperx_named.json",
        "2026-07-24_assemblyai_named.json",
        "2026-07-26_aws_transcribe.json",
        "2026-07-27_rev.json",
        "2026-07-28_otter.txt",
        "2026-07-30_fathom.json",
        "2026-07-31_zoom_saved_midnight.txt",
        "2026-08-04_webex.vtt",
        "4f9d2c1e-7a3b-4c55-9e0f-2b7d8c6a1f30_analysis_2026-07-31T14_06_12Z.json",
        "GMT20260714-153000_Recording.transcript.vtt",
        "GMT20260729-100000_Recording.transcript.vtt",
    ]
    assert len(report.skipped) == 6  # the Call Analytics agent gives no name: --rep
    assert report.reps[0].calls == 13


CROSSTALK = """WEBVTT

00:00:01.000 --> 00:00:12.000
<v Dana Reyes>Tell me how your managers run their weekly pipeline review today?</v>

00:00:04.000 --> 00:00:09.000
<v Marco Bianchi>Sorry, go on, we do it rep by rep in a spreadsheet.</v>

00:00:12.500 --> 00:00:20.000
<v Marco Bianchi>It takes two hours and we still miss the deals that are stuck.</v>
"""


def test_crosstalk_is_skipped_and_reported_unless_asked_for(tmp_path: Path) -> None:
    """By default two speakers talking over each other skip the call, naming the cue and the
    option; with crosstalk asked for, the call counts."""
    (tmp_path / "2026-07-28_talk_over.vtt").write_text(CROSSTALK, encoding="utf-8")
    report = read_calls(tmp_path, reps=REPS, period="2026-Q3")
    assert not report.calls
    (problem,) = report.skipped
    assert problem.line is not None
    assert problem.message.startswith("starts before the cue on line ")
    assert problem.message.endswith(
        "(overlapping cues: trim them so one person talks at a time, or count each cue "
        "for its own speaker with --crosstalk)"
    )
    assert len(read_calls(tmp_path, reps=REPS, period="2026-Q3", crosstalk=True).calls) == 1


def test_a_turn_handed_over_with_overlapping_edges_is_not_crosstalk() -> None:
    """Teams rounds cue edges: Dana's "Mm-hmm, right." starts half a second before Marco's
    cue ends and runs past it. That is a hand-over: the call is read by default, with the same
    figures as when crosstalk is asked for."""
    default = read_calls(REAL, reps=REPS, period="2026-Q3")
    asked = read_calls(REAL, reps=REPS, period="2026-Q3", crosstalk=True)
    name = "2026-07-15_teams_acme.vtt"
    (teams,) = [c for c in default.calls if c.file == name]
    (same,) = [c for c in asked.calls if c.file == name]
    assert teams == same
    assert name not in {p.file for p in default.skipped}


def write(tmp_path: Path, name: str, data: object) -> Path:
    """A JSON file of `data`."""
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return path


def test_segment_times_in_milliseconds_are_refused(tmp_path: Path) -> None:
    """Segments whose times are ms (read as seconds: a call of days) are refused, not measured."""
    segments = [
        {"speaker": "Dana Reyes", "start": 250, "end": 3200, "text": "Hi."},
        {"speaker": "Lena", "start": 3500, "end": 60_000, "text": "Hello."},
    ]
    path = write(tmp_path, "ms.json", {"segments": segments})
    with pytest.raises(TranscriptError, match=r"ms\.json:3: \(times\): the call runs for 17 hours"):
        read_transcript(path, name="ms.json")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"utterances": None}, "'utterances' is not a list (an AssemblyAI transcript made"),
        ({"results": {"channels": []}}, "'results' has no 'utterances' (a Deepgram transcript"),
        ({"foo": 1, "bar": 2}, "an object with 'foo', 'bar' is not a transcript (expected a list"),
        ({"utterances": [3]}, ":3: utterances[0]: is int, expected an object"),
        (
            {"utterances": [{"speaker": [1], "start": 0, "end": 1, "text": "x"}]},
            "utterances[0].speaker: [1] is not a speaker",
        ),
        (
            {"utterances": [{"speaker": "A", "start": 0, "end": 1, "text": ""}]},
            "(file): has no cue with words in it",
        ),
        (
            {"utterances": [{"speaker": "A", "start": "0", "end": 1, "text": "x"}]},
            "utterances[0].start: '0' is not a time in milliseconds",
        ),
        (
            {"results": {"utterances": [{"speaker": 0, "start": -1, "end": 1, "transcript": "x"}]}},
            "results.utterances[0].start: -1 is negative (seconds from 0)",
        ),
        ({"date": "soon", "utterances": []}, ":1: date: 'soon' is not a date"),
        (
            {"transcript": [{"speaker": {"display_name": 7}, "text": "x", "timestamp": "0:00:01"}]},
            "transcript[0].speaker: {'display_name': 7} is not a speaker",
        ),
        (
            {"transcript": [{"speaker": "Dana", "text": None, "timestamp": "0:00:01"}]},
            "transcript[0].text: null is not text (the words said)",
        ),
        (
            {"transcript": [{"speaker": "Dana", "text": "Hi.", "timestamp": "soon"}]},
            "transcript[0].timestamp: 'soon' is not a time like '00:05:32'",
        ),
        (
            {"transcript": [{"speaker": "Dana", "text": "Hi.", "timestamp": "0:00:01"}, 3]},
            "transcript[1]: 3 is not an object",
        ),
        (
            {"transcript": [{"speaker": "Dana", "timestamp": "0:00:01"}]},
            "transcript[0].text: is missing (expected text (the words said))",
        ),
    ],
)
def test_bad_utterance_files_name_the_line_and_what_was_expected(
    tmp_path: Path, data: object, expected: str
) -> None:
    """Each problem of an utterances file is one error with the file, line and expectation."""
    path = write(tmp_path, "u.json", data)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path, name="u.json")
    assert expected in str(caught.value)
    assert str(caught.value).startswith("u.json")


def test_utterances_may_carry_the_call_date_and_no_speaker(tmp_path: Path) -> None:
    """A 'date' key dates the call; an utterance without a speaker is unattributed."""
    data = {
        "date": "2026-08-01",
        "utterances": [
            {"speaker": "A", "start": 0, "end": 1000, "text": "Hi."},
            {"start": 1000, "end": 1500, "text": "Mm."},
        ],
    }
    transcript = read_transcript(write(tmp_path, "u.json", data))
    assert transcript.date is not None
    assert transcript.date.isoformat() == "2026-08-01"
    assert transcript.speakers == ("A", UNNAMED)


def test_a_call_mostly_without_speakers_is_refused() -> None:
    """Over a quarter of the talk unattributed: refused, since the talk ratio would be a guess."""
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nDana Reyes: Hi there.\n\n"
        "00:00:02.000 --> 00:00:05.000\nHello, who is this?\n"
    )
    transcript = _vtt.parse("z.vtt", text, None)
    with pytest.raises(TranscriptError, match=r"z\.vtt:3: \(speakers\): 60% of the talk is in"):
        measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)


def test_speaker_names_match_across_unicode_forms_and_spaces() -> None:
    """Composed and decomposed accents, non-breaking and doubled spaces, case: one name."""
    assert speaker_key("Jose\u0301\u00a0GARCI\u0301A") == speaker_key("José  García")


Cue = tuple[str, int, int, str]
SPEAKERS = ("Dana Reyes", "Lena Fischer", UNNAMED)


@st.composite
def calls_with_crosstalk(draw: st.DrawFn) -> list[Cue]:
    """Cues where the rep and the buyer may overlap; one speaker's cues never do."""
    cues: list[Cue] = []
    last: dict[str, int] = {}
    at = 0
    for _ in range(draw(st.integers(1, 20))):
        speaker = draw(st.sampled_from(SPEAKERS))
        start = max(at - draw(st.integers(0, 2000)), last.get(speaker, 0))
        end = start + draw(st.integers(1, 30_000))
        cues.append((speaker, start, end, "What is your budget? Sure."))
        last[speaker] = end
        at = max(at, end)
    cues.append(("Dana Reyes", at, at + 1000, "Next step on Friday."))
    return cues


def vtt(cues: list[Cue]) -> str:
    """A WebVTT file of these cues (unnamed ones without a name)."""
    blocks = [f"{clock(a)} --> {clock(b)}\n{f'<v {s}>' if s else ''}{t}\n" for s, a, b, t in cues]
    return "WEBVTT\n\n" + "\n".join(blocks)


@given(calls_with_crosstalk())
def test_talk_is_each_cue_counted_once_for_its_own_side(cues: list[Cue]) -> None:
    """With crosstalk and unnamed cues, each side's talk is the sum of its own cues' times."""
    transcript = _vtt.parse("x.vtt", vtt(cues), None)
    rep = sum(b - a for s, a, b, _ in cues if s == "Dana Reyes") / 1000
    buyer = sum(b - a for s, a, b, _ in cues if s == "Lena Fischer") / 1000
    unnamed = sum(b - a for s, a, b, _ in cues if s == UNNAMED) / 1000
    unnamed_ms = sum(b - a for s, a, b, _ in cues if s == UNNAMED)
    if unnamed_ms > MAX_UNATTRIBUTED * sum(b - a for _, a, b, _ in cues):
        with pytest.raises(TranscriptError, match="cues without a speaker"):
            measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
        return
    metrics = measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert math.isclose(metrics.rep_talk_seconds, rep)
    assert math.isclose(metrics.buyer_talk_seconds, buyer)
    assert math.isclose(metrics.unattributed_seconds, unnamed)
    assert metrics.longest_monologue_seconds <= metrics.duration_seconds
    assert metrics.duration_seconds == (max(b for _, _, b, _ in cues) - cues[0][1]) / 1000
    assert 0.0 <= metrics.talk_ratio <= 1.0


@given(st.lists(st.sampled_from(("Dana Reyes", "Lena Fischer", "Bo")), min_size=1, max_size=5),
       st.integers(1, 100_000))  # fmt: skip
def test_a_cue_of_several_voices_is_split_without_gaps_or_overlap(
    voices: list[str], length: int
) -> None:
    """The pieces of a multi-voice cue tile its time exactly, in the order the voices speak."""
    said = "".join(f"<v {v}>Word {i}.</v>" for i, v in enumerate(voices))
    transcript = _vtt.parse(
        "x.vtt", f"WEBVTT\n\n00:00:01.000 --> {clock(1000 + length)}\n{said}\n", None
    )
    assert transcript.starts[0] == 1000
    assert transcript.ends[-1] == 1000 + length
    assert list(transcript.starts[1:]) == list(transcript.ends[:-1])
    assert len(transcript.speakers) <= len(voices)


def test_json_segments_keep_their_fast_path(tmp_path: Path) -> None:
    """Well-formed named segments are still read in bulk (the careful reader is not needed)."""
    text = json.dumps([{"speaker": "A", "start": 0, "end": 1, "text": "x"}])
    assert _json._fast("x.json", text, None) is not None


def test_zoom_captions_beside_the_transcript_count_the_call_once(tmp_path: Path) -> None:
    """Zoom's .cc.vtt beside the same call's .transcript.vtt is skipped, saying why."""
    zoom = REAL / "GMT20260714-153000_Recording.transcript.vtt"
    (tmp_path / zoom.name).write_bytes(zoom.read_bytes())
    (tmp_path / "GMT20260714-153000_Recording.cc.vtt").write_bytes(zoom.read_bytes())
    (tmp_path / "GMT20260715-090000_Recording.cc.vtt").write_bytes(zoom.read_bytes())
    report = read_calls(tmp_path, reps=REPS, period="2026-Q3")
    assert sorted(c.file for c in report.calls) == [
        "GMT20260714-153000_Recording.transcript.vtt",
        "GMT20260715-090000_Recording.cc.vtt",  # no transcript of that call: read
    ]
    assert [str(p) for p in report.skipped] == [
        "(file): is Zoom's captions of the call in "
        "GMT20260714-153000_Recording.transcript.vtt (read once, there)"
    ]
    assert report.skipped[0].file == "GMT20260714-153000_Recording.cc.vtt"


def test_dashes_before_the_voices_of_a_cue_are_not_a_speaker() -> None:
    """'- <v A>...' (a dash per voice, as subtitles write turns) adds no unattributed talk."""
    text = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\n- <v Dana Reyes>Hi.\n- <v Lena>Hello.\n"
    transcript = _vtt.parse("d.vtt", text, None)
    assert transcript.speakers == ("Dana Reyes", "Lena")
    assert transcript.texts[1] == "Hello."


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"date": "July", "segments": [{"speaker": "A", "start": 0, "end": 1, "text": "x"}]}',
            "s.json:1: date: 'July' is not a date (expected YYYY-MM-DD)",
        ),
        ('{"segments": 3}', "s.json:1: segments: is missing or not a list (expected a list of"),
    ],
)
def test_segment_files_of_the_wrong_shape_say_so(
    tmp_path: Path, content: str, expected: str
) -> None:
    """A bad date or a 'segments' that is not a list is one error naming the key."""
    path = tmp_path / "s.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path, name="s.json")
    assert str(caught.value).startswith(expected)


def test_a_speaker_number_in_segments_is_a_label() -> None:
    """Segments whose speaker is a number (some diarizers) read as 'Speaker N'."""
    text = json.dumps([{"speaker": 1, "start": 0, "end": 1, "text": "Hi."}])
    assert _json.parse("n.json", text, None).speakers == ("Speaker 1",)


def test_the_per_call_csv_shows_unattributed_talk(tmp_path: Path) -> None:
    """`--per-call` has an unattributed_seconds column, so a manager sees what was left out."""
    out, per_call = tmp_path / "calls.csv", tmp_path / "per-call.csv"
    zoom = str(REAL / "GMT20260714-153000_Recording.transcript.vtt")
    status = main(
        ["calls", zoom, "--reps", str(REPS), "--period", "2026-Q3", "--out", str(out),
         "--per-call", str(per_call)]
    )  # fmt: skip
    assert status == 0
    header, row = per_call.read_text(encoding="utf-8").splitlines()[:2]
    column = header.split(",").index("unattributed_seconds")
    assert float(row.split(",")[column]) == pytest.approx(6.27)


def test_one_speakers_small_overlap_is_trimmed_and_counted_once() -> None:
    """Segments of one speaker overlapping by up to a second are trimmed, not refused."""
    text = json.dumps(
        [
            {"speaker": "Dana Reyes", "start": 0.0, "end": 5.02, "text": "Hi there."},
            {"speaker": "Dana Reyes", "start": 4.9, "end": 8.0, "text": "How are you?"},
            {"speaker": "Lena", "start": 8.5, "end": 9.0, "text": "Good."},
        ]
    )
    transcript = _json.parse("w.json", text, None)
    assert transcript.starts == (0, 5020, 8500)
    metrics = measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert metrics.rep_talk_seconds == 8.0


@given(st.integers(1, 5000), st.integers(1, 5000), st.integers(0, 3000))
def test_one_speakers_overlap_is_trimmed_only_up_to_a_second(
    first: int, second: int, overlap: int
) -> None:
    """Overlap <= TRIM_MS (and the later cue outlasting the first) is trimmed; else refused."""
    start = max(first - overlap, 0)
    text = json.dumps(
        [
            {"speaker": "A", "start": 0, "end": first / 1000, "text": "x"},
            {"speaker": "A", "start": start / 1000, "end": (start + second) / 1000, "text": "y"},
        ]
    )
    early, late = sorted([(0, first), (start, start + second)])
    if late[0] >= early[1]:
        return  # no overlap
    if early[1] - late[0] <= TRIM_MS and late[1] > early[1]:
        transcript = _json.parse("o.json", text, None)
        assert transcript.starts == (early[0], early[1])
        assert transcript.ends == (early[1], late[1])
    else:
        with pytest.raises(TranscriptError, match="same speaker"):
            _json.parse("o.json", text, None)


def test_a_labelled_speaker_is_pointed_out_when_no_rep_is_found() -> None:
    """A named buyer and a 'Speaker 1': the hint says the label may be the rep."""
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nSpeaker 1: Hi.\n\n"
        "00:00:01.000 --> 00:00:02.000\nElena: Hello.\n"
    )
    transcript = _vtt.parse("l.vtt", text, None)
    with pytest.raises(TranscriptError) as caught:
        measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert str(caught.value).endswith(
        "no rep speaker among Elena, Speaker 1 (add the rep's name to the reps file; "
        "Speaker 1: an unnamed label, to name if it is the rep)"
    )


def test_a_buyer_known_only_as_speaker_2_is_the_buyer_side() -> None:
    """The rep named, the buyer a label: the call is read, the label on the buyer side."""
    text = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:03.000\nDana Reyes: What matters most to you?\n\n"
        "00:00:03.000 --> 00:00:09.000\nSpeaker 2: Getting the forecast right.\n"
    )
    metrics = measure(
        _vtt.parse("b.vtt", text, None), NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS
    )
    assert (metrics.rep_talk_seconds, metrics.buyer_talk_seconds) == (3.0, 6.0)


@given(calls_with_crosstalk())
def test_without_crosstalk_every_cue_ends_after_the_ones_before(cues: list[Cue]) -> None:
    """Hand-overs aside, a transcript read without crosstalk has cues ending in order, so its
    last cue ends the call (what `Transcript` and the duration rely on)."""
    transcript = _vtt.parse("x.vtt", vtt(cues), None)
    if transcript.crosstalk is None:
        assert list(transcript.ends) == sorted(transcript.ends)


def test_otter_text_unknown_speaker_is_nobody_and_its_footer_no_talk() -> None:
    """Otter: 'Unknown Speaker' is no one (unattributed), the closing 'Transcribed by
    https://otter.ai' is not the buyer's talk, and a lead-in before an open question
    ('Before I show anything, what prompted you...?') leaves it open."""
    otter = call("2026-07-28_otter.txt")
    assert otter.rep_id == "dana.reyes"
    assert otter.unattributed_seconds == 2.0  # 'Sorry, can you mute?' at 0:31 to 0:33
    assert otter.rep_talk_seconds == 5 + 7 + 5 + 5 + 4 + 7
    # Tom's last turn at 1:13: 'Tuesday works. Send the invite.' 5 words at 150 a minute
    assert otter.duration_seconds == 75.0
    assert otter.buyer_talk_seconds == 3 + 16 + 6 + 7 + 6 + 2
    # 'Can you hear me okay?' is courtesy; 'Who else...?' and 'Could we...?' are closed
    assert (otter.questions, otter.open_questions) == (5, 3)
    assert otter.dated_next_step is True


def test_a_zoom_name_with_an_aside_is_pointed_at_the_reps_name(tmp_path: Path) -> None:
    """Zoom display names carry pronouns or a company: 'Dana Reyes (she/her)' is not in the
    reps file, and the skip says which rep's name it is, to add that spelling."""
    path = tmp_path / "2026-07-14_zoom.vtt"
    path.write_text(
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nDana Reyes (she/her): Hi Tom.\n\n"
        "2\n00:00:04.500 --> 00:00:09.000\nTom Becker: Hello, what is on the agenda?\n",
        encoding="utf-8",
    )
    with pytest.raises(TranscriptError) as caught:
        measure(read_transcript(path), NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert str(caught.value).endswith(
        "no rep speaker among Dana Reyes (she/her), Tom Becker ('Dana Reyes (she/her)' is "
        "'Dana Reyes' (dana.reyes) with an aside: give the name as the call spells it"
        " (reps file or --rep ID=NAME))"
    )


def test_zoom_cues_without_words_are_silence_and_the_call_is_read() -> None:
    """A Zoom file saved with its byte-order mark and Windows line ends, with a cue of a
    name and a colon alone and a cue with no text: those two are silence (they used to
    refuse the whole call, or count 'Marco Bianchi:' as someone's words)."""
    zoom = call("GMT20260729-100000_Recording.transcript.vtt")
    assert zoom.rep_id == "dana.reyes"
    assert zoom.unattributed_seconds == 0.0
    assert zoom.rep_talk_seconds == pytest.approx(3.68 + 6.5 + 6.65)
    assert zoom.buyer_talk_seconds == pytest.approx(2.86 + 11.75 + 2.2)
    assert zoom.duration_seconds == pytest.approx(36.1 - 0.42)
    assert zoom.dated_next_step is True


def test_a_first_name_given_for_a_speaker_with_a_full_name_says_so() -> None:
    """`--rep dana=Dana` for calls where she is 'Dana Reyes': the skip line says the
    speaker begins with the name given, and to give it as the call spells it."""
    path = Path(__file__).parent.parent / "examples" / "calls" / "2026-07-08_dana_northwind.vtt"
    with pytest.raises(TranscriptError) as caught:
        measure(
            read_transcript(path), {"dana": "dana"}, words=WORDS, trackers=TRACKERS, targets=TARGETS
        )
    assert str(caught.value).endswith(
        "no rep speaker among Dana Reyes, Priya Nair ('Dana Reyes' begins with the name given"
        " for dana: give the name as the call spells it (reps file or --rep ID=NAME))"
    )


def test_a_clock_timed_call_across_midnight_runs_on_into_the_next_day() -> None:
    """Zoom's saved transcript of a call from 23:58:40 to past midnight: the times after
    00:00 are the next day's, so the call lasts minutes, not a refusal about milliseconds."""
    late = call("2026-07-31_zoom_saved_midnight.txt")
    assert late.rep_id == "dana.reyes"
    transcript = read_transcript(REAL / "2026-07-31_zoom_saved_midnight.txt")
    assert list(transcript.starts) == sorted(transcript.starts)
    assert transcript.starts[5] == 24 * 3_600_000 + 12_000  # 00:00:12 the next day
    assert transcript.starts[0] == (23 * 60 + 58) * 60_000 + 40_000
    assert late.duration_seconds < 5 * 60
    assert late.dated_next_step is True


@given(
    start=st.integers(min_value=0, max_value=86_399) | st.integers(82_800, 86_399),
    gaps=st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=12),
)
def test_clock_times_read_as_the_same_call_wherever_midnight_falls(
    start: int, gaps: list[int]
) -> None:
    """A clock-timed transcript reads to the same call lengths whatever time of day it
    starts at: the entries' offsets from the first are kept across midnight."""
    seconds = [start]
    for gap in gaps:
        seconds.append(seconds[-1] + gap)
    text = "".join(
        f"[{'Dana Reyes' if i % 2 == 0 else 'Marco Bianchi'}] "
        f"{(s // 3600) % 24:02d}:{s // 60 % 60:02d}:{s % 60:02d}\nWe talk about pipeline {i}.\n"
        for i, s in enumerate(seconds)
    )
    transcript = _text.parse("x.txt", text, None)
    first = transcript.starts[0]
    assert [s - first for s in transcript.starts] == [(s - start) * 1000 for s in seconds]


CONTACT_LENS = "4f9d2c1e-7a3b-4c55-9e0f-2b7d8c6a1f30_analysis_2026-07-31T14_06_12Z.json"
CALL_ANALYTICS = "2026-08-03_transcribe_call_analytics.json"


def test_contact_lens_agent_is_the_rep_who_introduces_herself() -> None:
    """Amazon Connect Contact Lens: roles, no names; the agent says 'my name is Dana Reyes'
    in the opening, so the agent's turns are Dana's and the customer's the buyer's."""
    lens = call(CONTACT_LENS)
    assert lens.rep_id == "dana.reyes"
    assert lens.date == dt.date(2026, 7, 31)
    assert lens.rep_talk_seconds == pytest.approx(3.9 + 4.1 + 5.2 + 5.2)
    assert lens.buyer_talk_seconds == pytest.approx(5.7 + 11.8 + 8.9 + 2.2)
    assert lens.unattributed_seconds == 0
    assert lens.dated_next_step is True


def test_call_analytics_agent_who_gives_no_name_is_named_by_rep_agent(tmp_path: Path) -> None:
    """Transcribe Call Analytics: the agent never says her name, so the call is skipped with
    what to pass; `--rep dana.reyes=Agent` (a folder of one rep's calls) reads it."""
    assert refusal(CALL_ANALYTICS).endswith(
        "no rep speaker among Agent, Customer (Agent: the agent of an Amazon Connect or "
        "Transcribe Call Analytics call, named nowhere in the file: pass --rep ID=Agent, "
        "or list Agent under the rep in the reps file, for a folder of that rep's calls)"
    )
    transcript = read_transcript(REAL / CALL_ANALYTICS)
    named = measure(
        transcript,
        load_reps({"dana.reyes": "Agent"}),
        words=WORDS,
        trackers=TRACKERS,
        targets=TARGETS,
    )
    assert named.rep_id == "dana.reyes"
    assert named.rep_talk_seconds == pytest.approx(3.2 + 4.2 + 5.4)
    out = tmp_path / "calls.csv"
    code = main(
        [
            "calls",
            str(REAL / CALL_ANALYTICS),
            "--rep",
            "dana.reyes=Agent",
            "--period",
            "2026-Q3",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    assert "dana.reyes" in out.read_text(encoding="utf-8")


def _lens(turns: list[dict[str, object]], **extra: object) -> str:
    return json.dumps(
        {
            "Version": "1.1.0",
            "Participants": [
                {"ParticipantId": "c-1", "ParticipantRole": "CUSTOMER"},
                {"ParticipantId": "a-1", "ParticipantRole": "AGENT"},
            ],
            "Transcript": turns,
            **extra,
        },
        indent=2,
    )


def test_broken_contact_lens_items_say_which_item_field_and_value() -> None:
    """A turn of a participant the file does not list is one line naming it; a turn with
    an unusable time is left out alone and counted."""
    good = {
        "ParticipantId": "a-1",
        "Content": "Hello.",
        "BeginOffsetMillis": 0,
        "EndOffsetMillis": 900,
    }
    stray = {**good, "ParticipantId": "x-9", "BeginOffsetMillis": 1000, "EndOffsetMillis": 2000}
    with pytest.raises(TranscriptError) as caught:
        _json.parse("cl.json", _lens([good, stray]), None)
    assert str(caught.value) == (
        "cl.json:20: Transcript[1].ParticipantId: 'x-9' is not a participant of the call "
        "(expected one of 'c-1', 'a-1' from Participants)"
    )
    late = {**good, "BeginOffsetMillis": "1.5s", "EndOffsetMillis": 2000}
    read = _json.parse("cl.json", _lens([good, late]), None)
    assert read.untimed == 1
    assert read.speakers == ("Agent",)
    backwards = {**good, "BeginOffsetMillis": 3000, "EndOffsetMillis": 2000}
    with pytest.raises(TranscriptError) as caught:
        _json.parse("cl.json", _lens([backwards]), None)
    assert str(caught.value).endswith(
        "Transcript[0].EndOffsetMillis: 2000 is not after BeginOffsetMillis 3000"
    )
    with pytest.raises(TranscriptError) as caught:
        _json.parse("cl.json", _lens([{**good, "Content": None}]), None)
    assert "Transcript[0].Content: null is not text" in str(caught.value)


@given(
    st.lists(
        st.tuples(st.sampled_from(["a-1", "c-1"]), st.integers(1, 60_000), st.integers(0, 5_000)),
        min_size=1,
        max_size=20,
    )
)
def test_contact_lens_talk_is_each_roles_turns_summed(turns: list[tuple[str, int, int]]) -> None:
    """Whatever the turns, the agent's talk is the sum of the AGENT turns' lengths and the
    customer's the sum of the CUSTOMER turns'."""
    items, at = [], 0
    for who, length, gap in turns:
        at += gap
        items.append(
            {
                "ParticipantId": who,
                "Content": "We talk.",
                "BeginOffsetMillis": at,
                "EndOffsetMillis": at + length,
            }
        )
        at += length
    transcript = _json.parse("cl.json", _lens(items), None)
    talk = talk_seconds(transcript)
    for role, who in (("Agent", "a-1"), ("Customer", "c-1")):
        expected = sum(length for w, length, _ in turns if w == who) / 1000
        assert talk.get(role, 0) == pytest.approx(expected)


def test_webex_cue_identifiers_name_the_speaker() -> None:
    """Webex: each cue's identifier is its number, the speaker's name in quotes and an id
    (`1 "Dana Reyes" (3184502912)`), the text plain; a cue over two lines is one turn."""
    webex = call("2026-08-04_webex.vtt")
    assert webex.rep_id == "dana.reyes"
    assert webex.rep_talk_seconds == pytest.approx(4.32 + 4.44 + 5.32 + 5.24)
    assert webex.buyer_talk_seconds == pytest.approx(4.27 + 10.46 + 8.38 + 1.6)
    assert webex.unattributed_seconds == 0
    transcript = read_transcript(REAL / "2026-08-04_webex.vtt")
    assert transcript.texts[3].endswith("only found out in the last week of the quarter.")


@pytest.mark.parametrize(
    ("identifier", "text", "speaker"),
    [
        ('1 "Dana Reyes" (3184502912)', "Hello there.", "Dana Reyes"),
        ('12 "Dana Reyes"', "Hello there.", "Dana Reyes"),
        ('3 "Dana Reyes" (3184502912)', "Dana Reyes: Hello there.", "Dana Reyes"),
        ('3 "Dana Reyes" (3184502912)', "Note: hello there.", "Dana Reyes"),
        ("intro", "Hello there.", UNNAMED),
        ('4 "  " (3184502912)', "Hello there.", UNNAMED),
        ('3 "Dana Reyes" (3184502912)', "<v Marco Bianchi>Hello there.", "Marco Bianchi"),
    ],
)
def test_a_cue_identifier_names_the_speaker_only_in_webex_form(
    identifier: str, text: str, speaker: str
) -> None:
    """Only a number, a quoted name and an optional id in parentheses names the speaker;
    the name is of the whole text (its 'Note:' stays talk), a voice tag wins over it."""
    vtt = f"WEBVTT\n\n{identifier}\n00:00:00.000 --> 00:00:02.000\n{text}\n"
    transcript = _vtt.parse("w.vtt", vtt, None)
    assert transcript.speakers == (speaker,)
    assert transcript.texts[0].endswith("ello there.")


def test_a_contact_lens_chat_or_a_turn_without_times_says_so() -> None:
    """A Contact Lens chat is no call; a first turn without its times is named, not 'not
    a transcript'."""
    chat = {"ParticipantId": "a-1", "Content": "Hi, how can I help?", "Type": "MESSAGE"}
    with pytest.raises(TranscriptError) as caught:
        _json.parse("chat.json", _lens([chat], Channel="CHAT"), None)
    assert str(caught.value) == "chat.json:1: Channel: 'CHAT' is a chat's transcript, not a call's"
    with pytest.raises(TranscriptError) as caught:
        _json.parse("cl.json", _lens([chat]), None)
    assert str(caught.value) == (
        "cl.json:14: Transcript[0].BeginOffsetMillis: is missing (expected whole "
        "milliseconds from the recording's start)"
    )


_WORDS = st.text(alphabet="abcdefghij ,.?:", min_size=1, max_size=30).filter(
    lambda t: any(c.isalpha() for c in t)
)


@given(
    st.lists(
        st.tuples(st.sampled_from(["Dana Reyes", "Marco Bianchi", "Lee"]), _WORDS),
        min_size=1,
        max_size=8,
    )
)
def test_every_webex_cue_is_its_identifiers_speakers(turns: list[tuple[str, str]]) -> None:
    """Whatever the plain text says (colons included), each Webex cue is the speaker its
    identifier names."""
    blocks = [
        f'{i} "{who}" ({1000 + i})\n{clock(i * 2000)} --> {clock(i * 2000 + 1500)}\n{text}\n'
        for i, (who, text) in enumerate(turns, start=1)
    ]
    transcript = _vtt.parse("w.vtt", "WEBVTT\n\n" + "\n".join(blocks), None)
    spoken = [who for who, text in turns if text.strip(" ,.?:")]
    assert list(transcript.speakers) == spoken


def test_contact_lens_roles_beyond_agent_and_customer() -> None:
    """The system's and a supervisor's turns are no one's; an empty turn is silence; a role
    Amazon does not write, or a turn that is not an object, is one line naming it."""
    turn = {"Content": "Please hold.", "BeginOffsetMillis": 0, "EndOffsetMillis": 1000}
    agent = {
        **turn,
        "ParticipantRole": "AGENT",
        "BeginOffsetMillis": 1000,
        "EndOffsetMillis": 2000,
        "Content": "Hello.",
    }
    read = _json.parse(
        "r.json",
        _lens(
            [
                {**turn, "ParticipantRole": "SYSTEM"},
                agent,
                {
                    **agent,
                    "ParticipantRole": "SUPERVISOR",
                    "BeginOffsetMillis": 2500,
                    "EndOffsetMillis": 2600,
                },
                {**agent, "Content": " ", "BeginOffsetMillis": 3000, "EndOffsetMillis": 3100},
            ]
        ),
        None,
    )
    assert read.speakers == (UNNAMED, "Agent", UNNAMED)
    with pytest.raises(TranscriptError) as caught:
        _json.parse("r.json", _lens([{**turn, "ParticipantRole": "BOT"}]), None)
    assert str(caught.value).endswith(
        "Transcript[0].ParticipantRole: 'BOT' is not a role (expected AGENT, CUSTOMER, "
        "SYSTEM, CUSTOM_BOT or SUPERVISOR)"
    )
    with pytest.raises(TranscriptError) as caught:
        _json.parse("r.json", _lens([agent, "hello"]), None)
    assert str(caught.value).endswith("Transcript[1]: 'hello' is not an object")
    lone = json.dumps({"Transcript": [{**turn, "ParticipantId": "x-1"}]})
    with pytest.raises(TranscriptError) as caught:
        _json.parse("r.json", lone, None)
    assert str(caught.value).endswith(
        "Transcript[0].ParticipantId: 'x-1' is not a participant of the call "
        "(expected AGENT or CUSTOMER)"
    )
