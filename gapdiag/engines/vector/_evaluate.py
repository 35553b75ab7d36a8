"""Run a pack over a validated population chunk by chunk, and lay the results out as a table."""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapdiag.engines.vector import _columns as _vector
from gapdiag.engines.vector import _derived as _vderived
from gapdiag.engines.vector import _standing as _vstanding
from gapdiag.engines.vector import _tree as _vtree
from gapdiag.engines.vector import _verdicts as _vverdicts
from gapdiag.engines.vector._columns import Floats
from gapdiag.engines.vector._population import Population
from gapdiag.model.basis import BASES
from gapdiag.model.diagnosis import Outcome
from gapdiag.model.gaps import GAPS, Gap
from gapdiag.model.metrics import Targets, target_value
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.pack import Rulebook
from gapdiag.rulebook.rule import CompiledRule


@dataclass(frozen=True, slots=True)
class Arrays:
    """Every rep's verdicts and fired rules, as whole columns."""

    confidence: dict[Gap, Floats]
    status: dict[Gap, npt.NDArray[np.int8]]
    primary: npt.NDArray[np.int8]
    leading: npt.NDArray[np.int8]
    standing: npt.NDArray[np.int8]
    """Index into ``_standing.STANDING_CODES``."""
    outcome: npt.NDArray[np.int8]
    """Index into ``OUTCOMES``."""
    blocks_pip: npt.NDArray[np.bool_]
    fired: list[npt.NDArray[np.int64]]
    tree: npt.NDArray[np.int32] | None
    """Leaf index, or leaves + question index where missing data stopped the walk."""


def evaluate(
    population: Population,
    book: Rulebook,
    targets: Targets,
    team: dict[str, Floats],
    chunk: int,
    progress: Callable[[int, int], None] | None,
) -> Arrays:
    """Evaluate `book` on every rep, `chunk` reps at a time."""
    size = population.size
    rules = book.compiled
    words = max(1, -(-len(rules) // _vverdicts.WORD_BITS))
    out = Arrays(
        {g: np.empty(size) for g in GAPS},
        {g: np.empty(size, np.int8) for g in GAPS},
        np.empty(size, np.int8),
        np.empty(size, np.int8),
        np.empty(size, np.int8),
        np.empty(size, np.int8),
        np.empty(size, bool),
        [np.empty(size, np.int64) for _ in range(words)],
        np.empty(size, np.int32) if book.tree is not None else None,
    )
    reads_derived = any(n.startswith("derived.") for r in rules for n in x.names_in(r.condition))
    proxied = population.proxied()
    share = _vstanding.elapsed(
        population.texts.get("period_start"),
        population.texts.get("period_end"),
        population.texts.get("as_of"),
    )

    def run(start: int) -> int:
        stop = min(size, start + chunk)
        lookup = _lookup(population, targets, team, start, stop, reads_derived)
        outcomes = _vector.evaluate([r.condition for r in rules], lookup, stop - start)
        standing = _standing_codes(lookup, share[start:stop] if share is not None else None)
        weak = _weak_rules(rules, population, proxied, start, stop)
        verdicts = _vverdicts.verdicts(rules, outcomes, stop - start, weak, standing)
        for gap in GAPS:
            out.confidence[gap][start:stop] = verdicts.confidence[gap]
            out.status[gap][start:stop] = verdicts.status[gap]
        out.primary[start:stop] = verdicts.primary
        out.leading[start:stop] = verdicts.leading
        out.standing[start:stop] = standing
        out.outcome[start:stop] = _outcomes(verdicts, standing)
        out.blocks_pip[start:stop] = verdicts.blocks_pip
        fired = _vverdicts.fired_words(outcomes, stop - start)
        for whole, part in zip(out.fired, fired, strict=True):
            whole[start:stop] = part
        if book.tree is not None and out.tree is not None:
            out.tree[start:stop] = _vtree.walk(book.tree, lookup, stop - start)
        return stop

    starts = range(0, size, chunk)
    stops: Iterator[int]
    if len(starts) <= 1:
        stops = map(run, starts)
    else:
        # numpy releases the GIL inside its loops, so chunks evaluate in parallel; each
        # chunk writes only its own slice of the results.
        pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        stops = pool.map(run, starts)
        pool.shutdown(wait=False)
    for stop in stops:
        if progress is not None:
            progress(stop, size)
    return out


def unknowns(
    population: Population,
    book: Rulebook,
    targets: Targets,
    team: dict[str, Floats],
    names: tuple[str, ...],
    start: int = 0,
    stop: int | None = None,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.bool_], npt.NDArray[np.int32] | None]:
    """Per rep, each rule's outcome (reps x rules, pack order: 1 true, 0 false, -1 unknown),
    which of `names` the rules read as unknown (reps x names), and how many questions the
    decision tree's walk asks (None without a tree): what each rep's ``Diagnosis`` is built
    from, its ``undetermined`` and the length of its ``tree_path``, for the reps from
    `start` to `stop` (all by default) at once."""
    found = judged(population, book, targets, team, names, start, stop, verdicts=False)
    return found.decided, found.absent, found.asked


@dataclass(frozen=True, slots=True)
class Judged:
    """What `judged` works out for a run of reps (see there)."""

    decided: npt.NDArray[np.int8]
    absent: npt.NDArray[np.bool_]
    asked: npt.NDArray[np.int32] | None
    verdicts: _vverdicts.Verdicts | None


def judged(
    population: Population,
    book: Rulebook,
    targets: Targets,
    team: dict[str, Floats],
    names: tuple[str, ...],
    start: int = 0,
    stop: int | None = None,
    *,
    verdicts: bool = True,
) -> Judged:
    """`unknowns`, and (with `verdicts`) each rep's verdict numbers as ``assemble`` works
    them out one rep at a time: certainty, confidence, status, cap, whether it blocks a PIP."""
    stop = population.size if stop is None else min(stop, population.size)
    size, rules = max(stop - start, 0), book.compiled
    reads_derived = any(n.startswith("derived.") for r in rules for n in x.names_in(r.condition))
    lookup = _lookup(population, targets, team, start, stop, reads_derived)
    outcomes = _vector.evaluate([r.condition for r in rules], lookup, size)
    decided = np.empty((size, len(rules)), np.int8)
    for index, (true, false) in enumerate(outcomes):
        decided[:, index] = np.where(true, 1, np.where(false, 0, -1))
    absent = np.empty((size, len(names)), bool)
    for index, name in enumerate(names):
        absent[:, index] = np.isnan(np.asarray(lookup(name), dtype=np.float64))
    asked = _vtree.asked(book.tree, lookup, size) if book.tree is not None else None
    found = None
    if verdicts:
        share = _vstanding.elapsed(*(_part(population.texts.get(n), start, stop) for n in _DATES))
        standing = _standing_codes(lookup, share)
        weak = _weak_rules(rules, population, population.proxied(), start, stop)
        found = _vverdicts.verdicts(rules, outcomes, size, weak, standing)
    return Judged(decided, absent, asked, found)


_DATES = ("period_start", "period_end", "as_of")


def _part(series: Any, start: int, stop: int) -> Any:
    return None if series is None else series.iloc[start:stop]


OUTCOMES: tuple[Outcome, ...] = ("gap", "no_gap_found", "undetermined")
"""Outcome codes: the index into this tuple."""


def _standing_codes(lookup: _vector.Lookup, share: Floats | None) -> npt.NDArray[np.int8]:
    def column(path: str) -> Floats:
        value = lookup(path)
        return np.asarray(value, dtype=np.float64)

    quota = column("pipeline.quota")
    margin = float(np.asarray(lookup("target.margin.pace")))
    flat = float(np.asarray(lookup("target.pipeline_coverage")))
    return _vstanding.standing(
        quota,
        column("pipeline.closed_won"),
        column("pipeline.commit"),
        column("pipeline.open_pipeline"),
        column("pipeline.win_rate"),
        share,
        margin,
        flat,
    )


def _outcomes(
    verdicts: _vverdicts.Verdicts, standing: npt.NDArray[np.int8]
) -> npt.NDArray[np.int8]:
    """gap, no_gap_found or undetermined per rep, as ``judgment.outcome_of`` decides."""
    open_ = np.zeros(len(standing), bool)
    pointed = np.zeros(len(standing), bool)
    for gap in GAPS:
        code = verdicts.status[gap]
        open_ |= code == _vverdicts.STATUSES.index("unknown")
        pointed |= code <= 1  # confirmed or suspected
    unknown = standing == _vstanding.UNKNOWN
    judged = (standing >= _vstanding.BEHIND) & (open_ | (unknown & pointed))
    codes = np.where(verdicts.primary >= 0, 0, np.where(judged, 2, 1))
    return codes.astype(np.int8)


def _weak_rules(
    rules: tuple[CompiledRule, ...],
    population: Population,
    proxied: dict[str, npt.NDArray[np.bool_]],
    start: int,
    stop: int,
) -> list[npt.NDArray[np.bool_] | None]:
    """Per rule, the reps for whom it reads a thin counted metric or a proxy (None: nobody)."""
    weak: dict[str, npt.NDArray[np.bool_]] = {}
    for path, basis in BASES.items():
        count = population.number(basis.count)[start:stop]
        value = population.number(path)[start:stop]
        with np.errstate(invalid="ignore"):
            thin = (count >= basis.too_few) & (count < basis.solid) & ~np.isnan(value)
        if thin.any():
            weak[path] = thin
    for path, marks in proxied.items():
        part = marks[start:stop]
        weak[path] = weak[path] | part if path in weak else part
    out: list[npt.NDArray[np.bool_] | None] = []
    for rule in rules:
        masks = [weak[p] for p in rule.needs if p in weak]
        out.append(np.logical_or.reduce(masks) if masks else None)
    return out


def _lookup(
    population: Population,
    targets: Targets,
    team: dict[str, Floats],
    start: int,
    stop: int,
    reads_derived: bool,
) -> _vector.Lookup:
    def column(path: str) -> Floats:
        values = population.number(path)[start:stop]
        basis = BASES.get(path)
        if basis is None:
            return values
        count = population.number(basis.count)[start:stop]
        if basis.none_when is not None:  # as count_of: a 0 rate beside no count rests on 0
            rate = population.number(basis.none_when)[start:stop]
            count = np.where(np.isnan(count) & (rate == 0.0), 0.0, count)
        with np.errstate(invalid="ignore"):
            aside = count < basis.too_few  # too few observations: read as unknown
        return np.where(aside, np.nan, values) if aside.any() else values

    derived = _vderived.derive(column, targets) if reads_derived else {}

    def lookup(path: str) -> _vector.Value:
        if path.startswith("target."):
            value = target_value(targets, path.removeprefix("target."))
            return math.nan if value is None else float(value)
        if path.startswith("derived."):
            return derived[path]
        if path.startswith("team."):
            found = team.get(path)
            return found[start:stop] if found is not None else math.nan
        return column(path)

    return lookup


def frame(population: Population, arrays: Arrays, book: Rulebook) -> pd.DataFrame:
    """The results table: row, rep_id, team and period, primary gap, per gap, fired rules."""
    columns: dict[str, object] = {"row": population.rows}
    for name in ("rep_id", "team", "period_start", "period_end", "as_of"):
        if name in population.texts:
            columns[name] = population.texts[name]
    columns["standing"] = pd.Categorical.from_codes(
        arrays.standing, categories=list(_vstanding.STANDING_CODES)
    )
    columns["primary_gap"] = pd.Categorical.from_codes(arrays.primary, categories=list(GAPS))
    columns["leading_gap"] = pd.Categorical.from_codes(arrays.leading, categories=list(GAPS))
    columns["outcome"] = pd.Categorical.from_codes(arrays.outcome, categories=list(OUTCOMES))
    for gap in GAPS:
        columns[f"{gap}.confidence"] = arrays.confidence[gap]
        columns[f"{gap}.status"] = pd.Categorical.from_codes(
            arrays.status[gap], categories=list(_vverdicts.STATUSES)
        )
    columns["pip_blocked"] = arrays.blocks_pip
    for index, word in enumerate(arrays.fired):
        columns[f"fired_{index}"] = word
    if book.tree is not None and arrays.tree is not None:
        leaves, questions = _vtree.node_ids(book.tree)
        codes = arrays.tree
        reached = codes < len(leaves)
        columns["tree_leaf"] = pd.Categorical.from_codes(
            np.where(reached, codes, -1), categories=list(leaves)
        )
        columns["tree_stop"] = pd.Categorical.from_codes(
            np.where(reached, -1, codes - len(leaves)), categories=list(questions)
        )
    return pd.DataFrame(columns)
