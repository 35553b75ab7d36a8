"""A condition as a union of boxes: the interval view of a rule that static verification reads.

The condition is pushed into negation normal form and expanded into a disjunction of
conjunctions. In a conjunction, a comparison of one metric or derived quantity with a
constant (numbers and ``target.*``) becomes an interval on that name, and a true/false
metric becomes a required value. Anything else (arithmetic between metrics, functions of
metrics) stays an *opaque* comparison that intervals cannot decide.

Kleene logic makes this exact, not an approximation: a condition is true on an input
exactly when one of its boxes is, and a box is true exactly when every name it bounds is
known and inside its interval, every flag has its value, and every opaque comparison is
true. Negation is safe to push inwards because ``not (x < c)`` is true exactly when
``x >= c`` is. Bounds hold the rule's own thresholds; the name's valid range (a fraction's
[0, 1]) is applied when a box is tested for emptiness.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import NEGATED, BoolFn, Facts, condition, number

MAX_BOXES = 256
"""Past this many alternatives a condition is left undecided rather than expanded further."""


class TooComplex(Exception):
    """The condition expands into more than MAX_BOXES alternatives."""


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a bound allows: low to high, each end open or closed."""

    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False

    @property
    def floor(self) -> float:
        """The smallest float inside."""
        return math.nextafter(self.low, math.inf) if self.low_open else self.low

    @property
    def ceiling(self) -> float:
        """The largest float inside."""
        return math.nextafter(self.high, -math.inf) if self.high_open else self.high

    @property
    def empty(self) -> bool:
        """True when no float lies inside."""
        return self.floor > self.ceiling

    def meet(self, other: Interval) -> Interval:
        """The values both intervals allow."""
        low, low_open = max((self.low, self.low_open), (other.low, other.low_open))
        high, high_open = min((self.high, not self.high_open), (other.high, not other.high_open))
        return Interval(low, high, low_open, not high_open)

    def within(self, other: Interval) -> bool:
        """True when every value of this interval is in `other`."""
        return other.floor <= self.floor and self.ceiling <= other.ceiling

    def render(self, name: str) -> str:
        """The interval as a condition on `name`, as a rule would write it."""
        if self.low == self.high and not self.empty:
            return f"{name} == {self.low:g}"
        parts = []
        if self.low > -math.inf:
            parts.append(f"{self.low:g} {'<' if self.low_open else '<='} ")
        parts.append(name)
        if self.high < math.inf:
            parts.append(f" {'<' if self.high_open else '<='} {self.high:g}")
        return "".join(parts)


def valid_range(name: str) -> Interval:
    """The values a metric or derived quantity can take (its kind's range)."""
    kind = x.known_names()[name]
    low = kind.low if kind.low is not None else -math.inf
    high = kind.high if kind.high is not None else math.inf
    return Interval(low, high)


@dataclass(frozen=True, slots=True)
class Opaque:
    """A comparison intervals cannot decide, kept with its text and compiled test."""

    text: str
    names: tuple[str, ...]
    test: BoolFn = field(compare=False)


@dataclass(frozen=True, slots=True)
class Box:
    """One alternative of a condition: bounds on names, required flags, opaque comparisons."""

    bounds: Mapping[str, Interval] = field(default_factory=dict)
    flags: Mapping[str, bool] = field(default_factory=dict)
    opaque: tuple[Opaque, ...] = ()

    @property
    def names(self) -> frozenset[str]:
        """The names this box bounds or requires (not those of opaque comparisons)."""
        return frozenset(self.bounds) | frozenset(self.flags)

    def effective(self, name: str) -> Interval:
        """The bound on a name met with the name's valid range."""
        return self.bounds[name].meet(valid_range(name))

    def empty_names(self) -> tuple[str, ...]:
        """Names whose bound leaves no valid value (the box is empty when any is)."""
        return tuple(n for n in sorted(self.bounds) if self.effective(n).empty)

    @property
    def empty(self) -> bool:
        """True when intervals or flags alone show that no input is inside."""
        return bool(self.empty_names())

    def meet(self, other: Box) -> Box | None:
        """The inputs inside both boxes, or None when flags contradict."""
        bounds = dict(self.bounds)
        for name, interval in other.bounds.items():
            bounds[name] = bounds[name].meet(interval) if name in bounds else interval
        flags = dict(self.flags)
        for name, value in other.flags.items():
            if flags.setdefault(name, value) != value:
                return None
        opaque = tuple(dict.fromkeys((*self.opaque, *other.opaque)))
        return Box(bounds, flags, opaque)

    def within(self, other: Box) -> bool:
        """True when every input inside this box is inside `other` (a sufficient test)."""
        if not set(other.bounds) <= set(self.bounds) or not set(other.opaque) <= set(self.opaque):
            return False
        if any(self.flags.get(n) != v for n, v in other.flags.items()):
            return False
        return all(self.effective(n).within(other.effective(n)) for n in other.bounds)

    def render(self) -> str:
        """The box as a condition: its bounds, flags and opaque comparisons joined by 'and'."""
        parts = [self.bounds[n].render(n) for n in sorted(self.bounds)]
        parts += [n if v else f"not {n}" for n, v in sorted(self.flags.items())]
        parts += [o.text for o in self.opaque]
        return " and ".join(parts) if parts else "always"


def boxes(node: x.Node, text: str, constants: Facts) -> tuple[Box, ...]:
    """The condition as boxes; `constants` holds the ``target.*`` values thresholds read.

    Raises:
        TooComplex: the expansion passes MAX_BOXES alternatives.
    """
    return tuple(_dnf(node, text, constants, positive=True))


def _dnf(node: x.Node, text: str, constants: Facts, *, positive: bool) -> list[Box]:
    if isinstance(node, x.Not):
        return _dnf(node.operand, text, constants, positive=not positive)
    if isinstance(node, x.And | x.Or):
        parts = [_dnf(item, text, constants, positive=positive) for item in node.items]
        if isinstance(node, x.And) == positive:
            return _product(parts)
        return _limit([box for part in parts for box in part])
    if isinstance(node, x.Name):
        return [Box(flags={node.path: positive})]
    if isinstance(node, x.Compare):
        return _compare(node, text, constants, positive=positive)
    raise TypeError(f"not a condition node: {node!r}")


def _product(parts: Iterable[list[Box]]) -> list[Box]:
    result = [Box()]
    for part in parts:
        met = (a.meet(b) for a in result for b in part)
        result = _limit([box for box in met if box is not None])
    return result


def _limit(items: list[Box]) -> list[Box]:
    if len(items) > MAX_BOXES:
        raise TooComplex(f"more than {MAX_BOXES} alternatives")
    return items


_BOUND = {
    "<": lambda c: [Interval(high=c, high_open=True)],
    "<=": lambda c: [Interval(high=c)],
    ">": lambda c: [Interval(low=c, low_open=True)],
    ">=": lambda c: [Interval(low=c)],
    "==": lambda c: [Interval(c, c)],
    "!=": lambda c: [Interval(high=c, high_open=True), Interval(low=c, low_open=True)],
}
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


def _compare(node: x.Compare, text: str, constants: Facts, *, positive: bool) -> list[Box]:
    left, right, op = node.left, node.right, node.op if positive else NEGATED[node.op]
    if is_constant(left) and not is_constant(right):
        left, right, op = right, left, _FLIP[op]
    test = condition(x.Compare(node.start, node.end, op, left, right))
    if is_constant(left):  # no metric on either side: the comparison is a constant
        return [Box()] if test(constants) else []
    if isinstance(left, x.Name) and is_constant(right):
        limit = number(right)(constants)
        if limit is None:  # e.g. a division by zero among the targets: never true
            return []
        return [Box(bounds={left.path: i}) for i in _BOUND[op](limit)]
    shown = f"{x.source(text, left)} {op} {x.source(text, right)}"
    return [Box(opaque=(Opaque(shown, x.names_in(node), test),))]


def is_constant(node: x.Node) -> bool:
    """True when a node reads no rep metric (only numbers and targets)."""
    return all(name.startswith("target.") for name in x.names_in(node))
