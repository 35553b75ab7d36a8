"""Properties of the verifier on random threshold rules, cross-checked by evaluation."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gapdiag import RepMetrics, Rulebook
from gapdiag.checks._witness import as_rep
from gapdiag.checks.verify import firing_input, verify_pack
from gapdiag.model.metrics import METRICS, Targets, nest
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.facts import build_facts

from .conftest import rule_dict
from .strategies import threshold_conditions, value_of

# Few metrics, so random rules often read the same ones and can overlap or nest.
NUMERIC = ("activity.calls_per_day", "calls.talk_ratio", "calls.rubric_score")
FLAGS = ("knowledge.certified",)
TARGETS = Targets()


def _conditions() -> st.SearchStrategy[str]:
    return threshold_conditions(max_atoms=3, numeric=NUMERIC, flags=FLAGS)


def _fires(book: Rulebook, rep: RepMetrics) -> tuple[bool | None, ...]:
    return book.evaluate(build_facts(rep, TARGETS))


def _numbers(node: x.Node) -> set[float]:
    found = {node.value} if isinstance(node, x.Num) else set()
    for child in x.children(node):
        found |= _numbers(child)
    return found


def _sample(book: Rulebook) -> st.SearchStrategy[list[RepMetrics]]:
    """Reps over the metrics the pack reads, with values on, just below and above its thresholds."""
    limits = {n for c in book.compiled for n in _numbers(c.condition)}
    near = {
        v for n in limits for v in (n, math.nextafter(n, -math.inf), math.nextafter(n, math.inf))
    }

    def value(path: str) -> st.SearchStrategy[Any]:
        kind = METRICS[path]
        if kind.is_bool:
            return value_of(kind)
        inside = sorted(v for v in near if (kind.low or 0.0) <= v <= (kind.high or math.inf))
        return st.one_of(value_of(kind), st.sampled_from(inside)) if inside else value_of(kind)

    paths = sorted({m for c in book.compiled for m in c.needs})
    flat = st.fixed_dictionaries({}, optional={p: value(p) for p in paths})
    one = flat.map(lambda f: RepMetrics.model_validate({"rep_id": "s", **nest(f)}))
    return st.lists(one, min_size=25, max_size=25)


@given(when=threshold_conditions(), data=st.data())
def test_unsatisfiable_exactly_when_nothing_fires(when: str, data: st.DataObject) -> None:
    """Unsatisfiable is reported iff no witness exists; a witness fires, nothing sampled does."""
    book = Rulebook.from_rules([rule_dict("r", when, "will")])
    sample = data.draw(_sample(book))
    codes = {f.code for f in verify_pack(book)} - {"out-of-range"}
    witness = firing_input(book, "r")
    assert "undecided" not in codes  # threshold rules are always decided
    if "unsatisfiable" in codes:
        assert witness is None
        assert all(_fires(book, rep)[0] is not True for rep in sample)
    else:
        assert witness is not None
        assert _fires(book, as_rep(witness)) == (True,)


@given(
    first=_conditions(),
    second=_conditions(),
    gaps=st.sampled_from([("will", "system"), ("skill", "knowledge")]),
    data=st.data(),
)
def test_overlap_comes_with_a_witness_and_absence_is_true(
    first: str, second: str, gaps: tuple[str, str], data: st.DataObject
) -> None:
    """A reported overlap has a rep firing both; with none reported, no sampled rep fires both."""
    book = Rulebook.from_rules([rule_dict("a", first, gaps[0]), rule_dict("b", second, gaps[1])])
    sample = data.draw(_sample(book))
    findings = verify_pack(book)
    overlaps = [f for f in findings if f.code == "overlap"]
    assert "undecided" not in {f.code for f in findings}
    for finding in overlaps:
        assert finding.witness is not None
        assert _fires(book, as_rep(finding.witness)) == (True, True)
    shared = set(book.compiled[0].needs) & set(book.compiled[1].needs)
    if not overlaps and shared:
        assert all(_fires(book, rep) != (True, True) for rep in sample)


@given(first=_conditions(), second=_conditions(), data=st.data())
def test_subsumption_holds_on_every_sampled_rep(
    first: str, second: str, data: st.DataObject
) -> None:
    """When a rule is reported inside another of its gap, it never fires without that one."""
    book = Rulebook.from_rules([rule_dict("a", first, "skill"), rule_dict("b", second, "skill")])
    sample = data.draw(_sample(book))
    for finding in verify_pack(book):
        if finding.code in ("subsumed", "specializes"):
            inner = 0 if finding.rule == "a" else 1
            for rep in sample:
                outcome = _fires(book, rep)
                if outcome[inner] is True:
                    assert outcome[1 - inner] is True


def test_a_count_under_its_floor_makes_a_rule_on_its_rate_unsatisfiable() -> None:
    """Fewer than 2 recorded calls set the call rates aside (model.basis), so a rule needing
    both never fires: 'unsatisfiable', saying why; over the floor it fires, with a witness."""
    never = "calls.calls_measured < 0.2 and calls.discovery_questions_per_call < 0.2"
    book = Rulebook.from_rules([rule_dict("r", never, "will")])
    (finding,) = [f for f in verify_pack(book) if f.code != "out-of-range"]
    assert finding.code == "unsatisfiable"
    assert "2 <= calls.calls_measured < 0.2" in finding.message
    assert "set aside" in finding.message
    assert firing_input(book, "r") is None
    some = "calls.calls_measured < 3 and calls.talk_ratio > 0.6"
    book = Rulebook.from_rules([rule_dict("r", some, "will")])
    witness = firing_input(book, "r")
    assert witness is not None
    assert witness["calls.calls_measured"] >= 2
    assert _fires(book, as_rep(witness)) == (True,)
