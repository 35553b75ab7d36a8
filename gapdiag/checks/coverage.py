"""Coverage: over a pack's examples or a population, which rules never fired and which
decision-tree leaves no walk reached.

A rule that no example and no real rep ever fires is either dead weight or untested; the
count per rule also shows which rules carry the diagnosis and which never speak. The same
holds for the leaves of the pack's tree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gapdiag.model.metrics import DEFAULT_TARGETS, RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.rulebook._given import Given
from gapdiag.rulebook.facts import build_facts
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.walk import leaf_id

LabelledRep = tuple[str, RepMetrics, Targets | None, TeamStats | None]
"""One rep to run: a label (rep id or ``rule[index]``), the rep, its targets (None: the
defaults) and its team values (None: no ``team.*`` values)."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """How often each rule fired over some reps, and which never did."""

    source: str
    reps: int
    fired: tuple[tuple[str, int], ...]
    reached: tuple[tuple[str, int], ...] = ()
    """Per tree leaf, the reps whose walk ended there (empty for a pack without a tree)."""

    @property
    def never_fired(self) -> tuple[str, ...]:
        """Ids of rules that fired on none of the reps, in pack order."""
        return tuple(rule for rule, count in self.fired if count == 0)

    @property
    def never_reached(self) -> tuple[str, ...]:
        """Ids of tree leaves no rep's walk ended at, in file order."""
        return tuple(leaf for leaf, count in self.reached if count == 0)


def example_reps(*books: Rulebook) -> tuple[LabelledRep, ...]:
    """Every example rep of the packs (rules and tree), labelled ``owner[index]``, once each."""
    seen: dict[str, LabelledRep] = {}
    for book in books:
        owners: list[tuple[str, Sequence[Given]]] = [(r.id, r.examples) for r in book.rules]
        if book.tree is not None:
            owners += [(n.id, n.examples) for n in book.tree.nodes]
            owners += [(leaf.id, leaf.examples) for leaf in book.tree.leaves]
        for owner, examples in owners:
            for index, example in enumerate(examples):
                key = example.model_dump_json(include={"given", "targets", "team"})
                label = f"{owner}[{index}]"
                seen.setdefault(key, (label, example.given, example.targets, example.team))
    return tuple(seen.values())


def population_reps(reps: Iterable[RepMetrics], *books: Rulebook) -> tuple[LabelledRep, ...]:
    """Reps of a population, labelled by rep id, at the default targets, with the ``team.*``
    values the packs read computed per team from the population (as `diagnose_many` does).
    """
    from gapdiag.engines.vector.batch import team_values

    listed = tuple(reps)
    teams = team_values(listed, *books)
    return tuple((rep.rep_id, rep, None, team) for rep, team in zip(listed, teams, strict=True))


def coverage(book: Rulebook, cases: Iterable[LabelledRep], *, source: str) -> Coverage:
    """Count, per rule, the reps it fires on and, per tree leaf, the walks ending there."""
    counts = [0] * len(book.compiled)
    leaves: Counter[str | None] = Counter()
    total = 0
    for _, rep, targets, team in cases:
        total += 1
        facts = build_facts(rep, targets or DEFAULT_TARGETS, team)
        for index, outcome in enumerate(book.evaluate(facts)):
            counts[index] += outcome is True
        if book.tree is not None:
            leaves[leaf_id(book.tree, facts)] += 1
    ids = (rule.id for rule in book.compiled)
    tree_leaves = book.tree.leaves if book.tree is not None else ()
    return Coverage(
        source,
        total,
        tuple(zip(ids, counts, strict=True)),
        tuple((leaf.id, leaves[leaf.id]) for leaf in tree_leaves),
    )
