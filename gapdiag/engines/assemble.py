"""Turn per-rule outcomes (true / false / unknown) into a Diagnosis: one place for every engine."""

from __future__ import annotations

from collections.abc import Sequence

from gapdiag.engines.verdicts import combine, status_of
from gapdiag.model.diagnosis import (
    Check,
    Diagnosis,
    Engine,
    Evidence,
    RulebookStamp,
    Undetermined,
    Verdict,
)
from gapdiag.model.gaps import GAPS, SUSPECTED_AT, Gap, Status
from gapdiag.model.metrics import RepMetrics
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule
from gapdiag.rulebook.walk import walk

Outcome = bool | None
_ORDER = {gap: index for index, gap in enumerate(GAPS)}


def assemble(
    rep: RepMetrics,
    book: Rulebook,
    facts: Facts,
    outcomes: Sequence[Outcome],
    engine: Engine,
) -> Diagnosis:
    """Build the Diagnosis for one rep from each compiled rule's outcome, in pack order."""
    fired: dict[Gap, list[CompiledRule]] = {g: [] for g in GAPS}
    open_: dict[Gap, list[CompiledRule]] = {g: [] for g in GAPS}
    undetermined = []
    for rule, outcome in zip(book.compiled, outcomes, strict=True):
        if outcome:
            fired[rule.gap].append(rule)
        elif outcome is None:
            open_[rule.gap].append(rule)
            undetermined.append(_undetermined(rule, facts))
    verdicts = sorted(
        (_verdict(gap, fired[gap], open_[gap], facts) for gap in GAPS),
        key=lambda v: (-v.confidence, _ORDER[v.gap]),
    )
    leading = verdicts[0]
    primary = leading.gap if leading.status in ("confirmed", "suspected") else None
    # The tree is walked by the compiled evaluator whatever the engine: it is not a rule.
    path, leaf, stop = walk(book.tree, facts) if book.tree is not None else ((), None, None)
    return Diagnosis.trusted(
        {
            "rep_id": rep.rep_id,
            "period_start": rep.period_start,
            "period_end": rep.period_end,
            "rulebook": _stamp(book),
            "engine": engine,
            "primary_gap": primary,
            "verdicts": tuple(verdicts),
            "undetermined": tuple(undetermined),
            "missing": _missing(book, facts),
            "pip_blocked": any(v.blocks_pip for v in verdicts),
            "counterfactuals": (),
            "tree_path": path,
            "tree_leaf": leaf,
            "tree_stop": stop,
            "tree_agrees": None if leaf is None else leaf.gap == primary,
        }
    )


def _verdict(
    gap: Gap, fired: list[CompiledRule], open_: list[CompiledRule], facts: Facts
) -> Verdict:
    certainty, status = score([r.certainty for r in fired], [r.certainty for r in open_])
    support: list[Evidence] = []
    against: list[Evidence] = []
    for rule in fired:
        (support if rule.certainty > 0 else against).append(_evidence(rule, facts))
    return Verdict.trusted(
        {
            "gap": gap,
            "confidence": max(certainty, 0.0),
            "certainty": certainty,
            "status": status,
            "evidence": tuple(support),
            "counter_evidence": tuple(against),
            "undetermined": tuple(r.id for r in open_),
            "blocks_pip": gap == "system" and status == "confirmed",
        }
    )


def score(fired: Sequence[float], open_: Sequence[float]) -> tuple[float, Status]:
    """A gap's combined certainty and status from the certainties of its fired and open rules."""
    certainty = combine(fired)
    possible = certainty
    if open_ and certainty < SUSPECTED_AT:  # only then can missing data change the status
        possible = combine([*fired, *(c for c in open_ if c > 0)])
    return certainty, status_of(certainty, possible)


def _evidence(rule: CompiledRule, facts: Facts) -> Evidence:
    return Evidence.trusted(
        {
            "rule": rule.id,
            "certainty": rule.certainty,
            "because": rule.because.render(facts),
            "intervention": rule.rule.intervention,
            "checks": tuple(Check.trusted(atom.check(facts)) for atom in rule.atoms),
        }
    )


def _undetermined(rule: CompiledRule, facts: Facts) -> Undetermined:
    # An absent metric leaves every comparison that reads it unknown, so the absent inputs
    # of an open rule are exactly what would decide it. None absent: a value was undefined.
    return Undetermined.trusted(
        {
            "rule": rule.id,
            "gap": rule.gap,
            "certainty": rule.certainty,
            "needs": tuple([m for m in rule.needs if facts.get(m) is None]),
        }
    )


def _stamp(book: Rulebook) -> RulebookStamp:
    return RulebookStamp.trusted(
        {"name": book.name, "version": book.version, "content_hash": book.content_hash}
    )


def _missing(book: Rulebook, facts: Facts) -> tuple[str, ...]:
    return tuple([m for m in book.needs if facts.get(m) is None])
