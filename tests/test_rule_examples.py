"""The shipped pack pins both sides of every rule and spreads over all gaps and groups.

Its examples themselves run as test items of their own: the gapdiag pytest plugin collects
rules/*.rules.yaml (testpaths in pyproject.toml), one item per example, named after its rule.
"""

from __future__ import annotations

import pytest

from gapdiag import Rule, load_rules

PACK = load_rules()


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
