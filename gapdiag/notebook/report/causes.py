"""Team-wide causes (a problem for the manager's manager) and what data to collect.

A cause is team-wide when at least `SHARED_MIN_REPS` reps and `SHARED_MIN_SHARE` of the
team share it (our thresholds: one rep is not a pattern, and two of forty are not the
team's). Three kinds are looked for:

- a system gap (confirmed or suspected) in several reps, with the signs they share;
- a manager coaching under the weekly setting for several reps;
- the same group of data missing for several reps, where the rules needed it.

What to collect ranks each absent metric by the open (unknown) verdicts it bears on: for
every rep and every gap left unknown, each metric an open rule of that gap needs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from gapdiag.model.gaps import FOUND
from gapdiag.model.labels import asked, label_of
from gapdiag.model.metrics import Targets

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.notebook.report.assemble import RepLine

SHARED_MIN_REPS = 2
"""Fewest reps that make a cause the team's (ours)."""
SHARED_MIN_SHARE = 0.25
"""Smallest share of the team that makes a cause the team's (ours)."""
GROUP_LABELS = {
    "activity": "Activity",
    "pipeline": "Pipeline",
    "calls": "Call-quality",
    "ownership": "Ownership",
    "territory": "Territory",
    "knowledge": "Knowledge",
}


@dataclass(frozen=True, slots=True)
class Cause:
    """Something several reps share that the manager's own manager has to fix."""

    kind: Literal["system", "coaching", "missing"]
    headline: str
    detail: str
    reps: tuple[RepLine, ...]


@dataclass(frozen=True, slots=True)
class Collect:
    """An absent metric, and how many open verdicts (and reps) collecting it bears on."""

    metric: str
    verdicts: int
    reps: int


def is_shared(count: int, team_size: int) -> bool:
    """Whether `count` reps of a team of `team_size` make a team-wide pattern."""
    return count >= SHARED_MIN_REPS and count >= SHARED_MIN_SHARE * team_size


def team_causes(reps: Sequence[RepLine], targets: Targets) -> tuple[Cause, ...]:
    """The team-wide causes among these reps, system first."""
    causes = [
        *_system(reps),
        *_coaching(reps, targets),
        *_missing(reps),
    ]
    return tuple(causes)


def _system(reps: Sequence[RepLine]) -> list[Cause]:
    hit = [r for r in reps if any(g == "system" and s in FOUND for g, s, _ in r.verdicts)]
    if not is_shared(len(hit), len(reps)):
        return []
    signs: Counter[str] = Counter()
    for rep in hit:
        signs.update(rep.system_signs)
    shared = ", ".join(
        f"{label_of(m).label.lower()} ({n} reps)"
        for m, n in sorted(signs.items(), key=lambda s: (-s[1], label_of(s[0]).label))
    )
    detail = (
        "The territory, lead supply or process is holding several reps back at once. "
        "Take it to your own manager and sales operations; coaching the reps cannot fix it, "
        "and no PIP should be considered while it stands."
    )
    if shared:
        detail = f"Shared signs: {shared}. {detail}"
    headline = f"{len(hit)} of {len(reps)} reps show a system gap"
    return [Cause("system", headline, detail, tuple(hit))]


def _coaching(reps: Sequence[RepLine], targets: Targets) -> list[Cause]:
    flagged = [r for r in reps if r.coaching_short]
    if not is_shared(len(flagged), len(reps)):
        return []
    hours = targets.manager_coaching_hours_per_week
    headline = (
        f"{len(flagged)} of {len(reps)} reps get less than {hours:g} hours of coaching a week"
    )
    detail = (
        "Coaching time is set by the manager's workload, not by the reps: agree protected "
        "coaching time with your own manager. (The seeds' 2-hour figure traces back to "
        "research that counted hours per month, so the threshold is a team setting.)"
    )
    return [Cause("coaching", headline, detail, tuple(flagged))]


def _missing(reps: Sequence[RepLine]) -> list[Cause]:
    lacking: dict[str, dict[int, RepLine]] = {}
    metrics: dict[str, set[str]] = {}
    for rep in reps:
        for metric in rep.needs:
            group = metric.split(".", 1)[0]
            lacking.setdefault(group, {})[rep.row] = rep  # the row is what the anchor names
            metrics.setdefault(group, set()).add(metric)
    causes = []
    for group in sorted(lacking, key=lambda g: (-len(lacking[g]), g)):
        hit = tuple(sorted(lacking[group].values(), key=lambda r: r.row))
        if not is_shared(len(hit), len(reps)):
            continue
        names = ", ".join(sorted(asked(m).lower() for m in metrics[group]))
        headline = (
            f"{GROUP_LABELS.get(group, label_of(group).label)} data is missing for "
            f"{len(hit)} of {len(reps)} reps"
        )
        detail = (
            f"Not recorded: {names}. Without it the rules cannot settle some verdicts. "
            "Getting it recorded is a reporting or CRM task for sales operations, not "
            "something each rep can fix."
        )
        causes.append(Cause("missing", headline, detail, hit))
    return causes


def what_to_collect(reps: Sequence[RepLine]) -> tuple[Collect, ...]:
    """Absent metrics ranked by how many open verdicts they bear on, then by reps."""
    verdicts: Counter[str] = Counter()
    who: dict[str, set[int]] = {}
    for rep in reps:
        for _, needs in rep.open_by_gap:
            for metric in needs:
                verdicts[metric] += 1
                who.setdefault(metric, set()).add(rep.row)
    ranked = sorted(verdicts, key=lambda m: (-verdicts[m], -len(who[m]), label_of(m).label))
    return tuple(Collect(m, verdicts[m], len(who[m])) for m in ranked)
