"""Results filled in on first need behave in every way like results built whole."""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings

from gapdiag import diagnose, load_rules
from gapdiag.model.diagnosis import Check, Diagnosis, Evidence
from gapdiag.model.metrics import RepMetrics

from .conftest import example
from .strategies import reps

WHOLE = {
    "rule": "r",
    "certainty": 0.5,
    "because": "14 calls a day",
    "intervention": None,
    "checks": (),
    "thin": (),
    "proxies": (),
}


def pending(calls: list[int] | None = None) -> Evidence:
    """Evidence whose because-text and checks are not worked out yet."""
    calls = calls if calls is not None else []

    def later(names: Sequence[str]) -> dict[str, Any]:
        calls.append(1)
        return {"because": WHOLE["because"], "checks": WHOLE["checks"]}

    cheap = {k: v for k, v in WHOLE.items() if k not in ("because", "checks")}
    return Evidence.deferred(cheap, later)


@pytest.mark.parametrize(
    "use",
    [
        lambda e: e.because,
        lambda e: e.model_dump(),
        lambda e: e.model_dump_json(),
        lambda e: repr(e),
        lambda e: hash(e),
        lambda e: dict(e),
        lambda e: pickle.loads(pickle.dumps(e)),
        lambda e: copy.copy(e),
        lambda e: copy.deepcopy(e),
        lambda e: e.model_copy(),
        lambda e: e == Evidence.trusted(dict(WHOLE)),
    ],
)
def test_any_use_fills_it_in_once_and_matches_a_whole_build(use: Any) -> None:
    """Reading, dumping, printing, hashing, pickling, copying or comparing completes it once."""
    calls: list[int] = []
    evidence = pending(calls)
    whole = Evidence.trusted(dict(WHOLE))
    use(evidence)
    assert calls == [1]
    assert evidence == whole
    assert repr(evidence) == repr(whole)
    assert hash(evidence) == hash(whole)
    assert evidence.model_dump_json() == whole.model_dump_json()
    assert list(dict(evidence)) == list(Evidence.model_fields)
    assert calls == [1]


def test_unknown_attributes_still_raise() -> None:
    """A name that is no field raises AttributeError, without completing anything."""
    calls: list[int] = []
    evidence = pending(calls)
    with pytest.raises(AttributeError):
        _ = evidence.nothing_here  # type: ignore[attr-defined]
    assert calls == []


def test_a_diagnosis_leaves_its_evidence_pending_until_read() -> None:
    """diagnose() fills no because-text in until one is read; JSON holds them all."""
    load_rules()._memo.clear()  # no rep alike diagnosed before, whose evidence it would share
    result = diagnose(example("will-rep"))
    evidence = [e for v in result.verdicts for e in (*v.evidence, *v.counter_evidence)]
    assert evidence
    assert any(object.__getattribute__(e, "__pydantic_private__") for e in evidence)
    document = json.loads(result.to_json())
    texts = [e["because"] for v in document["verdicts"] for e in v["evidence"]]
    assert texts
    assert all(texts)
    assert all(isinstance(c, Check) for e in evidence for c in e.checks)


def test_a_diagnosis_works_out_only_the_part_read() -> None:
    """Reading the tree's leaf walks the tree and builds nothing else (not even its steps);
    JSON then has every part."""
    result = diagnose(example("will-rep"))
    assert "tree_leaf" not in result.__dict__
    assert result.tree_leaf is not None
    assert "tree_stop" in result.__dict__
    assert "tree_path" not in result.__dict__
    assert "undetermined" not in result.__dict__
    assert "numbers" not in result.__dict__
    whole = diagnose(example("will-rep"))
    whole.to_json()
    assert result == whole
    assert result.to_json() == whole.to_json()
    assert list(dict(result)) == list(type(result).model_fields)


def test_a_verdict_lists_its_evidence_on_first_need() -> None:
    """A verdict with rules fired holds no Evidence until its evidence is read."""
    result = diagnose(example("will-rep"))
    verdict = result.verdict("will")
    assert "evidence" not in verdict.__dict__
    assert verdict.evidence
    assert list(dict(verdict)) == list(type(verdict).model_fields)


def test_evidence_works_out_its_comparisons_without_its_text() -> None:
    """Reading a fired rule's comparisons leaves its because-text pending (a goal reads
    the comparisons alone); read later, the text is the one a whole build gives."""
    load_rules()._memo.clear()  # no rep alike diagnosed before, whose evidence it would share
    result = diagnose(example("will-rep"))
    evidence = result.verdict("will").evidence[0]
    assert evidence.checks
    assert "checks" in evidence.__dict__
    assert "because" not in evidence.__dict__
    whole = diagnose(example("will-rep")).verdict("will").evidence[0]
    whole.model_dump()
    assert evidence.because == whole.because
    assert evidence == whole
    assert list(dict(evidence)) == list(type(evidence).model_fields)


def test_the_json_schema_of_a_diagnosis_describes_what_it_serializes() -> None:
    """Filling fields in before serializing leaves the serialization schema whole."""
    schema = Diagnosis.model_json_schema(mode="serialization")
    assert "verdicts" in schema["properties"]
    assert "evidence" in schema["$defs"]["Verdict"]["properties"]
    assert "because" in schema["$defs"]["Evidence"]["properties"]


@settings(max_examples=60, deadline=None)
@given(reps())
def test_the_rules_that_fired_are_read_without_listing_the_evidence(rep: RepMetrics) -> None:
    """`fired` names the rules the listed evidence names, in its order, listing none itself."""
    result = diagnose(rep)
    pending = [v._pending() is not None for v in result.verdicts]  # those with rules fired
    fired = result.fired
    assert [v._pending() is not None for v in result.verdicts] == pending
    listed = tuple(e.rule for v in result.verdicts for e in (*v.evidence, *v.counter_evidence))
    assert fired == listed == result.fired
