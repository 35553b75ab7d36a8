"""The system side of a plan: the fixes the firing rules name, and the numbers they skew.

A system gap is the manager's to fix (seed 000: coaching a broken system is malpractice), so
the manager's actions and each week's system fix are the interventions of the system rules
that fired, strongest first, never a fixed list. A system rule may also say which of the
rep's numbers its fault distorts (``distorts:``; broken stage definitions skew stage
conversion and deal age): while the gap is confirmed or suspected, no goal is set for the
rep on those numbers, nor on anything derived from them, and the plan says why.
"""

from __future__ import annotations

import math

from pydantic import Field

from gapdiag.model._result import Worded
from gapdiag.model.derived import DEPENDS
from gapdiag.model.diagnosis import Diagnosis, Evidence, Judged
from gapdiag.model.gaps import FOUND
from gapdiag.model.labels import labels_listed
from gapdiag.model.metrics import Targets, _Strict
from gapdiag.model.wording import check_proxies_first
from gapdiag.rulebook.interventions import Interventions
from gapdiag.rulebook.pack import Rulebook

COACHING = "territory.manager_coaching_hours_per_week"
"""The rep's coaching time a week, which a system rule may find too low."""
TERRITORY_SIZE = "territory.territory_size_vs_team"
"""The territory's size against the team average, which a system rule may find too small."""
COACHING_TIME = "coaching-time"
"""The weekly session booked to make up coaching time, only while it is part of the gap."""


class Distortion(Worded, _Strict):
    """A fault that skews some of the rep's numbers: no rep goal on them while it stands."""

    rule: str
    metrics: tuple[str, ...] = Field(description="What it distorts, derived quantities included.")
    text: str

    def _words(self) -> str:
        return self.text


def system_evidence(diagnosis: Judged) -> tuple[Evidence, ...]:
    """The supporting evidence of a confirmed or suspected system gap, strongest first."""
    verdict = diagnosis.verdict("system")
    if verdict.status not in FOUND:
        return ()
    chosen = (e for e in verdict.evidence if e.certainty > 0)
    return tuple(sorted(chosen, key=lambda e: -e.certainty))


def system_actions(diagnosis: Judged, fallback: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The firing system rules' own interventions, strongest first (else `fallback`); when
    every fact behind the gap is an estimate, checking it comes first."""
    found = [e.intervention for e in system_evidence(diagnosis) if e.intervention]
    check = check_proxies_first(diagnosis.verdict("system")) if found else ()
    return (*check, *dict.fromkeys(found)) or fallback


def distortions(diagnosis: Judged, book: Rulebook) -> tuple[Distortion, ...]:
    """Per firing system rule that declares them: the rep's numbers its fault distorts."""
    out = []
    for evidence in system_evidence(diagnosis):
        listed = book.rule(evidence.rule).distorts
        if not listed:
            continue
        derived = [
            f"derived.{name}" for name, inputs in DEPENDS.items() if set(inputs) & set(listed)
        ]
        names = labels_listed(listed)
        text = (
            f"{evidence.because}: that skews {names}, so no goal is set for the rep on "
            "them until it is fixed (a number the system distorts says little about the rep)."
        )
        out.append(Distortion(rule=evidence.rule, metrics=(*listed, *derived), text=text))
    return tuple(out)


def distorted(found: tuple[Distortion, ...]) -> frozenset[str]:
    """Every metric and derived quantity some fault distorts."""
    return frozenset(m for d in found for m in d.metrics)


def coaching_time(diagnosis: Diagnosis, library: Interventions, targets: Targets) -> int:
    """Minutes a week of extra coaching the system plan books: while too little coaching is
    evidence of the system gap, the coaching target less the rhythm's other sessions with
    the rep (rounded up to 5 minutes); 0 otherwise, or where the playbook has no such slot."""
    sessions = library.playbook("system").sessions
    if COACHING_TIME not in sessions or not _held(diagnosis, COACHING):
        return 0
    booked = sum(
        slot.minutes
        for slot in library.weekly
        if slot.id in sessions and slot.id != COACHING_TIME and slot.who == "both"
    )
    target = targets.manager_coaching_hours_per_week
    if target is None:
        return 0
    short = target * 60 - booked
    return 5 * math.ceil(short / 5) if short > 0 else 0


def fair_quota(diagnosis: Diagnosis, quota: float | None) -> float | None:
    """The quota in proportion to the territory's size (quota x its size against the team
    average), while a territory too small is evidence of the system gap; else None."""
    if quota is None:
        return None
    sizes = _held(diagnosis, TERRITORY_SIZE)
    size = next((s for s in sizes if isinstance(s, float) and 0 < s < 1), None)
    return None if size is None else quota * size


def _held(diagnosis: Diagnosis, metric: str) -> list[float | bool | None]:
    """The values of `metric` in the system gap's supporting evidence where its comparison
    held (empty when no such comparison did)."""
    return [
        check.observed_value
        for evidence in system_evidence(diagnosis)
        for check in evidence.checks
        if check.observed == metric and check.result is True
    ]
