"""Every example in the shipped rules/ holds on the compiled engine (one test id per example)."""

from __future__ import annotations

import pytest

from gapdiag import Rule, load_rules
from gapdiag.facts import build_facts
from gapdiag.metrics import parse_targets

PACK = load_rules()
CASES = [(c, i) for c in PACK.compiled for i in range(len(c.rule.examples))]


@pytest.mark.parametrize(("compiled", "index"), CASES, ids=[f"{c.rule.id}[{i}]" for c, i in CASES])
def test_example(compiled: object, index: int) -> None:
    """The rule fires (true), does not fire (false) or stays open (unknown) as its example says."""
    from gapdiag.rulebook import CompiledRule

    assert isinstance(compiled, CompiledRule)
    example = compiled.rule.examples[index]
    facts = build_facts(example.given, example.targets or parse_targets(None), example.team)
    want = None if example.fires == "unknown" else example.fires
    assert compiled.test(facts) is want


@pytest.mark.parametrize("rule", PACK.rules, ids=[r.id for r in PACK.rules])
def test_rule_has_firing_and_quiet_examples(rule: Rule) -> None:
    """Each default rule pins both sides: at least one firing and one non-firing example."""
    outcomes = {e.fires for e in rule.examples}
    assert True in outcomes
    assert False in outcomes


def test_pack_size_and_spread() -> None:
    """The default pack has at least 30 rules covering all four gaps and all metric groups."""
    assert len(PACK.rules) >= 30
    assert {r.gap for r in PACK.rules} == {"skill", "will", "knowledge", "system"}
    groups = {name.split(".")[0] for c in PACK.compiled for name in c.needs}
    assert {"activity", "pipeline", "calls", "ownership", "territory", "knowledge"} <= groups
