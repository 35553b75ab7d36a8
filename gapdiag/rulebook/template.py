"""Because-texts: templates whose ``{placeholders}`` show a rep's observed values and thresholds.

A placeholder holds a name or a small arithmetic expression of the condition language,
optionally followed by a format: ``{pipeline.win_rate}``, ``{0.5 * target.calls_per_day}``,
``{derived.coverage:x}``. ``:unit`` shows a single name's value with its unit from the
label registry (``{territory.manager_coaching_hours_per_week:unit}`` reads "1 hour a
week"). Without a format, a single name is shown by its kind (fractions as percentages,
money with a currency sign) and an expression as a plain number.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gapdiag.model import _kinds as k
from gapdiag.model.errors import ExpressionError
from gapdiag.model.labels import noun_forms, show, slot_number
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Facts, number

FORMATS = ("pct", "money", "x", "num", "int", "unit")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_ONLY = re.compile(r"(?:^|(?<=\W))[Oo]nly $")  # 'only ' just before a placeholder
_ZERO = re.compile(r"-?\$?0(?:\.0+)?(?:%|x)?(?: |$)")  # '0', '0%', '$0', '0.0x', '0 calls'


def format_value(value: float | bool | None, fmt: str) -> str:
    """Render one value in a named format (see FORMATS); None renders as 'unknown'."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _FORMATTERS[fmt](value)


def _trim(value: float, places: int) -> str:
    text = format(value, _SPECS[places])
    return text.rstrip("0").rstrip(".") if "." in text else text


_SPECS = {places: f",.{places}f" for places in (1, 2)}
"""The format specs `_trim` is called with."""


def _money(value: float) -> str:
    return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"


_FORMATTERS: dict[str, Callable[[float], str]] = {
    "pct": lambda v: f"{_trim(v * 100, 1)}%",
    "money": _money,
    "x": lambda v: f"{v:.1f}x",
    "int": lambda v: f"{v:,.0f}",
    "num": lambda v: _trim(v, 2),
    "unit": lambda v: _trim(v, 2),  # placeholders use the label registry instead
}


def format_for(kind: k.Kind) -> str:
    """The default display format of a kind of value."""
    if kind.name in {"fraction", "share"}:
        return "pct"
    if kind.name == "money":
        return "money"
    if kind.name == "multiple":
        return "x"
    return "num"


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A compiled ``{...}`` slot: its text, its format, and how it shows the value."""

    text: str
    fmt: str
    show: Callable[[Facts], str]
    node: x.Node | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle the parsed slot; unpickling builds `show` again (closures do not pickle)."""
        return _slot, (self.text, self.fmt, self.node)


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed because-text: literal pieces and placeholders, in order."""

    source: str
    parts: tuple[str | Placeholder, ...]
    _pattern: str = field(init=False, repr=False, compare=False)
    _slots: tuple[Placeholder, ...] = field(init=False, repr=False, compare=False)
    _only: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _nouns: dict[int, tuple[str, str]] = field(init=False, repr=False, compare=False)
    reads: tuple[str, ...] = field(init=False, repr=False, compare=False)
    """Every name the placeholders read, in order of first appearance."""

    def __post_init__(self) -> None:
        pattern = "".join(
            p.replace("{", "{{").replace("}", "}}") if isinstance(p, str) else "{}"
            for p in self.parts
        )
        object.__setattr__(self, "_pattern", pattern)
        object.__setattr__(self, "_slots", tuple(p for p in self.parts if not isinstance(p, str)))
        only, nouns, slot = [], {}, 0
        for at, part in enumerate(self.parts):
            if isinstance(part, str):
                continue
            before = self.parts[at - 1] if at else None
            if isinstance(before, str) and _ONLY.search(before):
                only.append(slot)
            after = self.parts[at + 1] if at + 1 < len(self.parts) else None
            forms = _noun_after(part, after)
            if forms is not None:
                nouns[slot] = forms
            slot += 1
        object.__setattr__(self, "_only", tuple(only))
        object.__setattr__(self, "_nouns", nouns)
        found = [n for p in self._slots if p.node is not None for n in x.names_in(p.node)]
        object.__setattr__(self, "reads", tuple(dict.fromkeys(found)))

    def render(self, facts: Facts) -> str:
        """Fill the placeholders with one rep's values: 'only 0%' reads '0%' (nothing is
        'only' none) and '1 meetings a week' reads '1 meeting a week'."""
        shown = [p.show(facts) for p in self._slots]
        if self._only and any(_ZERO.match(shown[i]) for i in self._only):
            return self._worded(shown)
        if self._nouns and "1" in [shown[i] for i in self._nouns]:
            return self._worded(shown)
        return self._pattern.format(*shown)

    def _worded(self, shown: list[str]) -> str:
        out: list[str] = []
        slot, one = 0, None
        for part in self.parts:
            if isinstance(part, str):
                if one is not None:  # the plural just after a '1'
                    plural, singular = one
                    part = part.replace(plural, singular, 1)
                    one = None
                out.append(part)
                continue
            if slot in self._only and _ZERO.match(shown[slot]):
                out[-1] = out[-1][: -len("only ")]
            if shown[slot] == "1":
                one = self._nouns.get(slot)
            out.append(shown[slot])
            slot += 1
        return "".join(out)


def _noun_after(
    slot: Placeholder, after: str | bool | Placeholder | None
) -> tuple[str, str] | None:
    """The unit's plural and singular when the text right after a bare number names it."""
    if slot.fmt != "num" or not isinstance(slot.node, x.Name) or not isinstance(after, str):
        return None
    forms = noun_forms(slot.node.path)
    if forms is not None and after.startswith(f" {forms[0]}"):
        return forms
    return ("times", "time") if after.startswith(" times ") else None


def parse_template(text: str) -> Template:
    """Parse a because-text, checking every placeholder names known values.

    Raises:
        ExpressionError: an unknown name, a bad format, or an unbalanced brace.
    """
    parts: list[str | Placeholder] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(text):
        _literal(text, pos, match.start(), parts)
        parts.append(_placeholder(text, match))
        pos = match.end()
    _literal(text, pos, len(text), parts)
    return Template(text, tuple(parts))


def _literal(text: str, start: int, end: int, parts: list[str | Placeholder]) -> None:
    piece = text[start:end]
    for brace in "{}":
        if brace in piece:
            raise ExpressionError(
                f"unbalanced {brace!r} in the text",
                text=text,
                column=start + piece.index(brace) + 1,
            )
    if piece:
        parts.append(piece)


def _placeholder(text: str, match: re.Match[str]) -> Placeholder:
    body = match.group(1)
    inner, _, fmt = body.partition(":")
    if fmt and fmt.strip() not in FORMATS:
        raise ExpressionError(
            f"unknown format {fmt.strip()!r}; expected one of {', '.join(FORMATS)}",
            text=text,
            column=match.start() + len(inner) + 2,
        )
    try:
        node = _parse_value(inner)
    except ExpressionError as error:
        column = match.start() + 1 + (error.column or 1)
        raise ExpressionError(error.reason, text=text, column=column) from None
    chosen = fmt.strip() or (format_for(node.kind) if isinstance(node, x.Name) else "num")
    if chosen == "unit" and not isinstance(node, x.Name):
        raise ExpressionError(
            "the unit format shows one name, not an expression",
            text=text,
            column=match.start() + 2,
        )
    return _slot(inner.strip(), chosen, node)


def _slot(text: str, fmt: str, node: x.Node | None) -> Placeholder:
    """A placeholder showing `node` in `fmt`."""
    if fmt == "unit" and isinstance(node, x.Name):  # in its unit: '1 hour a week'
        path = node.path
        return Placeholder(text, fmt, lambda facts: show(path, facts.get(path)), node)
    if node is None:
        raise TypeError("a placeholder needs the value it shows")
    return Placeholder(text, fmt, _shower(node, fmt), node)


def _parse_value(inner: str) -> x.Node:
    try:
        return x.parse(inner, want="number")
    except ExpressionError:
        # A true/false metric may be shown too ("certified: {knowledge.certified}").
        node = x.parse(inner, want="bool")
        if not isinstance(node, x.Name):
            raise
        return node


def _shower(node: x.Node, fmt: str) -> Callable[[Facts], str]:
    """One function reading a placeholder's value and formatting it with `format_value`
    (each value formatted once in each format: a population repeats its values)."""
    formatter, said = _FORMATTERS[fmt], _SAID[fmt]
    # a name is read as it is (a flag too: 'certified: {knowledge.certified}'), in place
    path = node.path if isinstance(node, x.Name) else ""
    counted = slot_number(path, fmt) if path else None
    if counted is not None:  # '5 questions a call' as the check beside it says, not 4.96
        return _counted(path, counted)
    reader = None if path else number(node)

    def show(facts: Facts) -> str:  # format_value with the formatter looked up once
        value = facts.get(path) if reader is None else reader(facts)
        if value is None:
            return "unknown"
        if isinstance(value, bool):
            return "yes" if value else "no"
        text = said.get(value)
        if text is None:
            text = formatter(value)
            if value:  # -0.0 reads '-0', 0.0 '0', and they are one key: neither remembered
                if len(said) >= _SAID_SIZE:
                    said.clear()
                said[value] = text
        return text

    return show


def _counted(path: str, number: Callable[[float], str]) -> Callable[[Facts], str]:
    """A slot of one counted, scored or share name: its number as the label registry writes
    it (which remembers the numbers it has said)."""

    def show(facts: Facts) -> str:
        value = facts.get(path)
        if value is None:
            return "unknown"
        if isinstance(value, bool):
            return "yes" if value else "no"
        return number(value)

    return show


_SAID: dict[str, dict[float, str]] = {fmt: {} for fmt in _FORMATTERS}
"""Values already formatted, by format."""
_SAID_SIZE = 4096


def forget() -> None:
    """Forget every value formatted (benchmarks time values seen the first time)."""
    for said in _SAID.values():
        said.clear()
