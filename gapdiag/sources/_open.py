"""Open every export given and check its header against the mapping, before any row is read.

A missing column is named with the export's real columns and, when another preset's
columns are all in the file, that preset (a forgotten ``--map hubspot`` says so).
"""

from __future__ import annotations

from typing import Any

from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._columnar import Export, open_export
from gapdiag.sources._inputs import Progress, Rows
from gapdiag.sources.crm import PRESETS, CrmMapping


def open_all(
    chosen: CrmMapping,
    opportunities: Rows | None,
    activities: Rows | None,
    quotas: Rows | None,
    teams: Rows | None,
    bad: BadRows,
    progress: Progress | None,
) -> dict[str, Export]:
    """Every file given, opened and its header checked, before any row is read."""
    exports: dict[str, Export] = {}
    if opportunities is not None:
        if chosen.opportunities is None:
            raise InvalidArgument("mapping: has no 'opportunities' columns")
        columns = chosen.opportunities
        wanted = {
            r: getattr(columns, r)
            for r in ("owner", "stage", "amount", "created", "closed", "account")
        }
        exports["opportunities"] = open_export(
            opportunities,
            wanted,
            kind="opportunities",
            optional=("account",),
            bad=bad,
            hint=_preset_hint("opportunities"),
            progress=progress,
        )
    if activities is not None:
        if chosen.activities is None:
            raise InvalidArgument("mapping: has no 'activities' columns")
        acts = chosen.activities
        wanted = {
            r: getattr(acts, r)
            for r in ("owner", "type", "timestamp", "duration", "outcome", "account")
        }
        exports["activities"] = open_export(
            activities,
            wanted,
            kind="activities",
            optional=("duration", "outcome", "account"),
            bad=bad,
            hint=_preset_hint("activities"),
            progress=progress,
        )
    if quotas is not None:
        q = chosen.quotas
        wanted = {
            "rep": q.rep,
            "period": q.period,
            "quota": q.quota,
            "commit": q.commit,
            "forecast": q.forecast,
        }
        exports["quotas"] = open_export(
            quotas,
            wanted,
            kind="quotas",
            optional=("commit", "forecast"),
            bad=bad,
            progress=progress,
        )
    if teams is not None:
        t = chosen.teams
        wanted = {"rep": t.rep, "team": t.team, "manager": t.manager, "region": t.region}
        exports["teams"] = open_export(
            teams,
            wanted,
            kind="teams",
            optional=("manager", "region"),
            bad=bad,
            hint=_preset_hint("teams"),
            progress=progress,
        )
    return exports


def _preset_hint(kind: str) -> Any:
    def hint(header: tuple[str, ...]) -> str:
        have = set(header)
        fits = []
        for name, preset in PRESETS.items():
            group = getattr(preset, kind)
            if group is None:
                continue
            needed = {
                v
                for k, v in group.model_dump().items()
                if isinstance(v, str) and k in _REQUIRED[kind]
            }
            if needed <= have:
                fits.append(name)
        return f" (the {' or '.join(fits)} preset fits this file: --map {fits[0]})" if fits else ""

    return hint


_REQUIRED = {
    "opportunities": ("owner", "stage", "amount", "created", "closed"),
    "activities": ("owner", "type", "timestamp"),
    "teams": ("rep", "team"),
}
