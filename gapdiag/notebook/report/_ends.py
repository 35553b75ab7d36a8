"""Where the decision tree ends for every rep of a batch, read from its columns.

A brief section shows only the tree's end ("After 4 questions, the tree ends at Skill:
..."). The batch has walked the tree for every rep already (its ``tree_leaf`` and
``tree_stop`` columns) and counts the questions each walk asks (`Batch.unknowns`), so the
page words each end from those columns and never walks the tree again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from gapdiag.notebook.report._detail import tree_end
from gapdiag.rulebook.tree import DecisionTree

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


def ends(
    tree: DecisionTree,
    at: Sequence[Reached],
    asked: Sequence[int],
    absent: Any,
    column: dict[str, int],
) -> list[str]:
    """Each rep's tree end in words, as `_detail.tree_end` says it for the rep's own walk:
    `asked` questions, then the leaf, or the stop and the absent inputs of its question
    (`absent`: reps x metric paths, each path's position in `column`)."""
    said: dict[tuple[Any, ...], str] = {}
    out = []
    for index, ((leaf, stop), count) in enumerate(zip(at, asked, strict=True)):
        if leaf is not None:
            key: tuple[Any, ...] = (count, leaf)
            text = said.get(key)
            if text is None:
                text = said[key] = tree_end(count, tree.result(leaf), None)
        elif stop is not None:
            row = absent[index]
            needs = tuple([m for m in tree.routes[stop].question.needs if row[column[m]]])
            key = (count, stop, needs)
            text = said.get(key)
            if text is None:
                text = said[key] = tree_end(count, None, needs)
        else:
            text = ""
        out.append(text)
    return out
