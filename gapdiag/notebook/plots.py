"""Plots for notebooks: a rep's leading indicators over weeks, a team's gap confidences.

matplotlib is an optional dependency (``pip install 'gapdiag[plot]'``), imported only when
a plot is drawn so ``import gapdiag`` stays fast. Functions return a matplotlib Figure
built without pyplot, so they work under any backend (Agg in tests and CI).
"""

from __future__ import annotations

import datetime as dt
import os
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from gapdiag.coaching.history import RepHistory, read_history_csv, week_of
from gapdiag.coaching.trends import movement, per_week
from gapdiag.model._text import plot_label
from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import BackendUnavailable, InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.gaps import GAPS
from gapdiag.model.labels import label_of, sentence, show
from gapdiag.model.metrics import METRICS, RepMetrics, Targets, nest, parse_metrics, parse_targets
from gapdiag.model.rows import read_cell
from gapdiag.model.wording import confidence, day

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

Weeks: TypeAlias = (
    "RepHistory | Sequence[RepMetrics | Mapping[str, Any]] | pd.DataFrame | str | os.PathLike[str]"
)
"""Weekly metrics of one rep: a history, a list of weeks, a DataFrame or a CSV path."""

LEADING_INDICATORS: Mapping[str, str] = {
    "activity.calls_per_day": "calls_per_day",
    "activity.emails_per_day": "emails_per_day",
    "activity.meetings_per_week": "meetings_per_week",
    "activity.meeting_to_opportunity_rate": "meeting_to_opportunity_rate",
}
"""The default indicators to plot, each with the target it is judged against."""
YLABEL_WIDTH = 18
"""Characters per line of a panel's axis title: long labels wrap instead of overlapping."""


def _figure(**options: Any) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the plot extra is part of the test extra
        raise BackendUnavailable("plots need matplotlib: pip install 'gapdiag[plot]'") from None
    return Figure(**options)


def plot_leading_indicators(
    weeks: Weeks,
    *,
    targets: Targets | Mapping[str, Any] | None = None,
    indicators: Sequence[str] = tuple(LEADING_INDICATORS),
) -> Figure:
    """One rep's leading indicators week by week, each against its target (dashed line).

    `weeks` is a RepHistory, a sequence of weekly metrics (RepMetrics or nested
    mappings), a DataFrame with dotted metric columns (``pd.read_csv("examples/weeks.csv")``;
    empty cells are unknown), or the path of such a CSV file; oldest week first.

    Weeks are labelled by ``period_start`` when every week has one, else numbered. A
    missing value is a gap in the line, never a zero.

    Raises:
        InvalidArgument: no weeks, weeks of different reps, or an unknown indicator.
        InvalidMetrics: a week's metrics break the input contract.
    """
    reps = weeks_of(weeks)
    if not reps:
        raise InvalidArgument("weeks: expected at least one week of metrics, got none")
    ids = sorted({r.rep_id for r in reps})
    if len(ids) > 1:
        raise InvalidArgument(f"weeks: expected one rep, got {', '.join(map(repr, ids))}")
    wanted = parse_targets(targets)
    for name in indicators:
        if name not in METRICS or METRICS[name].is_bool:
            raise InvalidArgument(f"indicators: {name!r} is not a numeric metric path")
    starts = [week_of(r) for r in reps]  # the week each row speaks for (as_of, else start)
    labels = (
        [day(s) for s in starts if s]
        if all(starts)
        else [f"week {n + 1}" for n in range(len(reps))]
    )
    numbers = [(s - starts[0]).days // 7 if s and starts[0] else n for n, s in enumerate(starts)]
    figure = _figure(figsize=(8, 2.2 * len(indicators)), layout="constrained")
    axes = figure.subplots(len(indicators), 1, sharex=True, squeeze=False)[:, 0]
    for ax, name in zip(axes, indicators, strict=True):
        scale = 100.0 if label_of(name).unit == "%" else 1.0  # shares plot as percentages
        values = [_value(r, name) for r in reps]
        ax.plot(labels, [float("nan") if v is None else v * scale for v in values], marker="o")
        target = _target(wanted, name)
        if target is not None:
            shown = f"target {show(name, target)}"
            ax.axhline(target * scale, linestyle="--", color="grey", label=shown)
            ax.legend(loc="upper left", fontsize="small")
        ax.set_ylabel(textwrap.fill(axis_label(name), YLABEL_WIDTH), fontsize="small")
        known = [(x, v) for x, v in zip(numbers, values, strict=True) if v is not None]
        ax.set_title(plot_label(trend_title(name, known, target)), fontsize="small", loc="left")
    axes[-1].tick_params(axis="x", labelrotation=30)
    figure.align_ylabels(axes)
    figure.suptitle(f"Leading indicators: {plot_label(ids[0])}")
    return figure


def trend_title(name: str, points: Sequence[tuple[int, float]], target: float | None) -> str:
    """A subplot's title: the indicator's trend word and slope, as the plan words them."""
    better: Literal["higher", "lower"] = "lower" if label_of(name).better == "lower" else "higher"
    direction, slope, _ = movement(points, better, target or 0.0)
    words = f"{sentence(label_of(name).label)}: {direction}"
    if direction != "unknown" and slope is not None:
        words += f", {per_week(name, slope)}"
    return words


def weeks_of(weeks: Weeks) -> list[RepMetrics]:
    """The weekly metrics in any form `plot_leading_indicators` accepts, validated.

    Raises:
        InvalidMetrics: a week (or a DataFrame cell) breaks the input contract.
    """
    if isinstance(weeks, RepHistory):
        return list(weeks.weeks)
    if isinstance(weeks, str | os.PathLike):
        return list(read_history_csv(os.fspath(weeks)).weeks)
    if hasattr(weeks, "columns") and hasattr(weeks, "to_dict"):  # a pandas DataFrame
        rows = [_row(record, i) for i, record in enumerate(weeks.to_dict("records"))]
        return [parse_metrics(row, source=f"row {i}") for i, row in enumerate(rows)]
    return [parse_metrics(w, source=f"weeks[{i}]") for i, w in enumerate(weeks)]


def _row(record: Mapping[str, Any], index: int) -> dict[str, Any]:
    """One DataFrame row as nested metrics: missing cells dropped, text cells read by kind."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for column, cell in record.items():
        if _missing(cell):
            continue
        value = cell.item() if hasattr(cell, "item") else cell  # numpy scalar -> Python
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            value = value.date()  # a parsed date column (pandas Timestamp) names the week
        try:
            values[str(column)] = read_cell(str(column), value) if isinstance(value, str) else value
        except ValueError as error:
            problems.append(
                Problem(f"row {index}: {column}", str(error).removeprefix(f"{column}: "))
            )
    if problems:
        raise InvalidMetrics(problems)
    return nest(values)


def _missing(cell: Any) -> bool:
    if cell is None:
        return True
    try:
        return bool(cell != cell)  # NaN is the one value unequal to itself
    except TypeError:  # pandas.NA is neither equal nor unequal: it is missing
        return True


def axis_label(path: str) -> str:
    """A metric's axis title: its label, with the unit where the label does not say it."""
    label = label_of(path)
    if label.unit in ("", "yes/no") or label.label.endswith(label.unit):
        return sentence(label.label)
    return f"{sentence(label.label)} ({label.unit})"


def _value(rep: RepMetrics, path: str) -> float | None:
    group, _, field = path.rpartition(".")
    holder = getattr(rep, group) if group else rep
    value = None if holder is None else getattr(holder, field)
    return value if isinstance(value, float) else None


def _target(targets: Targets, path: str) -> float | None:
    name = LEADING_INDICATORS.get(path, path.rpartition(".")[2])
    value = getattr(targets, name, None)
    return value if isinstance(value, float) else None


def plot_team_heatmap(diagnoses: Sequence[Diagnosis]) -> Figure:
    """A heatmap of gap confidences: one row per rep, one column per gap, status in each cell.

    Raises:
        InvalidArgument: no diagnoses.
    """
    if not diagnoses:
        raise InvalidArgument("diagnoses: expected at least one diagnosis, got none")
    grid = [[d.verdict(g).confidence for g in GAPS] for d in diagnoses]
    figure = _figure(figsize=(6, 1 + 0.45 * len(diagnoses)), layout="constrained")
    ax = figure.subplots()
    image = ax.imshow(grid, vmin=0.0, vmax=1.0, cmap="Reds", aspect="auto")
    ax.set_xticks(range(len(GAPS)), labels=list(GAPS))
    ax.set_yticks(range(len(diagnoses)), labels=[plot_label(d.rep_id) for d in diagnoses])
    ax.xaxis.tick_top()
    for row, d in enumerate(diagnoses):
        for col, gap in enumerate(GAPS):
            verdict = d.verdict(gap)
            colour = "white" if verdict.confidence > 0.6 else "black"
            text = f"{confidence(verdict.confidence)}\n{verdict.status}"
            ax.text(col, row, text, ha="center", va="center", fontsize="x-small", color=colour)
    figure.colorbar(image, ax=ax, label="confidence")
    return figure
