"""Walk a decision tree on one rep's facts: the questions asked, the answers, the end."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from gapdiag.model.diagnosis import Check, TreeLeaf, TreeStep, TreeStop
from gapdiag.rulebook.compiler import Atom, Facts
from gapdiag.rulebook.tree import Branch, DecisionTree

_BRANCH: dict[bool | None, Branch] = {True: "then", False: "else", None: "unknown"}


class Walk(NamedTuple):
    """The path from the root, and either the leaf reached or where missing data stopped it."""

    path: tuple[TreeStep, ...]
    leaf: TreeLeaf | None
    stop: TreeStop | None


def walk(tree: DecisionTree, facts: Facts) -> Walk:
    """Answer questions from the root until a leaf, or until one cannot be answered.

    A question whose condition is unknown follows its ``unknown`` branch if it has one;
    otherwise the walk stops there, naming the absent metrics that would answer it and
    the leaves still possible.
    """
    path: list[TreeStep] = []
    routes = tree.routes
    current = tree.root
    while (route := routes.get(current)) is not None:
        question = route.question
        answer = question.test(facts)
        target = route.next[answer]
        path.append(
            TreeStep.deferred(
                {
                    "node": current,
                    "question": question.spec.question,
                    "condition": question.spec.when,
                    "answer": answer,
                    "branch": None if target is None else _BRANCH[answer],
                },
                Traced(question.atoms, facts),
            )
        )
        if target is None:
            stop = TreeStop.trusted(
                {
                    "node": current,
                    "needs": tuple([m for m in question.needs if facts.get(m) is None]),
                    "possible": tree.possible(current),
                }
            )
            return Walk(tuple(path), None, stop)
        current = target
    return Walk(tuple(path), tree.result(current), None)


def leaf_id(tree: DecisionTree, facts: Facts) -> str | None:
    """Only the id of the leaf the walk reaches (None if it stops): the cheap form."""
    routes = tree.routes
    current: str | None = tree.root
    while current is not None and (route := routes.get(current)) is not None:
        current = route.next[route.question.test(facts)]
    return current


def traced(atoms: Sequence[Atom], facts: Facts) -> tuple[Check, ...]:
    """Each comparison of a rule's or a question's condition, traced on one rep's facts."""
    return tuple([Check.trusted(atom.check(facts)) for atom in atoms])


class Traced:
    """A tree step's or a rule's comparisons, traced when first read (see ``Deferred``)."""

    __slots__ = ("atoms", "facts")

    def __init__(self, atoms: Sequence[Atom], facts: Facts) -> None:
        self.atoms, self.facts = atoms, facts

    def __call__(self, names: Sequence[str]) -> dict[str, Any]:
        """The comparisons, as the ``checks`` field."""
        return {"checks": traced(self.atoms, self.facts)}
