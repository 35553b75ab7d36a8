"""Judging a rep's verdicts as a whole: weak evidence, the outcome, and watch notes.

Evidence that rests on too few observations (thin) or on a proxy can raise a suspicion but
cannot confirm a gap; a rep who is not behind gets watch notes, never a gap to fix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
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


def _supporting(verdict: Verdict) -> list[tuple[str, str]]:
    """(rule id, because-text) of the verdict's evidence, without listing the evidence
    where it is not listed yet (a note needs the texts alone)."""
    if "evidence" not in verdict.__dict__:
        texts = getattr(verdict._pending(), "because_texts", None)
        if texts is not None:
            return texts()  # type: ignore[no-any-return]
    return [(e.rule, e.because) for e in verdict.evidence]


def watch_notes(
    verdicts: Sequence[Verdict], standing: Standing, margin: float
) -> tuple[Watch, ...]:
    """For a rep who is not behind: each fact of a gap that would otherwise be found (held
    back by the standing), and thin pipeline cover for the next period."""
    notes = [
        Watch.trusted({"gap": v.gap, "rule": rule, "text": text})
        for v in verdicts
        if v.capped_by == "standing"
        for rule, text in _supporting(v)
    ]
    cover = cover_note(standing, margin)
    if cover is not None:
        notes.append(Watch.trusted({"gap": None, "rule": None, "text": cover}))
    return tuple(notes)


def cover_note(standing: Standing, margin: float) -> str | None:
    """The watch note on thin pipeline cover for the next period, if the cover is thin."""
    cover, needed = standing.next_coverage, standing.coverage_needed
    if cover is None or needed is None or not cover < needed * (1.0 - margin):
        return None
    times, wanted = show("derived.coverage", cover), show("derived.coverage", needed)
    money = partial(show, "pipeline.open_pipeline")
    left, pipeline = standing.pipeline_left, standing.open_pipeline
    if left is None or pipeline is None or left == pipeline:  # this period takes none
        carried = f"the {money(pipeline)} of pipeline,"
    else:  # this period takes what it still needs, at the coverage its win rate calls for
        carried = f"{money(left)} of pipeline left after this period:"
    return f"Next period: {carried} {times} quota (needs {wanted})"
