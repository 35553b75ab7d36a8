"""What-ifs: diagnose a rep again with some inputs changed, and say what moved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from gapdiag.engines.compiled import RulesArg, diagnose, resolve_rules
from gapdiag.model.changes import MetricChange, apply_changes
from gapdiag.model.diagnosis import Diagnosis, Engine
from gapdiag.model.gaps import GAPS, Gap, Status
from gapdiag.model.metrics import RepMetrics, Targets, parse_metrics, parse_targets
from gapdiag.rulebook.template import format_value


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VerdictShift(_Frozen):
    """How one gap's verdict moved between two diagnoses."""

    gap: Gap
    confidence_before: float
    confidence_after: float
    status_before: Status
    status_after: Status

    @property
    def moved(self) -> bool:
        """True when the confidence or the status changed."""
        return (self.confidence_before, self.status_before) != (
            self.confidence_after,
            self.status_after,
        )


class WhatIf(_Frozen):
    """A rep diagnosed as is and with some inputs changed: both diagnoses and what moved."""

    changes: tuple[MetricChange, ...]
    before: Diagnosis
    after: Diagnosis
    shifts: tuple[VerdictShift, ...]
    stopped: tuple[str, ...]
    started: tuple[str, ...]

    def explain(self) -> str:
        """What changed in the inputs and in the verdicts, in plain text."""
        lines = ["Changes:"]
        lines.extend(
            f"- {c.path}: {format_value(c.before, 'num')} -> {format_value(c.after, 'num')}"
            for c in self.changes
        )
        lines.append(f"Primary gap: {self.before.primary_gap} -> {self.after.primary_gap}")
        moved = [s for s in self.shifts if s.moved]
        lines.extend(
            f"- {s.gap}: {s.status_before} {s.confidence_before:.0%} -> "
            f"{s.status_after} {s.confidence_after:.0%}"
            for s in moved
        )
        if not moved:
            lines.append("- no verdict moved")
        if self.stopped:
            lines.append(f"Rules that stop firing: {', '.join(self.stopped)}")
        if self.started:
            lines.append(f"Rules that start firing: {', '.join(self.started)}")
        return "\n".join(lines) + "\n"


def what_if(
    metrics: RepMetrics | Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    engine: Engine = "compiled",
) -> WhatIf:
    """Diagnose a rep as is and with `changes` applied (dotted metric or ``target.*`` paths).

    Example: ``what_if(rep, {"activity.calls_per_day": 40})``; a None value makes a
    metric unknown.

    Raises:
        InvalidMetrics: the metrics are invalid, a path names no metric or target (with a
            did-you-mean), or a new value breaks the input contract.
    """
    rep = parse_metrics(metrics)
    book = resolve_rules(rules)
    base_targets = parse_targets(targets)
    new_rep, new_targets, recorded = apply_changes(rep, base_targets, changes)
    before = diagnose(rep, rules=book, targets=base_targets, engine=engine)
    after = diagnose(new_rep, rules=book, targets=new_targets, engine=engine)
    return WhatIf(
        changes=recorded,
        before=before,
        after=after,
        shifts=tuple(_shift(before, after, gap) for gap in GAPS),
        stopped=tuple(r for r in before.fired if r not in after.fired),
        started=tuple(r for r in after.fired if r not in before.fired),
    )


def _shift(before: Diagnosis, after: Diagnosis, gap: Gap) -> VerdictShift:
    old, new = before.verdict(gap), after.verdict(gap)
    return VerdictShift(
        gap=gap,
        confidence_before=old.confidence,
        confidence_after=new.confidence,
        status_before=old.status,
        status_after=new.status,
    )
