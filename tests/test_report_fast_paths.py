"""The team report's fast paths give exactly what the general ones give (issue 18)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.model.labels import LABELS, _searched, _show_many, _unit, show, show_all
from gapdiag.rulebook.pack import Rulebook

from .conftest import rule_dict
from .strategies import populations

pd = pytest.importorskip("pandas")

from gapdiag.engines.vector.batch import diagnose_many  # noqa: E402
from gapdiag.model.rows import flatten  # noqa: E402

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-2, max_value=2),
    st.integers(min_value=-(10**7), max_value=10**7),
    st.sampled_from([0.0, 1.0, 0.9999, 0.00001, -0.00001, 0.995, 1.00001]),
)


@settings(max_examples=400)
@given(st.sampled_from(sorted(LABELS)) | st.just("no.such_metric"), VALUES)
def test_show_of_one_value_is_show_all_of_it(path: str, value: Any) -> None:
    """show() skips the distinctness search for one value; its text is show_all's."""
    assert show(path, value) == show_all(path, [value])[0]


@settings(max_examples=400)
@given(
    st.sampled_from(sorted(LABELS)) | st.just("no.such_metric"),
    st.lists(VALUES | st.sampled_from([0.25, 0.2466, 0.2499, 14.0, 14.04]), max_size=4),
    st.booleans(),
)
def test_show_many_at_the_usual_places_is_the_general_search(
    path: str, values: list[Any], nouns: bool
) -> None:
    """Several values at their unit's usual decimals read exactly as the general search."""
    unit = _unit(path)
    keep_noun = nouns or unit.style != "noun"
    assert _show_many(path, values, nouns=nouns) == _searched(unit, values, keep_noun)


@settings(max_examples=25)
@given(populations(max_size=12), st.booleans())
def test_batch_reps_is_rep_of_every_row(reps: list[dict[str, Any]], as_frame: bool) -> None:
    """Batch.reps() (one pass over the columns) equals Batch.rep(row) for every row."""
    source: Any = pd.DataFrame([flatten(r) for r in reps]) if as_frame else reps
    batch = diagnose_many(source)
    assert batch.reps() == tuple(batch.rep(row) for row in batch.rows)
    assert tuple(batch.each_rep()) == batch.reps()
    assert batch.groups() == tuple(batch.group(row) for row in batch.rows)
    assert batch.teams() == tuple(batch.team(row) for row in batch.rows)


@settings(max_examples=20)
@given(populations(max_size=12), st.booleans())
def test_batch_teams_is_team_of_every_row(reps: list[dict[str, Any]], as_frame: bool) -> None:
    """With a pack reading team values, Batch.teams() equals Batch.team(row) for every row."""
    path = "activity.calls_per_day"
    book = Rulebook.from_rules(
        [rule_dict("vs-team", f"{path} < team.mean.{path} and {path} <= team.median.{path}")]
    )
    source: Any = pd.DataFrame([flatten(r) for r in reps]) if as_frame else reps
    batch = diagnose_many(source, rules=book)
    teams = batch.teams()
    assert teams == tuple(batch.team(row) for row in batch.rows)
    assert all(team is not None for team in teams)


def test_batch_reps_skips_bad_rows() -> None:
    """A bad row is left out of reps() as it is out of rows."""
    frame = pd.DataFrame(
        {
            "rep_id": ["a", "b", None],
            "team": ["x", None, "y"],
            "activity.calls_per_day": [10.0, -1.0, 5.0],
            "period_start": ["2026-01-01", "2026-01-01", None],
            "period_end": ["2026-01-31", "2026-01-31", None],
        }
    )
    batch = diagnose_many(frame)
    assert batch.reps() == tuple(batch.rep(row) for row in batch.rows)
    assert tuple(batch.each_rep()) == batch.reps()
    assert batch.groups() == tuple(batch.group(row) for row in batch.rows)
    assert len(batch.reps()) == len(batch.rows) == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_report_restores_the_cycle_collector(
    enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """team_report pauses the cycle collector while it builds, and leaves it as it found it."""
    import gc

    from gapdiag.notebook import report
    from gapdiag.notebook.report import team_report

    paused: list[bool] = []
    real = report.render

    def spy(*args: Any, **kwargs: Any) -> str:
        paused.append(not gc.isenabled())
        return real(*args, **kwargs)

    batch = diagnose_many([{"rep_id": "a", "activity": {"calls_per_day": 10.0}}])
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        monkeypatch.setattr(report, "render", spy)
        assert "<html" in team_report(batch)
        assert paused == [True]
        assert gc.isenabled() is enabled
        monkeypatch.setattr(report, "render", lambda *a, **k: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            team_report(batch)
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()
