"""Compiled conditions: Kleene three-valued logic, unknown arithmetic, and traces."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag.rulebook import compiler, expr
from gapdiag.rulebook.compiler import Facts

TRUTH = (True, False, None)
FLAGS = ("knowledge.certified", "territory.lead_routing_ok", "knowledge.comp_plan_understood")


def run(text: str, facts: Facts) -> bool | None:
    """Evaluate one condition on facts."""
    return compiler.condition(expr.parse(text))(facts)


def flags(a: bool | None, b: bool | None, c: bool | None = None) -> Facts:
    """Facts with three true/false metrics set (None = unknown)."""
    return dict(zip(FLAGS, (a, b, c), strict=True))


A, B, C = FLAGS


@pytest.mark.parametrize(("a", "b"), list(itertools.product(TRUTH, TRUTH)))
def test_kleene_tables(a: bool | None, b: bool | None) -> None:
    """and/or/not follow Kleene's strong three-valued tables."""
    facts = flags(a, b)
    expect_and = False if False in (a, b) else (None if None in (a, b) else True)
    expect_or = True if True in (a, b) else (None if None in (a, b) else False)
    assert run(f"{A} and {B}", facts) is expect_and
    assert run(f"{A} or {B}", facts) is expect_or
    assert run(f"not {A}", facts) is (None if a is None else not a)


truth = st.sampled_from(TRUTH)


@given(truth, truth, truth)
def test_kleene_laws(a: bool | None, b: bool | None, c: bool | None) -> None:
    """De Morgan, double negation, commutativity, associativity and distributivity hold."""
    facts = flags(a, b, c)
    pairs = [
        (f"not ({A} and {B})", f"not {A} or not {B}"),
        (f"not ({A} or {B})", f"not {A} and not {B}"),
        (f"not not {A}", A),
        (f"{A} and {B}", f"{B} and {A}"),
        (f"{A} or {B}", f"{B} or {A}"),
        (f"({A} and {B}) and {C}", f"{A} and ({B} and {C})"),
        (f"{A} and ({B} or {C})", f"({A} and {B}) or ({A} and {C})"),
        (f"{A} or ({B} and {C})", f"({A} or {B}) and ({A} or {C})"),
    ]
    for left, right in pairs:
        assert run(left, facts) is run(right, facts), (left, right)


def test_comparison_over_absent_metric_is_unknown() -> None:
    """A comparison reading an absent metric is unknown, not false."""
    assert run("activity.calls_per_day < 10", {"activity.calls_per_day": None}) is None
    assert run("activity.calls_per_day < 10", {}) is None


def test_false_and_unknown_is_decided() -> None:
    """A false conjunct decides the whole rule even when the other side is unknown."""
    facts = {"activity.calls_per_day": 50.0, "territory.lead_volume_vs_team": None}
    assert run("activity.calls_per_day < 10 and territory.lead_volume_vs_team > 1", facts) is False


def test_division_by_zero_is_unknown() -> None:
    """x / 0 makes the comparison unknown instead of raising."""
    facts = {"activity.calls_per_day": 10.0, "activity.meetings_per_week": 0.0}
    assert run("activity.calls_per_day / activity.meetings_per_week > 5", facts) is None


def test_overflow_is_unknown() -> None:
    """Arithmetic that overflows to infinity is unknown, not a silent infinite comparison."""
    facts = {"pipeline.quota": 1e308}
    assert run("pipeline.quota * 10 > 1", facts) is None


def test_arithmetic_and_functions() -> None:
    """+ - * / min max abs and unary minus compute as expected."""
    facts = {"activity.calls_per_day": 12.0, "activity.emails_per_day": 30.0}
    assert run("min(activity.calls_per_day, activity.emails_per_day, 100) == 12", facts) is True
    assert run("max(activity.calls_per_day, activity.emails_per_day) == 30", facts) is True
    assert run("abs(-activity.calls_per_day) == 12", facts) is True
    assert run("(activity.emails_per_day - activity.calls_per_day) / 2 == 9", facts) is True
    assert run("min(activity.calls_per_day, pipeline.quota) < 100", facts) is None


def test_chains_are_kleene_conjunctions() -> None:
    """A chain with one false link is false even if another link is unknown."""
    assert run("0.35 <= calls.talk_ratio <= 0.5", {"calls.talk_ratio": 0.6}) is False
    assert run("0.35 <= calls.talk_ratio <= 0.5", {"calls.talk_ratio": 0.4}) is True


def test_trace_reports_observed_threshold_and_distance() -> None:
    """Each comparison traces the observed value, the threshold and the signed distance."""
    text = "activity.calls_per_day < 0.5 * target.calls_per_day and 0.35 <= calls.talk_ratio"
    atoms = compiler.atoms(expr.parse(text), text)
    facts = {"activity.calls_per_day": 12.0, "target.calls_per_day": 40.0, "calls.talk_ratio": None}
    first, second = (a.trace(facts) for a in atoms)
    assert (first.observed, first.op, first.threshold) == (
        "activity.calls_per_day",
        "<",
        "0.5 * target.calls_per_day",
    )
    assert (first.observed_value, first.threshold_value, first.result, first.distance) == (
        12.0,
        20.0,
        True,
        -8.0,
    )
    # A constant on the left is flipped so the metric is what is observed.
    assert (second.observed, second.op, second.threshold) == ("calls.talk_ratio", ">=", "0.35")
    assert second.result is None
    assert second.distance is None


def test_trace_of_a_flag() -> None:
    """A true/false metric traces as itself with no operator."""
    atoms = compiler.atoms(expr.parse("not knowledge.certified"), "not knowledge.certified")
    (check,) = (a.trace({"knowledge.certified": False}) for a in atoms)
    assert (check.observed, check.op, check.result) == ("knowledge.certified", None, False)
