"""Find a real rep on which given conditions all fire: the witness behind a verifier finding.

A witness is built from raw metrics only (plus ``team.*`` values where a rule reads them),
so it is an input anyone can diagnose. Names a
box bounds directly get a value inside their interval; derived quantities are reached by
adjusting one of their raw inputs (every derived quantity is monotone in each input, so
a scan and a bisection find a value); comparisons intervals cannot decide are left to the
final check and to seeded random restarts. Every candidate is confirmed with the real
evaluator on a validated RepMetrics; nothing unconfirmed is ever returned.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Mapping, Sequence

from gapdiag.checks._boxes import Box, Interval, valid_range
from gapdiag.model.derived import derive, inputs_of
from gapdiag.model.metrics import RepMetrics, Targets, nest
from gapdiag.model.team import TeamStats
from gapdiag.rulebook.compiler import BoolFn
from gapdiag.rulebook.expr import known_names
from gapdiag.rulebook.facts import build_facts

Assignment = dict[str, float | bool]
TEAM = "team."
RESTARTS = 200
"""Random restarts tried after the direct construction fails (seeded: results repeat)."""

_TYPICAL = {
    "fraction": 0.5,
    "rating": 3.0,
    "commitment": 5.0,
    "count": 10.0,
    "ratio": 1.0,
    "money": 100_000.0,
    "days": 30.0,
    "months": 12.0,
    "minutes": 5.0,
    "seconds": 60.0,
    "weekly_hours": 2.0,
}
_SPAN = {"money": 1e9}
"""How far the search looks on kinds with no upper bound (money runs larger than counts)."""


def find_witness(
    box: Box,
    tests: Sequence[BoolFn],
    targets: Targets,
    *,
    seeds: Iterable[Assignment] = (),
) -> Assignment | None:
    """Raw metric values on which every test is true, or None when none was found.

    The inputs of what the box's opaque comparisons read get values too; `seeds` are
    inputs to try first (a rule's firing examples).
    """
    for seed in seeds:
        if confirms(seed, tests, targets):
            return seed
    raw = _raw_inputs(box)
    rng = random.Random(0)
    for attempt in range(RESTARTS + 1):
        values = _start(box, raw, rng if attempt else None)
        _reach_derived(box, values, targets)
        if confirms(values, tests, targets):
            return _tidied(values, tests, targets)
    return None


def confirms(values: Assignment, tests: Sequence[BoolFn], targets: Targets) -> bool:
    """True when every test is true on the rep (and team values) these raw values describe."""
    facts = build_facts(as_rep(values), targets, as_team(values))
    return all(test(facts) is True for test in tests)


def as_rep(values: Mapping[str, float | bool]) -> RepMetrics:
    """The validated rep for flat raw values (every value the search makes is in range).

    ``team.<stat>.<metric>`` values are not the rep's; `as_team` reads those.
    """
    own = {k: v for k, v in values.items() if not k.startswith(TEAM)}
    return RepMetrics.model_validate({"rep_id": "witness", **nest(own)})


def as_team(values: Mapping[str, float | bool]) -> TeamStats | None:
    """The team values among flat raw values, or None when there are none."""
    stats: dict[str, dict[str, float]] = {}
    for key, value in values.items():
        if key.startswith(TEAM) and isinstance(value, float):
            stat, path = key.removeprefix(TEAM).split(".", 1)
            stats.setdefault(stat, {})[path] = value
    return TeamStats.model_validate(stats) if stats else None


def _tidied(values: Assignment, tests: Sequence[BoolFn], targets: Targets) -> Assignment:
    """Round each value to the fewest decimals that keep every test true."""
    for name, value in values.items():
        if isinstance(value, float):
            values[name] = tidy(value, _still_fires(values, name, tests, targets))
    return values


def _still_fires(
    values: Assignment, name: str, tests: Sequence[BoolFn], targets: Targets
) -> Callable[[float], bool]:
    return lambda v: confirms({**values, name: v}, tests, targets)


def _raw_inputs(box: Box) -> tuple[str, ...]:
    names = [*sorted(box.names), *(n for o in box.opaque for n in o.names)]
    return tuple(dict.fromkeys(m for name in names for m in inputs_of(name)))


def _start(box: Box, raw: Sequence[str], rng: random.Random | None) -> Assignment:
    values: Assignment = {}
    for name in raw:
        if name in box.flags:  # flags are read only as conditions, never inside comparisons
            values[name] = box.flags[name]
        elif name in box.bounds:
            span = box.effective(name)
            values[name] = (
                _random_in(span, name, rng) if rng else pick(box.bounds[name], valid_range(name))
            )
        else:
            values[name] = _random_in(valid_range(name), name, rng) if rng else _typical(name)
    return values


def _typical(name: str) -> float:
    return _TYPICAL.get(known_names()[name].name, 1.0)


def _practical(span: Interval, name: str) -> tuple[float, float]:
    """The interval clipped to a span the search can sample (unbounded kinds have no top)."""
    reach = _SPAN.get(known_names()[name].name, 1e6)
    low = span.floor if span.floor > -math.inf else min(span.ceiling, 0.0) - reach
    high = span.ceiling if span.ceiling < math.inf else max(low, 0.0) + reach
    return low, high


def pick(bound: Interval, valid: Interval) -> float:
    """A tidy value near the middle of `bound` and inside `valid`.

    An open-ended bound is read as reaching as far again past its finite end (``x > 150``
    gives 150 to 300), so the value stays close to the threshold a rule writes.
    """
    low, high = bound.floor, bound.ceiling  # a comparison with a number: one end is finite
    if math.isinf(high):
        high = low + max(1.0, abs(low))
    elif math.isinf(low):
        low = high - max(1.0, abs(high))
    low, high = max(low, valid.floor), min(high, valid.ceiling)
    quarter = (high - low) / 4
    return tidy((low + high) / 2, lambda v: low + quarter <= v <= high - quarter)


def tidy(value: float, ok: Callable[[float], bool]) -> float:
    """`value` rounded to the fewest decimals that still pass `ok`."""
    for digits in range(7):
        rounded = round(value, digits)
        if ok(rounded):
            return rounded
    return value


def _random_in(span: Interval, name: str, rng: random.Random) -> float:
    low, high = _practical(span, name)
    if rng.random() < 0.5 or high - low < 10:
        return rng.uniform(low, high)
    # log-uniform over a wide span, so small values are tried as often as large ones
    return low + math.expm1(rng.uniform(0.0, math.log1p(high - low)))


def _reach_derived(box: Box, values: Assignment, targets: Targets) -> None:
    """Move free raw inputs until each derived quantity the box bounds is inside its bound."""
    derived = [n for n in sorted(box.bounds) if n.startswith("derived.")]
    fixed = {n for n in box.names if not n.startswith("derived.")}
    for _ in range(3):
        for name in derived:
            span = box.effective(name)
            for source in inputs_of(name):
                if source in fixed or _side(_derived(values, name, targets), span) == 0:
                    continue
                _solve(values, source, name, span, targets)


def _derived(values: Assignment, name: str, targets: Targets) -> float | None:
    facts = {k: v for k, v in values.items() if isinstance(v, float)}
    return derive(facts, targets)[name]


def _side(value: float | None, span: Interval) -> int | None:
    if value is None:
        return None
    return -1 if value < span.floor else 1 if value > span.ceiling else 0


def _solve(values: Assignment, source: str, name: str, span: Interval, targets: Targets) -> None:
    """Set `source` so that derived `name` lands in `span`, scanning then bisecting."""
    low, high = _practical(valid_range(source), source)
    grid = sorted({low, high, *(low + (high - low) * f for f in _FRACTIONS)})

    def side(v: float) -> int | None:
        return _side(_derived({**values, source: v}, name, targets), span)

    sides = [side(v) for v in grid]
    for index, s in enumerate(sides):
        if s == 0:
            values[source] = tidy(grid[index], lambda v: side(v) == 0)
            return
    for (a, sa), (b, sb) in zip(
        zip(grid, sides, strict=True), zip(grid[1:], sides[1:], strict=True), strict=False
    ):
        if sa is not None and sb is not None and sa != sb:
            found = _bisect(side, a, b, sa)
            if found is not None:
                values[source] = tidy(found, lambda v: side(v) == 0)
                return


_FRACTIONS = tuple(10.0**e for e in range(-9, 0)) + tuple(i / 20 for i in range(1, 20))


def _bisect(side: Callable[[float], int | None], a: float, b: float, side_a: int) -> float | None:
    for _ in range(200):
        middle = (a + b) / 2
        if middle in (a, b):
            return None
        s = side(middle)
        if s == 0:
            return middle
        if s is None:
            return None
        if s == side_a:
            a = middle
        else:
            b = middle
    return None
