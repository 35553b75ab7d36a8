"""Turn per-rule outcomes (true / false / unknown) into a Diagnosis: one place for every engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from gapdiag.engines.judgment import Weak, outcome_of, watch_notes
from gapdiag.engines.verdicts import status_of, weigh
from gapdiag.model.basis import BASES, Thinness, resting_on, thinness
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import (
    Check,
    Diagnosis,
    Engine,
    Evidence,
    Figure,
    RulebookStamp,
    Sample,
    Undetermined,
    Verdict,
)
from gapdiag.model.gaps import CONFIRMED_AT, FOUND, GAPS, SUSPECTED_AT, Gap, Status
from gapdiag.model.metrics import RepMetrics
from gapdiag.model.standing import NOT_BEHIND, Standing, StandingStatus, standing_of
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import metric_facts
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
    basis = thinness(metric_facts(rep))
    weak = weak_of(rep, basis)
    decided: dict[Gap, list[tuple[CompiledRule, Outcome]]] = {g: [] for g in GAPS}
    undetermined = []
    for rule, outcome in zip(book.compiled, outcomes, strict=True):
        decided[rule.gap].append((rule, outcome))
        if outcome is None:
            undetermined.append(_undetermined(rule, facts))
    standing = standing_at(rep, facts)
    verdicts = sorted(
        (_verdict(gap, decided[gap], facts, weak, standing.status) for gap in GAPS),
        key=lambda v: (-v.confidence, _ORDER[v.gap]),
    )
    # The tree is walked by the compiled evaluator whatever the engine: it is not a rule.
    path, leaf, stop = walk(book.tree, facts) if book.tree is not None else ((), None, None)
    behind = standing.status not in NOT_BEHIND
    leading = primary_gap(verdicts)
    primary = leading if standing.status == "behind" else None
    return Diagnosis.trusted(
        {
            "rep_id": rep.rep_id,
            "period_start": rep.period_start,
            "period_end": rep.period_end,
            "as_of": rep.as_of,
            "rulebook": _stamp(book),
            "engine": engine,
            "standing": standing,
            "primary_gap": primary,
            "leading_gap": leading,
            "outcome": outcome_of(primary, verdicts, standing.status),
            "verdicts": tuple(verdicts),
            "undetermined": tuple(undetermined),
            "set_aside": _samples(rep, basis.set_aside),
            "thin": _samples(rep, basis.thin),
            "watch": () if behind else watch_notes(verdicts, standing, _margin(facts)),
            "missing": _missing(book, facts),
            "pip_blocked": any(v.blocks_pip for v in verdicts),
            "counterfactuals": (),
            "tree_path": path,
            "tree_leaf": leaf,
            "tree_stop": stop,
            "tree_agrees": None if leaf is None else leaf.gap == leading,
            "numbers": _numbers(facts),
        }
    )


def weak_of(rep: RepMetrics, basis: Thinness | None = None) -> Weak:
    """The rep's thin counted metrics and the metrics it marks as proxies."""
    found = basis if basis is not None else thinness(metric_facts(rep))
    return Weak(frozenset(found.thin), frozenset(rep.proxies or ()))


def standing_at(rep: RepMetrics, facts: Facts) -> Standing:
    """Where the rep stands, from its facts and its period's dates."""
    return standing_of(
        facts, period_start=rep.period_start, period_end=rep.period_end, as_of=rep.as_of
    )


def primary_gap(verdicts: Sequence[Verdict]) -> Gap | None:
    """The gap to act on first: a system gap found on measured evidence, else the best-supported.

    A broken system has to be fixed before anything the rep does can show (seed 001), so a
    system gap that blocks a PIP comes first; one resting on a proxy alone does not. Else
    the highest confidence among the confirmed or suspected gaps wins, ties in ``GAPS`` order.
    The decision tree does not override the rules: where its leaf names another gap, the
    explanation says what the tree saw.
    """
    named = [v for v in verdicts if v.status in FOUND]
    if not named:
        return None
    if any(v.blocks_pip for v in named):
        return "system"
    return min(named, key=lambda v: (-v.confidence, _ORDER[v.gap])).gap


def _verdict(
    gap: Gap,
    decided: list[tuple[CompiledRule, Outcome]],
    facts: Facts,
    weak: Weak,
    standing: StandingStatus,
) -> Verdict:
    fired = [r for r, outcome in decided if outcome]
    open_ = [r for r, outcome in decided if outcome is None]
    certainty, status, capped_by, strong = judge(decided, weak, standing)
    support: list[Evidence] = []
    against: list[Evidence] = []
    for rule in fired:
        (support if rule.certainty > 0 else against).append(_evidence(rule, facts, weak))
    return Verdict.trusted(
        {
            "gap": gap,
            "confidence": max(certainty, 0.0),
            "certainty": certainty,
            "status": status,
            "evidence": tuple(support),
            "counter_evidence": tuple(against),
            "undetermined": tuple(r.id for r in open_),
            "blocks_pip": gap == "system" and status in FOUND and strong >= SUSPECTED_AT,
            "capped_by": capped_by,
        }
    )


Cap = Literal["thin", "proxy", "standing"]


def judge(
    decided: Sequence[tuple[CompiledRule, Outcome]], weak: Weak, standing: StandingStatus
) -> tuple[float, Status, Cap | None, float]:
    """A gap's certainty, its status with every cap applied, why it is capped, and the
    certainty of its measured evidence alone (thin and proxy facts left out).

    Evidence that rests on too few observations or on a proxy cannot confirm; a rep who is
    not behind has no gap to explain (unlikely, the facts kept as watch notes); and not
    knowing whether the rep is behind, no gap is confirmed as the reason they are.
    """
    fired = [r for r, outcome in decided if outcome]
    certainty, status = score(decided)
    strong = weigh([r for r in fired if r.certainty < 0 or not weak.of(r)])
    capped_by: Cap | None = None
    if status == "confirmed" and strong < CONFIRMED_AT:
        status = "suspected"
        capped_by = weak.cause([r for r in fired if r.certainty > 0 and weak.of(r)])
    if status in FOUND and standing in NOT_BEHIND:
        status, capped_by = "unlikely", "standing"
    elif status == "confirmed" and standing == "unknown":
        status, capped_by = "suspected", "standing"
    return certainty, status, capped_by, strong


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


def _evidence(rule: CompiledRule, facts: Facts, weak: Weak) -> Evidence:
    """A fired rule's evidence; its because-text and comparisons are filled in when read."""

    def later() -> dict[str, object]:
        return {
            "because": rule.because.render(facts),
            "checks": tuple(Check.trusted(atom.check(facts)) for atom in rule.atoms),
        }

    return Evidence.deferred(
        {
            "rule": rule.id,
            "certainty": rule.certainty,
            "intervention": rule.rule.intervention,
            "thin": resting_on(rule.needs, weak.thin),
            "proxies": resting_on(rule.needs, weak.proxies),
        },
        later,
    )


def _margin(facts: Facts) -> float:
    margin = facts.get("target.margin.pace")
    return margin if isinstance(margin, float) else 0.0


def _samples(rep: RepMetrics, paths: Sequence[str]) -> tuple[Sample, ...]:
    if not paths:
        return ()
    given = metric_facts(rep)
    out = []
    for path in paths:
        of = BASES[path]
        value, count = given[path], given[of.count]
        assert isinstance(value, float | bool)
        assert isinstance(count, float)
        out.append(
            Sample.trusted(
                {
                    "metric": path,
                    "value": value,
                    "count_metric": of.count,
                    "count": count,
                    "minimum": of.too_few,
                    "solid": of.solid,
                }
            )
        )
    return tuple(out)


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
