"""The durable-rules backend: the same compiled rules, matched by durable-rules' Rete engine.

Each gapdiag rule becomes two durable rules, one for "the condition is true" and one for
"the condition is false", both in negation normal form, so durable-rules itself decides
true / false / unknown: a comparison over an absent field matches neither side. Quirks
of durable-rules 2.0.28, each measured here, and what this module does about them:

- ``post`` lets only the first matching rule fire: facts are asserted, then retracted.
- No match raises MessageNotHandledException; an identical fact raises
  MessageObservedException: every fact gets a fresh ``id`` in one fixed ``sid`` (a new sid
  per call would hit its 1024-session cap, and ``delete_state`` can crash the process).
- The default Host runs dispatcher threads that steal matches: a Host with no dispatcher.
- Concurrent calls lose matches: one lock serializes every call into the engine.
- A comparison whose right-hand field is absent can match anyway, depending on key order:
  every field a comparison reads is guarded with ``$ex``.
- Compound arithmetic is not supported: any side that is not a plain field or a number
  is computed first (by the compiled evaluator) into a field of its own.
- An ``or`` whose branches are both true fires once per branch: matches go into a set.
- More than 64 matches for one fact fail, and a ruleset of 512+ internal rules hangs:
  a pack is split into rulesets that stay within both limits.
- Floats written as ``1e-05`` (no decimal point) are rejected: numbers are written with
  an explicit mantissa (``1.0e-05``), which keeps their exact value.
- Rulesets register globally by name and are never freed: each pack is named by its
  content hash, and the least recently used packs are dropped.
- It does not import on Python 3.13: BackendUnavailable says so.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
import types
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from gapdiag.model.errors import BackendUnavailable, GapdiagError
from gapdiag.rulebook import compiler
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule

try:  # durable-rules is optional: it does not build on Python 3.13
    import durable_rules_engine
    from durable import engine as _engine
except ImportError as error:  # pragma: no cover - exercised on Python 3.13
    _IMPORT_ERROR: ImportError | None = error
else:
    _IMPORT_ERROR = None

MAX_MATCHES = 60
"""Matches one fact may produce in one ruleset (durable-rules fails above 64)."""
MAX_RULES = 500
"""Internal rules per ruleset, counting each or-branch (durable-rules hangs from 512)."""
MAX_FIELDS = 240
"""Fields per fact (durable-rules fails above 252)."""
KEEP_PACKS = 16
"""Rule packs kept registered at once; older ones are dropped to free memory."""

_SID = "gapdiag"
_LOCK = threading.Lock()
_IDS = itertools.count()
_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}


def evaluate(book: Rulebook, facts: Facts) -> tuple[bool | None, ...]:
    """Each rule's outcome on one rep's facts, decided by durable-rules, in pack order."""
    host = _host()
    with _LOCK:
        compiled = _registered(host, book)
        outcomes: list[bool | None] = [None] * len(book.compiled)
        for chunk in compiled.chunks:
            for index, value in _run_chunk(host, chunk, facts):
                if outcomes[index] is not None and outcomes[index] != value:
                    raise GapdiagError(f"durable-rules matched both sides of rule {index}")
                outcomes[index] = value
    return tuple(outcomes)


def _run_chunk(host: Any, chunk: _Chunk, facts: Facts) -> Iterator[tuple[int, bool]]:
    fact: dict[str, Any] = {"sid": _SID, "id": next(_IDS)}
    for name, path in chunk.fields:
        value = facts.get(path)
        if value is not None:
            fact[name] = value
    for name, compute in chunk.computed:
        value = compute(facts)
        if value is not None:
            fact[name] = value
    chunk.fired.clear()
    try:
        state = host.assert_fact(chunk.name, fact)
    except _engine.MessageNotHandledException:
        return iter(())
    except durable_rules_engine.error as error:
        raise GapdiagError(f"durable-rules failed on ruleset {chunk.name}: {error}") from None
    host.retract_fact(chunk.name, fact)
    if isinstance(state, dict) and "exception" in state:
        raise GapdiagError(f"durable-rules action failed: {state['exception']}")
    return iter(sorted(chunk.fired))


# --- the host, its registry of packs, and exact number formatting ---------------------------


def _host() -> Any:
    if _IMPORT_ERROR is not None:
        raise BackendUnavailable(
            "the durable engine needs durable-rules, which is not installed here "
            f"({_IMPORT_ERROR}); it builds only on Python < 3.13. The compiled engine (the"
            " default) gives the same answers."
        )
    global _HOST
    if _HOST is None:

        class SyncHost(_engine.Host):  # type: ignore[misc]
            """A Host without dispatcher threads: actions run inside assert_fact, here."""

            def _run(self) -> None:
                pass

        _install_exact_json()
        _HOST = SyncHost()
    return _HOST


_HOST: Any = None
_PACKS: OrderedDict[str, _Compiled] = OrderedDict()


def _install_exact_json() -> None:
    """Make durable-rules write floats with a decimal point, which its parser requires."""
    if getattr(_engine.json, "__gapdiag__", False):
        return
    _engine.json = types.SimpleNamespace(dumps=_dumps, loads=json.loads, __gapdiag__=True)


# A JSON string (skipped whole, so nothing inside one is touched) or a number written with
# an exponent but no decimal point, which durable-rules' parser rejects.
_BARE_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])(-?\d+)([eE][-+]?\d+)')


def _dumps(obj: Any, **options: Any) -> str:
    """json.dumps whose numbers always carry a decimal point (``1e-05`` -> ``1.0e-05``)."""
    text = json.dumps(obj, **options)
    # Python writes every exponent with a sign; most documents (durable's states) have none.
    if "e-" not in text and "e+" not in text:
        return text
    return _BARE_EXPONENT.sub(_with_point, text)


def _with_point(match: re.Match[str]) -> str:
    return match.group(0) if match.group(1) is None else f"{match.group(1)}.0{match.group(2)}"


def _registered(host: Any, book: Rulebook) -> _Compiled:
    compiled = _PACKS.get(book.content_hash)
    if compiled is not None:
        _PACKS.move_to_end(book.content_hash)
        return compiled
    compiled = _compile(book)
    for chunk in compiled.chunks:
        host.register_rulesets({chunk.name: chunk.definition})
    _PACKS[book.content_hash] = compiled
    while len(_PACKS) > KEEP_PACKS:
        _drop(host, _PACKS.popitem(last=False)[1])
    return compiled


def _drop(host: Any, compiled: _Compiled) -> None:
    # durable-rules has no public way to unregister a ruleset; this mirrors what
    # registration did, in reverse, and frees the engine's memory for it.
    for chunk in compiled.chunks:
        ruleset = host._ruleset_directory.pop(chunk.name)
        host._ruleset_list.remove(ruleset)
        durable_rules_engine.delete_ruleset(ruleset._handle)


# --- translating compiled rules into durable-rules definitions -------------------------------


@dataclass(frozen=True, slots=True)
class _Chunk:
    name: str
    definition: dict[str, Any]
    fields: tuple[tuple[str, str], ...]
    computed: tuple[tuple[str, Callable[[Facts], float | None]], ...]
    fired: set[tuple[int, bool]]


@dataclass(frozen=True, slots=True)
class _Compiled:
    chunks: tuple[_Chunk, ...]


class _Side:
    """Collects the fact fields one ruleset reads: plain metrics and computed values."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.computed: dict[str, Callable[[Facts], float | None]] = {}
        self.by_text: dict[str, str] = {}

    def field(self, node: x.Node, text: str) -> str:
        if isinstance(node, x.Name):
            name = node.path.replace(".", "__")
            self.fields[name] = node.path
            return name
        source = x.source(text, node)
        if source not in self.by_text:
            name = f"computed_{len(self.by_text)}"
            self.by_text[source] = name
            self.computed[name] = compiler.number(node)
        return self.by_text[source]


def _compile(book: Rulebook) -> _Compiled:
    """Split the pack into rulesets within durable-rules' limits, and translate each."""
    chunks: list[_Chunk] = []
    pending: list[tuple[int, CompiledRule]] = []
    matches = rules = 0
    plain: set[str] = set()
    computed: set[str] = set()
    for index, rule in enumerate(book.compiled):
        most, total = _weight(rule.condition)
        if most > MAX_MATCHES or total > MAX_RULES:
            raise BackendUnavailable(
                f"rule {rule.id} has {most} alternative matches ({total} branches); "
                f"durable-rules handles at most {MAX_MATCHES} per fact and {MAX_RULES} per "
                "ruleset: simplify its or-conditions or use engine='compiled'"
            )
        own = _Side()
        _translate(rule, own)
        fields = len(plain | own.fields.keys()) + len(computed | own.by_text.keys())
        if pending and (
            matches + most > MAX_MATCHES or rules + total > MAX_RULES or fields > MAX_FIELDS
        ):
            chunks.append(_chunk(book, len(chunks), pending))
            pending, matches, rules, plain, computed = [], 0, 0, set(), set()
        pending.append((index, rule))
        matches, rules = matches + most, rules + total
        plain |= own.fields.keys()
        computed |= own.by_text.keys()
    chunks.append(_chunk(book, len(chunks), pending))
    return _Compiled(tuple(chunks))


def _chunk(book: Rulebook, number: int, rules: list[tuple[int, CompiledRule]]) -> _Chunk:
    side = _Side()
    fired: set[tuple[int, bool]] = set()
    definition: dict[str, Any] = {}
    for index, rule in rules:
        for value in (True, False):
            condition = _condition(rule.condition, rule.rule.when, side, negate=not value)
            definition[f"r{index}_{'t' if value else 'f'}"] = {
                "all": [{"m": condition}],
                "run": _collector(fired, index, value),
            }
    return _Chunk(
        name=f"gapdiag_{book.content_hash}_{number}",
        definition=definition,
        fields=tuple(side.fields.items()),
        computed=tuple(side.computed.items()),
        fired=fired,
    )


def _translate(rule: CompiledRule, side: _Side) -> None:
    for value in (True, False):
        _condition(rule.condition, rule.rule.when, side, negate=not value)


def _collector(fired: set[tuple[int, bool]], index: int, value: bool) -> Callable[[Any], None]:
    def action(_context: Any) -> None:
        fired.add((index, value))

    return action


def _condition(node: x.Node, text: str, side: _Side, *, negate: bool) -> dict[str, Any]:
    """The durable-rules condition for `node` (or its negation), in negation normal form."""
    if isinstance(node, x.Not):
        return _condition(node.operand, text, side, negate=not negate)
    if isinstance(node, x.And | x.Or):
        # De Morgan holds in Kleene logic, so pushing negation inward keeps three values.
        joiner = "$and" if isinstance(node, x.And) != negate else "$or"
        return {joiner: [_condition(i, text, side, negate=negate) for i in node.items]}
    if isinstance(node, x.Name):  # a true/false metric
        return {
            "$and": [{"$ex": {side.field(node, text): 1}}, {side.field(node, text): not negate}]
        }
    if isinstance(node, x.Compare):
        return _comparison(node, text, side, negate)
    raise TypeError(f"not a condition node: {node!r}")


def _comparison(node: x.Compare, text: str, side: _Side, negate: bool) -> dict[str, Any]:
    op = compiler.NEGATED[node.op] if negate else node.op
    left, right = node.left, node.right
    if not isinstance(left, x.Name) and isinstance(right, x.Name):
        left, right, op = right, left, compiler.FLIPPED[op]
    field = side.field(left, text)
    guards: list[dict[str, Any]] = [{"$ex": {field: 1}}]
    if isinstance(right, x.Num):
        target: Any = right.value
    else:
        other = side.field(right, text)
        guards.append({"$ex": {other: 1}})
        target = {"$m": other}
    test = {field: target} if op == "==" else {_OPS[op]: {field: target}}
    return {"$and": [*guards, test]}


def _weight(node: x.Node) -> tuple[int, int]:
    """(most matches one fact can produce, internal rules) for a rule's two durable rules."""
    true, false = _alternatives(node, False), _alternatives(node, True)
    return max(true, false), true + false


def _alternatives(node: x.Node, negate: bool) -> int:
    """How many times durable-rules can fire a condition for one fact (each or-branch once)."""
    if isinstance(node, x.Not):
        return _alternatives(node.operand, not negate)
    if isinstance(node, x.And | x.Or):
        counts = [_alternatives(i, negate) for i in node.items]
        return sum(counts) if isinstance(node, x.Or) != negate else math.prod(counts)
    return 1
