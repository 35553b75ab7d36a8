"""Which time zone a plan's sessions are booked in, and how the plan says so.

In order: the zone asked for (``--tz``); else the main zone of the team's country (the
``--country`` whose holidays are kept: the first zone tzdata's ``zone.tab`` lists for it,
except where that is not where most of the country lives, see ``MAIN_ZONE``); else this
computer's own zone (``TZ``, else ``/etc/localtime``); else floating local times, which a
calendar shows at the same hour wherever it is opened. Never UTC by default: a US
manager's 9:00 1:1 must not land at 4 am.
"""

from __future__ import annotations

import functools
import os
import zoneinfo
from importlib import resources
from pathlib import Path

from gapdiag.coaching.ics import time_zone

MAIN_ZONE = {
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "RU": "Europe/Moscow",
    "UZ": "Asia/Tashkent",
}
"""Countries whose first zone in zone.tab is not where most people live (Lord Howe Island,
Noronha, St John's, Kaliningrad, Samarkand): their most populous zone instead."""


def plan_zone(tz: str | None, country: str | None) -> tuple[str | None, str]:
    """(the IANA zone of the plan's times, or None for floating times; a sentence saying so).

    Raises:
        InvalidArgument: `tz` is not a known time zone.
    """
    if tz is not None:
        time_zone(tz)  # refused in one line when unknown
        return tz, f"Times are in {tz}, as asked."
    if country is not None:
        zone = main_zone(country)
        if zone is not None:
            return zone, (
                f"Times are in {zone}, the main time zone of {country.upper()} (the team's "
                "country); give --tz for another."
            )
    local = local_zone()
    if local is not None:
        return local, (
            f"Times are in {local}, this computer's time zone; give --tz (or --country) for "
            "the team's."
        )
    return None, (
        "Times are local wall-clock times: no time zone could be named, so a calendar shows "
        "them at the same hour wherever it is opened; give --tz to pin them to one."
    )


def main_zone(country: str) -> str | None:
    """The main time zone of an ISO 3166 country code (None when tzdata does not list it)."""
    code = country.upper()
    return MAIN_ZONE.get(code) or _first_zones().get(code)


def local_zone() -> str | None:
    """This computer's IANA time zone name, from ``TZ`` or ``/etc/localtime`` (or None)."""
    named = os.environ.get("TZ", "").removeprefix(":")
    if named and _known(named):
        return named
    try:
        target = os.path.realpath("/etc/localtime")
    except OSError:  # pragma: no cover - realpath does not raise on a missing link
        return None
    _, found, name = target.partition("zoneinfo/")
    return name if found and _known(name) else None


def _known(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


@functools.cache
def _first_zones() -> dict[str, str]:
    """Country code -> the first zone zone.tab lists for it."""
    text = _zone_tab()
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) >= 3:
            out.setdefault(cells[0], cells[2])
    return out


def _zone_tab() -> str:
    """zone.tab from the tzdata package, else from the system's zoneinfo folders."""
    try:
        return (resources.files("tzdata") / "zoneinfo" / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return ""
