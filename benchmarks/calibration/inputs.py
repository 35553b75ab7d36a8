"""From a generated record to what the public API accepts, and the team values it reads.

Issue 23's input fields (`as_of`, `proxies`, the counts behind rates) are generated for
every rep; `NEW_FIELDS` says whether the API is given them. They are on since issue 23
reached main; `--no-new-fields` (or an older gapdiag, which refuses them) drops them here,
in this one place, to see what the API makes of the same reps without them.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from gapdiag import TeamStats

from .population import COUNT_FIELDS, NEW_TOP

NEW_FIELDS = True
"""Give the API as_of, proxies and the counts (main's RepMetrics has them since issue 23)."""


def api_input(record: Mapping[str, Any], *, new_fields: bool = NEW_FIELDS) -> dict[str, Any]:
    """The record as `gapdiag.diagnose` takes it; issue 23's new fields dropped unless on."""
    if new_fields:
        return {k: dict(v) if isinstance(v, dict) else v for k, v in record.items()}
    out: dict[str, Any] = {}
    for key, value in record.items():
        if key in NEW_TOP:
            continue
        if isinstance(value, dict):
            kept = {n: v for n, v in value.items() if f"{key}.{n}" not in COUNT_FIELDS}
            if kept:
                out[key] = kept
        else:
            out[key] = value
    return out


def team_stats(inputs: Iterable[Mapping[str, Any]]) -> dict[str, TeamStats]:
    """Each team's mean and median of every number its reps report (absent values skipped)."""
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rep in inputs:
        team = rep.get("team")
        if team is None:
            continue
        for group, fields in rep.items():
            if not isinstance(fields, dict):
                continue
            for name, value in fields.items():
                path = f"{group}.{name}"
                if isinstance(value, bool) or path in COUNT_FIELDS:
                    continue
                values[team][path].append(float(value))
    return {
        team: TeamStats(
            mean={p: _mean(v) for p, v in per.items()},
            median={p: float(statistics.median(v)) for p, v in per.items()},
        )
        for team, per in values.items()
    }


def _mean(values: list[float]) -> float:
    mean = sum(sorted(values)) / len(values)
    return float(min(max(mean, min(values)), max(values)))  # rounding stays in range
