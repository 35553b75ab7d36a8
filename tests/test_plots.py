"""Plots: leading indicators over weeks and a team heatmap, drawn with the Agg backend."""

from __future__ import annotations

import io
import itertools
from typing import Any

import matplotlib
import pytest

from gapdiag import InvalidArgument, InvalidMetrics, RepHistory, RepMetrics, diagnose
from gapdiag.coaching.history import read_history_csv
from gapdiag.notebook.plots import plot_leading_indicators, plot_team_heatmap

from .conftest import EXAMPLES, example

matplotlib.use("Agg")


def weeks(n: int = 4) -> list[dict[str, Any]]:
    """Weekly metrics of one rep whose calls climb from 12 a day."""
    return [
        {
            "rep_id": "rep-1",
            "period_start": f"2026-07-{1 + 7 * i:02d}",
            "activity": {"calls_per_day": 12.0 + 4 * i, "meetings_per_week": 1.0 + i},
        }
        for i in range(n)
    ]


def render(figure: Any) -> bytes:
    """Draw a figure to PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()


def test_leading_indicators_plot_values_against_targets() -> None:
    """One panel per indicator, the weekly values as a line, the target as a dashed line."""
    data = weeks()
    data[2]["activity"].pop("calls_per_day")
    figure = plot_leading_indicators(data, targets={"calls_per_day": 30})
    calls = figure.axes[0]
    line, target = calls.get_lines()
    values = list(line.get_ydata())
    assert values[:2] == [12.0, 16.0]
    assert values[2] != values[2]  # a missing week is a gap (NaN), never zero
    assert list(target.get_ydata()) == [30.0, 30.0]
    assert line.get_xdata()[0] == "Wed 1 Jul"
    assert calls.get_ylabel() == "Calls a day"
    assert calls.get_legend().get_texts()[0].get_text() == "target 30 calls a day"
    assert len(figure.axes) == 4
    assert render(figure).startswith(b"\x89PNG")


def test_a_rep_history_plots_like_its_weeks() -> None:
    """A RepHistory is plotted from its weeks."""
    history = RepHistory(rep_id="rep-1", weeks=tuple(RepMetrics.model_validate(w) for w in weeks()))
    figure = plot_leading_indicators(history)
    assert list(figure.axes[0].get_lines()[0].get_ydata()) == [12.0, 16.0, 20.0, 24.0]


def test_weeks_without_dates_are_numbered_and_indicators_chosen() -> None:
    """Without period_start the weeks are numbered; indicators can be picked."""
    data = [{k: v for k, v in w.items() if k != "period_start"} for w in weeks(2)]
    figure = plot_leading_indicators(data, indicators=["calls.talk_ratio"])
    assert len(figure.axes) == 1
    assert list(figure.axes[0].get_lines()[0].get_xdata()) == ["week 1", "week 2"]
    assert figure.axes[0].get_lines()[1].get_ydata()[0] == 43.0  # shares plot as percentages
    assert figure.axes[0].get_ylabel().replace("\n", " ") == "Rep talk time on calls (%)"


@pytest.mark.parametrize(
    ("data", "options", "message"),
    [
        ([], {}, "at least one week"),
        ([{"rep_id": "a"}, {"rep_id": "b"}], {}, "expected one rep"),
        ([{"rep_id": "a"}], {"indicators": ["activity.call_per_day"]}, "not a numeric metric"),
        ([{"rep_id": "a"}], {"indicators": ["knowledge.certified"]}, "not a numeric metric"),
    ],
)
def test_bad_plot_input_is_named(data: list[Any], options: dict[str, Any], message: str) -> None:
    """Bad weeks or indicators raise InvalidArgument saying what is wrong."""
    with pytest.raises(InvalidArgument, match=message):
        plot_leading_indicators(data, **options)


def test_a_bad_week_names_its_position() -> None:
    """Invalid metrics in one week are reported with the week's index."""
    with pytest.raises(InvalidMetrics, match=r"weeks\[1\]: activity.calls_per_day"):
        plot_leading_indicators(
            [{"rep_id": "a"}, {"rep_id": "a", "activity": {"calls_per_day": -1}}]
        )


def test_team_heatmap_has_a_cell_per_rep_and_gap() -> None:
    """Rows are reps, columns gaps in tie-break order; cells show confidence and status."""
    team = [diagnose(example(n)) for n in ("will-rep", "skill-rep", "system-rep")]
    figure = plot_team_heatmap(team)
    ax = figure.axes[0]
    grid = ax.get_images()[0].get_array()
    assert grid.shape == (3, 4)
    assert grid[0][1] == team[0].verdict("will").confidence
    assert [t.get_text() for t in ax.get_yticklabels()] == [d.rep_id for d in team]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["system", "will", "skill", "knowledge"]
    assert "98.8%\nconfirmed" in [t.get_text() for t in ax.texts]
    assert render(figure).startswith(b"\x89PNG")


def test_empty_team_is_refused() -> None:
    """A heatmap of no diagnoses raises InvalidArgument."""
    with pytest.raises(InvalidArgument, match="at least one diagnosis"):
        plot_team_heatmap([])


def lines(figure: Any) -> list[list[float]]:
    """The y values of every panel's data line (NaN where a week has no value)."""
    return [[float(y) for y in ax.get_lines()[0].get_ydata()] for ax in figure.axes]


def test_a_dataframe_or_a_csv_path_plots_like_the_history() -> None:
    """pd.read_csv(weeks.csv), the path itself and read_history_csv give the same lines."""
    pd = pytest.importorskip("pandas")
    path = EXAMPLES / "weeks.csv"
    wanted = plot_leading_indicators(read_history_csv(path))
    for given in (
        pd.read_csv(path),
        pd.read_csv(path, parse_dates=["period_start"]),
        path,
        str(path),
    ):
        figure = plot_leading_indicators(given)
        assert repr(lines(figure)) == repr(lines(wanted))  # NaN gaps in the same places
        labels = [t.get_text() for t in figure.axes[-1].get_xticklabels()]
        assert labels[0] == "Mon 6 Jul"


def test_dataframe_cells_are_checked_like_csv_cells() -> None:
    """A DataFrame cell that breaks the contract is reported with its row and column."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {"rep_id": ["r", "r"], "activity.calls_per_day": [12, "many"], "team": [None, "east"]}
    )
    with pytest.raises(InvalidMetrics, match=r"row 1: activity.calls_per_day"):
        plot_leading_indicators(frame)
    frame = pd.DataFrame({"rep_id": ["r"], "activity.calls_per_day": [pd.NA]}, dtype=object)
    figure = plot_leading_indicators(frame, indicators=["activity.calls_per_day"])
    assert repr(lines(figure)) == "[[nan]]"
    frame = pd.DataFrame({"rep_id": ["r"], "pipeline.win_rate": [25.0]})
    with pytest.raises(InvalidMetrics, match=r"row 0: pipeline.win_rate: 25"):
        plot_leading_indicators(frame)


def test_pandas_missing_markers_are_missing() -> None:
    """None, NaN and pandas.NA (older pandas hands it out in records) are unknown cells."""
    pd = pytest.importorskip("pandas")
    from gapdiag.notebook.plots import _missing

    assert _missing(None)
    assert _missing(float("nan"))
    assert _missing(pd.NA)
    assert not _missing(0.0)
    assert not _missing("")


def test_axis_titles_of_stacked_panels_do_not_overlap() -> None:
    """Each panel's axis title stays inside its own panel's height (long labels wrap)."""
    figure = plot_leading_indicators(read_history_csv(EXAMPLES / "weeks.csv"))
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    boxes = [ax.yaxis.label.get_window_extent(renderer) for ax in figure.axes]
    for upper, lower in itertools.pairwise(boxes):
        assert lower.y1 <= upper.y0 + 1, (upper, lower)
