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
from gapdiag.spark._worker import ERROR_IDENTITY, IDENTITY, TEAM_KEY, Label, label_layout

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
    """The Spark schema of the workers' results: the carried columns, the numbers, the codes.

    The label columns cross as codes (``_worker.label_layout``); `named` turns them back
    into the columns of `diagnose_many`.
    """
    fields = _carried(prepared, IDENTITY)
    fields.extend(T.StructField(f"{gap}.confidence", T.DoubleType()) for gap in GAPS)
    fields.append(T.StructField("pip_blocked", T.BooleanType()))
    fields.extend(T.StructField(name, T.LongType()) for name in _fired(book))
    words = dict.fromkeys(label.word for label in label_layout(book))
    fields.extend(T.StructField(word, T.LongType()) for word in words)
    return T.StructType(fields)


def named(frame: DataFrame, prepared: Prepared, book: Rulebook) -> DataFrame:
    """The workers' results with their labels, in the columns and order of `diagnose_many`."""
    labels = {label.name: _label(label) for label in label_layout(book)}
    columns = [quoted(field.name) for field in _carried(prepared, IDENTITY)]
    columns += [labels[n] for n in ("standing", "primary_gap", "leading_gap", "outcome")]
    for gap in GAPS:
        columns += [quoted(f"{gap}.confidence"), labels[f"{gap}.status"]]
    columns += [quoted("pip_blocked"), *(quoted(name) for name in _fired(book))]
    columns += [labels[n] for n in ("tree_leaf", "tree_stop") if n in labels]
    return frame.select(*columns)


def _fired(book: Rulebook) -> list[str]:
    return [f"fired_{w}" for w in range(max(1, -(-len(book.compiled) // WORD_BITS)))]


def _label(label: Label) -> Column:
    """A label column from its code: null for 0, else the label at code - 1."""
    if not label.labels:
        return F.lit(None).cast(T.StringType()).alias(label.name)
    code = F.shiftright(quoted(label.word), label.shift).bitwiseAND((1 << label.bits) - 1)
    table = F.array(*(F.lit(text) for text in label.labels))
    return F.get(table, (code - 1).cast(T.IntegerType())).alias(label.name)


def errors_schema(prepared: Prepared) -> T.StructType:
    """The Spark schema of the errors: row key and identity, then field, value, reason."""
    fields = _carried(prepared, ERROR_IDENTITY)
    fields.extend(T.StructField(n, T.StringType()) for n in ("field", "value", "reason"))
    return T.StructType(fields)


def _carried(prepared: Prepared, identity: tuple[str, ...]) -> list[T.StructField]:
    schema = prepared.frame.schema
    names = dict.fromkeys(n for n in (*prepared.key, *identity) if n in schema.fieldNames())
    return [T.StructField(n, schema[n].dataType) for n in names]
