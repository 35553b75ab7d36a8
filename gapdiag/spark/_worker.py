"""What runs inside Spark's Python workers: Arrow batches in, Arrow batches out, no pyspark.

Each function takes the iterator of Arrow record batches that ``mapInArrow`` hands a task
and yields batches back. A batch is validated by the same column checks ``diagnose_many``
runs (``_population.from_frame``) and evaluated by the same vectorized evaluator
(``_evaluate``), so a row gets the same answer here as on one machine. The pack travels
as portable data (`Job`) and is compiled once per worker process.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from gapdiag.checks.pack_diff import NONE as NO_GAP
from gapdiag.engines.vector import _evaluate, _population
from gapdiag.engines.vector import _team as _vteam
from gapdiag.engines.vector import _tree as _vtree
from gapdiag.engines.vector import _verdicts as _vverdicts
from gapdiag.engines.vector._columns import Floats
from gapdiag.engines.vector._frames import _text
from gapdiag.engines.vector._population import Population
from gapdiag.engines.vector._standing import STANDING_CODES
from gapdiag.engines.vector.batch import CHUNK_ROWS
from gapdiag.model.gaps import GAPS
from gapdiag.model.metrics import Targets
from gapdiag.rulebook.pack import Rulebook, from_portable, portable

TEAM_KEY = "__gapdiag_team"
"""The column a population is grouped by for team values (the team, or one constant)."""
IDENTITY = ("rep_id", "team", "period_start", "period_end", "as_of")
"""Input columns that name a row; they are carried into the results as given."""


@dataclass(frozen=True)
class Job:
    """Everything a worker needs: the packs as data, the targets, and the columns' roles."""

    packs: tuple[str, ...]
    """Each pack as JSON (``rulebook.portable``) and the targets as JSON."""
    key: tuple[str, ...]
    """The caller's row-key columns, carried into results and errors unchanged."""
    contract: tuple[str, ...]
    """Input-contract columns (metric paths, rep_id, team, period dates) present in the data."""
    team_names: tuple[str, ...]
    """The ``team.*`` columns joined onto each row, for the packs that read them."""
    team_key: str = TEAM_KEY
    """The column that groups rows for team values: `TEAM_KEY`, or ``team`` itself when the
    rows already carry it (one string column less to shuffle and to hand to Python)."""
    digest: str = field(init=False)
    """A hash of the packs and targets: the key under which a worker keeps them compiled."""

    def __post_init__(self) -> None:
        text = json.dumps(self.packs)
        object.__setattr__(self, "digest", hashlib.sha256(text.encode()).hexdigest())

    @staticmethod
    def of(
        books: Iterable[Rulebook],
        targets: Targets,
        key: tuple[str, ...],
        contract: tuple[str, ...],
        team_names: tuple[str, ...],
        team_key: str = TEAM_KEY,
    ) -> Job:
        """A job for `books` under `targets`."""
        chosen = targets.model_dump(mode="json")
        packs = tuple(
            json.dumps({"pack": portable(b), "targets": chosen}, sort_keys=True) for b in books
        )
        return Job(packs, key, contract, team_names, team_key)

    def compiled(self) -> tuple[tuple[Rulebook, Targets], ...]:
        """The packs and targets, compiled on this worker's first call and then reused."""
        found = _COMPILED.get(self.digest)
        if found is None:
            found = tuple(_compile(text) for text in self.packs)
            if len(_COMPILED) >= _KEEP:
                del _COMPILED[next(iter(_COMPILED))]
            _COMPILED[self.digest] = found
        return found


_COMPILED: dict[str, tuple[tuple[Rulebook, Targets], ...]] = {}
"""Packs compiled in this process, by the packs' digest: each is compiled once per worker."""
_KEEP = 16
"""Compiled packs a long-lived worker keeps (the oldest goes first)."""


def _compile(text: str) -> tuple[Rulebook, Targets]:
    data = json.loads(text)
    return from_portable(data["pack"]), Targets.model_validate(data["targets"])


def tables(batches: Iterable[pa.RecordBatch], rows: int = CHUNK_ROWS) -> Iterator[pa.Table]:
    """Spark's record batches gathered into tables of about `rows` rows."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(pending)
            pending, count = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def _pandas_type(arrow: pa.DataType) -> Any:
    if pa.types.is_string(arrow) or pa.types.is_large_string(arrow):
        return pd.StringDtype("pyarrow")
    if pa.types.is_boolean(arrow):
        return pd.BooleanDtype()
    return None


def validate(table: pa.Table, job: Job) -> Population:
    """The table's rows checked against the input contract, exactly as `diagnose_many` does."""
    frame = table.select(list(job.contract)).to_pandas(
        types_mapper=_pandas_type, date_as_object=False
    )
    return _population.from_frame(frame, None)


def _numbers(table: pa.Table, name: str, rows: npt.NDArray[np.int64]) -> Floats:
    column: Floats = np.asarray(table.column(name).to_numpy(zero_copy_only=False), np.float64)
    return column[rows]


def team_codes(keys: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """Each row's team as a number in order of first appearance; -1 where it has none.

    Text keys are encoded by Arrow without making a Python string per row; other keys
    go through pandas, which also reads a NaN key as no team.
    """
    if pa.types.is_string(keys.type) or pa.types.is_large_string(keys.type):
        indices = keys.combine_chunks().dictionary_encode().indices
        return np.asarray(indices.fill_null(-1).to_numpy(zero_copy_only=False), np.int64)
    codes, _ = pd.factorize(keys.to_pandas(), use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def team_stats(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """One row per team in this partition: its key and every team value the packs read.

    Takes `team_inputs` rows repartitioned by team, so each team lies whole in one
    partition, and computes its values with the code `diagnose_many` uses.
    """
    gathered = list(batches)
    if not gathered:
        return
    table = pa.Table.from_batches(gathered)
    keys = table.column(TEAM_KEY)
    codes = team_codes(keys)
    rows = np.ones(len(codes), dtype=bool)
    teams = int(codes.max(initial=-1)) + 1

    def number(path: str) -> Floats:
        return _numbers(table, path, np.arange(table.num_rows))

    values = _vteam.per_team(number, codes, rows, teams, list(job.team_names))
    _, first = np.unique(codes, return_index=True)
    columns = {TEAM_KEY: keys.take(pa.array(first)).combine_chunks()}
    columns.update({name: pa.array(per) for name, per in values.items()})
    yield pa.RecordBatch.from_pydict(columns)


def diagnose(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """The results of every valid row: the columns `diagnose_many` gives, row key first."""
    ((book, targets),) = job.compiled()
    for table in tables(batches):
        population = validate(table, job)
        arrays = evaluate(table, population, book, targets, job)
        yield pa.RecordBatch.from_pydict(result_columns(table, population, arrays, book, job))


def diagnose_teams(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """`diagnose` for a partition that holds whole teams, working out their team values itself.

    The rows come repartitioned by team key, so every rep of a team is in this partition:
    each chunk is validated once, the team values come from one pass over the valid rows
    (`per_team`, as `diagnose_many` computes them), and no second read of the input and
    no join are needed.
    """
    ((book, targets),) = job.compiled()
    chunks = [(table, validate(table, job)) for table in tables(batches)]
    for (table, population), team in zip(chunks, _team_columns(chunks, job), strict=True):
        arrays = _evaluate.evaluate(population, book, targets, team, max(1, population.size), None)
        yield pa.RecordBatch.from_pydict(result_columns(table, population, arrays, book, job))


def _team_columns(
    chunks: list[tuple[pa.Table, Population]], job: Job
) -> Iterator[dict[str, Floats]]:
    """Per chunk, each ``team.*`` name's value for each valid row (NaN: no team, no value)."""
    if not chunks:
        return
    keys = pa.chunked_array(
        [part for table, _ in chunks for part in table.column(job.team_key).chunks],
        type=chunks[0][0].schema.field(job.team_key).type,
    )
    every = team_codes(keys)  # each input row's team, valid or not: one encoding for all
    starts = np.cumsum([0] + [table.num_rows for table, _ in chunks[:-1]])
    valid = [start + population.rows for start, (_, population) in zip(starts, chunks, strict=True)]
    codes = np.concatenate([every[rows] for rows in valid])
    has_team = codes >= 0

    def number(path: str) -> Floats:
        return np.concatenate([population.number(path) for _, population in chunks])

    names = list(job.team_names)
    teams = int(codes.max(initial=-1)) + 1
    per = _vteam.per_team(number, codes[has_team], has_team, teams, names)
    start = 0
    for _, population in chunks:
        mine = codes[start : start + population.size]
        start += population.size
        yield {
            name: np.where(mine >= 0, values[np.maximum(mine, 0)] if teams else np.nan, np.nan)
            for name, values in per.items()
        }


def evaluate(
    table: pa.Table, population: Population, book: Rulebook, targets: Targets, job: Job
) -> _evaluate.Arrays:
    """`book` evaluated on the valid rows of `table`, with the team values joined onto it."""
    team = {name: _numbers(table, name, population.rows) for name in job.team_names}
    return _evaluate.evaluate(population, book, targets, team, max(1, population.size), None)


CODES = "__gapdiag_codes_"
"""The prefix of the int64 columns that carry the label columns' codes to Spark."""


@dataclass(frozen=True)
class Label:
    """A result column of labels, sent to Spark as a code in some bits of an int64 column."""

    name: str
    labels: tuple[str, ...]
    word: str
    """The column of codes that holds it (`CODES` and a number)."""
    shift: int
    bits: int
    """Its code is ``(word >> shift) & (2**bits - 1)``: 0 for null, else 1 + the label's index."""


def label_layout(book: Rulebook) -> tuple[Label, ...]:
    """The label columns of `book`'s results, in result order, packed into as few words as fit.

    A code travels as a few bits instead of a string per row: Spark turns it back into
    its label (see ``_schema.named``), which costs the JVM less than reading strings from
    Arrow, and the workers less than building them.
    """
    columns: list[tuple[str, tuple[str, ...]]] = [
        ("standing", STANDING_CODES),
        ("primary_gap", GAPS),
        ("leading_gap", GAPS),
        ("outcome", _evaluate.OUTCOMES),
        *((f"{gap}.status", _vverdicts.STATUSES) for gap in GAPS),
    ]
    if book.tree is not None:
        leaves, questions = _vtree.node_ids(book.tree)
        columns += [("tree_leaf", tuple(leaves)), ("tree_stop", tuple(questions))]
    return packed(columns)


def packed(columns: Iterable[tuple[str, tuple[str, ...]]]) -> tuple[Label, ...]:
    """Label columns laid out in order, each in the fewest bits that hold its codes, 63 a word."""
    layout: list[Label] = []
    word, shift = 0, 0
    for name, labels in columns:
        bits = len(labels).bit_length()
        if shift + bits > _vverdicts.WORD_BITS:
            word, shift = word + 1, 0
        layout.append(Label(name, tuple(labels), f"{CODES}{word}", shift, bits))
        shift += bits
    return tuple(layout)


def _codes(arrays: _evaluate.Arrays, book: Rulebook) -> dict[str, npt.NDArray[np.int64]]:
    """Each label column's codes (-1: null), by column name."""
    codes: dict[str, npt.NDArray[Any]] = {
        "standing": arrays.standing,
        "primary_gap": arrays.primary,
        "leading_gap": arrays.leading,
        "outcome": arrays.outcome,
    }
    codes.update({f"{gap}.status": arrays.status[gap] for gap in GAPS})
    if book.tree is not None and arrays.tree is not None:
        leaves, _ = _vtree.node_ids(book.tree)
        reached = arrays.tree < len(leaves)
        codes["tree_leaf"] = np.where(reached, arrays.tree, -1)
        codes["tree_stop"] = np.where(reached, -1, arrays.tree - len(leaves))
    return codes


def result_columns(
    table: pa.Table,
    population: Population,
    arrays: _evaluate.Arrays,
    book: Rulebook,
    job: Job,
) -> dict[str, pa.Array]:
    """The result columns of `diagnose_many` with the row key in place of the row number,
    and the label columns as codes (`label_layout`)."""
    columns = carried(table, pa.array(population.rows), job, IDENTITY)
    for gap in GAPS:
        columns[f"{gap}.confidence"] = pa.array(arrays.confidence[gap])
    columns["pip_blocked"] = pa.array(arrays.blocks_pip)
    for index, word in enumerate(arrays.fired):
        columns[f"fired_{index}"] = pa.array(word)
    codes = _codes(arrays, book)
    words: dict[str, npt.NDArray[np.int64]] = {}
    for label in label_layout(book):
        word = words.setdefault(label.word, np.zeros(population.size, np.int64))
        word |= (codes[label.name].astype(np.int64) + 1) << label.shift
    columns.update({name: pa.array(word) for name, word in words.items()})
    return columns


ERROR_IDENTITY = tuple(name for name in IDENTITY if name != "team")
"""The identity columns an errors row carries after the key."""


def carried(
    table: pa.Table, rows: pa.Array, job: Job, identity: tuple[str, ...]
) -> dict[str, pa.Array]:
    """The key and identity columns present in `table`, at `rows`, exactly as given."""
    names = dict.fromkeys(n for n in (*job.key, *identity) if n in table.column_names)
    return {name: table.column(name).take(rows).combine_chunks() for name in names}


def errors(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """One row per bad cell: the row's key and identity, the field, the value as text, why."""
    for table in tables(batches):
        bad = validate(table, job).bad
        if not bad:
            continue
        rows = pa.array([cell.row for cell in bad], pa.int64())
        columns = carried(table, rows, job, ERROR_IDENTITY)
        columns["field"] = pa.array([cell.field for cell in bad], pa.string())
        columns["value"] = pa.array([_text(cell.value) for cell in bad], pa.string())
        columns["reason"] = pa.array([cell.reason for cell in bad], pa.string())
        yield pa.RecordBatch.from_pydict(columns)


def outcome_counts(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """Per batch, how many rows went from each outcome under the old pack to each under the new.

    Yields rows (what, old, new, rows): ``primary`` for leading gaps (what the rules point
    to), ``leaf`` for where the tree walk ended, ``fired`` (rule id, "old" or "new") for
    firing counts, and ``input`` and ``rows`` for the rows read and diagnosed. Spark then
    sums them: nothing per row leaves the workers.
    """
    (old_book, old_targets), (new_book, new_targets) = job.compiled()
    for table in tables(batches):
        population = validate(table, job)
        before = evaluate(table, population, old_book, old_targets, job)
        after = evaluate(table, population, new_book, new_targets, job)
        counts: dict[tuple[str, str, str], int] = {
            ("input", "", ""): table.num_rows,
            ("rows", "", ""): population.size,
        }
        pairs = _pairs(_outcomes(before.leading, GAPS), _outcomes(after.leading, GAPS))
        counts.update({("primary", a, b): n for (a, b), n in pairs.items()})
        ends = _pairs(_ends(before, old_book), _ends(after, new_book))
        counts.update({("leaf", a, b): n for (a, b), n in ends.items()})
        for book, arrays, side in ((old_book, before, "old"), (new_book, after, "new")):
            for rule, n in _fired_counts(book, arrays).items():
                counts["fired", rule, side] = n
        what, old, new = zip(*counts, strict=True)
        yield pa.RecordBatch.from_pydict(
            {
                "what": pa.array(what, pa.string()),
                "old": pa.array(old, pa.string()),
                "new": pa.array(new, pa.string()),
                "rows": pa.array(list(counts.values()), pa.int64()),
            }
        )


def _outcomes(codes: np.ndarray[Any, Any], labels: Iterable[str]) -> np.ndarray[Any, Any]:
    names = np.array([*labels, NO_GAP], dtype=object)
    return names[np.where(codes < 0, len(names) - 1, codes)]


def _ends(arrays: _evaluate.Arrays, book: Rulebook) -> np.ndarray[Any, Any]:
    """Where each rep's tree walk ended: a leaf id, 'stopped at NODE', or '-' with no tree."""
    if book.tree is None or arrays.tree is None:
        return np.full(len(arrays.primary), "-", dtype=object)
    leaves, questions = _vtree.node_ids(book.tree)
    names = np.array([*leaves, *(f"stopped at {q}" for q in questions)], dtype=object)
    return names[arrays.tree]


def _pairs(old: np.ndarray[Any, Any], new: np.ndarray[Any, Any]) -> Mapping[tuple[str, str], int]:
    if not len(old):
        return {}
    frame = pd.DataFrame({"old": old, "new": new})
    sizes = frame.groupby(["old", "new"], sort=False).size()
    return {(str(a), str(b)): int(n) for (a, b), n in sizes.items()}


def _fired_counts(book: Rulebook, arrays: _evaluate.Arrays) -> dict[str, int]:
    counts: dict[str, int] = {}
    for index, rule in enumerate(book.compiled):
        word = arrays.fired[index // _vverdicts.WORD_BITS]
        bit = np.int64(1) << np.int64(index % _vverdicts.WORD_BITS)
        counts[rule.id] = int(np.count_nonzero(word & bit))
    return counts


Step = Callable[[Iterable[pa.RecordBatch], Job], Iterator[pa.RecordBatch]]


@dataclass(frozen=True)
class Task:
    """A worker step and its job, as ``mapInArrow`` calls it: the job itself or a broadcast."""

    step: Step
    job: Any
    """A `Job`, or a Spark broadcast variable holding one (read once per worker)."""
    names: tuple[str, ...]
    """The input columns' real names: they cross into ``mapInArrow`` as plain ``_0, _1, ..``
    because pyspark cannot resolve dotted column names there."""

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Run the step over one task's batches."""
        job = self.job if isinstance(self.job, Job) else self.job.value
        names = list(self.names)
        return self.step((pa.RecordBatch.from_arrays(b.columns, names) for b in batches), job)


def team_inputs(batches: Iterable[pa.RecordBatch], job: Job) -> Iterator[pa.RecordBatch]:
    """The team key and the metrics team values are made of, for each valid row with a team."""
    paths = sorted({name.split(".", 2)[2] for name in job.team_names})
    for table in tables(batches):
        population = validate(table, job)
        keys = table.column(TEAM_KEY).take(pa.array(population.rows)).combine_chunks()
        has_team = pa.array(keys.is_valid().to_numpy(zero_copy_only=False))
        columns = {TEAM_KEY: keys.filter(has_team)}
        for path in paths:
            columns[path] = pa.array(population.number(path)).filter(has_team)
        yield pa.RecordBatch.from_pydict(columns)
