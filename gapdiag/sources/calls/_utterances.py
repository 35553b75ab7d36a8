"""Widespread JSON transcript shapes beside the segment format: AssemblyAI, Deepgram, Rev,
Fireflies, Webex.

They list *utterances* (one speaker's stretch of talk) rather than segments:

- AssemblyAI (``speaker_labels=true``): ``{"utterances": [{"speaker": "A", "start": 250,
  "end": 2650, "text": "..."}], ...}``, times in **milliseconds**;
- Deepgram (``utterances=true&diarize=true``): ``{"results": {"utterances": [{"speaker":
  0, "start": 0.25, "end": 2.65, "transcript": "..."}]}, ...}``, times in **seconds**; made
  with ``diarize=true`` alone, its one channel's ``words`` (each with its ``speaker``);
- Webex's transcript snippets (``items`` of ``personName``, ``text``,
  ``offsetMillisecond``, ``durationMillisecond``), times in **milliseconds**;
- Rev (``monologues``): ``{"monologues": [{"speaker": 0, "speaker_name": "Dana Reyes",
  "elements": [{"type": "text", "value": "Hi", "ts": 0.25, "end_ts": 0.6}, {"type":
  "punct", "value": "."}]}]}``: a monologue runs from its first word's ``ts`` to its last
  word's ``end_ts``, in **seconds**, and is said by ``speaker_name`` where given;
- Fireflies (``sentences``, alone or as its API returns them under ``data.transcript``):
  ``{"sentences": [{"speaker_name": "Dana Reyes", "text": "...", "start_time": 0.25,
  "end_time": 2.6}]}``, times in **seconds**.

The shape, not the numbers, says which unit the times are in, so a call is never read a
thousand times too long. A speaker number becomes ``Speaker N``; an utterance without a
speaker is unattributed; an utterance whose words carry speakers is split where they
change. Any other JSON object is refused with one error naming the
shapes read here (and, for a speakerless AssemblyAI or Deepgram transcript, what to export
instead). Amazon Transcribe's word items are read by `_transcribe`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from gapdiag.sources.calls.cues import (
    UNKNOWN,
    UNNAMED,
    Cue,
    TranscriptError,
    clean,
    fail,
    shown,
    unusable,
)

SHAPES = (
    "a list of segments, an object with a 'segments' list (times in seconds), "
    "AssemblyAI's 'utterances' (milliseconds), Deepgram's 'results.utterances' (seconds), "
    "Rev's 'monologues', Fireflies' 'sentences', Amazon Transcribe's 'results.items' "
    "(seconds), Amazon Connect Contact Lens' or Transcribe Call Analytics' 'Transcript' "
    "(milliseconds), Gong's 'callTranscripts' (milliseconds), Webex's snippet 'items' "
    "(milliseconds) or Fathom's 'transcript' (timestamps like '00:05:32')"
)


@dataclass(frozen=True, slots=True)
class Shape:
    """Where a transcript shape keeps its utterances, what its text key is, its time unit."""

    name: str
    path: tuple[str, ...]
    text: str
    ms_per_unit: int
    start: str = "start"
    end: str = "end"
    speaker: str = "speaker"
    words: tuple[str, ...] = ()
    """The keys of a word's text in an utterance's 'words' (tried in turn), for a shape
    whose words carry their own speaker; empty for one whose words do not."""


_ASSEMBLYAI = Shape("utterances", ("utterances",), "text", 1, words=("text",))
_DEEPGRAM = Shape(
    "results.utterances",
    ("results", "utterances"),
    "transcript",
    1000,
    words=("punctuated_word", "word"),
)
REV = Shape("monologues", ("monologues",), "text", 1000, "ts", "end_ts")
_FIREFLIES = Shape(
    "sentences", ("sentences",), "text", 1000, "start_time", "end_time", "speaker_name"
)
_FIREFLIES_API = Shape(
    "data.transcript.sentences",
    ("data", "transcript", "sentences"),
    "text",
    1000,
    "start_time",
    "end_time",
    "speaker_name",
)


DEEPGRAM_WORDS = Shape(
    "results.channels[0].alternatives", (), "transcript", 1000, words=("punctuated_word", "word")
)
"""Deepgram diarized without utterances=true: the one channel's best alternative, read as
one utterance that `by_word_speaker` splits into runs of one speaker's words."""
WEBEX = Shape("items", ("items",), "text", 1, "offsetMillisecond", "end", "personName")
"""Webex's transcript snippets (its API's ``/meetingTranscripts/{id}/snippets``):
``{"items": [{"personName": "Dana Reyes", "text": "...", "offsetMillisecond": 250,
"durationMillisecond": 2400}]}``; a snippet ends its duration after its offset."""


def shape_of(data: dict[str, Any]) -> Shape | None:
    """The utterance shape of a JSON object, or None when it is neither."""
    items = data.get("items")
    first = items[0] if isinstance(items, list) and items else None
    if isinstance(first, dict) and "offsetMillisecond" in first:
        return WEBEX
    if isinstance(data.get("utterances"), list):
        return _ASSEMBLYAI
    results = data.get("results")
    if isinstance(results, dict) and isinstance(results.get("utterances"), list):
        return _DEEPGRAM
    if deepgram_turn(data) is not None:
        return DEEPGRAM_WORDS
    if isinstance(data.get("monologues"), list):
        return REV
    if isinstance(data.get("sentences"), list):
        return _FIREFLIES
    found = data.get("data")
    found = found.get("transcript") if isinstance(found, dict) else None
    if isinstance(found, dict) and isinstance(found.get("sentences"), list):
        return _FIREFLIES_API
    return None


def by_word_speaker(shape: Shape, item: Any) -> list[Any]:
    """An utterance whose words name more than one speaker as one utterance per run of a
    speaker's words (from its first word's start to its last word's end); else as it is.

    Deepgram can keep the other side's short answer inside an utterance it files under the
    first speaker ('... can I help you with? No. That's all I needed.', `speaker` 0, the
    last five words `speaker` 1): the words' speakers are the finer, so they decide. An
    utterance with any word not so well formed (no text, speaker or times) is kept whole.
    """
    words = item.get("words") if shape.words and isinstance(item, dict) else None
    if not isinstance(words, list):
        return [item]
    runs: list[tuple[Any, list[dict[str, Any]]]] = []
    for word in words:
        if not isinstance(word, dict) or not _timed_word(shape, word):
            return [item]
        speaker = word[shape.speaker]
        if runs and runs[-1][0] == speaker:
            runs[-1][1].append(word)
        else:
            runs.append((speaker, [word]))
    if len(runs) < 2:
        return [item]
    return [
        {
            shape.speaker: speaker,
            shape.start: run[0][shape.start],
            shape.end: run[-1][shape.end],
            shape.text: " ".join(_word_text(shape, word) for word in run),
        }
        for speaker, run in runs
    ]


def _timed_word(shape: Shape, word: dict[str, Any]) -> bool:
    """Whether a word has text, a speaker (a number or a name) and numeric times."""
    speaker = word.get(shape.speaker)
    if (
        isinstance(speaker, bool)
        or not isinstance(speaker, int | str)
        or not _word_text(shape, word)
    ):
        return False
    times = (word.get(shape.start), word.get(shape.end))
    return all(isinstance(t, int | float) and not isinstance(t, bool) for t in times)


def _word_text(shape: Shape, word: dict[str, Any]) -> str:
    """A word's text under the first of the shape's word keys that holds some ('' if none)."""
    for key in shape.words:
        text = word.get(key)
        if isinstance(text, str) and text.strip():
            return text.strip()
    return ""


def deepgram_turn(data: dict[str, Any]) -> dict[str, Any] | None:
    """The words of a Deepgram transcript of one channel made with diarize=true but without
    utterances=true, as one utterance (speaker, start, end, transcript, words); None for
    any other object (no results, several channels, a word without its speaker)."""
    results = data.get("results")
    channels = results.get("channels") if isinstance(results, dict) else None
    if not isinstance(channels, list) or len(channels) != 1 or not isinstance(channels[0], dict):
        return None
    alternatives = channels[0].get("alternatives")
    best = alternatives[0] if isinstance(alternatives, list) and alternatives else None
    words = best.get("words") if isinstance(best, dict) else None
    if not isinstance(words, list) or not words:
        return None
    if not all(isinstance(w, dict) and _timed_word(DEEPGRAM_WORDS, w) for w in words):
        return None
    return {
        "speaker": words[0]["speaker"],
        "start": words[0]["start"],
        "end": words[-1]["end"],
        "transcript": " ".join(_word_text(DEEPGRAM_WORDS, word) for word in words),
        "words": words,
    }


def snippet(item: Any) -> Any:
    """A Webex snippet with its end (offset plus duration, where both are numbers)."""
    if not isinstance(item, dict):
        return item
    start, length = item.get("offsetMillisecond"), item.get("durationMillisecond")
    if (
        isinstance(start, int | float)
        and isinstance(length, int | float)
        and not isinstance(start, bool)
        and not isinstance(length, bool)
    ):
        return item | {"end": start + length}
    return item


def monologue(item: Any) -> Any:
    """A Rev monologue as an utterance (speaker, ts, end_ts, text); anything else as it is.

    Its words are the 'text' elements, joined by spaces unless a 'punct' element gives
    them; it starts at its first word's 'ts' and ends at its last word's 'end_ts'.
    """
    if not isinstance(item, dict) or not isinstance(item.get("elements"), list):
        return item
    parts: list[str] = []
    times: list[dict[str, Any]] = []
    for element in item["elements"]:
        if not isinstance(element, dict) or not isinstance(element.get("value"), str):
            continue
        if element.get("type") == "text":
            if parts and not parts[-1].endswith((" ", "\n")):
                parts.append(" ")
            times.append(element)
        parts.append(element["value"])
    name = item.get("speaker_name")
    speaker = name if isinstance(name, str) and name.strip() else item.get("speaker")
    return {
        "speaker": speaker,
        "ts": times[0].get("ts") if times else None,
        "end_ts": times[-1].get("end_ts") if times else None,
        "text": "".join(parts),
    }


def unknown(source: str, data: dict[str, Any]) -> TranscriptError:
    """The one error for a JSON object of no shape read here, saying what it looks like."""
    results = data.get("results")
    if "utterances" in data:
        seen = (
            "'utterances' is not a list (an AssemblyAI transcript made without "
            "speaker_labels=true?)"
        )
    elif isinstance(results, dict) and "channels" in results:
        seen = (
            "'results' has no 'utterances' (a Deepgram transcript made without "
            "utterances=true and diarize=true?)"
        )
    elif isinstance(results, dict) and ({"speaker_labels", "audio_segments"} & set(results)):
        seen = "is an Amazon Transcribe job's output without its word 'items'"
    else:
        keys = ", ".join(repr(k) for k in list(data)[:6]) or "no keys"
        seen = f"an object with {keys} is not a transcript"
    return fail(source, 1, "(json)", f"{seen} (expected {SHAPES})")


def cue(
    source: str, shape: Shape, index: int, item: Any, line: int
) -> Cue | TranscriptError | None:
    """One utterance as a cue (times in milliseconds), or (not raised) why its start is
    unusable: it is then left out alone; `None` for an utterance whose text is empty
    (silence, left out too).

    An end that is missing (or null) or not after the start is inferred (`cues.UNKNOWN`);
    one that is there but no time (text, too large, negative) leaves the cue out alone.

    Raises:
        TranscriptError: the utterance is not an object, or its speaker or text is wrong.
    """
    where = f"{shape.name}[{index}]"
    if not isinstance(item, dict):
        raise fail(source, line, where, f"is {type(item).__name__}, expected an object")
    speaker = item.get(shape.speaker)
    if isinstance(speaker, int) and not isinstance(speaker, bool):
        name = f"Speaker {speaker}"
    elif isinstance(speaker, str):
        name = speaker.strip()
    elif speaker is None:
        name = UNNAMED
    else:
        raise fail(source, line, f"{where}.{shape.speaker}", f"{shown(speaker)} is not a speaker")
    text = item.get(shape.text)
    said = clean(text) if isinstance(text, str) else ""
    if isinstance(text, str) and not said:
        return None  # no words: silence
    if not said:
        raise fail(
            source,
            line,
            f"{where}.{shape.text}",
            unusable(item, shape.text, "text (the words said)"),
        )
    start = _time(source, line, where, item, shape.start, shape.ms_per_unit)
    if isinstance(start, TranscriptError):
        return start
    end = _time(source, line, where, item, shape.end, shape.ms_per_unit)
    if isinstance(end, TranscriptError) and item.get(shape.end) is not None:
        return end
    return Cue(start, end if isinstance(end, int) and end > start else UNKNOWN, name, said, line)


def _time(
    source: str, line: int, where: str, item: dict[str, Any], key: str, scale: int
) -> int | TranscriptError:
    """A time in the shape's unit as milliseconds, or (not raised) why it is not one."""
    value = item.get(key)
    unit = "seconds" if scale == 1000 else "milliseconds"
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or abs(value) > 1e15  # first: an integer too large for a float has no isfinite
        or not math.isfinite(value)
    ):
        return fail(source, line, f"{where}.{key}", unusable(item, key, f"a time in {unit}"))
    if value < 0:
        return fail(source, line, f"{where}.{key}", f"{value!r} is negative ({unit} from 0)")
    return round(value * scale)
