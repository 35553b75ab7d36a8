"""Turn per-rule outcomes (true / false / unknown) into a Diagnosis: one place for every engine."""

from __future__ import annotations

from collections.abc import Sequence

from gapdiag.engines.verdicts import status_of, weigh
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import (
    Check,
    Diagnosis,
    Engine,
    Evidence,
    Figure,
    RulebookStamp,
    Undetermined,
    Verdict,
)
from gapdiag.model.gaps import FOUND, GAPS, SUSPECTED_AT, Gap, Status
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
    decided: dict[Gap, list[tuple[CompiledRule, Outcome]]] = {g: [] for g in GAPS}
    undetermined = []
    for rule, outcome in zip(book.compiled, outcomes, strict=True):
        decided[rule.gap].append((rule, outcome))
        if outcome is None:
            undetermined.append(_undetermined(rule, facts))
    verdicts = sorted(
        (_verdict(gap, decided[gap], facts) for gap in GAPS),
        key=lambda v: (-v.confidence, _ORDER[v.gap]),
    )
    # The tree is walked by the compiled evaluator whatever the engine: it is not a rule.
    path, leaf, stop = walk(book.tree, facts) if book.tree is not None else ((), None, None)
    primary = primary_gap(verdicts, leaf.gap if leaf is not None else None)
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
            "numbers": _numbers(facts),
        }
    )


def primary_gap(verdicts: Sequence[Verdict], routed: Gap | None = None) -> Gap | None:
    """The gap to act on first, among those the rules confirm or suspect (by confidence).

    System first: a broken system has to be fixed before anything the rep does can show.
    Then the gap the decision tree routes to (`routed`, its leaf's gap), when the rules
    confirm or suspect it: the tree asks in the seeds' order (volume before call craft),
    the rules weigh. Otherwise the highest-confidence confirmed or suspected gap.
    """
    named = [v for v in verdicts if v.status in FOUND]
    first = next((v for v in named if v.gap == "system"), None)
    first = first or next((v for v in named if v.gap == routed), None)
    first = first or (named[0] if named else None)
    return first.gap if first is not None else None


def _verdict(gap: Gap, decided: list[tuple[CompiledRule, Outcome]], facts: Facts) -> Verdict:
    fired = [r for r, outcome in decided if outcome]
    open_ = [r for r, outcome in decided if outcome is None]
    certainty, status = score(decided)
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
            "blocks_pip": gap == "system" and status in FOUND,
        }
    )


def score(decided: Sequence[tuple[CompiledRule, Outcome]]) -> tuple[float, Status]:
    """A gap's combined certainty and status from its rules' outcomes, in pack order."""
    fired = [r for r, outcome in decided if outcome]
    certainty = weigh(fired)
    possible = certainty
    if certainty < SUSPECTED_AT and any(o is None for _, o in decided):
        # only then can missing data change the status: as if every open supporting rule
        # fired, in pack order like the fired ones
        possible = weigh([r for r, o in decided if o or (o is None and r.certainty > 0)])
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


def _numbers(facts: Facts) -> tuple[Figure, ...]:
    """The known derived quantities, in the order ``DERIVED`` lists them."""
    return tuple(
        Figure.trusted({"name": path, "value": value})
        for name in DERIVED
        if isinstance(value := facts.get(path := f"derived.{name}"), float)
    )


def _stamp(book: Rulebook) -> RulebookStamp:
    return RulebookStamp.trusted(
        {"name": book.name, "version": book.version, "content_hash": book.content_hash}
    )


def _missing(book: Rulebook, facts: Facts) -> tuple[str, ...]:
    return tuple([m for m in book.needs if facts.get(m) is None])
