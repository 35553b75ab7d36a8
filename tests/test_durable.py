"""The durable-rules backend agrees with the compiled evaluator and survives its quirks."""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from gapdiag import BackendUnavailable, Diagnosis, RepMetrics, Rulebook, diagnose, load_rules
from gapdiag.engines.compiled import outcomes
from gapdiag.model.metrics import Targets
from gapdiag.rulebook.facts import build_facts

from .conftest import example, rule_dict
from .strategies import reps, rule_dicts

HAVE_DURABLE = importlib.util.find_spec("durable") is not None
durable = pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules does not install here")
pytestmark = pytest.mark.durable
PACK = load_rules()


def same_answer(rep: RepMetrics | dict[str, Any], rules: Rulebook = PACK) -> Diagnosis:
    """Diagnose with both engines, assert the results are identical, return the compiled one."""
    compiled = diagnose(rep, rules=rules)
    durable_result = diagnose(rep, rules=rules, engine="durable")
    assert durable_result.engine == "durable"
    assert durable_result.model_copy(update={"engine": "compiled"}) == compiled
    return compiled


@durable
@pytest.mark.parametrize(
    "name",
    [
        "skill-rep",
        "will-rep",
        "knowledge-rep",
        "system-rep",
        "healthy-rep",
        "ambiguous-rep",
        "coverage-rep",
    ],
)
def test_example_reps_agree(name: str) -> None:
    """Every example rep gets the same diagnosis from both engines."""
    same_answer(example(name))


@durable
@settings(max_examples=150)
@given(reps())
def test_engines_agree_on_the_default_pack(rep: RepMetrics) -> None:
    """On any valid rep, missing values included, both engines give identical diagnoses."""
    same_answer(rep)


@durable
@settings(max_examples=100)
@given(rule_dicts(max_rules=8), reps())
def test_engines_agree_on_random_packs(rules: list[dict[str, Any]], rep: RepMetrics) -> None:
    """Random threshold packs with and/or/not give the same true/false/unknown per rule."""
    book = Rulebook.from_rules(rules)
    facts = build_facts(rep, Targets())
    assert outcomes(book, facts, "durable") == outcomes(book, facts, "compiled")


@durable
def test_a_rep_with_no_data_matches_nothing_and_does_not_raise() -> None:
    """No rule decided (durable's 'message not handled') is simply all-unknown."""
    result = same_answer({"rep_id": "empty"})
    assert len(result.undetermined) == len(PACK.rules)


@durable
def test_the_same_rep_twice_is_not_an_observed_duplicate() -> None:
    """Asserting identical facts twice does not trip durable's duplicate check."""
    rep = example("will-rep")
    assert diagnose(rep, engine="durable") == diagnose(rep, engine="durable")


@durable
def test_or_with_both_branches_true_fires_once() -> None:
    """An or whose branches are both true counts as one firing."""
    book = Rulebook.from_rules(
        [rule_dict("either", "activity.calls_per_day < 10 or activity.emails_per_day < 10")]
    )
    result = same_answer(
        {"rep_id": "r", "activity": {"calls_per_day": 1, "emails_per_day": 1}}, book
    )
    assert result.fired == ("either",)


@durable
def test_more_than_64_matches_are_split_across_rulesets() -> None:
    """A pack whose rules all fire on one rep (150 > 64 matches) still agrees."""
    book = Rulebook.from_rules(
        [rule_dict(f"r{i}", f"activity.calls_per_day < {i + 20}") for i in range(150)]
    )
    result = same_answer({"rep_id": "r", "activity": {"calls_per_day": 1}}, book)
    assert len(result.fired) == 150


@durable
def test_rule_with_too_many_alternatives_is_refused_clearly() -> None:
    """A single rule beyond durable-rules' per-fact match limit is refused with its id."""
    clause = " or ".join(f"activity.calls_per_day < {i}" for i in range(70))
    book = Rulebook.from_rules([rule_dict("huge-or", clause)])
    with pytest.raises(BackendUnavailable, match="rule huge-or has 70 alternative matches"):
        diagnose({"rep_id": "r", "activity": {"calls_per_day": 1}}, rules=book, engine="durable")


@durable
def test_many_packs_in_one_process() -> None:
    """More packs than are kept registered still evaluate correctly (old ones are dropped)."""
    for limit in range(1, 40):
        book = Rulebook.from_rules([rule_dict("few-calls", f"activity.calls_per_day < {limit}")])
        same_answer({"rep_id": "r", "activity": {"calls_per_day": 20}}, book)
    same_answer(example("will-rep"))


@durable
def test_floats_durable_cannot_parse_are_sent_exactly() -> None:
    """Values like 1e-05 (no decimal point in JSON) reach durable-rules unchanged."""
    book = Rulebook.from_rules(
        [
            rule_dict("tiny", "pipeline.win_rate < 2e-05"),
            rule_dict("exact", "pipeline.win_rate == 1e-05"),
        ]
    )
    result = same_answer({"rep_id": "r", "pipeline": {"win_rate": 1e-05}}, book)
    assert set(result.fired) == {"tiny", "exact"}


@durable
def test_concurrent_calls_lose_no_matches() -> None:
    """Four threads diagnosing at once get exactly the single-threaded answers."""
    names = ["skill-rep", "will-rep", "knowledge-rep", "system-rep", "healthy-rep", "ambiguous-rep"]
    expected = {n: diagnose(example(n)) for n in names}
    failures: list[str] = []

    def work() -> None:
        for _ in range(30):
            for n in names:
                got = diagnose(example(n), engine="durable").model_copy(
                    update={"engine": "compiled"}
                )
                if got != expected[n]:
                    failures.append(n)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


@pytest.mark.skipif(HAVE_DURABLE, reason="durable-rules is installed here")
def test_durable_unavailable_says_so() -> None:
    """Where durable-rules cannot install (Python 3.13), engine='durable' fails clearly."""
    with pytest.raises(BackendUnavailable, match="the durable engine needs durable-rules"):
        diagnose({"rep_id": "r"}, engine="durable")
    assert diagnose({"rep_id": "r"}).engine == "compiled"


def test_durable_unavailable_on_the_command_line_is_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`gapdiag diagnose --engine durable` where durable-rules is absent: one line that
    reads for a command-line user too (it said "Use engine='compiled'")."""
    import io

    from gapdiag.cli import main
    from gapdiag.engines import durable as backend

    monkeypatch.setattr(backend, "_IMPORT_ERROR", ImportError("No module named 'durable'"))
    monkeypatch.setattr(backend, "_HOST", None)
    err = io.StringIO()
    rep = str(Path(__file__).parent.parent / "examples" / "will-rep.json")
    assert main(["diagnose", rep, "--engine", "durable"], stdout=io.StringIO(), stderr=err) == 2
    assert err.getvalue() == (
        "gapdiag: the durable engine needs durable-rules, which is not installed here (No"
        " module named 'durable'); it builds only on Python < 3.13. The compiled engine (the"
        " default) gives the same answers.\n"
    )


@durable
def test_compound_arithmetic_division_by_zero_and_overflow_agree() -> None:
    """Sides durable-rules cannot compute are precomputed; unknown stays unknown."""
    whens = [
        "activity.calls_per_day / activity.meetings_per_week > 1",
        "pipeline.quota * pipeline.quota * pipeline.quota > 1",
        "min(activity.calls_per_day, 3) < max(pipeline.win_rate, -2)",
        "-activity.calls_per_day < abs(pipeline.win_rate - 1)",
        "not (knowledge.certified or activity.calls_per_day > 2)",
        "2 * activity.calls_per_day + 1 >= activity.emails_per_day - 3",
        "activity.calls_per_day == 4 and 1 < 2",
    ]
    book = Rulebook.from_rules([rule_dict(f"r{i}", w) for i, w in enumerate(whens)])
    for data in (
        {"activity": {"calls_per_day": 4, "meetings_per_week": 0}, "pipeline": {"quota": 1e200}},
        {"activity": {"calls_per_day": 4, "meetings_per_week": 2, "emails_per_day": 3}},
        {"pipeline": {"win_rate": 0.2}, "knowledge": {"certified": False}},
    ):
        facts = build_facts(RepMetrics.model_validate({"rep_id": "r", **data}), Targets())
        assert outcomes(book, facts, "durable") == outcomes(book, facts, "compiled")


@durable
def test_pack_beyond_512_rules_is_split_and_agrees() -> None:
    """600 rules (1,200 durable rules) are spread over rulesets under the 512 limit."""
    book = Rulebook.from_rules(
        [rule_dict(f"r{i}", f"activity.calls_per_day < {i}") for i in range(600)]
    )
    facts = build_facts(
        RepMetrics.model_validate({"rep_id": "r", "activity": {"calls_per_day": 300}}), Targets()
    )
    assert outcomes(book, facts, "durable") == outcomes(book, facts, "compiled")
