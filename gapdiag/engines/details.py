"""What explains a Diagnosis, worked out the first time it is read (see ``Deferred``).

`diagnose` settles the standing, the verdicts and the answer at once; most callers read
no more. The rest comes from the same facts on first need: a verdict's evidence (each
rule's because-text and comparisons later still), the rules missing data left open, the
decision tree's walk, the derived figures, counted metrics set aside or thin, and watch
notes. Each holder is one small object per result (no closures), so a list of many
diagnoses holds few objects for the cycle collector to visit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import is_
from typing import Any, NamedTuple

from gapdiag.engines.judgment import Weak, watch_notes
from gapdiag.model.basis import BASES, Thinness, count_of, resting_on
from gapdiag.model.derived import DERIVED
from gapdiag.model.diagnosis import (
    Check,
    Evidence,
    Figure,
    Sample,
    Undetermined,
    Verdict,
)
from gapdiag.model.gaps import Gap
from gapdiag.model.metrics import RepMetrics
from gapdiag.model.standing import NOT_BEHIND, Standing
from gapdiag.rulebook.compiler import Facts, Stated, reading
from gapdiag.rulebook.facts import metric_facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule
from gapdiag.rulebook.walk import Answered, deciding, deciding_said, route, steps, traced

Outcome = bool | None
Fields = dict[str, Any]


class Explanation:
    """The parts of one Diagnosis not worked out yet, and what they are worked out from."""

    __slots__ = (
        "basis",
        "book",
        "facts",
        "leading",
        "outcomes",
        "rep",
        "standing",
        "verdicts",
        "walked",
    )

    def __init__(
        self,
        rep: RepMetrics,
        book: Rulebook,
        facts: Facts,
        outcomes: Sequence[Outcome],
        basis: Thinness,
        judged: tuple[Standing, Sequence[Verdict], Gap | None],
    ) -> None:
        self.rep, self.book, self.facts, self.outcomes, self.basis = (
            rep,
            book,
            facts,
            outcomes,
            basis,
        )
        self.standing, self.verdicts, self.leading = judged
        self.walked: Answered | None = None

    def __call__(self, names: Sequence[str]) -> Fields:
        """The named fields, each part worked out once."""
        found: Fields = {}
        for name in names:
            if name not in found:
                found.update(_PARTS[name](self))
        return found

    def still_open(self) -> Fields:
        """The rules missing data left open.

        An absent metric leaves every comparison that reads it unknown, so the absent inputs
        of an open rule are exactly what would decide it (none absent: a value was
        undefined). Each open rule with its needs is one object a pack keeps (immutable, so
        one serves every rep it describes).
        """
        get, book = self.facts.get, self.book
        memo = book.memo("undetermined")
        found = []
        for rule in compress(book.compiled, map(is_, self.outcomes, repeat(None))):
            wants = rule.needs
            needs: tuple[str, ...]
            if len(wants) == 1:  # half the pack's rules: no list built to pick from one
                needs = wants if get(wants[0]) is None else ()
            else:
                needs = tuple([m for m in wants if get(m) is None])
            item = memo.get(key := (rule.id, needs))
            if item is None:
                item = Undetermined.trusted(
                    {"rule": rule.id, "gap": rule.gap, "certainty": rule.certainty, "needs": needs}
                )
                if len(memo) >= MEMO_SIZE:
                    memo.clear()
                memo[key] = item
            found.append(item)
        return {"undetermined": tuple(found)}

    def missing(self) -> Fields:
        """Every absent metric the rules read."""
        facts = self.facts
        return {"missing": tuple([m for m in self.book.needs if facts.get(m) is None])}

    def samples(self) -> Fields:
        """Counted metrics set aside (too few to read) and thin (too few to confirm)."""
        basis = self.basis
        return {
            "set_aside": _samples(self.rep, basis.set_aside),
            "thin": _samples(self.rep, basis.thin),
        }

    def route(self) -> Answered | None:
        """The decision tree's questions, answers and end, no step built (None without a
        tree), worked out once (compiled evaluator whatever the engine: it is no rule)."""
        tree = self.book.tree
        if tree is None:
            return None
        if self.walked is None:
            self.walked = route(tree, self.facts)
        return self.walked

    def tree(self) -> Fields:
        """Where the decision tree's walk ends."""
        found = self.route()
        leaf, stop = (found.leaf, found.stop) if found is not None else (None, None)
        return {
            "tree_leaf": leaf,
            "tree_stop": stop,
            "tree_agrees": None if leaf is None else leaf.gap == self.leading,
        }

    def path(self) -> Fields:
        """The decision tree's walk, step by step."""
        found, book = self.route(), self.book
        if found is None or book.tree is None:
            return {"tree_path": ()}
        memo = book.memo("steps")
        return {"tree_path": steps(book.tree, found.asked, self.facts, memo, book.memo("checks"))}

    def figures(self) -> tuple[tuple[str, float], ...]:
        """(path, value) of each known derived quantity, in the order ``DERIVED`` lists them."""
        facts = self.facts
        return tuple(
            [(path, value) for path in _DERIVED if isinstance(value := facts.get(path), float)]
        )

    def numbers(self) -> Fields:
        """The known derived quantities, as Figures."""
        return {
            "numbers": tuple(
                [Figure.trusted({"name": path, "value": value}) for path, value in self.figures()]
            )
        }

    def watch(self) -> Fields:
        """For a rep who is not behind: what may put the next period at risk."""
        if self.standing.status not in NOT_BEHIND:
            return {"watch": ()}
        margin = self.facts.get("target.margin.pace")
        pace = margin if isinstance(margin, float) else 0.0
        return {"watch": watch_notes(self.verdicts, self.standing, pace)}


_DERIVED = tuple(f"derived.{name}" for name in DERIVED)

_PARTS: dict[str, Callable[[Explanation], Fields]] = {
    "undetermined": Explanation.still_open,
    "missing": Explanation.missing,
    "set_aside": Explanation.samples,
    "thin": Explanation.samples,
    "watch": Explanation.watch,
    "tree_path": Explanation.path,
    "tree_leaf": Explanation.tree,
    "tree_stop": Explanation.tree,
    "tree_agrees": Explanation.tree,
    "numbers": Explanation.numbers,
}
DEFERRED = tuple(_PARTS)
"""The fields of a Diagnosis worked out on first need."""


class Fired(NamedTuple):
    """A fired rule as an explanation shows it, read without building its Evidence."""

    rule: str
    certainty: float
    intervention: str | None
    thin: tuple[str, ...]
    proxies: tuple[str, ...]
    against: bool
    key: tuple[object, ...]
    """What its Evidence depends on, no more (the pack's evidence memo's key)."""
    compiled: CompiledRule


_new_fired = tuple.__new__
"""Builds a `Fired` from its fields in C (a NamedTuple's own `__new__` is Python code)."""


class FiredRules:
    """A verdict's evidence not listed yet: the rules that fired on its gap, in pack order."""

    __slots__ = ("facts", "fired", "listed", "memo", "texts", "weak")

    def __init__(
        self,
        fired: Sequence[CompiledRule],
        facts: Facts,
        weak: Weak,
        memo: Memos | None = None,
    ) -> None:
        self.fired, self.facts, self.weak, self.memo = fired, facts, weak, memo
        self.texts: dict[str, str] | None = None
        self.listed: tuple[tuple[Fired, ...], tuple[Fired, ...]] | None = None

    def sketches(self) -> tuple[tuple[Fired, ...], tuple[Fired, ...]]:
        """The evidence and the counter-evidence, as `__call__` lists them, each rule as an
        explanation reads it (no Evidence object is built)."""
        if self.listed is None:
            facts, weak = self.facts, self.weak
            measured = not (weak.thin or weak.proxies)  # the common case: nothing weak
            sides: tuple[list[Fired], list[Fired]] = ([], [])
            for rule in self.fired:
                against = rule.certainty <= 0
                thin, proxies = ((), ()) if measured else _weakness(rule, weak)
                name = rule.id
                key = (name, thin, proxies, reading(facts, rule.reads))
                fields = (name, rule.certainty, rule.rule.intervention, thin, proxies, against)
                sides[against].append(_new_fired(Fired, (*fields, key, rule)))
            self.listed = (tuple(sides[0]), tuple(sides[1]))
        return self.listed

    def worked(self, item: Fired) -> tuple[str, list[Stated]]:
        """A fired rule's because-text and the comparisons that decided it, as an
        explanation says them (no Check object is built)."""
        rule, facts = item.compiled, self.facts
        because = self.texts.get(item.rule) if self.texts is not None else None
        if because is None:
            because = because_of(rule, facts, self.memo[2] if self.memo is not None else None)
        return because, deciding_said(rule.atoms, rule.condition, rule.decided, facts)

    def because_texts(self) -> list[tuple[str, str]]:
        """(rule id, because-text) of the evidence (supporting rules, in `__call__`'s order),
        without listing it: what watch notes read. The texts are rendered once, and the
        evidence listed later carries them."""
        if self.texts is None:
            facts, memo = self.facts, self.memo[2] if self.memo is not None else None
            self.texts = {r.id: because_of(r, facts, memo) for r in self.fired if r.certainty > 0}
        return list(self.texts.items())

    def rule_ids(self) -> list[str]:
        """Ids of the evidence's rules, then the counter-evidence's, as `__call__` lists them."""
        fired = self.fired
        return [r.id for r in fired if r.certainty > 0] + [r.id for r in fired if r.certainty <= 0]

    def __call__(self, _: Sequence[str]) -> Fields:
        """The verdict's evidence and counter-evidence."""
        support: list[Evidence] = []
        against: list[Evidence] = []
        for rule in self.fired:
            (support if rule.certainty > 0 else against).append(
                evidence(rule, self.facts, self.weak, self.memo)
            )
        if self.texts is not None:  # rendered for watch notes already: not again
            for item in support:
                item.__dict__.setdefault("because", self.texts[item.rule])
        return {"evidence": tuple(support), "counter_evidence": tuple(against)}


Memos = tuple[dict[Any, Any], ...]
"""A pack's memos of fired rules' evidence, traced comparisons and because-texts, in this
order (``Rulebook.memos("evidence", "checks", "because")``)."""


def because_of(rule: CompiledRule, facts: Facts, memo: dict[Any, str] | None) -> str:
    """A fired rule's because-text on `facts`; with `memo` (the pack's), rendered once per
    set of values its placeholders read."""
    template = rule.because
    if memo is None:
        return template.render(facts)
    key = (rule.id, reading(facts, template.reads))
    text = memo.get(key)
    if text is None:
        text = template.render(facts)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = text
    return text


class _Because:
    """A fired rule's because-text and comparisons, not worked out yet."""

    __slots__ = ("facts", "memo", "rule", "texts")

    def __init__(
        self,
        rule: CompiledRule,
        facts: Facts,
        memo: dict[Any, Check] | None = None,
        texts: dict[Any, str] | None = None,
    ) -> None:
        self.rule, self.facts, self.memo, self.texts = rule, facts, memo, texts

    def __call__(self, names: Sequence[str]) -> Fields:
        rule, facts = self.rule, self.facts
        out: Fields = {}
        if "because" in names:
            out["because"] = because_of(rule, facts, self.texts)
        if "checks" in names:  # a goal or a drill reads the comparisons, not the text
            checks = traced(rule.atoms, facts, self.memo)
            out["checks"] = deciding(rule.condition, checks, rule.decided)
        return out


def evidence(
    rule: CompiledRule,
    facts: Facts,
    weak: Weak,
    memo: Memos | None = None,
) -> Evidence:
    """A fired rule's evidence; its because-text and comparisons are filled in when read.

    Evidence depends on the facts the rule reads and on which of its inputs are weak, no
    more: with `memo` (the pack's evidence and traced comparisons), reps alike in those
    share one object, whose text and comparisons are then worked out once.
    """
    thin, proxies = _weakness(rule, weak)
    known, checks, texts = memo if memo is not None else (None, None, None)
    key = (rule.id, thin, proxies, reading(facts, rule.reads)) if known is not None else None
    found = known.get(key) if known is not None else None
    if found is None:
        found = Evidence.deferred(
            {
                "rule": rule.id,
                "certainty": rule.certainty,
                "intervention": rule.rule.intervention,
                "thin": thin,
                "proxies": proxies,
            },
            _Because(rule, facts, checks, texts),
        )
        if known is not None:
            if len(known) >= MEMO_SIZE:
                known.clear()
            known[key] = found
    return found


def _weakness(rule: CompiledRule, weak: Weak) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rule's inputs that are thin, and those that are proxies."""
    thin = resting_on(rule.needs, weak.thin) if weak.thin else ()
    return thin, resting_on(rule.needs, weak.proxies) if weak.proxies else ()


def _samples(rep: RepMetrics, paths: Sequence[str]) -> tuple[Sample, ...]:
    if not paths:
        return ()
    given = metric_facts(rep)
    out = []
    for path in paths:
        of = BASES[path]
        value, count = given[path], count_of(given, of)
        assert isinstance(value, float | bool)
        assert isinstance(count, float)
        out.append(
            Sample.trusted(
                {
                    "metric": path,
                    "value": value,
                    "count_metric": of.count,
                    "count": count,
                    "minimum": of.too_few,
                    "solid": of.solid,
                }
            )
        )
    return tuple(out)


MEMO_SIZE = 4096
"""Open rules, each with the metrics it needs, a pack keeps one object of (per process)."""
