"""Generated reps: the truth about each, and the record a CRM would hand the API.

`generate(size, seed)` is deterministic. Each `Case` holds the rep's `Truth` (cause,
standing, pace) and its `record`: the input fields, issue 23's new ones included
(`as_of`, `proxies`, the counts behind rates), with data missing the way real exports
miss it: whole groups, single fields, counts, dates; territory values measured, estimated
from a proxy, or absent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .observe import Columns, observe
from .world import World

GROUPS = ("activity", "pipeline", "calls", "ownership", "territory", "knowledge")
COUNT_FIELDS = (
    "activity.working_days",
    "activity.timed_calls",
    "activity.meetings_held",
    "pipeline.closed_deals",
    "pipeline.won_deals",
    "pipeline.open_deals",
    "pipeline.deals_in_play",
    "calls.calls_measured",
)
"""The counts behind rates (issue 23 item 2)."""
NEW_TOP = ("as_of", "proxies")
MONEY = ("pipeline.quota", "pipeline.closed_won")
PROXIED = {
    "territory.lead_volume_vs_team": (0.55, 0.30),
    "territory.territory_size_vs_team": (0.50, 0.20),
}
"""Per territory ratio: chance it is measured, chance it is estimated from a proxy."""


@dataclass(frozen=True, slots=True)
class Truth:
    """What the benchmark knows about a rep and the API has to find out."""

    rep_id: str
    cause: str
    standing: str
    pace: float = 1.0
    """The share of quota the rep closes over a whole period at their true rate."""
    landing: float = 1.0
    """Where the rep is expected to land: won so far plus the true pace over the rest."""
    elapsed: float = 1.0
    kinds: tuple[str, ...] = ()
    segment: str = "smb"
    complete: bool = True
    """The activity, pipeline and territory groups are all present."""


@dataclass(frozen=True, slots=True)
class Case:
    """One generated rep: the truth, and every field a CRM would give (new fields included)."""

    truth: Truth
    record: dict[str, Any] = field(hash=False, compare=True)


@dataclass(frozen=True, slots=True)
class Missing:
    """How much data goes missing: whole groups, single fields, counts, dates and as_of."""

    groups: tuple[tuple[str, float], ...] = (
        ("activity", 0.04),
        ("pipeline", 0.03),
        ("calls", 0.3),
        ("ownership", 0.35),
        ("territory", 0.25),
        ("knowledge", 0.3),
    )
    fields: float = 0.07
    money: float = 0.03
    counts: float = 0.15
    dates: float = 0.05
    as_of: float = 0.15
    tenure: float = 0.1
    proxies: bool = True


NOTHING_MISSING = Missing(
    groups=(), fields=0, money=0, counts=0, dates=0, as_of=0, tenure=0, proxies=False
)


def generate(size: int, seed: int, missing: Missing | None = None) -> list[Case]:
    """`size` reps drawn from the causal model; the same seed gives the same reps."""
    rng = np.random.default_rng(seed)
    world = World(size, rng)
    columns = observe(world)
    return _cases(world, columns, missing if missing is not None else Missing(), rng)


def _cases(w: World, cols: Columns, missing: Missing, rng: np.random.Generator) -> list[Case]:
    n = w.n
    dropped = {g: rng.random(n) < p for g, p in missing.groups}
    no_calls = cols["calls.calls_measured"] == 0  # nothing recorded: no call metrics at all
    dropped["calls"] = dropped.get("calls", np.zeros(n, bool)) | no_calls
    mode = {path: rng.random(n) for path in PROXIED}
    cases = []
    for i in range(n):
        gone = {g for g, mask in dropped.items() if mask[i]}
        record = _record(w, cols, i, gone, missing, rng, mode)
        truth = Truth(
            rep_id=record["rep_id"],
            cause=str(w.cause[i]),
            standing=str(w.standing[i]),
            pace=round(float(w.pace[i]), 4),
            landing=round(float(w.landing[i]), 4),
            elapsed=round(float(w.elapsed[i]), 4),
            kinds=w.kinds[i],
            segment=str(w.segment[i]),
            complete=not gone & {"activity", "pipeline", "territory"},
        )
        cases.append(Case(truth, record))
    return cases


def _record(
    w: World,
    cols: Columns,
    i: int,
    gone: set[str],
    missing: Missing,
    rng: np.random.Generator,
    mode: dict[str, np.ndarray],
) -> dict[str, Any]:
    record: dict[str, Any] = {"rep_id": f"rep-{i:05d}", "team": f"team-{int(w.team[i]):04d}"}
    if rng.random() >= missing.tenure:
        record["tenure_months"] = round(float(w.tenure[i]), 1)
    if rng.random() >= missing.dates:
        record["period_start"] = str(w.start[i])
        record["period_end"] = str(w.end[i])
        if rng.random() >= missing.as_of:
            record["as_of"] = str(w.as_of[i])
    proxies = []
    for path, values in cols.items():
        group, _, name = path.partition(".")
        if group not in GROUPS or group in gone:
            continue
        if path in PROXIED and missing.proxies:
            measured, proxied = PROXIED[path]
            if mode[path][i] >= measured + proxied:
                continue
            if mode[path][i] >= measured:
                values = cols[f"proxy:{path}"]
                proxies.append(path)
        value = _value(path, values[i])
        if value is None or rng.random() < _drop_rate(path, missing):
            if path in proxies:
                proxies.remove(path)
            continue
        record.setdefault(group, {})[name] = value
    if proxies:
        record["proxies"] = proxies
    return record


def _drop_rate(path: str, missing: Missing) -> float:
    if path in COUNT_FIELDS:
        return missing.counts
    return missing.money if path in MONEY else missing.fields


def _value(path: str, value: Any) -> float | bool | None:
    """A JSON-ready value, rounded as an export would round it; None when undefined."""
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    number = float(value)
    if math.isnan(number):
        return None
    if path in COUNT_FIELDS:
        return float(round(number))
    if path.startswith("pipeline.") and "rate" not in path:
        return round(number, 0)
    return round(number, 3)
