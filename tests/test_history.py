"""Weekly history: ordering rules with named errors, CSV reading, and trends per indicator."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import InvalidMetrics, Problem, RepMetrics
from gapdiag.coaching.history import (
    RepHistory,
    history_from_rows,
    latest_metrics,
    read_history_csv,
)
from gapdiag.coaching.trends import trend
from gapdiag.model.metrics import METRICS
from gapdiag.model.rows import flatten
from gapdiag.rulebook.interventions import Indicator

from .conftest import EXAMPLES
from .strategies import rep_dicts

MONDAY = dt.date(2026, 7, 6)
RATE = Indicator(
    metric="activity.meeting_to_opportunity_rate",
    target="target.meeting_to_opportunity_rate",
    better="higher",
)
DEFLECTIONS = Indicator(metric="ownership.deflections_per_one_on_one", target=1, better="lower")


def week(n: int, **groups: Any) -> dict[str, Any]:
    """Week n (0 = MONDAY) of rep r1 with the given metric groups."""
    return {"rep_id": "r1", "period_start": str(MONDAY + dt.timedelta(weeks=n)), **groups}


def rates(*values: float | None, start: int = 0) -> RepHistory:
    """A history whose meeting-to-opportunity rate takes `values`, one per week."""
    rows = [
        week(start + i, activity={} if v is None else {"meeting_to_opportunity_rate": v})
        for i, v in enumerate(values)
    ]
    return history_from_rows(rows)


def test_trend_improving_with_slope_and_weeks_observed() -> None:
    """A rising rate is improving, with its least-squares slope per week."""
    result = trend(rates(0.18, 0.20, 0.22, 0.24), RATE)
    assert result.direction == "improving"
    assert result.slope == pytest.approx(0.02)
    assert result.weeks_observed == 4
    assert (result.first, result.latest, result.target) == (0.18, 0.24, 0.30)
    assert not result.at_target


def test_trend_worsening_and_flat() -> None:
    """Falling is worsening; a change under 5% of the target is flat."""
    assert trend(rates(0.3, 0.25, 0.2), RATE).direction == "worsening"
    assert trend(rates(0.20, 0.205, 0.21), RATE).direction == "flat"


def test_lower_is_better_indicators_improve_downwards() -> None:
    """Fewer deflections per 1:1 is improvement."""
    rows = [week(i, ownership={"deflections_per_one_on_one": v}) for i, v in enumerate([3, 2, 1])]
    result = trend(history_from_rows(rows), DEFLECTIONS)
    assert result.direction == "improving"
    assert result.at_target


def test_too_few_weeks_leave_the_trend_unknown() -> None:
    """Below three observed weeks the direction is unknown, though the slope is reported."""
    result = trend(rates(0.1, 0.3), RATE)
    assert result.direction == "unknown"
    assert result.slope == pytest.approx(0.2)
    assert trend(rates(None, None, None), RATE).weeks_observed == 0


def test_missing_weeks_are_listed_and_placed_at_their_real_week() -> None:
    """A hole in the weeks is reported, and the slope uses real week numbers."""
    history = history_from_rows(
        [
            week(0, activity={"meeting_to_opportunity_rate": 0.1}),
            week(3, activity={}),
            week(4, activity={"meeting_to_opportunity_rate": 0.5}),
        ]
    )
    assert history.missing_weeks == (MONDAY + dt.timedelta(weeks=1), MONDAY + dt.timedelta(weeks=2))
    assert history.weeks_spanned == 5
    assert history.values("activity.meeting_to_opportunity_rate") == ((0, 0.1), (4, 0.5))
    assert trend(history, RATE).slope == pytest.approx(0.1)


def test_derived_quantities_and_flags_can_trend() -> None:
    """Indicators may be derived quantities; true/false metrics count as 1/0."""
    rows = [
        week(i, activity={"calls_per_day": c}, ownership={"states_gap_unprompted": f})
        for i, (c, f) in enumerate([(10, False), (20, True), (30, True)])
    ]
    history = history_from_rows(rows)
    assert history.values("derived.calls_vs_plan") == ((0, 0.25), (1, 0.5), (2, 0.75))
    assert history.values("ownership.states_gap_unprompted") == ((0, 0.0), (1, 1.0), (2, 1.0))


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([week(0), week(0)], r"weeks\[1\]: week 2026-07-06 appears twice \(first at weeks\[0\]\)"),
        ([week(1), week(0)], r"weeks\[1\]: week 2026-07-06 comes after week 2026-07-13"),
        (
            [week(0), {**week(1), "period_start": "2026-07-15"}],
            r"weeks\[1\]: week 2026-07-15 is not a whole number of weeks after the first",
        ),
        ([week(0), {**week(1), "rep_id": "r2"}], r"weeks\[1\]: rep_id 'r2' is not 'r1'"),
        ([{"rep_id": "r1"}], r"weeks\[0\]: as_of or period_start is required"),
        ([week(0, activity={"calls_per_day": -1})], r"weeks\[0\]\.activity\.calls_per_day: -1"),
        ([], r"no weeks"),
    ],
)
def test_bad_weeks_are_errors_naming_the_week(rows: list[dict[str, Any]], message: str) -> None:
    """Duplicate, unordered, misaligned, foreign or undated weeks are errors naming the row."""
    with pytest.raises(InvalidMetrics, match=message):
        history_from_rows(rows)


def test_model_itself_refuses_unordered_weeks() -> None:
    """Building RepHistory directly applies the same rules, as InvalidMetrics."""
    with pytest.raises(InvalidMetrics, match="comes after"):
        RepHistory.model_validate({"rep_id": "r1", "weeks": [week(1), week(0)]})


CSV = """\
rep_id,period_start,activity.calls_per_day,activity.meeting_to_opportunity_rate
r1,2026-07-06,12,0.18
r1,2026-07-13,15,
r1,2026-07-20,20,0.22
"""


def test_csv_reads_dotted_columns_and_empty_cells(tmp_path: Path) -> None:
    """A CSV row per week; an empty cell is absent, not zero."""
    file = tmp_path / "weeks.csv"
    file.write_text(CSV)
    history = read_history_csv(file)
    assert history.rep_id == "r1"
    assert history.values("activity.meeting_to_opportunity_rate") == ((0, 0.18), (2, 0.22))
    assert history.values("activity.calls_per_day") == ((0, 12.0), (1, 15.0), (2, 20.0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CSV + "r1,2026-07-13,16,0.2\n", r"weeks.csv: line 5: week 2026-07-13 appears twice "),
        (CSV.replace("15,", "lots,"), r"weeks.csv: line 3: activity.calls_per_day: 'lots'"),
        (CSV + "r1,2026-07-27,1,2,3\n", r"line 5: \(row\): has more cells than the header"),
        (CSV.splitlines()[0] + "\n", r"no weeks"),
    ],
)
def test_csv_problems_name_the_line(tmp_path: Path, text: str, message: str) -> None:
    """Every CSV problem names the file and the line of the row."""
    file = tmp_path / "weeks.csv"
    file.write_text(text)
    with pytest.raises(InvalidMetrics, match=message):
        read_history_csv(file)


def test_unreadable_csv_is_reported(tmp_path: Path) -> None:
    """A missing history file is an InvalidMetrics naming it."""
    with pytest.raises(InvalidMetrics, match=r"nope\.csv: .*cannot read"):
        read_history_csv(tmp_path / "nope.csv")


QUARTER = {"period_start": "2026-07-01", "period_end": "2026-09-30"}


@given(base=rep_dicts(), weeks=st.lists(rep_dicts(), min_size=1, max_size=4))
def test_latest_metrics_takes_each_metrics_last_recorded_value(
    base: dict[str, Any], weeks: list[dict[str, Any]]
) -> None:
    """Every metric is its latest recorded weekly value, else the base's; the pipeline is the
    latest dated week's snapshot as a whole, never mixed week by week; identity is the base's."""
    rep = RepMetrics.model_validate({**base, "rep_id": "r"})
    rows = [
        {**w, **QUARTER, "rep_id": "r", "as_of": dt.date(2026, 7, 10) + dt.timedelta(weeks=i)}
        for i, w in enumerate(weeks)
    ]
    history = history_from_rows(rows)
    merged = flatten(latest_metrics(history, rep).model_dump())
    recorded = [flatten(w.model_dump()) for w in history.weeks]
    before = flatten(rep.model_dump())
    snapshot = next((w for w in reversed(history.weeks) if w.pipeline is not None), None)
    for name in METRICS:
        if name.startswith("pipeline.") and snapshot is not None:
            assert merged.get(name) == flatten(snapshot.model_dump()).get(name), name
            continue
        known = [week[name] for week in recorded if week.get(name) is not None]
        if name.startswith("pipeline."):
            known = []  # dated weeks only ever give their pipeline as one snapshot
        assert merged.get(name) == (known[-1] if known else before.get(name)), name
    assert merged["rep_id"] == "r"
    if snapshot is not None:
        assert merged["as_of"] == snapshot.as_of


def test_a_weeks_closed_won_against_a_quarters_quota_is_refused_once() -> None:
    """Rows that set quota or closed-won against one week cannot be read period to date:
    one problem for the whole history, naming the first row and how many more."""
    rows = [
        week(i, pipeline={"quota": 600_000, "closed_won": 90_000 + i}, period_end=None)
        for i in range(3)
    ]
    with pytest.raises(InvalidMetrics) as caught:
        history_from_rows(rows)
    assert len(caught.value.problems) == 1
    assert "weeks[0]: quota, closed-won or commit with no as_of" in str(caught.value)
    assert "(so do 2 more rows)" in str(caught.value)
    weekly = [
        {**week(i), "period_end": str(MONDAY + dt.timedelta(weeks=i, days=6)), "as_of": None}
        | {"pipeline": {"closed_won": 1.0}, "as_of": str(MONDAY + dt.timedelta(weeks=i, days=6))}
        for i in range(2)
    ]
    with pytest.raises(InvalidMetrics, match="not longer than a week"):
        history_from_rows(weekly)


def test_period_to_date_rows_are_keyed_by_the_week_of_as_of() -> None:
    """A to-date row speaks for the week holding its as_of, whatever its period_start."""
    rows = [
        {"rep_id": "r1", **QUARTER, "as_of": day, "pipeline": {"quota": 100.0, "closed_won": won}}
        for day, won in (("2026-07-05", 0.0), ("2026-07-12", 10.0), ("2026-07-24", 30.0))
    ]
    history = history_from_rows(rows)
    assert history.starts == (dt.date(2026, 6, 29), dt.date(2026, 7, 6), dt.date(2026, 7, 20))
    assert history.missing_weeks == (dt.date(2026, 7, 13),)


def test_a_team_file_is_read_for_one_rep(tmp_path: Path) -> None:
    """With rep_id, a team's weekly file gives that rep's rows; a rep it lacks is named."""
    file = tmp_path / "weeks.csv"
    file.write_text(CSV + CSV.splitlines()[1].replace("r1,", "r2,") + "\n")
    assert len(read_history_csv(file, rep_id="r2").weeks) == 1
    with pytest.raises(InvalidMetrics, match="no week of 'r3' \\(the file holds 'r1', 'r2'\\)"):
        read_history_csv(file, rep_id="r3")


def test_a_rep_json_given_as_history_is_one_line(tmp_path: Path) -> None:
    """A rep's JSON given as --history: one problem saying it is JSON (it was a line, or
    two, per line of the JSON: 'has more cells than the header', '{: unknown field')."""
    from gapdiag.notebook.report.weeks import read_team_weeks

    for read in (read_history_csv, read_team_weeks):
        with pytest.raises(InvalidMetrics) as caught:
            read(EXAMPLES / "will-rep.json")
        assert len(caught.value.problems) == 1
        assert "is JSON, not a weekly history CSV" in str(caught.value)


def test_the_same_problem_on_many_lines_is_said_once() -> None:
    """The same problem on many rows reads 'lines 2-29: ...' (each row stays a Problem)."""
    same = [Problem(f"line {n}", "no as_of") for n in range(2, 30)]
    scattered = [Problem(f"line {n}: rep_id", "is required") for n in (3, 7, 8, 12, 40)]
    error = InvalidMetrics([*same, Problem("line 5: team", "odd"), *scattered], source="f.csv")
    assert len(error.problems) == 34
    assert str(error).splitlines() == [
        "f.csv: lines 2-29: no as_of",
        "f.csv: line 5: team: odd",
        "f.csv: lines 3, 7, 8 and 2 more: rep_id: is required",
    ]
