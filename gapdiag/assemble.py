"""Turn per-rule outcomes (true / false / unknown) into a Diagnosis: one place for every engine."""

from __future__ import annotations

from collections.abc import Sequence

from .compiler import Facts
from .diagnosis import Check, Diagnosis, Engine, Evidence, RulebookStamp, Undetermined, Verdict
from .gaps import GAPS, Gap
from .metrics import RepMetrics
from .rulebook import CompiledRule, Rulebook
from .verdicts import combine, status_of

Outcome = bool | None
_CHECK_FIELDS = tuple(Check.model_fields)


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
    for rule, outcome in zip(book.compiled, outcomes, strict=True):
        if outcome is True:
            fired[rule.rule.gap].append(rule)
        elif outcome is None:
            open_[rule.rule.gap].append(rule)
    verdicts = sorted(
        (_verdict(gap, fired[gap], open_[gap], facts) for gap in GAPS),
        key=lambda v: (-v.confidence, GAPS.index(v.gap)),
    )
    leading = verdicts[0]
    primary = leading.gap if leading.status in ("confirmed", "suspected") else None
    undetermined = tuple(
        _undetermined(r, facts) for r, o in zip(book.compiled, outcomes, strict=True) if o is None
    )
    system = next(v for v in verdicts if v.gap == "system")
    return Diagnosis.trusted(
        {
            "rep_id": rep.rep_id,
            "period_start": rep.period_start,
            "period_end": rep.period_end,
            "rulebook": _stamp(book),
            "engine": engine,
            "primary_gap": primary,
            "verdicts": tuple(verdicts),
            "undetermined": undetermined,
            "missing": _missing(book, facts),
            "pip_blocked": system.blocks_pip,
        }
    )


def _verdict(
    gap: Gap, fired: list[CompiledRule], open_: list[CompiledRule], facts: Facts
) -> Verdict:
    certainties = [r.rule.certainty for r in fired]
    certainty = combine(certainties)
    possible = combine([*certainties, *(r.rule.certainty for r in open_ if r.rule.certainty > 0)])
    status = status_of(certainty, possible)
    return Verdict.trusted(
        {
            "gap": gap,
            "confidence": max(certainty, 0.0),
            "certainty": certainty,
            "status": status,
            "evidence": tuple(_evidence(r, facts) for r in fired if r.rule.certainty > 0),
            "counter_evidence": tuple(_evidence(r, facts) for r in fired if r.rule.certainty < 0),
            "undetermined": tuple(r.rule.id for r in open_),
            "blocks_pip": gap == "system" and status == "confirmed",
        }
    )


def _evidence(rule: CompiledRule, facts: Facts) -> Evidence:
    return Evidence.trusted(
        {
            "rule": rule.rule.id,
            "certainty": rule.rule.certainty,
            "because": rule.because.render(facts),
            "intervention": rule.rule.intervention,
            "checks": tuple(_check(atom.trace(facts)) for atom in rule.atoms),
        }
    )


def _undetermined(rule: CompiledRule, facts: Facts) -> Undetermined:
    # An absent metric leaves every comparison that reads it unknown, so the absent inputs
    # of an open rule are exactly what would decide it. None absent: a value was undefined.
    return Undetermined.trusted(
        {
            "rule": rule.rule.id,
            "gap": rule.rule.gap,
            "certainty": rule.rule.certainty,
            "needs": tuple(m for m in rule.needs if facts.get(m) is None),
        }
    )


def _check(trace: tuple[object, ...]) -> Check:
    return Check.trusted(dict(zip(_CHECK_FIELDS, trace, strict=True)))


def _stamp(book: Rulebook) -> RulebookStamp:
    return RulebookStamp.trusted(
        {"name": book.name, "version": book.version, "content_hash": book.content_hash}
    )


def _missing(book: Rulebook, facts: Facts) -> tuple[str, ...]:
    return tuple(m for m in book.needs if facts.get(m) is None)
