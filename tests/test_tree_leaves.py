"""Every leaf of the shipped tree says only what is true of the reps that reach it (issue 23)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings

from gapdiag import load_rules
from gapdiag.model.metrics import DEFAULT_TARGETS, RepMetrics, nest
from gapdiag.model.rows import flatten
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.reach import boundary_values
from gapdiag.rulebook.walk import leaf_id

from .strategies import reps

PACK = load_rules()
TREE = PACK.tree
assert TREE is not None
VALUES = boundary_values(TREE, DEFAULT_TARGETS)


def _leaf_and_claim(rep: RepMetrics) -> tuple[str | None, bool | None]:
    facts = build_facts(rep, DEFAULT_TARGETS)
    reached = leaf_id(TREE, facts)
    if reached is None:
        return None, None
    claim = TREE.claim(reached)
    return reached, None if claim is None else claim(facts)


def test_every_leaf_states_what_holds() -> None:
    """Each leaf of the shipped tree carries a `holds` condition for its reason."""
    assert [leaf.id for leaf in TREE.leaves if TREE.claim(leaf.id) is None] == []


@pytest.mark.parametrize("leaf", [leaf.id for leaf in TREE.leaves])
def test_leaf_reason_holds_at_every_threshold_around_its_example(leaf: str) -> None:
    """Moving any one metric of a leaf's example rep across each tree threshold never reaches
    a leaf whose stated claim is false for the numbers that reached it."""
    found = TREE.leaf(leaf)
    assert found is not None
    base = flatten(found.examples[0].given.model_dump(exclude_none=True, exclude_defaults=True))
    reached: Counter[str] = Counter()
    for metric, values in VALUES.items():
        for value in values:
            flat = {k: v for k, v in base.items() if k != metric}
            if value is not None:
                flat[metric] = value
            rep = RepMetrics.model_validate(nest(flat))
            where, holds = _leaf_and_claim(rep)
            assert holds is not False, (where, metric, value, flat)
            if where is not None:
                reached[where] += 1
    assert reached[leaf] > 0


@settings(max_examples=300, deadline=None)
@given(reps())
def test_leaf_reason_holds_for_any_rep(rep: RepMetrics) -> None:
    """For any valid rep, the leaf the walk reaches never states a claim its numbers refute."""
    where, holds = _leaf_and_claim(rep)
    assert holds is not False, where
