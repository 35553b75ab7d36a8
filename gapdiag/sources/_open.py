"""Open every export given and check its header against the mapping, before any row is read.

A missing column is named with the export's real columns and, when another preset's
columns are all in the file, that preset (a forgotten ``--map hubspot`` says so).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._bad_rows import BadRows
from gapdiag.sources._columnar import Export, open_export
from gapdiag.sources._inputs import Progress, Rows
from gapdiag.sources.crm import PRESETS, ActivityColumns, CrmMapping

_REQUIRED = {
    "opportunities": ("owner", "stage", "amount", "created", "closed"),
    "activities": ("owner", "type", "timestamp"),
    "teams": ("rep", "team"),
    "quotas": ("rep", "period", "quota"),
}

LISTED = ("amount", "closed")
"""Opportunity roles a mapping may give several columns for: 'closed.1' is the second."""

_BY_VALUE = {
    "opportunities": ("owner", "stage"),
    "activities": ("owner", "type", "timestamp", "outcome"),
}
"""Roles the readers (`opportunities`, `activities`) work out per distinct value (a deal's
dates are, unless written at one width, which is read from the bytes: `_fixed_dates`)."""


def open_all(
    chosen: CrmMapping,
    sources: dict[str, Rows | Sequence[str | Path] | None],
    bad: BadRows,
    progress: Progress | None,
    rescan: Collection[Path] = (),
    as_text: Collection[Path] = (),
    whole: Collection[Path] = (),
) -> list[tuple[str, Export]]:
    """Every file given as (kind, export), opened and its header checked, in kind order.

    Files in `rescan` were found not to be UTF-8 throughout: they are scanned line by line.
    A deal file's one amount column is read as numbers, unless it is in `as_text` (a cell of
    it was not a plain number: it is read as text, and each cell's form worked out). A deal
    file's account column is read only to join activities or teams to deals, or when the
    file is in `whole` (a row of it was empty but for cells not read).
    """
    joined = sources.get("activities") is not None or sources.get("teams") is not None
    opened: list[tuple[str, Export]] = []
    for kind, given in sources.items():
        if given is None:
            continue
        wanted, optional = _wanted(chosen, kind)
        for source in _each(given):
            export = open_export(
                source,
                wanted,
                kind=kind,
                optional=optional,
                bad=bad,
                hint=_preset_hint(kind),
                progress=progress,
                rescan=isinstance(source, str | Path) and Path(source) in rescan,
                by_value=[r for r in wanted if r.split(".")[0] in _BY_VALUE.get(kind, ())],
                numbers=_numbers(kind, wanted, source, as_text),
                unread=_unread(kind, joined, source, whole),
            )
            opened.append((kind, export))
    return opened


def _numbers(
    kind: str, wanted: dict[str, str | None], source: Rows, as_text: Collection[Path]
) -> tuple[str, ...]:
    """The roles of `source` read as numbers: a deal file's amount, when it is one column."""
    if kind != "opportunities" or "amount.1" in wanted or not isinstance(source, str | Path):
        return ()
    return () if Path(source) in as_text else ("amount",)


def _unread(kind: str, joined: bool, source: Rows, whole: Collection[Path]) -> tuple[str, ...]:
    """The roles of `source` not read: a deal file's account, when nothing joins by it."""
    if kind != "opportunities" or joined or not isinstance(source, str | Path):
        return ()
    return () if Path(source) in whole else ("account",)


def _each(given: Rows | Sequence[str | Path]) -> list[Rows]:
    """Several files (a list of paths), or one file or one set of rows."""
    if isinstance(given, list | tuple) and given and all(isinstance(g, str | Path) for g in given):
        return list(given)
    return [given]  # type: ignore[list-item]  # rows or a single path


def _wanted(chosen: CrmMapping, kind: str) -> tuple[dict[str, str | None], tuple[str, ...]]:
    """Role -> column for one kind of file, and the roles that may be absent."""
    if kind == "opportunities":
        if chosen.opportunities is None:
            raise InvalidArgument("mapping: has no 'opportunities' columns")
        opps = chosen.opportunities
        roles = ("owner", "stage", "created", "account", "won_flag", "closed_flag", "deleted_flag")
        wanted = {r: getattr(opps, r) for r in roles}
        for role in LISTED:  # one column, or several read as the first non-empty one
            given = getattr(opps, role)
            columns = (given,) if isinstance(given, str) else given
            wanted |= {role: columns[0]}
            wanted |= {f"{role}.{i}": column for i, column in enumerate(columns[1:], start=1)}
        return wanted, ("account", "deleted_flag")
    if kind == "activities":
        if chosen.activities is None:
            raise InvalidArgument("mapping: has no 'activities' columns")
        return _activity_roles(chosen.activities)
    if kind == "quotas":
        quota_roles = ("rep", "period", "quota", "commit", "forecast")
        return {r: getattr(chosen.quotas, r) for r in quota_roles}, ("commit", "forecast")
    team_roles = ("rep", "team", "manager", "region")
    return {r: getattr(chosen.teams, r) for r in team_roles}, ("manager", "region")


def _activity_roles(acts: ActivityColumns) -> tuple[dict[str, str | None], tuple[str, ...]]:
    types: tuple[str, ...] = ()
    if acts.every_row is None and acts.type is not None:
        types = (acts.type,) if isinstance(acts.type, str) else acts.type
    wanted: dict[str, str | None] = {"owner": acts.owner}
    if types:
        wanted["type"] = types[0]
    extra = {f"type.{i}": column for i, column in enumerate(types[1:], start=1)}
    wanted |= extra
    roles = ("timestamp", "duration", "outcome", "account", "deleted_flag")
    wanted |= {r: getattr(acts, r) for r in roles}
    return wanted, ("duration", "outcome", "account", "deleted_flag", *extra)


def _preset_hint(kind: str) -> Callable[[tuple[str, ...]], str]:
    def hint(header: tuple[str, ...]) -> str:
        fits = _fitting(kind, set(header))
        if fits:
            return f" (the {' or '.join(fits)} preset fits this file: --map {fits[0]})"
        for other, option in _OPTIONS.items():
            if other != kind and (fits := _fitting(other, set(header))):
                return f" (it looks like {other} for the {fits[0]} preset: give it as {option})"
        return ""

    return hint


_OPTIONS = {
    "opportunities": "the first argument",
    "activities": "--activities",
    "teams": "--teams",
}


def _fitting(kind: str, header: set[str]) -> list[str]:
    """Presets whose required columns for `kind` are all in the header (any case, spacing)."""
    folded = {_fold(h) for h in header}
    return [
        name
        for name, preset in PRESETS.items()
        if (group := getattr(preset, kind)) is not None
        and {_fold(c) for c in _first_columns(group.model_dump(), kind)} <= folded
    ]


def _fold(column: str) -> str:
    return " ".join(column.casefold().split())


def _first_columns(group: dict[str, object], kind: str) -> set[str]:
    needed = set()
    for role in _REQUIRED.get(kind, ()):
        value = group[role]
        needed.add(value if isinstance(value, str) else value[0])  # type: ignore[index]
    return needed
