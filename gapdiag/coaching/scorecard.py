"""The coaching scorecard: the rep and the manager each rate the rep 1-5 per metric.

Where the two ratings differ most is where a coaching conversation is most needed: the rep
sees something the manager does not, or the other way round.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import Field, JsonValue, model_validator

from gapdiag.model import _kinds as k
from gapdiag.model._result import Worded
from gapdiag.model.labels import label_of, sentence
from gapdiag.model.metrics import _Strict
from gapdiag.model.wording import long_day
from gapdiag.rulebook.interventions import INDICATOR_NAMES, IndicatorName
from gapdiag.rulebook.schema import DIALECT

Score = Annotated[float, k.RATING.constraints(), k.RATING]


class Rating(Worded, _Strict):
    """One metric rated by the rep (self-rating) and by the manager, each 1-5."""

    metric: IndicatorName = Field(
        description="The metric rated, as a metric path (docs/metrics.md lists them).",
        json_schema_extra={"enum": list[JsonValue](sorted(INDICATOR_NAMES))},
    )
    rep: Score = Field(description="The rep's rating of themselves, 1-5.")
    manager: Score = Field(description="The manager's rating of the rep, 1-5.")

    def _words(self) -> str:
        label = sentence(label_of(self.metric).label)
        return f"{label}: rep {self.rep}, manager {self.manager}"


class Opening(Worded, _Strict):
    """A disagreement worth a conversation: who rates higher, and by how much."""

    metric: str
    rep: float
    manager: float
    difference: float = Field(description="rep - manager: positive when the rep rates higher.")
    note: str

    def _words(self) -> str:
        return self.note


class Scorecard(Worded, _Strict):
    """One week's ratings for one rep; each metric rated once."""

    rep_id: str = Field(min_length=1, strict=True, description="The rep rated, as in the plan.")
    week: dt.date | None = Field(default=None, description="A day of the week rated.")
    ratings: tuple[Rating, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_rating_per_metric(self) -> Self:
        seen: set[str] = set()
        for index, rating in enumerate(self.ratings):
            if rating.metric in seen:
                raise ValueError(f"ratings[{index}]: {rating.metric!r} is rated twice")
            seen.add(rating.metric)
        return self

    def openings(self, *, minimum: float = 1.0) -> tuple[Opening, ...]:
        """Disagreements of at least `minimum` points, largest first (ties in rating order)."""
        ranked = sorted(self.ratings, key=lambda r: -abs(r.rep - r.manager))
        return tuple(_opening(r) for r in ranked if abs(r.rep - r.manager) >= minimum)

    def _words(self) -> str:
        week = f", week of {long_day(self.week)}" if self.week else ""
        return f"{self.rep_id}{week}: {len(self.ratings)} ratings"


def _opening(rating: Rating) -> Opening:
    difference = rating.rep - rating.manager
    side: Literal["higher", "lower"] = "higher" if difference > 0 else "lower"
    points = "point" if abs(difference) == 1 else "points"
    note = (
        f"The rep rates {label_of(rating.metric).label} {abs(difference):g} {points} {side} "
        "than you do "
        f"({rating.rep:g} vs {rating.manager:g}): "
        + (
            "ask what they see that makes it good, then show the evidence you see."
            if side == "higher"
            else "ask what worries them; they may see a problem the numbers do not show yet."
        )
    )
    return Opening(
        metric=rating.metric,
        rep=rating.rep,
        manager=rating.manager,
        difference=difference,
        note=note,
    )


def scorecard_schema() -> dict[str, Any]:
    """The JSON Schema of a scorecard file (``gapdiag plan --scorecard``)."""
    return {"$schema": DIALECT, **Scorecard.model_json_schema(), "title": "gapdiag scorecard"}
