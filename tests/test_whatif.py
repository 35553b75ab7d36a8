"""What-ifs: changes by dotted path, validated like any input, with what moved."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import Diagnosis, InvalidMetrics, RepMetrics, WhatIf, diagnose, load_rules, what_if

from .conftest import behind, example
from .strategies import reps

PACK = load_rules()
WILL_REP: dict[str, Any] = behind(
    {
        "rep_id": "rep-17",
        "activity": {"calls_per_day": 12, "meetings_per_week": 1},
        "territory": {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0},
        "knowledge": {"product_quiz_score": 0.9},  # knows the product: poor conversion is skill
    }
)


def test_more_calls_clears_the_will_verdict() -> None:
    """Raising calls to plan stops the low-calls rule and drops the will verdict."""
    result = what_if(WILL_REP, {"activity.calls_per_day": 40})
    assert result.changes[0].path == "activity.calls_per_day"
    assert (result.changes[0].before, result.changes[0].after) == (12.0, 40.0)
    assert result.before.primary_gap == "will"
    # issue 14: 40 calls for 1 meeting a week converts at a fifth of plan: quality (skill)
    assert result.after.primary_gap == "skill"
    assert "activity-low-calls-normal-leads" in result.stopped
    will = next(s for s in result.shifts if s.gap == "will")
    assert (will.confidence_before, will.confidence_after) == (0.6, 0.0)
    assert will.moved
    text = result.explain()
    assert "12 → 40 calls a day" in text
    assert "rules that stop firing: activity-low-calls-normal-leads" in text


def test_a_target_change_and_a_new_group_are_applied() -> None:
    """`target.*` paths change targets; a path into an absent group creates it."""
    result = what_if(
        WILL_REP, {"target.calls_per_day": 20, "ownership.commitment_score": 5}, rules=PACK
    )
    assert result.after.verdict("will").confidence < result.before.verdict("will").confidence
    assert "ownership-low-commitment" in result.started
    assert "activity-low-calls-normal-leads" in result.stopped
    assert "rules that start firing: activity-busy-few-meetings, ownership-low-commitment" in (
        result.explain()
    )


def test_none_makes_a_metric_unknown() -> None:
    """Setting a metric to None leaves the rules that read it open."""
    result = what_if(WILL_REP, {"territory.lead_volume_vs_team": None})
    assert result.changes[0].after is None
    assert result.after.verdict("will").status == "unknown"
    assert "activity-low-calls-normal-leads" in [u.rule for u in result.after.undetermined]


def test_no_change_moves_nothing() -> None:
    """An empty change set gives equal diagnoses and no moved verdict."""
    result = what_if(WILL_REP, {})
    assert result.before == result.after
    assert not any(s.moved for s in result.shifts)
    assert "no verdict moved" in result.explain()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"activity.call_per_day": 40}, "did you mean 'activity.calls_per_day'?"),
        ({"target.call_per_day": 40}, "did you mean 'target.calls_per_day'?"),
        ({"pipeline.win_rate": 25}, "pipeline.win_rate: 25 is not a fraction in [0, 1]"),
        ({"activity.calls_per_day": -3}, "activity.calls_per_day: -3"),
        ({"target.talk_ratio": 1.5}, "talk_ratio: 1.5 is not a fraction"),
    ],
)
def test_bad_changes_are_named(changes: dict[str, Any], message: str) -> None:
    """A bad path or value raises InvalidMetrics naming it."""
    with pytest.raises(InvalidMetrics) as caught:
        what_if(WILL_REP, changes)
    assert message in str(caught.value)


def test_changes_must_be_a_mapping() -> None:
    """A list of changes is refused with a clear message."""
    with pytest.raises(InvalidMetrics, match="expected a mapping"):
        what_if(WILL_REP, [("activity.calls_per_day", 40)])  # type: ignore[arg-type]


def test_result_round_trips_as_json() -> None:
    """A WhatIf is frozen data: its JSON reads back equal."""
    result = what_if(WILL_REP, {"activity.calls_per_day": 40})
    assert WhatIf.model_validate_json(result.model_dump_json()) == result


@given(reps(), st.sampled_from(["activity.calls_per_day", "pipeline.win_rate", "tenure_months"]))
def test_setting_a_metric_to_its_own_value_changes_nothing(rep: RepMetrics, path: str) -> None:
    """A what-if that sets a metric to its current value gives the same diagnosis."""
    group, _, field = path.rpartition(".")
    holder = getattr(rep, group) if group else rep
    value = None if holder is None else getattr(holder, field)
    result = what_if(rep, {path: value}, rules=PACK)
    assert result.after == result.before == diagnose(rep, rules=PACK)
    assert isinstance(result.after, Diagnosis)


def test_a_target_change_reads_as_a_change_of_plan() -> None:
    """Lowering a target reads as the plan changing, never as the rep doing less."""
    result = what_if(example("will-rep"), {"target.calls_per_day": 25})
    text = result.explain()
    assert "Plan change: the target for calls a day moves 40 → 25 calls a day" in text
    assert "\n- 40 → 25 calls a day" not in text
    assert "Plan change" in result._repr_html_()
    rep = {"rep_id": "r", "activity": {"calls_per_day": 12.0}}
    rep["territory"] = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0}
    opened = what_if(rep, {"territory.lead_volume_vs_team": None}).explain()
    assert "Will confirmed" in opened or "Will suspected" in opened
    assert "→ not judged" in opened
