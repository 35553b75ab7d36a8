"""Changes to one rep's inputs, named by dotted path, applied and validated like any input.

A change names a metric (``activity.calls_per_day``, ``tenure_months``) or a target
(``target.calls_per_day``) and gives its new value; None makes a metric unknown. The
changed metrics and targets are validated by the same models as the originals, so a bad
value is reported with its field, value and expectation, and an unknown name with a
did-you-mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidMetrics, Problem
from gapdiag.model.labels import label_of, sentence, show_change
from gapdiag.model.metrics import METRICS, TARGETS, RepMetrics, Targets
from gapdiag.model.wording import movement

TARGET_PREFIX = "target."

Value = float | bool | None


class MetricChange(Worded, BaseModel):
    """One input changed for a what-if: the path, its value before and after."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str
    before: Value
    after: Value

    def _words(self) -> str:
        if self.path.startswith(TARGET_PREFIX):
            moved = show_change(self.path, self.before, self.after)
            name = label_of(self.path).label.removeprefix("planned ")
            return f"Plan change: the target for {name} moves {moved}"
        return sentence(movement(self.path, self.before, self.after))


def changeable() -> tuple[str, ...]:
    """Every path a change may name: metric paths and ``target.*`` names."""
    return (*METRICS, *(TARGET_PREFIX + name for name in TARGETS))


def apply_changes(
    rep: RepMetrics, targets: Targets, changes: Mapping[str, Any]
) -> tuple[RepMetrics, Targets, tuple[MetricChange, ...]]:
    """Apply dotted-path changes to a rep's metrics and targets, validating the results.

    Raises:
        InvalidMetrics: a path names no metric or target, or a new value breaks the contract.
    """
    if not isinstance(changes, Mapping):
        found = type(changes).__name__
        raise InvalidMetrics(
            [Problem("changes", f"expected a mapping of path: value, got {found}")]
        )
    unknown = [
        Problem(str(path), f"is not a metric or target{did_you_mean(str(path), changeable())}")
        for path in changes
        if path not in METRICS and not _is_target(path)
    ]
    if unknown:
        raise InvalidMetrics(unknown)
    metric_changes = {p: v for p, v in changes.items() if p in METRICS}
    target_changes = {p.removeprefix(TARGET_PREFIX): v for p, v in changes.items() if _is_target(p)}
    new_rep = _changed_rep(rep, metric_changes) if metric_changes else rep
    new_targets = (
        Targets.model_validate({**targets.model_dump(), **target_changes})
        if target_changes
        else targets
    )
    recorded = tuple(
        MetricChange(
            path=path,
            before=_read(rep, targets, path),
            after=_read(new_rep, new_targets, path),
        )
        for path in changes
    )
    return new_rep, new_targets, recorded


def _is_target(path: object) -> bool:
    return isinstance(path, str) and path.startswith(TARGET_PREFIX) and path[7:] in TARGETS


def _changed_rep(rep: RepMetrics, changes: Mapping[str, Any]) -> RepMetrics:
    data = rep.model_dump(exclude_none=True)
    for path, value in changes.items():
        group, _, field = path.rpartition(".")
        node = data.setdefault(group, {}) if group else data
        if value is None:
            node.pop(field, None)
        else:
            node[field] = value
    return RepMetrics.model_validate(data)


def _read(rep: RepMetrics, targets: Targets, path: str) -> Value:
    """The current value at a path (None when unknown)."""
    if path.startswith(TARGET_PREFIX):
        value: Value = getattr(targets, path.removeprefix(TARGET_PREFIX))
        return value
    group, _, field = path.rpartition(".")
    holder = getattr(rep, group) if group else rep
    return None if holder is None else getattr(holder, field)
