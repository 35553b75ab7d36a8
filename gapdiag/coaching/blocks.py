"""A document as blocks (headings, paragraphs, lists, tables) and its three forms.

The coaching plan is laid out once as blocks; plain text, Markdown and HTML each write the
same blocks, so the three hold the same content. User text is made safe where it lands:
escaped for Markdown and HTML, cleared of terminal control sequences everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from gapdiag.model import _text


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading: level 1 for the title, 2 for a section."""

    text: str
    level: int = 2


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph."""

    text: str


@dataclass(frozen=True, slots=True)
class Items:
    """A list, with the line that leads into it."""

    items: tuple[str, ...]
    lead: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A table: its heading row and rows, and how plain text shows it."""

    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    text_lines: tuple[str, ...]
    """How plain text shows the table: one line each."""


Block = Heading | Para | Items | Table


def as_text(blocks: Sequence[Block]) -> str:
    """The blocks as plain text: headings underlined, a table as its text lines."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            underline = [] if block.level == 1 else ["-" * len(block.text)]
            lines += ["", block.text, *underline] if lines else [block.text, *underline]
        elif isinstance(block, Para):
            lines.append(block.text)
        elif isinstance(block, Items):
            lines += ([block.lead] if block.lead else []) + [f"- {i}" for i in block.items]
        else:
            lines += block.text_lines
    return _text.terminal("\n".join(lines)).rstrip() + "\n"


def as_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as Markdown, every text escaped."""
    md = _text.markdown
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            lines += ([""] if lines and lines[-1] else []) + [
                f"{'#' * block.level} {md(block.text)}",
                "",
            ]
        elif isinstance(block, Para):
            lines += [md(block.text), ""]
        elif isinstance(block, Items):
            lines += ([md(block.lead), ""] if block.lead else []) + [
                f"- {md(i)}" for i in block.items
            ]
            lines.append("")
        else:
            lines.append("| " + " | ".join(md(h) for h in block.head) + " |")
            lines.append("|" + " --- |" * len(block.head))
            lines += ["| " + " | ".join(md(c) for c in row) + " |" for row in block.rows]
            lines.append("")
    return "\n".join(lines).strip() + "\n"


_CELL = "padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd"


def as_html(blocks: Sequence[Block]) -> str:
    """The blocks as one HTML fragment, every text escaped."""

    def safe(text: str) -> str:
        return escape(_text.terminal(text))

    parts = ['<div class="gapdiag-plan" style="font-family:sans-serif;font-size:13px">']
    for block in blocks:
        if isinstance(block, Heading):
            tag = "h3" if block.level == 1 else "h4"
            parts.append(f"<{tag} style='margin:8px 0 2px'>{safe(block.text)}</{tag}>")
        elif isinstance(block, Para):
            parts.append(f"<p style='margin:2px 0'>{safe(block.text)}</p>")
        elif isinstance(block, Items):
            lead = f"<p style='margin:2px 0'>{safe(block.lead)}</p>" if block.lead else ""
            items = "".join(f"<li>{safe(i)}</li>" for i in block.items)
            parts.append(f"{lead}<ul style='margin:2px 0'>{items}</ul>")
        else:
            head = "".join(f"<th style='{_CELL}'>{safe(h)}</th>" for h in block.head)
            rows = "".join(
                "<tr>" + "".join(f"<td style='{_CELL}'>{safe(c)}</td>" for c in row) + "</tr>"
                for row in block.rows
            )
            parts.append(f"<table style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>")
    return "".join(parts) + "</div>"
