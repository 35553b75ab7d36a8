"""Run a pack's own examples: one uniform result per example, whoever owns it.

Every example a pack carries (a rule's ``examples:`` today) is run against the compiled
evaluator and reported the same way: owner id, kind, example index, expected, got, passed,
and an explanation rendered from the per-comparison trace, so ``gapdiag rules test``, the
pytest plugin and coverage all read one stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .compiler import Facts
from .facts import build_facts
from .metrics import parse_targets
from .rulebook import CompiledRule, Example, Rulebook
from .template import format_value

OwnerKind = Literal["rule", "node", "leaf"]
_SHOWN = {True: "true", False: "false", None: "unknown"}


class ExampleResult(BaseModel):
    """One example run: what was expected, what the evaluator gave, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    owner: str
    kind: OwnerKind
    index: int
    expected: str
    got: str
    passed: bool
    explanation: str
    file: str | None = None
    line: int | None = None

    @property
    def name(self) -> str:
        """How the example is named in reports and test ids: ``owner[index]``."""
        return f"{self.owner}[{self.index}]"

    @property
    def location(self) -> str:
        """``file:line`` of the example, or the owner when the file is unknown."""
        if self.file is None:
            return self.owner
        return f"{self.file}:{self.line}" if self.line is not None else self.file


def run_examples(book: Rulebook) -> Iterator[ExampleResult]:
    """Every example of the pack, in pack order."""
    for rule in book.compiled:
        yield from rule_examples(book, rule)


def rule_examples(book: Rulebook, rule: CompiledRule) -> Iterator[ExampleResult]:
    """The results of one rule's examples."""
    origin = book.origin(rule.id)
    for index, example in enumerate(rule.rule.examples):
        facts = example_facts(example)
        got = rule.test(facts)
        expected = None if example.fires == "unknown" else example.fires
        yield ExampleResult(
            owner=rule.id,
            kind="rule",
            index=index,
            expected=_SHOWN[expected],
            got=_SHOWN[got],
            passed=got is expected,
            explanation=explain_rule(rule, facts, got),
            file=str(origin.file) if origin else None,
            line=origin.example_lines[index] if origin else None,
        )


def example_facts(example: Example) -> Facts:
    """The facts an example's rep gives under its targets (the defaults unless it overrides)."""
    return build_facts(example.given, example.targets or parse_targets(None))


def explain_rule(rule: CompiledRule, facts: Facts, got: bool | None) -> str:
    """A rule's outcome on one rep with every comparison it made, one per line."""
    lines = [f"{rule.id} ({rule.gap}): {_OUTCOME[got]} - when: {rule.rule.when}"]
    for atom in rule.atoms:
        check = atom.trace(facts)
        seen = format_value(check.observed_value, "num")
        if check.op is None:
            lines.append(f"  {check.text}: {seen} -> {_SHOWN[check.result]}")
            continue
        limit = format_value(check.threshold_value, "num")
        lines.append(
            f"  {check.text}: {check.observed} = {seen} {check.op} {limit} "
            f"-> {_SHOWN[check.result]}"
        )
    if got:
        lines.append(f"  because: {rule.because.render(facts)}")
    return "\n".join(lines)


_OUTCOME = {True: "fired", False: "did not fire", None: "left open (missing data)"}
