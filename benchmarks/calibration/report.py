"""The benchmark's output: a table with the goals beside the figures, the confusion matrix,
and the failure patterns; or one JSON object per measured figure."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable

from .run import Agreement
from .score import COLUMNS, Figure, Score
from .world import CAUSES

TOP = 12


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _goal(figure: Figure) -> str:
    if figure.goal is None:
        return ""
    return ("<= " if figure.at_most else ">= ") + f"{100 * figure.goal:g}%"


def _met(figure: Figure) -> str:
    return {True: "yes", False: "NO", None: ""}[figure.met]


def figures_table(figures: Iterable[Figure]) -> list[str]:
    """The figures, goals beside them."""
    lines = [
        f"{'figure':<66} {'gap':<9} {'value':>7} {'of':>7}  {'goal':<8} met",
    ]
    lines += [
        f"{f.label:<66} {f.gap or 'all':<9} {_percent(f.value):>7} {f.total:>7,}  "
        f"{_goal(f):<8} {_met(f)}".rstrip()
        for f in figures
    ]
    return lines


def confusion_table(score: Score) -> list[str]:
    """True cause (rows) against the primary gap or its absence (columns), per standing."""
    lines = []
    for group, rows in score.confusion.items():
        lines.append(f"true cause ({group}) -> primary gap")
        lines.append(f"  {'':<10}" + "".join(f"{c:>14}" for c in COLUMNS) + f"{'reps':>8}")
        for cause in CAUSES:
            counts = rows.get(cause)
            if not counts:
                continue
            cells = "".join(f"{counts.get(c, 0):>14,}" for c in COLUMNS)
            lines.append(f"  {cause:<10}{cells}{sum(counts.values()):>8,}")
        lines.append("")
    return lines


def patterns_table(score: Score, top: int = TOP) -> list[str]:
    """The rules behind most wrong confirmed/suspected verdicts, and whom they fired on."""
    lines = [
        "rules behind wrong confirmed/suspected verdicts: fired = evidence for a confirmed or",
        "suspected verdict; wrong = on a rep not behind, or behind for another cause",
        f"  {'rule':<42} {'gap':<10} {'fired':>6} {'wrong':>6} {'conf.':>6} "
        f"{'!behind':>7}  {'behind, true cause':<36} e.g.",
    ]
    for p in score.patterns[:top]:
        calm = sum(n for (_, standing), n in p.on.items() if standing != "behind")
        causes: Counter[str] = Counter()
        for (cause, standing), n in p.on.items():
            if standing == "behind":
                causes[cause] += n
        other = ", ".join(f"{c} {n}" for c, n in causes.most_common(3))
        lines.append(
            f"  {p.rule:<42} {p.gap:<10} {p.fired:>6,} {p.wrong:>6,} {p.wrong_confirmed:>6,} "
            f"{calm:>7,}  {other:<36} {p.examples[0]}"
        )
    lines += ["", "wrong primary gaps by the tree leaf that named them"]
    lines.append(f"  {'leaf':<42} {'gap':<10} {'wrong':>6} {'behind':>7}  e.g.")
    lines += [
        f"  {x.leaf:<42} {x.gap:<10} {x.wrong:>6,} {x.behind:>7,}  {', '.join(x.examples)}"
        for x in score.leaves[:top]
    ]
    return lines


def agreement_lines(agreement: Agreement) -> list[str]:
    """Whether diagnose_many agreed with diagnose on the sample."""
    head = (
        f"diagnose_many vs diagnose on {agreement.compared:,} reps (whole teams): "
        f"{len(agreement.differ):,} differ"
    )
    return [head, *(f"  {rep}: {what}" for rep, what in agreement.differ[:5])]


def as_json(score: Score, agreement: Agreement | None) -> str:
    """One JSON object per measured figure, one per line."""
    lines = [json.dumps(f.to_json()) for f in score.figures]
    if agreement is not None:
        lines.append(
            json.dumps(
                {
                    "figure": "batch_disagreements",
                    "gap": None,
                    "label": "diagnose_many differs from diagnose",
                    "value": len(agreement.differ),
                    "hits": len(agreement.differ),
                    "total": agreement.compared,
                    "goal": "== 0",
                    "met": not agreement.differ,
                }
            )
        )
    return "\n".join(lines)
