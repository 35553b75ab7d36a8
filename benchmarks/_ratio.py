"""What the issue-28 benchmarks share: CPU time in alternated rounds, the load, JSON lines.

A figure is a ratio to a floor measured in the same process (or, for whole processes, by
the same parent) in alternated rounds, so both meet the same mix of other work on a
shared machine; the median of the rounds is kept. ``--json`` makes a script print one
JSON object per measured path on standard output (``run.py`` reads them):
``{"path", "ours", "floor", "ratio", "goal", "unit", "met", ...}``, ``ratio`` being
``ours / floor`` and ``goal`` its bound in words (lower is better throughout).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def load() -> dict[str, Any]:
    """The machine's load now: load averages and the share of time tasks waited for a CPU."""
    found: dict[str, Any] = {"cores": os.cpu_count()}
    try:
        found["loadavg"] = [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:  # not Linux
        found["loadavg"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    try:
        some = Path("/proc/pressure/cpu").read_text().splitlines()[0].split()
        fields = dict(item.split("=") for item in some[1:])
        found["cpu_pressure"] = {k: float(fields[k]) for k in ("avg10", "avg60")}
    except (OSError, IndexError, KeyError):
        found["cpu_pressure"] = None
    return found


def cpu() -> float:
    """CPU seconds this process has used (every thread, user and system)."""
    return time.process_time()


def children_cpu() -> float:
    """CPU seconds the children this process waited for have used."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def alternate(
    candidates: Mapping[str, Callable[[], object]],
    rounds: int,
    *,
    clock: Callable[[], float] = cpu,
) -> dict[str, list[float]]:
    """Seconds of `clock` each candidate took, round after round, taking turns.

    Each round runs every candidate once; the order turns by one each round, so none
    always runs first (after the others warmed a cache) or last.
    """
    names = list(candidates)
    taken: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        turn = index % len(names)
        for name in names[turn:] + names[:turn]:
            start = clock()
            candidates[name]()
            taken[name].append(clock() - start)
    return taken


def median(values: list[float]) -> float:
    """The median of a list of seconds."""
    return statistics.median(values)


def line(
    path: str,
    ours: float,
    floor: float,
    *,
    goal: str,
    met: bool,
    unit: str,
    **extra: Any,
) -> dict[str, Any]:
    """One measured path as the JSON object `run.py` reads; printed, and returned."""
    figure = {
        "path": path,
        "ours": round(ours, 6),
        "floor": round(floor, 6),
        "ratio": round(ours / floor, 3) if floor else None,
        "goal": goal,
        "met": met,
        "unit": unit,
        **extra,
    }
    print(json.dumps(figure), flush=True)
    return figure


def spread(values: list[float]) -> list[float]:
    """The rounds' figures, rounded, smallest first (reported beside the median)."""
    return [round(v, 6) for v in sorted(values)]


def ratio_line(
    path: str, ours: list[float], floor: list[float], goal: float, unit: str, **extra: Any
) -> dict[str, Any]:
    """`line` for alternated rounds held to ``ratio <= goal``: medians, and every round kept."""
    mine, theirs = median(ours), median(floor)
    return line(
        path,
        mine,
        theirs,
        goal=f"ratio <= {goal:g}",
        met=mine <= goal * theirs,
        unit=unit,
        rounds={"ours": spread(ours), "floor": spread(floor)},
        **extra,
    )
