"""What the rules left open for every rep of a batch, and what they need, read column-wise.

A rep's section and its table row say which rules missing data left open and which
absent metrics would decide them, most needed first (``signs.open_needs`` of the rep's
`Diagnosis`). Listing each rep's open rules one object at a time was a tenth of the page's
time; the batch evaluates every rule for every rep at once (`Batch.unknowns`), so here the
same lists come from its arrays: a metric's count is how many open rules need it, ties in
the order the rules first need it (pack order, then each rule's order of inputs). The same
arrays give each rep's rule outcomes (what its `Diagnosis` is built from) and, with the
batch's tree columns, where its tree's walk ended (`_ends`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gapdiag.engines.assemble import Numbers
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.notebook.report import _ends
from gapdiag.notebook.report._ends import reached

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector._verdicts import Verdicts
    from gapdiag.engines.vector.batch import Batch
    from gapdiag.rulebook.pack import Rulebook


CHUNK = 4096
"""Reps whose rules are evaluated and lists worked out together (small arrays, reused)."""


@dataclass(frozen=True, slots=True)
class Open:
    """One rep's open rules and what they need (as ``signs.open_needs`` gives them), its
    rule outcomes and its tree's end, from the batch's arrays."""

    rules: tuple[str, ...]
    """Ids of the rules left open, in pack order (``Diagnosis.undetermined``'s rules)."""
    needs: tuple[str, ...]
    """Absent metrics the open rules need, most needed first."""
    by_gap: dict[str, tuple[str, ...]]
    """The same for each gap whose verdict is unknown (the only ones the page names)."""
    tree_end: str
    """Where the decision tree's walk ended, in words (`_ends.ends`); empty without a tree."""
    outcomes: tuple[bool | None, ...]
    """Each rule's outcome, in pack order, as ``compiled.outcomes`` gives it."""
    numbers: tuple[Numbers, ...]
    """Each gap's verdict numbers, in the pack's ``by_gap`` order (``assemble``'s `numbers`)."""
    fired: dict[str, tuple[str, ...]]
    """Per gap, the rules that fired on it: evidence, then counter-evidence, each in pack
    order (``Verdict.fired_rules``)."""


def open_rules(batch: Batch) -> Iterator[Open]:
    """Every diagnosed rep's `Open`, in `rows` order, worked out `CHUNK` reps at a time (so a
    large page holds the lists of one chunk at once)."""
    import numpy as np

    book = batch.rules
    rules, tree = book.compiled, book.tree
    asks = tuple(m for route in tree.routes.values() for m in route.question.needs) if tree else ()
    names = tuple(dict.fromkeys([*(m for rule in rules for m in rule.needs), *asks]))
    column = {name: index for index, name in enumerate(names)}
    reads = np.zeros((len(rules), len(names)), bool)
    place = np.zeros((len(rules), len(names)), np.int64)
    for index, rule in enumerate(rules):
        for at, name in enumerate(rule.needs):
            reads[index, column[name]] = True
            place[index, column[name]] = at
    walked = reached(batch) if tree is not None else None
    unknown = {gap: np.asarray(batch.frame[f"{gap}.status"]) == "unknown" for gap in GAPS}
    ids = np.array([rule.id for rule in rules], dtype=object)
    said = np.array([False, True, None], dtype=object)  # by code: 0 false, 1 true, -1 unknown
    for start in range(0, batch.summary.diagnosed, CHUNK):
        part = slice(start, start + CHUNK)
        judged = batch.judged(names, start, start + CHUNK)
        decided, missing, asked = judged.decided, judged.absent, judged.asked
        open_ = decided < 0
        ends = (
            _ends.ends(tree, walked[part], asked.tolist(), missing, column)
            if tree is not None and walked is not None and asked is not None
            else [""] * len(open_)
        )
        every = _ordered(open_, reads, place, missing, names)
        by_gap: list[dict[str, tuple[str, ...]]] = [{} for _ in every]
        for gap, of_gap, _ in book.by_gap:
            reps = np.flatnonzero(unknown[gap][part])
            rows = np.asarray(of_gap, dtype=np.int64)
            found = _ordered(
                open_[np.ix_(reps, rows)], reads[rows], place[rows], missing[reps], names
            )
            for index, needs in zip(reps.tolist(), found, strict=True):
                by_gap[index][gap] = needs
        numbers = _numbers(judged.verdicts, [gap for gap, _, _ in book.by_gap], len(open_))
        fired = _fired(book, ids, decided == 1)
        for rule_ids, needs, gaps, end, codes, found, fired_by_gap in zip(
            _split(ids, open_),
            every,
            by_gap,
            ends,
            said[decided].tolist(),
            numbers,
            fired,
            strict=True,
        ):
            yield Open(
                rules=rule_ids,
                needs=needs,
                by_gap=gaps,
                tree_end=end,
                outcomes=tuple(codes),
                numbers=found,
                fired=fired_by_gap,
            )


def _fired(book: Rulebook, ids: Any, fired: Any) -> list[dict[str, tuple[str, ...]]]:
    """Per rep (rows of the reps x rules mask `fired`), each gap's fired rule ids as
    ``Verdict.fired_rules`` lists them: the supporting rules, then the counters."""
    import numpy as np

    gaps = []
    lists = []
    for gap, rows, rules in book.by_gap:
        ordered = [i for i, r in zip(rows, rules, strict=True) if r.certainty > 0]
        ordered += [i for i, r in zip(rows, rules, strict=True) if r.certainty <= 0]
        at = np.asarray(ordered, dtype=np.int64)
        gaps.append(gap)
        lists.append(_split(ids[at], fired[:, at]))
    return (
        [dict(zip(gaps, each, strict=True)) for each in zip(*lists, strict=True)]
        if lists
        else [{} for _ in range(len(fired))]
    )


def _numbers(verdicts: Verdicts, gaps: list[Gap], size: int) -> list[tuple[Numbers, ...]]:
    """Per rep, each of `gaps`' verdict numbers as ``assemble`` takes them."""
    import numpy as np

    from gapdiag.engines.vector._verdicts import CAPS, STATUSES

    statuses, caps = np.array(STATUSES, dtype=object), np.array(CAPS, dtype=object)
    no = [False] * size
    columns = [
        zip(
            verdicts.certainty[gap].tolist(),
            verdicts.confidence[gap].tolist(),
            statuses[verdicts.status[gap]].tolist(),
            caps[verdicts.capped[gap]].tolist(),
            verdicts.blocks_pip.tolist() if gap == "system" else no,
            strict=True,
        )
        for gap in gaps
    ]
    return list(zip(*columns, strict=True)) if columns else [()] * size


def _split(items: Any, chosen: Any) -> list[tuple[Any, ...]]:
    """Per row of the boolean array `chosen` (reps x items), the items it marks, in order."""
    import numpy as np

    return _rows(items[np.nonzero(chosen)[1]].tolist(), chosen.sum(axis=1))


def _rows(flat: list[Any], counts: Any) -> list[tuple[Any, ...]]:
    """`flat` cut into one tuple per rep, `counts` items each."""
    import numpy as np

    ends = np.cumsum(counts).tolist()
    return [tuple(flat[a:b]) for a, b in zip([0, *ends][:-1], ends, strict=True)]


def _ordered(open_: Any, reads: Any, place: Any, absent: Any, names: tuple[str, ...]) -> list[Any]:
    """Per rep, the absent `names` its open rules need: most needed first, ties in order of
    first need (``signs.most_first`` of the open rules' needs listed in pack order)."""
    import numpy as np

    size, width = absent.shape
    # small counts, exact in floating point, where the product runs in BLAS
    count = (open_.astype(np.float64) @ reads.astype(np.float64)).astype(np.int64) * absent
    stride = int(place.max(initial=0)) + 1
    last = len(reads) * stride
    first = np.full((size, width), last, np.int64)
    for name in range(width):  # where the earliest open rule that reads it needs it
        readers = np.flatnonzero(reads[:, name])
        if not len(readers):
            continue
        hit = open_[:, readers]
        at = (readers * stride + place[readers, name])[hit.argmax(axis=1)]
        first[:, name] = np.where(hit.any(axis=1), at, last)
    needed = count > 0
    key = np.where(needed, first - count * (last + stride), np.iinfo(np.int64).max)
    order = np.argsort(key, axis=1, kind="stable")[:, : int(needed.sum(axis=1).max(initial=0))]
    used = np.take_along_axis(needed, order, axis=1)
    return _rows(np.array(names, dtype=object)[order[used]].tolist(), used.sum(axis=1))
