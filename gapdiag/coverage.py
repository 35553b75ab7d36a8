"""Rule coverage: over a pack's examples or a population, which rules never fired.

A rule that no example and no real rep ever fires is either dead weight or untested; the
count per rule also shows which rules carry the diagnosis and which never speak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .facts import build_facts
from .metrics import RepMetrics, Targets, parse_targets
from .rulebook import Rulebook

Case = tuple[str, RepMetrics, Targets | None]
"""One rep to run: a label (rep id or ``rule[index]``), the rep, and its targets (None: default)."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """How often each rule fired over some reps, and which never did."""

    source: str
    reps: int
    fired: tuple[tuple[str, int], ...]

    @property
    def never_fired(self) -> tuple[str, ...]:
        """Ids of rules that fired on none of the reps, in pack order."""
        return tuple(rule for rule, count in self.fired if count == 0)


def example_cases(*books: Rulebook) -> tuple[Case, ...]:
    """Every example rep of the packs, labelled ``rule[index]``, duplicates left out."""
    seen: dict[str, Case] = {}
    for book in books:
        for rule in book.rules:
            for index, example in enumerate(rule.examples):
                key = example.model_dump_json()
                seen.setdefault(key, (f"{rule.id}[{index}]", example.given, example.targets))
    return tuple(seen.values())


def population_cases(reps: Iterable[RepMetrics]) -> tuple[Case, ...]:
    """Reps of a population, labelled by rep id, at the default targets."""
    return tuple((rep.rep_id, rep, None) for rep in reps)


def coverage(book: Rulebook, cases: Iterable[Case], *, source: str) -> Coverage:
    """Count, per rule, the reps it fires on."""
    counts = [0] * len(book.compiled)
    total = 0
    for _, rep, targets in cases:
        total += 1
        facts = build_facts(rep, targets or parse_targets(None))
        for index, outcome in enumerate(book.evaluate(facts)):
            counts[index] += outcome is True
    ids = (rule.id for rule in book.compiled)
    return Coverage(source, total, tuple(zip(ids, counts, strict=True)))
