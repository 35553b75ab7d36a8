"""The metrics and targets as Markdown tables, generated from the label registry.

Each row's label and unit come from `gapdiag.model.labels` (what every text a person reads
uses), its definition from the input models' field descriptions, where it is stated once,
and a derived value's formula from the registry, the one explanations show beside it.
``docs/metrics.md`` holds these tables; a test fails when they differ from what this
module generates, and ``GAPDIAG_UPDATE_DOCS=1`` rewrites them.
"""

from __future__ import annotations

from gapdiag.model.labels import LABELS, MetricLabel, show
from gapdiag.model.metrics import Targets

START = "<!-- metric table: start -->"
END = "<!-- metric table: end -->"
"""The markers around the generated tables in docs/metrics.md."""

_HEAD = ("path", "label", "unit", "changed by", "definition")


def metric_tables() -> str:
    """The input metrics' table, the derived values', the targets' (with defaults): Markdown."""
    top = [label for path, label in LABELS.items() if "." not in path]
    inputs = top + [
        label
        for path, label in LABELS.items()
        if "." in path and path.split(".", 1)[0] not in ("derived", "target", "team")
    ]
    targets = [label for path, label in LABELS.items() if _is_target(path)]
    defaults = Targets()
    lines = ["### Metrics", "", *_table(_HEAD, [_metric_row(label) for label in inputs])]
    derived = [label for path, label in LABELS.items() if path.startswith("derived.")]
    lines += ["", "### Worked out from them", ""]
    lines += _table(
        ("path", "label", "unit", "how"),
        [(f"`{x.path}`", x.label, x.unit, x.definition) for x in derived],
    )
    lines += ["", "### Targets", ""]
    lines += _table(
        ("path", "label", "unit", "default", "definition"),
        [
            (
                f"`{t.path}`",
                t.label,
                t.unit,
                show(t.path, getattr(defaults, t.path.removeprefix("target."))),
                t.definition,
            )
            for t in targets
        ],
    )
    return "\n".join(lines) + "\n"


def _is_target(path: str) -> bool:
    return path.startswith("target.") and not path.startswith("target.margin.")


def _metric_row(label: MetricLabel) -> tuple[str, ...]:
    unit = label.unit or "date"  # the registry gives the period's dates no unit
    return (f"`{label.path}`", label.label, unit, label.owner, label.definition)


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [line(head), "| " + " | ".join("---" for _ in head) + " |", *map(line, rows)]
