"""A rep's weekly history under coaching, and the trend of each leading indicator over it.

One row per week, keyed by ``period_start`` (the day the week starts). Weeks must be listed
oldest first, at most once, and a whole number of weeks apart; breaking any of these is an
error naming the week. A week that is simply absent (nobody recorded it) is allowed: trends
place every value at its real week, so a missing week neither stretches nor shrinks a
slope, and ``missing_weeks`` lists the holes so a report can show them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import Field, PrivateAttr, model_validator

from gapdiag.model._input import read_text
from gapdiag.model.errors import InvalidInput, InvalidMetrics, Problem
from gapdiag.model.limits import limits
from gapdiag.model.metrics import METRICS, RepMetrics, Targets, _Strict, parse_targets
from gapdiag.model.rows import rep_from_text
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.interventions import Indicator

Direction = Literal["improving", "flat", "worsening", "unknown"]
MIN_WEEKS_FOR_TREND = 3
"""Fewest weeks with a value before a trend is called (two points are mostly noise; ours)."""
FLAT_SHARE = 0.05
"""A change over the weeks observed smaller than this share of the target is flat (ours)."""
_WEEK = dt.timedelta(days=7)


class RepHistory(_Strict):
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
    def weeks_coached(self) -> int:
        """Calendar weeks from the first recorded week to the last, both included."""
        return (self.starts[-1] - self.starts[0]).days // 7 + 1

    @property
    def missing_weeks(self) -> tuple[dt.date, ...]:
        """Weeks inside the history that have no row."""
        have = set(self.starts)
        first = self.starts[0]
        every = (first + _WEEK * n for n in range(self.weeks_coached))
        return tuple(week for week in every if week not in have)

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


def latest_metrics(history: RepHistory, base: RepMetrics) -> RepMetrics:
    """`base` with every metric the history recorded set to its latest recorded value.

    This is the rep "now" for a plan made after weeks of coaching: a metric the weeks
    never recorded keeps its value from `base`; the rep's identity and period stay
    those of `base`.
    """
    merged: dict[str, Any] = base.model_dump(exclude_none=True)
    for week in history.weeks:
        for group, values in week.model_dump(exclude_none=True).items():
            if isinstance(values, dict):
                merged[group] = {**merged.get(group, {}), **values}
            elif group in METRICS:  # a top-level metric (tenure); identity fields stay
                merged[group] = values
    return RepMetrics.model_validate(merged)


def _start(week: RepMetrics) -> dt.date:
    assert week.period_start is not None  # checked by week_problems
    return week.period_start


def week_problems(
    weeks: Sequence[RepMetrics], labels: Sequence[str], rep_id: str | None = None
) -> list[Problem]:
    """Everything wrong with the order of weeks: missing, duplicate, unordered or misaligned."""
    problems: list[Problem] = []
    seen: dict[dt.date, str] = {}
    previous: dt.date | None = None
    first: dt.date | None = None
    for week, label in zip(weeks, labels, strict=True):
        start = week.period_start
        if rep_id is not None and week.rep_id != rep_id:
            problems.append(Problem(label, f"rep_id {week.rep_id!r} is not {rep_id!r}"))
        if start is None:
            problems.append(Problem(label, "period_start is required: it names the week"))
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
    return problems


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


def read_history_csv(path: str | Path) -> RepHistory:
    """Read a weekly history CSV: dotted metric columns, one row per week, oldest first.

    Raises:
        InvalidMetrics: every bad cell and every misplaced week, each naming its line.
    """
    file = Path(path)
    try:  # a regular file (a FIFO would hang), UTF-8 with or without a byte-order mark
        text = read_text(file)
    except InvalidInput as error:
        problem = Problem("(file)", str(error).removeprefix(f"{file}").lstrip(":0123456789 "))
        raise InvalidMetrics([problem], source=str(path)) from None
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
    weeks: list[RepMetrics] = []
    labels: list[str] = []
    problems: list[Problem] = []
    for row in csv_rows(reader, str(path)):
        label = f"line {reader.line_num}"
        try:
            if None in row:
                raise InvalidMetrics([Problem("(row)", "has more cells than the header")])
            weeks.append(RepMetrics.model_validate(rep_from_text(row)))
            labels.append(label)
        except InvalidMetrics as error:
            problems.extend(Problem(f"{label}: {p.where}", p.message) for p in error.problems)
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


class Trend(_Strict):
    """Which way one leading indicator moved over the weeks it was observed."""

    metric: str
    direction: Direction
    slope: float | None = Field(description="Change per week (least squares), None if unknown.")
    weeks_observed: int = Field(ge=0)
    first: float | None = None
    latest: float | None = None
    target: float
    better: Literal["higher", "lower"]
    at_target: bool = Field(description="The latest value meets the target.")


def trend(history: RepHistory, indicator: Indicator, targets: Targets | None = None) -> Trend:
    """The trend of one indicator over a history (unknown below MIN_WEEKS_FOR_TREND weeks)."""
    chosen = parse_targets(targets)
    points = history.values(indicator.metric, chosen)
    goal = indicator.target_value(chosen)
    slope = _slope(points)
    direction: Direction = "unknown"
    if slope is not None and len(points) >= MIN_WEEKS_FOR_TREND:
        change = slope * (points[-1][0] - points[0][0])
        scale = abs(goal) or max(abs(v) for _, v in points) or 1.0
        if abs(change) < FLAT_SHARE * scale:
            direction = "flat"
        else:
            up = change > 0
            direction = "improving" if up == (indicator.better == "higher") else "worsening"
    latest = points[-1][1] if points else None
    return Trend(
        metric=indicator.metric,
        direction=direction,
        slope=slope,
        weeks_observed=len(points),
        first=points[0][1] if points else None,
        latest=latest,
        target=goal,
        better=indicator.better,
        at_target=latest is not None and indicator.is_met(latest, chosen),
    )


def _slope(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of value on week number; None for fewer than two distinct weeks."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
