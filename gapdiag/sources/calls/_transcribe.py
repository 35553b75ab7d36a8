"""Amazon Transcribe's batch output: ``results.items``, one word or punctuation mark each.

A ``pronunciation`` item has ``start_time`` and ``end_time`` (seconds, written as text:
``"0.25"``) and the words said (``alternatives[0].content``); a ``punctuation`` item has
no times and goes on the word before it. With speaker identification each word names
its speaker (``speaker_label``: ``spk_0``); older output names it only in
``results.speaker_labels.segments[].items``, found there by the word's start time. A run
of words by one speaker is one cue, from its first word's start to its last word's end.
The labels are diarization labels (``spk_0``), not names: see `introductions`.
"""

from __future__ import annotations

import math
from typing import Any

from gapdiag.sources.calls.cues import UNNAMED, Cue, TranscriptError, clean, fail, shown

WHERE = "results.items"


def is_transcribe(data: dict[str, Any]) -> bool:
    """Whether a JSON object is Amazon Transcribe output with its word items."""
    results = data.get("results")
    return isinstance(results, dict) and isinstance(results.get("items"), list)


def cues(
    source: str, data: dict[str, Any], items: list[tuple[Any, int]]
) -> list[Cue | TranscriptError]:
    """The cues of the word `items` (each with its line), one per run of a speaker's words;
    a run with a word whose times are unusable is (not raised) the reason, left out alone.

    Raises:
        TranscriptError: an item that is not an object.
    """
    by_start = _segment_speakers(data)
    runs: list[_Run] = []
    for index, (item, line) in enumerate(items):
        if not isinstance(item, dict):
            kind = type(item).__name__
            raise fail(source, line, f"{WHERE}[{index}]", f"is {kind}, expected an object")
        said = _content(item)
        if item.get("type") == "punctuation":
            if runs and said:
                runs[-1].words[-1] += said
            continue
        if item.get("type") != "pronunciation" or not said:
            continue
        speaker = item.get("speaker_label") or by_start.get(str(item.get("start_time")))
        speaker = speaker if isinstance(speaker, str) else UNNAMED
        if not runs or runs[-1].speaker != speaker:
            runs.append(_Run(speaker, line))
        run = runs[-1]
        run.words.append(said)
        start, end = _ms(item.get("start_time")), _ms(item.get("end_time"))
        if start is None or end is None:
            run.bad = run.bad or fail(
                source,
                line,
                f"{WHERE}[{index}]",
                f"start_time {shown(item.get('start_time'))} or end_time "
                f"{shown(item.get('end_time'))} is not a time in seconds",
            )
        else:
            run.times += (start, end)
    return [run.cue() for run in runs]


class _Run:
    """One speaker's consecutive words, their times, and the first bad time among them."""

    def __init__(self, speaker: str, line: int) -> None:
        self.speaker, self.line = speaker, line
        self.words: list[str] = []
        self.times: list[int] = []
        self.bad: TranscriptError | None = None

    def cue(self) -> Cue | TranscriptError:
        """The run as a cue from its first word's start to its last word's end."""
        if self.bad is not None:
            return self.bad
        return Cue(
            min(self.times), max(self.times), self.speaker, clean(" ".join(self.words)), self.line
        )


def _content(item: dict[str, Any]) -> str:
    """The words of an item: its first alternative's content."""
    alternatives = item.get("alternatives")
    if isinstance(alternatives, list) and alternatives and isinstance(alternatives[0], dict):
        content = alternatives[0].get("content")
        return content.strip() if isinstance(content, str) else ""
    return ""


def _segment_speakers(data: dict[str, Any]) -> dict[str, str]:
    """Start time (as written) -> speaker label, from the speaker segments' items."""
    labels = data["results"].get("speaker_labels")
    segments = labels.get("segments") if isinstance(labels, dict) else None
    out: dict[str, str] = {}
    for segment in segments if isinstance(segments, list) else ():
        for item in segment.get("items", ()) if isinstance(segment, dict) else ():
            if isinstance(item, dict) and isinstance(item.get("speaker_label"), str):
                out[str(item.get("start_time"))] = item["speaker_label"]
    return out


def _ms(value: Any) -> int | None:
    """Seconds written as text or a number, as milliseconds; None when not a time."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(seconds) or not 0 <= seconds < 1e9:
        return None
    return round(seconds * 1000)
