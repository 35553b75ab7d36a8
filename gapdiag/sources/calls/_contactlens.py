"""Amazon's call analytics: Amazon Connect Contact Lens and Transcribe Call Analytics.

Both write one call a file, its turns in a top-level ``Transcript`` list: ``{"Content":
"...", "BeginOffsetMillis": 4100, "EndOffsetMillis": 9800, "ParticipantId": "AGENT",
...}``, times in **milliseconds** from the recording's start. Contact Lens says who spoke
by ``ParticipantId``, given a role in the call's ``Participants`` (``{"ParticipantId":
"AGENT", "ParticipantRole": "AGENT"}``; the id may be a UUID); Transcribe Call Analytics
puts ``ParticipantRole`` on the turn itself. Neither file names anyone: the ``AGENT`` is
the speaker `AGENT` ("Agent": the rep side once a reps file or ``--rep`` gives the rep
that name, or the agent introduces themselves by a rep's name), the ``CUSTOMER`` is
"Customer" (the buyer side). The system's prompts, a bot's and a supervisor's turns are
no one's (unattributed).
"""

from __future__ import annotations

from typing import Any, TypeGuard

from gapdiag.sources.calls.cues import UNNAMED, Cue, TranscriptError, clean, fail, shown, unusable

AGENT = "Agent"
"""The speaker name of the AGENT role: the call's rep, named nowhere in the file."""
_SPEAKERS = {"AGENT": AGENT, "CUSTOMER": "Customer"}
_NO_ONE = frozenset({"SYSTEM", "CUSTOM_BOT", "SUPERVISOR"})
_MILLIS = "whole milliseconds from the recording's start"
_TURN_KEYS = frozenset({"BeginOffsetMillis", "ParticipantId", "ParticipantRole"})


def is_call_analytics(data: dict[str, Any]) -> bool:
    """Whether a JSON object is Contact Lens or Transcribe Call Analytics output."""
    turns = data.get("Transcript")
    return (
        isinstance(turns, list)
        and bool(turns)
        and isinstance(turns[0], dict)
        and not _TURN_KEYS.isdisjoint(turns[0])
    )


def cues(
    source: str, data: dict[str, Any], turns: list[tuple[Any, int]]
) -> list[Cue | TranscriptError | None]:
    """Every turn (with its line) as a cue of its role; a turn whose times are unusable is
    (not raised) the reason, left out alone; `None` for a turn without words.

    Raises:
        TranscriptError: a chat (not a call), a turn that is not an object, its text is
            not text, or its participant is not one of the call's.
    """
    if data.get("Channel") == "CHAT":
        raise fail(source, 1, "Channel", "'CHAT' is a chat's transcript, not a call's")
    roles = _roles(data)
    found: list[Cue | TranscriptError | None] = []
    for index, (turn, line) in enumerate(turns):
        where = f"Transcript[{index}]"
        if not isinstance(turn, dict):
            raise fail(source, line, where, f"{shown(turn)} is not an object")
        said = turn.get("Content")
        if not isinstance(said, str):
            raise fail(source, line, f"{where}.Content", unusable(turn, "Content", "text"))
        speaker = _speaker(source, line, where, turn, roles)
        if not clean(said):
            found.append(None)  # no words: silence
            continue
        start, end = turn.get("BeginOffsetMillis"), turn.get("EndOffsetMillis")
        if not _millis(start) or not _millis(end) or end <= start:
            found.append(_bad_times(source, line, where, turn))
            continue
        found.append(Cue(start, end, speaker, clean(said), line))
    return found


def _bad_times(source: str, line: int, where: str, turn: dict[str, Any]) -> TranscriptError:
    """Why a turn's times are no stretch of time, naming the field."""
    for key in ("BeginOffsetMillis", "EndOffsetMillis"):
        if not _millis(turn.get(key)):
            return fail(source, line, f"{where}.{key}", unusable(turn, key, _MILLIS))
    return fail(
        source,
        line,
        f"{where}.EndOffsetMillis",
        f"{turn['EndOffsetMillis']} is not after BeginOffsetMillis {turn['BeginOffsetMillis']}",
    )


def _roles(data: dict[str, Any]) -> dict[str, str]:
    """Participant id -> role, from the call's ``Participants``."""
    listed = data.get("Participants")
    return {
        str(p["ParticipantId"]): str(p.get("ParticipantRole"))
        for p in (listed if isinstance(listed, list) else ())
        if isinstance(p, dict) and "ParticipantId" in p
    }


def _speaker(
    source: str, line: int, where: str, turn: dict[str, Any], roles: dict[str, str]
) -> str:
    """The speaker name of a turn's role (`UNNAMED` for the system, a bot, a supervisor)."""
    role = turn.get("ParticipantRole")
    if role is None:
        given = turn.get("ParticipantId")
        role = roles.get(str(given)) if given is not None else None
        if role is None and given in _SPEAKERS:
            role = given  # a role written as the id, with no Participants list
        if role is None:
            known = ", ".join(repr(p) for p in roles) or "AGENT or CUSTOMER"
            listed = f"one of {known} from Participants" if roles else known
            raise fail(
                source,
                line,
                f"{where}.ParticipantId",
                f"{shown(given)} is not a participant of the call (expected {listed})",
            )
    if role in _SPEAKERS:
        return _SPEAKERS[role]
    if role in _NO_ONE:
        return UNNAMED
    raise fail(
        source,
        line,
        f"{where}.ParticipantRole",
        f"{shown(role)} is not a role (expected AGENT, CUSTOMER, SYSTEM, CUSTOM_BOT or SUPERVISOR)",
    )


def _millis(value: Any) -> TypeGuard[int]:
    """Whether a value is a whole, non-negative number of milliseconds."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12
