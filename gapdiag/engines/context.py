"""A rep as a team's batch judged them: the rules, targets and team values that came with it.

``diagnose_many(...).rep(row)`` returns a ``BatchRep``: the rep's metrics (a RepMetrics in
every way) carrying how the batch judged them. ``diagnose`` and ``plan`` use what it
carries for any of rules, targets and team values they are not given, so one rep taken
out of a team file gets the verdict the team page shows, not one judged without the team.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import PrivateAttr

from gapdiag.model.metrics import RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.rulebook.pack import Rulebook


@dataclass(frozen=True, slots=True)
class Judgment:
    """How a batch judged its reps: the rule pack, the targets, one rep's team values."""

    rules: Rulebook
    targets: Targets
    team: TeamStats | None


class BatchRep(RepMetrics):
    """A rep's metrics from a batch, with the judgment the batch made them under."""

    _judgment: Judgment | None = PrivateAttr(default=None)


def with_judgment(data: Mapping[str, Any], judgment: Judgment) -> BatchRep:
    """A batch's row (validated like any metrics) as a BatchRep carrying `judgment`."""
    out = BatchRep.model_validate(data)
    out._judgment = judgment
    return out


def judged_with(metrics: RepMetrics | Mapping[str, Any]) -> Judgment | None:
    """The judgment a batch rep carries (None for any other metrics)."""
    return metrics._judgment if isinstance(metrics, BatchRep) else None
