"""Compile a pack's syntax trees into numpy operations over whole columns of reps.

The per-rep compiled evaluator (``compiler`` / ``_codegen``) is the reference; this
evaluator gives the same outcome for every rep, computed for many reps at once:

- a number is a float64 array in which NaN means *unknown* (absent, or undefined:
  division by zero and overflow to infinity become NaN, as they become None per rep);
- a condition is a pair of boolean masks (is true, is false); a rep in neither is
  unknown. Kleene logic is then plain mask algebra: ``a and b`` is true where both are
  true and false where either is false; ``not`` swaps the masks.

Every comparison is written so that NaN lands in neither mask (``a < b`` is true,
``a >= b`` is false, both are False for NaN), so an unknown operand makes the comparison
unknown, exactly as ``None`` does per rep. IEEE arithmetic is the same in numpy and in
Python, so the values compared are bit-identical. The only difference is the sign of a
zero that ``min``/``max`` pick, which no condition can observe: a comparison treats -0
as 0, and dividing by either is unknown.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

import numpy as np
import numpy.typing as npt

from gapdiag.rulebook import expr as x

Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Value = Floats | float
Tri = tuple[Mask, Mask]
Lookup = Callable[[str], Value]
"""Reads one name: a float64 column (NaN = unknown; flags as 1.0 / 0.0) or a scalar."""

_FLIP = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}
_ORDER: dict[str, Callable[[Value, Value], Mask]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


def evaluate(conditions: Sequence[x.Node], lookup: Lookup, size: int) -> list[Tri]:
    """Each condition's (true, false) masks over `size` reps, in order."""
    compiler = _Compiler(lookup)
    with np.errstate(all="ignore"):
        return [_full(compiler.condition(node), size) for node in conditions]


def _full(tri: Tri, size: int) -> Tri:
    # A condition over targets and numbers alone is one value for every rep.
    true, false = tri
    if true.shape == (size,):
        return tri
    return np.broadcast_to(true, (size,)), np.broadcast_to(false, (size,))


def key(node: x.Node) -> Hashable:
    """A node's structure without its position in the source, so repeats are computed once."""
    if isinstance(node, x.Num):
        return ("num", node.value)
    if isinstance(node, x.Name):
        return ("name", node.path)
    label = getattr(node, "op", None) or getattr(node, "func", None) or type(node).__name__
    return (type(node).__name__, label, *(key(child) for child in x.children(node)))


class _Compiler:
    def __init__(self, lookup: Lookup) -> None:
        self.lookup = lookup
        self.numbers: dict[Hashable, Value] = {}
        self.conditions: dict[Hashable, Tri] = {}

    def number(self, node: x.Node) -> Value:
        """A numeric node as a float64 array (NaN = unknown) or a scalar."""
        cache_key = key(node)
        found = self.numbers.get(cache_key)
        if found is None:
            found = self.numbers[cache_key] = self._number(node)
        return found

    def _number(self, node: x.Node) -> Value:
        if isinstance(node, x.Num):
            return node.value
        if isinstance(node, x.Name):
            return self.lookup(node.path)
        if isinstance(node, x.Neg):
            return np.negative(self.number(node.operand))
        if isinstance(node, x.BinOp):
            return _finite(_ARITH[node.op](self.number(node.left), self.number(node.right)))
        if isinstance(node, x.Call):
            args = [self.number(a) for a in node.args]
            if node.func == "abs":
                return np.abs(args[0])
            pick = np.minimum if node.func == "min" else np.maximum
            result = args[0]
            for arg in args[1:]:
                result = pick(result, arg)  # NaN (unknown) propagates, as None does
            return result
        raise TypeError(f"not a numeric node: {node!r}")

    def condition(self, node: x.Node) -> Tri:
        """A condition node as (true, false) masks."""
        cache_key = key(node)
        found = self.conditions.get(cache_key)
        if found is None:
            found = self.conditions[cache_key] = self._condition(node)
        return found

    def _condition(self, node: x.Node) -> Tri:
        if isinstance(node, x.Compare):
            return _compare(node.op, self.number(node.left), self.number(node.right))
        if isinstance(node, x.Name):  # a flag: 1.0 true, 0.0 false, NaN unknown
            column = np.asarray(self.lookup(node.path))
            return column == 1.0, column == 0.0
        if isinstance(node, x.Not):
            true, false = self.condition(node.operand)
            return false, true
        if isinstance(node, x.And | x.Or):
            items = [self.condition(i) for i in node.items]
            trues = [t for t, _ in items]
            falses = [f for _, f in items]
            if isinstance(node, x.And):
                return _all(trues), _any(falses)
            return _any(trues), _all(falses)
        raise TypeError(f"not a condition node: {node!r}")


def _compare(op: str, a: Value, b: Value) -> Tri:
    if op in _ORDER:
        return _ORDER[op](a, b), _ORDER[_FLIP[op]](a, b)
    equal = np.equal(a, b)
    differ = np.less(a, b) | np.greater(a, b)  # NaN is in neither, unlike `a != b`
    return (equal, differ) if op == "==" else (differ, equal)


def _all(masks: list[Mask]) -> Mask:
    out = masks[0]
    for mask in masks[1:]:
        out = out & mask
    return out


def _any(masks: list[Mask]) -> Mask:
    out = masks[0]
    for mask in masks[1:]:
        out = out | mask
    return out


def _finite(value: Value) -> Value:
    """Infinity (overflow, or division by zero) becomes NaN: unknown, as per rep."""
    return np.where(np.isfinite(value), value, np.nan)


_ARITH: dict[str, Callable[[Value, Value], Value]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
    "/": np.divide,
}
