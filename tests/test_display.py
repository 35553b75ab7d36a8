"""Rich display: the HTML and Markdown a notebook shows for a Diagnosis."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from gapdiag import Diagnosis, diagnose

from .conftest import example


class _Collect(HTMLParser):
    """Collect the text and the tags of an HTML fragment, checking tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag not in ("br", "col"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    """Parse an HTML fragment; fail on unbalanced tags."""
    collected = _Collect()
    collected.feed(html)
    collected.close()
    assert collected.stack == []
    return collected


def test_html_shows_bars_evidence_thresholds_and_tree() -> None:
    """Confidence bars per gap, the evidence table with values vs thresholds, the tree path."""
    result = diagnose(example("will-rep"))
    html = result._repr_html_()
    page = parse(html)
    text = " ".join(page.text)
    assert "Diagnosis for rep-will-01" in text
    assert "Primary gap: will (confirmed, 99.2%)" in text
    widths = re.findall(r"width:([\d.]+)%;height:10px", html)
    assert sorted(float(w) for w in widths) == sorted(
        round(v.confidence * 100, 1) for v in result.verdicts
    )
    assert "activity-low-calls-normal-leads" in text
    assert "calls against plan 35% < 50%" in text
    assert "What to do first" in text
    assert "Key numbers" in text
    assert "derived.calls_vs_plan < 0.5 [0.35, limit 0.5]" in text  # the technical column
    assert "Decision tree" in text
    assert result.tree_path[0].question in text
    assert result.tree_leaf is not None
    assert result.tree_leaf.id in text


def test_user_strings_are_escaped() -> None:
    """A rep id with markup shows as text and injects no tag."""
    rep = {**example("will-rep"), "rep_id": "<script>alert(1)</script>"}
    html = diagnose(rep)._repr_html_()
    page = parse(html)
    assert "script" not in page.tags
    assert "&lt;script&gt;" in html
    assert "Diagnosis for <script>alert(1)</script>" in "".join(page.text)


def test_html_lists_counterfactuals_open_rules_and_pip_block() -> None:
    """Counterfactuals, rules left open and the PIP block appear when present."""
    will = diagnose(example("will-rep"), counterfactuals=True)._repr_html_()
    assert "What would weaken it, not clear it" in will
    assert "14 → 20 calls a day" in will
    system = diagnose(example("system-rep"))._repr_html_()
    assert "no PIP while it stands" in system
    sparse = diagnose({"rep_id": "r", "activity": {"calls_per_day": 12}})._repr_html_()
    assert "Still open" in sparse
    assert "collect lead volume against the team" in sparse
    assert "Stopped at" in sparse


def test_no_evidence_says_so() -> None:
    """A rep no rule fires on shows 'No rule fired.' instead of an empty table."""
    html = diagnose({"rep_id": "r"})._repr_html_()
    assert "No rule fired." in html


def test_markdown_is_the_markdown_explanation() -> None:
    """_repr_markdown_ is explain(fmt='markdown'), with the tree path."""
    result: Diagnosis = diagnose(example("skill-rep"))
    markdown = result._repr_markdown_()
    assert markdown == result.explain(fmt="markdown")
    assert markdown.startswith("# Diagnosis for rep-skill-01")
    assert "## Decision tree" in markdown


def test_the_numbers_say_the_coverage_needed_once() -> None:
    """With a win rate, 'coverage needed' equals what the win rate requires: one line, not two.

    Without one, the 3x rule of thumb is the only coverage needed, and it is shown.
    """
    text = diagnose(example("will-rep")).to_text()
    assert "Coverage the win rate requires (1 / win rate): 3.7\u00d7" in text
    assert "Coverage needed (1 / win rate, else 3x)" not in text
    rep = example("will-rep")
    del rep["pipeline"]["win_rate"]
    text = diagnose(rep).to_text()
    assert "Coverage needed (1 / win rate, else 3x): 3.0\u00d7" in text
    assert "Coverage the win rate requires" not in text
    with_both = diagnose(example("will-rep"))
    names = {figure.name for figure in with_both.numbers}
    assert {"derived.coverage_needed", "derived.required_coverage"} <= names  # JSON keeps both


def test_a_number_whose_name_says_its_unit_is_shown_bare() -> None:
    """'Calls per meeting: 35', not '35 calls per meeting' after the same words."""
    text = diagnose(example("will-rep")).to_text()
    assert "- Calls per meeting: 35\n" in text
    assert "Gap to goal (quota - closed won - commit): $100,000" in text
