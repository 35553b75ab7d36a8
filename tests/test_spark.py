"""diagnose_spark gives, row for row, what diagnose_many gives on one machine."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")
if os.environ.get("GAPDIAG_REQUIRE_SPARK") != "1":
    pytest.importorskip("pyspark")

from gapdiag import InvalidArgument, InvalidMetrics, Rulebook, load_rules  # noqa: E402
from gapdiag.engines.vector.batch import diagnose_many  # noqa: E402
from gapdiag.model.metrics import DEFAULT_TARGETS  # noqa: E402
from gapdiag.model.rows import flatten  # noqa: E402
from gapdiag.rulebook.pack import from_portable, portable  # noqa: E402
from gapdiag.rulebook.tree import TreeSpec, build  # noqa: E402
from gapdiag.spark import diagnose_spark  # noqa: E402
from gapdiag.spark._diagnose import (  # noqa: E402
    SMALL_BYTES,
    TASK_BYTES,
    TASKS_PER_CORE,
    partitions_for,
    team_partitions,
)
from gapdiag.spark._worker import Job  # noqa: E402

from .conftest import CALLS_UNDER_TEAM, ROOT  # noqa: E402
from .strategies import populations, rule_dicts, team_rule_dicts, tree_dicts  # noqa: E402

pytestmark = pytest.mark.spark
PACK = load_rules()


def records(frame: Any) -> list[dict[str, Any]]:
    """A results table as plain rows: categories as text, every missing value as None."""
    plain = frame.astype(object)
    return list(plain.where(frame.notna(), None).to_dict("records"))


def spark_rows(
    spark: Any, flat: Any, book: Rulebook, shuffle: int | None = None, **options: Any
) -> list[dict[str, Any]]:
    """diagnose_spark over `flat` (with its row numbers as the key), sorted by row.

    With `shuffle`, the rows reach Spark in another order and over `shuffle` partitions.
    """
    frame = flat.assign(row=range(len(flat)))
    df = spark.createDataFrame(frame if shuffle is None else frame.sample(frac=1, random_state=7))
    if shuffle is not None:
        df = df.repartition(shuffle)
    result = diagnose_spark(df, rules=book, key="row", **options)
    return records(result.frame.toPandas().sort_values("row").reset_index(drop=True))


def assert_same_as_one_machine(
    spark: Any, flat: Any, book: Rulebook, shuffle: int | None = None
) -> None:
    """Every result column equals diagnose_many's, row for row (confidences bit for bit)."""
    expected = records(diagnose_many(flat, rules=book).frame)
    got = spark_rows(spark, flat, book, shuffle)
    assert [list(r) for r in got[:1]] == [list(r) for r in expected[:1]]
    assert got == expected


def frame_of(reps: list[dict[str, Any]]) -> Any:
    """A population as a flat DataFrame with dotted columns (NaN = absent)."""
    return pd.DataFrame([flatten(r) for r in reps])


@settings(max_examples=12)
@given(populations(max_size=10))
def test_default_pack_matches_diagnose_many(spark: Any, reps: list[dict[str, Any]]) -> None:
    """Small populations with any value missing: the default pack, tree included."""
    assert_same_as_one_machine(spark, frame_of(reps), PACK)


@settings(max_examples=10)
@given(st.data(), populations(max_size=12))
def test_team_values_match_diagnose_many(
    spark: Any, data: st.DataObject, reps: list[dict[str, Any]]
) -> None:
    """team.* rules read the same team means and medians, computed by Spark per team,
    whatever the order of the rows and however they are partitioned."""
    book = Rulebook.from_rules(data.draw(team_rule_dicts()))
    shuffle = data.draw(st.one_of(st.none(), st.integers(1, 4)), label="partitions")
    assert_same_as_one_machine(spark, frame_of(reps), book, shuffle)


@settings(max_examples=8)
@given(rule_dicts(max_rules=8), populations(max_size=8), tree_dicts())
def test_random_packs_and_trees_match_diagnose_many(
    spark: Any, rules: list[dict[str, Any]], reps: list[dict[str, Any]], tree: dict[str, Any]
) -> None:
    """Random packs and trees travel to the workers as data and evaluate the same there."""
    built, problems = build(TreeSpec.model_validate(tree))
    assert not problems
    book = Rulebook.from_rules(rules).model_copy(update={"tree": built})
    assert_same_as_one_machine(spark, frame_of(reps), book)


def population(size: int, seed: int = 7) -> Any:
    """A synthetic population: every numeric metric, 15% missing, teams of about 8 reps."""
    from gapdiag.model.metrics import METRICS

    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {
        "rep_id": [f"rep-{i}" for i in range(size)],
        "team": [f"team-{i % (size // 8 + 1)}" for i in range(size)],
    }
    for path, kind in METRICS.items():
        if kind.is_bool:
            values = rng.integers(0, 2, size).astype(float)
        else:
            low = kind.low if kind.low is not None else 0.0
            high = kind.high if kind.high is not None else low + 200.0
            values = rng.uniform(low, min(high, low + 200.0), size)
        values[rng.random(size) < 0.15] = np.nan
        columns[path] = values
    return pd.DataFrame(columns)


def test_a_200k_row_population_matches_diagnose_many(spark: Any, tmp_path: Path) -> None:
    """200,000 rows read from Parquet, with a team rule beside the default pack's: identical
    results. Spark knows this input's size, so the rows go into the partitions
    `partitions_for` chooses (the DataFrames made in Python elsewhere are left to Spark)."""
    flat = population(200_000)
    book = Rulebook.from_rules(
        [*(r.model_dump(mode="json") for r in PACK.rules), CALLS_UNDER_TEAM], tree=PACK.tree
    )
    expected = diagnose_many(flat, rules=book).frame
    flat.assign(row=range(len(flat))).to_parquet(tmp_path / "reps.parquet")
    df = spark.read.parquet(str(tmp_path / "reps.parquet"))
    assert team_partitions(df) == 2 * TASKS_PER_CORE  # local[2], a few MB: 4 per core
    got = diagnose_spark(df, book, key="row")
    table = got.frame.toPandas().sort_values("row").reset_index(drop=True)
    assert len(table) == len(expected) == 200_000
    assert list(table.columns) == list(expected.columns)
    for column in expected.columns:
        want, have = expected[column], table[column]
        if isinstance(want.dtype, pd.CategoricalDtype):
            want = want.astype(object).where(want.notna(), None)
            have = have.astype(object).where(have.notna(), None)
        np.testing.assert_array_equal(have.to_numpy(), want.to_numpy(), err_msg=column)


def test_bad_rows_come_back_in_the_errors_frame(spark: Any) -> None:
    """Each bad cell is one error row, as diagnose_many reports it; no row is lost."""
    flat = pd.DataFrame(
        {
            "rep_id": ["ok-1", "neg-calls", "rate-25", None, "bad-date", "ok-2"],
            "team": ["a", "a", "b", "b", "", "b"],
            "period_start": ["2026-01-05", "2026-01-05", "2026-01-05", "x", "2026-13-01", None],
            "activity.calls_per_day": [40.0, -3.0, 20.0, 30.0, 25.0, None],
            "pipeline.win_rate": [0.2, 0.3, 25.0, 0.1, 0.2, 0.3],
        }
    )
    expected = diagnose_many(flat).errors
    result = diagnose_spark(spark.createDataFrame(flat.assign(row=range(6))), key="row")
    errors = result.errors.toPandas().sort_values(["row", "field"]).reset_index(drop=True)
    assert list(errors.columns) == ["row", "rep_id", "period_start", "field", "value", "reason"]
    want = expected.sort_values(["row", "field"]).reset_index(drop=True)
    assert records(errors[["row", "rep_id", "field", "value", "reason"]]) == records(want)
    missing_id = records(errors)[3]
    assert missing_id["field"] == "rep_id"
    assert missing_id["value"] is None
    assert missing_id["period_start"] == "x"
    diagnosed = result.frame.select("row").toPandas()["row"].tolist()
    assert sorted({*diagnosed, *errors["row"]}) == list(range(6))
    summary = result.summary()
    assert (summary.rows, summary.diagnosed, summary.bad_rows) == (6, 2, 4)


def test_struct_columns_and_typed_columns_read_like_dotted_ones(spark: Any) -> None:
    """Metric groups as struct columns, integers, decimals and dates give the same rows."""
    from decimal import Decimal

    from pyspark.sql import types as T

    schema = T.StructType(
        [
            T.StructField("rep_id", T.StringType()),
            T.StructField("period_start", T.DateType()),
            T.StructField(
                "activity",
                T.StructType(
                    [
                        T.StructField("calls_per_day", T.IntegerType()),
                        T.StructField("meetings_per_week", T.DecimalType(10, 2)),
                    ]
                ),
            ),
            T.StructField("knowledge.certified", T.BooleanType()),
        ]
    )
    rows = [
        ("r1", dt.date(2026, 1, 5), (12, Decimal("2.50")), True),
        ("r2", None, (None, Decimal("7.00")), None),
    ]
    got = diagnose_spark(spark.createDataFrame(rows, schema)).frame.toPandas()
    flat = pd.DataFrame(
        {
            "rep_id": ["r1", "r2"],
            "period_start": ["2026-01-05", None],
            "activity.calls_per_day": [12.0, None],
            "activity.meetings_per_week": [2.5, 7.0],
            "knowledge.certified": [True, None],
        }
    )
    want = diagnose_many(flat).frame
    assert got["period_start"].tolist() == [dt.date(2026, 1, 5), None]
    assert records(got.drop(columns="period_start")) == records(
        want.drop(columns=["row", "period_start"])
    )


def test_the_input_contract_is_checked_before_any_job(spark: Any) -> None:
    """Unknown columns, wrong types and bad keys are refused at once, naming the column."""
    base = pd.DataFrame({"rep_id": ["a"], "activity.calls_per_day": [3.0]})
    with pytest.raises(InvalidMetrics, match=r"activity\.cals_per_day: unknown field.*calls"):
        diagnose_spark(spark.createDataFrame(base.rename(columns=lambda c: c.replace("ll", "l"))))
    listed = spark.createDataFrame([("a", [1, 2])], "rep_id string, `pipeline.quota` array<int>")
    with pytest.raises(InvalidMetrics, match=r"pipeline\.quota: column of type array<int>"):
        diagnose_spark(listed)
    numbered = spark.createDataFrame([(1, 3.0)], "rep_id int, `activity.calls_per_day` double")
    with pytest.raises(InvalidMetrics, match=r"rep_id: column of type int; expected text"):
        diagnose_spark(numbered)
    both = spark.createDataFrame(
        [("a", 3.0, (4.0,))],
        "rep_id string, `activity.calls_per_day` double, activity struct<calls_per_day: double>",
    )
    with pytest.raises(InvalidMetrics, match="given twice"):
        diagnose_spark(both)
    with pytest.raises(InvalidArgument, match=r"key: no column 'snapshot'"):
        diagnose_spark(spark.createDataFrame(base), key="snapshot")
    with pytest.raises(InvalidArgument, match="is a metric"):
        diagnose_spark(spark.createDataFrame(base), key="activity.calls_per_day")


def test_key_columns_pass_through_and_expand_fired_names_rules(spark: Any) -> None:
    """A key column outside the contract is carried as is; fired bits expand to rule ids."""
    flat = frame_of([{"rep_id": "r", "activity": {"calls_per_day": 5.0}}])
    df = spark.createDataFrame(flat.assign(snapshot=["2026-w01"]))
    result = diagnose_spark(df, key="snapshot")
    row = result.expand_fired().toPandas().iloc[0]
    assert row["snapshot"] == "2026-w01"
    expected = diagnose_many(flat)
    fired = [rule for rule in result.rule_ids if row[rule]]
    assert fired == list(expected.fired(0))


def test_team_by_none_makes_one_team(spark: Any) -> None:
    """team_by=None: every rep is compared with the whole population, as diagnose_many does."""
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    flat = frame_of(
        [
            {"rep_id": f"r{i}", "team": "abc"[i % 3], "activity": {"calls_per_day": 10.0 * i}}
            for i in range(9)
        ]
    )
    expected = records(diagnose_many(flat, rules=book, team_by=None).frame)
    assert spark_rows(spark, flat, book, team_by=None) == expected


def test_a_pack_travels_as_data_and_compiles_once_per_process() -> None:
    """portable -> from_portable evaluates the same; a job compiles its packs once."""
    book = load_rules(ROOT / "rules")
    again = from_portable(portable(book))
    assert again.model_dump() == book.model_dump()
    assert again.content_hash == book.content_hash
    first = Job.of([book], DEFAULT_TARGETS, (), ("rep_id",), ()).compiled()
    assert first[0][0].model_dump() == book.model_dump()
    assert Job.of([book], DEFAULT_TARGETS, (), ("rep_id",), ()).compiled() is first


def test_import_gapdiag_never_imports_pyspark() -> None:
    """Only gapdiag.spark imports pyspark; the library and diagnose_many do not."""
    code = (
        "import sys, gapdiag, gapdiag.engines.vector.batch; gapdiag.diagnose_many; "
        "assert 'pyspark' not in sys.modules, 'pyspark imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_team_by_another_column_or_the_rep_groups_as_diagnose_many_does(spark: Any) -> None:
    """team_by naming a column outside the contract (squad), or rep_id (each rep its own team):
    the rows are shuffled by that column, and the medians are diagnose_many's."""
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    flat = frame_of(
        [
            {"rep_id": f"r{i}", "team": "abc"[i % 3], "activity": {"calls_per_day": 10.0 * i}}
            for i in range(9)
        ]
    ).assign(squad=[None, "x", "y", "x", "y", "x", "y", "x", None])
    for team_by, rows in (("squad", flat), ("rep_id", flat.drop(columns="squad"))):
        expected = records(diagnose_many(rows, rules=book, team_by=team_by).frame)
        assert spark_rows(spark, rows, book, team_by=team_by) == expected, team_by


def test_the_summary_counts_and_groups_as_diagnose_many_does(spark: Any) -> None:
    """summary(): rows, standings, outcomes, gaps, the grouping column and how many teams, as
    diagnose_many's summary says them (standing_needs aside: Spark's results carry no
    input figures), whether the grouping column is carried into the results or not."""
    flat = frame_of(
        [
            {
                "rep_id": f"r{i}",
                "team": "abc"[i % 3],
                "activity": {"calls_per_day": 10.0 * i},
                "pipeline": {"quota": 100.0, "closed_won": 30.0 * i},
            }
            for i in range(9)
        ]
    ).assign(squad=[None, "x", "y", "x", "y", "x", "y", "x", None])
    for team_by in (None, "team", "squad", "rep_id"):
        rows = flat if team_by == "squad" else flat.drop(columns="squad")
        want = diagnose_many(rows, team_by=team_by).summary.model_dump(exclude={"standing_needs"})
        got = diagnose_spark(spark.createDataFrame(rows), team_by=team_by).summary()
        assert got.model_dump(exclude={"standing_needs"}) == want, team_by
    assert want["teams"] == 9  # each rep its own team
    alone = diagnose_spark(spark.createDataFrame(flat.drop(columns=["team", "squad"])))
    no_team = alone.summary()
    assert (no_team.team_by, no_team.teams) == (None, 1)


@given(st.integers(0, 2**63 - 1), st.integers(1, 512))
def test_partitions_are_a_multiple_of_the_cores_or_left_to_spark(size: int, cores: int) -> None:
    """A known input of moderate size goes into whole rounds of tasks, one or
    TASKS_PER_CORE per core, each at most TASK_BYTES of input; a larger or unknown one
    (Spark's 2**63 - 1) is Spark's to split."""
    chosen = partitions_for(size, cores)
    if size > cores * TASKS_PER_CORE * TASK_BYTES:
        assert chosen is None
    else:
        assert chosen == cores * (1 if size <= cores * SMALL_BYTES else TASKS_PER_CORE)
        assert size <= chosen * TASK_BYTES
    assert partitions_for(2**63 - 1, cores) is None


def test_an_input_of_unknown_size_is_partitioned_by_spark(spark: Any) -> None:
    """Rows from an RDD have no size estimate: Spark's coalescing splits them by team, and
    the team values are still diagnose_many's."""
    flat = population(3_000).assign(row=range(3_000))
    book = Rulebook.from_rules([CALLS_UNDER_TEAM])
    known = spark.createDataFrame(flat)
    df = spark.createDataFrame(known.rdd, known.schema)
    assert team_partitions(known) is not None
    assert team_partitions(df) is None
    expected = records(diagnose_many(flat.drop(columns="row"), rules=book).frame)
    result = diagnose_spark(df, book, key="row").frame.toPandas()
    got = records(result.sort_values("row").reset_index(drop=True))
    assert got == expected
