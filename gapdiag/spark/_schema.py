"""A Spark DataFrame's columns checked against the input contract, before any job runs.

Metric columns may be dotted names (``activity.calls_per_day``) or struct columns named
after a metric group (``activity`` holding ``calls_per_day``); both become one flat
column per metric path. Unknown columns, wrong column types and duplicate metrics are
refused here, on the driver, naming the column, its type and what was expected. Numbers
of any width, and decimals, are read as float64, as a pandas column would be; flags may be
boolean or 0/1 numbers; text columns are read cell by cell, like CSV cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

from gapdiag.engines.vector._population import DATES, TEXT, _check_columns
from gapdiag.engines.vector._verdicts import WORD_BITS
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.gaps import GAPS
from gapdiag.model.metrics import METRICS
from gapdiag.rulebook.pack import Rulebook
from gapdiag.spark._worker import ERROR_IDENTITY, IDENTITY, TEAM_KEY

_NUMBERS = (T.ByteType, T.ShortType, T.IntegerType, T.LongType, T.FloatType, T.DoubleType)
_GROUPS = frozenset(path.split(".", 1)[0] for path in METRICS if "." in path)


def quoted(name: str) -> Column:
    """A column by its exact name, dots and all."""
    return F.col("`" + name.replace("`", "``") + "`")


@dataclass(frozen=True)
class Prepared:
    """The input as flat contract columns, the row key, and the team key when one is needed."""

    frame: DataFrame
    key: tuple[str, ...]
    contract: tuple[str, ...]


def prepare(
    df: DataFrame, key: str | Sequence[str] | None, team_by: str | None, team: bool
) -> Prepared:
    """Select the row key and the contract columns (flattened, numbers as double).

    Raises:
        InvalidMetrics: an unknown column, a metric given twice, or a column of a type
            its field cannot hold.
        InvalidArgument: a key column that does not exist or is a metric.
    """
    keys = _keys(df, key)
    flat: dict[str, tuple[Column, T.DataType]] = {}
    problems: list[Problem] = []
    for field in df.schema.fields:
        if field.name in keys and field.name not in IDENTITY:
            continue
        if field.name == team_by and field.name not in TEXT:
            continue
        if isinstance(field.dataType, T.StructType) and field.name in _GROUPS:
            parts = [
                (f"{field.name}.{sub.name}", quoted(field.name).getField(sub.name), sub.dataType)
                for sub in field.dataType.fields
            ]
        else:
            parts = [(field.name, quoted(field.name), field.dataType)]
        for name, column, kind in parts:
            if name in flat:
                problems.append(Problem(name, "is given twice (as a column and in a struct)"))
            flat[name] = (column, kind)
    if problems:
        raise InvalidMetrics(problems)
    _check_columns(list(flat), team_by)
    columns = [_typed(name, column, kind) for name, (column, kind) in flat.items()]
    selected = [quoted(k) for k in keys if k not in flat] + columns
    if team:
        selected.append(_team_key(df, team_by).alias(TEAM_KEY))
    return Prepared(df.select(*selected), keys, tuple(flat))


def _keys(df: DataFrame, key: str | Sequence[str] | None) -> tuple[str, ...]:
    keys = (key,) if isinstance(key, str) else tuple(key or ())
    names = df.columns
    for name in keys:
        if name not in names:
            raise InvalidArgument(
                f"key: no column {name!r} in the DataFrame{did_you_mean(name, names)}"
            )
        if name in METRICS:
            raise InvalidArgument(f"key: {name!r} is a metric; a row key names the row")
    return keys


def _typed(name: str, column: Column, kind: T.DataType) -> Column:
    if name in TEXT:
        expected = "text (string)"
        ok = isinstance(kind, T.StringType | T.NullType)
    elif name in DATES:
        expected = "a date, or text as YYYY-MM-DD"
        ok = isinstance(kind, T.DateType | T.StringType | T.NullType)
    else:
        expected = "numbers, true/false, or text"
        if isinstance(kind, (*_NUMBERS, T.DecimalType, T.NullType)):
            return column.cast(T.DoubleType()).alias(name)
        ok = isinstance(kind, T.BooleanType | T.StringType)
    if not ok:
        raise InvalidMetrics(
            [Problem(name, f"column of type {kind.simpleString()}; expected {expected}")]
        )
    return column.alias(name)


def _team_key(df: DataFrame, team_by: str | None) -> Column:
    """The column reps are grouped by: the team column, or one constant (one team).

    As in `diagnose_many`, a DataFrame without the default ``team`` column is one team.
    """
    if team_by is None or team_by not in df.columns:
        return F.lit(0)
    return quoted(team_by)


def result_schema(prepared: Prepared, book: Rulebook) -> T.StructType:
    """The Spark schema of `diagnose_spark`'s results (that of `diagnose_many`, keyed)."""
    fields = _carried(prepared, IDENTITY)
    fields.append(T.StructField("standing", T.StringType()))
    fields.append(T.StructField("primary_gap", T.StringType()))
    fields.append(T.StructField("leading_gap", T.StringType()))
    fields.append(T.StructField("outcome", T.StringType()))
    for gap in GAPS:
        fields.append(T.StructField(f"{gap}.confidence", T.DoubleType()))
        fields.append(T.StructField(f"{gap}.status", T.StringType()))
    fields.append(T.StructField("pip_blocked", T.BooleanType()))
    words = max(1, -(-len(book.compiled) // WORD_BITS))
    fields.extend(T.StructField(f"fired_{w}", T.LongType()) for w in range(words))
    if book.tree is not None:
        fields.append(T.StructField("tree_leaf", T.StringType()))
        fields.append(T.StructField("tree_stop", T.StringType()))
    return T.StructType(fields)


def errors_schema(prepared: Prepared) -> T.StructType:
    """The Spark schema of the errors: row key and identity, then field, value, reason."""
    fields = _carried(prepared, ERROR_IDENTITY)
    fields.extend(T.StructField(n, T.StringType()) for n in ("field", "value", "reason"))
    return T.StructType(fields)


def _carried(prepared: Prepared, identity: tuple[str, ...]) -> list[T.StructField]:
    schema = prepared.frame.schema
    names = dict.fromkeys(n for n in (*prepared.key, *identity) if n in schema.fieldNames())
    return [T.StructField(n, schema[n].dataType) for n in names]
