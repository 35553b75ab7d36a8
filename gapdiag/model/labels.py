"""Human labels for metric paths: what a person reads instead of ``activity.calls_per_day``.

A minimal registry (the shared API: `label_of` and `show`): every input metric, derived
quantity (``derived.*``), target (``target.*``) and team value (``team.mean.*``,
``team.median.*``) gets a label, a unit and an owner; `show` formats a value with its unit.
Unknown paths get a humanized fallback, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

Owner = Literal["rep", "manager", "organization"]
Format = Literal["count", "pct", "money", "x", "rating", "commitment", "bool", "num"]


@dataclass(frozen=True, slots=True)
class MetricLabel:
    """How a person reads one path: label, unit, who can move it."""

    path: str
    label: str
    unit: str
    owner: Owner
    format: Format = "num"


# path -> (label, unit words after a count, owner, format)
_BASE: dict[str, tuple[str, str, Owner, Format]] = {
    "tenure_months": ("Tenure", "months", "organization", "count"),
    "activity.calls_per_day": ("Calls per day", "calls a day", "rep", "count"),
    "activity.emails_per_day": ("Emails per day", "emails a day", "rep", "count"),
    "activity.meetings_per_week": ("Meetings per week", "meetings a week", "rep", "count"),
    "activity.avg_call_minutes": ("Average call length", "minutes", "rep", "count"),
    "activity.meeting_to_opportunity_rate": (
        "Meeting-to-opportunity conversion",
        "",
        "rep",
        "pct",
    ),
    "pipeline.quota": ("Quota", "", "organization", "money"),
    "pipeline.closed_won": ("Closed won", "", "rep", "money"),
    "pipeline.commit": ("Committed deals", "", "rep", "money"),
    "pipeline.open_pipeline": ("Open pipeline", "", "rep", "money"),
    "pipeline.win_rate": ("Win rate", "", "rep", "pct"),
    "pipeline.avg_deal_age_days": ("Average deal age", "days", "rep", "count"),
    "pipeline.sales_cycle_days": ("Sales cycle", "days", "rep", "count"),
    "pipeline.stage_conversion_rate": ("Stage conversion", "", "rep", "pct"),
    "calls.discovery_questions_per_call": (
        "Discovery questions per call",
        "questions a call",
        "rep",
        "count",
    ),
    "calls.open_question_ratio": ("Share of open questions", "", "rep", "pct"),
    "calls.talk_ratio": ("Rep talk share", "", "rep", "pct"),
    "calls.longest_monologue_seconds": ("Longest monologue", "seconds", "rep", "count"),
    "calls.objection_handling_score": ("Objection handling", "of 5", "rep", "rating"),
    "calls.rubric_score": ("Call-review rubric score", "of 5", "rep", "rating"),
    "ownership.forecast_accuracy": ("Forecast accuracy", "", "rep", "pct"),
    "ownership.states_gap_unprompted": ("States gap to goal unprompted", "", "rep", "bool"),
    "ownership.plan_submission_rate": ("Plans submitted on time", "", "rep", "pct"),
    "ownership.self_sourced_pipeline_share": ("Self-sourced pipeline", "", "rep", "pct"),
    "ownership.deflections_per_one_on_one": (
        "Deflections per 1:1",
        "deflections a 1:1",
        "rep",
        "count",
    ),
    "ownership.commitment_score": ("Commitment", "of 10", "rep", "commitment"),
    "territory.lead_volume_vs_team": ("Lead volume vs team", "", "organization", "x"),
    "territory.lead_quality_score": ("Lead quality", "of 5", "organization", "rating"),
    "territory.territory_size_vs_team": ("Territory size vs team", "", "organization", "x"),
    "territory.lead_routing_ok": ("Lead routing works", "", "organization", "bool"),
    "territory.manager_coaching_hours_per_week": (
        "Manager coaching time",
        "hours a week",
        "manager",
        "count",
    ),
    "knowledge.product_quiz_score": ("Product quiz score", "", "rep", "pct"),
    "knowledge.certified": ("Certified", "", "rep", "bool"),
    "knowledge.competitor_positioning_score": (
        "Competitor positioning",
        "of 5",
        "rep",
        "rating",
    ),
    "knowledge.comp_plan_understood": ("Understands the comp plan", "", "rep", "bool"),
    "derived.gap_to_goal": ("Gap to goal", "", "rep", "money"),
    "derived.expected_from_pipeline": ("Expected from pipeline", "", "rep", "money"),
    "derived.pipeline_needed": ("Pipeline needed", "", "rep", "money"),
    "derived.coverage": ("Pipeline coverage", "", "rep", "x"),
    "derived.required_coverage": ("Coverage needed at this win rate", "", "rep", "x"),
    "derived.pipeline_shortfall": ("Pipeline shortfall", "", "rep", "money"),
    "derived.attainment": ("Quota attainment", "", "rep", "pct"),
    "derived.calls_vs_plan": ("Calls vs plan", "", "rep", "pct"),
    "derived.emails_vs_plan": ("Emails vs plan", "", "rep", "pct"),
    "derived.meetings_vs_plan": ("Meetings vs plan", "", "rep", "pct"),
    "derived.calls_per_meeting": ("Calls per meeting booked", "calls", "rep", "count"),
}

_TARGETS: dict[str, tuple[str, str]] = {
    "calls_per_day": ("Planned calls per day", "activity.calls_per_day"),
    "emails_per_day": ("Planned emails per day", "activity.emails_per_day"),
    "meetings_per_week": ("Planned meetings per week", "activity.meetings_per_week"),
    "discovery_call_minutes": ("Minimum discovery call length", "activity.avg_call_minutes"),
    "meeting_to_opportunity_rate": (
        "Target meeting-to-opportunity conversion",
        "activity.meeting_to_opportunity_rate",
    ),
    "pipeline_coverage": ("Target pipeline coverage", "derived.coverage"),
    "max_deal_age_days": ("Maximum average deal age", "pipeline.avg_deal_age_days"),
    "manager_coaching_hours_per_week": (
        "Manager coaching time needed",
        "territory.manager_coaching_hours_per_week",
    ),
    "talk_ratio": ("Target talk share", "calls.talk_ratio"),
    "talk_ratio_low": ("Lowest healthy talk share", "calls.talk_ratio"),
    "talk_ratio_high": ("Highest healthy talk share", "calls.talk_ratio"),
    "discovery_questions_per_call": (
        "Target discovery questions per call",
        "calls.discovery_questions_per_call",
    ),
    "ramp_months": ("Ramp period", "tenure_months"),
    "commitment_score": ("Commitment needed", "ownership.commitment_score"),
    "forecast_accuracy": ("Target forecast accuracy", "ownership.forecast_accuracy"),
    "plan_submission_rate": ("Target on-time plans", "ownership.plan_submission_rate"),
    "product_quiz_score": ("Passing product quiz score", "knowledge.product_quiz_score"),
    "competitor_positioning_score": (
        "Acceptable competitor positioning",
        "knowledge.competitor_positioning_score",
    ),
    "lead_volume_floor": ("Lowest healthy lead volume vs team", "territory.lead_volume_vs_team"),
    "territory_size_floor": (
        "Smallest healthy territory vs team",
        "territory.territory_size_vs_team",
    ),
    "rubric_score": ("Acceptable rubric score", "calls.rubric_score"),
    "objection_handling_score": (
        "Acceptable objection handling",
        "calls.objection_handling_score",
    ),
}
_TEAM = {"mean": "Team average", "median": "Team median"}


@cache
def label_of(path: str) -> MetricLabel:
    """The label, unit and owner of a path; a humanized fallback for unknown paths."""
    if path in _BASE:
        label, unit, owner, fmt = _BASE[path]
        return MetricLabel(path, label, unit, owner, fmt)
    head, _, rest = path.partition(".")
    if head == "target" and rest in _TARGETS:
        label, like = _TARGETS[rest]
        base = label_of(like)
        return MetricLabel(path, label, base.unit, "manager", base.format)
    if head == "team" and "." in rest:
        stat, _, metric = rest.partition(".")
        if stat in _TEAM:
            base = label_of(metric)
            label = f"{_TEAM[stat]} {base.label[:1].lower()}{base.label[1:]}"
            return MetricLabel(path, label, base.unit, "organization", base.format)
    words = path.rsplit(".", 1)[-1].replace("_", " ").strip() or path
    return MetricLabel(path, words[:1].upper() + words[1:], "", "rep", "num")


def show(path: str, value: float | bool | None) -> str:
    """A value of `path` as a person reads it: '14 calls a day', '$90,000', '25%', '3.0x'."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    label = label_of(path)
    fmt = label.format
    if fmt == "pct":
        return f"{_trim(value * 100, 1)}%"
    if fmt == "money":
        return f"-${-value:,.0f}" if value < 0 else f"${value:,.0f}"
    if fmt == "x":  # 3.0x, 0.63x: two places where they matter
        return f"{_trim(value, 2) if value != round(value, 1) else f'{value:.1f}'}\u00d7"
    number = _trim(value, 1 if fmt in ("rating", "count") else 2)
    return f"{number} {label.unit}" if label.unit else number


def _trim(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
