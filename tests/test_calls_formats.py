"""Transcripts as they come: SubRip, timestamped text, Word, start-only and zero-length cues.

The files are in tests/data/calls_formats/ (its README says what each reproduces); every
expected figure below is worked out by hand from the file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main
from gapdiag.model.limits import limits
from gapdiag.model.metrics import Targets
from gapdiag.sources.calls import _docx, _json, _srt, _text, _vtt
from gapdiag.sources.calls.cues import TranscriptError, clock
from gapdiag.sources.calls.measure import measure
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.transcript import read_transcript
from gapdiag.sources.calls.vocab import load_trackers, load_words

from .test_calls_properties import SENTENCES

DATA = Path(__file__).parent / "data" / "calls_formats"
DANA, ELENA = "Dana Reyes", "Elena Petrova"
NAMES = load_reps(DATA / "reps.yaml")
WORDS, TRACKERS, TARGETS = load_words(), load_trackers(), Targets()
ENGLISH = (
    *SENTENCES,
    "Walk me through how your managers run the weekly forecast review.",
    "Okay, that makes sense. Mm-hmm.",
)


def cues(name: str) -> list[tuple[int, int, str]]:
    """(start, end, speaker) of each cue of a sample file, in time order."""
    transcript = read_transcript(DATA / name)
    return list(zip(transcript.starts, transcript.ends, transcript.speakers, strict=True))


@pytest.mark.parametrize(
    ("name", "expected", "inferred_ms", "date"),
    [
        # CRLF line ends; 'Name: text'; a tag around the name; cue 3 zero-length: its end
        # is the next start (9.0 s)
        (
            "2026-07-10_zoom.srt",
            [
                (0, 4200, DANA),
                (4500, 7000, ELENA),
                (7000, 9000, DANA),
                (9000, 15500, ELENA),
                (16000, 19000, DANA),
            ],
            2000,
            dt.date(2026, 7, 10),
        ),
        # Otter: 'Name  M:SS' headers; a title with the date; the last cue's 15 words at
        # 0.4 s each (6 s); every end inferred
        (
            "2026-07-11_otter.txt",
            [
                (0, 4000, DANA),
                (4000, 6000, ELENA),
                (6000, 9000, DANA),
                (9000, 62000, ELENA),
                (62000, 68000, DANA),
            ],
            68000,
            dt.date(2026, 7, 11),
        ),
        # Teams' older text: time ranges with single-digit fields, a speaker line; one
        # zero-length cue (9.0 --> 9.0) runs to the next start
        (
            "2026-07-12_teams.txt",
            [(0, 3680, DANA), (4100, 9000, ELENA), (9000, 12500, DANA), (12500, 20000, ELENA)],
            3500,
            dt.date(2026, 7, 12),
        ),
        # Rev: 'Name (MM:SS):'; the last cue's 5 words take 2 s
        (
            "2026-07-13_rev.txt",
            [(0, 5000, DANA), (5000, 12000, ELENA), (12000, 16000, DANA), (16000, 18000, ELENA)],
            18000,
            dt.date(2026, 7, 13),
        ),
        # time lines and 'Name: text'; two lines in one second share it
        (
            "2026-07-14_captions.txt",
            [(1000, 1500, DANA), (1500, 2000, ELENA), (2000, 8000, DANA), (8000, 11200, ELENA)],
            10200,
            dt.date(2026, 7, 14),
        ),
        # Teams' Word download: 'Name   M:SS' paragraphs, one header and its text in one
        # paragraph; 'Then let me ask: ...' is talk, not a speaker
        (
            "2026-07-15_teams.docx",
            [
                (0, 5000, DANA),
                (5000, 8000, ELENA),
                (8000, 15000, DANA),
                (15000, 31000, ELENA),
                (31000, 35800, DANA),
            ],
            35800,
            dt.date(2026, 7, 15),
        ),
        # JSON: a zero-length segment, two start-only ones in one second, a segment
        # without a start (left out), a start-only last one (2 words: at least 1 s)
        (
            "2026-07-16_start_only.json",
            [
                (0, 1000, DANA),
                (1000, 1500, ELENA),
                (1500, 3000, ELENA),
                (3000, 7500, DANA),
                (8000, 9000, ELENA),
            ],
            4000,
            dt.date(2026, 7, 16),
        ),
        # Zoom's saved transcript: '[Name] HH:MM:SS' headers with the clock's time (14:02:05
        # is 50,525 s), a turn over two lines; the last cue's 2 words take at least 1 s
        (
            "2026-07-19_zoom_saved.txt",
            [
                (50525000, 50529000, DANA),
                (50529000, 50532000, ELENA),
                (50532000, 50537000, DANA),
                (50537000, 50550000, ELENA),
                (50550000, 50556000, DANA),
                (50556000, 50557000, ELENA),
            ],
            32000,
            dt.date(2026, 7, 19),
        ),
        # a note taker's copied transcript: 'M:SS - Name' headers (the buyer's company in
        # parentheses), the talk indented under them, a title without the year
        (
            "2026-07-20_dashed.txt",
            [
                (0, 4000, DANA),
                (4000, 7000, f"{ELENA} (Northwind)"),
                (7000, 12000, DANA),
                (12000, 25000, f"{ELENA} (Northwind)"),
                (25000, 31000, DANA),
                (31000, 32000, f"{ELENA} (Northwind)"),
            ],
            32000,
            dt.date(2026, 7, 20),
        ),
    ],
)
def test_each_format_reads_to_its_cues(
    name: str, expected: list[tuple[int, int, str]], inferred_ms: int, date: dt.date
) -> None:
    """Every sample reads to the cues worked out by hand, with the talk inferred counted."""
    transcript = read_transcript(DATA / name)
    assert cues(name) == expected
    assert transcript.inferred_ms == inferred_ms
    assert transcript.date == date
    assert transcript.untimed == (1 if name.endswith(".json") else 0)


def test_a_call_timed_by_the_clock_is_measured_from_its_first_cue() -> None:
    """Zoom's saved transcript gives the time of day: the call lasts 32 s, not 14 hours,
    and the rep's introduction in its first minutes names the rep."""
    transcript = read_transcript(DATA / "2026-07-19_zoom_saved.txt")
    call = measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert call.duration_seconds == 32.0
    assert call.rep_talk_seconds == 4 + 5 + 6
    assert call.dated_next_step is True
    labelled = _text.parse(
        "x",
        (DATA / "2026-07-19_zoom_saved.txt")
        .read_text(encoding="utf-8")
        .replace("[Dana Reyes]", "[Speaker 1]")
        .replace("Hi Elena, thanks", "Hi Elena, this is Dana Reyes, thanks")
        .replace("[Elena Petrova]", "[Speaker 2]"),
        dt.date(2026, 7, 19),
    )
    assert (
        measure(labelled, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS).rep_talk_seconds
        == 15
    )


def test_a_text_inside_a_headed_entry_keeps_its_colon() -> None:
    """A header names the speaker of the whole text: 'Then let me ask: ...' stays talk."""
    transcript = read_transcript(DATA / "2026-07-15_teams.docx")
    assert transcript.texts[2] == "Then let me ask: what would a better forecast change for you?"


def test_the_zoom_srt_call_measured_by_hand() -> None:
    """Talk 9.2 s of 18.2 s; 2 questions (the courtesy is not one), 1 open; a dated step.

    Questions: 'How are you doing today' is small talk; 'How are you handling the
    forecast today' is open (and discovery); 'Can we book a time on Tuesday for the
    next step' is closed, no discovery word. Trackers: next_step rep 2 ('book a time',
    'next step'), decision_maker buyer 2 ('CFO', 'signs off'). The closing (the last
    4.55 s) names a next step and Tuesday.
    """
    call = measure(
        read_transcript(DATA / "2026-07-10_zoom.srt"),
        load_reps(DATA / "reps.yaml"),
        words=load_words(),
        trackers=load_trackers(),
        targets=Targets(),
    )
    assert (call.rep_talk_seconds, call.buyer_talk_seconds) == (9.2, 9.0)
    assert (call.questions, call.open_questions, call.discovery_questions) == (2, 1, 1)
    assert call.inferred_end_seconds == 2.0
    trackers = {t.name: (t.rep, t.buyer) for t in call.trackers}
    assert trackers["next_step"] == (2, 0)
    assert trackers["decision_maker"] == (0, 2)
    assert call.dated_next_step is True


def test_the_folder_of_every_format_is_read_whole(tmp_path: Path) -> None:
    """`gapdiag calls` reads all ten English files, the German one skipped (exit 1),
    counts per call."""
    out, per_call = tmp_path / "calls.csv", tmp_path / "per-call.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = [
        "calls", str(DATA), "--reps", str(DATA / "reps.yaml"), "--period", "2026-07",
        "--out", str(out), "--per-call", str(per_call),
    ]  # fmt: skip
    status = main(argv, stdout=stdout, stderr=stderr)
    assert status == ExitStatus.FINDINGS, stdout.getvalue() + stderr.getvalue()
    assert stdout.getvalue().startswith("10 calls from 1 rep for 2026-07")
    assert "1 transcript skipped" in stdout.getvalue()
    lines = per_call.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    inferred = [row.split(",")[header.index("inferred_end_seconds")] for row in lines[1:]]
    untimed = [row.split(",")[header.index("untimed_cues")] for row in lines[1:]]
    assert inferred == ["2.0", "68.0", "3.5", "18.0", "10.2", "35.8", "4.0", "23.6", "32.0", "32.0"]
    assert untimed == ["0", "0", "0", "0", "0", "0", "1", "0", "0", "0"]
    duration = [row.split(",")[header.index("duration_seconds")] for row in lines[1:]]
    assert duration[-2:] == ["32.0", "32.0"]  # the clock's times: from the first cue


@pytest.mark.parametrize(
    ("reader", "text", "expected"),
    [
        (_srt.parse, "1\n00:00:01,000 --> 00:00:02,000\n\n", "x: (file): has no cue with words"),
        (_srt.parse, "1\nhello\n", "x:1: (text): '1' is outside any cue"),
        (_srt.parse, "1\n00:00:01 --> 00:00:02\nHi\n", "x:2: (timing): '00:00:01 --> 00:00:02'"),
        (_text.parse, "just words\n", "x: (file): is not a transcript"),
        (_text.parse, "Dana  0:61\nHi\n", "x:1: (time): '0:61' is not a time"),
        (_text.parse, "Dana  1:61:00\nHi\n", "x:1: (time): '1:61:00' is not a time"),
        (_text.parse, "\n".join(["title"] * 13) + "\nDana  0:01\nHi\n", "x:13: (text)"),
    ],
)
def test_bad_srt_and_text_name_the_line(reader: object, text: str, expected: str) -> None:
    """Each problem is one error naming the line and what was expected."""
    with pytest.raises(TranscriptError) as raised:
        reader(  # type: ignore[operator]  # one of the readers' parse functions
            "x", text, None
        )
    assert str(raised.value).startswith(expected)


def test_a_start_only_cue_with_a_name_prefix_in_text_lines() -> None:
    """A time line then 'Name: text' names the speaker; without a name, nobody's."""
    transcript = _text.parse("x", "00:01\nDana: Hi.\n00:03\nJust talk.\n", None)
    assert transcript.speakers == ("Dana", "")
    assert (transcript.starts, transcript.ends) == ((1000, 3000), (3000, 4000))


def test_docx_without_python_docx_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the optional package a Word transcript is skipped with the install hint."""
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(TranscriptError, match=r"needs python-docx \(pip install 'gapdiag\[docx\]'"):
        read_transcript(DATA / "2026-07-15_teams.docx")


def test_a_docx_that_is_no_word_file_or_unpacks_too_far_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a zip, a zip that is no document, or parts past the size limit: one line each."""
    with pytest.raises(TranscriptError, match=r"is not a Word document \(not a zip archive\)"):
        _docx.parse("x.docx", b"plain text", None)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("word/document.xml", "0" * 10_000)
    with pytest.raises(TranscriptError, match=r"is not a Word document \("):
        _docx.parse("x.docx", archive.getvalue(), None)
    monkeypatch.setenv("GAPDIAG_LIMIT_FILE_BYTES", "5000")
    assert limits().file_bytes == 5000
    with pytest.raises(TranscriptError, match=r"unpacks to 10,000 bytes, more than 5,000"):
        _docx.parse("x.docx", archive.getvalue(), None)


DIALOGUE = """Discovery call with Acme - July 14, 2026

Dana Reyes: Thanks for the time today. What made you look at this now?
Elena Park: Our managers spend every Friday pulling numbers by hand,
and they never match.
Dana Reyes: How do you pick the deals that go into the commit today?
Elena Park: Gut feel, mostly.
Dana Reyes: Could we set up a demo with your CRO next Tuesday at 10?
Elena Park: Yes, Tuesday works.
"""


def test_a_dialogue_without_times_is_timed_by_its_words() -> None:
    """'Name: words' turns, no times: back to back at 150 words a minute, all of it inferred;
    a line without a name goes on the turn before; the title's date dates the call."""
    found = _text.parse("x.txt", DIALOGUE, None)
    assert found.date == dt.date(2026, 7, 14)
    assert found.speakers == ("Dana Reyes", "Elena Park") * 3
    assert found.texts[1].endswith("by hand, and they never match.")
    words = [len(t.split()) for t in found.texts]
    assert list(found.starts) == [400 * sum(words[:i]) for i in range(len(words))]
    assert list(found.ends) == [400 * sum(words[: i + 1]) for i in range(len(words))]
    assert found.inferred_ms == found.ends[-1]
    assert found.first_line == 3


@pytest.mark.parametrize(
    "text",
    [
        "Subject: renewal\nDana: please send the quote\nThanks\n",  # names do not repeat
        "Dana: hi\nDana: hello\nDana: anyone?\n",  # one speaker
        "Dana: hi\nBo: hey\nDana: so\nBo: ok\n" + "a line of notes\n" * 9,  # mostly not turns
    ],
)
def test_text_that_is_not_a_dialogue_is_not_read_as_one(text: str) -> None:
    """Two or more names must each open several turns, and turns make most of the lines."""
    with pytest.raises(TranscriptError, match=r"\(file\): is not a transcript"):
        _text.parse("x.txt", text, None)


def _aws(items: list[object], segments: list[object] | None = None) -> str:
    """An Amazon Transcribe output with these word items (and speaker segments)."""
    results: dict[str, object] = {"transcripts": [{"transcript": ""}], "items": items}
    if segments is not None:
        results["speaker_labels"] = {"speakers": 2, "segments": segments}
    return json.dumps({"jobName": "j", "status": "COMPLETED", "results": results})


def _word(start: str, end: str, text: str, label: str | None = None) -> dict[str, object]:
    item: dict[str, object] = {
        "start_time": start,
        "end_time": end,
        "alternatives": [{"confidence": "0.9", "content": text}],
        "type": "pronunciation",
    }
    if label is not None:
        item["speaker_label"] = label
    return item


PUNCT = {"alternatives": [{"confidence": "0.0", "content": "."}], "type": "punctuation"}


def test_amazon_transcribe_older_output_names_speakers_in_segments() -> None:
    """Words without their own label take the segment's (by start time); a word with an
    unusable time leaves its run out alone, counted, and the rest is read."""
    segments = [
        {
            "start_time": "0.0",
            "end_time": "1.0",
            "speaker_label": "spk_0",
            "items": [
                {"start_time": "0.0", "end_time": "0.4", "speaker_label": "spk_0"},
                {"start_time": "0.5", "end_time": "1.0", "speaker_label": "spk_0"},
            ],
        },
        {
            "start_time": "1.2",
            "end_time": "2.0",
            "speaker_label": "spk_1",
            "items": [{"start_time": "1.2", "end_time": "2.0", "speaker_label": "spk_1"}],
        },
    ]
    items = [
        _word("0.0", "0.4", "Hello"),
        _word("0.5", "1.0", "there"),
        PUNCT,
        _word("1.2", "2.0", "Hi"),
        _word("2.1", "2.5", "again", "spk_0"),
        _word("soon", "3.0", "later", "spk_1"),
    ]
    found = _json.parse("x.json", _aws(items, segments), None)
    assert found.speakers == ("spk_0", "spk_1", "spk_0")
    assert found.texts == ("Hello there.", "Hi", "again")
    assert (found.starts, found.ends) == ((0, 1200, 2100), (1000, 2000, 2500))
    assert found.untimed == 1


def test_amazon_transcribe_problems_name_the_item() -> None:
    """An item that is no object is one error naming it; output without words says so."""
    with pytest.raises(TranscriptError, match=r"results\.items\[1\]: is int, expected an object"):
        _json.parse("x.json", _aws([_word("0", "1", "Hi", "spk_0"), 5]), None)
    no_words = json.dumps({"results": {"speaker_labels": {"segments": []}}})
    with pytest.raises(TranscriptError, match="Amazon Transcribe job's output without its word"):
        _json.parse("x.json", no_words, None)


MEET = """Acme / Globex forecasting - Transcript
00:00:00

Dana Reyes: Hi Lena, thanks for joining. What does your forecast look like today?
Lena Ortiz: We pull numbers from three spreadsheets every Friday.
Dana Reyes: How long does that take?
00:05:00

Dana Reyes: Could we book a demo next Tuesday at 10?
Lena Ortiz: Yes, Tuesday works.
"""


def test_several_named_turns_under_one_time_are_each_their_speakers() -> None:
    """Google Meet writes a time every few minutes and 'Name: words' turns under it: each
    turn is its speaker's, one after another at the speaking pace (not one long cue of the
    first speaker's, which read as a 100% talk ratio)."""
    found = _text.parse("x.txt", MEET, None)
    assert found.speakers == ("Dana Reyes", "Lena Ortiz", "Dana Reyes", "Dana Reyes", "Lena Ortiz")
    words = [len(t.split()) for t in found.texts]
    assert found.starts[:3] == (0, 400 * words[0], 400 * (words[0] + words[1]))
    assert found.starts[3] == 300_000
    assert found.ends[4] == found.starts[4] + 400 * words[4]
    assert found.texts[1] == "We pull numbers from three spreadsheets every Friday."


def test_named_turns_faster_than_the_pace_fit_their_time_range() -> None:
    """Two turns of 4 words in a 1-second range share it by their words, never running past
    it; in a 2-second range they keep the speaking pace (1.6 s)."""
    text = "0:00:00.0 --> 0:00:01.0\nDana: one two three\nBo: four\n"
    found = _text.parse("x.txt", text, None)
    assert found.speakers == ("Dana", "Bo")
    assert (found.starts, found.ends) == ((0, 750), (750, 1000))
    found = _text.parse("x.txt", text.replace("01.0", "02.0"), None)
    assert (found.starts, found.ends) == ((0, 1200), (1200, 1600))


@pytest.mark.parametrize("wrapped", [False, True])
def test_fireflies_sentences_alone_or_as_the_api_returns_them(wrapped: bool) -> None:
    """Fireflies: 'sentences' with speaker_name, text and start/end_time in seconds, given
    alone or under data.transcript as its GraphQL API answers."""
    sentences = [
        {
            "speaker_name": "Dana Reyes",
            "text": "What does your forecast look like?",
            "start_time": 0.5,
            "end_time": 3.9,
        },
        {
            "speaker_name": "Lena Ortiz",
            "text": "Spreadsheets.",
            "start_time": 4.2,
            "end_time": None,
        },
        {"speaker_name": ["Dana"], "text": "x", "start_time": 5, "end_time": 6},
    ]
    doc: dict[str, object] = {"sentences": sentences[:2]}
    if wrapped:
        doc = {"data": {"transcript": doc}}
    found = _json.parse("x.json", json.dumps(doc), None)
    assert found.speakers == ("Dana Reyes", "Lena Ortiz")
    assert (found.starts, found.ends) == ((500, 4200), (3900, 5200))
    bad = json.dumps({"sentences": sentences})
    with pytest.raises(
        TranscriptError, match=r"sentences\[2\]\.speaker_name: \[.Dana.\] is not a speaker"
    ):
        _json.parse("x.json", bad, None)


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        (
            "vtt",
            "WEBVTT\n\n00:00:00.000 --> 00:00:06.000\nDana Reyes: Hi Lena, what does your "
            "forecast look like?\nLena Ortiz: Spreadsheets, every Friday.\n",
        ),
        (
            "srt",
            "1\n00:00:00,000 --> 00:00:06,000\nDana Reyes: Hi Lena, what does your "
            "forecast look like?\nLena Ortiz: Spreadsheets, every Friday.\n",
        ),
    ],
)
def test_a_cue_of_two_named_lines_is_two_speakers(reader: str, text: str) -> None:
    """'Name: words' on each line of one cue: each line is its speaker's, sharing the cue's
    time by length (they read as all the first speaker's talk, a 100% talk ratio)."""
    from gapdiag.sources.calls import _vtt

    parse = _vtt.parse if reader == "vtt" else _srt.parse
    found = parse(f"x.{reader}", text, None)
    assert found.speakers == ("Dana Reyes", "Lena Ortiz")
    assert found.texts == (
        "Hi Lena, what does your forecast look like?",
        "Spreadsheets, every Friday.",
    )
    assert found.starts[0] == 0
    assert found.ends[-1] == 6000
    assert found.ends[0] == found.starts[1]


def _gong(monologues: list[object], **top: object) -> dict[str, object]:
    """Gong's /v2/calls/transcript answer for one call."""
    call: dict[str, object] = {"callId": "7782342274025937895", "transcript": monologues}
    return {"requestId": "x", "callTranscripts": [call], **top}


_DANA_ID, _LENA_ID = "6432345678555530067", "1110000000000000001"
_MONOLOGUES: list[object] = [
    {
        "speakerId": _DANA_ID,
        "topic": "Call Setup",
        "sentences": [
            {"start": 1200, "end": 4100, "text": "Hi Lena, this is Dana Reyes from Acme."},
            {"start": 4300, "end": 9800, "text": "What does your forecast look like?"},
        ],
    },
    {
        "speakerId": _LENA_ID,
        "topic": None,
        "sentences": [{"start": 10100, "end": 24000, "text": "Spreadsheets, every Friday."}],
    },
]


def test_gong_transcripts_in_milliseconds_named_by_their_parties() -> None:
    """Gong: monologues of sentences, times in milliseconds; speaker ids, named where the
    file carries the call's parties (at the top or in the call), kept as labels otherwise."""
    found = _json.parse("x.json", json.dumps(_gong(_MONOLOGUES)), None)
    assert found.speakers == (_DANA_ID, _DANA_ID, _LENA_ID)
    assert found.starts == (1200, 4300, 10100)
    assert found.ends == (4100, 9800, 24000)
    parties = [{"speakerId": _DANA_ID, "name": "Dana Reyes"}, {"speakerId": _LENA_ID}]
    named = _json.parse("x.json", json.dumps(_gong(_MONOLOGUES, parties=parties)), None)
    assert named.speakers == ("Dana Reyes", "Dana Reyes", _LENA_ID)
    one_call = {"callId": "1", "parties": parties, "transcript": _MONOLOGUES, "date": "2026-07-14"}
    alone = _json.parse("x.json", json.dumps(one_call), None)
    assert alone.speakers == named.speakers
    assert alone.date == dt.date(2026, 7, 14)


def test_gong_calls_are_read_by_their_reps_introduction(tmp_path: Path) -> None:
    """Without parties, the speaker who introduces themselves as a rep is that rep."""
    (tmp_path / "2026-07-14_gong.json").write_text(json.dumps(_gong(_MONOLOGUES)))
    out = io.StringIO()
    code = main(
        ["calls", str(tmp_path), "--rep", "dana=Dana Reyes", "--period", "2026-Q3", "--out", "-"],
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == ExitStatus.OK
    row = dict(zip(*[line.split(",") for line in out.getvalue().splitlines()[:2]], strict=True))
    assert row["rep_id"] == "dana"
    assert float(row["calls.talk_ratio"]) == pytest.approx(8.4 / 22.3, abs=1e-3)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"callTranscripts": []}, "callTranscripts: holds no call; gapdiag reads one call a file"),
        (
            {"callTranscripts": [{"callId": "1", "transcript": []}] * 2},
            "callTranscripts: holds 2 calls",
        ),
        (_gong([{"speakerId": _DANA_ID}]), r"transcript\[0\]\.sentences: is missing"),
        (_gong(["hello"]), r"transcript\[0\]: 'hello' is not a monologue"),
        (
            _gong([{"speakerId": _DANA_ID, "sentences": [{"start": 0, "end": 5}]}]),
            r"transcript\[0\]\.sentences\[0\]\.text: is missing",
        ),
        (
            _gong([{"speakerId": _DANA_ID, "sentences": [{"start": "x", "text": "Hi."}]}]),
            r"transcript\[0\]\.sentences\[0\]\.start: 'x' is not a time in milliseconds",
        ),
    ],
)
def test_gong_problems_name_the_sentence(doc: dict[str, object], expected: str) -> None:
    """One call a file; a monologue or sentence not as Gong writes it is named."""
    with pytest.raises(TranscriptError, match=expected):
        _json.parse("x.json", json.dumps(doc, indent=2), None)


def test_google_meet_closing_line_is_no_ones_words() -> None:
    """A Google Meet transcript (title with the date, Attendees, a time line every five
    minutes, 'Name: words' lines) ends with 'Meeting ended after 00:07:41 👋': no one's
    talk (it was read as the buyer's words)."""
    transcript = read_transcript(DATA / "2026-07-17_meet.txt")
    assert transcript.texts[-1] == "Yes, send the invite."
    assert not any("Meeting ended" in text for text in transcript.texts)
    assert transcript.speakers[0] == DANA
    assert set(transcript.speakers) == {DANA, ELENA, "Marco Bianchi"}


def test_a_call_in_another_language_is_skipped_not_scored_as_asking_nothing_open() -> None:
    """A German call's open questions ('Wie ...?', 'Warum ...?', 'Was würde ...?') are not
    in the English lists: it was scored 0% open and 0 discovery questions, evidence of a
    skill gap. It is now refused, saying what to pass; with a words file without the
    common-words list (or one for German) it is read."""
    path = DATA / "2026-07-18_german.vtt"
    with pytest.raises(TranscriptError) as caught:
        measure(read_transcript(path), NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
    assert str(caught.value).startswith(
        f"{path}:3: (language): few of the rep's words are in the word lists' language"
    )
    assert "pass --words with lists for the call's language" in str(caught.value)
    no_check = dataclasses.replace(WORDS, common=frozenset())
    call = measure(read_transcript(path), NAMES, words=no_check, trackers=TRACKERS, targets=TARGETS)
    assert call.questions == 4


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(ENGLISH), min_size=1, max_size=40))
def test_english_sales_talk_is_never_taken_for_another_language(said: list[str]) -> None:
    """Any run of the English sales sentences the tests use reads as English."""
    text = "WEBVTT\n\n" + "\n".join(
        f"{clock(i * 4000)} --> {clock(i * 4000 + 3000)}\n<v {DANA if i % 2 == 0 else ELENA}>"
        f"{line}</v>\n"
        for i, line in enumerate(said)
    )
    transcript = _vtt.parse("x.vtt", text, None)
    measure(transcript, NAMES, words=WORDS, trackers=TRACKERS, targets=TARGETS)
