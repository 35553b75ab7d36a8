"""Static verification of a rule pack: what is wrong with the rules before any rep is seen.

Four checks, each finding located at the rule's file and line:

- ``unsatisfiable`` (error): no input makes the condition true, so the rule never fires.
- ``out-of-range`` (error): a threshold outside the metric's valid range (a fraction
  compared with 25), which makes the comparison constant.
- ``subsumed`` (warning): whenever the rule fires, another rule of the same gap fires too
  and the rule reads nothing that one does not, so one reading counts twice (or, with
  opposite certainties, is always cancelled). A narrower rule that adds a new signal is
  reported as ``specializes`` (info): that is how certainty factors add evidence.
- ``overlap`` (warning): two positive rules of different gaps that read a common input can
  fire on the same rep; the finding gives the overlap region and a rep on which both fire.

Conditions are read as boxes (see ``_boxes``): exact for comparisons of a metric or derived
quantity with a constant, with and/or/not. A claim that something *can* happen always comes
with a witness rep confirmed by the real evaluator (see ``_witness``); a claim that it
*cannot* comes from the intervals alone. Where neither settles it (arithmetic between
metrics, coupled derived quantities) the finding is ``undecided`` (info), never a guess.
Thresholds written as ``target.*`` are read at the given targets (the defaults unless told).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.checks._boxes import Box, TooComplex, boxes, is_constant, valid_range
from gapdiag.checks._witness import Assignment, find_witness
from gapdiag.model._result import Worded
from gapdiag.model.basis import BASES
from gapdiag.model.errors import RuleFileError
from gapdiag.model.limits import Limits, limits
from gapdiag.model.metrics import METRICS, Targets, parse_targets
from gapdiag.model.rows import flatten
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.compiler import number
from gapdiag.rulebook.facts import target_facts
from gapdiag.rulebook.pack import Rulebook, load_rules
from gapdiag.rulebook.rule import CompiledRule

Severity = Literal["error", "warning", "info"]
Code = Literal[
    "load", "unsatisfiable", "out-of-range", "subsumed", "specializes", "overlap", "undecided"
]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class Finding(Worded, BaseModel):
    """One thing the verifier found, where it is, and the evidence for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    severity: Severity
    code: Code
    message: str
    rule: str | None = None
    file: str | None = None
    line: int | None = None
    other: str | None = None
    region: str | None = None
    witness: dict[str, float | bool] | None = None

    @property
    def location(self) -> str:
        """``file:line`` (or what of it is known)."""
        if self.file is None:
            return "(pack)"
        return f"{self.file}:{self.line}" if self.line is not None else self.file

    def _words(self) -> str:
        return f"{self.severity}: {self.message}"


def check_pack(
    path: str | Path | None = None, *, targets: Targets | None = None
) -> tuple[Finding, ...]:
    """Load a pack and verify it; load problems come back as ``load`` errors, not raised."""
    try:
        book = load_rules(path)
    except RuleFileError as error:
        return tuple(
            Finding(
                severity="error",
                code="load",
                message=f"{p.where}: {p.message}",
                file=str(p.file or error.path),
                line=p.line,
            )
            for p in error.problems
        )
    return verify_pack(book, targets=targets)


def verify_pack(book: Rulebook, *, targets: Targets | None = None) -> tuple[Finding, ...]:
    """Every finding on a loaded pack, ordered by file, line and severity."""
    chosen = parse_targets(targets)
    rules = [_analyse(book, c, chosen) for c in book.compiled]
    found = [f for r in rules for f in r.findings]
    for a, b in combinations(rules, 2):
        found.extend(_pair(a, b, chosen))
    rank = {s: i for i, s in enumerate(SEVERITIES)}
    ordered = sorted(found, key=lambda f: (f.file or "", f.line or 0, rank[f.severity], f.code))
    return _capped(ordered, limits())


def _capped(findings: list[Finding], bound: Limits) -> tuple[Finding, ...]:
    """At most `warnings_per_pack` warnings of each code; the rest summed up in one finding."""
    kept: list[Finding] = []
    over: dict[str, int] = {}
    shown: dict[str, int] = {}
    for finding in findings:
        if finding.severity == "warning":
            shown[finding.code] = shown.get(finding.code, 0) + 1
            if shown[finding.code] > bound.warnings_per_pack:
                over[finding.code] = over.get(finding.code, 0) + 1
                continue
        kept.append(finding)
    for code, count in over.items():
        message = f"{count:,} more {code} warnings not listed ({bound.hint('warnings_per_pack')})"
        kept.append(Finding(severity="warning", code=code, message=message))
    return tuple(kept)


def firing_input(
    book: Rulebook, rule_id: str, *, targets: Targets | None = None
) -> dict[str, float | bool] | None:
    """Raw metrics on which the rule fires, confirmed by evaluation; None if none was found.

    Raises:
        InvalidArgument: no rule has that id.
    """
    book.rule(rule_id)
    compiled = next(c for c in book.compiled if c.id == rule_id)
    return _analyse(book, compiled, parse_targets(targets)).witness


@dataclass(slots=True)
class _Rule:
    """One rule as the verifier sees it: boxes, the live ones, and what it found alone."""

    compiled: CompiledRule
    file: str
    line: int | None
    live: tuple[Box, ...]  # empty: never fires, or too complex to expand
    seeds: tuple[Assignment, ...]
    findings: list[Finding]
    witness: Assignment | None = None

    @property
    def id(self) -> str:
        """The rule's id."""
        return self.compiled.id

    def finding(self, severity: Severity, code: Code, message: str, **extra: object) -> Finding:
        """A finding located at this rule's condition."""
        return Finding.model_validate(
            {
                "severity": severity,
                "code": code,
                "message": message,
                "rule": self.compiled.id,
                "file": self.file,
                "line": self.line,
                **extra,
            }
        )


def _analyse(book: Rulebook, rule: CompiledRule, targets: Targets) -> _Rule:
    origin = book.origin(rule.id)
    seeds = tuple(
        {**_raw(e.given.model_dump()), **(e.team.facts() if e.team else {})}
        for e in rule.rule.examples
        if e.fires is True
    )
    line = origin.when_line if origin else None
    here = _Rule(rule, str(origin.file) if origin else "", line, (), seeds, [])
    here.findings.extend(_out_of_range(here, rule.condition, rule.rule.when, targets))
    condition, text = _gated(rule)
    try:
        every = boxes(condition, text, target_facts(targets))
    except TooComplex as error:
        here.findings.append(here.finding("info", "undecided", f"not analysed: {error}"))
        return here
    here.live = tuple(b for b in every if not b.empty)
    if not here.live:
        why = _never(every)
        if text != rule.rule.when:  # the counts' own floors took part
            why += " (a rate read from fewer observations than that is set aside)"
        here.findings.append(here.finding("error", "unsatisfiable", why))
        return here
    for box in here.live:
        here.witness = find_witness(box, [rule.test], targets, seeds=seeds)
        if here.witness is not None:
            return here
    message = "no input on which it fires was found, and intervals do not rule one out"
    here.findings.append(here.finding("info", "undecided", message))
    return here


def _gated(rule: CompiledRule) -> tuple[x.Node, str]:
    """The rule's condition, and beside each count it reads that is the basis of a rate it
    reads, the count at which the rate stops being set aside ('calls.calls_measured >= 2'):
    under it the rule is left open for too few observations, so it cannot fire there."""
    read = set(x.names_in(rule.condition))
    gates = {
        f"{basis.count} >= {basis.too_few}"
        for path, basis in BASES.items()
        if basis.count in read and path in rule.needs
    }
    if not gates:
        return rule.condition, rule.rule.when
    text = f"({rule.rule.when}) and " + " and ".join(sorted(gates))
    return x.parse(text), text


def _raw(given: dict[str, object]) -> Assignment:
    return {k: v for k, v in flatten(given).items() if k in METRICS and isinstance(v, float | bool)}


def _never(every: Iterable[Box]) -> str:
    reasons = [_why_empty(b) for b in every]
    if not reasons:
        return "can never fire: the condition contradicts itself"
    shown = "; ".join(reasons[:3]) + ("; ..." if len(reasons) > 3 else "")
    return f"can never fire: {shown}"


def _why_empty(box: Box) -> str:
    name = box.empty_names()[0]
    bound = box.bounds[name]
    if bound.empty:
        return f"no value satisfies {bound.render(name)}"
    return f"{bound.render(name)} leaves no valid value ({name} is {_expectation(name)})"


def _expectation(name: str) -> str:
    return x.known_names()[name].expectation


def _out_of_range(rule: _Rule, node: x.Node, text: str, targets: Targets) -> Iterator[Finding]:
    for compare in _compares(node):
        sides = (compare.left, compare.right)
        for name, other in (sides, sides[::-1]):
            if not isinstance(name, x.Name) or not is_constant(other) or is_constant(name):
                continue
            limit = number(other)(target_facts(targets))
            valid = valid_range(name.path)
            if limit is not None and not valid.low <= limit <= valid.high:
                kind = x.known_names()[name.path]
                message = f"threshold in '{x.source(text, compare)}': {kind.problem(limit)}"
                yield rule.finding("error", "out-of-range", message)


def _compares(node: x.Node) -> Iterator[x.Compare]:
    if isinstance(node, x.Compare):
        yield node
    for child in x.children(node):
        yield from _compares(child)


def _pair(a: _Rule, b: _Rule, targets: Targets) -> Iterator[Finding]:
    if not a.live or not b.live:
        return
    if a.compiled.gap == b.compiled.gap:
        yield from _subsumption(a, b)
    elif a.compiled.certainty > 0 and b.compiled.certainty > 0:
        yield from _overlap(a, b, targets)


def _covers(inner: tuple[Box, ...], outer: tuple[Box, ...]) -> bool:
    return all(any(i.within(o) for o in outer) for i in inner)


def _subsumption(a: _Rule, b: _Rule) -> Iterator[Finding]:
    a_in_b, b_in_a = _covers(a.live, b.live), _covers(b.live, a.live)
    if a_in_b and b_in_a:
        yield b.finding(
            "warning", "subsumed", f"fires on exactly the inputs {_ref(a)} fires on", other=a.id
        )
    elif a_in_b or b_in_a:
        inner, outer = (a, b) if a_in_b else (b, a)
        yield _subsumed(inner, outer)


def _subsumed(inner: _Rule, outer: _Rule) -> Finding:
    reads = set(x.names_in(inner.compiled.condition)) - set(x.names_in(outer.compiled.condition))
    same_sign = (inner.compiled.certainty > 0) == (outer.compiled.certainty > 0)
    where = f"whenever it fires, {_ref(outer)} fires too"
    if not same_sign:
        message = f"{where}, with the opposite certainty: its evidence is always offset"
        return inner.finding("warning", "subsumed", message, other=outer.id)
    if not reads:
        message = f"{where}, and it reads nothing that rule does not: one reading counts twice"
        return inner.finding("warning", "subsumed", message, other=outer.id)
    added = ", ".join(sorted(reads))
    message = f"{where}; it adds evidence from {added} on top of that rule"
    return inner.finding("info", "specializes", message, other=outer.id)


def _overlap(a: _Rule, b: _Rule, targets: Targets) -> Iterator[Finding]:
    shared = sorted(set(a.compiled.needs) & set(b.compiled.needs))
    if not shared:  # two readings of different inputs: a rep can have two gaps at once
        return
    met = [m for i in a.live for j in b.live if (m := i.meet(j)) is not None and not m.empty]
    if not met:
        return
    tests = [a.compiled.test, b.compiled.test]
    seeds = [{**s, **t} for s in a.seeds for t in b.seeds]
    for region in met:
        found = find_witness(region, tests, targets, seeds=seeds)
        if found is not None:
            message = (
                f"fires together with {_ref(b)} on {region.render()}: one reading of "
                f"{', '.join(shared)} counts as {a.compiled.gap} and {b.compiled.gap} evidence"
            )
            yield a.finding(
                "warning", "overlap", message, other=b.id, region=region.render(), witness=found
            )
            return
    message = f"may fire together with {_ref(b)}; no shared input was found to prove it"
    yield a.finding("info", "undecided", message, other=b.id)


def _ref(rule: _Rule) -> str:
    where = f"{rule.file}:{rule.line}" if rule.line is not None else rule.file
    return f"{rule.id} ({rule.compiled.gap}, {where})"
