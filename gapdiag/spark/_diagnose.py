"""`diagnose_spark`: a population in a Spark DataFrame, diagnosed where it lies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gapdiag.engines.compiled import RulesArg, resolve_rules
from gapdiag.engines.vector._evaluate import OUTCOMES
from gapdiag.engines.vector._population import TEXT
from gapdiag.engines.vector._standing import STANDING_CODES
from gapdiag.engines.vector.batch import Summary, team_names
from gapdiag.model.gaps import GAPS
from gapdiag.model.metrics import Targets, parse_targets
from gapdiag.spark import _worker
from gapdiag.spark._schema import Prepared, errors_schema, prepare, quoted, result_schema
from gapdiag.spark._worker import TEAM_KEY, Job, Step, Task


class SparkBatch(BaseModel):
    """The result of `diagnose_spark`: lazy Spark DataFrames of results and of bad rows."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    frame: Any
    """One row per valid input row, with the columns of `diagnose_many` (row key first)."""
    errors: Any
    """One row per problem that kept a row out: row key, rep_id, field, value, reason."""
    rule_ids: tuple[str, ...]
    """The pack's rule ids in pack order: bit i % 63 of fired_{i // 63} is rule i."""
    _input: DataFrame = PrivateAttr()
    _team_by: str | None = PrivateAttr(default=None)

    def summary(self) -> Summary:
        """Rows read, diagnosed and left out; reps per standing, outcome and gap, and how
        reps were grouped into teams (runs Spark: one pass over the results, one count).

        ``standing_needs`` stays empty: the results carry no input figures to count.
        """
        carried = self._team_by is not None and self._team_by in self.frame.columns
        keys = ["standing", "outcome", "primary_gap", *([self._team_by] if carried else [])]
        counts: dict[tuple[str, str, str | None], int] = {}
        names: set[str] = set()
        for row in self.frame.groupBy(*keys).count().collect():
            key = (row["standing"], row["outcome"], row["primary_gap"])
            counts[key] = counts.get(key, 0) + int(row["count"])
            if carried and row[self._team_by] is not None:
                names.add(row[self._team_by])

        def total(index: int, name: str) -> int:
            return sum(n for key, n in counts.items() if key[index] == name)

        diagnosed = sum(counts.values())
        if self._team_by is not None and not carried:  # a grouping column left out of results
            read = self._input.agg(F.count(F.lit(1)), F.countDistinct(quoted(self._team_by)))
            rows, teams = (int(n) for n in read.first() or (0, 0))
        else:
            rows, teams = int(self._input.count()), len(names)
        return Summary(
            rows=rows,
            diagnosed=diagnosed,
            bad_rows=rows - diagnosed,
            by_standing={name: total(0, name) for name in STANDING_CODES},
            by_outcome={name: total(1, name) for name in OUTCOMES},
            by_primary_gap={str(gap): total(2, gap) for gap in GAPS},
            team_by=self._team_by,
            teams=max(teams, 1),
        )

    def expand_fired(self) -> DataFrame:
        """The results with one boolean column per rule id (True where it fired)."""
        flags = [
            (quoted(f"fired_{i // 63}").bitwiseAND(F.lit(1 << (i % 63))) != 0).alias(rule)
            for i, rule in enumerate(self.rule_ids)
        ]
        frame: DataFrame = self.frame.select("*", *flags)
        return frame


def diagnose_spark(
    df: DataFrame,
    rules: RulesArg = None,
    *,
    targets: Targets | Mapping[str, Any] | None = None,
    team_by: str | None = "team",
    key: str | Sequence[str] | None = None,
) -> SparkBatch:
    """Diagnose every row of a Spark DataFrame with the vectorized evaluator, on the executors.

    Lazy like any Spark transformation: the returned DataFrames run when an action asks.

    Args:
        df: one row per rep-period; metric columns as dotted names or as struct columns
            named after their group (``activity``); rep_id required; team and period
            dates optional. Null (or NaN) means *absent*.
        rules: a Rulebook, a pack folder or rule file, or None for the default pack.
        targets: overrides of the default targets, for every rep.
        team_by: the column that groups reps for ``team.*`` values (default ``team``);
            None makes the whole DataFrame one team.
        key: column(s) that identify a row, carried into the results and the errors
            (for example a snapshot id); other columns outside the input contract are refused.

    Raises:
        InvalidMetrics: a column outside the input contract, or of a type its field cannot hold.
        InvalidArgument: a key column that does not exist or is a metric.
    """
    book = resolve_rules(rules)
    chosen = parse_targets(targets)
    names = tuple(team_names(book))
    by_team = bool(names) and team_by is not None and team_by in df.columns
    # A team column of the input contract (``team``) groups the rows as it stands.
    team_key = team_by if by_team and team_by in TEXT else TEAM_KEY
    prepared = prepare(df, key, team_by, bool(names) and team_key == TEAM_KEY)
    job = Job.of([book], chosen, prepared.key, prepared.contract, names, team_key)
    shipped = ship(df, job)
    schema = result_schema(prepared, book)
    if by_team:
        # One scan: the rows are shuffled by team, and each task works out the values of
        # the teams it holds from the rows it diagnoses (no second read, no join).
        grouped = group_by_team(prepared.frame, team_key, team_partitions(df))
        frame = map_arrow(grouped, _worker.diagnose_teams, shipped, schema)
    else:  # no team values, or one team for all: the values joined on (see with_team)
        frame = map_arrow(with_team(prepared, shipped, job), _worker.diagnose, shipped, schema)
    batch = SparkBatch(
        frame=frame,
        errors=map_arrow(prepared.frame, _worker.errors, shipped, errors_schema(prepared)),
        rule_ids=tuple(r.id for r in book.compiled),
    )
    batch._input = df
    batch._team_by = team_by if team_by is not None and team_by in df.columns else None
    return batch


TASKS_PER_CORE = 4
"""Partitions per core when `team_partitions` chooses their number."""
TASK_BYTES = 32 << 20
"""The most input (as Spark estimates it, e.g. Parquet bytes) a chosen partition holds."""
SMALL_BYTES = 8 << 20
"""Input per core under which one partition per core is enough."""


def team_partitions(df: DataFrame) -> int | None:
    """How many partitions to shuffle `df`'s rows into by team; None leaves it to Spark.

    Reads Spark's estimate of the input's size and the cores (see `partitions_for`);
    where either is not at hand (a Spark Connect session), Spark decides.
    """
    try:
        cores = int(df.sparkSession.sparkContext.defaultParallelism)
        size = int(df._jdf.queryExecution().optimizedPlan().stats().sizeInBytes())
    except Exception:  # pragma: no cover - Spark Connect: no SparkContext, no plan statistics
        return None
    return partitions_for(size, cores)


def partitions_for(size: int, cores: int) -> int | None:
    """The partitions for an input Spark estimates at `size` bytes, on `cores`; None: Spark's.

    Spark's adaptive execution coalesces a shuffle into partitions of about 64 MB, as many
    as the data fills. A partition holds whole teams and cannot be split, so on an input of
    a few hundred MB the count is small and the cores rarely finish together: 2,000,000
    rows make 5 partitions on 2 cores, and one core idles through the last. An input that
    fits `TASKS_PER_CORE` partitions of at most `TASK_BYTES` per core goes into exactly that
    many per core (one per core when it is under `SMALL_BYTES` a core), so the last tasks
    end close together. A larger input makes many partitions per core, which even out by
    themselves, and an unknown size (Spark says 2**63 - 1, as for rows from an RDD) could
    be anything: both are left to Spark.
    """
    if cores < 1 or size > cores * TASKS_PER_CORE * TASK_BYTES:
        return None
    return cores * (1 if size <= cores * SMALL_BYTES else TASKS_PER_CORE)


def group_by_team(frame: DataFrame, team_key: str, partitions: int | None) -> DataFrame:
    """`frame` shuffled so that each team lies whole in one partition (`partitions` of them)."""
    if partitions is None:
        return frame.repartition(quoted(team_key))
    return frame.repartition(partitions, quoted(team_key))


def ship(df: DataFrame, job: Job) -> Any:
    """The job as a broadcast variable (sent to each executor once), or as itself.

    Spark Connect has no broadcast variables; there the job travels with each task, and
    each worker process still compiles it only once.
    """
    try:
        context = df.sparkSession.sparkContext
    except Exception:  # pragma: no cover - Spark Connect sessions have no SparkContext
        return job
    return context.broadcast(job)


def with_team(prepared: Prepared, shipped: Any, job: Job) -> DataFrame:
    """The prepared rows with their team's ``team.*`` values joined on (null: unknown).

    Each valid row's team key and metrics are shuffled by team, so a team lies whole in
    one task, which computes its values as `diagnose_many` does; nothing goes to the driver.
    """
    if not job.team_names:
        return prepared.frame
    key_type = prepared.frame.schema[TEAM_KEY].dataType
    paths = sorted({name.split(".", 2)[2] for name in job.team_names})
    inputs = T.StructType(
        [T.StructField(TEAM_KEY, key_type), *(T.StructField(p, T.DoubleType()) for p in paths)]
    )
    stats = T.StructType(
        [
            T.StructField(TEAM_KEY, key_type),
            *(T.StructField(n, T.DoubleType()) for n in job.team_names),
        ]
    )
    inputs_frame = map_arrow(prepared.frame, _worker.team_inputs, shipped, inputs)
    grouped = inputs_frame.repartition(quoted(TEAM_KEY))
    per_team = map_arrow(grouped, _worker.team_stats, shipped, stats)
    return prepared.frame.join(per_team, on=TEAM_KEY, how="left")


def map_arrow(df: DataFrame, step: Step, shipped: Any, schema: T.StructType) -> DataFrame:
    """``df.mapInArrow`` running `step`, with columns renamed so dotted names pass through."""
    names = tuple(df.columns)
    plain = df.toDF(*(f"_{i}" for i in range(len(names))))
    return plain.mapInArrow(Task(step, shipped, names), schema)
