"""The condition language: a small, safe grammar parsed into a typed syntax tree.

Rule text is never handed to ``eval``: it is tokenized and parsed here, every name is
resolved against the known metrics, targets and derived quantities, and every node is
type-checked (numbers vs. true/false) before anything runs.

Grammar (lowest precedence first)::

    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)*
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | NAME | FUNC "(" or ("," or)* ")" | "(" or ")"
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from gapdiag.model import _kinds as k
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.derived import DERIVED
from gapdiag.model.errors import ExpressionError
from gapdiag.model.limits import Limits, limits
from gapdiag.model.metrics import MARGINS, METRICS, TARGETS
from gapdiag.model.team import TEAM_NAMES
from gapdiag.model.wording import counted

Type = Literal["number", "bool"]

FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
}
"""Whitelisted functions and their (fewest, most) arguments."""

COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
KEYWORDS = frozenset({"and", "or", "not"})


@dataclass(frozen=True, slots=True)
class Node:
    """A node of the syntax tree: its type and where it stands in the source text."""

    start: int
    end: int

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the class and its fields: unpickling calls the generated ``__init__``,
        several times faster than the ``__setstate__`` of a slotted dataclass (the default
        pack's disk cache holds about a thousand nodes)."""
        return type(self), tuple(getattr(self, name) for name in self.__match_args__)


@dataclass(frozen=True, slots=True)
class Num(Node):
    """A number literal."""

    value: float


@dataclass(frozen=True, slots=True)
class Name(Node):
    """A metric, target or derived path, with the kind of value it holds."""

    path: str
    kind: k.Kind


@dataclass(frozen=True, slots=True)
class Neg(Node):
    """Arithmetic negation."""

    operand: Node


@dataclass(frozen=True, slots=True)
class BinOp(Node):
    """Arithmetic: + - * /."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Call(Node):
    """A call of a whitelisted function."""

    func: str
    args: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Compare(Node):
    """One comparison `left op right` (a chain is parsed into several joined by And)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class And(Node):
    """Kleene conjunction."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or(Node):
    """Kleene disjunction."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not(Node):
    """Kleene negation."""

    operand: Node


def type_of(node: Node) -> Type:
    """Tell whether a node yields a number or true/false/unknown."""
    if isinstance(node, Compare | And | Or | Not):
        return "bool"
    if isinstance(node, Name) and node.kind.is_bool:
        return "bool"
    return "number"


@cache
def known_names() -> Mapping[str, k.Kind]:
    """Every name a condition may read: metrics, ``target.*``, ``derived.*`` and ``team.*``."""
    names: dict[str, k.Kind] = dict(METRICS)
    names.update({f"target.{n}": kind for n, kind in TARGETS.items()})
    names.update({f"target.{n}": kind for n, kind in MARGINS.items()})
    names.update({f"derived.{n}": kind for n, kind in DERIVED.items()})
    names.update(TEAM_NAMES)
    return names


_TOKEN = re.compile(
    r"""(?P<space>\s+)
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
      | (?P<op><=|>=|==|!=|<|>|\+|-|\*|/|\(|\)|,)
    """,
    re.VERBOSE | re.ASCII,  # \d is 0-9 only: a digit of another script is no number
)
_MISTAKES = {"=": "'=='", "&&": "'and'", "&": "'and'", "||": "'or'", "|": "'or'", "!": "'not'"}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token and its offset in the text."""

    kind: str
    text: str
    start: int


def tokenize(text: str) -> list[Token]:
    """Split condition text into tokens, or raise ExpressionError at the first bad character."""
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            bad = text[pos : pos + 2] if text[pos : pos + 2] in _MISTAKES else text[pos]
            hint = f" (did you mean {_MISTAKES[bad]}?)" if bad in _MISTAKES else ""
            if bad.isdigit():
                hint = " (only the digits 0-9 are numbers)"
            raise ExpressionError(f"unexpected character {bad!r}{hint}", text=text, column=pos + 1)
        kind = match.lastgroup or ""
        if kind != "space":
            word = match.group()
            tokens.append(Token("kw" if word in KEYWORDS else kind, word, pos))
        pos = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


def parse(text: str, *, want: Type = "bool", names: Mapping[str, k.Kind] | None = None) -> Node:
    """Parse and type-check `text`; `want` is the type the whole expression must have.

    Raises:
        ExpressionError: naming the column and what was expected there.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("empty expression", text=str(text), column=1)
    bound = limits()
    if len(text) > bound.expr_length:
        raise ExpressionError(
            f"{len(text):,} characters is too long ({bound.hint('expr_length')})",
            text=text[: bound.expr_length],
            column=None,
        )
    parser = _Parser(text, names if names is not None else known_names(), bound)
    try:
        node = parser.parse_or()
        parser.expect_end()
    except RecursionError:
        raise ExpressionError(
            f"nested too deeply to read ({bound.hint('expr_depth')})", text=text, column=None
        ) from None
    except ExpressionError as error:  # the unknown names before it are errors too
        raise ExpressionError.together([*parser.unknown, error]) from None
    if parser.unknown:
        raise ExpressionError.together(parser.unknown)
    if depth(node) > bound.expr_depth:
        raise ExpressionError(
            f"nested more than {bound.expr_depth} deep ({bound.hint('expr_depth')})",
            text=text,
            column=None,
        )
    _require(node, want, text)
    return node


def depth(node: Node) -> int:
    """How deep a syntax tree nests (a chain `a + b + c` is as deep as it is long)."""
    deepest = 0
    stack = [(node, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children(item))
    return deepest


def _require(node: Node, want: Type, text: str) -> None:
    got = type_of(node)
    if got != want:
        what = "a condition (true/false)" if want == "bool" else "a number"
        raise ExpressionError(
            f"{text[node.start : node.end]!r} is {_describe(got)}, expected {what}",
            text=text,
            column=node.start + 1,
        )


def _describe(t: Type) -> str:
    return "a number" if t == "number" else "a condition"


_PartParser = Callable[[], Node]


class _Parser:
    def __init__(self, text: str, names: Mapping[str, k.Kind], bound: Limits) -> None:
        self.text = text
        self.names = names
        self.tokens = tokenize(text)
        self.index = 0
        self.bound = bound
        self.nesting = 0
        self.unknown: list[ExpressionError] = []
        """Names no metric, target or derived quantity has: parsing goes on to find more."""
        terms = sum(t.kind in ("number", "name") for t in self.tokens)
        if terms > bound.expr_terms:
            raise ExpressionError(
                f"{terms:,} numbers and metrics is too many ({bound.hint('expr_terms')})",
                text=text,
                column=None,
            )

    def nest(self, token: Token) -> None:
        """Go one level deeper (parenthesis, not, minus, call), refusing past the limit."""
        self.nesting += 1
        if self.nesting > self.bound.expr_depth:
            raise self.fail(
                f"nested more than {self.bound.expr_depth} deep ({self.bound.hint('expr_depth')})",
                token,
            )

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def require(self, node: Node, want: Type) -> None:
        """Type-check `node`, unless an unknown name was met (its type is not known)."""
        if not self.unknown:
            _require(node, want, self.text)

    def fail(self, message: str, token: Token | None = None) -> ExpressionError:
        at = token or self.token
        return ExpressionError(message, text=self.text, column=at.start + 1)

    def expect_end(self) -> None:
        if self.token.kind != "end":
            raise self.fail(f"unexpected {self.token.text!r}, expected an operator or the end")

    def parse_or(self) -> Node:
        return self._joined("or", self.parse_and, Or)

    def parse_and(self) -> Node:
        return self._joined("and", self.parse_not, And)

    def _joined(self, word: str, part: _PartParser, make: type[And | Or]) -> Node:
        items = [part()]
        while self.token.kind == "kw" and self.token.text == word:
            self.advance()
            items.append(part())
        if len(items) == 1:
            return items[0]
        for item in items:
            self.require(item, "bool")
        return make(items[0].start, items[-1].end, tuple(items))

    def parse_not(self) -> Node:
        if self.token.kind == "kw" and self.token.text == "not":
            token = self.advance()
            self.nest(token)
            operand = self.parse_not()
            self.nesting -= 1
            self.require(operand, "bool")
            return Not(token.start, operand.end, operand)
        return self.parse_compare()

    def parse_compare(self) -> Node:
        operands = [self.parse_sum()]
        ops: list[str] = []
        while self.token.kind == "op" and self.token.text in COMPARISONS:
            ops.append(self.advance().text)
            operands.append(self.parse_sum())
        if not ops:
            return operands[0]
        for operand in operands:
            self.require(operand, "number")
        pairs = tuple(
            Compare(left.start, right.end, op, left, right)
            for op, left, right in zip(ops, operands, operands[1:], strict=False)
        )
        return pairs[0] if len(pairs) == 1 else And(pairs[0].start, pairs[-1].end, pairs)

    def parse_sum(self) -> Node:
        return self._arith(("+", "-"), self.parse_product)

    def parse_product(self) -> Node:
        return self._arith(("*", "/"), self.parse_unary)

    def _arith(self, ops: tuple[str, ...], part: _PartParser) -> Node:
        left = part()
        while self.token.kind == "op" and self.token.text in ops:
            op = self.advance().text
            right = part()
            for side in (left, right):
                self.require(side, "number")
            left = BinOp(left.start, right.end, op, left, right)
        return left

    def parse_unary(self) -> Node:
        if self.token.kind == "op" and self.token.text == "-":
            token = self.advance()
            start = token.start
            self.nest(token)
            operand = self.parse_unary()
            self.nesting -= 1
            self.require(operand, "number")
            if isinstance(operand, Num):
                return Num(start, operand.end, -operand.value)
            return Neg(start, operand.end, operand)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.advance()
        if token.kind == "number":
            value = float(token.text)
            if not math.isfinite(value):
                raise self.fail(f"number {token.text} is too large", token)
            return Num(token.start, token.start + len(token.text), value)
        if token.kind == "name":
            if self.token.kind == "op" and self.token.text == "(":
                return self._call(token)
            return self._name(token)
        if token.kind == "op" and token.text == "(":
            self.nest(token)
            inner = self.parse_or()
            self.nesting -= 1
            closing = self.advance()
            if closing.text != ")":
                raise self.fail("expected ')'", closing)
            return _widen(inner, token.start, closing.start + 1)
        found = "end of the expression" if token.kind == "end" else repr(token.text)
        raise self.fail(f"unexpected {found}, expected a number, a metric or '('", token)

    def _name(self, token: Token) -> Node:
        kind = self.names.get(token.text)
        if kind is None:
            what = "unknown function" if token.text in FUNCTIONS else "unknown metric"
            hint = did_you_mean(token.text, self.names)
            self.unknown.append(self.fail(f"{what} {token.text!r}{hint}", token))
            return Num(token.start, token.start + len(token.text), math.nan)  # parsing goes on
        return Name(token.start, token.start + len(token.text), token.text, kind)

    def _call(self, token: Token) -> Node:
        if token.text not in FUNCTIONS:
            hint = did_you_mean(token.text, FUNCTIONS)
            raise self.fail(f"unknown function {token.text!r}{hint}; allowed: min, max, abs", token)
        self.nest(self.advance())  # the opening parenthesis
        args = [self.parse_or()]
        while self.token.text == ",":
            self.advance()
            args.append(self.parse_or())
        self.nesting -= 1
        closing = self.advance()
        if closing.text != ")":
            raise self.fail("expected ',' or ')' in the function call", closing)
        fewest, most = FUNCTIONS[token.text]
        if len(args) < fewest or (most is not None and len(args) > most):
            count = counted(fewest, "argument")
            count = count if fewest == most else f"at least {count}"
            raise self.fail(f"{token.text}() takes {count}, got {len(args)}", token)
        for arg in args:
            self.require(arg, "number")
        return Call(token.start, closing.start + 1, token.text, tuple(args))


def _widen(node: Node, start: int, end: int) -> Node:
    """Give a parenthesized node the span of its parentheses (for error columns and traces)."""
    fields = {f: getattr(node, f) for f in node.__dataclass_fields__}
    fields.update(start=start, end=end)
    return type(node)(**fields)


def names_in(node: Node) -> tuple[str, ...]:
    """Every name a node reads, in order of first appearance."""
    seen: dict[str, None] = {}
    _collect(node, seen)
    return tuple(seen)


def _collect(node: Node, seen: dict[str, None]) -> None:
    if isinstance(node, Name):
        seen.setdefault(node.path)
    for child in children(node):
        _collect(child, seen)


def children(node: Node) -> tuple[Node, ...]:
    """The direct sub-nodes of a node."""
    if isinstance(node, Neg | Not):
        return (node.operand,)
    if isinstance(node, BinOp | Compare):
        return (node.left, node.right)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, And | Or):
        return node.items
    return ()


def source(text: str, node: Node) -> str:
    """The source text a node was parsed from."""
    return text[node.start : node.end]
