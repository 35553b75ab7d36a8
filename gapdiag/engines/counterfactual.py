"""Counterfactuals: the smallest change in one metric that stops a firing rule.

For each comparison of a rule that reads the metric (directly or through a ``derived.*``
quantity), the comparison is solved for the metric: ``observed - threshold = 0`` by the
secant method on the real formulas, which is exact after one step when the relation is
linear (a metric against a threshold, ``calls / plan``) and converges on the rest
(``pipeline / gap``). Candidates are tried nearest first, the boundary itself before a
value just past it. A rule can also stop firing where a derived value becomes undefined
(coverage once the gap is closed); when no comparison's root works, the metric is
bisected on the rule's own outcome. Every counterfactual is verified by re-diagnosing the
rep with the changed metric: only changes after which the rule no longer fires are kept.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

from gapdiag.engines.assemble import assemble
from gapdiag.model._kinds import Kind
from gapdiag.model.changes import apply_changes
from gapdiag.model.derived import derive, inputs_of
from gapdiag.model.diagnosis import Counterfactual, Diagnosis
from gapdiag.model.errors import InvalidMetrics
from gapdiag.model.metrics import METRICS, RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.rulebook import compiler
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule

SOLVE_STEPS = 40
BISECT_STEPS = 60
WIDEN_STEPS = 40
NUDGES = (1e-9, 1e-6, 1e-3)
"""Relative steps past a strict boundary (`x < 20` stops at 20, `x <= 20` just above it)."""

Candidate = tuple[float | bool, float | bool, bool]  # value, boundary, strict


def find_counterfactuals(
    rep: RepMetrics,
    book: Rulebook,
    targets: Targets,
    diagnosis: Diagnosis,
    team: TeamStats | None = None,
) -> tuple[Counterfactual, ...]:
    """For each firing rule of a confirmed or suspected gap: per metric, the smallest change.

    Options for one rule come smallest relative change first. `team` is held fixed: a
    counterfactual changes one of the rep's own metrics, never the team's.
    """
    facts = build_facts(rep, targets, team)
    by_id = {rule.id: rule for rule in book.compiled}
    found: list[Counterfactual] = []
    for verdict in diagnosis.verdicts:
        if verdict.status not in ("confirmed", "suspected"):
            continue
        for evidence in verdict.evidence:
            rule = by_id[evidence.rule]
            options = (
                _for_metric(rule, m, rep, book, (targets, team), facts)
                for m in rule.needs
                if m in METRICS  # the rep's own metrics; team.* values are not the rep's
            )
            found.extend(sorted((o for o in options if o is not None), key=relative_size))
    return tuple(found)


def relative_size(change: Counterfactual) -> float:
    """How big a change is relative to the value it starts from (a flag flip counts as 1)."""
    if isinstance(change.observed, bool) or isinstance(change.value, bool):
        return 1.0
    delta = abs(change.value - change.observed)
    return delta / max(abs(change.observed), abs(change.value), 1e-12)


class _Probe:
    """The rule's outcome with one metric set to a trial value (derived values recomputed)."""

    def __init__(self, rule: CompiledRule, metric: str, facts: Facts, targets: Targets) -> None:
        self.rule, self.metric, self.base, self.targets = rule, metric, facts, targets

    def facts(self, value: float | bool) -> Facts:
        changed = dict(self.base)
        changed[self.metric] = value
        changed.update(derive(changed, self.targets))
        return changed

    def fires(self, value: float | bool) -> bool:
        return self.rule.test(self.facts(value)) is True


def _for_metric(
    rule: CompiledRule,
    metric: str,
    rep: RepMetrics,
    book: Rulebook,
    setting: tuple[Targets, TeamStats | None],
    facts: Facts,
) -> Counterfactual | None:
    targets = setting[0]
    current = facts.get(metric)
    if current is None:
        return None
    probe = _Probe(rule, metric, facts, targets)
    if isinstance(current, bool):
        candidates: Iterator[Candidate] = iter([(not current, not current, False)])
    else:
        candidates = _numeric_candidates(rule, probe, current, METRICS[metric])
    for value, boundary, strict in candidates:
        if probe.fires(value):
            continue
        after = _rediagnose(rep, book, setting, metric, value)
        if after is None or rule.id in after.fired:
            continue
        verdict = after.verdict(rule.gap)
        return Counterfactual.trusted(
            {
                "rule": rule.id,
                "gap": rule.gap,
                "metric": metric,
                "observed": current,
                "value": value,
                "boundary": boundary,
                "strict": strict,
                "confidence_after": verdict.confidence,
                "status_after": verdict.status,
            }
        )
    return None


def _rediagnose(
    rep: RepMetrics,
    book: Rulebook,
    setting: tuple[Targets, TeamStats | None],
    metric: str,
    value: float | bool,
) -> Diagnosis | None:
    """The full diagnosis with one metric changed, or None if the value is not valid input."""
    targets, team = setting
    try:
        changed, _, _ = apply_changes(rep, targets, {metric: value})
    except InvalidMetrics:
        return None
    facts = build_facts(changed, targets, team)
    return assemble(changed, book, facts, book.evaluate(facts), "compiled")


def _numeric_candidates(
    rule: CompiledRule, probe: _Probe, current: float, kind: Kind
) -> Iterator[Candidate]:
    roots = sorted(set(_roots(rule, probe, current)), key=lambda r: (abs(r[0] - current), r))
    for root, exact in roots:
        for value in dict.fromkeys((root, exact)):
            if _in_range(value, kind):
                yield value, value, False
        directions = (1.0,) if root > current else (-1.0,) if root < current else (1.0, -1.0)
        for step in NUDGES:
            for sign in directions:
                value = root + sign * step * max(abs(root), 1.0)
                if _in_range(value, kind):
                    yield value, root, True
    for sign in (1.0, -1.0):
        edge = _bisect(probe, current, kind, sign)
        if edge is not None:
            yield edge, edge, False


def _roots(rule: CompiledRule, probe: _Probe, current: float) -> Iterator[tuple[float, float]]:
    """Where each comparison reading the metric turns over: (as written, as computed)."""
    for node in _comparisons(rule.condition):
        if probe.metric not in {m for name in x.names_in(node) for m in inputs_of(name)}:
            continue
        left, right = compiler.number(node.left), compiler.number(node.right)

        def gap(
            value: float, left: compiler.NumFn = left, right: compiler.NumFn = right
        ) -> float | None:
            facts = probe.facts(value)
            a, b = left(facts), right(facts)
            return None if a is None or b is None else a - b

        root = _secant(gap, current)
        if root is not None:
            # 29.999999999999996 is the 30 a rule author meant: try the round value first.
            yield float(f"{root:.12g}"), root


def _comparisons(node: x.Node) -> Iterator[x.Compare]:
    if isinstance(node, x.Compare):
        yield node
        return
    for child in x.children(node):
        yield from _comparisons(child)


def _secant(f: Callable[[float], float | None], start: float) -> float | None:
    """A root of f near `start` by the secant method, or None if it does not converge."""
    v0, f0 = start, f(start)
    if f0 is None:
        return None
    if f0 == 0:
        return v0
    v1 = start + max(abs(start), 1.0)
    f1 = f(v1)
    for _ in range(SOLVE_STEPS):
        if f1 is None or f1 == f0:
            return None
        v2 = v1 - f1 * (v1 - v0) / (f1 - f0)
        if not math.isfinite(v2):
            return None
        f2 = f(v2)
        if f2 == 0 or abs(v2 - v1) <= 1e-12 * max(abs(v2), 1.0):
            return v2
        v0, f0, v1, f1 = v1, f1, v2, f2
    return None


def _bisect(probe: _Probe, current: float, kind: Kind, sign: float) -> float | None:
    """The nearest value found in one direction at which the rule stops firing."""
    step = max(abs(current), 1.0)
    near, far = current, None
    for _ in range(WIDEN_STEPS):
        trial = _clamp(current + sign * step, kind)
        if not probe.fires(trial):
            far = trial
            break
        if trial == near:  # hit the end of the metric's range and it still fires
            return None
        near, step = trial, step * 2
    if far is None:
        return None
    for _ in range(BISECT_STEPS):
        middle = (near + far) / 2
        if middle in (near, far):
            break
        if probe.fires(middle):
            near = middle
        else:
            far = middle
    return far


def _in_range(value: float, kind: Kind) -> bool:
    return (kind.low is None or value >= kind.low) and (kind.high is None or value <= kind.high)


def _clamp(value: float, kind: Kind) -> float:
    if kind.low is not None:
        value = max(value, kind.low)
    if kind.high is not None:
        value = min(value, kind.high)
    return value
