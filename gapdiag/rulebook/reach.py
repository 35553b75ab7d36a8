"""Prove each leaf of a decision tree reachable by finding a rep whose walk ends there.

For every path from the root to a leaf, the search assigns raw metrics question by
question, backtracking, so that each question gives the answer the path needs. Candidate
values for a metric are the thresholds it is compared with in the tree (and just either
side of them), a grid over its kind's range, and "absent" (for ``unknown`` branches).
Questions over derived quantities are answered by the real evaluator on real derived
values, so a witness is a genuine input: the search ends by validating it as RepMetrics
and walking it. A leaf with no witness is reported as unreachable; for thresholds over
raw metrics the candidates cover every region, so that report is exact there.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence

from gapdiag.model._kinds import Kind
from gapdiag.model.metrics import METRICS, RepMetrics, Targets, nest, parse_metrics
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Fact, number
from gapdiag.rulebook.facts import build_facts, complete_facts, target_facts
from gapdiag.rulebook.tree import Branch, CompiledQuestion, DecisionTree
from gapdiag.rulebook.walk import leaf_id

_ABSENT = None
_MAX_TRIES_PER_QUESTION = 2000
_GRID: Mapping[str, tuple[float, ...]] = {
    "fraction": (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0),
    "rating": (1.0, 2.0, 3.0, 4.0, 5.0),
    "commitment": (1.0, 5.0, 8.0, 9.0, 10.0),
    "ratio": (0.0, 0.5, 0.7, 0.8, 1.0, 1.5),
    "money": (0.0, 1e4, 5e4, 1e5, 2e5, 5e5, 1e6),
    "days": (0.0, 10.0, 30.0, 60.0, 90.0, 180.0),
    "months": (0.0, 1.0, 2.0, 3.0, 6.0, 24.0),
    "weekly_hours": (0.0, 1.0, 2.0, 3.0, 5.0, 10.0),
}
_DEFAULT_GRID = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 200.0, 1000.0)
_EMPTY_FACTS: dict[str, Fact] = dict.fromkeys(METRICS, None)


def find_witness(tree: DecisionTree, leaf: str, targets: Targets) -> RepMetrics | None:
    """A rep whose walk ends at `leaf` under `targets`, or None if the search finds none."""
    return _search(tree, leaf, targets, boundary_values(tree, targets))


def _search(
    tree: DecisionTree,
    leaf: str,
    targets: Targets,
    candidates: Mapping[str, tuple[float | bool | None, ...]],
) -> RepMetrics | None:
    for path in _paths(tree, tree.root, leaf, ()):
        found = _solve(path, {}, candidates, targets)
        if found is not None:
            rep = parse_metrics({"rep_id": "witness", **nest(found)})
            if leaf_id(tree, build_facts(rep, targets)) == leaf:
                return rep
    return None


def unreachable(tree: DecisionTree, targets: Targets) -> tuple[str, ...]:
    """Ids of leaves no input reaches: a leaf's own examples are tried before the search."""
    reached: set[str] = set()
    for leaf in tree.leaves:
        for example in leaf.examples:
            found = leaf_id(
                tree, build_facts(example.given, example.targets or targets, example.team)
            )
            if found is not None:
                reached.add(found)
    missing = [leaf.id for leaf in tree.leaves if leaf.id not in reached]
    if not missing:
        return ()
    candidates = boundary_values(tree, targets)  # built once for every leaf left to search
    return tuple(leaf for leaf in missing if _search(tree, leaf, targets, candidates) is None)


Step = tuple[CompiledQuestion, Branch]


def _paths(
    tree: DecisionTree, node: str, leaf: str, before: tuple[Step, ...]
) -> Iterator[tuple[Step, ...]]:
    if node == leaf:
        yield before
        return
    question = tree.question(node)
    if question is None:
        return
    for branch, target in tree.children(node):
        yield from _paths(tree, target, leaf, (*before, (question, branch)))


def _solve(
    path: Sequence[Step],
    fixed: dict[str, float | bool],
    candidates: Mapping[str, tuple[float | bool | None, ...]],
    targets: Targets,
    done: tuple[tuple[CompiledQuestion, bool | None], ...] = (),
) -> dict[str, float | bool] | None:
    """Backtracking: extend `fixed` so every question on `path` answers as it must.

    The questions answered already (`done`) are asked again with each new value: a count
    given later (``calls.calls_measured``) can set aside a rate an earlier answer read.
    """
    if not path:
        return fixed
    (question, branch), rest = path[0], path[1:]
    want = {"then": True, "else": False, "unknown": None}[branch]
    asked = (*done, (question, want))
    free = [m for m in question.needs if m not in fixed and m in METRICS]
    choices = [candidates.get(m, (_ABSENT,)) for m in free]
    for values in _some_products(choices, question.spec.id):
        trial = dict(fixed)
        trial.update({m: v for m, v in zip(free, values, strict=True) if v is not _ABSENT})
        facts = _facts(trial, targets)
        if any(q.test(facts) is not w for q, w in asked):
            continue
        # Absent metrics stay free only in name: later questions must not give them values.
        pinned = _pin_absent(candidates, free, values)
        solved = _solve(rest, trial, pinned, targets, asked)
        if solved is not None:
            return solved
    return None


def _pin_absent(
    candidates: Mapping[str, tuple[float | bool | None, ...]],
    free: Sequence[str],
    values: Sequence[float | bool | None],
) -> dict[str, tuple[float | bool | None, ...]]:
    pinned = dict(candidates)
    for metric, value in zip(free, values, strict=True):
        if value is _ABSENT:
            pinned[metric] = (_ABSENT,)
    return pinned


def _some_products(
    choices: Sequence[tuple[float | bool | None, ...]], seed: str
) -> Iterator[tuple[float | bool | None, ...]]:
    """Every combination if there are few; else a fixed pseudo-random sample of them."""
    total = 1
    for options in choices:
        total *= len(options)
    if total <= _MAX_TRIES_PER_QUESTION:
        yield from itertools.product(*choices)
        return
    rng = random.Random(seed)  # a string seed is stable across runs and processes
    for _ in range(_MAX_TRIES_PER_QUESTION):
        yield tuple(rng.choice(options) for options in choices)


def boundary_values(
    tree: DecisionTree, targets: Targets
) -> dict[str, tuple[float | bool | None, ...]]:
    """Per metric, the values worth trying: each tree threshold and either side, a grid, absent."""
    limits: dict[str, set[float]] = {}
    consts = target_facts(targets)
    for node in tree.nodes:
        question = tree.question(node.id)
        if question is not None:
            for compare in _compares(question.condition):
                _collect_limits(compare, consts, limits)
    out: dict[str, tuple[float | bool | None, ...]] = {}
    for metric, kind in METRICS.items():
        if kind.is_bool:
            out[metric] = (True, False, _ABSENT)
            continue
        near = sorted(v for c in limits.get(metric, ()) for v in _around(c, kind))
        grid = _GRID.get(kind.name, _DEFAULT_GRID)
        out[metric] = (*dict.fromkeys([*near, *(g for g in grid if _fits(g, kind))]), _ABSENT)
    return out


def _compares(node: x.Node) -> Iterator[x.Compare]:
    if isinstance(node, x.Compare):
        yield node
    for child in x.children(node):
        yield from _compares(child)


def _collect_limits(
    compare: x.Compare, consts: Mapping[str, Fact], limits: dict[str, set[float]]
) -> None:
    for side, other in ((compare.left, compare.right), (compare.right, compare.left)):
        if isinstance(side, x.Name) and side.path in METRICS:
            value = number(other)(consts)
            if value is not None:
                limits.setdefault(side.path, set()).add(value)


def _around(limit: float, kind: Kind) -> Iterator[float]:
    step = max(abs(limit) * 0.05, 0.01)
    for value in (limit - step, limit, limit + step):
        if _fits(value, kind):
            yield value


def _fits(value: float, kind: Kind) -> bool:
    low = kind.low if kind.low is not None else float("-inf")
    high = kind.high if kind.high is not None else float("inf")
    return low <= value <= high


def _facts(flat: Mapping[str, float | bool], targets: Targets) -> dict[str, Fact]:
    return complete_facts({**_EMPTY_FACTS, **flat}, targets)
