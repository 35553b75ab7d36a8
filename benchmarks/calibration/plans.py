"""Coaching plans for a sample of reps, to count escalations where none is due.

Each sampled rep gets six to eight weeks of weekly figures drawn around their own period
figures, with no coaching effect: nothing moves, because for a rep ahead or on track there
is nothing to fix. Each week is the period to date as of its Friday (closed-won so far
against the period's quota), as `gapdiag ingest --every week` writes it, the last one as of
the rep's own `as_of`; a rep whose figures name no `as_of`, and a week before the period
starts, get the week's activity only. `gapdiag.plan` then builds the rep's plan with that
history, coaching counted from the first week; a PIP review or a fit conversation on a rep
ahead or on track is a false alarm.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np

import gapdiag

ESCALATIONS = frozenset({"pip-review", "fit-conversation"})
"""Escalation actions aimed at the rep (fixing the system is aimed at the organization)."""
_LAST_WEEK = dt.date(2026, 6, 29)
"""The last coached week of a rep whose record has no dates."""


def _week_of(record: Mapping[str, Any]) -> dt.date:
    """The Monday of the week the record's figures run to."""
    day = record.get("as_of") or record.get("period_end")
    if day is None:
        return _LAST_WEEK
    date = dt.date.fromisoformat(day)
    return date - dt.timedelta(days=date.weekday())


def weekly_history(
    record: Mapping[str, Any], rng: np.random.Generator, weeks: int
) -> list[dict[str, Any]]:
    """`weeks` weekly rows, oldest first, drawn around the record's own figures."""
    last = _week_of(record)
    start, end, day = record.get("period_start"), record.get("period_end"), record.get("as_of")
    rows = []
    for back in range(weeks - 1, -1, -1):
        monday = last - dt.timedelta(weeks=back)
        friday = monday + dt.timedelta(days=4)
        row: dict[str, Any] = {"rep_id": record["rep_id"]}
        figures = _week(record, rng, (weeks - back) / weeks)
        if start and end and day and friday >= dt.date.fromisoformat(start):
            as_of = min(friday, dt.date.fromisoformat(day))
            row |= {"period_start": start, "period_end": end, "as_of": str(as_of)}
        else:  # no day the figures run to: the week's own activity only
            row["period_start"] = str(monday)
            figures.pop("pipeline")
        row.update({g: values for g, values in figures.items() if values})
        rows.append(row)
    return rows


def _week(record: Mapping[str, Any], rng: np.random.Generator, share: float) -> dict[str, Any]:
    activity, ownership = record.get("activity", {}), record.get("ownership", {})
    pipeline = record.get("pipeline", {})
    out: dict[str, dict[str, Any]] = {"activity": {}, "ownership": {}, "pipeline": {}}
    for name in ("calls_per_day", "emails_per_day"):
        if name in activity:
            out["activity"][name] = float(rng.poisson(activity[name] * 5)) / 5
    meetings = None
    if "meetings_per_week" in activity:
        meetings = int(rng.poisson(activity["meetings_per_week"]))
        out["activity"]["meetings_per_week"] = float(meetings)
    rate = activity.get("meeting_to_opportunity_rate")
    if rate is not None and meetings:
        out["activity"]["meeting_to_opportunity_rate"] = rng.binomial(meetings, rate) / meetings
    if "forecast_accuracy" in ownership:
        value = ownership["forecast_accuracy"] + rng.normal(0, 0.04)
        out["ownership"]["forecast_accuracy"] = float(np.clip(value, 0, 1))
    if "plan_submission_rate" in ownership:
        on_time = rng.random() < ownership["plan_submission_rate"]
        out["ownership"]["plan_submission_rate"] = 1.0 if on_time else 0.0
    if "commitment_score" in ownership:
        value = round(ownership["commitment_score"] + rng.normal(0, 0.4))
        out["ownership"]["commitment_score"] = float(np.clip(value, 1, 10))
    if "states_gap_unprompted" in ownership:
        out["ownership"]["states_gap_unprompted"] = ownership["states_gap_unprompted"]
    if "quota" in pipeline and "closed_won" in pipeline:
        out["pipeline"]["quota"] = pipeline["quota"]
        out["pipeline"]["closed_won"] = round(pipeline["closed_won"] * share, -2)
    return out


def escalates(
    metrics: Mapping[str, Any],
    record: Mapping[str, Any],
    *,
    seed: int,
    team: gapdiag.TeamStats | None = None,
    rules: gapdiag.Rulebook | None = None,
) -> bool:
    """Whether the rep's plan, after six to eight flat weeks, escalates on the rep."""
    rng = np.random.default_rng(seed)
    rows = weekly_history(record, rng, int(rng.integers(6, 9)))
    history = gapdiag.history_from_rows(rows)
    start = history.starts[-1] + dt.timedelta(weeks=1)
    since = history.starts[0]  # coaching began with the first week
    plan = gapdiag.plan(
        metrics, start=start, since=since, history=history, team=team, rules=rules, tz="UTC"
    )
    escalation = plan.escalation
    if escalation is None:
        return False
    return escalation.pip_recommended or escalation.action in ESCALATIONS
