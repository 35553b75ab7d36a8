"""The comparisons a fired rule or a tree answer lists are those that decided it."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings

from gapdiag import diagnose
from gapdiag.model.metrics import DEFAULT_TARGETS, parse_metrics
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.pack import default_rules
from gapdiag.rulebook.walk import supporting, traced

from .strategies import rep_dicts

PACK = default_rules()
CONDITIONS = [(r.condition, r.atoms, r.test) for r in PACK.compiled]
if PACK.tree is not None:
    CONDITIONS += [
        (q.condition, q.atoms, q.test)
        for q in (PACK.tree.routes[n.id].question for n in PACK.tree.nodes)
    ]


@settings(max_examples=60)
@given(rep_dicts())
def test_the_deciding_comparisons_alone_give_the_same_answer(rep: dict[str, Any]) -> None:
    """For every rule and tree question: the value worked out from the comparisons is the
    compiled condition's, and with every other comparison made unknown it stays the same."""
    facts = build_facts(parse_metrics(rep), DEFAULT_TARGETS, None)
    for node, atoms, test in CONDITIONS:
        results = [c.result for c in traced(atoms, facts)]
        value, decided = supporting(node, results)
        assert value == test(facts)
        if value is not None:
            assert decided
            alone = [r if i in decided else None for i, r in enumerate(results)]
            assert supporting(node, alone)[0] == value


def test_an_or_branch_that_did_not_hold_is_not_listed_as_evidence() -> None:
    """The README's rep fires the low-calls rule on 'under half the plan'; the other way it
    can fire (short calls and meetings while converting at plan) failed on conversion, and
    that failed comparison is not shown as evidence for will."""
    d = diagnose(
        {
            "rep_id": "rep-17",
            "period_start": "2026-07-01",
            "period_end": "2026-09-30",
            "as_of": "2026-08-14",
            "pipeline": {"quota": 150000, "closed_won": 30000},
            "activity": {"calls_per_day": 12, "meetings_per_week": 1},
            "territory": {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0},
        }
    )
    (low_calls,) = [
        e for e in d.verdict("will").evidence if e.rule == "activity-low-calls-normal-leads"
    ]
    assert all(c.result is True for c in low_calls.checks)
    assert "conversion_vs_plan" not in " ".join(c.observed for c in low_calls.checks)
    assert "does not hold" not in d.explain().split("Will suspected")[1].split("\n\n")[0]
    volume = next(s for s in d.tree_path if s.node == "volume")
    assert all(c.result is True for c in volume.checks)
