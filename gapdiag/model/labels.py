"""Metric labels: what a manager calls each metric, its unit, and who can change it.

Every metric path, derived quantity (``derived.*``), target (``target.*``) and team value
(``team.mean.*``, ``team.median.*``) has a label and a unit a manager thinks in, and an
owner: the rep (activity, calls, ownership, knowledge, their own pipeline), the manager
(coaching time) or the organization (territory, routing, quota, targets). Text meant for
people uses `label_of` and `show`; paths stay in JSON and in technical columns.

Numbers are shown at a precision that never makes a true comparison look false:
`show_all` widens the decimals until distinct values read distinct (0.2466 against 0.25
reads "24.66%" and "25%", never "25%" and "25%").
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from gapdiag.model.basis import COUNTS
from gapdiag.model.metrics import MARGINS, RepMetrics, Targets

Owner = Literal["rep", "manager", "organization"]
Value = float | bool | None

TIMES = "\N{MULTIPLICATION SIGN}"
OF_5 = "1\N{EN DASH}5"
OF_10 = "1\N{EN DASH}10"

MAX_EXTRA_PLACES = 6
"""How many decimals past a unit's usual precision `show_all` may add to keep values apart."""


class MetricLabel(BaseModel):
    """A metric's human label, unit and owner (who can change it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="The metric path as rules read it (activity.calls_per_day).")
    label: str = Field(description="What a manager calls it, lower case (calls a day).")
    unit: str = Field(description="The unit values are shown in (calls a day, $, %, 1-5, ...).")
    owner: Owner = Field(description="Who can change it: rep, manager or organization.")
    changeable: bool = Field(
        default=True, description="False for values nobody changes directly (tenure, derived)."
    )
    better: Literal["higher", "lower"] | None = Field(
        default=None, description="Which way is an improvement; None where neither is."
    )
    known: bool = Field(default=True, description="False for a humanized fallback label.")
    definition: str = Field(
        default="",
        description="What the value measures: an input's or target's model field description "
        "(stated once there), a derived value's formula; empty where none is stated.",
    )


_SPECS = tuple(f",.{places}f" for places in range(16))


@dataclass(frozen=True, slots=True, eq=False)
class _Unit:
    """How to show a number of one unit: style, usual decimals, nouns.

    Each unit is one object made at import, compared and hashed by identity (the caches
    keyed by unit then hash in C, not by its six fields).
    """

    name: str
    style: Literal["noun", "money", "percent", "times", "scale", "flag"]
    places: int = 1
    singular: str = ""
    top: int = 0  # the top of a 1-5 or 1-10 scale
    below_zero: str = ""  # money under zero in words: '$73,965 to spare', never '-$73,965'
    said: tuple[dict[float, str], ...] = field(
        default_factory=lambda: tuple({} for _ in _SPECS), repr=False
    )
    """Numbers already said, by decimals then value (-0.0 and 0.0 read alike here)."""

    def number(self, value: float, places: int) -> str:
        """The bare number, without unit, at `places` decimals (trailing zeros trimmed)."""
        said = self.said[places] if places < len(_SPECS) else None
        if said is not None:
            text = said.get(value)
            if text is not None:
                return text
        if self.style == "percent":
            text = _trim(value * 100, places)
        elif self.style == "money":
            text = _trim(abs(value), places)
        elif self.style == "times":  # always one decimal at least: 3.0x, 1.05x
            text = _trim(value, places)
            text = text if "." in text else f"{text}.0"
        else:
            text = _trim(value, places)
        if said is not None:
            if len(said) >= _SAID_SIZE:
                said.clear()
            said[value] = text
        return text

    def with_unit(self, number: str, value: float) -> str:
        """Attach the unit to an already formatted number."""
        if self.style == "money":
            if value < 0 and number.strip("0.,"):
                return f"${number} {self.below_zero}" if self.below_zero else f"-${number}"
            return f"${number}"
        if self.style == "percent":
            return f"{number}%"
        if self.style == "times":
            return f"{number}{TIMES}"
        if self.style == "scale":
            return f"{number} of {self.top}"
        if self.style == "flag":  # a yes/no read from weekly figures comes as 1.0 or 0.0
            return _FLAG_WORDS.get(value) or f"yes {_trim(value * 100, 0)}% of the time"
        if not self.name:
            return number
        return f"{number} {self.singular if number in ('1', '-1') else self.name}"


_FLAG_WORDS = {1.0: "yes", 0.0: "no"}
_SAID_SIZE = 4096
"""Numbers each unit remembers at each precision (a population repeats its values)."""


def forget_numbers() -> None:
    """Forget every number said (benchmarks time values seen the first time)."""
    for unit in (*_U.values(), *_BY_PATH.values()):
        for said in unit.said:
            said.clear()


def _trim(value: float, places: int) -> str:
    text = format(value, _SPECS[places]) if places < len(_SPECS) else f"{value:,.{places}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def _noun(plural: str, singular: str, places: int = 1) -> _Unit:
    return _Unit(plural, "noun", places, singular)


_U: dict[str, _Unit] = {
    u.name: u
    for u in (
        _noun("calls a day", "call a day"),
        _noun("emails a day", "email a day"),
        _noun("meetings a week", "meeting a week"),
        _noun("questions a call", "question a call"),
        _noun("deflections a 1:1", "deflection a 1:1"),
        _noun("calls per meeting", "call per meeting"),
        _noun("hours a week", "hour a week"),
        _noun("minutes", "minute"),
        _noun("seconds", "second", 0),
        _noun("days", "day", 0),
        _noun("months", "month"),
        _noun("deals", "deal", 0),
        _noun("calls", "call", 0),
        _noun("meetings", "meeting", 0),
        _Unit("$", "money", 0),
        _Unit("%", "percent", 1),
        _Unit(TIMES, "times", 2),
        _Unit(OF_5, "scale", 1, top=5),
        _Unit(OF_10, "scale", 1, top=10),
        _Unit("yes/no", "flag", 0),
        _Unit("", "noun", 2),
    )
}

_R: Owner = "rep"
_M: Owner = "manager"
_O: Owner = "organization"
_METRICS: dict[str, tuple[str, str, Owner]] = {
    "tenure_months": ("tenure", "months", _O),
    "activity.calls_per_day": ("calls a day", "calls a day", _R),
    "activity.emails_per_day": ("emails a day", "emails a day", _R),
    "activity.meetings_per_week": ("meetings booked a week", "meetings a week", _R),
    "activity.avg_call_minutes": ("average connected call length", "minutes", _R),
    "activity.meeting_to_opportunity_rate": ("meetings that become opportunities", "%", _R),
    "pipeline.quota": ("quota", "$", _O),
    "pipeline.closed_won": ("revenue won", "$", _R),
    "pipeline.commit": ("committed revenue", "$", _R),
    "pipeline.open_pipeline": ("open pipeline", "$", _R),
    "pipeline.win_rate": ("win rate", "%", _R),
    "pipeline.avg_deal_age_days": ("average open-deal age", "days", _R),
    "pipeline.sales_cycle_days": ("sales cycle", "days", _R),
    "pipeline.stage_conversion_rate": ("deals advancing a stage", "%", _R),
    "calls.discovery_questions_per_call": ("discovery questions a call", "questions a call", _R),
    "calls.open_question_ratio": ("open questions", "%", _R),
    "calls.talk_ratio": ("rep talk time on calls", "%", _R),
    "calls.longest_monologue_seconds": ("longest monologue", "seconds", _R),
    "calls.objection_handling_score": ("objection handling", OF_5, _R),
    "calls.rubric_score": ("call review score", OF_5, _R),
    "ownership.forecast_accuracy": ("forecast accuracy", "%", _R),
    "ownership.states_gap_unprompted": ("states the gap to goal unprompted", "yes/no", _R),
    "ownership.plan_submission_rate": ("plans submitted on time", "%", _R),
    "ownership.self_sourced_pipeline_share": ("self-sourced pipeline", "%", _R),
    "ownership.deflections_per_one_on_one": ("blame deflections a 1:1", "deflections a 1:1", _R),
    "ownership.commitment_score": ("commitment to the plan", OF_10, _R),
    "territory.lead_volume_vs_team": ("lead volume against the team", TIMES, _O),
    "territory.lead_quality_score": ("lead quality", OF_5, _O),
    "territory.territory_size_vs_team": ("territory size against the team", TIMES, _O),
    "territory.lead_routing_ok": ("leads routed as intended", "yes/no", _O),
    "territory.manager_coaching_hours_per_week": ("manager coaching", "hours a week", _M),
    "territory.stage_definitions_ok": ("clear, used stage definitions", "yes/no", _O),
    "knowledge.product_quiz_score": ("product quiz score", "%", _R),
    "knowledge.certified": ("certified", "yes/no", _R),
    "knowledge.competitor_positioning_score": ("competitor positioning", OF_5, _R),
    "knowledge.comp_plan_understood": ("understands the comp plan", "yes/no", _R),
    "activity.working_days": ("working days counted", "days", _R),
    "activity.timed_calls": ("timed calls counted", "calls", _R),
    "activity.meetings_held": ("meetings held", "meetings", _R),
    "pipeline.closed_deals": ("closed deals", "deals", _R),
    "pipeline.won_deals": ("won deals", "deals", _R),
    "pipeline.open_deals": ("open deals", "deals", _R),
    "pipeline.deals_in_play": ("deals in play", "deals", _R),
    "calls.calls_measured": ("recorded calls measured", "calls", _R),
}

_DERIVED: dict[str, tuple[str, str, Owner]] = {
    "derived.gap_to_goal": ("gap to goal", "$", _R),
    "derived.expected_from_pipeline": ("expected from open pipeline", "$", _R),
    "derived.pipeline_needed": ("pipeline needed to close the gap", "$", _R),
    "derived.coverage": ("pipeline coverage", TIMES, _R),
    "derived.required_coverage": ("coverage this win rate needs", TIMES, _R),
    "derived.pipeline_shortfall": ("pipeline shortfall", "$", _R),
    "derived.attainment": ("attainment", "%", _R),
    "derived.ramp_share": ("share of the full plan while ramping", "%", _R),
    "derived.calls_vs_plan": ("calls against plan", "%", _R),
    "derived.emails_vs_plan": ("emails against plan", "%", _R),
    "derived.meetings_vs_plan": ("meetings against plan", "%", _R),
    "derived.calls_per_meeting": ("calls per meeting booked", "calls per meeting", _R),
    "derived.calls_to_meetings": ("calls that become meetings", "%", _R),
    "derived.conversion_vs_plan": ("call-to-meeting conversion against plan", "%", _R),
    "derived.coverage_needed": ("coverage needed", TIMES, _R),
    "derived.coverage_vs_needed": ("coverage against what is needed", "%", _R),
}

_FORMULAS: dict[str, str] = {
    "derived.gap_to_goal": "quota - closed won - commit",
    "derived.expected_from_pipeline": "pipeline x win rate",
    "derived.pipeline_needed": "gap / win rate",
    "derived.coverage": "open pipeline / gap",
    "derived.required_coverage": "1 / win rate",
    "derived.coverage_needed": "1 / win rate, else 3x",
    "derived.attainment": "closed won / quota",
    "derived.pipeline_shortfall": "gap - expected from the open pipeline",
    "derived.ramp_share": "months in the role / ramp period, at least 25%",
    "derived.calls_vs_plan": "calls a day / planned calls a day, less while ramping",
    "derived.emails_vs_plan": "emails a day / planned emails a day, less while ramping",
    "derived.meetings_vs_plan": "meetings a week / planned meetings a week, less while ramping",
    "derived.calls_per_meeting": "5 x calls a day / meetings a week",
    "derived.calls_to_meetings": "meetings a week / (5 x calls a day)",
    "derived.conversion_vs_plan": "calls that become meetings / the same share in the plan",
    "derived.coverage_vs_needed": "coverage / coverage needed",
}
"""How each derived value is worked out; docs/metrics.md lists it and the explanation's
'The numbers' shows it beside the value."""

_TARGETS: dict[str, tuple[str, str]] = {
    "target.calls_per_day": ("planned calls a day", "calls a day"),
    "target.emails_per_day": ("planned emails a day", "emails a day"),
    "target.meetings_per_week": ("planned meetings a week", "meetings a week"),
    "target.discovery_call_minutes": ("shortest good discovery call", "minutes"),
    "target.meeting_to_opportunity_rate": ("healthy meeting-to-opportunity rate", "%"),
    "target.pipeline_coverage": ("coverage target", TIMES),
    "target.max_deal_age_days": ("deal age limit", "days"),
    "target.manager_coaching_hours_per_week": ("planned manager coaching", "hours a week"),
    "target.talk_ratio": ("talk time in won calls", "%"),
    "target.talk_ratio_low": ("lowest healthy talk time", "%"),
    "target.talk_ratio_high": ("highest healthy talk time", "%"),
    "target.discovery_questions_per_call": (
        "questions in a good discovery call",
        "questions a call",
    ),
    "target.ramp_months": ("ramp period", "months"),
    "target.commitment_score": ("commitment a real plan needs", OF_10),
    "target.forecast_accuracy": ("target forecast accuracy", "%"),
    "target.plan_submission_rate": ("target plans on time", "%"),
    "target.product_quiz_score": ("passing quiz score", "%"),
    "target.competitor_positioning_score": ("acceptable competitor positioning", OF_5),
    "target.conversion_floor": ("lowest healthy conversion against plan", "%"),
    "target.lead_volume_floor": ("lead volume floor", TIMES),
    "target.territory_size_floor": ("territory size floor", TIMES),
    "target.rubric_score": ("acceptable call review score", OF_5),
    "target.objection_handling_score": ("acceptable objection handling", OF_5),
}

_STATS = {"mean": "team average", "median": "team median"}
_DATES = {
    "as_of": "the day the figures run to",
    "period_start": "the period's first day",
    "period_end": "the period's last day",
}
"""Dates a standing may need, named for the people who collect them."""

_LOWER_IS_BETTER = frozenset(
    {
        "pipeline.quota",
        "pipeline.avg_deal_age_days",
        "pipeline.sales_cycle_days",
        "calls.longest_monologue_seconds",
        "ownership.deflections_per_one_on_one",
    }
)
_NEITHER = frozenset({"tenure_months", "calls.talk_ratio"}) | COUNTS
"""Talk share is healthy inside a band, so neither way is better everywhere."""


def _better(path: str) -> Literal["higher", "lower"] | None:
    if path in _NEITHER:
        return None
    return "lower" if path in _LOWER_IS_BETTER else "higher"


def _definitions() -> dict[str, str]:
    """Each input metric's and target's definition, from the models' field descriptions."""
    out: dict[str, str] = {}
    for name, info in RepMetrics.model_fields.items():
        group = next(
            (t for t in getattr(info.annotation, "__args__", ()) if isinstance(t, type)), None
        )
        if group is not None and issubclass(group, BaseModel):
            for inner, field in group.model_fields.items():
                out[f"{name}.{inner}"] = field.description or ""
        else:
            out[name] = info.description or ""
    for name, info in Targets.model_fields.items():
        out[f"target.{name}"] = info.description or ""
    return out


def _build() -> dict[str, MetricLabel]:
    out: dict[str, MetricLabel] = {}
    defined = _definitions()
    for path, (label, unit, owner) in _METRICS.items():
        out[path] = MetricLabel(
            path=path,
            label=label,
            unit=unit,
            owner=owner,
            changeable=path != "tenure_months" and path not in COUNTS,
            better=_better(path),
            definition=defined[path],
        )
    for path, (label, unit, owner) in _DERIVED.items():
        out[path] = MetricLabel(
            path=path,
            label=label,
            unit=unit,
            owner=owner,
            changeable=False,
            definition=_FORMULAS.get(path, ""),
        )
    for path, (label, unit) in _TARGETS.items():
        out[path] = MetricLabel(
            path=path, label=label, unit=unit, owner="organization", definition=defined[path]
        )
        margin = f"target.margin.{path.removeprefix('target.')}"
        if margin.removeprefix("target.") in MARGINS:
            out[margin] = MetricLabel(
                path=margin, label=f"margin on the {label}", unit="%", owner="organization"
            )
    for path, label in _DATES.items():
        out[path] = MetricLabel(
            path=path, label=label, unit="", owner="organization", definition=defined[path]
        )
    out["target.margin.pace"] = MetricLabel(
        path="target.margin.pace",
        label="margin around the quota's pace",
        unit="%",
        owner="organization",
    )
    for stat, words in _STATS.items():
        for path, (label, unit, _) in _METRICS.items():
            if unit == "yes/no":
                continue
            team_path = f"team.{stat}.{path}"
            out[team_path] = MetricLabel(
                path=team_path,
                label=f"{words} {label}",
                unit=unit,
                owner="organization",
                changeable=False,
            )
    return out


LABELS: Mapping[str, MetricLabel] = _build()
"""Every known path and its label."""


def label_of(path: str) -> MetricLabel:
    """The label of a path; an unknown path gets a humanized fallback (never raises)."""
    found = LABELS.get(path)
    if found is not None:
        return found
    words = path.rsplit(".", 1)[-1].replace("_", " ").strip() or path
    return MetricLabel(
        path=path, label=words, unit="", owner="organization", changeable=False, known=False
    )


_ASKED = {
    "ownership.states_gap_unprompted": "whether the rep states the gap to goal unprompted",
    "territory.lead_routing_ok": "whether leads are routed as intended",
    "territory.stage_definitions_ok": "whether stage definitions are clear and used",
    "knowledge.certified": "whether the rep is certified",
    "knowledge.comp_plan_understood": "whether the rep understands the comp plan",
    "ownership.deflections_per_one_on_one": "how often the rep blames outside causes in a 1:1",
}
"""Metrics whose label reads badly after 'collect', as the thing to find out: yes/no ones
('collect whether the rep is certified') and counts a 1:1."""


def asked(path: str) -> str:
    """What to collect for a metric: its label, or for a yes/no, the question it answers."""
    return _ASKED.get(path) or label_of(path).label


# A shortfall under zero is money to spare: shown that way, never as a negative amount.
_BY_PATH = {"derived.pipeline_shortfall": _Unit("$", "money", 0, below_zero="to spare")}


@lru_cache(maxsize=4096)
@lru_cache(maxsize=4096)
def _unit(path: str) -> _Unit:
    """How a path's values are shown (the registries are fixed: looked up once a path)."""
    return _BY_PATH.get(path) or _U[label_of(path).unit]


def noun_forms(path: str) -> tuple[str, str] | None:
    """A counted unit's plural and singular ('meetings a week', 'meeting a week'), if any."""
    unit = _unit(path)
    return (unit.name, unit.singular) if unit.style == "noun" and unit.singular else None


def slot_number(path: str, fmt: str) -> Callable[[float], str] | None:
    """How `show` writes a path's number in a because-text slot of format `fmt`: a counted
    or scored one without its words ('5' of '5 questions a call', '2.5' of '2.5 of 5') for
    'num', a share with its sign ('99.96%', never a '100%' that is not all) for 'pct'; None
    where the slot keeps its own format (money, multiples, a format the unit does not use)."""
    unit = _unit(path)
    if fmt == "pct" and unit.style == "percent":

        def share(value: float) -> str:
            return show(path, value)

        return share
    if fmt != "num" or unit.style not in ("noun", "scale"):
        return None
    number, places = unit.number, unit.places

    def bare(value: float) -> str:
        return number(value, places) if math.isfinite(value) else "undefined"

    return bare


def _plain(value: Value) -> str | None:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not math.isfinite(value):
        return "undefined"
    return None


def show(path: str, value: Value) -> str:
    """A value in its unit: '14 calls a day', '$90,000', '25%', '3.0x', '4 of 5', 'yes'."""
    if type(value) is float and math.isfinite(value):  # the common case, as below
        unit = _unit(path)
        places = unit.places
        text = unit.number(value, places)
        if (
            unit.style == "percent"
            and value not in (0.0, 1.0)
            and text in _edge_texts(unit, places)
        ):
            text = unit.number(value, _places_one(unit, value))
        return unit.with_unit(text, value)
    plain = _plain(value)
    if plain is not None:
        return plain
    unit = _unit(path)
    if isinstance(value, float | int):  # one number: what show_all picks for a single value
        places = unit.places if unit.style != "percent" else _places_one(unit, float(value))
        return unit.with_unit(unit.number(value, places), value)
    return show_all(path, [value])[0]


Pair = Callable[[float, float], tuple[str, str] | None]
"""Two finite numbers of one path in their unit, or None where `show_all` must search."""


@lru_cache(maxsize=1024)
def pair_shower(path: str) -> Pair:
    """`show_all(path, (a, b))` of two finite numbers, composed once a path (its unit,
    decimals and edge texts looked up here, not per comparison): None where the numbers
    need more decimals than the unit's usual (`show_all` then searches for them)."""
    unit = _unit(path)
    places, number, with_unit = unit.places, unit.number, unit.with_unit
    edges = _edge_texts(unit, places) if unit.style == "percent" else frozenset()
    ends = (0.0, 1.0)

    def pair(a: float, b: float) -> tuple[str, str] | None:
        ta, tb = number(a, places), number(b, places)
        if ta == tb and a != b:
            return None
        if edges and ((ta in edges and a not in ends) or (tb in edges and b not in ends)):
            return None
        return with_unit(ta, a), with_unit(tb, b)

    return pair


def _places_one(unit: _Unit, number: float) -> int:
    """`_places` for a single number and no exact value: it is always distinct from itself."""
    for places in range(unit.places, unit.places + MAX_EXTRA_PLACES + 1):
        if not _rounds_to_edge(unit, [number], places):
            return places
    return unit.places + MAX_EXTRA_PLACES


def show_number(path: str, value: Value) -> str:
    """A value without a trailing noun ('14' for calls a day); symbols ($, %, times) stay."""
    return _show_many(path, [value], nouns=False)[0]


def show_all(path: str, values: Iterable[Value]) -> tuple[str, ...]:
    """Several values of one path, at one precision where distinct values read distinct."""
    return _show_many(path, list(values), nouns=True)


def _show_many(
    path: str, values: list[Value], *, nouns: bool, exact: Value = None
) -> tuple[str, ...]:
    unit = _unit(path)
    keep_noun = nouns or unit.style != "noun"
    if exact is None:
        texts = _at_usual_places(unit, values)
        if texts is not None:
            if not keep_noun:
                return tuple(texts)
            return tuple(
                [
                    unit.with_unit(t, v) if type(v) is float else t
                    for t, v in zip(texts, values, strict=True)
                ]
            )
    return _searched(unit, values, keep_noun, exact)


def _searched(
    unit: _Unit, values: list[Value], keep_noun: bool, exact: Value = None
) -> tuple[str, ...]:
    """`_show_many` by the general search of `_places_texts` (any values, any `exact`)."""
    numbers = [float(v) for v in values if isinstance(v, float | int) and _plain(v) is None]
    _, texts = _places_texts(unit, numbers, exact)
    out: list[str] = []
    for value in values:
        plain = _plain(value)
        if plain is not None:
            out.append(plain)
            continue
        assert isinstance(value, float | int)
        number = texts[float(value)]
        out.append(unit.with_unit(number, value) if keep_noun else _bare(unit, number, value))
    return tuple(out)


def _at_usual_places(unit: _Unit, values: list[Value]) -> list[str] | None:
    """Each value's text (numbers at the unit's usual decimals, without unit), when
    `_places_texts` would pick those decimals: every number a finite float, distinct
    numbers reading distinct, no share at an edge. None where the general search is needed.
    """
    places = unit.places
    if len(values) == 2:  # a comparison: observed against threshold, the common case
        a, b = values
        if type(a) is float and type(b) is float and math.isfinite(a) and math.isfinite(b):
            ta, tb = unit.number(a, places), unit.number(b, places)
            if ta == tb and a != b:
                return None
            if unit.style == "percent":
                edges = _edge_texts(unit, places)
                if (ta in edges and a not in (0.0, 1.0)) or (tb in edges and b not in (0.0, 1.0)):
                    return None
            return [ta, tb]
    texts = []
    numbers = []
    for value in values:
        if type(value) is float:
            if not math.isfinite(value):
                return None
            numbers.append(value)
            texts.append(unit.number(value, places))
        elif value is None or type(value) is bool:
            texts.append(_PLAIN[value])
        else:
            return None
    if len(numbers) > 1:
        shown = [t for t, v in zip(texts, values, strict=True) if type(v) is float]
        if len(set(shown)) != len(set(numbers)):
            return None
    if unit.style == "percent" and numbers:
        edges = _edge_texts(unit, places)
        if any(
            t in edges and v not in (0.0, 1.0)
            for t, v in zip(texts, values, strict=True)
            if type(v) is float
        ):
            return None
    return texts


_PLAIN: dict[Value, str] = {None: "unknown", True: "yes", False: "no"}


def _bare(unit: _Unit, number: str, value: float) -> str:
    return number if unit.style == "noun" else unit.with_unit(number, value)


def _places(unit: _Unit, numbers: list[float], exact: Value = None) -> int:
    """The fewest decimals (from the unit's usual) at which distinct numbers stay distinct.

    A share short of 100% (or above 0%) never reads as exactly 100% (or 0%) either, and
    an `exact` value (a rule's threshold) is shown as written, up to two more decimals.
    """
    return _places_texts(unit, numbers, exact)[0]


def _places_texts(
    unit: _Unit, numbers: list[float], exact: Value = None
) -> tuple[int, dict[float, str]]:
    """`_places`, with each number as shown at those decimals: each is formatted once a try."""
    distinct = set(numbers)
    start = unit.places
    if isinstance(exact, float | int) and not isinstance(exact, bool) and math.isfinite(exact):
        scaled = exact * 100 if unit.style == "percent" else exact
        while start < unit.places + 2 and abs(round(scaled, start) - scaled) > 1e-9 * max(
            1.0, abs(scaled)
        ):
            start += 1
    last = unit.places + MAX_EXTRA_PLACES
    for places in range(start, last + 1):
        shown = {n: unit.number(n, places) for n in distinct}
        if len(set(shown.values())) == len(distinct) and not _at_edge(unit, shown, places):
            return places, shown
    return last, {n: unit.number(n, last) for n in distinct}


def _rounds_to_edge(unit: _Unit, numbers: list[float], places: int) -> bool:
    return _at_edge(unit, {n: unit.number(n, places) for n in numbers}, places)


def _at_edge(unit: _Unit, shown: dict[float, str], places: int) -> bool:
    """Whether a share other than 0% or 100% reads as one of them at `places` decimals."""
    if unit.style != "percent":
        return False
    edges = _edge_texts(unit, places)
    return any(n not in (0.0, 1.0) and text in edges for n, text in shown.items())


@cache
@lru_cache(maxsize=256)
def _edge_texts(unit: _Unit, places: int) -> frozenset[str]:
    """0% and 100% as a share unit says them at `places` decimals (fixed: worked out once)."""
    return frozenset({unit.number(0.0, places), unit.number(1.0, places)})


def show_change(path: str, old: Value, new: Value) -> str:
    """A change in words: '14 → 40 calls a day', '$150,000 → $90,500', 'no → yes'."""
    unit = _unit(path)
    before, after = _show_many(path, [old, new], nouns=False)
    if unit.style == "noun" and unit.name and _plain(new) is None:
        after = show_all(path, [old, new])[1]
    elif unit.style == "scale":
        before = before.removesuffix(f" of {unit.top}")
    return f"{before} → {after}"


_OPS = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"}


def show_comparison(path: str, value: Value, op: str, threshold: Value) -> str:
    """A comparison with the unit once: '14 < 20 calls a day', '24.66% < 25%'."""
    unit = _unit(path)
    left, right = _show_many(path, [value, threshold], nouns=False, exact=threshold)
    symbol = _OPS.get(op, op)
    if unit.style == "noun" and unit.name and _plain(threshold) is None:
        right = _show_many(path, [value, threshold], nouns=True, exact=threshold)[1]
    elif unit.style == "scale" and _plain(value) is None:
        left = left.removesuffix(f" of {unit.top}")
    return f"{left} {symbol} {right}"


def show_step(path: str, step: float) -> str:
    """A signed change per period: '+8.2 points' for a share, '+0.4' for a rate, '+$500'."""
    unit = _unit(path)
    sign = "-" if step < 0 else "+"
    if unit.style == "percent":
        return f"{sign}{_trim(abs(step) * 100, 1)} points"
    if unit.style == "scale" or (unit.style == "noun" and " a " in unit.name):
        return f"{sign}{_trim(abs(step), 1)}"  # '+0.4 a week', not '+0.4 meetings a week a week'
    return f"{sign}{show(path, abs(step))}"


@lru_cache(maxsize=4096, typed=True)
def percent(value: float) -> str:
    """A share as a percentage that never rounds to 0% or 100% unless it is exactly that.

    Remembered: confidences, the usual shares shown, are few distinct numbers.
    """
    return show("derived.attainment", value)


def sentence(text: str) -> str:
    """Capitalize the first letter only (labels are lower case mid-sentence)."""
    return text[:1].upper() + text[1:]


def listed(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c': a list as a sentence says it."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def labels_listed(paths: Iterable[str]) -> str:
    """The labels of metric paths, listed as a sentence says them."""
    return listed([label_of(p).label for p in paths])
