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


def widen(span: Span | None, days: Any, skip: Any = None) -> Span | None:
    """`span` grown to hold the day numbers `days` (an array) but those `skip` masks.

    No day left: `span` unchanged. The masked days are moved out of reach of the minimum
    and the maximum (sums, not a filtered copy: no branch per row).
    """
    if skip is None or not skip.any():
        first, last = (int(days.min()), int(days.max())) if len(days) else (1, 0)
    else:
        first, last = int((days + skip * _FAR).min()), int((days - skip * _FAR).max())
    if first > last:
        return span
    return (first, last) if span is None else (min(first, span[0]), max(last, span[1]))


_FAR = 2**61
"""Past every day number (`_parse.NO_DAY` too), and far enough from int64's ends to add."""


def covered(grid: Grid, span: Span | None) -> Any:
    """Per period of the grid: does it overlap the days from `span`'s first to its last?

    With no span (nothing dated to tell by, e.g. open deals without a created date) every
    period counts as covered.
    """
    if span is None:
        return np.ones(len(grid), dtype=bool)
    return (np.asarray(grid.starts) <= span[1]) & (np.asarray(grid.ends) >= span[0])
