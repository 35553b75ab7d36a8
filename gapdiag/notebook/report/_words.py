"""The report's own words: urgency groups, next steps, values and differences in units.

Texts here are plain (the page escapes every text it shows). Signs shared with the other
views (status icons, ✓/✗, holds / does not hold) are `gapdiag.notebook.signs`; metric
names go through the label registry (`gapdiag.model.labels`), never shown as paths.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from gapdiag.model.labels import label_of, sentence, show
from gapdiag.notebook import signs

URGENCY: tuple[tuple[str, str], ...] = (
    ("confirmed", "Confirmed gap: coach it this week"),
    ("system", "System fix: yours to make"),
    ("suspected", "Suspected gap: check it in your 1:1"),
    ("data", "Not judged: collect the data first"),
    ("none", "No gap found"),
    ("on_track", "On track"),
    ("ahead", "Ahead"),
)
"""The first screen's groups, most urgent first: (key, what it asks of the manager)."""
ACTIONS = {
    "trends-only": ("~", "Trends only (no coaching start given)"),
    "fit-conversation": ("⚑", "Talk about fit"),
    "keep-coaching": ("→", "Keep coaching"),
    "collect-data": ("◌", "Collect weekly data"),
    "fix-system": ("⚙", "Fix the system (no PIP)"),
    "pip-review": ("⚠", "Review a PIP with HR (people decide)"),
    "extend-coaching": ("↻", "Extend coaching a quarter"),
    "graduate": ("★", "Graduate from coaching"),
}


@cache
def label(path: str) -> str:
    """The human label of a metric path."""
    return label_of(path).label


@cache
def heading(path: str) -> str:
    """A metric's label as a column heading ('Calls against plan')."""
    return sentence(label_of(path).label)


def value(path: str, number: float | bool | None) -> str:
    """The human value of a metric path ('34%', '$90,000', 'unknown')."""
    return show(path, number)


def bare(path: str, number: float | bool | None) -> str:
    """A value without its unit words where the label already says them ('14', '25%')."""
    unit = label_of(path).unit
    text = show(path, number)
    return text.removesuffix(f" {unit}") if unit else text


COLUMNS = {
    "rep": "Rep",
    "standing": "Standing",
    "team": "Team",
    "focus": "Focus",
    "conf": "Confidence",
    "move": "Move now → target",
    "action": "First action",
    "trend": "Trend of the focus metric",
    "next": "Next step",
}
"""The rep tables' column headings (the CSV download uses the same)."""
NO_GAP_LEFT = "no gap left"
"""Pipeline coverage of a rep whose closed and committed deals already reach quota."""

UI = {
    "caption": "Every rep, most urgent first",
    "team_caption": "The team's reps, most urgent first",
    "board": "Leaderboard: each rep against the team average (▲ above, ▼ below, = at it)",
    "board_short": "Leaderboard",
    "showing": "Showing {shown} of {total} reps ({all} in all).",
    "more": "Show {n} more",
    "csv_file": "reps.csv",
    "unknown": "unknown",
    "average": "Team average",
    "no_step": "no decision yet",
    "no_trend": "no weekly values",
    "focus": "Focus:",
    "watch": "Watch (not a gap: the rep is not behind)",
    "first": "First action:",
    "evidence": "Evidence",
    "tree": "Decision tree",
    "more_rule": "1 more fired rule on another gap is not shown on this large page.",
    "more_rules": "{n} more fired rules on other gaps are not shown on this large page.",
    "no_rule": "No rule fired.",
    "authors": "For rule authors",
    "fired": "Rules that fired:",
    "open": "Rules left open for lack of data:",
    "none": "none",
    "rep_id": "rep id",
    "back_team": "Back to team",
    "back_first": "Back to who needs what",
}
"""Every other text the page's script shows."""


def page_words() -> dict[str, Any]:
    """The words the page's script uses, embedded with its data."""
    return {
        "gap": signs.GAP_NAMES,
        "status": signs.STATUS_WORDS,
        "icon": signs.STATUS_ICONS,
        "cols": COLUMNS,
        "csv": {key: words.lower().replace(" → ", " to ") for key, words in COLUMNS.items()},
        "ui": UI,
        "above": signs.ABOVE,
        "below": signs.BELOW,
        "level": signs.LEVEL,
    }
