"""Turn per-rule outcomes (true / false / unknown) into a Diagnosis: one place for every engine."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from gapdiag.engines.details import Explanation, FiredRules, Memos
from gapdiag.engines.judgment import Weak, outcome_of
from gapdiag.engines.verdicts import status_of, weigh
from gapdiag.model.basis import Thinness, thinness
from gapdiag.model.diagnosis import Diagnosis, Engine, Verdict
from gapdiag.model.gaps import CONFIRMED_AT, FOUND, GAPS, SUSPECTED_AT, Gap, Status
from gapdiag.model.metrics import RepMetrics
from gapdiag.model.standing import NOT_BEHIND, Standing, StandingStatus, standing_of
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import metric_facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule

Outcome = bool | None
_ORDER = {gap: index for index, gap in enumerate(GAPS)}
_NO_EVIDENCE: dict[str, object] = {"evidence": (), "counter_evidence": ()}


def assemble(
    rep: RepMetrics,
    book: Rulebook,
    facts: Facts,
    outcomes: Sequence[Outcome],
    engine: Engine,
    basis: Thinness | None = None,
    numbers: Sequence[Numbers] | None = None,
) -> Diagnosis:
    """Build the Diagnosis for one rep from each compiled rule's outcome, in pack order.

    The verdicts, the standing and the answer are worked out now; what explains them (the
    open rules, the decision tree's walk, the derived figures, watch notes and samples) on
    first need (see ``Deferred``), from the same facts. `basis` is the rep's thinness when
    the caller has it (``build_facts`` works it out); `numbers` each gap's verdict numbers
    (in ``by_gap`` order) where a batch worked them out for many reps at once.
    """
    basis = basis if basis is not None else thinness(metric_facts(rep))
    weak = weak_of(rep, basis)
    standing = standing_at(rep, facts)
    status = standing.status
    memo = book.memo("verdicts")
    known = book.memos("evidence", "checks", "because")
    judged = (
        [
            _verdict(
                gap, rules, tuple([outcomes[i] for i in rows]), facts, weak, status, memo, known
            )
            for gap, rows, rules in book.by_gap
        ]
        if numbers is None
        else [
            _numbered(gap, rules, [outcomes[i] for i in rows], facts, weak, found, known)
            for (gap, rows, rules), found in zip(book.by_gap, numbers, strict=True)
        ]
    )
    verdicts = tuple(sorted(judged, key=lambda v: (-v.confidence, _ORDER[v.gap])))
    leading = primary_gap(verdicts)
    primary = leading if standing.status == "behind" else None
    return Diagnosis.deferred(
        {
            "rep_id": rep.rep_id,
            "period_start": rep.period_start,
            "period_end": rep.period_end,
            "as_of": rep.as_of,
            "rulebook": book.stamp,
            "engine": engine,
            "standing": standing,
            "primary_gap": primary,
            "leading_gap": leading,
            "outcome": outcome_of(primary, verdicts, standing.status),
            "verdicts": verdicts,
            "pip_blocked": any(v.blocks_pip for v in verdicts),
            "counterfactuals": (),
        },
        Explanation(rep, book, facts, outcomes, basis, (standing, verdicts, leading)),
    )


def one_verdict(
    book: Rulebook,
    at: int,
    outcomes: Sequence[Outcome],
    facts: Facts,
    weak: Weak,
    numbers: Numbers,
) -> Verdict:
    """The verdict on the `at`-th gap of ``book.by_gap`` alone, as `assemble` builds it from
    a batch's `numbers` (for a reader that needs one gap's evidence, not the Diagnosis)."""
    gap, rows, rules = book.by_gap[at]
    known = book.memos("evidence", "checks", "because")
    return _numbered(gap, rules, [outcomes[i] for i in rows], facts, weak, numbers, known)


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
    rules: tuple[CompiledRule, ...],
    outcomes: tuple[Outcome, ...],
    facts: Facts,
    weak: Weak,
    standing: StandingStatus,
    memo: dict[object, tuple[dict[str, object], tuple[CompiledRule, ...], Verdict | None]],
    known: Memos,
) -> Verdict:
    # A verdict's numbers depend only on which of its rules fired or stayed open, the
    # standing and what is weak: they are worked out once per pattern of those.
    key = (gap, outcomes, standing, weak.thin, weak.proxies)
    found = memo.get(key)
    if found is None:
        found = _judged(gap, list(zip(rules, outcomes, strict=True)), weak, standing)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = found
    values, fired, whole = found
    if whole is not None:
        return whole
    return Verdict.deferred(dict(values), FiredRules(fired, facts, weak, known))


Numbers = tuple[float, float, Status, Literal["thin", "proxy", "standing", "weak"] | None, bool]
"""A verdict's certainty, confidence, status, cap (weak: thin or proxy, as the rep's
evidence says) and whether it blocks a PIP, worked out by a batch for many reps at once."""


def _numbered(
    gap: Gap,
    rules: tuple[CompiledRule, ...],
    outcomes: list[Outcome],
    facts: Facts,
    weak: Weak,
    numbers: Numbers,
    known: Memos,
) -> Verdict:
    """`_verdict` from numbers a batch worked out: the same fields, no pattern to weigh."""
    certainty, confidence, status, capped_by, blocks = numbers
    fired = tuple([r for r, outcome in zip(rules, outcomes, strict=True) if outcome])
    if capped_by == "weak":
        capped_by = weak.cause([r for r in fired if r.certainty > 0 and weak.of(r)])
    values = {
        "gap": gap,
        "confidence": confidence,
        "certainty": certainty,
        "status": status,
        **({} if fired else _NO_EVIDENCE),
        "undetermined": tuple(
            [r.id for r, outcome in zip(rules, outcomes, strict=True) if outcome is None]
        ),
        "blocks_pip": blocks,
        "capped_by": capped_by,
    }
    if not fired:
        return Verdict.trusted(values)
    return Verdict.deferred(values, FiredRules(fired, facts, weak, known))


MEMO_SIZE = 4096
"""Patterns of rule outcomes whose verdict numbers a pack keeps (per process)."""


def _judged(
    gap: Gap, decided: list[tuple[CompiledRule, Outcome]], weak: Weak, standing: StandingStatus
) -> tuple[dict[str, object], tuple[CompiledRule, ...], Verdict | None]:
    """A verdict's fields but its evidence, the rules that fired, and the whole verdict
    where none fired (it has no evidence to list, so it is the same for every rep)."""
    certainty, status, capped_by, strong = judge(decided, weak, standing)
    fired = tuple([r for r, outcome in decided if outcome])
    values = {
        "gap": gap,
        "confidence": max(certainty, 0.0),
        "certainty": certainty,
        "status": status,
        **({} if fired else _NO_EVIDENCE),
        "undetermined": tuple([r.id for r, outcome in decided if outcome is None]),
        "blocks_pip": gap == "system" and status in FOUND and strong >= SUSPECTED_AT,
        "capped_by": capped_by,
    }
    return values, fired, None if fired else Verdict.trusted(values)


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
    certainty, status = score(decided, fired)
    # with nothing weak (most reps), the measured evidence is all of it
    strong = weigh([r for r in fired if r.certainty < 0 or not weak.of(r)]) if weak else certainty
    capped_by: Cap | None = None
    if status == "confirmed" and strong < CONFIRMED_AT:
        status = "suspected"
        capped_by = weak.cause([r for r in fired if r.certainty > 0 and weak.of(r)])
    if status in FOUND and standing in NOT_BEHIND:
        status, capped_by = "unlikely", "standing"
    elif status == "confirmed" and standing == "unknown":
        status, capped_by = "suspected", "standing"
    return certainty, status, capped_by, strong


def score(
    decided: Sequence[tuple[CompiledRule, Outcome]], fired: Sequence[CompiledRule] | None = None
) -> tuple[float, Status]:
    """A gap's combined certainty and status from its rules' outcomes, in pack order.

    `fired` are the rules that fired, in pack order, where the caller has them already.
    """
    if fired is None:
        fired = [r for r, outcome in decided if outcome]
    certainty = weigh(fired)
    possible = certainty
    if certainty < SUSPECTED_AT and any(o is None for _, o in decided):
        # only then can missing data change the status: as if every open supporting rule
        # fired, in pack order like the fired ones
        possible = weigh([r for r, o in decided if o or (o is None and r.certainty > 0)])
    return certainty, status_of(certainty, possible)
