"""Where the decision tree ends for every rep of a batch, read from its tree columns.

A brief section shows only the tree's end ("After 4 questions, the tree ends at Skill:
..."). The batch has walked the tree for every rep already (its ``tree_leaf`` and
``tree_stop`` columns), so the page need not walk it again: the number of questions asked
is the depth of the node where the walk ended, where every route to that node has the
same length; elsewhere (and without the columns) the rep's walk is taken again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gapdiag.notebook.report._detail import tree_end
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.tree import DecisionTree
from gapdiag.rulebook.walk import end

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

Reached = tuple[str | None, str | None]
"""(leaf id, stop node id) of one rep, as the batch's tree columns hold them."""


def reached(batch: Batch) -> list[Reached] | None:
    """Every diagnosed rep's (leaf, stop) in `rows` order; None without tree columns."""
    frame = batch.frame
    if batch.rules.tree is None or "tree_leaf" not in frame.columns:
        return None
    leaves = frame["tree_leaf"].to_numpy().tolist()
    stops = frame["tree_stop"].to_numpy().tolist()
    return [(_name(leaf), _name(stop)) for leaf, stop in zip(leaves, stops, strict=True)]


def _name(cell: Any) -> str | None:
    return cell if isinstance(cell, str) else None


def depths(tree: DecisionTree) -> dict[str, int | None]:
    """Questions asked before each node is reached; None where routes of other lengths meet."""
    found: dict[str, set[int]] = {}
    routes = tree.routes

    def visit(node: str, depth: int) -> None:
        seen = found.setdefault(node, set())
        if depth in seen:
            return
        seen.add(depth)
        route = routes.get(node)
        if route is not None:
            for target in dict.fromkeys(t for t in route.next.values() if t is not None):
                visit(target, depth + 1)

    visit(tree.root, 0)
    return {node: next(iter(d)) if len(d) == 1 else None for node, d in found.items()}


def end_words(
    tree: DecisionTree,
    at: Reached | None,
    depth: Mapping[str, int | None],
    facts: Facts,
) -> str:
    """The tree's end in words (as `_detail.tree_end` says it for the rep's own walk)."""
    leaf, stop = at if at is not None else (None, None)
    if leaf is not None and (asked := depth.get(leaf)) is not None:
        return tree_end(asked, tree.result(leaf), None)
    if stop is not None and (before := depth.get(stop)) is not None:
        needs = tuple([m for m in tree.routes[stop].question.needs if facts.get(m) is None])
        return tree_end(before + 1, None, needs)
    walked = end(tree, facts)
    return tree_end(walked.asked, walked.leaf, walked.needs)
