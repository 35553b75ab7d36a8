"""Walk a decision tree on one rep's facts: the questions asked, the answers, the end."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from gapdiag.model.diagnosis import Check, TreeLeaf, TreeStep, TreeStop
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Atom, Facts, Stated, atoms, reading
from gapdiag.rulebook.tree import Branch, CompiledQuestion, DecisionTree

_BRANCH: dict[bool | None, Branch] = {True: "then", False: "else", None: "unknown"}


class Walk(NamedTuple):
    """The path from the root, and either the leaf reached or where missing data stopped it."""

    path: tuple[TreeStep, ...]
    leaf: TreeLeaf | None
    stop: TreeStop | None


def walk(
    tree: DecisionTree,
    facts: Facts,
    memo: dict[Any, TreeStep] | None = None,
    checks: dict[Any, Check] | None = None,
) -> Walk:
    """Answer questions from the root until a leaf, or until one cannot be answered.

    A question whose condition is unknown follows its ``unknown`` branch if it has one;
    otherwise the walk stops there, naming the absent metrics that would answer it and
    the leaves still possible. A step depends on the facts its question reads alone: with
    a `memo` (the pack's), reps alike in those share one step, traced once.
    """
    found = route(tree, facts)
    return Walk(steps(tree, found.asked, facts, memo, checks), found.leaf, found.stop)


class Asked(NamedTuple):
    """One question of a walk, before (or without) its TreeStep."""

    node: str
    question: CompiledQuestion
    answer: bool | None
    key: tuple[object, ...]
    """What its step depends on, no more: the node and the facts its question reads."""


_new = tuple.__new__
"""Builds an `Asked` from its fields in C (a NamedTuple's own `__new__` is Python code)."""


class Answered(NamedTuple):
    """`walk` without its steps built: the questions asked, and the leaf or the stop."""

    asked: tuple[Asked, ...]
    leaf: TreeLeaf | None
    stop: TreeStop | None


def route(tree: DecisionTree, facts: Facts) -> Answered:
    """`walk`'s questions, answers and end, no TreeStep built (see `steps`)."""
    asked: list[Asked] = []
    routes = tree.routes
    current = tree.root
    while (at := routes.get(current)) is not None:
        question = at.question
        answer = question.test(facts)
        key = (current, reading(facts, question.reads))
        asked.append(_new(Asked, (current, question, answer, key)))
        target = at.next[answer]
        if target is None:
            stop = TreeStop.trusted(
                {
                    "node": current,
                    "needs": tuple([m for m in question.needs if facts.get(m) is None]),
                    "possible": tree.possible(current),
                }
            )
            return Answered(tuple(asked), None, stop)
        current = target
    return Answered(tuple(asked), tree.result(current), None)


def steps(
    tree: DecisionTree,
    asked: Sequence[Asked],
    facts: Facts,
    memo: dict[Any, TreeStep] | None = None,
    checks: dict[Any, Check] | None = None,
) -> tuple[TreeStep, ...]:
    """The TreeSteps of a `route`'s questions (shared through `memo`, as `walk` says)."""
    out = []
    for item in asked:
        step = memo.get(item.key) if memo is not None else None
        if step is None:
            step = _step(item, tree.routes[item.node].next, facts, checks)
            if memo is not None:
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[item.key] = step
        out.append(step)
    return tuple(out)


MEMO_SIZE = 4096
"""Tree steps, and traced comparisons, a pack keeps with the facts they read (per process)."""


def _step(
    item: Asked,
    next_: Mapping[bool | None, str | None],
    facts: Facts,
    checks: dict[Any, Check] | None,
) -> TreeStep:
    question, answer = item.question, item.answer
    return TreeStep.deferred(
        {
            "node": item.node,
            "question": question.spec.question,
            "condition": question.spec.when,
            "answer": answer,
            "branch": None if next_[answer] is None else _BRANCH[answer],
        },
        Traced(question, facts, checks),
    )


def leaf_id(tree: DecisionTree, facts: Facts) -> str | None:
    """Only the id of the leaf the walk reaches (None if it stops): the cheap form."""
    routes = tree.routes
    current: str | None = tree.root
    while current is not None and (route := routes.get(current)) is not None:
        current = route.next[route.question.test(facts)]
    return current


def traced(
    atoms: Sequence[Atom], facts: Facts, memo: dict[Any, Check] | None = None
) -> tuple[Check, ...]:
    """Each comparison of a rule's or a question's condition, traced on one rep's facts.

    With a `memo` (the pack's, whose atoms these are), reps alike in the facts a comparison
    reads share its one Check.
    """
    if memo is None:
        return tuple([Check.trusted(atom.check(facts)) for atom in atoms])
    out = []
    for atom in atoms:
        key = (id(atom), reading(facts, atom.reads))  # the pack holds its atoms: ids stay unique
        found = memo.get(key)
        if found is None:
            found = Check.trusted(atom.check(facts))
            if len(memo) >= MEMO_SIZE:
                memo.clear()
            memo[key] = found
        out.append(found)
    return tuple(out)


class Traced:
    """A tree step's or a rule's comparisons, traced when first read (see ``Deferred``)."""

    __slots__ = ("facts", "memo", "question")

    def __init__(
        self, question: CompiledQuestion, facts: Facts, memo: dict[Any, Check] | None = None
    ) -> None:
        self.question, self.facts, self.memo = question, facts, memo

    def __call__(self, names: Sequence[str]) -> dict[str, Any]:
        """The comparisons that decided the answer, as the ``checks`` field."""
        q = self.question
        checks = traced(q.atoms, self.facts, self.memo)
        return {"checks": deciding(q.condition, checks, q.decided)}


def deciding_said(
    atoms: Sequence[Atom], condition: x.Node, seen: Decided | None, facts: Facts
) -> list[Stated]:
    """`deciding` of a condition's comparisons on `facts`, each as an explanation says it
    (`Atom.said`; no Check object built)."""
    said = [atom.say(facts) for atom in atoms]
    chosen = deciding_at(condition, tuple([s[4] for s in said]), seen)
    return said if chosen is None else [said[i] for i in chosen]


def supporting(node: x.Node, results: Sequence[bool | None]) -> tuple[bool | None, frozenset[int]]:
    """A condition's value from its atoms' results (left to right, as ``compiler.atoms``
    lists them), and the atoms that make it come out so: all of a true 'and', the first true
    branch of an 'or', the first false part of a false 'and', every part of a false 'or',
    through 'not' the other way round. An unknown value has no deciding atoms.

    A fired rule's evidence lists these comparisons only: an 'or' branch that did not hold
    says nothing for the gap.
    """
    value, when_true, when_false, _ = _support(node, results, 0)
    decided = when_true if value is True else when_false if value is False else frozenset()
    return value, decided


Decided = dict[tuple[bool | None, ...], tuple[int, ...] | None]
"""A condition's deciding atoms per pattern of its atoms' results (None: all of them)."""


def deciding(
    node: x.Node, checks: tuple[Check, ...], seen: Decided | None = None
) -> tuple[Check, ...]:
    """The checks that decided a condition's value (all of them while it is unknown).

    `seen`, the condition's own dict, remembers the answer per pattern of results: a
    condition of n comparisons has at most 3**n, and a population repeats a few of them.
    """
    chosen = deciding_at(node, tuple([c.result for c in checks]), seen)
    return checks if chosen is None else tuple([checks[i] for i in chosen])


def deciding_at(
    node: x.Node, results: tuple[bool | None, ...], seen: Decided | None = None
) -> tuple[int, ...] | None:
    """`deciding` by the comparisons' results: the deciding ones' places (None: all)."""
    if seen is not None and results in seen:
        return seen[results]
    value, decided = supporting(node, results)
    chosen = None if value is None or not decided else tuple(sorted(decided))
    if seen is not None:
        seen[results] = chosen
    return chosen


_Support = tuple[bool | None, frozenset[int], frozenset[int], int]


def _support(node: x.Node, results: Sequence[bool | None], at: int) -> _Support:
    if isinstance(node, x.Compare | x.Name):
        result = results[at]
        mine = frozenset((at,))
        none: frozenset[int] = frozenset()
        return result, mine if result is True else none, mine if result is False else none, at + 1
    if isinstance(node, x.Not):
        value, when_true, when_false, after = _support(node.operand, results, at)
        return (None if value is None else not value), when_false, when_true, after
    if isinstance(node, x.And | x.Or):
        parts = []
        for item in node.items:
            part = _support(item, results, at)
            parts.append(part)
            at = part[3]
        values = [p[0] for p in parts]
        union_true = frozenset().union(*(p[1] for p in parts))
        union_false = frozenset().union(*(p[2] for p in parts))
        if isinstance(node, x.And):
            value = False if False in values else None if None in values else True
            first_false = next((p[2] for p in parts if p[0] is False), frozenset())
            return value, union_true, first_false, at
        value = True if True in values else None if None in values else False
        first_true = next((p[1] for p in parts if p[0] is True), frozenset())
        return value, first_true, union_false, at
    count = len(atoms(node, ""))  # no other node reads a rep's facts at the top of a condition
    every = frozenset(range(at, at + count))
    return None, every, every, at + count


class End(NamedTuple):
    """Where a walk ends, without its steps: questions asked, and the leaf or the stop's needs."""

    asked: int
    leaf: TreeLeaf | None
    needs: tuple[str, ...] | None
    """At a stop, the absent metrics that would answer the question; None at a leaf."""


def end(tree: DecisionTree, facts: Facts) -> End:
    """`walk`'s end and length alone (no step is recorded): the cheap form a brief page reads."""
    routes = tree.routes
    current = tree.root
    asked = 0
    while (route := routes.get(current)) is not None:
        question = route.question
        target = route.next[question.test(facts)]
        asked += 1
        if target is None:
            return End(asked, None, tuple([m for m in question.needs if facts.get(m) is None]))
        current = target
    return End(asked, tree.result(current), None)
