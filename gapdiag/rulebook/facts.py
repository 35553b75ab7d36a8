"""Flatten one rep's metrics, the targets and the derived quantities into the facts rules read."""

from __future__ import annotations

from functools import lru_cache

from gapdiag.model.basis import Thinness, thinness
from gapdiag.model.derived import derive
from gapdiag.model.metrics import GROUPS, MARGINS, TARGETS, RepMetrics, Targets, target_value
from gapdiag.model.team import TeamStats
from gapdiag.rulebook.compiler import Fact

_TOP = ("tenure_months",)
# Per group: its field names and the matching fact keys, built once.
_FIELDS = tuple(
    (group, tuple(model.model_fields), tuple(f"{group}.{f}" for f in model.model_fields))
    for group, model in GROUPS.items()
)
METRIC_PATHS: tuple[str, ...] = (*_TOP, *(key for _, _, keys in _FIELDS for key in keys))
"""Every metric path, in the order `metric_facts` lists them."""


def metric_facts(metrics: RepMetrics) -> dict[str, Fact]:
    """Every metric path with its value; an absent group or field maps to None (unknown)."""
    facts: dict[str, Fact] = {name: getattr(metrics, name) for name in _TOP}
    for group, fields, keys in _FIELDS:
        values = getattr(metrics, group)
        if values is None:
            facts.update(dict.fromkeys(keys, None))
        else:
            stored = values.__dict__
            facts.update(zip(keys, map(stored.__getitem__, fields), strict=True))
    return facts


@lru_cache(maxsize=64)
def target_facts(targets: Targets) -> dict[str, Fact]:
    """The targets as ``target.<name>`` facts (cached: a team's targets rarely change)."""
    facts: dict[str, Fact] = {f"target.{name}": getattr(targets, name) for name in TARGETS}
    facts.update({f"target.{name}": target_value(targets, name) for name in MARGINS})
    return facts


def build_facts(
    metrics: RepMetrics, targets: Targets, team: TeamStats | None = None
) -> dict[str, Fact]:
    """All facts for one rep: metrics, ``target.*``, ``derived.*`` and any ``team.*`` given.

    Team values nobody supplied are simply absent, so rules reading them are unknown.
    """
    return complete_facts(metric_facts(metrics), targets, team)


def facts_and_basis(
    metrics: RepMetrics, targets: Targets, team: TeamStats | None = None
) -> tuple[dict[str, Fact], Thinness]:
    """`build_facts`, and the rep's counted metrics sorted by the counts behind them."""
    return completed(metric_facts(metrics), targets, team)


def completed(
    facts: dict[str, Fact],
    targets: Targets,
    team: TeamStats | None = None,
    derived: dict[str, Fact] | None = None,
) -> tuple[dict[str, Fact], Thinness]:
    """`complete_facts` of flat metric facts (every `METRIC_PATHS` key, None where absent;
    in place), and their counted metrics sorted by the counts behind them. `derived`: the
    ``derive`` of these facts where the caller has it (a batch works it out column-wise)."""
    basis = thinness(facts)
    return _complete(facts, basis, targets, team, derived), basis


def complete_facts(
    facts: dict[str, Fact], targets: Targets, team: TeamStats | None = None
) -> dict[str, Fact]:
    """Add ``target.*``, ``derived.*`` and any ``team.*`` to flat metric facts (in place).

    A counted metric with too few observations behind it is set to None first, so every
    rule and derived quantity reads it as unknown.

    For callers that build metric facts without a RepMetrics, such as searches that try
    many values; `build_facts` is this on a validated rep.
    """
    return _complete(facts, thinness(facts), targets, team)


def _complete(
    facts: dict[str, Fact],
    basis: Thinness,
    targets: Targets,
    team: TeamStats | None,
    derived: dict[str, Fact] | None = None,
) -> dict[str, Fact]:
    for path in basis.set_aside:
        facts[path] = None  # too few observations: read as unknown (model.basis)
    facts.update(target_facts(targets))
    facts.update(derive(facts, targets) if derived is None else derived)
    if team is not None:
        facts.update(team.facts())
    return facts
