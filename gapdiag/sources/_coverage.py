"""What the exports cannot speak for: periods outside their dates, kinds they never hold.

Such figures are left empty rather than zero (see `activities` and `opportunities`); the
notes here tell the person running the ingest why, once per source, in dates and labels.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np

from gapdiag.model.labels import label_of
from gapdiag.model.wording import long_day
from gapdiag.sources._span import Span, covered
from gapdiag.sources.periods import EPOCH, Grid

if TYPE_CHECKING:
    from gapdiag.sources.activities import Activities
    from gapdiag.sources.opportunities import Deals

_KIND_PATHS = {
    "calls": ("activity.calls_per_day", "activity.avg_call_minutes"),
    "emails": ("activity.emails_per_day",),
    "meetings": ("activity.meetings_per_week",),
}
EARLY_DAYS = 7
"""Activities that stop this many days or more before the period ends were pulled early."""


def span_text(span: Span) -> str:
    """The dates a span runs over, as people write them: 'Mon 2 Jan 2017 to Fri 30 Jun 2017'."""
    return f"from {long_day(_date(span[0]))} to {long_day(_date(span[1]))}"


def coverage_notes(
    cut: Grid, deals: Deals | None, seen: Activities | None, until: dt.date | None
) -> dict[str, tuple[str, ...]]:
    """Notes per source kind ('opportunities', 'activities') on what is left empty and why."""
    notes: dict[str, tuple[str, ...]] = {}
    if deals is not None and deals.span is not None:
        notes["opportunities"] = _outside(cut, deals.span, "pipeline and territory figures")
    if seen is not None and seen.span is not None:
        missing = [kind for kind in _KIND_PATHS if kind not in seen.kinds]
        absent = (
            (
                f"no {' or '.join(missing)} in the activity exports: "
                f"{', '.join(label_of(p).label.lower() for k in missing for p in _KIND_PATHS[k])}"
                " left empty, not zero",
            )
            if missing
            else ()
        )
        notes["activities"] = (
            absent + _outside(cut, seen.span, "activity figures") + _early(cut, seen.span, until)
        )
    return notes


def _outside(cut: Grid, span: Span, figures: str) -> tuple[str, ...]:
    """A note when periods of the grid lie outside the export's dates."""
    inside = covered(cut, span)
    if inside.all():
        return ()
    dates = f"the export's dates ({span_text(span)})"
    if len(cut) == 1:
        return (
            f"{cut.periods[0].label} falls outside {dates}: its {figures} are left empty, not zero",
        )
    count = int((~inside).sum())
    return (
        f"{count:,} of the {len(cut):,} weeks fall outside {dates}: "
        f"their {figures} are left empty, not zero",
    )


def stop(cut: Grid, span: Span | None, activities_until: dt.date | None = None) -> dt.date | None:
    """The last day activities count: `activities_until`, else the last activity when the exports
    stop `EARLY_DAYS` or more before the grid ends (pulled early), else None (every day).
    """
    if activities_until is not None:
        return activities_until
    if span is None:
        return None
    last = _date(span[1])
    return last if early(cut, last) else None


def early(cut: Grid, last: dt.date) -> bool:
    """Whether exports whose last day is `last` stop early: before the grid ends, by
    `EARLY_DAYS` or more or before its last period (a weekly grid's last week) begins; a
    last day closer to the end is read as the grid's end."""
    final = cut.periods[-1]
    return last < final.end and ((final.end - last).days >= EARLY_DAYS or last < final.start)


def _early(cut: Grid, span: Span, until: dt.date | None) -> tuple[str, ...]:
    """A note when rates count working days only up to a day before the grid ends."""
    end = cut.periods[-1].end
    if until is None or until >= end or not covered(cut, span)[-1]:
        return ()
    label = cut.periods[-1].label
    days = cut.periods[-1].working_days_until(until) if len(cut) == 1 else None
    counted = f"the {days} working days" if days is not None else "the working days"
    why = (
        "as --activities-until says"
        if until != _date(span[1])
        else f"the last activity in the exports, {(end - until).days} days before {label} ends"
    )
    return (f"figures a day and a week count {counted} up to {long_day(until)}, {why}",)


def _date(day: int | np.integer) -> dt.date:
    return EPOCH + dt.timedelta(int(day))
