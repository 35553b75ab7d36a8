"""The floor for diagnose_many: a pack's conditions evaluated over columns with plain numpy.

What a hand-written vectorized evaluation of the same pack must do at least: read each
metric column once (NaN where absent, or where a rate rests on too few observations:
`gapdiag.model.basis`), compute the derived quantities the rules read,
each team's medians (and means) with one partition of the rows by team, and every
rule's condition in three-valued logic. A value is a float array: a number, or NaN for
unknown; a condition is two masks, surely true and surely false. No validation, no
verdicts, no result frame: those are the work diagnose_many adds. `check` holds the
floor to diagnose_many's answers (which rules fired for which rep) on a sample.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from gapdiag.model.basis import BASES
from gapdiag.model.metrics import Targets
from gapdiag.rulebook import expr as x
from gapdiag.rulebook.facts import target_facts
from gapdiag.rulebook.pack import Rulebook

Array = Any
RAMP_FLOOR = 0.25
WORK_DAYS = 5.0


def _ratio(top: Array, bottom: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(bottom == 0, np.nan, top / bottom)


def derived(col: Callable[[str], Array], t: Targets) -> dict[str, Array]:
    """Every derived quantity, as `gapdiag.model.derived` defines it, over whole columns."""
    quota, won, commit = col("pipeline.quota"), col("pipeline.closed_won"), col("pipeline.commit")
    win, pipe = col("pipeline.win_rate"), col("pipeline.open_pipeline")
    calls, meetings = col("activity.calls_per_day"), col("activity.meetings_per_week")
    tenure = col("tenure_months")
    gap = quota - won - commit
    expected = pipe * win
    ramping = (t.ramp_months > 0) & (tenure < t.ramp_months)  # False where tenure is NaN
    factor = np.where(ramping, np.maximum(RAMP_FLOOR, tenure / t.ramp_months), 1.0)
    cover = np.where(gap <= 0, np.nan, _ratio(pipe, gap))
    required = _ratio(1.0, win)
    needed = np.where(np.isnan(required), t.pipeline_coverage, required)
    converts = _ratio(meetings, calls * WORK_DAYS)
    planned = t.meetings_per_week / (t.calls_per_day * WORK_DAYS)
    values = {
        "gap_to_goal": gap,
        "expected_from_pipeline": expected,
        "pipeline_needed": _ratio(gap, win),
        "coverage": cover,
        "required_coverage": required,
        "pipeline_shortfall": gap - expected,
        "attainment": _ratio(won, quota),
        "calls_vs_plan": _ratio(calls, t.calls_per_day * factor),
        "emails_vs_plan": _ratio(col("activity.emails_per_day"), t.emails_per_day * factor),
        "meetings_vs_plan": _ratio(meetings, t.meetings_per_week * factor),
        "calls_per_meeting": _ratio(calls * WORK_DAYS, meetings),
        "calls_to_meetings": converts,
        "conversion_vs_plan": _ratio(converts, planned),
        "coverage_needed": needed,
        "coverage_vs_needed": _ratio(cover, needed),
    }
    return {f"derived.{k}": np.where(np.isfinite(v), v, np.nan) for k, v in values.items()}


def team_values(col: Callable[[str], Array], teams: Array, names: list[str]) -> dict[str, Array]:
    """Each ``team.<stat>.<metric>`` name per row: its team's median (or mean), one partition."""
    codes, _ = pd.factorize(teams, use_na_sentinel=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    groups = np.split(order, bounds)
    out = {}
    for name in names:
        _, stat, path = name.split(".", 2)
        values = col(path)
        reduce = np.nanmedian if stat == "median" else np.nanmean
        per_row = np.full(len(values), np.nan)
        for rows in groups:
            if codes[rows[0]] >= 0:
                known = values[rows]
                known = known[~np.isnan(known)]
                if len(known):
                    per_row[rows] = reduce(known)
        out[name] = per_row
    return out


def evaluate(book: Rulebook, frame: pd.DataFrame, t: Targets, team_by: str = "team") -> Array:
    """Every rule's outcome per row as two masks (rows x rules): surely true, surely false.

    NaN compares false both ways, so ``a < b`` is the true mask and ``a >= b`` the false
    one, with no test for unknowns; only a division by zero needs one. Kleene logic is
    then plain mask algebra: and = (all true, any false), or = (any true, all false).
    """
    cache: dict[str, Array] = {}
    given: dict[str, Array] = {}

    def raw(path: str) -> Array:
        if path not in given:  # each column converted once, however many bases read it
            given[path] = (
                frame[path].to_numpy(dtype=np.float64, na_value=np.nan)
                if path in frame.columns
                else np.full(len(frame), np.nan)
            )
        return given[path]

    def col(path: str) -> Array:
        if path not in cache:
            cache[path] = raw(path)
            basis = BASES.get(path)
            if basis is not None:  # a rate on too few observations is read as unknown
                count = raw(basis.count)
                if basis.none_when is not None:  # a 0 beside it: it rests on nothing
                    count = np.where(np.isnan(count) & (raw(basis.none_when) == 0), 0.0, count)
                cache[path] = np.where(count < basis.too_few, np.nan, cache[path])
        return cache[path]

    names = sorted({n.path for c in book.compiled for n in _names(c.condition)})
    targets = target_facts(t)
    values = derived(col, t)
    teams = [n for n in names if n.startswith("team.")]
    if teams:
        # team medians read every rep's value as given, as diagnose_many's do
        values |= team_values(raw, frame[team_by].to_numpy(dtype=object), teams)

    def number(node: x.Node) -> Array:
        if isinstance(node, x.Num):
            return node.value
        if isinstance(node, x.Name):
            if node.path.startswith("target."):
                return float(targets[node.path])
            return values[node.path] if node.path in values else col(node.path)
        if isinstance(node, x.Neg):
            return -number(node.operand)
        if isinstance(node, x.Call):
            args = [number(a) for a in node.args]
            if node.func == "abs":
                return np.abs(args[0])
            pick = np.minimum if node.func == "min" else np.maximum
            out = args[0]
            for arg in args[1:]:
                out = pick(out, arg)
            return out
        assert isinstance(node, x.BinOp)
        a, b = number(node.left), number(node.right)
        if node.op != "/":
            return {"+": np.add, "-": np.subtract, "*": np.multiply}[node.op](a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.divide(a, b)
        if np.ndim(b):
            out[b == 0] = np.nan
        elif b == 0:
            out = np.nan
        return out

    def condition(node: x.Node) -> tuple[Array, Array]:
        if isinstance(node, x.Name):
            v = col(node.path)
            return v == 1.0, v == 0.0
        if isinstance(node, x.Compare):
            a, b = number(node.left), number(node.right)
            if node.op in ("==", "!="):
                equal, differ = a == b, (a < b) | (a > b)
                return (equal, differ) if node.op == "==" else (differ, equal)
            return _CMP[node.op](a, b), _CMP[_NOT[node.op]](a, b)
        if isinstance(node, x.Not):
            true, false = condition(node.operand)
            return false, true
        parts = [condition(i) for i in node.items]  # type: ignore[attr-defined]
        trues = [p[0] for p in parts]
        falses = [p[1] for p in parts]
        if isinstance(node, x.And):
            return np.logical_and.reduce(trues), np.logical_or.reduce(falses)
        return np.logical_or.reduce(trues), np.logical_and.reduce(falses)

    rows = len(frame)
    pairs = [condition(c.condition) for c in book.compiled]
    true = np.column_stack([np.broadcast_to(p[0], rows) for p in pairs])
    false = np.column_stack([np.broadcast_to(p[1], rows) for p in pairs])
    return true, false


_CMP = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
_NOT = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _names(node: x.Node) -> list[x.Name]:
    if isinstance(node, x.Name):
        return [node]
    return [n for child in x.children(node) for n in _names(child)]


def check(book: Rulebook, frame: pd.DataFrame, t: Targets, batch_frame: pd.DataFrame) -> None:
    """Raise unless the floor fires exactly the rules diagnose_many fired, rep by rep."""
    true, _ = evaluate(book, frame, t)
    for index in range(len(book.compiled)):
        word = batch_frame[f"fired_{index // 63}"].to_numpy(dtype=np.int64)
        fired = (word >> np.int64(index % 63)) & 1 == 1
        if not np.array_equal(fired, true[:, index]):
            rule = book.compiled[index].id
            raise SystemExit(f"the numpy floor and diagnose_many disagree on rule {rule}")
