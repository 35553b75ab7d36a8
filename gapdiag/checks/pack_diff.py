"""Diff two versions of a rule pack by their verdicts: whose diagnosis a rule change moves.

Every rep is diagnosed under both packs. The diff lists reps whose leading gap (the gap the
rules point to first, whatever the rep's standing: ``Diagnosis.leading_gap``) changed, the
from -> to matrix of leading gaps, per-gap confidence shifts at or above a threshold,
reps whose decision-tree walk ends at another leaf, how often each rule fired under each
pack, and which rules were added, removed or edited.
A pack diffed against itself reports no change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gapdiag.checks.coverage import LabelledRep
from gapdiag.engines.compiled import diagnose
from gapdiag.model._result import Worded
from gapdiag.model.diagnosis import Diagnosis, RulebookStamp
from gapdiag.model.gaps import GAPS
from gapdiag.model.labels import percent
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import Rule

NONE = "no gap"
"""How a diagnosis whose evidence points to no gap shows in the matrix."""
OUTCOMES = (*GAPS, NONE)
RULE_FIELDS = ("gap", "certainty", "when", "because", "intervention", "examples")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PrimaryChange(Worded, _Frozen):
    """A rep whose leading gap (the gap the rules point to first) differs between the packs."""

    rep: str
    old: str
    new: str

    def _words(self) -> str:
        return f"{self.rep}: leading gap {self.old} → {self.new}"


class LeafChange(Worded, _Frozen):
    """A rep whose decision-tree walk ends elsewhere (a leaf id, or 'stopped at NODE')."""

    rep: str
    old: str
    new: str

    def _words(self) -> str:
        return f"{self.rep}: tree ends at {self.old} → {self.new}"


class ConfidenceShift(Worded, _Frozen):
    """A rep whose confidence in one gap moved by at least the threshold."""

    rep: str
    gap: str
    old: float
    new: float

    @property
    def delta(self) -> float:
        """new - old."""
        return self.new - self.old

    def _words(self) -> str:
        return f"{self.rep}: {self.gap} {percent(self.old)} → {percent(self.new)}"


class RuleChange(Worded, _Frozen):
    """A rule added, removed, or edited (with the fields that differ)."""

    rule: str
    change: Literal["added", "removed", "changed"]
    fields: tuple[str, ...] = ()
    old_when: str | None = None
    new_when: str | None = None

    def _words(self) -> str:
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.rule} {self.change}{fields}"


class FiringChange(Worded, _Frozen):
    """A rule that fires on a different number of reps under the new pack."""

    rule: str
    old: int | None = Field(description="Reps it fired on under the old pack; None if absent.")
    new: int | None = Field(description="Reps it fires on under the new pack; None if absent.")

    def _words(self) -> str:
        def reps(n: int | None) -> str:
            return "absent" if n is None else f"{n} reps"

        return f"{self.rule} fires on {reps(self.old)} → {reps(self.new)}"


class PackDiff(Worded, _Frozen):
    """What changes between two packs, over one set of reps."""

    old: RulebookStamp
    new: RulebookStamp
    source: str
    reps: int
    threshold: float
    primary_changes: tuple[PrimaryChange, ...]
    matrix: tuple[tuple[str, str, int], ...] = Field(description="(from, to, reps), every pair.")
    confidence_shifts: tuple[ConfidenceShift, ...]
    leaf_changes: tuple[LeafChange, ...] = ()
    rules: tuple[RuleChange, ...]
    firing: tuple[FiringChange, ...]

    @property
    def changed(self) -> bool:
        """True when a rep's leading gap, a confidence or a tree leaf moved (--fail-on-change)."""
        return bool(self.primary_changes or self.confidence_shifts or self.leaf_changes)

    def _words(self) -> str:
        packs = f"{self.old.name} {self.old.version} → {self.new.name} {self.new.version}"
        return (
            f"{packs} on {self.reps} reps from {self.source}: {len(self.primary_changes)} leading "
            f"gaps moved, {len(self.confidence_shifts)} confidences shifted, "
            f"{len(self.rules)} rules changed"
        )


def diff_packs(
    old: Rulebook,
    new: Rulebook,
    cases: Iterable[LabelledRep],
    *,
    source: str,
    threshold: float = 0.1,
) -> PackDiff:
    """Diagnose every case under both packs and collect what moved."""
    primary: list[PrimaryChange] = []
    shifts: list[ConfidenceShift] = []
    leaves: list[LeafChange] = []
    matrix: Counter[tuple[str, str]] = Counter()
    fired_old: Counter[str] = Counter()
    fired_new: Counter[str] = Counter()
    total = 0
    for label, rep, targets, team in cases:
        total += 1
        before = diagnose(rep, rules=old, targets=targets, team=team)
        after = diagnose(rep, rules=new, targets=targets, team=team)
        # the gap the rules point to, whatever the standing: a rule change moves what the
        # evidence says, and the packs' example reps carry no standing figures
        pair = (before.leading_gap or NONE, after.leading_gap or NONE)
        matrix[pair] += 1
        if pair[0] != pair[1]:
            primary.append(PrimaryChange(rep=label, old=pair[0], new=pair[1]))
        shifts.extend(_shifts(label, before, after, threshold))
        ends = (_end(before), _end(after))
        if ends[0] != ends[1]:
            leaves.append(LeafChange(rep=label, old=ends[0], new=ends[1]))
        fired_old.update(before.fired)
        fired_new.update(after.fired)
    return PackDiff(
        old=stamp(old),
        new=stamp(new),
        source=source,
        reps=total,
        threshold=threshold,
        primary_changes=tuple(primary),
        matrix=tuple((a, b, matrix[a, b]) for a in OUTCOMES for b in OUTCOMES),
        confidence_shifts=tuple(shifts),
        leaf_changes=tuple(leaves),
        rules=rule_changes(old, new),
        firing=firing_changes(old, new, fired_old, fired_new),
    )


def _shifts(
    label: str, before: Diagnosis, after: Diagnosis, threshold: float
) -> list[ConfidenceShift]:
    return [
        ConfidenceShift(rep=label, gap=gap, old=was, new=now)
        for gap in GAPS
        if abs((now := after.verdict(gap).confidence) - (was := before.verdict(gap).confidence))
        >= threshold
        and now != was
    ]


def _end(diagnosis: Diagnosis) -> str:
    """Where the tree walk ended: a leaf id, 'stopped at NODE', or '-' without a tree."""
    if diagnosis.tree_leaf is not None:
        return diagnosis.tree_leaf.id
    if diagnosis.tree_stop is not None:
        return f"stopped at {diagnosis.tree_stop.node}"
    return "-"


def rule_changes(old: Rulebook, new: Rulebook) -> tuple[RuleChange, ...]:
    """Rules removed from, added to, or edited between the packs, in pack order."""
    before = {r.id: r for r in old.rules}
    after = {r.id: r for r in new.rules}
    removed = [RuleChange(rule=i, change="removed") for i in before if i not in after]
    added = [RuleChange(rule=i, change="added") for i in after if i not in before]
    edited = [c for i in after if i in before and (c := _edited(before[i], after[i]))]
    return (*removed, *added, *edited)


def _edited(old: Rule, new: Rule) -> RuleChange | None:
    fields = tuple(f for f in RULE_FIELDS if getattr(old, f) != getattr(new, f))
    if not fields:
        return None
    whens = (old.when, new.when) if "when" in fields else (None, None)
    return RuleChange(
        rule=new.id, change="changed", fields=fields, old_when=whens[0], new_when=whens[1]
    )


def firing_changes(
    old: Rulebook, new: Rulebook, fired_old: Counter[str], fired_new: Counter[str]
) -> tuple[FiringChange, ...]:
    """The rules whose firing count differs between the packs (None: not in that pack)."""
    before = {r.id for r in old.rules}
    after = {r.id for r in new.rules}
    ids = dict.fromkeys([*(r.id for r in old.rules), *(r.id for r in new.rules)])
    changes = (
        FiringChange(
            rule=i,
            old=fired_old[i] if i in before else None,
            new=fired_new[i] if i in after else None,
        )
        for i in ids
    )
    return tuple(c for c in changes if c.old != c.new)


def stamp(book: Rulebook) -> RulebookStamp:
    """The name, version and content hash that identify a pack in a report."""
    return RulebookStamp(name=book.name, version=book.version, content_hash=book.content_hash)
