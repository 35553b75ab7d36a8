"""`diff_spark`: what a rule change does to a whole population, counted on the executors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gapdiag.checks.pack_diff import OUTCOMES, RuleChange, firing_changes, rule_changes, stamp
from gapdiag.engines.compiled import RulesArg, resolve_rules
from gapdiag.engines.vector.batch import team_names
from gapdiag.model.diagnosis import RulebookStamp
from gapdiag.model.metrics import Targets, parse_targets
from gapdiag.spark._diagnose import map_arrow, ship, with_team
from gapdiag.spark._schema import prepare
from gapdiag.spark._worker import Job, outcome_counts

_COUNTS = T.StructType(
    [
        T.StructField("what", T.StringType()),
        T.StructField("old", T.StringType()),
        T.StructField("new", T.StringType()),
        T.StructField("rows", T.LongType()),
    ]
)


class SparkDiff(BaseModel):
    """Two packs over one Spark population: small DataFrames of what moved, and the rule edits."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)

    old: RulebookStamp
    new: RulebookStamp
    rows: int
    """Input rows."""
    reps: int
    """Rows diagnosed under both packs (the others broke the input contract)."""
    transitions: Any
    """Primary gap under the old pack -> under the new: (old, new, reps), every pair."""
    leaves: Any
    """Where the tree walk ended, old -> new: (old, new, reps), pairs that occur."""
    firing: Any
    """Rules whose firing count changed: (rule, old, new, old_rate, new_rate); null if absent."""
    rules: tuple[RuleChange, ...]
    """Rules added, removed or edited, as ``gapdiag rules diff`` lists them."""
    changed: bool
    """True when some rep's leading gap or tree leaf moved."""


def diff_spark(
    old_rules: RulesArg,
    new_rules: RulesArg,
    df: DataFrame,
    *,
    targets: Targets | Mapping[str, Any] | None = None,
    team_by: str | None = "team",
) -> SparkDiff:
    """Diagnose every row of `df` under both packs in one pass and count what moved.

    Runs one Spark job; only counts (a few hundred rows at most) reach the driver. The
    counts equal those of ``gapdiag rules diff OLD NEW --population`` on the same reps.

    Raises:
        InvalidMetrics: a column outside the input contract, or of a type its field cannot hold.
    """
    old, new = resolve_rules(old_rules), resolve_rules(new_rules)
    chosen = parse_targets(targets)
    names = tuple(team_names(old, new))
    prepared = prepare(df, None, team_by, bool(names))
    job = Job.of([old, new], chosen, (), prepared.contract, names)
    shipped = ship(df, job)
    data = with_team(prepared, shipped, job)
    counted = map_arrow(data, outcome_counts, shipped, _COUNTS)
    totals = counted.groupBy("what", "old", "new").agg(F.sum("rows").alias("rows")).collect()
    counts: Counter[tuple[str, str, str]] = Counter(
        {(r["what"], r["old"], r["new"]): int(r["rows"]) for r in totals}
    )
    reps = counts["rows", "", ""]
    spark = df.sparkSession
    transitions = [(a, b, counts["primary", a, b]) for a in OUTCOMES for b in OUTCOMES]
    leaves = sorted((a, b, n) for (what, a, b), n in counts.items() if what == "leaf")
    fired = {
        side: Counter(
            {rule: n for (what, rule, s), n in counts.items() if (what, s) == ("fired", side)}
        )
        for side in ("old", "new")
    }
    firing = [
        (c.rule, c.old, c.new, _rate(c.old, reps), _rate(c.new, reps))
        for c in firing_changes(old, new, fired["old"], fired["new"])
    ]
    return SparkDiff(
        old=stamp(old),
        new=stamp(new),
        rows=counts["input", "", ""],
        reps=reps,
        transitions=spark.createDataFrame(transitions, "old string, new string, reps long"),
        leaves=spark.createDataFrame(leaves, "old string, new string, reps long"),
        firing=spark.createDataFrame(
            firing, "rule string, old long, new long, old_rate double, new_rate double"
        ),
        rules=rule_changes(old, new),
        changed=any(a != b and n for a, b, n in (*transitions, *leaves)),
    )


def _rate(count: int | None, reps: int) -> float | None:
    if count is None:
        return None
    return count / reps if reps else 0.0
