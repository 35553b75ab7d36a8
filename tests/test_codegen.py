"""The generated pack function gives exactly the per-rule closures' outcomes."""

from __future__ import annotations

import pickle
from importlib.util import MAGIC_NUMBER
from typing import Any

from hypothesis import given

from gapdiag import RepMetrics, Rulebook, load_rules
from gapdiag.model.metrics import DEFAULT_TARGETS, Targets, parse_metrics
from gapdiag.rulebook._codegen import compile_pack, generate, pack_code
from gapdiag.rulebook.facts import build_facts

from .conftest import example, rule_dict
from .strategies import reps, rule_dicts

PACK = load_rules()


def closures(book: Rulebook, facts: dict[str, Any]) -> tuple[bool | None, ...]:
    """Outcomes from the reference per-rule closures."""
    return tuple(rule.test(facts) for rule in book.compiled)


@given(reps())
def test_default_pack_matches_the_closures(rep: RepMetrics) -> None:
    """On any rep, the generated function and the closures agree rule by rule."""
    facts = build_facts(rep, Targets())
    assert PACK.evaluate(facts) == closures(PACK, facts)


@given(rule_dicts(max_rules=8), reps())
def test_random_packs_match_the_closures(rules: list[dict[str, Any]], rep: RepMetrics) -> None:
    """On random and/or/not packs the generated function and the closures agree."""
    book = Rulebook.from_rules(rules)
    facts = build_facts(rep, Targets())
    assert book.evaluate(facts) == closures(book, facts)


def test_arithmetic_edge_cases_match() -> None:
    """Division by zero, overflow, functions and negation are unknown or exact alike."""
    book = Rulebook.from_rules(
        [
            rule_dict(f"r{i}", when, gap="skill")
            for i, when in enumerate(
                [
                    "activity.calls_per_day / activity.meetings_per_week > 1",
                    "pipeline.quota * pipeline.quota * pipeline.quota > 1",
                    "min(activity.calls_per_day, 3) < max(pipeline.win_rate, -2)",
                    "-activity.calls_per_day < abs(pipeline.win_rate - 1)",
                    "not (knowledge.certified or activity.calls_per_day > 2)",
                ]
            )
        ]
    )
    rep = RepMetrics.model_validate(
        {
            "rep_id": "r",
            "activity": {"calls_per_day": 4, "meetings_per_week": 0},
            "pipeline": {"quota": 1e200},
        }
    )
    facts = build_facts(rep, Targets())
    assert book.evaluate(facts) == closures(book, facts)
    assert book.evaluate(facts)[:2] == (None, None)


def test_generated_source_holds_no_rule_text() -> None:
    """Only generated names, numbers and quoted metric paths appear in the source."""
    source = generate([c.condition for c in PACK.compiled])
    assert "import" not in source
    assert "__" not in source


def test_a_pickled_pack_keeps_its_compiled_code_and_refuses_another_pythons() -> None:
    """Unpickling reuses the compiled code; code under another bytecode magic is recompiled."""
    book = load_rules()
    facts = build_facts(parse_metrics(example("will-rep")), DEFAULT_TARGETS)
    code = pack_code(book._program.evaluate)
    assert code is not None
    assert code.startswith(MAGIC_NUMBER)
    again = pickle.loads(pickle.dumps(book))
    assert again.evaluate(facts) == book.evaluate(facts)
    foreign = b"\x00\x00\r\n" + code[len(MAGIC_NUMBER) :] + b"garbage"
    conditions = tuple(rule.condition for rule in book.compiled)
    assert compile_pack(conditions, foreign)(facts) == book.evaluate(facts)
