"""A team's coaching weeks: one CSV with a ``rep_id`` column, read into a history per rep.

The file is the single-rep history format (`gapdiag.coaching.history`) with rows of many
reps interleaved or grouped; each rep's weeks must be oldest first. Every bad cell and
every misplaced week is reported at once, each naming its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path

from gapdiag.coaching.history import RepHistory, csv_rows, history_text, week_problems
from gapdiag.model.errors import InvalidMetrics, Problem
from gapdiag.model.limits import limits
from gapdiag.model.metrics import RepMetrics
from gapdiag.model.rows import rep_from_text

Histories = Mapping[str, RepHistory]
"""Each rep's weekly history, by rep id."""


def read_team_weeks(path: str | Path) -> dict[str, RepHistory]:
    """Read a weekly history CSV of many reps into a history per rep id.

    Raises:
        InvalidMetrics: an unreadable file, bad cells, or weeks duplicated, unordered or
            misaligned within a rep; every problem with its line.
    """
    text = history_text(path)
    csv.field_size_limit(limits().csv_cell_bytes)
    reader = csv.DictReader(io.StringIO(text, newline=""), restval="")
    weeks: dict[str, list[tuple[str, RepMetrics]]] = {}
    problems: list[Problem] = []
    for row in csv_rows(reader, str(path)):
        label = f"line {reader.line_num}"
        try:
            if None in row:
                raise InvalidMetrics([Problem("(row)", "has more cells than the header")])
            week = RepMetrics.model_validate(rep_from_text(row))
        except InvalidMetrics as error:
            problems.extend(Problem(f"{label}: {p.where}", p.message) for p in error.problems)
            continue
        weeks.setdefault(week.rep_id, []).append((label, week))
    return _histories(weeks, problems, str(path))


def histories_of(histories: Iterable[RepHistory]) -> dict[str, RepHistory]:
    """Index histories by rep id.

    Raises:
        InvalidMetrics: two histories for the same rep.
    """
    out: dict[str, RepHistory] = {}
    for index, history in enumerate(histories):
        if history.rep_id in out:
            problem = Problem(f"history[{index}]", f"a second history for rep {history.rep_id!r}")
            raise InvalidMetrics([problem]) from None
        out[history.rep_id] = history
    return out


def _histories(
    weeks: dict[str, list[tuple[str, RepMetrics]]], problems: list[Problem], source: str
) -> dict[str, RepHistory]:
    if not weeks and not problems:
        problems.append(Problem("(history)", "no weeks: at least one row is needed"))
    for rep_id, rows in weeks.items():
        labels = [label for label, _ in rows]
        problems.extend(week_problems([w for _, w in rows], labels, rep_id))
    if problems:
        problems.sort(key=_line_of)
        raise InvalidMetrics(problems, source=source)
    return {
        rep_id: RepHistory(rep_id=rep_id, weeks=tuple(w for _, w in rows))
        for rep_id, rows in weeks.items()
    }


def _line_of(problem: Problem) -> int:
    head = problem.where.split(":", 1)[0]
    return int(head.removeprefix("line ")) if head.startswith("line ") else 0
