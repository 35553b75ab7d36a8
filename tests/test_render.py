"""Drawing the tree: text, Mermaid (parsed by Mermaid itself) and DOT (parsed by pydot)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pydot
import pytest
import yaml

from gapdiag import Rulebook, diagnose, load_rules
from gapdiag.model.errors import InvalidArgument
from gapdiag.notebook.render import render

from .conftest import example, rule_dict
from .test_cli import run

TREE = load_rules().tree
assert TREE is not None
TOOLS = Path(__file__).parent / "tools"
ODD = """\
root: q
nodes:
  - id: q
    question: 'Is the "#1" rep\\ on <plan> & {ok}? 100% | yes'
    when: activity.calls_per_day >= 20
    then: a
    else: b
    examples:
      - given: {}
        answer: unknown
leaves:
  - {id: a, gap: none, reason: 'ok "quoted"', examples: [{given: {activity: {calls_per_day: 30}}}]}
  - {id: b, gap: will, reason: 'low; #2', examples: [{given: {activity: {calls_per_day: 3}}}]}
"""
RULE = [rule_dict("r", "activity.calls_per_day < 10", because="few")]
ODD_TREE = Rulebook.from_rules(RULE, tree=yaml.safe_load(ODD)).tree
assert ODD_TREE is not None


def _mermaid_parses(text: str) -> None:
    node = shutil.which("node")
    if node is None or not (TOOLS / "node_modules" / "mermaid").is_dir():
        if os.environ.get("GAPDIAG_REQUIRE_MERMAID"):
            pytest.fail("Mermaid parser missing: run npm install --prefix tests/tools")
        pytest.skip("Mermaid parser not installed (npm install --prefix tests/tools)")
    done = subprocess.run(
        [node, str(TOOLS / "mermaid-parse.mjs")],
        input=text,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr + "\n" + text
    assert "flowchart" in done.stdout


def _dot_parses(text: str) -> pydot.Dot:
    graphs = pydot.graph_from_dot_data(text)
    assert graphs, text
    return graphs[0]


def test_text_lists_every_node_and_leaf() -> None:
    """The indented text names each question and leaf once, with the branches taken."""
    text = render(TREE)
    for node in TREE.nodes:
        assert f"{node.id}: {node.question}" in text
    for leaf in TREE.leaves:
        assert leaf.id in text
    assert text.splitlines()[0].startswith("  system-facts:")  # issue 14: system first
    assert "    else -> volume:" in text


def test_text_highlight_marks_the_walk_and_a_stop() -> None:
    """--highlight stars the rep's questions and leaf; a stop is flagged where it happens."""
    walked = render(TREE, highlight=diagnose(example("will-rep")))
    starred = [line for line in walked.splitlines() if line.startswith("* ")]
    assert [line.split(":")[0].split()[-1] for line in starred] == [
        "system-facts",
        "volume",
        "lead-flow",
        "territory-size",
        "[will",
        "above)",  # issue 14: the system question's unknown branch also leads to volume
    ]
    stopped = render(TREE, highlight=diagnose(example("ambiguous-rep")))
    assert "lead-flow: " in stopped
    assert "<- stopped here: missing data" in stopped


@pytest.mark.parametrize("rep", [None, "will-rep", "ambiguous-rep"])
def test_mermaid_parses(rep: str | None) -> None:
    """Mermaid's own parser accepts the drawing, plain or highlighted."""
    marked = diagnose(example(rep)) if rep else None
    text = render(TREE, "mermaid", marked)
    assert text.count("-->|") == sum(3 if n.unknown else 2 for n in TREE.nodes)
    _mermaid_parses(text)


def test_mermaid_escapes_labels() -> None:
    """Quotes, '#' and brackets in questions and reasons do not break the Mermaid syntax."""
    text = render(ODD_TREE, "mermaid")
    assert "#quot;#35;1#quot;" in text
    _mermaid_parses(text)


@pytest.mark.parametrize("rep", [None, "will-rep", "ambiguous-rep"])
def test_dot_parses_with_every_node_and_edge(rep: str | None) -> None:
    """pydot reads the DOT back with one node per tree node and one edge per branch."""
    marked = diagnose(example(rep)) if rep else None
    graph = _dot_parses(render(TREE, "dot", marked))
    names = {n.get_name() for n in graph.get_nodes()} - {"node"}
    assert len(names) == len(TREE.nodes) + len(TREE.leaves)
    assert len(graph.get_edges()) == sum(3 if n.unknown else 2 for n in TREE.nodes)
    bold = [e for e in graph.get_edges() if e.get("penwidth") == "3"]
    assert len(bold) == (len(marked.tree_path) - (marked.tree_stop is not None) if marked else 0)


def test_dot_escapes_labels() -> None:
    """Quotes and backslashes in labels survive a DOT round trip."""
    graph = _dot_parses(render(ODD_TREE, "dot"))
    labels = [n.get("label") for n in graph.get_nodes() if n.get("label")]
    assert any('\\"#1\\" rep\\\\ on' in label for label in labels)


def test_unknown_format_is_refused() -> None:
    """An unknown format names the allowed ones."""
    with pytest.raises(InvalidArgument, match="text, mermaid, dot"):
        render(TREE, "svg")  # type: ignore[arg-type]


def test_cli_tree_formats_and_highlight() -> None:
    """`gapdiag tree` prints each format; --highlight takes a rep file."""
    code, out, _ = run("tree")
    assert code == 0
    assert "volume:" in out
    code, out, _ = run("tree", "--format", "dot", "--highlight", "examples/system-rep.json")
    assert code == 0
    _dot_parses(out)
    assert "fillcolor" in out
    code, out, _ = run("tree", "--format", "mermaid")
    assert out.startswith("flowchart TD")


def test_cli_tree_without_a_tree_or_with_a_bad_rep(tmp_path: Path) -> None:
    """A pack with no tree, or an invalid rep to highlight, exits 2 with one clear line."""
    (tmp_path / "a.rules.yaml").write_text(yaml.safe_dump(RULE))
    code, _, err = run("tree", "--rules", str(tmp_path))
    assert code == 2
    assert "has no decision tree" in err
    bad = tmp_path / "rep.json"
    bad.write_text('{"rep_id": "x", "pipeline": {"win_rate": 25}}')
    code, _, err = run("tree", "--highlight", str(bad))
    assert code == 2
    assert "pipeline.win_rate: 25 is not a fraction" in err
