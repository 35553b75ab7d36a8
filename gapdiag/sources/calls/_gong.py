"""Gong's call transcripts, as its API answers ``/v2/calls/transcript``, one call a file.

``{"callTranscripts": [{"callId": "7782...", "transcript": [{"speakerId": "6432...",
"topic": "Pricing", "sentences": [{"start": 460230, "end": 462343, "text": "..."}]}]}]}``:
a call is a list of monologues, each one speaker's sentences, times in **milliseconds**
from the start of the call. A file may hold the answer (with exactly one call in
``callTranscripts``) or that one call's object (``callId`` and ``transcript``).

Gong names speakers by id; the names are in the call's ``parties`` (``/v2/calls/extensive``:
``{"speakerId": "6432...", "name": "Dana Reyes"}``), read when the file carries them
beside the transcript, at the top or in the call. Without them the ids are labels, as
diarization labels are: the rep is found by their introduction (see `introductions`).
"""

from __future__ import annotations

from typing import Any

from gapdiag.sources.calls import _utterances
from gapdiag.sources.calls.cues import Cue, TranscriptError, fail, shown, text_key_lines


def is_gong(data: dict[str, Any]) -> bool:
    """Whether a JSON object is Gong's transcript answer, or one call of it."""
    if isinstance(data.get("callTranscripts"), list):
        return True
    return "callId" in data and isinstance(data.get("transcript"), list)


def cues(source: str, data: dict[str, Any], text: str) -> list[Cue | TranscriptError | None]:
    """Every sentence as a cue of its monologue's speaker (its name where the parties give
    it); a sentence whose start is unusable is (not raised) the reason, left out alone.

    Raises:
        TranscriptError: not exactly one call, or a monologue or sentence not as Gong
            writes it.
    """
    call = _the_call(source, data)
    names = _names(data) | _names(call)
    lines = text_key_lines(text)
    found: list[Cue | TranscriptError | None] = []
    for index, monologue in enumerate(call["transcript"]):
        where = f"transcript[{index}]"
        line = lines[len(found)] if len(found) < len(lines) else 1
        if not isinstance(monologue, dict):
            raise fail(source, line, where, f"{shown(monologue)} is not a monologue (an object)")
        sentences = monologue.get("sentences")
        if not isinstance(sentences, list):
            raise fail(source, line, f"{where}.sentences", "is missing or not a list")
        speaker = monologue.get("speakerId")
        if isinstance(speaker, int) and not isinstance(speaker, bool):
            speaker = str(speaker)  # an id written as a number is the same id
        speaker = names.get(speaker, speaker) if isinstance(speaker, str) else speaker
        # named for the monologue's sentences, so a message points at the sentence
        shape = _utterances.Shape(f"{where}.sentences", ("transcript",), "text", 1)
        for number, sentence in enumerate(sentences):
            at = lines[len(found)] if len(found) < len(lines) else line
            if not isinstance(sentence, dict):
                raise fail(source, at, f"{where}.sentences[{number}]", "is not an object")
            item = {**sentence, "speaker": speaker}
            found.append(_utterances.cue(source, shape, number, item, at))
    return found


def _the_call(source: str, data: dict[str, Any]) -> dict[str, Any]:
    calls = data.get("callTranscripts")
    if calls is None:
        return data
    if len(calls) != 1:
        held = f"{len(calls)} calls" if calls else "no call"
        raise fail(
            source,
            1,
            "callTranscripts",
            f"holds {held}; gapdiag reads one call a file: save each entry of "
            "'callTranscripts' in a file of its own, with the call's date in its name",
        )
    call = calls[0]
    if not isinstance(call, dict) or not isinstance(call.get("transcript"), list):
        raise fail(source, 1, "callTranscripts[0].transcript", "is missing or not a list")
    return call


def _names(data: dict[str, Any]) -> dict[str, str]:
    """Speaker id to name, from a 'parties' list (Gong's call details), where present."""
    parties = data.get("parties")
    if not isinstance(parties, list):
        return {}
    out = {}
    for party in parties:
        if isinstance(party, dict):
            key, name = party.get("speakerId"), party.get("name")
            if isinstance(key, int | str) and isinstance(name, str) and name.strip():
                out[str(key)] = name.strip()
    return out
