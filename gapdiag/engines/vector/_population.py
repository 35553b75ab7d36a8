"""A validated population: one float64 column per metric, the reps' texts, and the bad rows.

Built from a pandas DataFrame (columns checked whole, see ``_checks``) or from a list of
rep mappings (each validated like ``diagnose`` validates one). Rows that break the input
contract are kept aside as problems, one per bad cell, and left out of the columns.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapdiag.engines.vector import _checks
from gapdiag.engines.vector._columns import Floats
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidMetrics, Problem
from gapdiag.model.metrics import METRICS, nest, parse_metrics
from gapdiag.model.rows import PROXY_SEPARATOR, flatten, ragged_reason
from gapdiag.rulebook.facts import metric_facts

TEXT = ("rep_id", "team")
DATES = ("period_start", "period_end", "as_of")
PROXIES = "proxies"
SOURCES = "sources"
"""The column of metric paths estimated from something else, joined by ``;``."""
DEFAULT_TEAM_BY = "team"
"""The default grouping column: it may be absent; any other `team_by` column must exist."""


@dataclass(frozen=True, slots=True)
class BadCell:
    """One reason a row was not diagnosed."""

    row: int
    rep_id: str | None
    field: str
    value: Any
    reason: str


@dataclass(frozen=True, slots=True)
class Population:
    """The valid reps of a population, column by column, and why the others were left out."""

    total: int
    rows: npt.NDArray[np.int64]
    numbers: dict[str, Floats]
    texts: dict[str, pd.Series]
    groups: pd.Series | None
    bad: tuple[BadCell, ...]
    unknown: tuple[str, ...] = ()
    """Columns of the file gapdiag does not know, left unread (see `from_frame`)."""

    @property
    def size(self) -> int:
        """How many reps passed validation."""
        return len(self.rows)

    def number(self, path: str) -> Floats:
        """One metric's column (NaN = absent); an all-NaN column when nobody gave it."""
        return self.numbers.get(path, self.absent)

    def proxied(self, start: int = 0, stop: int | None = None) -> dict[str, npt.NDArray[np.bool_]]:
        """Per metric path marked as a proxy on some row, which rows mark it (of the rows
        from `start` to `stop`, all by default)."""
        series = self.texts.get(PROXIES)
        if series is None:
            return {}
        series = series.iloc[start:stop]
        marks = [cell_items(v) for v in series.tolist()]
        paths = sorted({path for row in marks for path in row})
        return {path: np.array([path in row for row in marks], dtype=bool) for path in paths}

    @property
    def absent(self) -> Floats:
        """A read-only all-NaN column, shared by every metric nobody gave."""
        return self.numbers[""]

    def rep(self, index: int) -> dict[str, Any]:
        """The rep at `index` (among the valid ones) as a nested mapping for `diagnose`."""
        flat: dict[str, Any] = {}
        for name, series in self.texts.items():
            value = series.iloc[index]
            if not _checks._absent(value):
                flat[name] = _text_value(name, value)
        for path, column in self.numbers.items():
            if not path:
                continue
            value = float(column[index])
            if not math.isnan(value):
                flat[path] = (value == 1.0) if METRICS[path].is_bool else value
        return nest(flat)

    def reps(self) -> Iterator[dict[str, Any]]:
        """Every valid rep, in order, as `rep(index)` gives it: each column read in one pass,
        each rep built when it is asked for (a caller that uses one at a time holds one)."""
        texts = [(name, series.tolist()) for name, series in self.texts.items()]
        # each metric path split once into group and leaf: what `nest` does to a flat row
        numbers = [
            (*_split(path), METRICS[path].is_bool, column.tolist())
            for path, column in self.numbers.items()
            if path
        ]
        for index in range(self.size):
            rep: dict[str, Any] = {}
            for name, values in texts:
                value = values[index]
                if not _checks._absent(value):
                    rep[name] = _text_value(name, value)
            for group, leaf, is_bool, floats in numbers:
                number = floats[index]
                if number == number:  # not NaN
                    node = rep if group is None else rep.setdefault(group, {})
                    node[leaf] = (number == 1.0) if is_bool else number
            yield rep


def _text_value(name: str, value: Any) -> Any:
    """A text column's cell as a rep mapping holds it: a date, a list of proxy paths, text."""
    if name in DATES:
        return value.date()
    if name in (PROXIES, SOURCES):
        return list(cell_items(value))
    return value


def cell_items(cell: Any) -> tuple[str, ...]:
    """The items of a ``proxies`` or ``sources`` cell (joined by ``;``); none when absent."""
    if _checks._absent(cell) or not isinstance(cell, str):
        return ()
    return tuple(path.strip() for path in cell.split(PROXY_SEPARATOR) if path.strip())


def _split(path: str) -> tuple[str | None, str]:
    """A metric path's group (None at the top) and leaf; the contract nests one deep."""
    group, _, leaf = path.rpartition(".")
    if "." in group:
        raise AssertionError(f"metric path {path!r} nests more than one deep")
    return group or None, leaf


def from_frame(
    frame: pd.DataFrame,
    team_by: str | None,
    *,
    strict: bool = True,
    ragged: Mapping[int, int] | None = None,
) -> Population:
    """Validate a DataFrame whose columns are metric paths and rep_id, team, period dates.

    A column gapdiag does not know (a spreadsheet's "Manager") is left unread and named
    in `Population.unknown`, unless `strict`. `ragged` names the rows a CSV file held
    with another number of cells than its header (row -> cells): each is a bad row.

    Raises:
        InvalidMetrics: (`strict`) a column that is no field of the input contract; no
            rep_id column.
    """
    columns = [str(c) for c in frame.columns]
    if team_by is not None and team_by != DEFAULT_TEAM_BY and team_by not in columns:
        hint = did_you_mean(team_by, columns)
        others = ", ".join(c for c in columns if "." not in c)  # not the metric paths
        there = f"; the columns besides metrics are {others}" if others else ""
        raise InvalidMetrics([Problem("team_by", f"no column {team_by!r}{hint}{there}")])
    unknown = _check_columns(columns, team_by, strict=strict)
    if unknown:
        frame = frame.drop(columns=[c for c in frame.columns if str(c) in unknown])
        return dataclasses.replace(from_frame(frame, team_by, ragged=ragged), unknown=unknown)
    bad: list[tuple[int, str, Any, str]] = [
        (row, "(row)", f"{cells} cells", ragged_reason(cells, len(columns)))
        for row, cells in (ragged or {}).items()
    ]
    numbers: dict[str, Floats] = {}
    for path in frame.columns:
        kind = METRICS.get(str(path))
        if kind is None or path in TEXT:
            continue
        check = _checks.flag_column if kind.is_bool else _checks.number_column
        numbers[str(path)], problems = check(str(path), kind, frame[path])
        bad.extend((p, str(path), v, r) for p, v, r in problems)
    texts: dict[str, pd.Series] = {}
    for name in TEXT:
        if name in frame.columns:
            texts[name] = frame[name]
            problems = _checks.text_column(frame[name], required=name == "rep_id")
            bad.extend((p, name, v, r) for p, v, r in problems)
    for name in DATES:
        if name in frame.columns:
            texts[name], problems = _checks.date_column(frame[name])
            bad.extend((p, name, v, r) for p, v, r in problems)
    if PROXIES in frame.columns:
        texts[PROXIES] = frame[PROXIES]
        bad.extend((p, PROXIES, v, r) for p, v, r in _proxy_problems(frame[PROXIES]))
    if SOURCES in frame.columns:
        texts[SOURCES] = frame[SOURCES]
        problems = _checks.text_column(frame[SOURCES], required=False)
        bad.extend((p, SOURCES, v, r) for p, v, r in problems)
    for later, what in (
        ("period_end", "period_end {} is before period_start {}"),
        (
            "as_of",
            (
                "as_of {} is before period_start {}: figures cannot run to a day before the period "
                "starts"
            ),
        ),
    ):
        if "period_start" in texts and later in texts:
            start, end = texts["period_start"], texts[later]
            for p in np.flatnonzero((end < start).to_numpy()):
                message = what.format(end.iloc[p].date(), start.iloc[p].date())
                bad.append((int(p), later, end.iloc[p].date(), message))
    groups = frame[team_by] if team_by is not None and team_by in frame.columns else None
    if groups is not None and groups.isna().all():
        groups = None  # a team column with nothing in it groups nobody: one team, as without
    return _keep_valid(len(frame), numbers, texts, groups, bad)


def _check_columns(
    columns: Sequence[str], team_by: str | None, *, strict: bool = True
) -> tuple[str, ...]:
    """Refuse a header gapdiag cannot read; the other columns it does not know.

    Raises:
        InvalidMetrics: a name twice, no rep_id, a misspelt field (close to a known one,
            or a dotted path), or (`strict`) any unknown column.
    """
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InvalidMetrics([Problem(twice[0], "two columns have this name; keep one")])
    allowed = {*METRICS, *TEXT, *DATES, PROXIES, SOURCES} | ({team_by} if team_by else set())
    hints = {c: did_you_mean(c, allowed) for c in columns if c not in allowed}
    # A misspelt field (one close to a known one, or a dotted metric path) is refused even
    # so: left unread, its figures would be lost without a word.
    refused = [c for c, hint in hints.items() if strict or hint or "." in c]
    problems = [
        Problem(
            c,
            f"unknown field{hints[c]}; columns are metric paths such as "
            "activity.calls_per_day, or rep_id, team, period_start, period_end, as_of, proxies, "
            "sources",
        )
        for c in refused
    ]
    unknown = tuple(c for c in hints if c not in refused)
    if "rep_id" not in columns:
        shown = ", ".join(columns[:8]) + (", ..." if len(columns) > 8 else "")
        problems.append(
            Problem(
                "rep_id",
                f"is required but missing: no rep_id column (the columns are {shown}); a CRM"
                " export is turned into one row per rep by gapdiag ingest first",
            )
        )
    if problems:
        raise InvalidMetrics(problems)
    return unknown


def _keep_valid(
    total: int,
    numbers: dict[str, Floats],
    texts: dict[str, pd.Series],
    groups: pd.Series | None,
    bad: list[tuple[int, str, Any, str]],
) -> Population:
    rep_ids = texts.get("rep_id")
    cells = tuple(
        BadCell(p, _rep_id(rep_ids, p), field, value, reason)
        for p, field, value, reason in sorted(bad, key=lambda b: b[0])
    )
    keep = np.ones(total, dtype=bool)
    keep[[c.row for c in cells]] = False
    rows = np.flatnonzero(keep).astype(np.int64)
    if cells:
        numbers = {path: column[keep] for path, column in numbers.items()}
        texts = {name: series[keep] for name, series in texts.items()}
        groups = groups[keep] if groups is not None else None
    texts = {name: series.reset_index(drop=True) for name, series in texts.items()}
    numbers[""] = np.full(len(rows), np.nan)
    numbers[""].flags.writeable = False
    groups = groups.reset_index(drop=True) if groups is not None else None
    return Population(total, rows, numbers, texts, groups, cells)


def _rep_id(rep_ids: pd.Series | None, position: int) -> str | None:
    if rep_ids is None:
        return None
    value = rep_ids.iloc[position]
    return value if isinstance(value, str) and value else None


def from_records(records: Iterable[Mapping[str, Any]], team_by: str | None) -> Population:
    """Validate rep mappings (nested, or flat with dotted keys) one by one, as `diagnose` does."""
    facts: list[dict[str, Any]] = []
    texts: dict[str, list[Any]] = {name: [] for name in ("team", *DATES, PROXIES, SOURCES)}
    bad: list[tuple[int, str, Any, str]] = []
    ids: list[Any] = []
    total = 0
    for position, record in enumerate(records):
        total += 1
        ids.append(record.get("rep_id") if isinstance(record, Mapping) else None)
        try:  # flat rows with dotted keys (ingest's output) are welcome too
            rep = parse_metrics(nest(record) if isinstance(record, Mapping) else record)
        except InvalidMetrics as error:
            flat = flatten(record) if isinstance(record, Mapping) else {}
            bad.extend((position, p.where, flat.get(p.where), p.message) for p in error.problems)
            facts.append({})
            for name in texts:
                texts[name].append(None)
            continue
        facts.append(metric_facts(rep))
        for name in texts:
            value = getattr(rep, name)
            listed = name in (PROXIES, SOURCES) and value
            texts[name].append(PROXY_SEPARATOR.join(value) if listed else value)
    numbers = {
        path: np.array([_number(f.get(path)) for f in facts], dtype=np.float64)
        for path in METRICS
        if any(f.get(path) is not None for f in facts)
    }
    series = {name: _series(name, values) for name, values in texts.items() if any(values)}
    series["rep_id"] = pd.Series(ids, dtype=object)
    groups = series.get(team_by) if team_by is not None else None
    return _keep_valid(total, numbers, series, groups, bad)


def _proxy_problems(series: pd.Series) -> list[tuple[int, Any, str]]:
    """Cells of the proxies column that are not text, or name something that is no metric."""
    out: list[tuple[int, Any, str]] = []
    for position, cell in enumerate(series.tolist()):
        if _checks._absent(cell):
            continue
        if not isinstance(cell, str):
            out.append((position, cell, f"{cell!r} is not text: metric paths joined by ';'"))
            continue
        for path in cell_items(cell):
            if path not in METRICS:
                reason = f"{path!r} is not a metric path{did_you_mean(path, METRICS)}"
                out.append((position, cell, reason))
                break
    return out


def _number(value: float | bool | None) -> float:
    return math.nan if value is None else float(value)


def _series(name: str, values: list[Any]) -> pd.Series:
    if name in DATES:
        return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[s]")
    return pd.Series(values, dtype=object)
