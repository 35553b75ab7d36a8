"""The days an export has dated rows on, and which periods of a grid they reach.

Kept apart from `periods` (which the command line imports without numpy): only the
readers of the exports, loaded with the frames extra, need it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gapdiag.sources.periods import Grid

Span = tuple[int, int]
"""The first and last day number an export has dated rows on."""


def widen(span: Span | None, days: Any) -> Span | None:
    """`span` grown to hold the day numbers `days` (an array; none: unchanged)."""
    if not len(days):
        return span
    first, last = int(days.min()), int(days.max())
    return (first, last) if span is None else (min(first, span[0]), max(last, span[1]))


def covered(grid: Grid, span: Span | None) -> Any:
    """Per period of the grid: does it overlap the days from `span`'s first to its last?

    With no span (nothing dated to tell by, e.g. open deals without a created date) every
    period counts as covered.
    """
    if span is None:
        return np.ones(len(grid), dtype=bool)
    return (np.asarray(grid.starts) <= span[1]) & (np.asarray(grid.ends) >= span[0])
