"""Generate one straight-line Python function that evaluates a whole pack's conditions.

The per-rule closures in ``compiler`` are the reference; this is the fast path used by
``diagnose``. The source is generated from our own syntax tree: it contains only
generated local names, ``repr()`` of numbers and string literals of validated metric
paths, and a fixed set of operators, so no rule text is ever executed. Every name is
read once; Kleene logic is inlined; the result is one outcome per rule, in pack order.

Precondition (guaranteed by ``facts.build_facts``): numeric names hold a float or None,
true/false names hold a bool or None.
"""

from __future__ import annotations

import marshal
import math
from collections.abc import Callable, Sequence
from importlib.util import MAGIC_NUMBER

from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Facts

PackFn = Callable[[Facts], tuple[bool | None, ...]]
_ARITH = {"+", "-", "*", "/"}


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, str] = {}
        self.count = 0

    def temp(self) -> str:
        self.count += 1
        return f"t{self.count}"

    def emit(self, line: str) -> None:
        self.lines.append(f"    {line}")

    def name(self, path: str) -> str:
        if path not in self.names:
            self.names[path] = f"n{len(self.names)}"
        return self.names[path]

    def number(self, node: x.Node) -> str:
        """Emit code for a numeric node; return the expression holding float-or-None."""
        if isinstance(node, x.Num):
            return repr(node.value)
        if isinstance(node, x.Name):
            return self.name(node.path)
        out = self.temp()
        if isinstance(node, x.Neg):
            a = self.number(node.operand)
            self.emit(f"{out} = {_unknown_if([a])}-{a}")
            return out
        if isinstance(node, x.BinOp) and node.op in _ARITH:
            a, b = self.number(node.left), self.number(node.right)
            zero = [f"{b} == 0"] if node.op == "/" else []
            self.emit(f"{out} = {_unknown_if([a, b], zero)}{a} {node.op} {b}")
            self.emit(f"if {out} is not None and not _isfinite({out}): {out} = None")
            return out
        if isinstance(node, x.Call):
            args = [self.number(a) for a in node.args]
            self.emit(f"{out} = {_unknown_if(args)}{node.func}({', '.join(args)})")
            return out
        raise TypeError(f"not a numeric node: {node!r}")

    def condition(self, node: x.Node) -> str:
        """Emit code for a condition node; return the expression holding True/False/None."""
        if isinstance(node, x.Name):
            return self.name(node.path)
        out = self.temp()
        if isinstance(node, x.Compare):
            a, b = self.number(node.left), self.number(node.right)
            self.emit(f"{out} = {_unknown_if([a, b])}{a} {node.op} {b}")
        elif isinstance(node, x.Not):
            a = self.condition(node.operand)
            self.emit(f"{out} = None if {a} is None else not {a}")
        elif isinstance(node, x.And | x.Or):
            items = [self.condition(i) for i in node.items]
            decisive, other = ("False", "True") if isinstance(node, x.And) else ("True", "False")
            hit = " or ".join(f"{i} is {decisive}" for i in items)
            unknown = " or ".join(f"{i} is None" for i in items)
            self.emit(f"{out} = {decisive} if {hit} else (None if {unknown} else {other})")
        else:
            raise TypeError(f"not a condition node: {node!r}")
        return out


def _unknown_if(operands: list[str], extra: Sequence[str] = ()) -> str:
    """'None if <any operand unknown> else ' (literal numbers are never unknown), or ''."""
    tests = [f"{o} is None" for o in operands if o[0] in "nt"] + list(extra)
    return f"None if {' or '.join(tests)} else " if tests else ""


def generate(conditions: Sequence[x.Node]) -> str:
    """The Python source of a function evaluating `conditions` on one rep's facts."""
    body = _Writer()
    results = [body.condition(node) for node in conditions]
    loads = [f"    {var} = _get({path!r})" for path, var in body.names.items()]
    returned = ", ".join(results) + ("," if len(results) == 1 else "")
    return "\n".join(
        [
            "def evaluate(facts):",
            "    _get = facts.get",
            *loads,
            *body.lines,
            f"    return ({returned})",
        ]
    )


def compile_pack(conditions: Sequence[x.Node], code: bytes | None = None) -> PackFn:
    """Compile a pack's conditions into one function returning every outcome in order.

    `code` is `pack_code` of the function compiled from the same conditions (the pack
    cache keeps it), which spares generating and compiling it again; code another Python
    version compiled is not used (its bytecode differs).
    """
    if not conditions:
        return _no_rules
    namespace: dict[str, object] = {
        "__builtins__": {},
        "_isfinite": math.isfinite,
        "min": min,
        "max": max,
        "abs": abs,
    }
    # The source is built from our own syntax tree, never from rule text (see above).
    if code is not None and code.startswith(MAGIC_NUMBER):
        module = marshal.loads(code[len(MAGIC_NUMBER) :])
    else:
        module = compile(generate(conditions), "<gapdiag pack>", "exec")
    exec(module, namespace)
    function: PackFn = namespace["evaluate"]  # type: ignore[assignment]
    function.__gapdiag_module__ = module  # type: ignore[attr-defined]
    return function


def pack_code(function: PackFn) -> bytes | None:
    """The compiled module behind a `compile_pack` function, marshalled after this Python's
    bytecode magic number (None for a pack without rules)."""
    module = getattr(function, "__gapdiag_module__", None)
    return MAGIC_NUMBER + marshal.dumps(module) if module is not None else None


def _no_rules(facts: Facts) -> tuple[bool | None, ...]:
    return ()
