"""Counterfactuals: changes the verdict's owner can make that change its status, verified."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings

from gapdiag import (
    Counterfactual,
    CounterfactualChange,
    Diagnosis,
    RepMetrics,
    Rulebook,
    diagnose,
    load_rules,
    what_if,
)
from gapdiag.engines import counterfactual as cf
from gapdiag.model.labels import label_of

from .conftest import CALLS_UNDER_TEAM, behind, example
from .strategies import reps

PACK = load_rules()
WILL_REP: dict[str, Any] = {
    "rep_id": "rep-17",
    "activity": {"calls_per_day": 12},
    "territory": {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0},
}
EXAMPLES = ("will-rep", "skill-rep", "system-rep", "knowledge-rep", "coverage-rep")


def rule(rule_id: str, when: str, gap: str = "will", certainty: float = 0.8) -> dict[str, Any]:
    """A one-line rule for a hand-made pack."""
    return {
        "id": rule_id,
        "gap": gap,
        "certainty": certainty,
        "when": when,
        "because": "because",
        "examples": [{"given": {}, "fires": "unknown"}],
    }


def only(result: Diagnosis, metric: str) -> Counterfactual:
    """The one single-change counterfactual that moves `metric`."""
    (found,) = [c for c in result.counterfactuals if [m.metric for m in c.changes] == [metric]]
    return found


def assert_verified(rep: Any, result: Diagnosis, **options: Any) -> None:
    """Re-diagnosing with each counterfactual's changes gives its status, unlike before."""
    for found in result.counterfactuals:
        before = result.verdict(found.gap)
        assert found.status_before == before.status
        changes = {c.metric: c.value for c in found.changes}
        after = what_if(rep, changes, **options).after.verdict(found.gap)
        assert after.status == found.status_after != before.status
        assert after.confidence == found.confidence_after
        for change in found.changes:
            assert label_of(change.metric).owner in cf.LEVERS[found.gap][1]


def test_calls_twelve_to_twenty_clears_low_calls() -> None:
    """The boundary through derived.calls_vs_plan < 0.5 at a plan of 40 is exactly 20."""
    result = diagnose(WILL_REP, counterfactuals=True)
    calls = only(result, "activity.calls_per_day")
    (change,) = calls.changes
    assert (change.observed, change.value, change.boundary, change.strict) == (12, 20, 20, False)
    assert (calls.status_before, calls.status_after) == ("suspected", "unknown")
    assert calls.owner == "rep"
    assert calls.rules == ("activity-low-calls-normal-leads",)
    assert "12 → 20 calls a day" in result.explain()
    # Minimal: just short of the boundary the rule still fires.
    short = what_if(WILL_REP, {"activity.calls_per_day": 19.99})
    assert "activity-low-calls-normal-leads" in short.after.fired


def test_a_will_verdict_is_cleared_only_by_the_rep() -> None:
    """Territory and quota are not the rep's to change: they are never offered for will."""
    result = diagnose(WILL_REP, counterfactuals=True)
    metrics = {c.metric for found in result.counterfactuals for c in found.changes}
    assert metrics == {"activity.calls_per_day"}
    will = diagnose(example("will-rep"), counterfactuals=True)
    moved = {c.metric for found in will.counterfactuals for c in found.changes}
    assert moved
    assert not {m for m in moved if not m.startswith(("activity.", "ownership.", "pipeline."))}
    assert "pipeline.quota" not in moved
    assert_verified(example("will-rep"), will)


def test_a_system_verdict_is_cleared_by_the_organization() -> None:
    """A system verdict searches routing, territory and coaching: the organization's levers."""
    system = diagnose(example("system-rep"), counterfactuals=True)
    (found,) = system.counterfactuals
    assert found.owner == "organization"
    routing = next(c for c in found.changes if c.metric == "territory.lead_routing_ok")
    assert (routing.observed, routing.value) == (False, True)
    assert_verified(example("system-rep"), system)


def test_changes_only_ever_improve_a_metric() -> None:
    """No counterfactual asks for fewer calls or a lower quiz score to clear a rule."""
    for name in EXAMPLES:
        result = diagnose(example(name), counterfactuals=True)
        for found in result.counterfactuals:
            for change in found.changes:
                better = label_of(change.metric).better
                if better == "higher":
                    assert change.value >= change.observed
                elif better == "lower":
                    assert change.value <= change.observed


def test_ramp_relief_is_solved_through_the_derived_formula() -> None:
    """One month into a three-month ramp the plan is a third: calls clear at 40/3 * 0.5."""
    rep = {**WILL_REP, "tenure_months": 1, "activity": {"calls_per_day": 5}}
    result = diagnose(rep, counterfactuals=True)
    (change,) = only(result, "activity.calls_per_day").changes
    assert change.boundary == pytest.approx(40 / 3 * 0.5, abs=1e-9)


def test_only_confirmed_or_suspected_gaps_get_counterfactuals() -> None:
    """Gaps below suspicion get none; off by default in the library."""
    result = diagnose(example("will-rep"), counterfactuals=True)
    assert {c.gap for c in result.counterfactuals} == {"will"}
    assert diagnose(example("will-rep")).counterfactuals == ()


def test_several_changes_together_when_no_single_one_moves_the_verdict() -> None:
    """Three rules confirm the gap; no one change drops it, two together do."""
    book = Rulebook.from_rules(
        [
            rule("few-calls", "activity.calls_per_day < 20", certainty=0.5),
            rule("few-emails", "activity.emails_per_day < 30", certainty=0.5),
            rule("few-meetings", "activity.meetings_per_week < 1", certainty=0.5),
        ]
    )
    activity = {"calls_per_day": 10, "emails_per_day": 10, "meetings_per_week": 0}
    rep = behind({"rep_id": "r", "activity": activity})
    result = diagnose(rep, rules=book, counterfactuals=True)
    (found,) = result.counterfactuals
    assert [c.metric for c in found.changes] == [
        "activity.calls_per_day",
        "activity.emails_per_day",
    ]
    assert found.status_before == "confirmed"
    assert found.rules == ("few-calls", "few-emails")
    assert_verified(rep, result, rules=book)


def test_nothing_is_shown_when_no_change_moves_the_verdict() -> None:
    """A verdict resting on what the rep cannot change gets no counterfactual at all."""
    book = Rulebook.from_rules([rule("thin-leads", "territory.lead_volume_vs_team < 0.5")])
    rep = {"rep_id": "r", "territory": {"lead_volume_vs_team": 0.2}}
    assert diagnose(rep, rules=book, counterfactuals=True).counterfactuals == ()


def test_bisection_finds_where_a_derived_value_becomes_undefined() -> None:
    """A rule over coverage alone stops once the gap closes (coverage becomes unknown)."""
    book = Rulebook.from_rules([rule("thin-cover", "derived.coverage > 0")])
    money = {"quota": 100, "closed_won": 10, "commit": 0, "open_pipeline": 50}
    rep = {"rep_id": "r", "pipeline": money}
    result = diagnose(rep, rules=book, counterfactuals=True)
    (change,) = only(result, "pipeline.closed_won").changes  # no root: bisected
    assert isinstance(change.value, float)
    assert 99.9 < change.value <= 100.0
    assert_verified(rep, result, rules=book)


def test_an_absent_metric_of_an_or_rule_gets_no_counterfactual() -> None:
    """A rule firing through one side of `or` is cleared by the metrics it has, not absent ones."""
    book = Rulebook.from_rules(
        [rule("low-either", "activity.calls_per_day < 20 or activity.emails_per_day < 30")]
    )
    result = diagnose(
        {"rep_id": "r", "activity": {"calls_per_day": 10}}, rules=book, counterfactuals=True
    )
    (found,) = result.counterfactuals
    (change,) = found.changes
    assert (change.metric, change.boundary) == ("activity.calls_per_day", 20.0)


def test_counterfactuals_round_trip_as_json() -> None:
    """A diagnosis with counterfactuals reads back equal from JSON."""
    result = diagnose(example("skill-rep"), counterfactuals=True)
    assert result.counterfactuals
    assert Diagnosis.from_json(result.to_json()) == result


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_counterfactual_changes_its_verdict(name: str) -> None:
    """Every counterfactual shown for an example rep, re-diagnosed, changes the verdict."""
    result = diagnose(example(name), counterfactuals=True)
    assert_verified(example(name), result)


@settings(max_examples=60)
@given(reps())
def test_every_counterfactual_really_changes_its_verdict(rep: RepMetrics) -> None:
    """Applying a reported counterfactual changes the gap's status, as reported."""
    result = diagnose(rep, rules=PACK, counterfactuals=True)
    assert_verified(rep, result, rules=PACK)


def test_team_values_are_held_fixed_while_a_rep_metric_moves() -> None:
    """A rule over team.* gets its counterfactual with the team's values kept as given."""
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    team = {"mean": {"activity.calls_per_day": 40.0}}
    rep = behind({"rep_id": "r", "activity": {"calls_per_day": 20.0}})
    result = diagnose(rep, rules=book, team=team, counterfactuals=True)
    assert result.primary_gap == "will"
    (found,) = result.counterfactuals
    (change,) = found.changes
    assert (change.metric, change.value) == ("activity.calls_per_day", 28.0)


class _Meter:
    """Counts the work a counterfactual search does: rule probes and re-diagnoses."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.probes = self.rediagnoses = 0
        fires, rediagnose = cf._Probe.fires, cf._rediagnose

        def counted_fires(probe: Any, value: Any) -> bool:
            self.probes += 1
            return fires(probe, value)

        def counted_rediagnose(*args: Any) -> Any:
            self.rediagnoses += 1
            return rediagnose(*args)

        monkeypatch.setattr(cf._Probe, "fires", counted_fires)
        monkeypatch.setattr(cf, "_rediagnose", counted_rediagnose)


# Generous work budgets: a probe evaluates one rule, a re-diagnosis the whole pack.
PROBES_PER_METRIC = cf.MAX_ROOTS * (2 + 2 * len(cf.NUDGES)) + 2 * (cf.WIDEN_STEPS + cf.BISECT_STEPS)


def test_one_huge_or_rule_costs_a_bounded_number_of_probes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attack: a one-rule `or` of 8,000 comparisons (27.5 s before; quadratic in its size)."""
    when = " or ".join(f"activity.calls_per_day < {20 + i / 1000:.3f}" for i in range(8000))
    # The default limits refuse a condition this size (docs/security.md); raise them, as a
    # pack author who needs one would, to measure the search itself.
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_LENGTH", str(len(when)))
    monkeypatch.setenv("GAPDIAG_LIMIT_EXPR_TERMS", "16000")
    book = Rulebook.from_rules([rule("big-or", when)])
    rep = {"rep_id": "r", "activity": {"calls_per_day": 10}}
    meter = _Meter(monkeypatch)
    result = diagnose(rep, rules=book, counterfactuals=True)
    assert meter.probes <= PROBES_PER_METRIC
    assert meter.rediagnoses <= cf.MAX_REDIAGNOSES
    (found,) = result.counterfactuals
    assert found.changes[0].value == pytest.approx(27.999)


def test_thousands_of_firing_rules_cost_a_bounded_number_of_rediagnoses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attack: thousands of rule files all firing (5,000 took over 120 s to diagnose one rep)."""
    gaps = ("will", "skill", "knowledge", "system")
    book = Rulebook.from_rules(
        [
            rule(
                f"r{i}",
                f"activity.calls_per_day < {20 + i / 1000:.3f} and "
                f"territory.lead_volume_vs_team < {2 + i / 1000:.3f}",
                gap=gaps[i % 4],
                certainty=0.3,
            )
            for i in range(2000)
        ]
    )
    rep = {
        "rep_id": "r",
        "activity": {"calls_per_day": 10},
        "territory": {"lead_volume_vs_team": 1.0},
    }
    meter = _Meter(monkeypatch)
    result = diagnose(rep, rules=book, counterfactuals=True)
    assert meter.rediagnoses <= len(gaps) * cf.MAX_REDIAGNOSES
    assert meter.probes <= len(gaps) * cf.MAX_RULES * 2 * PROBES_PER_METRIC
    assert result.counterfactuals == ()  # 500 rules a gap: no bounded change moves them


def test_a_set_of_changes_moves_each_metric_one_way_only() -> None:
    """Changes join a set unless they move a held metric back, less far, or flip a flag twice."""

    def change(metric: str, observed: float | bool, value: float | bool) -> Any:
        return CounterfactualChange(
            metric=metric, observed=observed, value=value, boundary=value, strict=False
        )

    held = {"activity.calls_per_day": change("activity.calls_per_day", 10.0, 20.0)}
    assert cf._fits(held, change("activity.emails_per_day", 10.0, 30.0))
    assert cf._fits(held, change("activity.calls_per_day", 10.0, 25.0))
    assert not cf._fits(held, change("activity.calls_per_day", 10.0, 15.0))
    down = {"pipeline.avg_deal_age_days": change("pipeline.avg_deal_age_days", 90.0, 60.0)}
    assert cf._fits(down, change("pipeline.avg_deal_age_days", 90.0, 45.0))
    flag = {"knowledge.certified": change("knowledge.certified", False, True)}
    assert not cf._fits(flag, change("knowledge.certified", False, True))
