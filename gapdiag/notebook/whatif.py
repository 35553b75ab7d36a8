"""What-ifs: diagnose a rep again with some inputs changed, and say what moved."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.engines.compiled import RulesArg, diagnose, resolve_rules
from gapdiag.model._result import Worded
from gapdiag.model.changes import MetricChange, apply_changes
from gapdiag.model.diagnosis import Diagnosis, Engine, Verdict
from gapdiag.model.gaps import GAPS, Gap, Status
from gapdiag.model.labels import label_of, sentence, show_change
from gapdiag.model.metrics import RepMetrics, Targets, parse_metrics, parse_targets
from gapdiag.model.wording import confidence, movement
from gapdiag.notebook.signs import GAP_NAMES, STATUS_WORDS


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class VerdictShift(Worded, _Frozen):
    """How one gap's verdict moved between two diagnoses."""

    gap: Gap
    confidence_before: float
    confidence_after: float
    status_before: Status
    status_after: Status
    held_before: bool = False
    """The verdict is held back because the rep is not behind (capped by the standing)."""
    held_after: bool = False

    def words(self) -> str:
        """'Will confirmed, 99.2% → suspected, 45%'; an open gap reads 'not judged', one
        held back because the rep is not behind 'not a gap this period'."""
        before = _state(self.status_before, self.confidence_before, self.held_before)
        after = _state(self.status_after, self.confidence_after, self.held_after)
        return f"{GAP_NAMES[self.gap]} {before} → {after}"

    def _repr_html_(self) -> str:
        return f"<span style='font-family:sans-serif;font-size:13px'>{escape(self.words())}</span>"

    @property
    def moved(self) -> bool:
        """True when the confidence or the status changed."""
        return (self.confidence_before, self.status_before) != (
            self.confidence_after,
            self.status_after,
        )

    def _words(self) -> str:
        return self.words()


class WhatIf(Worded, _Frozen):
    """A rep diagnosed as is and with some inputs changed: both diagnoses and what moved."""

    changes: tuple[MetricChange, ...]
    before: Diagnosis
    after: Diagnosis
    shifts: tuple[VerdictShift, ...]
    stopped: tuple[str, ...]
    started: tuple[str, ...]

    def explain(self, *, fmt: Literal["text", "markdown"] = "text") -> str:
        """What changed in the inputs and in the verdicts, in plain text (or Markdown).

        A change to a target reads as a change of plan, not of what the rep did; rule ids
        come last, for rule authors.
        """
        md = fmt == "markdown"
        lines = ["## Changes" if md else "Changes:"]
        lines.extend(f"- {change_words(c)}" for c in self.changes)
        before = _gap(self.before.primary_gap)
        after = _gap(self.after.primary_gap)
        lines.append(f"Primary gap: {before} → {after}")
        moved = [s for s in self.shifts if s.moved]
        lines.extend(f"- {s.words()}" for s in moved)
        if not moved:
            lines.append("- no verdict moved")
        if self.stopped or self.started:
            lines.append("## For rule authors" if md else "For rule authors:")
        if self.stopped:
            lines.append(f"- rules that stop firing: {', '.join(self.stopped)}")
        if self.started:
            lines.append(f"- rules that start firing: {', '.join(self.started)}")
        return "\n".join(lines) + "\n"

    def to_text(self) -> str:
        """The what-if as plain text."""
        return self.explain()

    def to_markdown(self) -> str:
        """The what-if as Markdown."""
        return self.explain(fmt="markdown")

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_html_(self) -> str:
        """Rich display: the changes, then each gap's status and confidence before and after."""
        changes = "".join(f"<li>{escape(change_words(c))}</li>" for c in self.changes)
        rows = "".join(
            "<tr>"
            + "".join(
                f"<td style='{_CELL}'>{cell}</td>"
                for cell in (
                    f"<b>{escape(GAP_NAMES[s.gap])}</b>" if s.moved else escape(GAP_NAMES[s.gap]),
                    escape(_state(s.status_before, s.confidence_before, s.held_before)),
                    escape(_state(s.status_after, s.confidence_after, s.held_after)),
                )
            )
            + "</tr>"
            for s in self.shifts
        )
        head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in ("gap", "before", "after"))
        before = escape(_gap(self.before.primary_gap))
        after = escape(_gap(self.after.primary_gap))
        rules = "".join(
            f"<p style='margin:2px 0'>{words}: {escape(', '.join(ids))}</p>"
            for words, ids in (
                ("Rules that stop firing", self.stopped),
                ("Rules that start firing", self.started),
            )
            if ids
        )
        authors = f"<details><summary>For rule authors</summary>{rules}</details>" if rules else ""
        return (
            '<div class="gapdiag-whatif" style="font-family:sans-serif;font-size:13px">'
            f"<h4 style='margin:4px 0'>What if, for {escape(self.before.rep_id)}</h4>"
            f"<ul style='margin:2px 0'>{changes}</ul>"
            f"<p style='margin:4px 0'>Primary gap: <b>{before}</b> → <b>{after}</b></p>"
            f"<table style='border-collapse:collapse'><tr>{head}</tr>{rows}</table>{authors}</div>"
        )

    def _words(self) -> str:
        changes = "; ".join(change_words(c) for c in self.changes)
        moved = "; ".join(s.words() for s in self.shifts if s.moved) or "no verdict moved"
        return f"{changes}: {moved}"


_CELL = "padding:2px 6px;text-align:left;border-bottom:1px solid #ddd"


def change_words(change: MetricChange) -> str:
    """One change in words; a target's change reads as a change of plan, not of the rep."""
    if change.path.startswith("target."):
        moved = show_change(change.path, change.before, change.after)
        name = label_of(change.path).label.removeprefix("planned ")
        return f"Plan change: the target for {name} moves {moved}"
    return sentence(movement(change.path, change.before, change.after))


def _state(status: str, value: float, held: bool = False) -> str:
    if status == "unknown":
        return "not judged"
    if held:
        return f"not a gap this period (evidence alone {confidence(value)})"
    return f"{STATUS_WORDS[status]}, {confidence(value)}"


def _held(v: Verdict) -> bool:
    """Held back by the standing: the evidence may be strong, the rep is not behind."""
    return v.capped_by == "standing" and v.status == "unlikely"


def _gap(gap: str | None) -> str:
    return GAP_NAMES[gap] if gap else "none"


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
        held_before=_held(old),
        held_after=_held(new),
    )
