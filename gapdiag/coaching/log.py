"""The coaching log: the dated 1:1s, commitments and answers of a rep's coaching so far.

A CSV file, one row per entry, in any order (entries are kept by date). Columns:

- ``date``: YYYY-MM-DD, required;
- ``kind``: ``one-on-one`` (a coaching 1:1 held), ``commitment`` (what the rep committed
  to, in their words), ``check-in``, or ``accountability`` (the rep's answer: how they
  want to be held to account, and how often to check in);
- ``note``: the text: the commitment, the answer, what was agreed;
- ``focus`` (optional): the gap the 1:1 worked on (skill, will, knowledge, system);
- ``due`` (optional): the day a commitment falls due;
- ``rep_id`` (optional): with it, the file may hold several reps; only the plan's rep's
  rows count.

The log gives the plan its coaching start: the first 1:1 on the plan's focus (any 1:1
when no row names a focus). Weeks of history before it are the baseline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Literal

from pydantic import Field

from gapdiag.coaching.history import csv_rows
from gapdiag.model._input import read_text
from gapdiag.model._result import Worded
from gapdiag.model._text import csv_value
from gapdiag.model._validation import date_problem
from gapdiag.model.errors import InvalidInput, InvalidMetrics, Problem
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.limits import limits
from gapdiag.model.metrics import _Strict
from gapdiag.model.wording import day, long_day

EntryKind = Literal["one-on-one", "commitment", "check-in", "accountability"]
KINDS: tuple[EntryKind, ...] = ("one-on-one", "commitment", "check-in", "accountability")
COLUMNS = ("date", "kind", "note", "focus", "due", "rep_id")


class LogEntry(Worded, _Strict):
    """One dated entry of the coaching log."""

    date: dt.date
    kind: EntryKind
    note: str = ""
    focus: Gap | None = None
    due: dt.date | None = None

    def _words(self) -> str:
        return f"{long_day(self.date)}, {self.kind}: {self.note}"


class CoachingLog(Worded, _Strict):
    """A rep's coaching so far: entries by date (ties in file order)."""

    entries: tuple[LogEntry, ...] = Field(min_length=1)

    def start(self, focus: Gap | None = None) -> dt.date | None:
        """The first 1:1 on `focus` (any 1:1 when no entry names a focus); None if none."""
        meetings = [e for e in self.entries if e.kind == "one-on-one"]
        if focus is not None and any(e.focus is not None for e in meetings):
            meetings = [e for e in meetings if e.focus == focus]
        return min((e.date for e in meetings), default=None)

    def answer(self) -> LogEntry | None:
        """The rep's latest recorded answer on how to be held accountable."""
        return next((e for e in reversed(self.entries) if e.kind == "accountability"), None)

    def commitments(self, since: dt.date | None = None) -> tuple[LogEntry, ...]:
        """The commitments recorded on or after `since` (all of them without it)."""
        return tuple(
            e for e in self.entries if e.kind == "commitment" and (since is None or e.date >= since)
        )

    def _words(self) -> str:
        if not self.entries:
            return "no entries"
        first, last = min(e.date for e in self.entries), max(e.date for e in self.entries)
        return f"{len(self.entries)} entries, {day(first)} to {long_day(last)}"


def read_coaching_log(path: str | Path, *, rep_id: str | None = None) -> CoachingLog:
    """Read a coaching log CSV (see the module docstring for its columns).

    Raises:
        InvalidMetrics: an unreadable file, an unknown column, or bad cells, each with its
            line; a log with no entry (for `rep_id`).
    """
    source = str(path)
    try:
        text = read_text(Path(path))
    except InvalidInput as error:
        problem = Problem("(file)", str(error).removeprefix(source).lstrip(":0123456789 "))
        raise InvalidMetrics([problem], source=source) from None
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")  # CSV rules split rows
    unknown = [c for c in reader.fieldnames or () if c not in COLUMNS]
    if (
        unknown
        or "date" not in (reader.fieldnames or ())
        or "kind" not in (reader.fieldnames or ())
    ):
        wanted = ", ".join(COLUMNS)
        what = f"unknown column {unknown[0]!r}" if unknown else "no date and kind columns"
        raise InvalidMetrics([Problem("line 1", f"{what} (expected {wanted})")], source=source)
    entries: list[LogEntry] = []
    problems: list[Problem] = []
    for row in csv_rows(reader, source):
        label = f"line {reader.line_num}"
        if rep_id is not None and csv_value(row.get("rep_id")) not in (None, "", rep_id):
            continue
        entry = _entry(row, label, problems)
        if entry is not None:
            entries.append(entry)
    if problems:
        raise InvalidMetrics(problems, source=source)
    if not entries:
        who = f" for {rep_id!r}" if rep_id is not None else ""
        raise InvalidMetrics([Problem("(log)", f"no entries{who}")], source=source)
    entries.sort(key=lambda e: e.date)
    return CoachingLog(entries=tuple(entries))


def _entry(row: dict[str, str], label: str, problems: list[Problem]) -> LogEntry | None:
    """One row as an entry; its problems (each naming the column) go to `problems`."""
    found: list[Problem] = []
    dates: dict[str, dt.date | None] = {}
    for column in ("date", "due"):
        text = (row.get(column) or "").strip()
        if not text:
            dates[column] = None
            if column == "date":
                found.append(Problem(f"{label}: date", "is empty (expected YYYY-MM-DD)"))
            continue
        try:
            dates[column] = dt.date.fromisoformat(text)
        except ValueError:
            problem = date_problem(text) or f"{text!r} is not a date (YYYY-MM-DD)"
            found.append(Problem(f"{label}: {column}", problem))
    kind = (row.get("kind") or "").strip()
    if kind not in KINDS:
        found.append(Problem(f"{label}: kind", f"{kind!r} is not one of {', '.join(KINDS)}"))
    focus = (row.get("focus") or "").strip() or None
    if focus is not None and focus not in GAPS:
        found.append(Problem(f"{label}: focus", f"{focus!r} is not one of {', '.join(GAPS)}"))
    if found:
        problems.extend(found)
        return None
    return LogEntry.model_validate(
        {
            "date": dates["date"],
            "kind": kind,
            "note": (row.get("note") or "").strip(),
            "focus": focus,
            "due": dates["due"],
        }
    )
