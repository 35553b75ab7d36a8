"""The input contract: one rep's metrics for one period, and the targets they are judged against.

Every field except ``rep_id`` is optional; an absent value means *unknown*, never zero.
Rates and shares are fractions in [0, 1], ratings 1-5, commitment 1-10, and the
``*_vs_team`` values are ratios to the team average (1.0 = average).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from . import _kinds as k
from ._validation import problems_from
from .errors import InvalidMetrics, Problem


class _Strict(BaseModel):
    """A frozen model whose validation errors surface as InvalidMetrics, never ValidationError."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise InvalidMetrics(problems_from(error, type(self))) from None

    # Tell pydantic this is still the base __init__, so nested groups are validated by
    # pydantic-core directly and their errors keep their full location.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, *args: Any, **kwargs: Any) -> Self:
        """Validate a mapping into this model, raising InvalidMetrics on bad input."""
        try:
            return super().model_validate(obj, *args, **kwargs)
        except ValidationError as error:
            raise InvalidMetrics(problems_from(error, cls)) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any) -> Self:
        """Validate a JSON document into this model, raising InvalidMetrics on bad input."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as error:
            raise InvalidMetrics(problems_from(error, cls)) from None


class Activity(_Strict):
    """How much the rep sells: the volume side of the first split."""

    calls_per_day: k.number(k.COUNT, "Outbound calls per working day.")
    emails_per_day: k.number(k.COUNT, "Prospecting emails per working day.")
    meetings_per_week: k.number(k.COUNT, "Meetings booked per week.")
    avg_call_minutes: k.number(k.MINUTES, "Average length of a connected call, in minutes.")
    meeting_to_opportunity_rate: k.number(k.FRACTION, "Share of meetings that became opportunities.")


class Pipeline(_Strict):
    """What the rep's pipeline can still produce this period."""

    quota: k.number(k.MONEY, "The rep's quota for the period.")
    closed_won: k.number(k.MONEY, "Revenue already won in the period.")
    commit: k.number(k.MONEY, "Revenue the rep has committed to close in the period.")
    open_pipeline: k.number(k.MONEY, "Open pipeline value that could still close in the period.")
    win_rate: k.number(k.FRACTION, "Historical share of opportunities won.")
    avg_deal_age_days: k.number(k.DAYS, "Average age of open deals, in days.")
    sales_cycle_days: k.number(k.DAYS, "Average days from opportunity to close.")
    stage_conversion_rate: k.number(k.FRACTION, "Share of deals that advance out of their stage.")


class Calls(_Strict):
    """How well the rep sells: quality measured on recorded calls."""

    discovery_questions_per_call: k.number(k.COUNT, "Questions asked in a discovery call.")
    open_question_ratio: k.number(k.FRACTION, "Share of questions that are open-ended.")
    talk_ratio: k.number(k.FRACTION, "Share of call time the rep is talking.")
    longest_monologue_seconds: k.number(k.SECONDS, "Longest uninterrupted rep monologue.")
    objection_handling_score: k.number(k.RATING, "Objection handling, rated 1-5.")
    rubric_score: k.number(k.RATING, "Call review rubric score, rated 1-5.")


class Ownership(_Strict):
    """Whether the rep owns their number: the will side of the diagnosis."""

    forecast_accuracy: k.number(k.FRACTION, "How close the called number came to the actual.")
    states_gap_unprompted: k.flag("Can state gap-to-goal without looking it up.")
    plan_submission_rate: k.number(k.FRACTION, "Share of plans-to-goal submitted on time.")
    self_sourced_pipeline_share: k.number(k.FRACTION, "Share of pipeline the rep created.")
    deflections_per_one_on_one: k.number(k.COUNT, "External-blame deflections per 1:1.")
    commitment_score: k.number(k.COMMITMENT, "Self-rated commitment to the plan, 1-10.")


class Territory(_Strict):
    """The system around the rep: leads, territory, routing and coaching."""

    lead_volume_vs_team: k.number(k.RATIO, "Lead volume as a ratio to the team average.")
    lead_quality_score: k.number(k.RATING, "Lead quality, rated 1-5.")
    territory_size_vs_team: k.number(k.RATIO, "Territory size as a ratio to the team average.")
    lead_routing_ok: k.flag("Leads reach the rep as the routing rules intend.")
    manager_coaching_hours_per_week: k.number(k.WEEKLY_HOURS, "Hours of manager coaching a week.")


class Knowledge(_Strict):
    """What the rep knows: product, competition, process and comp plan."""

    product_quiz_score: k.number(k.FRACTION, "Latest product quiz score, as a fraction.")
    certified: k.flag("Has passed the product/process certification.")
    competitor_positioning_score: k.number(k.RATING, "Positioning against competitors, 1-5.")
    comp_plan_understood: k.flag("Can explain the comp plan and quota mechanics.")


class RepMetrics(_Strict):
    """One rep's metrics for one period: the input of every diagnosis."""

    rep_id: str = Field(min_length=1, strict=True, description="Identifies the rep.")
    team: str | None = Field(default=None, strict=True, description="The rep's team, if known.")
    tenure_months: k.number(k.MONTHS, "Months since the rep started.")
    period_start: dt.date | None = Field(default=None, description="First day of the period.")
    period_end: dt.date | None = Field(default=None, description="Last day of the period.")
    activity: Activity | None = None
    pipeline: Pipeline | None = None
    calls: Calls | None = None
    ownership: Ownership | None = None
    territory: Territory | None = None
    knowledge: Knowledge | None = None

    @model_validator(mode="after")
    def _period_in_order(self) -> Self:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValueError(
                f"period_end {self.period_end} is before period_start {self.period_start}"
            )
        return self


class Targets(_Strict):
    """The benchmarks a rep is judged against: seed defaults, all overridable per team."""

    calls_per_day: k.number(k.COUNT, "Planned calls per day.", 40.0)
    emails_per_day: k.number(k.COUNT, "Planned emails per day.", 60.0)
    meetings_per_week: k.number(k.COUNT, "Planned meetings per week.", 5.0)
    discovery_call_minutes: k.number(k.MINUTES, "Minimum length of a discovery call.", 3.0)
    meeting_to_opportunity_rate: k.number(k.FRACTION, "Healthy meeting-to-opportunity rate.", 0.30)
    pipeline_coverage: k.number(k.COUNT, "Flat coverage target when win rate is unknown.", 3.0)
    max_deal_age_days: k.number(k.DAYS, "Average open-deal age above which deals are stuck.", 60.0)
    manager_coaching_hours_per_week: k.number(
        k.WEEKLY_HOURS, "Manager coaching a rep should get per week.", 2.0
    )
    talk_ratio: k.number(k.FRACTION, "Rep talk share in won calls (Gong benchmark).", 0.43)
    talk_ratio_low: k.number(k.FRACTION, "Bottom of the healthy talk-share band.", 0.35)
    talk_ratio_high: k.number(k.FRACTION, "Top of the healthy talk-share band.", 0.50)
    discovery_questions_per_call: k.number(k.COUNT, "Questions in a good discovery call.", 11.0)
    ramp_months: k.number(k.MONTHS, "Months a new rep ramps before the full plan applies.", 3.0)
    commitment_score: k.number(k.COMMITMENT, "Commitment a plan needs to be real.", 9.0)
    forecast_accuracy: k.number(k.FRACTION, "Forecast accuracy of a rep who owns the number.", 0.8)
    plan_submission_rate: k.number(k.FRACTION, "Share of plans submitted on time.", 0.9)
    product_quiz_score: k.number(k.FRACTION, "Passing product quiz score.", 0.8)
    competitor_positioning_score: k.number(k.RATING, "Acceptable competitor positioning.", 3.0)
    lead_volume_floor: k.number(k.RATIO, "Lead volume vs team below which leads are starved.", 0.7)
    territory_size_floor: k.number(k.RATIO, "Territory size vs team below which it is small.", 0.7)
    rubric_score: k.number(k.RATING, "Acceptable call-review rubric score.", 3.0)
    objection_handling_score: k.number(k.RATING, "Acceptable objection handling score.", 3.0)


GROUPS: dict[str, type[_Strict]] = {
    "activity": Activity,
    "pipeline": Pipeline,
    "calls": Calls,
    "ownership": Ownership,
    "territory": Territory,
    "knowledge": Knowledge,
}


def _catalogue() -> dict[str, k.Kind]:
    out: dict[str, k.Kind] = {}
    for name, info in RepMetrics.model_fields.items():
        kind = k.kind_of(info.metadata)
        if kind is not None:
            out[name] = kind
    for group, model in GROUPS.items():
        for name, info in model.model_fields.items():
            kind = k.kind_of(info.metadata)
            assert kind is not None, f"{group}.{name} has no kind"
            out[f"{group}.{name}"] = kind
    return out


METRICS: Mapping[str, k.Kind] = _catalogue()
"""Every metric path a rule may read (``activity.calls_per_day``, ``tenure_months``) and its kind."""

TARGETS: Mapping[str, k.Kind] = {
    name: kind for name, info in Targets.model_fields.items() if (kind := k.kind_of(info.metadata))
}
"""Every target name (without the ``target.`` prefix) and its kind."""

DEFAULT_TARGETS = Targets()


def parse_metrics(data: RepMetrics | Mapping[str, Any], *, source: str | None = None) -> RepMetrics:
    """Validate a mapping (e.g. parsed JSON) into RepMetrics; a RepMetrics passes through.

    Raises:
        InvalidMetrics: listing every problem, each with field path, value and expectation.
    """
    if isinstance(data, RepMetrics):
        return data
    if not isinstance(data, Mapping):
        raise InvalidMetrics(
            [Problem("(top)", f"expected a mapping of metric groups, got {type(data).__name__}")],
            source=source,
        )
    try:
        return RepMetrics.model_validate(data)
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=source) from None


def parse_targets(data: Targets | Mapping[str, Any] | None) -> Targets:
    """Validate target overrides on top of the seed defaults; None gives the defaults."""
    if data is None:
        return DEFAULT_TARGETS
    if isinstance(data, Targets):
        return data
    return Targets.model_validate(data)
