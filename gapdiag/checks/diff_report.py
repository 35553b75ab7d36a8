"""Render a PackDiff: a short text summary for the terminal, Markdown for a pull request."""

from __future__ import annotations

from collections.abc import Sequence

from gapdiag.checks.pack_diff import OUTCOMES, PackDiff
from gapdiag.model.diagnosis import RulebookStamp
from gapdiag.model.wording import counted

SHOWN = 20
"""Rows listed per section before the rest is counted ("... and 12 more")."""


def to_text(diff: PackDiff) -> str:
    """A few lines saying what moved; enough to read in a CI log."""
    lines = [
        f"{_stamp(diff.old)} -> {_stamp(diff.new)} over {counted(diff.reps, 'rep')}"
        f" from {diff.source}",
        f"leading gap changed for {counted(len(diff.primary_changes), 'rep')}",
    ]
    lines += [f"  {c.rep}: {c.old} -> {c.new}" for c in diff.primary_changes[:SHOWN]]
    lines += _more(diff.primary_changes, "  ")
    lines.append(
        f"confidence shifts of {diff.threshold:.0%} or more: {len(diff.confidence_shifts)}"
    )
    lines += [
        f"  {s.rep} {s.gap}: {s.old:.0%} -> {s.new:.0%} ({s.delta:+.0%})"
        for s in diff.confidence_shifts[:SHOWN]
    ]
    lines += _more(diff.confidence_shifts, "  ")
    lines.append(f"tree leaf changed for {counted(len(diff.leaf_changes), 'rep')}")
    lines += [f"  {c.rep}: {c.old} -> {c.new}" for c in diff.leaf_changes[:SHOWN]]
    lines += _more(diff.leaf_changes, "  ")
    lines += [f"rule {c.rule}: {c.change} {', '.join(c.fields)}".rstrip() for c in diff.rules]
    lines.append("verdicts changed" if diff.changed else "no verdict changed")
    return "\n".join(lines) + "\n"


def to_markdown(diff: PackDiff, *, rejected: Sequence[str] = ()) -> str:
    """The diff as a Markdown report, ready to paste into a pull request."""
    out = [
        f"## Rule pack diff: {_stamp(diff.old)} → {_stamp(diff.new)}",
        "",
        f"Diagnosed {counted(diff.reps, 'rep')} from {diff.source} under both packs. "
        + ("**Verdicts changed.**" if diff.changed else "No verdict changed."),
        "",
        f"- Leading gap changed: {_bold_reps(len(diff.primary_changes))}",
        f"- Confidence shifts of {diff.threshold:.0%} or more: **{len(diff.confidence_shifts)}**",
        f"- Rules added / removed / edited: {_count(diff, 'added')} / "
        f"{_count(diff, 'removed')} / {_count(diff, 'changed')}",
        "",
        "### Primary gap, old (rows) → new (columns)",
        "",
        "| old \\ new | " + " | ".join(OUTCOMES) + " |",
        "|---" * (len(OUTCOMES) + 1) + "|",
    ]
    counts = {(a, b): n for a, b, n in diff.matrix}
    out += [
        f"| {a} | " + " | ".join(_cell(counts[a, b], a == b) for b in OUTCOMES) + " |"
        for a in OUTCOMES
    ]
    out += _section(
        "Reps whose leading gap changed",
        ["rep", "old", "new"],
        [[c.rep, c.old, c.new] for c in diff.primary_changes],
    )
    out += _section(
        "Confidence shifts",
        ["rep", "gap", "old", "new", "change"],
        [
            [s.rep, s.gap, f"{s.old:.0%}", f"{s.new:.0%}", f"{s.delta:+.0%}"]
            for s in diff.confidence_shifts
        ],
    )
    out += _section(
        "Reps whose decision-tree leaf changed",
        ["rep", "old", "new"],
        [[c.rep, c.old, c.new] for c in diff.leaf_changes],
    )
    out += _section(
        "Rules added, removed or edited",
        ["rule", "change", "fields", "condition"],
        [
            [c.rule, c.change, ", ".join(c.fields), _when(c.old_when, c.new_when)]
            for c in diff.rules
        ],
    )
    out += _section(
        "Rules that fire on a different number of reps",
        ["rule", "old", "new"],
        [[f.rule, _num(f.old), _num(f.new)] for f in diff.firing],
    )
    if rejected:
        out += ["", f"### Rows left out ({len(rejected)})", ""] + [f"- {r}" for r in rejected]
    return "\n".join(out) + "\n"


def _stamp(stamp: RulebookStamp) -> str:
    return f"{stamp.name} {stamp.version} ({stamp.content_hash})"


def _bold_reps(count: int) -> str:
    """'**2** reps', the number in bold."""
    return f"**{count:,}** {'rep' if count == 1 else 'reps'}"


def _count(diff: PackDiff, change: str) -> int:
    return sum(c.change == change for c in diff.rules)


def _cell(count: int, diagonal: bool) -> str:
    return str(count) if diagonal or not count else f"**{count}**"


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def _when(old: str | None, new: str | None) -> str:
    if old is None or new is None:
        return ""
    return f"`{_escape(old)}` → `{_escape(new)}`"


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _section(title: str, header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    out = ["", f"### {title}", "", "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows[:SHOWN]]
    return out + _more(rows, "")


def _more(items: Sequence[object], indent: str) -> list[str]:
    extra = len(items) - SHOWN
    return [f"{indent}... and {extra} more"] if extra > 0 else []
