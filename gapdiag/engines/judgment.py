"""Judging a rep's verdicts as a whole: weak evidence, the outcome, and watch notes.

Evidence that rests on too few observations (thin) or on a proxy can raise a suspicion but
cannot confirm a gap; a rep who is not behind gets watch notes, never a gap to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from gapdiag.model.diagnosis import Outcome, Verdict, Watch
from gapdiag.model.gaps import Gap
from gapdiag.model.labels import show
from gapdiag.model.standing import NOT_BEHIND, Standing, StandingStatus
from gapdiag.rulebook.rule import CompiledRule


@dataclass(frozen=True, slots=True)
class Weak:
    """One rep's weak metrics: thin counted rates, and the metrics marked as proxies."""

    thin: frozenset[str]
    proxies: frozenset[str]

    def __bool__(self) -> bool:
        """Whether anything is weak at all."""
        return bool(self.thin or self.proxies)

    def of(self, rule: CompiledRule) -> bool:
        """Whether the rule reads a thin or proxy metric (derived inputs included)."""
        return any(path in self.thin or path in self.proxies for path in rule.needs)

    def cause(self, rules: Sequence[CompiledRule]) -> Literal["thin", "proxy"]:
        """Why weak rules cannot confirm: a proxy where any rests on one, else thin data."""
        proxied = any(path in self.proxies for rule in rules for path in rule.needs)
        return "proxy" if proxied else "thin"


def outcome_of(
    primary: Gap | None, verdicts: Sequence[Verdict], standing: StandingStatus
) -> Outcome:
    """gap, no_gap_found or undetermined, in one vocabulary for every output.

    A rep who is not behind has no gap to find. Where the standing is unknown, a gap the
    evidence points to cannot be named until it is known (undetermined: collect the figures
    the standing names). Otherwise an open verdict leaves it undetermined.
    """
    if primary is not None:
        return "gap"
    if standing in NOT_BEHIND:
        return "no_gap_found"
    open_ = ("unknown", "suspected", "confirmed") if standing == "unknown" else ("unknown",)
    if any(v.status in open_ for v in verdicts):
        return "undetermined"
    return "no_gap_found"


def watch_notes(
    verdicts: Sequence[Verdict], standing: Standing, margin: float
) -> tuple[Watch, ...]:
    """For a rep who is not behind: each fact of a gap that would otherwise be found (held
    back by the standing), and thin pipeline cover for the next period."""
    notes = [
        Watch.trusted({"gap": v.gap, "rule": e.rule, "text": e.because})
        for v in verdicts
        if v.capped_by == "standing"
        for e in v.evidence
    ]
    cover, needed = standing.next_coverage, standing.coverage_needed
    if cover is not None and needed is not None and cover < needed * (1.0 - margin):
        pipe = show("pipeline.open_pipeline", standing.open_pipeline)
        times = f"{show('derived.coverage', cover)} one period's quota"
        if standing.pipeline_left != standing.open_pipeline:  # this period still takes some
            left = show("pipeline.open_pipeline", standing.pipeline_left)
            gap = show("pipeline.open_pipeline", standing.still_needed)
            takes = f"less what the {gap} still needed this period takes"
            said = f"Open pipeline of {pipe}, {takes}, leaves {left}: {times}"
        else:
            said = f"Open pipeline of {pipe} is {times}"
        text = f"{said}; the next period needs {show('derived.coverage', needed)}"
        notes.append(Watch.trusted({"gap": None, "rule": None, "text": text}))
    return tuple(notes)
