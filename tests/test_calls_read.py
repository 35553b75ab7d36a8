"""Reading transcripts: WebVTT and JSON segments, and every bad file named by file and line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gapdiag.model.errors import GapdiagError
from gapdiag.model.metrics import Targets
from gapdiag.sources.calls import _json, _vtt
from gapdiag.sources.calls.cues import TranscriptError, clock
from gapdiag.sources.calls.measure import measure
from gapdiag.sources.calls.speakers import load_reps
from gapdiag.sources.calls.transcript import date_from_name, read_transcript
from gapdiag.sources.calls.vocab import CallsFileError, load_trackers, load_words

GOOD_CUE = "00:00:00.000 --> 00:00:02.000\n<v Ana Rep>Hello there.</v>\n"


def read(tmp_path: Path, name: str, content: str | bytes) -> TranscriptError:
    """The error reading a file with this content raises."""
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    with pytest.raises(TranscriptError) as caught:
        read_transcript(path, name=name)
    return caught.value


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "bad.vtt:1: (header): does not start with 'WEBVTT'"),
        ("WEBVTT\n\n", "bad.vtt: (file): has no cue with words in it (an empty transcript)"),
        (
            "WEBVTT\n\n00:00:05.000 --> 00:00:09.000\n<v A>One.</v>\n\n"
            "00:00:06.000 --> 00:00:10.000\n<v A>Two.</v>\n",
            "bad.vtt:6: cue at 00:00:06.000: starts before the cue on line 3 ends at "
            "00:00:09.000, with the same speaker ('A') (overlapping cues of one speaker",
        ),
        (
            "WEBVTT\n\n00:00:01 --> 00:00:02\n<v A>No milliseconds.</v>\n",
            "bad.vtt:3: (timing): '00:00:01 --> 00:00:02' is not a timing line",
        ),
        (
            f"WEBVTT\n\n{GOOD_CUE}\nstray words\n\n",
            "bad.vtt:6: (text): 'stray words' is outside any cue",
        ),
        (
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v A></v>\n",
            "bad.vtt: (file): has no cue with words in it (an empty transcript)",
        ),
        ("WEBVTTX\n", "bad.vtt:1: (header): does not start with 'WEBVTT'"),
    ],
)
def test_bad_vtt_is_named_by_file_and_line(tmp_path: Path, content: str, expected: str) -> None:
    """Each kind of bad WebVTT file gives one error naming the file, the line and why."""
    assert str(read(tmp_path, "bad.vtt", content)).startswith(expected)


def test_non_utf8_names_the_line_of_the_bad_byte(tmp_path: Path) -> None:
    """A file that is not UTF-8 is reported at the line of its first bad byte."""
    error = read(
        tmp_path, "latin.vtt", b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v A>caf\xe9</v>\n"
    )
    assert str(error) == "latin.vtt:4: (file): is not UTF-8 text (byte 0xe9; save it as UTF-8)"
    assert isinstance(error, GapdiagError)
    assert error.problem.line == 4


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"segments": [\n  {"speaker": "A",', "bad.json:2: (json): not valid JSON"),
        ('"just text"', "bad.json:1: (json): not a transcript"),
        (
            '{"date": "2026-07-01"}',
            "bad.json:1: (json): an object with 'date' is not a transcript (expected a list of "
            "segments",
        ),
        (
            '{"date": "July", "segments": []}',
            "bad.json:1: date: 'July' is not a date (expected YYYY-MM-DD)",
        ),
        ("[]", "bad.json: (file): has no cue with words in it"),
        ("[\n 3\n]", "bad.json:2: segments[0]: is int, expected an object"),
        (
            '[\n {"speaker": "A", "start": 0, "end": 1, "text": "x"},\n'
            ' {"speaker": ["A"], "start": 1, "end": 2, "text": "y"}\n]',
            "bad.json:3: segments[1].speaker: ['A'] is not a speaker's name",
        ),
        (
            '[{"speaker": "A", "start": 0, "end": 1, "text": " "}]',
            "bad.json: (file): has no cue with words in it (an empty transcript)",
        ),
        (
            '[{"speaker": "A", "start": "0", "end": 1, "text": "x"}]',
            "bad.json:1: segments[0].start: '0' is not a time in seconds",
        ),
        (
            '[{"speaker": "A", "start": true, "end": 1, "text": "x"}]',
            "bad.json:1: segments[0].start: True is not a time in seconds",
        ),
        (
            '[{"speaker": "A", "start": -1, "end": 1, "text": "x"}]',
            "bad.json:1: segments[0].start: -1 is negative",
        ),
        (
            '[{"speaker": "A", "end": 1, "text": "x"}]',
            "bad.json:1: segments[0].start: is missing (expected a time in seconds)",
        ),
        (
            '[{"speaker": "A", "start": null, "end": 1, "text": "x"}]',
            "bad.json:1: segments[0].start: null is not a time in seconds",
        ),
        (
            '[{"speaker": "A", "start": 0, "end": 1}]',
            "bad.json:1: segments[0].text: is missing (expected text (the words said))",
        ),
        (
            '{"segments": [\n {"speaker": "A", "start": 0, "end": 5, "text": "x"},\n'
            ' {"speaker": "A", "start": 2, "end": 6, "text": "y"}\n]}',
            "bad.json:3: cue at 00:00:02.000: starts before the cue on line 2 ends",
        ),
        ('{"segments": [] "date": 1}', "bad.json:1: (json): found '\"', expected ',' or '}'"),
    ],
)
def test_bad_json_is_named_by_file_and_line(tmp_path: Path, content: str, expected: str) -> None:
    """Each kind of bad JSON transcript gives one error naming the file, the line and why."""
    assert str(read(tmp_path, "bad.json", content)).startswith(expected)


def test_unreadable_and_unknown_files(tmp_path: Path) -> None:
    """A missing file and a file of another kind are reported, not raised as OSError."""
    with pytest.raises(TranscriptError, match=r"gone\.vtt: \(file\): cannot read"):
        read_transcript(tmp_path / "gone.vtt", name="gone.vtt")
    expected = "is not a transcript (expected .vtt, .srt, .json, .txt, .docx)"
    assert expected in str(read(tmp_path, "a.doc", "1\n"))


def test_vtt_features_webvtt_allows() -> None:
    """Header metadata, NOTE/STYLE blocks, identifiers, settings, tags and entities all read."""
    text = (
        "WEBVTT - a call\nKind: captions\n\nSTYLE\n::cue { color: white }\n\nNOTE written by hand\n"
        "\ncue-1\n00:01.000 --> 00:03.500 align:start position:10%\n<v.loud Ana Rep>Hi &amp;"
        " <i>welcome</i>\nback.</v>\n\n"
        "01:00:00.000 --> 01:00:01.000\n<c.x>Bo</c>: Thanks.\n"
    )
    transcript = _vtt.parse("x.vtt", text, None)
    assert transcript.speakers == ("Ana Rep", "Bo")
    assert transcript.texts == ("Hi & welcome back.", "Thanks.")
    assert transcript.starts == (1000, 3_600_000)
    assert transcript.ends == (3500, 3_601_000)
    assert transcript.first_line == 10


def test_cues_are_sorted_by_time_with_their_lines_kept_for_errors() -> None:
    """Cues listed out of order come back sorted; an overlap names both lines."""
    text = "WEBVTT\n\n00:00:05.000 --> 00:00:06.000\n<v B>Later.</v>\n\n" + GOOD_CUE
    transcript = _vtt.parse("x.vtt", text, None)
    assert transcript.starts == (0, 5000)
    assert transcript.first_line == 3
    assert [c.speaker for c in transcript.cues] == ["Ana Rep", "B"]


def test_a_timing_line_ends_the_cue_before_it() -> None:
    """As in WebVTT, a line with '-->' starts a new cue even without a blank line."""
    text = "WEBVTT\n\n" + GOOD_CUE + "00:00:02.000 --> 00:00:04.000\n<v B>Two.</v>\n"
    assert _vtt._careful("x.vtt", text, None).texts == ("Hello there.", "Two.")
    assert _vtt._fast("x.vtt", text, None) == _vtt._careful("x.vtt", text, None)


def test_fast_path_reads_exactly_what_the_careful_reader_reads() -> None:
    """The bulk reader and the cue-by-cue reader agree on a file both can read."""
    text = "WEBVTT\n\n1\n" + GOOD_CUE + "\n2\n00:00:03.000 --> 00:00:04.000\nBo: Fine &amp; you?\n"
    fast = _vtt._fast("x.vtt", text, None)
    assert fast is not None
    assert fast == _vtt._careful("x.vtt", text, None)
    assert fast.first_line == 4


def test_dates_in_file_names() -> None:
    """Dates are read from ISO or Zoom-style names; impossible dates are passed over."""
    assert date_from_name(Path("2026-07-14_acme.vtt")) == dt.date(2026, 7, 14)
    assert date_from_name(Path("GMT20260714-153000_Recording.vtt")) == dt.date(2026, 7, 14)
    assert date_from_name(Path("call-0001-2026-07-14.vtt")) == dt.date(2026, 7, 14)
    assert date_from_name(Path("notes.vtt")) is None


def test_clock() -> None:
    """Milliseconds are shown as WebVTT times."""
    assert clock(3_723_004) == "01:02:03.004"


def transcript_with(speakers: tuple[str, ...]) -> str:
    """A small WebVTT text with one cue per speaker."""
    cues = [
        f"00:00:{2 * i:02d}.000 --> 00:00:{2 * i + 1:02d}.000\n<v {s}>Words.</v>\n"
        for i, s in enumerate(speakers)
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


@pytest.mark.parametrize(
    ("speakers", "expected"),
    [
        (("Bo", "Cy"), "x.vtt:3: (speakers): no rep speaker among Bo, Cy (add the rep's name"),
        (
            ("Ana Rep", "Eve Seller"),
            "x.vtt:3: (speakers): speakers of several reps: ana (Ana Rep), eve (Eve Seller)",
        ),
    ],
)
def test_the_call_needs_exactly_one_rep(speakers: tuple[str, ...], expected: str) -> None:
    """A call with no known rep, or with two reps, is reported at its first cue."""
    transcript = _vtt.parse("x.vtt", transcript_with(speakers), None)
    names = load_reps({"ana": ["Ana Rep"], "eve": "Eve Seller"})
    with pytest.raises(TranscriptError) as caught:
        measure(transcript, names, words=load_words(), trackers=load_trackers(), targets=Targets())
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("reps: [", "reps.yaml:2: (file): invalid YAML"),
        ("other: 1\n", "reps.yaml:1: reps: is missing or empty"),
        ("reps:\n  ana: []\n", "reps.yaml:2: reps.ana: gives no speaker names"),
        ("reps:\n  ana: [Ana, 3]\n", "reps.yaml:2: reps.ana[1]: 3 is not a name"),
        (
            "reps:\n  ana: [Ana]\n  bo: [' ana ']\n",
            "reps.yaml:3: reps.bo[0]: ' ana ' is already a name of 'ana' (one name, one rep)",
        ),
        ("reps:\n  1: [Ana]\n", "reps.yaml:2: reps.1: is not a rep id (text)"),
    ],
)
def test_bad_reps_file(tmp_path: Path, content: str, expected: str) -> None:
    """A reps file that cannot be used is one error with file and line."""
    path = tmp_path / "reps.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CallsFileError) as caught:
        load_reps(path)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(expected)


def test_reps_mapping_without_a_file() -> None:
    """Reps can be given as a mapping; names compare case-insensitively, spaces collapsed."""
    assert load_reps({"ana": "Ana  REP", "bo": ["Bo", "Robert B."]}) == {
        "ana rep": "ana",
        "bo": "bo",
        "robert b.": "bo",
    }
    with pytest.raises(CallsFileError, match=r"reps: reps.ana: gives no speaker names"):
        load_reps({"ana": []})


@pytest.mark.parametrize(
    ("which", "content", "expected"),
    [
        ("trackers", "- a list\n", "t.yaml:1: (file): is not a YAML mapping"),
        ("trackers", "trackers: {}\n", "t.yaml:1: trackers: is missing or empty"),
        ("trackers", "trackers:\n  Price: [cost]\n", "t.yaml:2: trackers.Price: is not a tracker"),
        ("trackers", "trackers:\n  price: cost\n", "t.yaml:2: trackers.price: is missing or not"),
        ("trackers", "trackers:\n  price: [cost, '!!']\n", "t.yaml:2: trackers.price[1]: '!!'"),
        ("words", "open: [what]\n", "t.yaml:1: fillers: is missing or not a list"),
    ],
)
def test_bad_word_and_tracker_files(
    tmp_path: Path, which: str, content: str, expected: str
) -> None:
    """Word-list and tracker files are checked with file and line."""
    path = tmp_path / "t.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CallsFileError) as caught:
        (load_trackers if which == "trackers" else load_words)(path)
    assert str(caught.value).replace(str(tmp_path) + "/", "").startswith(expected)


def test_unknown_word_list_is_reported(tmp_path: Path) -> None:
    """A word-lists file with a list gapdiag does not read says so."""
    shipped = (Path(load_words.__code__.co_filename).parent / "words.yaml").read_text()
    path = tmp_path / "w.yaml"
    path.write_text(shipped + "closed: [do]\n", encoding="utf-8")
    with pytest.raises(CallsFileError, match="closed: is not a word list"):
        load_words(path)


def test_windows_line_ends_and_a_byte_order_mark(tmp_path: Path) -> None:
    """CRLF line ends and a UTF-8 byte-order mark read like plain \\n text."""
    path = tmp_path / "crlf.vtt"
    path.write_bytes(("\ufeffWEBVTT\r\n\r\n" + GOOD_CUE.replace("\n", "\r\n")).encode())
    transcript = read_transcript(path)
    assert transcript.texts == ("Hello there.",)
    assert transcript.first_line == 3


def test_json_lines_are_counted_forwards_and_backwards() -> None:
    """The JSON reader's line counter answers for any offset, in any order."""
    doc = _json._Doc("x.json", "a\nb\nc")
    assert [doc.line(4), doc.line(0), doc.line(2)] == [3, 1, 2]


def test_json_object_keys_besides_segments_are_ignored() -> None:
    """Other top-level keys (a tool's metadata) are read past; 'date' may come last."""
    text = '{"language": "en", "segments": [{"speaker": "A", "start": 0, "end": 1, "text": "x"}],'
    transcript = _json.parse("x.json", text + ' "date": "2026-07-01"}', None)
    assert transcript.date == dt.date(2026, 7, 1)
    assert transcript.speakers == ("A",)


def test_invalid_yaml_in_a_trackers_file(tmp_path: Path) -> None:
    """A trackers file that is not YAML names its line."""
    path = tmp_path / "t.yaml"
    path.write_text("trackers:\n  price: [cost\n", encoding="utf-8")
    with pytest.raises(CallsFileError, match=r"t\.yaml:3: \(file\): invalid YAML"):
        load_trackers(path)
