"""A rule pack as a Markdown catalog: every rule with its condition, text and examples.

The documentation site builds its rule catalog with this from ``rules/`` on every build,
so the catalog cannot drift from the pack; a team can render its own pack the same way.
"""

from __future__ import annotations

import json
from html import escape

from gapdiag.model.gaps import GAPS
from gapdiag.notebook.render import render
from gapdiag.rulebook._given import EXAMPLE_REP_ID
from gapdiag.rulebook.pack import Rulebook, load_rules
from gapdiag.rulebook.rule import Example, Rule


def rule_catalog(rules: Rulebook | None = None) -> str:
    """Render a pack (default: the shipped one) as Markdown: a summary, the tree, every rule."""
    book = rules if rules is not None else load_rules()
    lines = [
        "# Rule catalog",
        "",
        f"Pack **{_cell(book.name)}** version {_cell(book.version)} "
        f"(content hash `{book.content_hash}`): {len(book.rules)} rules. This page is "
        "generated from the pack's YAML files every time the site is built.",
        "",
        "| gap | rules for | rules against |",
        "| --- | --- | --- |",
    ]
    by_gap = {gap: [r for r in book.rules if r.gap == gap] for gap in GAPS}
    for gap, rules_of in by_gap.items():
        support = sum(r.certainty > 0 for r in rules_of)
        lines.append(f"| [{gap}](#{gap}) | {support} | {len(rules_of) - support} |")
    if book.tree is not None:
        chart = render(book.tree, "mermaid").rstrip()
        lines += ["", "## Decision tree", "", "```mermaid", chart, "```"]
    for gap, rules_of in by_gap.items():
        lines += ["", f"## {gap.capitalize()} {{#{gap}}}"]
        for rule in rules_of:
            lines += ["", *_rule(rule)]
    return "\n".join(lines).rstrip() + "\n"


def _rule(rule: Rule) -> list[str]:
    side = "for" if rule.certainty > 0 else "against"
    lines = [
        f"### `{rule.id}`",
        "",
        f"Evidence **{side}** a {rule.gap} gap, certainty {rule.certainty:+.2f}.",
        "",
        "```text",
        rule.when,
        "```",
        "",
        f"**Because:** {_cell(rule.because)}",
    ]
    if rule.intervention:
        lines += ["", f"**What to do:** {_cell(rule.intervention)}"]
    lines += ["", "| given | fires |", "| --- | --- |"]
    lines += [f"| {_given(example)} | {_fires(example)} |" for example in rule.examples]
    return lines


def _given(example: Example) -> str:
    data = example.given.model_dump(mode="json", exclude_none=True)
    if data.get("rep_id") == EXAMPLE_REP_ID:
        del data["rep_id"]
    text = f"`{json.dumps(data, separators=(', ', ': '))}`"
    if example.targets is not None:
        targets = example.targets.model_dump(mode="json", exclude_defaults=True)
        text += f" with targets `{json.dumps(targets, separators=(', ', ': '))}`"
    return text


def _fires(example: Example) -> str:
    return example.fires if isinstance(example.fires, str) else str(example.fires).lower()


def _cell(text: str) -> str:
    """Text safe inside Markdown (and a table cell): HTML escaped, pipes escaped."""
    return escape(text, quote=False).replace("|", "\\|")
