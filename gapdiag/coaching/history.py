"""A rep's weekly history: one row of figures per week, oldest first.

A row speaks for the week holding its ``as_of`` (the day its figures run to); a row
without ``as_of`` speaks for the week starting ``period_start``. Weeks must be listed
oldest first, at most once, and a whole number of weeks apart; breaking any of these is an
error naming the week. A week that is simply absent (nobody recorded it) is allowed: trends
place every value at its real week, so a missing week neither stretches nor shrinks a
slope, and ``missing_weeks`` lists the holes so a report can show them.

**Period to date.** A row's quota, closed-won and commit are the period's: closed-won from
the period's first day to ``as_of``, against the period's quota, so every week compares
like with like and the pace through the period can be judged (``gapdiag ingest --every
week`` writes rows so). A row that sets those figures against a single week (no ``as_of``,
or a period of less than a week) cannot be read that way and is refused, once for the
whole file. Activity figures in a row are the week's own.

A history is only figures; which of its weeks were coaching weeks is the plan's to say
(``plan(since=...)``): the weeks before coaching began are its baseline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from pydantic import Field, PrivateAttr, model_validator

from gapdiag.model._input import looks_like_json, read_text
from gapdiag.model._result import Worded
from gapdiag.model._text import csv_value
from gapdiag.model.errors import InvalidInput, InvalidMetrics, Problem
from gapdiag.model.limits import limits
from gapdiag.model.metrics import METRICS, RepMetrics, Targets, _Strict, parse_targets
from gapdiag.model.rows import rep_from_text
from gapdiag.model.wording import day, long_day
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import build_facts

PERIOD_FIGURES = ("quota", "closed_won", "commit")
"""Pipeline figures that belong to a whole period: a row holding one must say which."""
_WEEK = dt.timedelta(days=7)


def week_of(row: RepMetrics) -> dt.date | None:
    """The first day of the week a row speaks for: the Monday of ``as_of``'s week, else
    ``period_start`` (None when the row has neither)."""
    if row.as_of is not None:
        return row.as_of - dt.timedelta(days=row.as_of.weekday())
    return row.period_start


class RepHistory(Worded, _Strict):
    """One rep's weekly metrics, oldest week first; each week is a RepMetrics."""

    rep_id: str = Field(min_length=1, strict=True)
    weeks: tuple[RepMetrics, ...] = Field(min_length=1)
    _facts: dict[Targets, tuple[Facts, ...]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _weeks_in_order(self) -> Self:
        labels = [f"weeks[{i}]" for i in range(len(self.weeks))]
        problems = week_problems(self.weeks, labels, self.rep_id)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    @property
    def starts(self) -> tuple[dt.date, ...]:
        """The first day of every recorded week, oldest first."""
        return tuple(_start(w) for w in self.weeks)

    @property
    def weeks_spanned(self) -> int:
        """Calendar weeks from the first recorded week to the last, both included."""
        return (self.starts[-1] - self.starts[0]).days // 7 + 1

    @property
    def missing_weeks(self) -> tuple[dt.date, ...]:
        """Weeks inside the history that have no row."""
        return self.missing_between(self.starts[0], self.starts[-1])

    def missing_between(self, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
        """Weeks from the one holding `first` to the one holding `last` that have no row."""
        have = set(self.starts)
        week = self.week_start(first)
        out = []
        while week <= last:
            if week not in have:
                out.append(week)
            week += _WEEK
        return tuple(out)

    def week_start(self, day: dt.date) -> dt.date:
        """The first day of the history's week that holds `day` (weeks run from the first)."""
        return self.starts[0] + _WEEK * ((day - self.starts[0]).days // 7)

    def week_number(self, day: dt.date) -> int:
        """The number of the history's week holding `day` (0: the first recorded week)."""
        return (day - self.starts[0]).days // 7

    def values(self, name: str, targets: Targets | None = None) -> tuple[tuple[int, float], ...]:
        """(week number from 0, value) of a metric or ``derived.*`` quantity where known.

        True/false metrics count as 1/0, so a share of weeks can trend.
        """
        chosen = parse_targets(targets)
        if chosen not in self._facts:  # facts per week are built once per targets
            self._facts[chosen] = tuple(build_facts(week, chosen) for week in self.weeks)
        first = self.starts[0]
        out = []
        for start, facts in zip(self.starts, self._facts[chosen], strict=True):
            value = facts.get(name)
            if value is not None:
                out.append(((start - first).days // 7, float(value)))
        return tuple(out)

    def latest_dated(self) -> RepMetrics | None:
        """The latest week with pipeline figures and the day they run to (``as_of``)."""
        return next(
            (w for w in reversed(self.weeks) if w.as_of is not None and w.pipeline is not None),
            None,
        )

    def _words(self) -> str:
        starts = self.starts
        many = "week" if len(self.weeks) == 1 else "weeks"
        return (
            f"{self.rep_id}: {len(self.weeks)} {many} of figures, weeks of "
            f"{day(starts[0])} to {long_day(starts[-1])}"
        )


def latest_metrics(history: RepHistory, base: RepMetrics) -> RepMetrics:
    """`base` with every metric the history recorded set to its latest recorded value.

    This is the rep "now" for a plan made after some weeks: a metric the weeks never
    recorded keeps its value from `base`. The pipeline figures of dated weeks are one
    snapshot, never mixed week by week: those of the latest dated week that has any (with
    its period and ``as_of``) when it runs to ``base``'s day or later, over ``base``'s of
    the same period; else ``base``'s. The rep's identity stays that of `base`.
    """
    merged: dict[str, Any] = base.model_dump(exclude_none=True)
    for week in history.weeks:
        for group, values in week.model_dump(exclude_none=True).items():
            if group == "pipeline" and week.as_of is not None:
                continue  # a dated snapshot: taken whole below, or not at all
            if isinstance(values, dict):
                merged[group] = {**merged.get(group, {}), **values}
            elif group in METRICS:  # a top-level metric (tenure); identity fields stay
                merged[group] = values
    snapshot = history.latest_dated()
    day = snapshot.as_of if snapshot is not None else None
    if snapshot is not None and day is not None and (base.as_of is None or day >= base.as_of):
        same = (snapshot.period_start, snapshot.period_end) == (base.period_start, base.period_end)
        kept = merged.get("pipeline", {}) if same else {}
        assert snapshot.pipeline is not None  # latest_dated has pipeline figures
        merged["pipeline"] = {**kept, **snapshot.pipeline.model_dump(exclude_none=True)}
        for key in ("period_start", "period_end", "as_of"):
            merged[key] = getattr(snapshot, key)
    return RepMetrics.model_validate(merged)


def _start(week: RepMetrics) -> dt.date:
    start = week_of(week)
    assert start is not None  # checked by week_problems
    return start


def _has_period_figures(week: RepMetrics) -> bool:
    pipeline = week.pipeline
    return pipeline is not None and any(getattr(pipeline, f) is not None for f in PERIOD_FIGURES)


def week_problems(
    weeks: Sequence[RepMetrics], labels: Sequence[str], rep_id: str | None = None
) -> list[Problem]:
    """Everything wrong with the order of weeks: missing, duplicate, unordered or misaligned,
    and rows whose period figures cannot be read as the period to date (once)."""
    problems: list[Problem] = []
    seen: dict[dt.date, str] = {}
    previous: dt.date | None = None
    first: dt.date | None = None
    for week, label in zip(weeks, labels, strict=True):
        start = week_of(week)
        if rep_id is not None and week.rep_id != rep_id:
            problems.append(Problem(label, f"rep_id {week.rep_id!r} is not {rep_id!r}"))
        if start is None:
            problems.append(Problem(label, "as_of or period_start is required: it names the week"))
            continue
        if start in seen:
            problems.append(Problem(label, f"week {start} appears twice (first at {seen[start]})"))
        elif previous is not None and start < previous:
            message = f"week {start} comes after week {previous}; list weeks oldest first"
            problems.append(Problem(label, message))
        elif first is not None and (start - first).days % 7:
            message = f"week {start} is not a whole number of weeks after the first week {first}"
            problems.append(Problem(label, message))
        seen.setdefault(start, label)
        previous = start if previous is None else max(previous, start)
        first = first or start
    problems.extend(_not_to_date(weeks, labels))
    return problems


def _not_to_date(weeks: Sequence[RepMetrics], labels: Sequence[str]) -> list[Problem]:
    """One problem for every row that sets quota, closed-won or commit against one week."""
    bad = [
        (label, week)
        for week, label in zip(weeks, labels, strict=True)
        if _has_period_figures(week) and not _to_date(week)
    ]
    if not bad:
        return []
    label, week = bad[0]
    more = f" (so do {len(bad) - 1} more row{'s' * (len(bad) > 2)})" if len(bad) > 1 else ""
    if week.as_of is None:
        seen = "no as_of: the day its figures run to"
    else:
        seen = f"a period from {week.period_start} to {week.period_end}, not longer than a week"
    message = (
        f"quota, closed-won or commit with {seen}{more}; a weekly history row holds the "
        "period so far: period_start and period_end of the whole period (the quarter), "
        "as_of the week's last day, closed-won to that day (`gapdiag ingest --every week` "
        "writes rows so)"
    )
    return [Problem(label, message)]


def _to_date(week: RepMetrics) -> bool:
    """Whether the row's period figures run from a period's start to ``as_of``."""
    start, end = week.period_start, week.period_end
    if week.as_of is None or start is None or end is None:
        return False
    return (end - start).days >= 7


def history_from_rows(
    rows: Iterable[Mapping[str, Any]], *, source: str | None = None
) -> RepHistory:
    """Build a history from week rows (nested metrics mappings or RepMetrics), oldest first.

    Raises:
        InvalidMetrics: a bad row, or weeks duplicated, unordered or misaligned.
    """
    weeks: list[RepMetrics] = []
    problems: list[Problem] = []
    for index, row in enumerate(rows):
        try:
            weeks.append(RepMetrics.model_validate(row))
        except InvalidMetrics as error:
            problems.extend(Problem(f"weeks[{index}].{p.where}", p.message) for p in error.problems)
    return _history(weeks, [f"weeks[{i}]" for i in range(len(weeks))], problems, source)


def csv_rows(reader: csv.DictReader[str], source: str) -> Iterator[dict[str, str]]:
    """The rows of a CSV; a malformed one (a cell over the size limit) is one clear error."""
    try:
        yield from reader
    except csv.Error as error:
        hint = limits().hint("csv_cell_bytes")
        problem = Problem(f"line {reader.line_num}", f"cannot read CSV: {error} ({hint})")
        raise InvalidMetrics([problem], source=source) from None


def history_text(path: str | Path) -> str:
    """A weekly history file's text: a regular file (a FIFO would hang), UTF-8 with or
    without a byte-order mark, and CSV rather than JSON.

    Raises:
        InvalidMetrics: one problem naming the file and what is wrong with it.
    """
    file = Path(path)
    try:
        text = read_text(file)
    except InvalidInput as error:
        problem = Problem("(file)", str(error).removeprefix(f"{file}").lstrip(":0123456789 "))
        raise InvalidMetrics([problem], source=str(path)) from None
    if looks_like_json(text[:512].encode()):
        message = (
            "is JSON, not a weekly history CSV (one row per week with dotted metric columns;"
            " gapdiag ingest --every week writes one)"
        )
        raise InvalidMetrics([Problem("(file)", message)], source=str(path))
    return text


def read_history_csv(path: str | Path, *, rep_id: str | None = None) -> RepHistory:
    """Read a weekly history CSV: dotted metric columns, one row per week, oldest first.

    With `rep_id`, the file may hold several reps (a team's weekly rows): only that rep's
    rows are read, and a file without any is an error naming the reps it holds.

    Raises:
        InvalidMetrics: every bad cell and every misplaced week, each naming its line.
    """
    text = history_text(path)
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
    weeks: list[RepMetrics] = []
    labels: list[str] = []
    problems: list[Problem] = []
    others: dict[str, None] = {}
    for row in csv_rows(reader, str(path)):
        label = f"line {reader.line_num}"
        if rep_id is not None and csv_value(row.get("rep_id")) != rep_id:
            others.setdefault(str(csv_value(row.get("rep_id"))), None)
            continue  # another rep's week in a team's file
        try:
            if None in row:
                raise InvalidMetrics([Problem("(row)", "has more cells than the header")])
            weeks.append(RepMetrics.model_validate(rep_from_text(row)))
            labels.append(label)
        except InvalidMetrics as error:
            problems.extend(Problem(f"{label}: {p.where}", p.message) for p in error.problems)
    if rep_id is not None and not weeks and not problems and others:
        held = ", ".join(repr(r) for r in list(others)[:5]) + (", ..." if len(others) > 5 else "")
        problem = Problem("rep_id", f"no week of {rep_id!r} (the file holds {held})")
        raise InvalidMetrics([problem], source=str(path))
    return _history(weeks, labels, problems, str(path))


def _history(
    weeks: list[RepMetrics], labels: list[str], problems: list[Problem], source: str | None
) -> RepHistory:
    if not weeks and not problems:
        problems.append(Problem("(history)", "no weeks: at least one row is needed"))
    rep_id = weeks[0].rep_id if weeks else None
    problems.extend(week_problems(weeks, labels, rep_id))
    if problems:
        raise InvalidMetrics(problems, source=source)
    return RepHistory(rep_id=weeks[0].rep_id, weeks=tuple(weeks))
