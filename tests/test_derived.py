"""Pipeline math and activity against plan, checked on the seeds' worked numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model import derived as d
from gapdiag.model.metrics import Targets, parse_metrics
from gapdiag.rulebook.facts import build_facts


def test_seed_coverage_case() -> None:
    """$180K pipeline against a $90K gap at 25% yields $45K: a $45K shortfall, 2x vs 4x needed."""
    gap = d.gap_to_goal(150_000.0, 40_000.0, 20_000.0)
    assert gap == 90_000
    expected = d.expected_from_pipeline(180_000.0, 0.25)
    assert expected == 45_000
    assert d.pipeline_shortfall(gap, expected) == 45_000
    assert d.coverage(180_000.0, gap) == 2.0
    assert d.required_coverage(0.25) == 4.0
    assert d.pipeline_needed(gap, 0.25) == 360_000


def test_unknown_inputs_give_unknown() -> None:
    """Any unknown input makes the derived value unknown, never zero."""
    assert d.gap_to_goal(None, 1.0, 1.0) is None
    assert d.expected_from_pipeline(1.0, None) is None
    assert d.pipeline_shortfall(None, 1.0) is None
    assert d.calls_per_meeting(None, 3.0) is None


def test_division_by_zero_is_unknown() -> None:
    """A zero win rate or zero meetings makes ratios unknown rather than crashing."""
    assert d.required_coverage(0.0) is None
    assert d.pipeline_needed(10.0, 0.0) is None
    assert d.calls_per_meeting(40.0, 0.0) is None


def test_coverage_is_unknown_once_the_gap_is_closed() -> None:
    """A rep already past quota has no coverage ratio to speak of."""
    assert d.coverage(100.0, 0.0) is None
    assert d.coverage(100.0, -5.0) is None


def test_ramp_scales_the_plan() -> None:
    """A rep one month into a three-month ramp is held to a third of the plan, never below 25%."""
    assert d.ramp_factor(1.0, 3.0) == pytest.approx(1 / 3)
    assert d.ramp_factor(0.1, 3.0) == d.RAMP_FLOOR
    assert d.ramp_factor(6.0, 3.0) == 1.0
    assert d.ramp_factor(None, 3.0) == 1.0
    assert d.versus_plan(10.0, 40.0, 1 / 3) == pytest.approx(0.75)


def test_facts_include_metrics_targets_and_derived() -> None:
    """build_facts exposes every metric, target and derived name, unknown as None."""
    rep = parse_metrics({"rep_id": "r", "activity": {"calls_per_day": 20, "meetings_per_week": 2}})
    facts = build_facts(rep, Targets())
    assert facts["activity.calls_per_day"] == 20
    assert facts["pipeline.quota"] is None
    assert facts["target.calls_per_day"] == 40
    assert facts["derived.calls_vs_plan"] == 0.5
    assert facts["derived.calls_per_meeting"] == 50


def test_every_derived_name_has_inputs() -> None:
    """Each derived quantity declares the metrics it needs (to say what to collect)."""
    assert set(d.DEPENDS) == set(d.DERIVED)
    assert d.inputs_of("derived.coverage")[0] == "pipeline.open_pipeline"
    assert d.inputs_of("target.calls_per_day") == ()


money = st.floats(0, 1e9, allow_nan=False)


@given(money, money, money, money, st.floats(0.01, 1))
def test_shortfall_identity(
    quota: float, won: float, commit: float, pipe: float, win: float
) -> None:
    """shortfall = gap - pipeline x win rate, and pipeline_needed x win rate = gap."""
    gap = d.gap_to_goal(quota, won, commit)
    assert gap is not None
    needed = d.pipeline_needed(gap, win)
    assert needed is not None
    assert needed * win == pytest.approx(gap, rel=1e-9, abs=1e-6)
    assert d.pipeline_shortfall(gap, d.expected_from_pipeline(pipe, win)) == pytest.approx(
        gap - pipe * win
    )


def test_overflowing_quantities_are_unknown_not_infinite() -> None:
    """A tiny win rate makes 'pipeline needed' overflow: unknown, never -inf, in both evaluators."""
    from gapdiag.model.metrics import DEFAULT_TARGETS, parse_metrics
    from gapdiag.rulebook.facts import build_facts

    rep = parse_metrics(
        {
            "rep_id": "r",
            "pipeline": {"quota": 0.0, "closed_won": 5.0, "commit": 0.0, "win_rate": 5e-324},
        }
    )
    facts = build_facts(rep, DEFAULT_TARGETS)
    assert facts["derived.pipeline_needed"] is None
    assert facts["derived.required_coverage"] is None
    assert facts["derived.gap_to_goal"] == -5.0
