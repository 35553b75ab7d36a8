"""CRM exports to rep metrics: opportunity and activity rows -> one flat row per rep and period.

Metrics are computed *as of the period's end*: a deal counts as open when it was created
by then and was not yet won or lost (a deal closed after the period was still open at its
end); won and lost deals count when their close date falls inside the period. A rep
with no rows of a kind gets no metrics of that kind (absent, never zero).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapdiag.model._input import check_file
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.sources.crm import ActivityColumns, CrmMapping, OpportunityColumns, load_mapping

Rows = Iterable[Mapping[str, str]] | str | Path
_UNITS = {"milliseconds": 1 / 60_000, "seconds": 1 / 60, "minutes": 1.0}


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar period: first and last day (inclusive) and its label."""

    label: str
    start: dt.date
    end: dt.date

    @property
    def working_days(self) -> int:
        """Monday-to-Friday days in the period."""
        days = (self.end - self.start).days + 1
        return sum(1 for d in range(days) if (self.start + dt.timedelta(d)).weekday() < 5)


def parse_period(text: str) -> Period:
    """Read '2017-Q2', '2017-W14' (ISO week), '2017-05' or '2017' as a Period.

    Raises:
        InvalidArgument: any other text.
    """
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        return Period(text, start, _month_end(year, 3 * quarter))
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", text):
        try:
            start = dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
        except ValueError:
            raise InvalidArgument(f"period: {text!r} names no ISO week") from None
        return Period(text, start, start + dt.timedelta(6))
    if (m := re.fullmatch(r"(\d{4})-(\d{2})", text)) and 1 <= int(m[2]) <= 12:
        return Period(text, dt.date(int(m[1]), int(m[2]), 1), _month_end(int(m[1]), int(m[2])))
    if re.fullmatch(r"\d{4}", text):
        return Period(text, dt.date(int(text), 1, 1), dt.date(int(text), 12, 31))
    raise InvalidArgument(
        f"period: {text!r} is not a period (expected 2017-Q2, 2017-W14, 2017-05 or 2017)"
    )


def _month_end(year: int, month: int) -> dt.date:
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return following - dt.timedelta(1)


def ingest(
    *,
    period: str | Period,
    opportunities: Rows | None = None,
    activities: Rows | None = None,
    mapping: str | Path | CrmMapping = "salesforce",
) -> list[dict[str, Any]]:
    """Per-rep metrics for one period from CRM export rows (or CSV paths), as flat rows.

    The rows carry ``rep_id`` (the owner), ``period_start``, ``period_end`` and dotted
    metric columns, ready for ``diagnose_many`` or a CSV file.

    Raises:
        InvalidMetrics: every row that cannot be read (missing column, bad date or amount,
            a stage value the mapping does not classify), named by row number.
    """
    when = period if isinstance(period, Period) else parse_period(period)
    chosen = load_mapping(mapping)
    reps: dict[str, dict[str, Any]] = defaultdict(dict)
    problems: list[Problem] = []
    if opportunities is not None:
        if chosen.opportunities is None:
            raise InvalidArgument("mapping: has no 'opportunities' columns")
        _pipeline(_rows(opportunities), chosen.opportunities, when, reps, problems)
    if activities is not None:
        if chosen.activities is None:
            raise InvalidArgument("mapping: has no 'activities' columns")
        _activity(_rows(activities), chosen.activities, when, reps, problems)
    if problems:
        raise InvalidMetrics(problems)
    return [
        {"rep_id": rep, "period_start": when.start.isoformat(), "period_end": when.end.isoformat()}
        | metrics
        for rep, metrics in sorted(reps.items())
    ]


def _rows(source: Rows) -> list[Mapping[str, str]]:
    if isinstance(source, str | Path):
        check_file(Path(source))  # a FIFO or device would hang; a folder is one clear error
        try:
            with Path(source).open(newline="", encoding="utf-8-sig") as handle:
                return list(csv.DictReader(handle))
        except UnicodeDecodeError:
            raise InvalidArgument(f"{source}: not UTF-8 text; save the file as UTF-8") from None
        except (csv.Error, OSError) as error:
            raise InvalidArgument(f"{source}: cannot read CSV: {error}") from None
    return list(source)


class _Reader:
    """Reads cells of one row, collecting a Problem per unreadable cell."""

    def __init__(self, row: Mapping[str, str], number: int, problems: list[Problem]) -> None:
        self.row, self.line, self.problems = row, number, problems

    def text(self, column: str) -> str | None:
        if column not in self.row:
            self.fail(column, "column is missing from the export")
            return None
        value = (self.row[column] or "").strip()
        return value or None

    def date(self, column: str, formats: tuple[str, ...], required: bool = True) -> dt.date | None:
        value = self.text(column)
        if value is None:
            if required and column in self.row:
                self.fail(column, "is empty; a date is required")
            return None
        for fmt in formats:
            try:
                return dt.datetime.strptime(value, fmt).date()
            except ValueError:
                continue
        self.fail(column, f"{value!r} is not a date in any of the formats {', '.join(formats)}")
        return None

    def number(self, column: str) -> float | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return float(value.replace(",", "").lstrip("$"))
        except ValueError:
            self.fail(column, f"{value!r} is not a number")
            return None

    def fail(self, column: str, message: str) -> None:
        self.problems.append(Problem(f"line {self.line}: {column}", message))


def _pipeline(
    rows: list[Mapping[str, str]],
    columns: OpportunityColumns,
    period: Period,
    reps: dict[str, dict[str, Any]],
    problems: list[Problem],
) -> None:
    deals: dict[str, list[tuple[str, float | None, dt.date, dt.date | None]]] = defaultdict(list)
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        read = _Reader(row, number, problems)
        owner, stage = read.text(columns.owner), read.text(columns.stage)
        amount = read.number(columns.amount)
        created = read.date(columns.created, columns.date_formats)
        state = _state(stage, columns, read)
        closed = read.date(columns.closed, columns.date_formats, required=state != "open")
        if owner is None or created is None or state is None:
            continue
        deals[owner].append((state, amount, created, closed))
    for owner, items in deals.items():
        reps[owner].update(_pipeline_metrics(items, period))


def _state(stage: str | None, columns: OpportunityColumns, read: _Reader) -> str | None:
    if stage is None:
        return None
    if stage in columns.won:
        return "won"
    if stage in columns.lost:
        return "lost"
    if columns.open is None or stage in columns.open:
        return "open"
    known = ", ".join((*columns.won, *columns.lost, *columns.open))
    read.fail(columns.stage, f"{stage!r} is not a stage the mapping knows ({known})")
    return None


def _pipeline_metrics(
    deals: list[tuple[str, float | None, dt.date, dt.date | None]], period: Period
) -> dict[str, float]:
    start, end = period.start, period.end
    won = [d for d in deals if d[0] == "won" and d[3] is not None and start <= d[3] <= end]
    lost = [d for d in deals if d[0] == "lost" and d[3] is not None and start <= d[3] <= end]
    open_at_end = [d for d in deals if d[2] <= end and _open_on(d, end)]
    in_play = [d for d in deals if start <= d[2] <= end or (d[2] < start and _open_on(d, start))]
    metrics: dict[str, float] = {
        "pipeline.closed_won": sum(d[1] for d in won if d[1] is not None),
        "pipeline.open_pipeline": sum(d[1] for d in open_at_end if d[1] is not None),
    }
    if won or lost:
        metrics["pipeline.win_rate"] = len(won) / (len(won) + len(lost))
    if open_at_end:
        metrics["pipeline.avg_deal_age_days"] = statistics.fmean(
            (end - d[2]).days for d in open_at_end
        )
    if won:
        metrics["pipeline.sales_cycle_days"] = statistics.fmean(
            max(0, (d[3] - d[2]).days) for d in won if d[3] is not None
        )
    if in_play:
        metrics["pipeline.stage_conversion_rate"] = len(won) / len(in_play)
    return metrics


def _open_on(deal: tuple[str, float | None, dt.date, dt.date | None], day: dt.date) -> bool:
    """Open on `day`: still open today, or closed (won or lost) only after that day."""
    state, _, _, closed = deal
    return state == "open" or (closed is not None and closed > day)


def _activity(
    rows: list[Mapping[str, str]],
    columns: ActivityColumns,
    period: Period,
    reps: dict[str, dict[str, Any]],
    problems: list[Problem],
) -> None:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: {"call": 0, "email": 0, "meeting": 0})
    minutes: dict[str, list[float]] = defaultdict(list)
    kinds = {
        **dict.fromkeys(columns.calls, "call"),
        **dict.fromkeys(columns.emails, "email"),
        **dict.fromkeys(columns.meetings, "meeting"),
    }
    for number, row in enumerate(rows, start=2):
        read = _Reader(row, number, problems)
        owner, kind = read.text(columns.owner), read.text(columns.type)
        when = read.date(columns.timestamp, columns.date_formats)
        duration = read.number(columns.duration) if columns.duration else None
        if owner is None or when is None or kind not in kinds:
            continue  # other activity types (notes, tasks) are not activity metrics
        counts.setdefault(owner, {"call": 0, "email": 0, "meeting": 0})  # zero is measured
        if not period.start <= when <= period.end:
            continue
        counts[owner][kinds[kind]] += 1
        if kinds[kind] == "call" and duration is not None:
            minutes[owner].append(duration * _UNITS[columns.duration_unit])
    days = period.working_days
    for owner, seen in counts.items():
        metrics = reps[owner]
        metrics["activity.calls_per_day"] = seen["call"] / days
        metrics["activity.emails_per_day"] = seen["email"] / days
        metrics["activity.meetings_per_week"] = seen["meeting"] / (days / 5)
        if minutes[owner]:
            metrics["activity.avg_call_minutes"] = statistics.fmean(minutes[owner])
