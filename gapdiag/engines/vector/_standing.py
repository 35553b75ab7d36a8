"""Where every rep of a chunk stands on the number, as ``model.standing`` decides for one rep.

The same figures in the same order: quota, then the period's end, the pace, commit and, only
when the pace is unknown, the pipeline. Every comparison uses the same arithmetic as the
per-rep code, so both give the same standing for every rep.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from gapdiag.engines.vector._columns import Floats
from gapdiag.model.standing import EARLY, StandingStatus

STANDING_CODES: tuple[StandingStatus, ...] = ("ahead", "on_track", "behind", "unknown")
"""Standing codes: the index into this tuple."""
AHEAD, ON_TRACK, BEHIND, UNKNOWN = range(4)
Codes = npt.NDArray[np.int8]


def elapsed(
    start: pd.Series | None, end: pd.Series | None, as_of: pd.Series | None
) -> Floats | None:
    """Share of each period's working days gone by at as_of (NaN where any date is absent)."""
    if start is None or end is None or as_of is None:
        return None
    first = start.to_numpy(dtype="datetime64[D]")
    last = end.to_numpy(dtype="datetime64[D]")
    upto = np.minimum(as_of.to_numpy(dtype="datetime64[D]"), last)
    known = ~(np.isnat(first) | np.isnat(last) | np.isnat(upto))
    one = np.timedelta64(1, "D")
    safe_first = np.where(known, first, np.datetime64("2000-01-03"))
    safe_last = np.where(known, last, safe_first)
    safe_upto = np.where(known, upto, safe_first)
    total = np.busday_count(safe_first, safe_last + one).astype(np.float64)
    gone = np.busday_count(safe_first, safe_upto + one).astype(np.float64)
    days = ((safe_last - safe_first) / one + 1.0).astype(np.float64)
    days_gone = ((safe_upto - safe_first) / one + 1.0).astype(np.float64)
    with np.errstate(all="ignore"):
        share = np.where(total == 0, np.minimum(1.0, days_gone / days), gone / total)
    out: Floats = np.where(known, share, np.nan)
    return out


def standing(
    quota: Floats,
    closed: Floats,
    commit: Floats,
    pipe: Floats,
    win: Floats,
    share: Floats | None,
    margin: float,
    flat_coverage: float,
) -> Codes:
    """Each rep's standing code (see STANDING_CODES)."""
    size = len(quota)
    share = share if share is not None else np.full(size, np.nan)
    with np.errstate(all="ignore"):
        judged = ~np.isnan(quota) & (quota > 0) & ~np.isnan(closed)
        expected = quota * share
        paced = ~np.isnan(expected)
        needed = quota - closed - np.where(np.isnan(commit), 0.0, commit)
        made = pipe * win
        coverage = np.where(needed > 0, pipe / needed, np.nan)
        wanted = np.where(~np.isnan(win) & (win != 0), 1.0 / win, flat_coverage)
        covers = np.where(~np.isnan(made), made >= needed, coverage >= wanted)
        early = share < EARLY
        conditions = [
            ~judged,
            closed >= quota,
            (share >= 1.0) & (closed >= quota * (1.0 - margin)),
            share >= 1.0,
            paced & (closed >= expected * (1.0 + margin)) & (expected > 0),
            paced & (closed >= expected * (1.0 - margin)),
            ~np.isnan(commit) & (closed + commit >= quota),
            paced & ~early,
            ~np.isnan(pipe),
            paced,
        ]
        choices = [UNKNOWN, AHEAD, ON_TRACK, BEHIND, AHEAD, ON_TRACK, ON_TRACK, BEHIND, 0, BEHIND]
        picked = np.select(conditions, choices, default=UNKNOWN)
    pipeline_decides = np.select(conditions, [False] * 8 + [True, False], default=False)
    out: Codes = np.where(pipeline_decides, np.where(covers, ON_TRACK, BEHIND), picked).astype(
        np.int8
    )
    return out
