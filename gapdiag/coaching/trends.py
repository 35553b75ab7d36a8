"""Which way a leading indicator moved over some weeks, decided from the numbers.

A trend is the least-squares slope of the indicator on its week number, over the weeks
that have a value (a missing week neither stretches nor shrinks it). Its word comes from
the numbers, the same in the plan's text, its HTML and the plots:

- **unknown** with fewer than ``MIN_WEEKS_FOR_TREND`` values;
- no steady trend when the change the line shows over the weeks is inside the **noise
  band** (the larger of a t-quantile (95%, one side) times the change's standard error,
  which the scatter of the weeks around the line sets, and ``FLAT_SHARE`` of the target),
  or when the first and the latest value do not differ the same way (a trend the numbers
  shown do not bear out is no trend). It is **flat** when the first and latest values are
  also within the band of each other, and **uneven** when they differ by more: the weeks
  jump about, and "flat" would be false of the two numbers shown;
- otherwise **improving** when it moved the better way (toward the target from short of
  it, or further past it), **worsening** when it moved the other way.

The word a person reads (``trend_word``) must be true of the two numbers shown beside it:
a latest value at or beyond its target (a minimum or a maximum) reads **at target**, never
"worsening" or "flat" by a hair; "uneven" reads "uneven, no steady trend".

With the day coaching began (``since``) the trend is judged over the coaching weeks,
starting from the last value before coaching (the baseline), and ``began`` is the value
when coaching began: the last baseline week's, else the first coaching week's.
``held_weeks`` counts the latest values in a row at target: reaching a target counts as
progress once it holds (two weeks), not on one lucky week.

"At target" allows the target's margin (``Targets.margins``, as the rules do): 37 calls a
day against a plan of 40 is on plan.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import Field

from gapdiag.coaching.history import RepHistory
from gapdiag.coaching.units import across_weeks
from gapdiag.model._result import Worded
from gapdiag.model.labels import OF_5, OF_10, TIMES, label_of, sentence, show
from gapdiag.model.metrics import Margins, Targets, _Strict, parse_targets
from gapdiag.model.wording import reading
from gapdiag.rulebook.interventions import Indicator

Direction = Literal["improving", "flat", "uneven", "worsening", "unknown"]
MIN_WEEKS_FOR_TREND = 3
"""Fewest weeks with a value before a trend is called (two points are mostly noise; ours)."""
FLAT_SHARE = 0.05
"""A change over the weeks smaller than this share of the target is flat, however steady
(ours: 2 calls a day on a plan of 40)."""
_T95 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812)
"""One-sided 95% t-quantiles for 1 to 10 degrees of freedom; 1.7 from 11 to 30, then 1.645."""
_MARGIN_OF = {
    "derived.calls_vs_plan": "calls_per_day",
    "derived.meetings_vs_plan": "meetings_per_week",
    "derived.conversion_vs_plan": "meetings_per_week",
}
"""Indicators on a share of plan whose margin is named for the plan's target."""


class Trend(Worded, _Strict):
    """Which way one leading indicator moved over the weeks it was observed."""

    metric: str
    direction: Direction
    slope: float | None = Field(description="Change per week (least squares), None if unknown.")
    noise: float | None = Field(
        default=None,
        description="The noise band: a change over the weeks inside it is flat (None: "
        "too few weeks to tell).",
    )
    weeks_observed: int = Field(ge=0, description="Weeks with a value, of those judged.")
    first: float | None = None
    latest: float | None = None
    target: float
    better: Literal["higher", "lower"]
    at_target: bool = Field(description="The latest value meets the target (within its margin).")
    latest_meets: bool = Field(
        default=False, description="The latest value meets the target itself (no margin)."
    )
    began: float | None = Field(
        default=None, description="The value when coaching began (the last one before it)."
    )
    began_at_target: bool | None = Field(
        default=None, description="Whether the value met the target when coaching began."
    )
    baseline_weeks: int = Field(
        default=0, ge=0, description="Weeks with a value before coaching began."
    )
    held_weeks: int = Field(
        default=0, ge=0, description="The latest values in a row that meet the target."
    )

    @property
    def word(self) -> str:
        """The trend in a word true of its first and latest values (see ``trend_word``)."""
        return trend_word(self.direction, self.better, self.latest, self.target)

    def _words(self) -> str:
        label = sentence(label_of(self.metric).label)
        if self.latest is None:
            return f"{label}: {self.direction}, no value yet"
        first = "" if self.first is None else f"{show(self.metric, self.first)} → "
        return (
            f"{label}: {self.word}, {first}{show(self.metric, self.latest)} over "
            f"{self.weeks_observed} weeks (target {show(self.metric, self.target)})"
        )


def trend_word(
    direction: Direction, better: Literal["higher", "lower"], latest: float | None, goal: float
) -> str:
    """A trend's word, true of the numbers shown beside it: 'improving', 'worsening', 'flat',
    'uneven, no steady trend', or 'at target' for a latest value at or beyond its target
    that did not improve (a minimum exceeded is never 'worsening' by a hair)."""
    meets = latest is not None and (latest >= goal if better == "higher" else latest <= goal)
    if meets and direction in ("flat", "uneven", "worsening"):
        return "at target"
    return "uneven, no steady trend" if direction == "uneven" else direction


def trend(
    history: RepHistory,
    indicator: Indicator,
    targets: Targets | None = None,
    *,
    since: dt.date | None = None,
) -> Trend:
    """The trend of one indicator over a history (over its coaching weeks, given `since`)."""
    chosen = parse_targets(targets)
    points = history.values(indicator.metric, chosen)
    baseline: tuple[tuple[int, float], ...] = ()
    if since is not None:
        start = history.week_number(since)
        baseline = tuple(p for p in points if p[0] < start)
        points = baseline[-1:] + tuple(p for p in points if p[0] >= start)
    goal = indicator.target_value(chosen)
    direction, slope, noise = movement(points, indicator.better, goal)
    began = points[0][1] if points else None
    held = 0
    for _, value in reversed(points[1:]):  # the value when coaching began is not holding
        if not on_target(indicator, value, chosen):
            break
        held += 1
    return Trend(
        metric=indicator.metric,
        direction=direction,
        slope=slope,
        noise=noise,
        weeks_observed=len(points),
        first=points[0][1] if points else None,
        latest=points[-1][1] if points else None,
        target=goal,
        better=indicator.better,
        at_target=bool(points) and on_target(indicator, points[-1][1], chosen),
        latest_meets=bool(points) and indicator.is_met(points[-1][1], chosen),
        began=began,
        began_at_target=None if began is None else on_target(indicator, began, chosen),
        baseline_weeks=len(baseline),
        held_weeks=held,
    )


def on_target(indicator: Indicator, value: float, targets: Targets) -> bool:
    """Whether `value` meets the indicator's target, allowing the target's margin."""
    goal = indicator.target_value(targets)
    slack = margin_of(indicator, targets.margins)
    if indicator.better == "higher":
        return value >= goal * (1.0 - slack)
    return value <= goal * (1.0 + slack)


def margin_of(indicator: Indicator, margins: Margins) -> float:
    """The margin the indicator's target carries (0 for a target without one)."""
    name = (
        indicator.target.removeprefix("target.")
        if isinstance(indicator.target, str)
        else _MARGIN_OF.get(indicator.metric)
    )
    value = getattr(margins, name, None) if name else None
    return value if isinstance(value, float) else 0.0


def movement(
    points: Sequence[tuple[int, float]], better: Literal["higher", "lower"], goal: float
) -> tuple[Direction, float | None, float | None]:
    """(direction, slope per week, noise band) of (week number, value) points."""
    slope = _slope(points)
    if slope is None or len(points) < MIN_WEEKS_FOR_TREND:
        return "unknown", slope, None
    xs = [x for x, _ in points]
    span = xs[-1] - xs[0]
    mean_x = math.fsum(xs) / len(xs)
    mean_y = math.fsum(y for _, y in points) / len(points)
    spread = math.fsum((x - mean_x) ** 2 for x in xs)
    residuals = [y - (mean_y + slope * (x - mean_x)) for x, y in points]
    freedom = len(points) - 2
    scatter = math.sqrt(math.fsum(r * r for r in residuals) / freedom)
    error = scatter * span / math.sqrt(spread)
    scale = abs(goal) or max(abs(v) for _, v in points) or 1.0
    noise = max(_t95(freedom) * error, FLAT_SHARE * scale)
    change = slope * span
    shown = points[-1][1] - points[0][1]  # the first and latest values a reader sees
    if abs(change) <= noise or change * shown <= 0:
        return ("uneven" if abs(shown) > noise else "flat"), slope, noise
    up = change > 0
    return ("improving" if up == (better == "higher") else "worsening"), slope, noise


def _t95(freedom: int) -> float:
    if freedom <= len(_T95):
        return _T95[freedom - 1]
    return 1.7 if freedom <= 30 else 1.645


def _slope(points: Sequence[tuple[int, float]]) -> float | None:
    """Least-squares slope of value on week number; None for fewer than two distinct weeks."""
    # fsum: sum() of floats rounds differently on 3.11 and 3.12+, and by the weeks' order
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = math.fsum(x for x, _ in points) / n
    mean_y = math.fsum(y for _, y in points) / n
    spread = math.fsum((x - mean_x) ** 2 for x, _ in points)
    return math.fsum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def per_week(path: str, slope: float) -> str:
    """A slope with its unit: '+2.1 calls a day per week', '-1.5 points per week'."""
    if abs(slope) < 1e-12:
        return "no change from week to week"
    sign = "+" if slope > 0 else "-"
    unit = label_of(path).unit
    if unit in ("%", "yes/no"):
        return f"{sign}{_significant(abs(slope) * 100)} points per week"
    number = _significant(abs(slope))
    if unit == "$":
        text = f"${abs(slope):,.0f}" if abs(slope) >= 1 else f"${number}"
    elif unit == TIMES:
        text = f"{number}{TIMES}"
    elif unit in (OF_5, OF_10):
        text = f"{number} points on the {unit} scale"
    else:
        text = f"{number} {unit}".rstrip()
    return f"{sign}{text} per week"


def _significant(value: float) -> str:
    """Two significant figures, at least one decimal under 10: 0.043, 2.1, 14."""
    if value >= 10:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value:.2g}"


def trend_text(t: Trend, facts: Mapping[str, object], targets: Targets) -> str:
    """One trend in words with its numbers, in the rep's plan units:
    'Calls a day: improving, +2.1 calls a day per week; 14 → 25 over 6 recorded weeks
    (target 40, noise band ±3.2)'."""
    path, _ = across_weeks(t.metric, None, facts, targets)
    name = sentence(label_of(path).label)
    if t.weeks_observed == 0:
        return f"{name}: no weekly values in the history"
    first, latest, goal = (
        across_weeks(t.metric, v, facts, targets)[1] for v in (t.first, t.latest, t.target)
    )
    first_text, latest_text, goal_text = reading(path, first, latest, goal)
    weeks = "1 recorded week" if t.weeks_observed == 1 else f"{t.weeks_observed} recorded weeks"
    if t.direction == "unknown":
        return (
            f"{name}: too few weeks for a trend ({weeks}, {MIN_WEEKS_FOR_TREND} needed); "
            f"latest {latest_text}, target {goal_text}"
        )
    if label_of(path).unit == "yes/no":  # a slope of a yes/no is no figure a manager reads
        return f"{name}: {t.word}; {first_text} → {latest_text} over {weeks} (target {goal_text})"
    step = across_weeks(t.metric, t.slope, facts, targets)[1]
    band = across_weeks(t.metric, t.noise, facts, targets)[1]
    slope = per_week(path, float(step)) if isinstance(step, float) else ""
    noise = f", noise band {band_text(path, band)}" if isinstance(band, float) else ""
    return (
        f"{name}: {t.word}, {slope}; {first_text} → {latest_text} over {weeks} "
        f"(target {goal_text}{noise})"
    )


def band_text(path: str, band: float) -> str:
    """A noise band in the metric's unit: '±3.2 calls a day', '±22 points'."""
    unit = label_of(path).unit
    if unit in ("%", "yes/no"):
        return f"±{_significant(band * 100)} points"
    return f"±{show(path, band)}"
