"""Draw a decision tree as indented text, Mermaid or Graphviz DOT, optionally marking one walk.

A highlighted walk marks the questions it asked, the branches it took, and the leaf it
reached (or the question where missing data stopped it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from gapdiag.model.diagnosis import Diagnosis
from gapdiag.model.errors import InvalidArgument
from gapdiag.rulebook.tree import Branch, DecisionTree, Leaf

Format = Literal["text", "mermaid", "dot"]
FORMATS: tuple[Format, ...] = ("text", "mermaid", "dot")


@dataclass(frozen=True, slots=True)
class _Marks:
    """What one walk touched: node ids, (from, branch) edges, the end and any stop."""

    nodes: frozenset[str] = frozenset()
    edges: frozenset[tuple[str, Branch]] = frozenset()
    end: str | None = None
    stopped: str | None = None


def render(tree: DecisionTree, fmt: Format = "text", highlight: Diagnosis | None = None) -> str:
    """The tree in `fmt`; with `highlight`, that diagnosis's walk is marked.

    Raises:
        InvalidArgument: `fmt` is not one of text, mermaid, dot.
    """
    if fmt not in FORMATS:
        raise InvalidArgument(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    marks = _marks(highlight)
    drawers = {"text": _text, "mermaid": _mermaid, "dot": _dot}
    return "\n".join(drawers[fmt](tree, marks)) + "\n"


def _marks(diagnosis: Diagnosis | None) -> _Marks:
    if diagnosis is None:
        return _Marks()
    edges = frozenset((s.node, s.branch) for s in diagnosis.tree_path if s.branch is not None)
    end = diagnosis.tree_leaf.id if diagnosis.tree_leaf is not None else None
    stopped = diagnosis.tree_stop.node if diagnosis.tree_stop is not None else None
    nodes = frozenset(s.node for s in diagnosis.tree_path) | ({end} if end else set())
    return _Marks(nodes, edges, end, stopped)


def _leaf_label(leaf: Leaf) -> str:
    return f"{'no gap' if leaf.gap == 'none' else leaf.gap}: {leaf.id}"


def _text(tree: DecisionTree, marks: _Marks) -> Iterator[str]:
    shown: set[str] = set()

    def draw(node_id: str, depth: int, via: str) -> Iterator[str]:
        pad = "    " * depth
        mark = "* " if node_id in marks.nodes else "  "
        leaf = tree.leaf(node_id)
        if leaf is not None:
            yield f"{mark}{pad}{via}[{_leaf_label(leaf)}] {leaf.reason}"
            return
        question = tree.question(node_id)
        assert question is not None
        spec = question.spec
        stop = "  <- stopped here: missing data" if node_id == marks.stopped else ""
        if node_id in shown:
            yield f"{mark}{pad}{via}{node_id} (as above){stop}"
            return
        shown.add(node_id)
        yield f"{mark}{pad}{via}{node_id}: {spec.question}  [{spec.when}]{stop}"
        for branch, target in tree.children(node_id):
            yield from draw(target, depth + 1, f"{branch} -> ")

    if marks.nodes:
        yield "(* marks this rep's path)"
    yield from draw(tree.root, 0, "")


def _ids(tree: DecisionTree) -> dict[str, str]:
    """Plain identifiers for diagram languages that dislike hyphens in ids."""
    every = [n.id for n in tree.nodes] + [leaf.id for leaf in tree.leaves]
    return {node_id: f"n{index}" for index, node_id in enumerate(every)}


def _edges(tree: DecisionTree) -> Iterator[tuple[str, Branch, str]]:
    for node in tree.nodes:
        for branch, target in tree.children(node.id):
            yield node.id, branch, target


def _mermaid(tree: DecisionTree, marks: _Marks) -> Iterator[str]:
    ids = _ids(tree)
    yield "flowchart TD"
    for node in tree.nodes:
        yield f'    {ids[node.id]}{{"{_mermaid_text(node.question)}"}}'
    for leaf in tree.leaves:
        yield f'    {ids[leaf.id]}(["{_mermaid_text(_leaf_label(leaf))}"])'
    on_path = []
    for index, (source, branch, target) in enumerate(_edges(tree)):
        yield f"    {ids[source]} -->|{branch}| {ids[target]}"
        if (source, branch) in marks.edges:
            on_path.append(str(index))
    if marks.nodes:
        yield "    classDef walked fill:#fde68a,stroke:#b45309,stroke-width:3px"
        yield f"    class {','.join(ids[n] for n in sorted(marks.nodes))} walked"
    if marks.stopped:
        yield "    classDef stopped fill:#fecaca,stroke:#b91c1c,stroke-width:3px"
        yield f"    class {ids[marks.stopped]} stopped"
    if on_path:
        yield f"    linkStyle {','.join(on_path)} stroke:#b45309,stroke-width:3px"


def _mermaid_text(text: str) -> str:
    # Inside a quoted Mermaid label only '"' needs an entity; '#' starts one, so escape it too.
    return text.replace("#", "#35;").replace('"', "#quot;")


def _dot(tree: DecisionTree, marks: _Marks) -> Iterator[str]:
    ids = _ids(tree)
    yield "digraph decision_tree {"
    yield '    node [fontname="Helvetica"];'
    for node in tree.nodes:
        fill = _dot_fill(node.id, marks, "rounded")
        label = _dot_text(f"{node.id}\n{node.question}")
        yield f'    {ids[node.id]} [shape=box, {fill}, label="{label}"];'
    for leaf in tree.leaves:
        fill = _dot_fill(leaf.id, marks, "solid")
        yield f'    {ids[leaf.id]} [shape=ellipse, {fill}, label="{_dot_text(_leaf_label(leaf))}"];'
    for source, branch, target in _edges(tree):
        bold = ", penwidth=3" if (source, branch) in marks.edges else ""
        yield f'    {ids[source]} -> {ids[target]} [label="{branch}"{bold}];'
    yield "}"


def _dot_fill(node_id: str, marks: _Marks, style: str) -> str:
    """The style attributes of a DOT node: filled red where stopped, amber on the path."""
    colour = (
        "#fecaca" if node_id == marks.stopped else "#fde68a" if node_id in marks.nodes else None
    )
    if colour is None:
        return f'style="{style}"'
    return f'style="{style},filled", fillcolor="{colour}"'


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
