"""The decision tree as data: questions with then/else/unknown branches, ending in leaves.

A pack may hold one tree file, ``*.tree.yaml``: a ``root`` id, a list of ``nodes`` (each a
question in plain words and a condition in the rule language) and a list of ``leaves``
(each naming a gap, or ``none`` for no gap found, with a short reason). Branches name
other nodes or leaves by id, so a leaf may be shared. Loading checks what a walk needs:
unique ids, branches that exist, no cycles, every node used, and every leaf reachable by
some input (see ``reach``); each problem carries its file and line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from gapdiag.model._suggest import did_you_mean
from gapdiag.model.derived import inputs_of
from gapdiag.model.diagnosis import TreeLeaf
from gapdiag.model.errors import ExpressionError
from gapdiag.model.gaps import Gap
from gapdiag.model.limits import limits
from gapdiag.rulebook import compiler, expr
from gapdiag.rulebook._given import Given

TREE_GLOB = "*.tree.yaml"
Branch = Literal["then", "else", "unknown"]
BRANCHES: tuple[Branch, ...] = ("then", "else", "unknown")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True, populate_by_name=True)


class QuestionExample(Given):
    """A rep and the branch the question sends it down: then, else or unknown."""

    answer: Branch


class LeafExample(Given):
    """A rep whose walk from the root ends at this leaf."""


class Question(_Frozen):
    """An internal node: a question, its condition, and where each answer leads."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    question: str = Field(min_length=1)
    when: str = Field(min_length=1)
    then: str
    else_: str = Field(alias="else")
    unknown: str | None = None
    examples: tuple[QuestionExample, ...] = Field(min_length=1)

    def branch(self, name: Branch) -> str | None:
        """The id a branch leads to (None for a missing unknown branch)."""
        return {"then": self.then, "else": self.else_, "unknown": self.unknown}[name]


class Leaf(_Frozen):
    """An end of the tree: the gap it names (``none``: no gap found) and why."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)
    gap: Literal["skill", "will", "knowledge", "system", "none"]
    reason: str = Field(min_length=1)
    holds: str | None = Field(
        None,
        description="What the reason claims, in the rule language: true (or unknown, for "
        "missing data) of every rep whose walk ends here, never false. tests/test_tree.py "
        "walks reps at every threshold of the tree and holds each leaf to it.",
    )
    examples: tuple[LeafExample, ...] = Field(min_length=1)

    @property
    def result(self) -> TreeLeaf:
        """This leaf as it appears in a Diagnosis."""
        gap: Gap | None = None if self.gap == "none" else self.gap
        return TreeLeaf(id=self.id, gap=gap, reason=self.reason)


class TreeSpec(_Frozen):
    """The shape of a tree file, before its conditions are compiled and checked."""

    root: str
    nodes: tuple[Question, ...] = Field(min_length=1)
    leaves: tuple[Leaf, ...] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class CompiledQuestion:
    """A question with its condition compiled, ready to answer on one rep's facts."""

    spec: Question
    condition: expr.Node
    test: compiler.BoolFn
    atoms: tuple[compiler.Atom, ...]
    needs: tuple[str, ...]
    reads: tuple[str, ...] = ()
    """Every fact the condition reads: all a step's answer and comparisons depend on."""
    decided: dict[tuple[bool | None, ...], tuple[int, ...] | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    """The deciding atoms per pattern of results, filled as reps are explained (walk.deciding)."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the question and its parsed condition; unpickling builds the closures again."""
        return _closures, (self.spec, self.condition, self.needs)


@dataclass(frozen=True, slots=True)
class _Claim:
    """A leaf's ``holds`` condition compiled: called on one rep's facts, true, false or None."""

    condition: expr.Node
    test: compiler.BoolFn

    def __call__(self, facts: compiler.Facts) -> bool | None:
        return self.test(facts)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the parsed condition; unpickling compiles it again (closures do not pickle)."""
        return _claim, (self.condition,)


def _claim(condition: expr.Node) -> _Claim:
    return _Claim(condition, compiler.condition(condition))


class Route(NamedTuple):
    """A question and where each answer (True, False, None) leads; None: no such branch."""

    question: CompiledQuestion
    next: Mapping[bool | None, str | None]


class DecisionTree(_Frozen):
    """A validated, compiled decision tree; walk it with ``walk.walk``."""

    root: str
    nodes: tuple[Question, ...]
    leaves: tuple[Leaf, ...]
    source: str | None = None
    _questions: Mapping[str, CompiledQuestion] = PrivateAttr(default_factory=dict)
    _leaves: Mapping[str, Leaf] = PrivateAttr(default_factory=dict)
    _results: Mapping[str, TreeLeaf] = PrivateAttr(default_factory=dict)
    _claims: Mapping[str, compiler.BoolFn] = PrivateAttr(default_factory=dict)
    _possible: dict[str, tuple[TreeLeaf, ...]] = PrivateAttr(default_factory=dict)

    @cached_property
    def routes(self) -> Mapping[str, Route]:
        """Each question's route by node id: the plain lookup table a walk runs on."""
        return {
            node_id: Route(q, {True: q.spec.then, False: q.spec.else_, None: q.spec.unknown})
            for node_id, q in self._questions.items()
        }

    def question(self, node_id: str) -> CompiledQuestion | None:
        """The compiled question with this id, or None if the id names a leaf."""
        return self._questions.get(node_id)

    def leaf(self, leaf_id: str) -> Leaf | None:
        """The leaf with this id, or None if the id names a question."""
        return self._leaves.get(leaf_id)

    def claim(self, leaf_id: str) -> compiler.BoolFn | None:
        """The compiled `holds` of a leaf (None where the leaf states none)."""
        return self._claims.get(leaf_id)

    def result(self, leaf_id: str) -> TreeLeaf:
        """The leaf with this id as it appears in a Diagnosis (built once per tree)."""
        return self._results[leaf_id]

    def children(self, node_id: str) -> Iterator[tuple[Branch, str]]:
        """The branches of a question and the ids they lead to (none for a leaf)."""
        found = self._questions.get(node_id)
        if found is None:
            return
        for name in BRANCHES:
            target = found.spec.branch(name)
            if target is not None:
                yield name, target

    def possible(self, node_id: str) -> tuple[TreeLeaf, ...]:
        """The leaves reachable from a node, as a Diagnosis shows them (found once a node)."""
        found = self._possible.get(node_id)
        if found is None:
            found = tuple(self.result(leaf.id) for leaf in self.leaves_under(node_id))
            self._possible[node_id] = found
        return found

    def leaves_under(self, node_id: str) -> tuple[Leaf, ...]:
        """Every leaf reachable from a node (or the leaf itself), in file order."""
        seen: set[str] = set()
        stack = [node_id]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(target for _, target in self.children(current))
        return tuple(leaf for leaf in self.leaves if leaf.id in seen)


class TreeError(Exception):
    """A problem in a tree file: where (a YAML path), what, and optionally which line."""

    def __init__(self, loc: tuple[int | str, ...], where: str, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.where = where
        self.message = message


def build(spec: TreeSpec, source: str | None = None) -> tuple[DecisionTree, list[TreeError]]:
    """Compile a tree's conditions and check its structure; returns the tree and problems."""
    problems: list[TreeError] = []
    first: dict[str, tuple[int | str, ...]] = {}
    groups: tuple[tuple[str, tuple[Question | Leaf, ...]], ...] = (
        ("nodes", spec.nodes),
        ("leaves", spec.leaves),
    )
    for group, items in groups:
        for index, item in enumerate(items):
            if item.id in first:
                problems.append(
                    TreeError((group, index, "id"), item.id, f"duplicate node id {item.id!r}")
                )
            else:
                first[item.id] = (group, index)
    questions: dict[str, CompiledQuestion] = {}
    for index, node in enumerate(spec.nodes):
        try:
            questions.setdefault(node.id, _compile(node))
        except ExpressionError as error:
            problems.append(TreeError(("nodes", index, "when"), f"{node.id}.when", str(error)))
    claims: dict[str, compiler.BoolFn] = {}
    for index, leaf in enumerate(spec.leaves):
        if leaf.holds is None:
            continue
        try:
            claims.setdefault(leaf.id, _claim(expr.parse(leaf.holds)))
        except ExpressionError as error:
            problems.append(TreeError(("leaves", index, "holds"), f"{leaf.id}.holds", str(error)))
    tree = DecisionTree(root=spec.root, nodes=spec.nodes, leaves=spec.leaves, source=source)
    tree._claims = claims
    tree._questions = questions
    tree._leaves = {leaf.id: leaf for leaf in reversed(spec.leaves)}
    tree._results = {leaf.id: leaf.result for leaf in tree._leaves.values()}
    problems.extend(_structure(tree, first))
    return tree, problems


def _compile(node: Question) -> CompiledQuestion:
    condition = expr.parse(node.when)
    needs = tuple(dict.fromkeys(m for n in expr.names_in(condition) for m in inputs_of(n)))
    return _closures(node, condition, needs)


def _closures(node: Question, condition: expr.Node, needs: tuple[str, ...]) -> CompiledQuestion:
    """A compiled question from its parsed condition: its closures and atoms built."""
    return CompiledQuestion(
        node,
        condition,
        compiler.condition(condition),
        compiler.atoms(condition, node.when),
        needs,
        expr.names_in(condition),
    )


def _structure(tree: DecisionTree, where: Mapping[str, tuple[int | str, ...]]) -> list[TreeError]:
    """Branches that lead nowhere, the root, cycles and nodes no walk can visit."""
    problems: list[TreeError] = []
    if tree.root not in where:
        hint = did_you_mean(tree.root, list(where))
        problems.append(TreeError(("root",), "root", f"no node or leaf {tree.root!r}{hint}"))
    for index, node in enumerate(tree.nodes):
        for name in BRANCHES:
            target = node.branch(name)
            if target is not None and target not in where:
                hint = did_you_mean(target, list(where))
                key = "else" if name == "else" else name
                problems.append(
                    TreeError(
                        ("nodes", index, key),
                        f"{node.id}.{key}",
                        f"leads to {target!r}, which is no node or leaf{hint}",
                    )
                )
    if problems:
        return problems
    cycle = _find_cycle(tree)
    if cycle:
        loc = (*where[cycle[0]], "id")
        problems.append(TreeError(loc, cycle[0], "branches form a cycle: " + " -> ".join(cycle)))
        return problems
    bound = limits()
    deep = _too_deep(tree, bound.tree_depth)
    if deep:
        message = (
            f"more than {bound.tree_depth} questions on the path {deep[0]} -> {deep[1]} -> ... "
            f"({bound.hint('tree_depth')})"
        )
        problems.append(TreeError((*where[deep[0]], "id"), deep[0], message))
        return problems
    used = {tree.root} | {t for n in tree.nodes for _, t in tree.children(n.id)}
    for node_id, loc in where.items():
        if node_id not in used:
            problems.append(TreeError((*loc, "id"), node_id, "no branch leads here (unused node)"))
    return problems


def _find_cycle(tree: DecisionTree) -> list[str]:
    """A cycle among the branches as a list of ids (first id repeated at the end), or [].

    Walked with an explicit stack, so a chain of thousands of nodes needs no recursion.
    """
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for node in tree.nodes:
        if node.id in state:
            continue
        path: list[str] = [node.id]
        pending: list[Iterator[tuple[Branch, str]]] = [tree.children(node.id)]
        state[node.id] = 1
        while pending:
            step = next(pending[-1], None)
            if step is None:
                state[path.pop()] = 2
                pending.pop()
                continue
            target = step[1]
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                state[target] = 1
                path.append(target)
                pending.append(tree.children(target))
    return []


def _too_deep(tree: DecisionTree, limit: int) -> list[str]:
    """The first root-to-leaf path with more than `limit` questions, or [] (tree is acyclic)."""
    longest: dict[str, int] = {}
    started: set[str] = set()
    stack: list[tuple[str, bool]] = [(tree.root, False)]
    while stack:
        node_id, done = stack.pop()
        if done:
            below = [longest[t] for _, t in tree.children(node_id)]
            longest[node_id] = (1 if tree.question(node_id) else 0) + max(below, default=0)
            continue
        if node_id in started:
            continue
        started.add(node_id)
        stack.append((node_id, True))
        stack.extend((t, False) for _, t in tree.children(node_id) if t not in longest)
    if longest.get(tree.root, 0) <= limit:
        return []
    here = longest[tree.root]
    return [tree.root, next(t for _, t in tree.children(tree.root) if longest[t] == here - 1)]
