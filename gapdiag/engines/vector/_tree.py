"""Walk a decision tree for many reps at once: the leaf each reaches, or where it stopped.

Each question's condition is evaluated over the whole chunk (``_vector``); a node's
outcome is then its branches' outcomes picked by the answer masks, bottom-up, so the
walk costs a few array operations per node instead of a loop per rep. An unknown answer
without an ``unknown`` branch stops the walk at that question, as ``walk.walk`` does.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gapdiag.engines.vector import _columns as _vector
from gapdiag.model.gaps import GAPS
from gapdiag.rulebook.tree import DecisionTree

Codes = npt.NDArray[np.int32]


def node_ids(tree: DecisionTree) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(leaf ids, question ids) in file order: the category order of the result columns."""
    return tuple(leaf.id for leaf in tree.leaves), tuple(node.id for node in tree.nodes)


def walk(tree: DecisionTree, lookup: _vector.Lookup, size: int) -> Codes:
    """Per rep: the leaf's index (< number of leaves), or leaves + the index of the stop."""
    leaves, questions = node_ids(tree)
    order = list(questions)
    compiled = [tree.question(q) for q in order]
    answers = _vector.evaluate([c.condition for c in compiled if c is not None], lookup, size)
    masks = dict(zip(order, answers, strict=True))
    leaf_code = {leaf: np.int32(index) for index, leaf in enumerate(leaves)}
    done: dict[str, Codes] = {}

    def reach(node: str) -> Codes | np.int32:
        if node in leaf_code:  # one number, spread by np.where: no array per leaf
            return leaf_code[node]
        if node not in done:
            true, false = masks[node]
            route = tree.routes[node].next
            unknown = route[None]
            otherwise = (
                reach(unknown) if unknown is not None else np.int32(len(leaves) + order.index(node))
            )
            done[node] = np.where(
                true, reach(str(route[True])), np.where(false, reach(str(route[False])), otherwise)
            ).astype(np.int32, copy=False)
        return done[node]

    return np.array(np.broadcast_to(reach(tree.root), (size,)), np.int32)


def asked(tree: DecisionTree, lookup: _vector.Lookup, size: int) -> Codes:
    """Per rep, how many questions its walk asks (a stop's question counted), as
    ``walk.end`` counts them: a node's count is one more than its answered branch's."""
    order = [node.id for node in tree.nodes]
    compiled = [tree.question(q) for q in order]
    answers = _vector.evaluate([c.condition for c in compiled if c is not None], lookup, size)
    masks = dict(zip(order, answers, strict=True))
    done: dict[str, Codes] = {}

    def count(node: str | None) -> Codes:
        if node is None or node not in masks:
            return np.zeros(size, np.int32)  # a leaf, or no branch: the walk ends here
        if node not in done:
            true, false = masks[node]
            route = tree.routes[node].next
            then, other, unknown = count(route[True]), count(route[False]), count(route[None])
            done[node] = (1 + np.where(true, then, np.where(false, other, unknown))).astype(
                np.int32
            )
        return done[node]

    return count(tree.root)


def leaf_gaps(tree: DecisionTree, reached: Codes) -> npt.NDArray[np.int8]:
    """Per rep, the index into GAPS of the leaf's gap; -1 for a `none` leaf or a stop."""
    codes = np.array(
        [GAPS.index(leaf.gap) if leaf.gap != "none" else -1 for leaf in tree.leaves] + [-1],
        dtype=np.int8,
    )
    return codes[np.minimum(reached, len(tree.leaves))]
