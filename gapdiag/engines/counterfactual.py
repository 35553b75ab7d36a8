"""Counterfactuals: changes the verdict's owner can make that change the verdict's status.

For a will, skill or knowledge verdict only the rep's own metrics are searched; for a
system verdict the organization's (territory, routing, quota) and the manager's
(coaching time). For each firing rule of the verdict, per metric it reads, the smallest
change that stops the rule is found: each comparison reading the metric is solved for it
(``observed - threshold = 0``, by the secant method on the real formulas, exact after
one step when the relation is linear) and, when no root works, the metric is bisected on
the rule's own outcome. Those per-rule changes are then tried on the whole diagnosis:
alone first, smallest first, and if none changes the verdict's status, together (one
more rule's change at a time, strongest rule first), then trimmed of changes it does not
need. Only what a full re-diagnosis shows to change the verdict's status is kept.

The work is bounded per diagnosis: at most `MAX_RULES` rules per verdict are searched,
`MAX_ROOTS` nearest roots tried per metric, and `MAX_REDIAGNOSES` full re-diagnoses run
per verdict, so the cost is linear in the size of the rules and of the pack.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from gapdiag.engines.assemble import judge, weak_of
from gapdiag.model._kinds import Kind
from gapdiag.model.changes import apply_changes
from gapdiag.model.derived import derive, inputs_of
from gapdiag.model.diagnosis import Counterfactual, CounterfactualChange, Diagnosis, Verdict
from gapdiag.model.errors import InvalidMetrics
from gapdiag.model.gaps import FOUND, Gap, Status
from gapdiag.model.labels import label_of
from gapdiag.model.metrics import METRICS, RepMetrics, Targets
from gapdiag.model.standing import StandingStatus
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
MAX_RULES = 16
"""Firing rules searched per verdict, strongest first."""
MAX_ROOTS = 8
"""Nearest comparison roots tried per metric before bisecting."""
MAX_REDIAGNOSES = 48
"""Full re-diagnoses per verdict."""
MAX_SINGLES = 12
"""Of those, how many may try a single change before changes are tried together."""
MAX_SHOWN = 3
"""Single changes kept per verdict."""

LEVERS: Mapping[Gap, tuple[str, frozenset[str]]] = {
    "will": ("rep", frozenset({"rep"})),
    "skill": ("rep", frozenset({"rep"})),
    "knowledge": ("rep", frozenset({"rep"})),
    "system": ("organization", frozenset({"organization", "manager"})),
}
"""Per gap: whose levers a counterfactual shows, and the metric owners that are searched."""

Candidate = tuple[float | bool, float | bool, bool]  # value, boundary, strict
Setting = tuple[Targets, TeamStats | None, StandingStatus]
"""The targets, the team values and the standing: all held fixed while a rep metric moves."""


@dataclass(frozen=True, slots=True)
class _Option:
    """One rule's smallest change in one metric."""

    rule: str
    change: CounterfactualChange
    size: float


def find_counterfactuals(
    rep: RepMetrics,
    book: Rulebook,
    targets: Targets,
    diagnosis: Diagnosis,
    team: TeamStats | None = None,
) -> tuple[Counterfactual, ...]:
    """For each confirmed or suspected gap: verified changes its owner can make.

    `team` is held fixed: a counterfactual changes the rep's own metrics, never the team's.
    """
    facts = build_facts(rep, targets, team)
    by_id = {rule.id: rule for rule in book.compiled}
    found: list[Counterfactual] = []
    for verdict in diagnosis.verdicts:
        if verdict.status not in FOUND:
            continue
        search = _Search(rep, book, (targets, team, diagnosis.standing.status), facts, verdict)
        strongest = sorted(verdict.evidence, key=lambda e: -e.certainty)[:MAX_RULES]
        options = [search.options(by_id[e.rule]) for e in strongest]
        found.extend(search.singles(options) or search.together(options, by_id))
    return tuple(found)


def relative_size(change: CounterfactualChange) -> float:
    """How big a change is relative to the value it starts from (a flag flip counts as 1)."""
    if isinstance(change.observed, bool) or isinstance(change.value, bool):
        return 1.0
    delta = abs(change.value - change.observed)
    return delta / max(abs(change.observed), abs(change.value), 1e-12)


class _Search:
    """The counterfactual search for one verdict, with its budget of re-diagnoses."""

    def __init__(
        self, rep: RepMetrics, book: Rulebook, setting: Setting, facts: Facts, verdict: Verdict
    ) -> None:
        self.rep, self.book, self.setting, self.facts, self.verdict = (
            rep,
            book,
            setting,
            facts,
            verdict,
        )
        self.owner, self.owners = LEVERS[verdict.gap]
        self.spent = 0

    def options(self, rule: CompiledRule) -> list[_Option]:
        """The rule's smallest change per metric the verdict's owner controls, smallest first."""
        found = []
        for metric in rule.needs:
            label = label_of(metric)
            if metric not in METRICS or not label.changeable or label.owner not in self.owners:
                continue
            change = _smallest(rule, metric, self.facts, self.setting[0], label.better)
            if change is not None:
                found.append(_Option(rule.id, change, relative_size(change)))
        return sorted(found, key=lambda o: o.size)

    def singles(self, options: Sequence[list[_Option]]) -> list[Counterfactual]:
        """Single changes that change the verdict's status alone, smallest first."""
        ranked = sorted((o for per_rule in options for o in per_rule), key=lambda o: o.size)
        kept: list[Counterfactual] = []
        tried: set[tuple[str, float | bool]] = set()
        for option in ranked:
            key = (option.change.metric, option.change.value)
            if key in tried or len(kept) == MAX_SHOWN or self.spent >= MAX_SINGLES:
                continue
            tried.add(key)
            result = self.check((option.change,))
            if result is not None:
                kept.append(result)
        return kept

    def together(
        self, options: Sequence[list[_Option]], by_id: Mapping[str, CompiledRule]
    ) -> list[Counterfactual]:
        """One set of changes, a rule at a time, strongest rule first; then trimmed."""
        chosen: dict[str, CounterfactualChange] = {}
        for per_rule in options:
            if not per_rule or self.spent >= MAX_REDIAGNOSES:
                continue
            rule = by_id[per_rule[0].rule]
            if rule.test(self._facts(chosen)) is not True:
                continue  # an earlier change already stops it
            option = next((o for o in per_rule if _fits(chosen, o.change)), None)
            if option is None:
                continue
            chosen[option.change.metric] = option.change
            if self.check(tuple(chosen.values())) is not None:
                return [self._trim(chosen)]
        return []

    def _trim(self, chosen: dict[str, CounterfactualChange]) -> Counterfactual:
        needed = dict(chosen)
        for metric in list(chosen)[:-1]:
            if self.spent >= MAX_REDIAGNOSES:
                break
            fewer = {m: c for m, c in needed.items() if m != metric}
            if self.check(tuple(fewer.values())) is not None:
                needed = fewer
        result = self.check(tuple(needed.values()), spend=False)
        assert result is not None  # needed always passed its own check
        return result

    def _facts(self, chosen: Mapping[str, CounterfactualChange]) -> Facts:
        changed = dict(self.facts)
        changed.update({m: c.value for m, c in chosen.items()})
        changed.update(derive(changed, self.setting[0]))
        return changed

    def check(
        self, changes: tuple[CounterfactualChange, ...], *, spend: bool = True
    ) -> Counterfactual | None:
        """Re-diagnose with the changes; a Counterfactual if the verdict's status changed."""
        if spend:
            self.spent += 1
        after = _rediagnose(self.rep, self.book, self.setting, changes, self.verdict.gap)
        if after is None or after[1] == self.verdict.status:
            return None
        certainty, status, fired = after
        return Counterfactual.trusted(
            {
                "gap": self.verdict.gap,
                "owner": self.owner,
                "changes": changes,
                "rules": tuple(e.rule for e in self.verdict.evidence if e.rule not in fired),
                "status_before": self.verdict.status,
                "status_after": status,
                "confidence_after": max(certainty, 0.0),
            }
        )


def _fits(chosen: Mapping[str, CounterfactualChange], change: CounterfactualChange) -> bool:
    """A change may join a set unless the set moves its metric the other way or further."""
    held = chosen.get(change.metric)
    if held is None:
        return True
    if isinstance(held.value, bool) or isinstance(change.value, bool):
        return False
    up = held.value > held.observed
    return (change.value > held.value) if up else (change.value < held.value)


class _Probe:
    """The rule's outcome with one metric set to a trial value.

    The derived values are worked out again only when the rule reads one the metric
    feeds: for the others the trial value is all that changes what the rule sees.
    """

    def __init__(self, rule: CompiledRule, metric: str, facts: Facts, targets: Targets) -> None:
        self.rule, self.metric, self.base, self.targets = rule, metric, facts, targets
        self.derives = any(
            name.startswith("derived.") and metric in inputs_of(name)
            for name in x.names_in(rule.condition)
        )

    def facts(self, value: float | bool) -> Facts:
        changed = dict(self.base)
        changed[self.metric] = value
        if self.derives:
            changed.update(derive(changed, self.targets))
        return changed

    def fires(self, value: float | bool) -> bool:
        return self.rule.test(self.facts(value)) is True


def _smallest(
    rule: CompiledRule,
    metric: str,
    facts: Facts,
    targets: Targets,
    better: Literal["higher", "lower"] | None,
) -> CounterfactualChange | None:
    """The nearest value of one metric at which the rule stops firing (the rule alone).

    Only values in the `better` direction count: a rep does not clear a skill rule by
    forgetting the product.
    """
    current = facts.get(metric)
    if current is None:
        return None
    probe = _Probe(rule, metric, facts, targets)
    if isinstance(current, bool):
        candidates: Iterator[Candidate] = iter([(not current, not current, False)])
    else:
        candidates = _numeric_candidates(rule, probe, current, METRICS[metric])
    for value, boundary, strict in candidates:
        if _worse(current, value, better):
            continue
        if not probe.fires(value):
            return CounterfactualChange.trusted(
                {
                    "metric": metric,
                    "observed": current,
                    "value": value,
                    "boundary": boundary,
                    "strict": strict,
                }
            )
    return None


def _worse(
    current: float | bool, value: float | bool, better: Literal["higher", "lower"] | None
) -> bool:
    if better is None:
        return False
    return value < current if better == "higher" else value > current


def _rediagnose(
    rep: RepMetrics,
    book: Rulebook,
    setting: Setting,
    changes: tuple[CounterfactualChange, ...],
    gap: Gap,
) -> tuple[float, Status, frozenset[str]] | None:
    """The gap's certainty, status and fired rules with the metrics changed, every rule
    evaluated and scored as `diagnose` does; None if a value is not valid input.

    Only the one verdict is scored: building the whole Diagnosis (every because-text of
    every fired rule) would make each check cost as much as the pack's text.
    """
    targets, team, standing = setting
    try:
        changed, _, _ = apply_changes(rep, targets, {c.metric: c.value for c in changes})
    except InvalidMetrics:
        return None
    facts = build_facts(changed, targets, team)
    decided = [
        (rule, outcome)
        for rule, outcome in zip(book.compiled, book.evaluate(facts), strict=True)
        if rule.gap == gap
    ]
    # the standing is held: what clears a gap is a change in its evidence, never "had the
    # rep closed more, they would not be behind"
    certainty, status, _, _ = judge(decided, weak_of(changed), standing)
    return certainty, status, frozenset(rule.id for rule, outcome in decided if outcome)


def _numeric_candidates(
    rule: CompiledRule, probe: _Probe, current: float, kind: Kind
) -> Iterator[Candidate]:
    roots = sorted(set(_roots(rule, probe, current)), key=lambda r: (abs(r[0] - current), r))
    del roots[MAX_ROOTS:]
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
    """Every comparison in a condition, left to right (a loop: conditions may be deep)."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, x.Compare):
            yield current
        else:
            stack.extend(reversed(list(x.children(current))))


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
