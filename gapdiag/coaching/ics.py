"""The coaching calendar as iCalendar (``.ics``): recurring events in a named time zone.

A quarter of weekly sessions is a handful of series, not dozens of copies. Sessions of
one kind with the same text, length and time form one series: a weekly ``RRULE`` from
its first to its last session (every N weeks when, like a rotating drill, it comes back
every N weeks), and an ``EXDATE`` for every week in that span without it — a public
holiday, or a week whose session of that kind says something else (that one is its own
event). The events carry a ``TZID`` and the file its ``VTIMEZONE``, so a 10:00 1:1
stays at 10:00 in the manager's zone across daylight-saving changes; with no zone
(``tz=None``) the times are floating local times, 10:00 wherever the calendar is opened.
A session moved off a holiday is its own event on the day it moved to, and its
description says from where. Each event's UID is a UUID derived from the rep, the kind of
session and its first day (RFC 5545; stable, so importing a plan again updates it). The
blind gap-to-goal check carries an alarm: it is a reminder for the manager. The
``icalendar`` package (``gapdiag[calendar]``) is imported only here.

Every text property (the calendar's name, each event's summary, description and
category, an alarm's description) passes through `ics_text`, one function: carriage
returns, NUL, escape sequences and every other control character are removed, and a line
break stays only where the property may hold one (a description), where icalendar writes
it as ``\n``. So a rep id or a playbook text can never start a calendar line of its own,
whatever Python's ``-O`` does to icalendar's own assertions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import uuid
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapdiag.coaching.skills import BLIND_CHECK
from gapdiag.model._text import terminal
from gapdiag.model.errors import BackendUnavailable, InvalidArgument

if TYPE_CHECKING:
    from gapdiag.coaching.cadence import Session

PRODID = "-//gapdiag//coaching plan//EN"
_UIDS = uuid.UUID("6d1b3a52-6c3e-5b7e-9a0f-3f6f1d2a9c41")
"""The namespace of gapdiag's event UIDs (UUID version 5)."""
DEFAULT_TZ = "UTC"
"""Time zone of the session times when none is given."""


@dataclass(frozen=True, slots=True)
class Series:
    """Sessions of one kind and text, as one weekly recurrence with its exceptions."""

    sessions: tuple[Session, ...]
    interval: int
    count: int
    skipped: tuple[dt.date, ...]

    @property
    def first(self) -> Session:
        """The session the series starts with (the recurrence's DTSTART)."""
        return self.sessions[0]


def series(sessions: Sequence[Session]) -> tuple[Series, ...]:
    """The sessions grouped into weekly series, in order of their first session."""
    groups: dict[tuple[object, ...], list[Session]] = {}
    for s in sorted(sessions, key=lambda s: (s.begins, s.kind)):
        # a moved session is its own event (moved_from in the key): its text says from where
        key = (s.kind, s.date.weekday(), s.start, s.minutes, s.who, s.title, s.detail, s.moved_from)
        groups.setdefault(key, []).append(s)
    out = []
    for group in groups.values():
        first = group[0].date
        offsets = [(s.date - first).days // 7 for s in group]
        interval = math.gcd(*offsets) or 1
        count = offsets[-1] // interval + 1
        held = set(offsets)
        skipped = tuple(
            first + dt.timedelta(weeks=k * interval)
            for k in range(count)
            if k * interval not in held
        )
        out.append(Series(tuple(group), interval, count, skipped))
    return tuple(sorted(out, key=lambda s: (s.first.begins, s.first.kind)))


def ics_text(value: str, *, lines: bool = False) -> str:
    """Text safe in an iCalendar property: no CR, NUL, escapes or other control characters.

    Line breaks (``\r\n``, ``\r``, ``\n``, U+2028/9) become one ``\n`` when `lines` is
    true (icalendar then writes it escaped, as ``\n``), else a space. Tabs stay. A
    backslash before ``N`` gets an invisible word joiner after it: icalendar would read the
    pair as an escaped line break (a rep called ``\\N`` came back as a new line).
    """
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = terminal(text)  # ANSI escapes and control characters (but \n and \t) removed
    text = text.replace("\\N", "\\\u2060N")
    return text if lines else " ".join(text.split("\n"))


def time_zone(name: str) -> dt.tzinfo:
    """The IANA time zone called `name` (e.g. "Europe/Berlin"; "UTC").

    Raises:
        InvalidArgument: no such time zone.
    """
    if name.upper() in ("UTC", "Z"):
        return dt.UTC
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidArgument(
            f"tz: {name!r} is not a known time zone (expected an IANA name such as "
            "'Europe/Berlin' or 'America/New_York', or UTC)"
        ) from None


def to_ics(
    sessions: Sequence[Session],
    *,
    rep_id: str,
    tz: str | None = DEFAULT_TZ,
    stamp: dt.datetime | None = None,
) -> bytes:
    """The sessions as an iCalendar file: one recurring event per series, with stable UIDs.

    Args:
        sessions: the sessions to write (as ``schedule`` or ``plan`` made them).
        rep_id: names the rep in each event's title and UID.
        tz: the time zone the session times are in (IANA name; UTC by default; None for
            floating local times).
        stamp: the DTSTAMP of every event (UTC); now by default.

    Raises:
        InvalidArgument: `tz` is not a known time zone.
        BackendUnavailable: the icalendar package is not installed (``gapdiag[calendar]``).
    """
    zone = time_zone(tz) if tz is not None else None
    try:
        import icalendar
    except ImportError:
        message = "writing .ics needs the icalendar package: pip install 'gapdiag[calendar]'"
        raise BackendUnavailable(message) from None
    when = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", icalendar.vText(ics_text(f"Coaching plan - {rep_id}")))
    every = series(sessions)
    for item in every:
        calendar.add_component(_event(icalendar, item, rep_id, zone, when))
    if every and zone is not None and zone is not dt.UTC:
        first = min(s.first.date for s in every)
        last = max(s.sessions[-1].date for s in every)
        calendar.add_missing_timezones(first_date=first, last_date=last + dt.timedelta(days=1))
    data: bytes = calendar.to_ical()
    return data


def _event(ical: Any, item: Series, rep_id: str, zone: dt.tzinfo | None, stamp: dt.datetime) -> Any:
    s = item.first
    event = ical.Event()
    event.add("uid", _uid(f"{rep_id}\n{s.kind}\n{s.date:%Y-%m-%d}"))
    event.add("dtstamp", stamp)
    event.add("dtstart", s.begins.replace(tzinfo=zone))
    event.add("dtend", s.ends.replace(tzinfo=zone))
    if item.count > 1:
        event.add("rrule", {"freq": "weekly", "interval": item.interval, "count": item.count})
    if item.skipped:
        event.add("exdate", [dt.datetime.combine(d, s.start, zone) for d in item.skipped])
    event.add("summary", ical.vText(ics_text(f"{s.title} - {rep_id}")))
    moved = (
        f" Moved here from {s.moved_from:%a} {s.moved_from.day} {s.moved_from:%b %Y} "
        f"({s.moved_because}), not cancelled."
        if s.moved_from is not None
        else ""
    )
    event.add("description", ical.vText(ics_text(s.detail + moved, lines=True)))
    event.add("categories", [ics_text(s.kind)])
    if s.kind == BLIND_CHECK:  # a reminder for the manager: an alarm at its start
        alarm = ical.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", ical.vText(ics_text(s.title)))
        alarm.add("trigger", dt.timedelta(0))
        event.add_component(alarm)
    return event


def _uid(name: str) -> str:
    """uuid5 of the name under gapdiag's namespace; a lone surrogate (which JSON input can
    carry) is hashed as its code unit rather than failing to encode."""
    digest = hashlib.sha1(_UIDS.bytes + name.encode("utf-8", "surrogatepass")).digest()
    return str(uuid.UUID(bytes=digest[:16], version=5))
