"""Diagnose one rep: validate, build facts, evaluate the rules, assemble the verdicts.

The compiled evaluator is the default and the source of truth. ``engine="durable"``
hands the same compiled rules to durable-rules (see ``_durable``); both feed one
assembler, so the same rule outcomes always give the same Diagnosis.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gapdiag.engines.assemble import Outcome, assemble
from gapdiag.engines.context import judged_with
from gapdiag.engines.counterfactual import find_counterfactuals
from gapdiag.model.diagnosis import Diagnosis, Engine, RuleTrace
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.metrics import RepMetrics, Targets, parse_metrics, parse_targets
from gapdiag.model.team import TeamStats, parse_team
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import build_facts, facts_and_basis
from gapdiag.rulebook.pack import Rulebook, load_rules
from gapdiag.rulebook.walk import traced

ENGINES: tuple[Engine, ...] = ("compiled", "durable")
RulesArg = Rulebook | str | Path | None


def diagnose(
    metrics: RepMetrics | Mapping[str, Any],
    *,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    engine: Engine = "compiled",
    team: TeamStats | Mapping[str, Any] | None = None,
    counterfactuals: bool = False,
) -> Diagnosis:
    """Diagnose one rep for one period.

    Args:
        metrics: a RepMetrics, or a mapping in its shape (e.g. parsed JSON). A rep taken
            from a batch (``diagnose_many(...).rep(row)``) is judged with the batch's rules,
            targets and team values unless others are given.
        rules: a Rulebook, a pack folder or rule file, or None for the default pack.
        targets: overrides of the default targets (a Targets or a mapping).
        engine: "compiled" (default, the source of truth) or "durable" (durable-rules).
        team: the rep's team mean/median per metric, for rules reading ``team.*``
            (a TeamStats or a mapping in its shape); without it those rules are unknown.
        counterfactuals: also find, for each confirmed or suspected gap, changes its
            owner can make (the rep's for will/skill/knowledge, the organization's for
            system) that change its status, each verified by re-diagnosing (a bounded
            number of re-diagnoses, always with the compiled evaluator).

    Raises:
        InvalidMetrics: the metrics or targets break the input contract.
        RuleFileError: the rule pack cannot be loaded.
        BackendUnavailable: engine="durable" where durable-rules cannot run.
    """
    if engine not in ENGINES:
        raise InvalidArgument(f"engine: {engine!r} is not one of {', '.join(ENGINES)}")
    judged = judged_with(metrics)  # a rep from a batch keeps the batch's judgment
    if judged is not None:
        rules = judged.rules if rules is None else rules
        targets = judged.targets if targets is None else targets
        team = judged.team if team is None else team
    rep = parse_metrics(metrics)
    book = resolve_rules(rules)
    wanted = parse_targets(targets)
    stats = parse_team(team)
    facts, basis = facts_and_basis(rep, wanted, stats)
    result = assemble(rep, book, facts, outcomes(book, facts, engine), engine, basis)
    if not counterfactuals:
        return result
    found = find_counterfactuals(rep, book, wanted, result, stats)
    return result.model_copy(update={"counterfactuals": found})


def trace(
    metrics: RepMetrics | Mapping[str, Any],
    *,
    rules: RulesArg = None,
    targets: Targets | Mapping[str, Any] | None = None,
    team: TeamStats | Mapping[str, Any] | None = None,
) -> tuple[RuleTrace, ...]:
    """Every rule's outcome on one rep, fired or not, each with its per-comparison trace.

    Each check gives the observed value, the threshold, the result and the signed
    distance to the threshold, so a rule that did not fire shows how close it came.
    """
    book = resolve_rules(rules)
    facts = build_facts(parse_metrics(metrics), parse_targets(targets), parse_team(team))
    return tuple(
        RuleTrace.trusted(
            {
                "rule": rule.id,
                "gap": rule.gap,
                "certainty": rule.certainty,
                "outcome": outcome,
                "checks": traced(rule.atoms, facts),
            }
        )
        for rule, outcome in zip(book.compiled, book.evaluate(facts), strict=True)
    )


def resolve_rules(rules: RulesArg) -> Rulebook:
    """Accept a Rulebook as it is; load a path; None is the default pack."""
    return rules if isinstance(rules, Rulebook) else load_rules(rules)


def outcomes(book: Rulebook, facts: Facts, engine: Engine = "compiled") -> tuple[Outcome, ...]:
    """Each rule's outcome on one rep's facts, in pack order: True, False or None (unknown)."""
    if engine == "durable":
        from gapdiag.engines.durable import evaluate

        return evaluate(book, facts)
    return book.evaluate(facts)
