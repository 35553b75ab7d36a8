"""The words and marks the report uses for gaps, statuses, comparisons and next steps.

Each status has an icon and a word, so colour is never the only signal. Metric names go
through the label registry (`gapdiag.model.labels`), never shown as paths.
"""

from __future__ import annotations

from functools import cache
from html import escape

from gapdiag.model import wording
from gapdiag.model.labels import label_of, show

GAP_WORDS = {
    "system": "System",
    "will": "Will",
    "skill": "Skill",
    "knowledge": "Knowledge",
    "undetermined": "Undetermined (data missing)",
    "no_gap_found": "No gap found",
}
STATUS_ICONS = {"confirmed": "●", "suspected": "◐", "unknown": "?", "unlikely": "○"}
STATUS_WORDS = {
    "confirmed": "confirmed",
    "suspected": "suspected",
    "unknown": "open",
    "unlikely": "unlikely",
}
ACTIONS = {
    "trends-only": ("~", "Trends only (no coaching start given)"),
    "fit-conversation": ("⚑", "Talk about fit"),
    "keep-coaching": ("→", "Keep coaching"),
    "collect-data": ("?", "Collect weekly data"),
    "fix-system": ("⚙", "Fix the system (no PIP)"),
    "pip-review": ("⚠", "Review a PIP with HR (people decide)"),
    "extend-coaching": ("↻", "Extend coaching a quarter"),
    "graduate": ("✓", "Graduate from coaching"),
}
_OPS = {
    "<": "under",
    "<=": "at most",
    ">": "over",
    ">=": "at least",
    "==": "equal to",
    "!=": "not",
}
TRUTH = {True: "✓", False: "✗", None: "?"}
"""A comparison that holds, does not, or is unknown for lack of data."""


@cache
def label(path: str) -> str:
    """The escaped human label of a metric path."""
    return escape(label_of(path).label)


def value(path: str, number: float | bool | None) -> str:
    """The escaped human value of a metric path ('34%', '$90,000', 'unknown')."""
    return escape(show(path, number))


def bare(path: str, number: float | bool | None) -> str:
    """A value without its unit words where the label already says them ('14', '25%')."""
    unit = label_of(path).unit
    text = show(path, number)
    return escape(text.removesuffix(f" {unit}") if unit else text)


def status(status: str) -> str:
    """A verdict status as icon and word, coloured by class."""
    return f'<span class="st {status}">{STATUS_ICONS[status]} {STATUS_WORDS[status]}</span>'


def operator(op: str | None) -> str:
    """A comparison operator in words."""
    return _OPS.get(op or "", escape(op or "is"))


def difference(path: str, diff: float) -> str:
    """A rep's distance from the team average, in the metric's unit ('12 pts', '0.4x')."""
    if label_of(path).unit == "%":
        size = abs(diff) * 100
        return f"{size:.0f} pts" if size >= 1 else f"{size:.1f} pts"
    return escape(show(path, abs(diff)))


def humanize(text: str) -> str:
    """Escape a text with any metric path in it replaced by its label (texts from elsewhere)."""
    return escape(wording.humanize(text))
