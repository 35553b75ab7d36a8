"""Counterfactuals: exact single-metric changes that stop a firing rule, verified."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from gapdiag import Counterfactual, Diagnosis, RepMetrics, Rulebook, diagnose, load_rules, what_if
from gapdiag.notebook.explain import change_text

from .conftest import CALLS_UNDER_TEAM, example
from .strategies import reps

PACK = load_rules()
WILL_REP: dict[str, Any] = {
    "rep_id": "rep-17",
    "activity": {"calls_per_day": 12, "meetings_per_week": 1},
    "territory": {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0},
}


def options(result: Diagnosis, rule: str) -> dict[str, Counterfactual]:
    """The counterfactuals found for one rule, by metric."""
    return {c.metric: c for c in result.counterfactuals if c.rule == rule}


def test_calls_twelve_to_twenty_clears_low_calls() -> None:
    """The boundary through derived.calls_vs_plan < 0.5 at a plan of 40 is exactly 20."""
    result = diagnose(WILL_REP, counterfactuals=True)
    calls = options(result, "activity-low-calls-normal-leads")["activity.calls_per_day"]
    assert (calls.observed, calls.value, calls.boundary, calls.strict) == (12.0, 20.0, 20.0, False)
    assert (calls.confidence_after, calls.status_after) == (0.0, "unknown")
    assert "activity.calls_per_day from 12 to 20" in result.explain()
    # Minimal: just short of the boundary the rule still fires.
    short = what_if(WILL_REP, {"activity.calls_per_day": 19.99})
    assert "activity-low-calls-normal-leads" in short.after.fired


def test_strict_boundary_is_reported_as_just_past() -> None:
    """`calls_vs_plan >= 0.5` (quality) clears only below 0.5: strict, value just under."""
    rep = {"rep_id": "q", "activity": {"calls_per_day": 30, "meetings_per_week": 2}}
    result = diagnose(rep, counterfactuals=True)
    calls = options(result, "activity-busy-few-meetings")["activity.calls_per_day"]
    assert calls.boundary == 20.0
    assert calls.strict
    assert 19.9 < calls.value < 20.0
    assert "to below 20" in change_text(calls)


def test_ramp_relief_is_solved_through_the_derived_formula() -> None:
    """One month into a three-month ramp the plan is a third: calls clear at 40/3 * 0.5."""
    rep = {**WILL_REP, "tenure_months": 1, "activity": {"calls_per_day": 5}}
    result = diagnose(rep, counterfactuals=True)
    calls = options(result, "activity-low-calls-normal-leads")["activity.calls_per_day"]
    assert abs(calls.boundary - 40 / 3 * 0.5) < 1e-9  # type: ignore[operator]


def test_flags_flip_and_money_solves_through_coverage() -> None:
    """A flag rule clears by flipping the flag; a coverage rule by pipeline math."""
    system = diagnose(example("system-rep"), counterfactuals=True)
    routing = options(system, "territory-broken-lead-routing")["territory.lead_routing_ok"]
    assert (routing.observed, routing.value) == (False, True)
    assert "from no to yes" in change_text(routing)
    will = diagnose(example("will-rep"), counterfactuals=True)
    shortfall = options(will, "pipeline-coverage-shortfall")
    assert shortfall["pipeline.quota"].value == 90500.0  # gap 100k - 59.5k shortfall
    assert "$150,000 to $90,500" in change_text(shortfall["pipeline.quota"])


def test_only_confirmed_or_suspected_gaps_get_counterfactuals() -> None:
    """Counter-evidence and gaps below suspicion get none; off by default."""
    result = diagnose(example("will-rep"), counterfactuals=True)
    gaps = {c.gap for c in result.counterfactuals}
    assert gaps == {"will"}
    assert diagnose(example("will-rep")).counterfactuals == ()


def test_bisection_finds_where_a_derived_value_becomes_undefined() -> None:
    """A rule over coverage alone stops once the gap closes (coverage becomes unknown)."""
    book = Rulebook.from_rules(
        [
            {
                "id": "thin-cover",
                "gap": "will",
                "certainty": 0.5,
                "when": "derived.coverage > 0",
                "because": "coverage {derived.coverage}",
                "examples": [{"given": {}, "fires": "unknown"}],
            }
        ]
    )
    rep = {"rep_id": "r", "pipeline": {"quota": 100, "closed_won": 10, "commit": 0}}
    rep["pipeline"]["open_pipeline"] = 50
    result = diagnose(rep, rules=book, counterfactuals=True)
    found = options(result, "thin-cover")
    assert found["pipeline.open_pipeline"].value == 0.0  # the comparison's own root
    closed = found["pipeline.closed_won"]  # coverage never reaches 0: no root, so bisect
    assert 99.9 < closed.value <= 100.0  # type: ignore[operator]
    assert (
        "thin-cover"
        not in what_if(rep, {"pipeline.closed_won": closed.value}, rules=book).after.fired
    )


def test_an_absent_metric_of_an_or_rule_gets_no_counterfactual() -> None:
    """A rule firing through one side of `or` is cleared by the metrics it has, not absent ones."""
    book = Rulebook.from_rules(
        [
            {
                "id": "low-either",
                "gap": "will",
                "certainty": 0.5,
                "when": "activity.calls_per_day < 20 or activity.emails_per_day < 30",
                "because": "low activity",
                "examples": [{"given": {}, "fires": "unknown"}],
            }
        ]
    )
    result = diagnose(
        {"rep_id": "r", "activity": {"calls_per_day": 10}}, rules=book, counterfactuals=True
    )
    found = options(result, "low-either")
    assert list(found) == ["activity.calls_per_day"]
    assert found["activity.calls_per_day"].boundary == 20.0
    assert found["activity.calls_per_day"].status_after == "unknown"


def test_counterfactuals_round_trip_as_json() -> None:
    """A diagnosis with counterfactuals reads back equal from JSON."""
    result = diagnose(example("skill-rep"), counterfactuals=True)
    assert result.counterfactuals
    assert Diagnosis.from_json(result.to_json()) == result


@settings(max_examples=60)
@given(reps())
def test_every_counterfactual_really_stops_its_rule(rep: RepMetrics) -> None:
    """Applying a reported counterfactual stops that rule firing, and it starts from the rep."""
    result = diagnose(rep, rules=PACK, counterfactuals=True)
    firing = {
        e.rule
        for v in result.verdicts
        if v.status in ("confirmed", "suspected")
        for e in v.evidence
    }
    for change in result.counterfactuals:
        assert change.rule in firing
        assert change.observed == what_if(rep, {change.metric: None}, rules=PACK).changes[0].before
        after = what_if(rep, {change.metric: change.value}, rules=PACK).after
        assert change.rule not in after.fired
        assert after.verdict(change.gap).confidence == change.confidence_after


def test_team_values_are_held_fixed_while_a_rep_metric_moves() -> None:
    """A rule over team.* gets its counterfactual with the team's values kept as given."""
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    team = {"mean": {"activity.calls_per_day": 40.0}}
    rep = {"rep_id": "r", "activity": {"calls_per_day": 20.0}}
    result = diagnose(rep, rules=book, team=team, counterfactuals=True)
    assert result.primary_gap == "will"
    (change,) = result.counterfactuals
    assert change.metric == "activity.calls_per_day"
    assert change.value == 28.0
