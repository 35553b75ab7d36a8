"""The input contract: one rep's metrics for one period, and the targets they are judged against.

Every field except ``rep_id`` is optional; an absent value means *unknown*, never zero.
Rates and shares are fractions in [0, 1], ratings 1-5, commitment 1-10, and the
``*_vs_team`` values are ratios to the team average (1.0 = average).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from gapdiag.model import _kinds as k
from gapdiag.model._suggest import did_you_mean
from gapdiag.model._validation import problems_from
from gapdiag.model.errors import InvalidMetrics, Problem


class _Strict(BaseModel):
    """A frozen model whose validation errors surface as InvalidMetrics, never ValidationError."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

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
    def model_validate_json(
        cls, json_data: str | bytes | bytearray, *args: Any, **kwargs: Any
    ) -> Self:
        """Validate a JSON document into this model, raising InvalidMetrics on bad input."""
        try:
            return super().model_validate_json(json_data, *args, **kwargs)
        except ValidationError as error:
            raise InvalidMetrics(problems_from(error, cls)) from None


class Activity(_Strict):
    """How much the rep sells: the volume side of the first split."""

    calls_per_day: k.Count = Field(None, description="Outbound calls per working day.")
    emails_per_day: k.Count = Field(None, description="Prospecting emails per working day.")
    meetings_per_week: k.Count = Field(None, description="Meetings booked per week.")
    avg_call_minutes: k.Minutes = Field(
        None, description="Average length of a connected call, in minutes."
    )
    meeting_to_opportunity_rate: k.Fraction = Field(
        None, description="Share of meetings that became opportunities."
    )
    working_days: k.Count = Field(
        None, description="Working days the calls, emails and meetings rates are counted over."
    )
    timed_calls: k.Count = Field(
        None, description="Connected calls with a duration, behind avg_call_minutes."
    )
    meetings_held: k.Count = Field(
        None, description="Meetings held, behind meeting_to_opportunity_rate."
    )


class Pipeline(_Strict):
    """What the rep's pipeline can still produce this period."""

    quota: k.Money = Field(None, description="The rep's quota for the period.")
    closed_won: k.Money = Field(None, description="Revenue already won in the period.")
    commit: k.Money = Field(
        None, description="Revenue the rep has committed to close in the period."
    )
    open_pipeline: k.Money = Field(
        None, description="Open pipeline value that could still close in the period."
    )
    win_rate: k.Fraction = Field(None, description="Historical share of opportunities won.")
    avg_deal_age_days: k.Days = Field(None, description="Average age of open deals, in days.")
    sales_cycle_days: k.Days = Field(None, description="Average days from opportunity to close.")
    stage_conversion_rate: k.Fraction = Field(
        None, description="Share of deals that advance out of their stage."
    )
    closed_deals: k.Count = Field(None, description="Deals won or lost, behind win_rate.")
    won_deals: k.Count = Field(None, description="Deals won, behind sales_cycle_days.")
    open_deals: k.Count = Field(None, description="Open deals, behind avg_deal_age_days.")
    deals_in_play: k.Count = Field(
        None, description="Deals in play in the period, behind stage_conversion_rate."
    )


class Calls(_Strict):
    """How well the rep sells: quality measured on recorded calls."""

    discovery_questions_per_call: k.Count = Field(
        None, description="Questions asked in a discovery call."
    )
    open_question_ratio: k.Fraction = Field(
        None, description="Share of questions that are open-ended."
    )
    talk_ratio: k.Fraction = Field(None, description="Share of call time the rep is talking.")
    longest_monologue_seconds: k.Seconds = Field(
        None, description="Longest uninterrupted rep monologue."
    )
    objection_handling_score: k.Rating = Field(None, description="Objection handling, rated 1-5.")
    rubric_score: k.Rating = Field(None, description="Call review rubric score, rated 1-5.")
    calls_measured: k.Count = Field(
        None, description="Recorded or reviewed calls behind the other calls.* values."
    )


class Ownership(_Strict):
    """Whether the rep owns their number: the will side of the diagnosis."""

    forecast_accuracy: k.Fraction = Field(
        None, description="How close the called number came to the actual."
    )
    states_gap_unprompted: k.Flag = Field(
        None, description="Can state gap-to-goal without looking it up."
    )
    plan_submission_rate: k.Fraction = Field(
        None, description="Share of plans-to-goal submitted on time."
    )
    self_sourced_pipeline_share: k.Fraction = Field(
        None, description="Share of pipeline the rep created."
    )
    deflections_per_one_on_one: k.Count = Field(
        None, description="External-blame deflections per 1:1."
    )
    commitment_score: k.Commitment = Field(
        None, description="Self-rated commitment to the plan, 1-10."
    )


class Territory(_Strict):
    """The system around the rep: leads, territory, routing and coaching."""

    lead_volume_vs_team: k.Ratio = Field(
        None, description="Lead volume as a ratio to the team average."
    )
    lead_quality_score: k.Rating = Field(None, description="Lead quality, rated 1-5.")
    territory_size_vs_team: k.Ratio = Field(
        None, description="Territory size as a ratio to the team average."
    )
    lead_routing_ok: k.Flag = Field(
        None, description="Leads reach the rep as the routing rules intend."
    )
    manager_coaching_hours_per_week: k.WeeklyHours = Field(
        None, description="Hours of manager coaching a week."
    )
    stage_definitions_ok: k.Flag = Field(
        None,
        description="The CRM's stage definitions are clear to the rep and used "
        "(false: the rep finds them unclear, or the CRM shows them unused).",
    )


class Knowledge(_Strict):
    """What the rep knows: product, competition, process and comp plan."""

    product_quiz_score: k.Fraction = Field(
        None, description="Latest product quiz score, as a fraction."
    )
    certified: k.Flag = Field(None, description="Has passed the product/process certification.")
    competitor_positioning_score: k.Rating = Field(
        None, description="Positioning against competitors, 1-5."
    )
    comp_plan_understood: k.Flag = Field(
        None, description="Can explain the comp plan and quota mechanics."
    )


class RepMetrics(_Strict):
    """One rep's metrics for one period: the input of every diagnosis."""

    rep_id: str = Field(min_length=1, strict=True, description="Identifies the rep.")
    team: str | None = Field(default=None, strict=True, description="The rep's team, if known.")
    tenure_months: k.Months = Field(None, description="Months since the rep started.")
    period_start: dt.date | None = Field(default=None, description="First day of the period.")
    period_end: dt.date | None = Field(default=None, description="Last day of the period.")
    as_of: dt.date | None = Field(
        default=None,
        description="The day the figures run to; with the period's dates it tells how much "
        "of the period has gone by (unknown: the pace cannot be judged).",
    )
    proxies: tuple[str, ...] | None = Field(
        default=None,
        description="Metric paths whose values are estimated from something else (a proxy), "
        "not measured: e.g. territory.lead_volume_vs_team from the deals a rep opened.",
    )
    sources: tuple[str, ...] | None = Field(
        default=None,
        description="Where the figures came from, in words: the exports ingest read and "
        "the mapping, e.g. 'opportunity export opportunities.csv', 'salesforce mapping'. "
        "Named in the team page's header; it changes no judgment.",
    )
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
        if self.as_of and self.period_start and self.as_of < self.period_start:
            raise ValueError(
                f"as_of {self.as_of} is before period_start {self.period_start}: "
                "figures cannot run to a day before the period starts"
            )
        return self

    @field_validator("sources")
    @classmethod
    def _sources_named(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        named = tuple(dict.fromkeys(s.strip() for s in value or () if s.strip()))
        return named or None  # none named: absent, like any other field

    @field_validator("proxies")
    @classmethod
    def _proxies_are_metrics(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if not value:
            return None  # none marked: absent, like any other field
        unknown = [path for path in value if path not in METRICS]
        if unknown:
            hint = did_you_mean(unknown[0], METRICS)
            raise ValueError(f"{unknown[0]!r} is not a metric path{hint}")
        return tuple(sorted(set(value)))


_PLAN = 0.1
"""Our default margin for a plan or benchmark: 10% (39.6 of 40 planned calls is on plan)."""


def _margin(what: str) -> Any:
    return Field(_PLAN, description=what)


class Margins(_Strict):
    """How far past a plan or benchmark a value must be before it counts as short or over.

    A rule or tree question calls a value short of target T when it is under
    ``target.T * (1 - target.margin.T)`` (or, for a share of plan, under
    ``1 - target.margin.T``) and on target from there up; a value over a ceiling (deal age)
    counts once it passes ``target.T * (1 + target.margin.T)``. So 39.6 calls a day against
    a plan of 40 is on plan, never "only 39.6". Plans and benchmarks get 10% (our default).
    Pass marks (quiz), rating cut-offs, commitment, floors and band edges have no margin:
    they already are the meaningful line. ``pace`` is the band around the quota's pace in
    which a rep is on track. Every value is a team setting.
    """

    calls_per_day: k.Fraction = _margin("Calls a day against the plan.")
    meetings_per_week: k.Fraction = _margin("Meetings a week against the plan.")
    discovery_call_minutes: k.Fraction = _margin("Call length against the discovery mark.")
    meeting_to_opportunity_rate: k.Fraction = _margin("Meetings that become opportunities.")
    max_deal_age_days: k.Fraction = _margin("Deal age over the limit.")
    manager_coaching_hours_per_week: k.Fraction = _margin("Manager coaching hours a week.")
    discovery_questions_per_call: k.Fraction = _margin("Questions in a discovery call.")
    forecast_accuracy: k.Fraction = _margin("Forecast accuracy.")
    plan_submission_rate: k.Fraction = _margin("Plans submitted on time.")
    pace: k.Fraction = _margin(
        "Band around the quota's pace (quota x share of the period gone) that is on track."
    )


class Targets(_Strict):
    """The benchmarks a rep is judged against: seed defaults, all overridable per team."""

    calls_per_day: k.Count = Field(40.0, description="Planned calls per day.")
    emails_per_day: k.Count = Field(60.0, description="Planned emails per day.")
    meetings_per_week: k.Count = Field(5.0, description="Planned meetings per week.")
    discovery_call_minutes: k.Minutes = Field(
        3.0, description="Minimum length of a discovery call."
    )
    meeting_to_opportunity_rate: k.Fraction = Field(
        0.30, description="Healthy meeting-to-opportunity rate."
    )
    pipeline_coverage: k.Count = Field(
        3.0, description="Flat coverage target when win rate is unknown."
    )
    conversion_floor: k.Ratio = Field(
        0.8,
        description="Share of the plan's calls-to-meetings conversion below which a rep's "
        "conversion is poor (our default).",
    )
    max_deal_age_days: k.Days = Field(
        60.0, description="Average open-deal age above which deals are stuck."
    )
    manager_coaching_hours_per_week: k.WeeklyHours = Field(
        2.0, description="Manager coaching a rep should get per week."
    )
    talk_ratio: k.Fraction = Field(
        0.43, description="Rep talk share in won calls (Gong benchmark)."
    )
    talk_ratio_low: k.Fraction = Field(0.35, description="Bottom of the healthy talk-share band.")
    talk_ratio_high: k.Fraction = Field(0.50, description="Top of the healthy talk-share band.")
    discovery_questions_per_call: k.Count = Field(
        11.0, description="Questions in a good discovery call."
    )
    ramp_months: k.Months = Field(
        3.0, description="Months a new rep ramps before the full plan applies."
    )
    commitment_score: k.Commitment = Field(9.0, description="Commitment a plan needs to be real.")
    forecast_accuracy: k.Fraction = Field(
        0.8, description="Forecast accuracy of a rep who owns the number."
    )
    plan_submission_rate: k.Fraction = Field(0.9, description="Share of plans submitted on time.")
    product_quiz_score: k.Fraction = Field(0.8, description="Passing product quiz score.")
    competitor_positioning_score: k.Rating = Field(
        3.0, description="Acceptable competitor positioning."
    )
    lead_volume_floor: k.Ratio = Field(
        0.7, description="Lead volume vs team below which leads are starved."
    )
    territory_size_floor: k.Ratio = Field(
        0.7, description="Territory size vs team below which it is small."
    )
    rubric_score: k.Rating = Field(3.0, description="Acceptable call-review rubric score.")
    objection_handling_score: k.Rating = Field(
        3.0, description="Acceptable objection handling score."
    )
    margins: Margins = Field(
        default_factory=lambda: Margins(),
        description="Per target, how far past it a value must be before it counts as short "
        "of it or above it (see Margins).",
    )


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
"""Every metric path a rule may read (``activity.calls_per_day``) and its kind."""

TARGETS: Mapping[str, k.Kind] = {
    name: kind for name, info in Targets.model_fields.items() if (kind := k.kind_of(info.metadata))
}
"""Every target name (without the ``target.`` prefix) and its kind."""

MARGINS: Mapping[str, k.Kind] = {f"margin.{name}": k.FRACTION for name in Margins.model_fields}
"""Every margin name (``margin.calls_per_day``, read as ``target.margin.calls_per_day``)."""


def target_value(targets: Targets, name: str) -> float | None:
    """A target (``calls_per_day``) or margin (``margin.calls_per_day``) by name."""
    if name.startswith("margin."):
        value: float | None = getattr(targets.margins, name.removeprefix("margin."))
        return value
    found: float | None = getattr(targets, name)
    return found


DEFAULT_TARGETS = Targets.model_construct(set(), margins=Margins.model_construct(set()))
"""``Targets()``: the declared defaults, none set, built without validating them (valid by
construction), so a command judged against the defaults never builds Targets' validator."""


def parse_metrics(data: RepMetrics | Mapping[str, Any], *, source: str | None = None) -> RepMetrics:
    """Validate a mapping (e.g. parsed JSON) into RepMetrics; a RepMetrics passes through.

    A flat row with dotted keys ("pipeline.quota", as CSV columns name them) is read as
    the same groups.

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
        if any(isinstance(key, str) and "." in key for key in data):
            data = _nested(data)
        return RepMetrics.model_validate(data)
    except InvalidMetrics as error:
        raise InvalidMetrics(error.problems, source=source) from None


def _nested(data: Mapping[str, Any]) -> dict[str, Any]:
    """A flat row's dotted keys ("pipeline.quota", as in CSV columns) as metric groups."""
    return nest({k: dict(v) if isinstance(v, Mapping) else v for k, v in data.items()})


def parse_targets(data: Targets | Mapping[str, Any] | None) -> Targets:
    """Validate target overrides on top of the seed defaults; None gives the defaults."""
    if data is None:
        return DEFAULT_TARGETS
    if isinstance(data, Targets):
        return data
    return Targets.model_validate(data)


def nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dotted keys into nested mappings: {"a.b": 1} -> {"a": {"b": 1}}.

    Raises:
        InvalidMetrics: a key is both a value and a group ("activity" and "activity.x").
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in flat.items():
        *groups, leaf = str(key).split(".")
        node = out
        for depth, group in enumerate(groups):
            child = node.setdefault(group, {})
            if not isinstance(child, dict):
                where = ".".join(groups[: depth + 1])
                problems.append(Problem(key, f"{where!r} is given both as a value and a group"))
                break
            node = child
        else:
            if isinstance(node.get(leaf), dict):
                problems.append(Problem(key, f"{key!r} is given both as a value and a group"))
            else:
                node[leaf] = value
    if problems:
        raise InvalidMetrics(problems)
    return out
