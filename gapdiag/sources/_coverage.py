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
from gapdiag.sources.periods import EPOCH, Grid, Span, covered

if TYPE_CHECKING:
    from gapdiag.sources.activities import Activities
    from gapdiag.sources.opportunities import Deals

_KIND_PATHS = {
    "calls": ("activity.calls_per_day", "activity.avg_call_minutes"),
    "emails": ("activity.emails_per_day",),
    "meetings": ("activity.meetings_per_week",),
}
EARLY_DAYS = 7
"""An export that stops this many days or more before its period ends is flagged."""


def span_text(span: Span) -> str:
    """The dates a span runs over, as people write them: 'Mon 2 Jan 2017 to Fri 30 Jun 2017'."""
    return f"from {long_day(_date(span[0]))} to {long_day(_date(span[1]))}"


def coverage_notes(
    cut: Grid, deals: Deals | None, seen: Activities | None
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
            absent + _outside(cut, seen.span, "activity figures") + _early(cut, seen.span)
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


def _early(cut: Grid, span: Span) -> tuple[str, ...]:
    """A note when the activities stop well before a period they cover ends."""
    end = cut.periods[-1].end
    last = _date(span[1])
    if not covered(cut, span)[-1] or (end - last).days < EARLY_DAYS:
        return ()
    label = cut.periods[-1].label
    return (
        f"the last activity is on {long_day(last)}, {(end - last).days} days before "
        f"{label} ends: figures a day and a week count every working day of {label}, "
        "so they read low if the export was pulled early",
    )


def _date(day: int | np.integer) -> dt.date:
    return EPOCH + dt.timedelta(int(day))
