"""Compile a condition's syntax tree into plain Python closures with three-valued logic.

A numeric closure returns a float or None (unknown); a condition closure returns True,
False or None (unknown), combining with Kleene's rules: ``False and unknown`` is False,
``True or unknown`` is True, ``not unknown`` is unknown. Division by zero and results
that overflow to infinity are unknown, never a crash. Closures read a flat mapping of
facts (``"activity.calls_per_day" -> 12.0``) and hold no state, so they are thread-safe.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gapdiag.rulebook import expr as x

Fact = float | bool | None
Facts = Mapping[str, Fact]
NumFn = Callable[[Facts], float | None]
BoolFn = Callable[[Facts], bool | None]

_COMPARE: Mapping[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
NEGATED = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def reading(facts: Facts, paths: tuple[str, ...]) -> tuple[object, ...]:
    """The values of `paths` on one rep, as a memo key for what depends on them alone.

    Zeros that compare equal but read differently are kept apart (-0.0, 0.0 and False);
    a path holds flags or numbers, never both, so True and 1.0 never meet.
    """
    values = tuple(map(facts.get, paths))
    return (values, tuple(map(str, values))) if 0.0 in values else values


def number(node: x.Node) -> NumFn:
    """Compile a numeric node into a closure returning a float or None."""
    if isinstance(node, x.Num):
        value = node.value
        return lambda facts: value
    if isinstance(node, x.Name):
        path = node.path
        # _as_number inlined: one call a read, not two (traces and the tree read many)
        return lambda facts: v if isinstance(v := facts.get(path), float) else None
    if isinstance(node, x.Neg):
        inner = number(node.operand)
        return lambda facts: None if (v := inner(facts)) is None else -v
    if isinstance(node, x.BinOp):
        return _binop(node.op, number(node.left), number(node.right))
    if isinstance(node, x.Call):
        return _call(node.func, tuple(number(a) for a in node.args))
    raise TypeError(f"not a numeric node: {node!r}")


def _binop(op: str, left: NumFn, right: NumFn) -> NumFn:
    def apply(facts: Facts) -> float | None:
        a = left(facts)
        if a is None:
            return None
        b = right(facts)
        if b is None:
            return None
        if op == "+":
            result = a + b
        elif op == "-":
            result = a - b
        elif op == "*":
            result = a * b
        elif b == 0:
            return None
        else:
            result = a / b
        return result if math.isfinite(result) else None

    return apply


def _call(func: str, args: tuple[NumFn, ...]) -> NumFn:
    if func == "abs":
        (arg,) = args
        return lambda facts: None if (v := arg(facts)) is None else abs(v)
    pick = min if func == "min" else max

    def apply(facts: Facts) -> float | None:
        values = [a(facts) for a in args]
        if any(v is None for v in values):
            return None
        return pick(v for v in values if v is not None)

    return apply


def condition(node: x.Node) -> BoolFn:
    """Compile a condition node into a closure returning True, False or None (unknown)."""
    if isinstance(node, x.Compare):
        return _compare(node.op, number(node.left), number(node.right))
    if isinstance(node, x.Name):
        path = node.path
        return lambda facts: v if isinstance(v := facts.get(path), bool) else None
    if isinstance(node, x.Not):
        inner = condition(node.operand)
        return lambda facts: None if (v := inner(facts)) is None else not v
    if isinstance(node, x.And | x.Or):
        items = tuple(condition(i) for i in node.items)
        return _kleene(items, decisive=isinstance(node, x.Or))
    raise TypeError(f"not a condition node: {node!r}")


def _compare(op: str, left: NumFn, right: NumFn) -> BoolFn:
    test = _COMPARE[op]

    def apply(facts: Facts) -> bool | None:
        a = left(facts)
        if a is None:
            return None
        b = right(facts)
        if b is None:
            return None
        return test(a, b)

    return apply


def _kleene(items: tuple[BoolFn, ...], decisive: bool) -> BoolFn:
    """Kleene `and` (decisive=False) or `or` (decisive=True).

    One decisive item decides the whole; otherwise any unknown item leaves it unknown.
    """

    def apply(facts: Facts) -> bool | None:
        unknown = False
        for item in items:
            value = item(facts)
            if value is decisive:
                return decisive
            if value is None:
                unknown = True
        return None if unknown else not decisive

    return apply


class Check(NamedTuple):
    """One comparison (or true/false metric) of a condition, traced on one rep."""

    text: str
    observed: str
    op: str | None
    threshold: str | None
    observed_value: float | bool | None
    threshold_value: float | None
    result: bool | None
    distance: float | None


@dataclass(frozen=True, slots=True)
class Atom:
    """A compiled leaf of a condition, kept apart so it can be traced on its own."""

    text: str
    observed: str
    op: str | None
    threshold: str | None
    observed_fn: Callable[[Facts], Fact]
    threshold_fn: NumFn | None
    reads: tuple[str, ...] = ()
    """Every fact the comparison reads: all its trace depends on."""
    plain: tuple[str, float | str] | None = field(default=None, repr=False, compare=False)
    """(path, constant or path) where the comparison reads one name against a number or
    another name: `say` then reads them in place (see `_said_plainly`)."""
    by_team: bool = field(init=False, repr=False, compare=False)
    """Whether the threshold reads a team median."""
    margin: str = field(init=False, repr=False, compare=False)
    """How the threshold stands to a target's margin (`margin_of`)."""
    say: Callable[[Facts], Stated] = field(init=False, repr=False, compare=False)
    """`said` as one function composed at load (the form explanations call)."""

    def __post_init__(self) -> None:
        by_team = self.threshold is not None and "team.median." in self.threshold
        object.__setattr__(self, "by_team", by_team)
        object.__setattr__(self, "margin", margin_of(self.threshold))
        plain = self.plain
        say = self.said if plain is None or self.op is None else _said_plainly(self, *plain)
        object.__setattr__(self, "say", say)

    def trace(self, facts: Facts) -> Check:
        """Evaluate this leaf on one rep's facts and report values, result and distance."""
        return Check(**self.check(facts))

    def check(self, facts: Facts) -> dict[str, Any]:
        """The fields of `trace` as a fresh dict (the form result objects are built from)."""
        observed, op, value, limit, result, _, _ = self.said(facts)
        return {
            "text": self.text,
            "observed": observed,
            "op": op,
            "threshold": self.threshold,
            "observed_value": value,
            "threshold_value": limit,
            "result": result,
            "distance": None if value is None or limit is None else value - limit,
        }

    def said(self, facts: Facts) -> Stated:
        """What an explanation says of this comparison: the metric, the operator, the
        observed value, the threshold's value, the result (the fields of `check` a
        comparison is put in words from) and whether the threshold reads a team median."""
        seen = self.observed_fn(facts)
        by_team = self.by_team
        if self.threshold_fn is None or self.op is None:
            flag = seen if isinstance(seen, bool) else None
            return self.observed, self.op, flag, None, flag, by_team, ""
        limit = self.threshold_fn(facts)
        value = seen if isinstance(seen, float) else None
        margin = self.margin
        if value is None or limit is None:
            return self.observed, self.op, value, limit, None, by_team, margin
        result = _COMPARE[self.op](value, limit)
        return self.observed, self.op, value, limit, result, by_team, margin


Stated = tuple[str, str | None, float | bool | None, float | None, bool | None, bool, str]
"""A comparison as an explanation says it (see `Atom.said`)."""


def margin_of(threshold: str | None) -> str:
    """How a threshold stands to a target's margin: 'plan' (``1 - target.margin.T``, a share
    of plan), 'less' (``target.T * (1 - target.margin.T)``), 'plus' (a ceiling with its
    margin added), or '' (a plain cut-off)."""
    if threshold is None or "target.margin." not in threshold:
        return ""
    if threshold.startswith("1 - target.margin."):
        return "plan"
    return "plus" if "(1 + target.margin." in threshold else "less"


def _said_plainly(atom: Atom, path: str, limit: float | str) -> Callable[[Facts], Stated]:
    """`atom.said` of a comparison of the name `path` with a number or with another name
    (`limit`), reading both in place: one call a comparison, not three."""
    observed, op, by_team, margin = atom.observed, atom.op, atom.by_team, atom.margin
    assert op is not None
    test = _COMPARE[op]
    if isinstance(limit, str):
        other = limit

        def by_name(facts: Facts) -> Stated:
            value = v if isinstance(v := facts.get(path), float) else None
            bound = b if isinstance(b := facts.get(other), float) else None
            if value is None or bound is None:
                return observed, op, value, bound, None, by_team, margin
            return observed, op, value, bound, test(value, bound), by_team, margin

        return by_name
    fixed = limit

    def by_number(facts: Facts) -> Stated:
        value = v if isinstance(v := facts.get(path), float) else None
        if value is None:
            return observed, op, None, fixed, None, by_team, margin
        return observed, op, value, fixed, test(value, fixed), by_team, margin

    return by_number


def atoms(node: x.Node, text: str) -> tuple[Atom, ...]:
    """The comparisons and true/false metrics of a condition, left to right."""
    if isinstance(node, x.Compare):
        return (_compare_atom(node, text),)
    if isinstance(node, x.Name):
        return (Atom(node.path, node.path, None, None, number_or_flag(node), None, (node.path,)),)
    return tuple(a for child in x.children(node) for a in atoms(child, text))


def number_or_flag(node: x.Name) -> Callable[[Facts], Fact]:
    """A closure reading one name as it is (number or flag)."""
    path = node.path
    return lambda facts: facts.get(path)


def _compare_atom(node: x.Compare, text: str) -> Atom:
    # Report the side that reads a rep metric as "observed" and the other as the threshold,
    # so `0.35 <= calls.talk_ratio` traces as talk_ratio >= 0.35.
    left, right, op = node.left, node.right, node.op
    if _is_constant(left) and not _is_constant(right):
        left, right, op = right, left, FLIPPED[op]
    plain: tuple[str, float | str] | None = None
    if isinstance(left, x.Name) and isinstance(right, x.Num | x.Name):
        plain = (left.path, right.value if isinstance(right, x.Num) else right.path)
    return Atom(
        x.source(text, node),
        x.source(text, left),
        op,
        x.source(text, right),
        number(left),
        number(right),
        x.names_in(node),
        plain,
    )


def _is_constant(node: x.Node) -> bool:
    """True when a node reads no rep metric (only numbers and targets)."""
    return all(name.startswith("target.") for name in x.names_in(node))
