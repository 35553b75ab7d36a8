"""Run a pack's own examples: one uniform result per example, whoever owns it.

Every example a pack carries (a rule's ``examples:``, a tree question's and a tree leaf's)
is one ExampleCase: owner id, kind, index and where it is written. Running a case gives an
ExampleResult: expected, got, passed, and an explanation rendered from the trace, so
``gapdiag rules test``, the pytest plugin and coverage all read one stream.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model.metrics import DEFAULT_TARGETS
from gapdiag.rulebook._given import Given
from gapdiag.rulebook._yaml import read_yaml
from gapdiag.rulebook.compiler import Atom, Facts
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule, Example
from gapdiag.rulebook.template import format_value
from gapdiag.rulebook.tree import DecisionTree, Leaf, Question
from gapdiag.rulebook.walk import walk

OwnerKind = Literal["rule", "node", "leaf"]
_SHOWN = {True: "true", False: "false", None: "unknown"}
_ANSWER = {True: "then", False: "else", None: "unknown"}


class ExampleResult(Worded, BaseModel):
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

    def _words(self) -> str:
        verdict = "passes" if self.passed else "fails"
        return (
            f"{self.kind} {self.owner} example {self.index + 1} {verdict}: "
            f"expected {self.expected}, got {self.got}"
        )


@dataclass(frozen=True, slots=True)
class ExampleCase:
    """One example, located, ready to run (collecting examples runs nothing)."""

    owner: str
    kind: OwnerKind
    index: int
    file: str | None
    line: int | None
    run: Callable[[], ExampleResult]

    @property
    def name(self) -> str:
        """``owner[index]``, as the result will be named."""
        return f"{self.owner}[{self.index}]"


def run_examples(book: Rulebook) -> Iterator[ExampleResult]:
    """Every example of the pack run, in pack order: rules, then tree questions and leaves."""
    return (case.run() for case in example_cases(book))


def example_cases(book: Rulebook) -> list[ExampleCase]:
    """Every example of the pack, located, not yet run."""
    cases = [case for rule in book.compiled for case in _rule_cases(book, rule)]
    if book.tree is not None:
        cases += _tree_cases(book.tree)
    return cases


def _rule_cases(book: Rulebook, rule: CompiledRule) -> Iterator[ExampleCase]:
    origin = book.origin(rule.id)
    file = str(origin.file) if origin else None
    for index, example in enumerate(rule.rule.examples):
        line = origin.example_lines[index] if origin else None
        run = partial(_run_rule, rule, example, index, file, line)
        yield ExampleCase(rule.id, "rule", index, file, line, run)


def _run_rule(
    rule: CompiledRule, example: Example, index: int, file: str | None, line: int | None
) -> ExampleResult:
    facts = example_facts(example)
    got = rule.test(facts)
    expected = None if example.fires == "unknown" else example.fires
    return ExampleResult(
        owner=rule.id,
        kind="rule",
        index=index,
        expected=_SHOWN[expected],
        got=_SHOWN[got],
        passed=got is expected,
        explanation=explain_rule(rule, facts, got),
        file=file,
        line=line,
    )


def _tree_cases(tree: DecisionTree) -> list[ExampleCase]:
    lines = _tree_lines(tree)
    cases = []
    owners: tuple[tuple[str, OwnerKind, Sequence[Question | Leaf]], ...] = (
        ("nodes", "node", tree.nodes),
        ("leaves", "leaf", tree.leaves),
    )
    for group, kind, items in owners:
        for position, item in enumerate(items):
            for index in range(len(item.examples)):
                line = lines(group, position, index)
                run = partial(_run_tree, tree, kind, item.id, index, tree.source, line)
                cases.append(ExampleCase(item.id, kind, index, tree.source, line, run))
    return cases


def _tree_lines(tree: DecisionTree) -> Callable[[str, int, int], int | None]:
    """Look up the line of a tree example (None when the tree is not read from a file)."""
    path = Path(tree.source) if tree.source else None
    if path is None or not path.is_file():
        return lambda group, position, index: None
    doc = read_yaml(path)
    return lambda group, position, index: doc.line_of((group, position, "examples", index))


def _run_tree(
    tree: DecisionTree,
    kind: OwnerKind,
    owner: str,
    index: int,
    file: str | None,
    line: int | None,
) -> ExampleResult:
    question = tree.question(owner)
    if question is not None:
        node_example = question.spec.examples[index]
        facts = example_facts(node_example)
        answer = question.test(facts)
        expected: str = node_example.answer
        got = _ANSWER[answer]
        head = f"{owner}: {question.spec.question} -> {got} - when: {question.spec.when}"
        explanation = "\n".join([head, *_checks(question.atoms, facts)])
    else:
        leaf = tree.leaf(owner)
        assert leaf is not None  # cases are built from the tree's own ids
        facts = example_facts(leaf.examples[index])
        expected, (got, explanation) = owner, _walked(tree, facts)
    return ExampleResult(
        owner=owner,
        kind=kind,
        index=index,
        expected=expected,
        got=got,
        passed=got == expected,
        explanation=explanation,
        file=file,
        line=line,
    )


def _walked(tree: DecisionTree, facts: Facts) -> tuple[str, str]:
    """Where the walk from the root ends (a leaf id, or 'stopped at NODE') and its path."""
    found = walk(tree, facts)
    steps = [f"  {s.node}: {s.question} -> {_ANSWER[s.answer]}" for s in found.path]
    if found.leaf is not None:
        return found.leaf.id, "\n".join([*steps, f"  reached leaf {found.leaf.id}"])
    assert found.stop is not None  # a walk ends at a leaf or stops
    stop = found.stop
    needs = ", ".join(stop.needs) or "a defined value"
    return f"stopped at {stop.node}", "\n".join([*steps, f"  stopped: {stop.node} needs {needs}"])


def example_facts(example: Given) -> Facts:
    """The facts an example's rep gives under its targets (the defaults unless it overrides)."""
    return build_facts(example.given, example.targets or DEFAULT_TARGETS, example.team)


def explain_rule(rule: CompiledRule, facts: Facts, got: bool | None) -> str:
    """A rule's outcome on one rep with every comparison it made, one per line."""
    lines = [f"{rule.id} ({rule.gap}): {_OUTCOME[got]} - when: {rule.rule.when}"]
    lines += _checks(rule.atoms, facts)
    if got:
        lines.append(f"  because: {rule.because.render(facts)}")
    return "\n".join(lines)


def _checks(atoms: Sequence[Atom], facts: Facts) -> list[str]:
    lines = []
    for atom in atoms:
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
    return lines


_OUTCOME = {True: "fired", False: "did not fire", None: "left open (missing data)"}
