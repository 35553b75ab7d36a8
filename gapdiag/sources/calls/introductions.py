"""The rep among unnamed diarization labels, found by how the rep introduces themselves.

A diarizer that does not know names labels the voices ``SPEAKER_00``, ``A`` or ``Speaker 1``,
a different person in every file, so a reps file cannot name them. Sales calls, though,
open with introductions: "Hi Lena, this is Dana Reyes from Acme". When no speaker of a
call is a known name, the label whose own talk in the call's first minutes introduces
itself as a rep (``this is``, ``I'm``, ``I am``, ``my name is`` or ``it's``, then one of
the rep's names from the reps file, or its first word followed by ``from``, ``with``,
``at``, ``here`` or ``calling``) is that rep for this call. Exactly one label must
introduce itself as exactly one rep: a buyer who says "this is Lena" names nobody in the
reps file, and two labels claiming rep names leave the call unread, as before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from gapdiag.sources.calls.cues import UNNAMED, Transcript
from gapdiag.sources.calls.speakers import speaker_key

OPENING_MS = 180_000
"""How far into a call an introduction is looked for: its first three minutes (from its
first cue)."""
_INTRO = r"(?:this is|i'm|i am|my name is|it's|it is)"
_AFTER_FIRST = r"(?:from|with|at|here|calling)\b"


def introduced(transcript: Transcript, names: Mapping[str, str]) -> Mapping[str, str]:
    """`names`, with the label that introduced itself as a rep added as that rep's name,
    when no speaker of the call is a known name; else `names` unchanged."""
    speakers = set(transcript.speakers) - {UNNAMED}
    if not speakers or any(speaker_key(s) in names for s in speakers):
        return names
    first = transcript.starts[0] if transcript.starts else 0  # (the clock's time, perhaps)
    found = {
        (speaker, rep)
        for speaker, start, text in zip(
            transcript.speakers, transcript.starts, transcript.texts, strict=True
        )
        if speaker != UNNAMED and start - first < OPENING_MS
        for rep in _claimed(speaker_key(text), names)
    }
    if len(found) != 1:
        return names
    ((speaker, rep),) = found
    return {**names, speaker_key(speaker): rep}


def _claimed(said: str, names: Mapping[str, str]) -> set[str]:
    """The rep ids whose names `said` (compared as speaker names) introduces."""
    said = said.replace("\u2019", "'")  # a typographic apostrophe (U+2019)
    if not re.search(_INTRO, said):
        return set()
    reps: set[str] = set()
    for name, rep in names.items():
        first = name.split(" ", 1)[0]
        whole = rf"\b{_INTRO} {re.escape(name)}\b"
        short = rf"\b{_INTRO} {re.escape(first)},? {_AFTER_FIRST}"
        if re.search(whole, said) or (first != name and re.search(short, said)):
            reps.add(rep)
    return reps
