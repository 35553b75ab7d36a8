"""Issue 26's calendar attacks: every .ics text property escaped by one function.

A rep id or a playbook text with CR, LF, NUL or escape sequences must never start a
calendar line of its own, with or without Python's ``-O`` (which drops the assertions
icalendar would otherwise trip on). Every calendar written here is read back with
icalendar and its events counted.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import uuid
from pathlib import Path

import icalendar
import pytest
from hypothesis import example as case
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus
from gapdiag.coaching.cadence import Session
from gapdiag.coaching.ics import ics_text, series, to_ics

from .conftest import ROOT, example
from .test_hardening import run

STAMP = dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC)
INJECTION = "dana\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:pwned\r\nX\x00\x1b[31m\u2028Y"
ODD = st.text(
    st.sampled_from("\r\n\x00\x1b\x07\t\u2028\u2029\u0085;,:\\\"'=Aé王 ") | st.characters()
)


def sessions(title: str, detail: str, kind: str = "one-on-one", weeks: int = 3) -> list[Session]:
    """Weekly sessions with the given texts (one series), Mondays from 6 July 2026."""
    first = dt.date(2026, 7, 6)
    return [
        Session(
            kind=kind,
            week=n + 1,
            date=first + dt.timedelta(weeks=n),
            start=dt.time(10),
            minutes=30,
            who="both",
            title=title,
            detail=detail,
        )
        for n in range(weeks)
    ]


def read_back(data: bytes) -> list[icalendar.Event]:
    """The events of an .ics file as icalendar parses it; no bare CR or LF inside a line."""
    lines = data.split(b"\r\n")
    assert not any(b"\r" in line or b"\n" in line for line in lines)
    events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    assert len(events) == begun(data)
    return events


def begun(data: bytes) -> int:
    """Calendar lines that begin an event (text that merely says BEGIN:VEVENT is no line)."""
    return sum(line == b"BEGIN:VEVENT" for line in data.split(b"\r\n"))


def test_a_cr_in_the_rep_id_starts_no_calendar_line() -> None:
    """X-WR-CALNAME, UID and SUMMARY keep a hostile rep id on their own line."""
    data = to_ics(sessions("Weekly 1:1", "Talk."), rep_id=INJECTION, stamp=STAMP)
    events = read_back(data)
    assert len(events) == 1
    assert b"\r\nSUMMARY:pwned" not in data
    assert begun(data) == 1
    assert b"\x00" not in data
    assert b"\x1b" not in data


def test_session_texts_are_escaped_too() -> None:
    """Titles, details and kinds from a playbook are escaped like the rep id."""
    data = to_ics(sessions(INJECTION, INJECTION, kind=INJECTION), rep_id="r", stamp=STAMP)
    (event,) = read_back(data)
    assert "pwned" in str(event["summary"])  # kept as text, on the summary's own line
    assert "\r" not in str(event["description"])
    assert begun(data) == 1


@given(ODD, ODD, ODD)
@case(rep="\ud800", title="", detail="")  # a lone surrogate in the UID failed to encode
@case(rep="\\N", title="a\\N", detail="\\N\\n")  # icalendar read '\N' as a line break
def test_any_text_gives_a_calendar_icalendar_reads_back(rep: str, title: str, detail: str) -> None:
    """Whatever the texts, the calendar parses and has exactly one event per series."""
    planned = sessions(title, detail)
    data = to_ics(planned, rep_id=rep, stamp=STAMP)
    events = read_back(data)
    assert len(events) == len(series(planned)) == 1
    assert str(events[0]["summary"]).endswith(ics_text(rep))


@given(ODD)
def test_ics_text_leaves_no_control_character(text: str) -> None:
    """ics_text removes CR, NUL and every control but tab (and LF where lines are allowed)."""
    single = ics_text(text)
    assert not any(ord(c) < 32 and c != "\t" for c in single)
    assert "\n" not in single
    assert "\u2028" not in single
    assert not any(ord(c) < 32 and c not in "\t\n" for c in ics_text(text, lines=True))


@pytest.mark.slow
def test_the_escaping_holds_without_assertions(tmp_path: Path) -> None:
    """Under python -O (icalendar's asserts gone) the hostile calendar still reads back whole."""
    code = (
        "import datetime, datetime as dt, icalendar\n"
        "from gapdiag.coaching.cadence import Session\n"
        "from gapdiag.coaching.ics import to_ics\n"
        f"INJECTION, STAMP = {INJECTION!r}, {STAMP!r}\n"
        "day = dt.date(2026, 7, 6)\n"
        "sessions = [Session(kind='x', week=1, date=day, start=dt.time(10), minutes=30,\n"
        "                    who='both', title=INJECTION, detail=INJECTION)]\n"
        "data = to_ics(sessions, rep_id=INJECTION, stamp=STAMP)\n"
        "events = list(icalendar.Calendar.from_ical(data).walk('VEVENT'))\n"
        "assert __debug__ is False\n"
        "print(len(events), data.split(b'\\r\\n').count(b'BEGIN:VEVENT'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-O", "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1", "1"]


@pytest.mark.parametrize("rep", ["will-rep", "skill-rep", "system-rep", "knowledge-rep"])
def test_every_plan_calendar_reads_back(tmp_path: Path, rep: str) -> None:
    """`plan --ics` for each example rep (with a hostile id) writes a calendar that reads back."""
    data = example(rep)
    data["rep_id"] = INJECTION
    given = tmp_path / "rep.json"
    given.write_text(json.dumps(data))
    ics = tmp_path / "plan.ics"
    code, _, err = run(
        "plan", str(given), "--start", "2026-07-06", "--ics", str(ics), "--out", str(tmp_path / "p")
    )
    assert code == ExitStatus.OK, err
    events = read_back(ics.read_bytes())
    assert events
    assert all(uuid.UUID(str(e["uid"])) for e in events)  # the rep id is not in the UID
