"""The manager's team page: one self-contained HTML report for a whole population.

`team_report(batch)` (also `Batch.to_html()`) answers first who needs what across all
teams (every rep, most urgent first, with filters, search, sorting and a CSV download),
then gives each team its rep table, leaderboard, numbers against target, team-wide causes
and what to collect; each rep's diagnosis opens on request. With a coaching history:
trend sparklines and the escalation decision.

Modules: `assemble` (every number and text, before any HTML), `_detail` (one rep's section
in words), `causes` (team-wide causes and what to collect), `weeks` (a team's weekly
history CSV), `names` (rep names from a teams file), `data` (the data embedded in the
page), `html` (the page), `_words` and `_assets` (wording, the stylesheet and the script).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gapdiag.coaching.history import RepHistory
from gapdiag.notebook.report.assemble import FULL_DETAIL_MAX, Detail, assemble
from gapdiag.notebook.report.html import render
from gapdiag.notebook.report.names import Names, names_of, read_names
from gapdiag.notebook.report.weeks import histories_of, read_team_weeks
from gapdiag.rulebook.interventions import Interventions, load_interventions

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

__all__ = ["FULL_DETAIL_MAX", "Detail", "read_names", "read_team_weeks", "team_report"]

TITLE = "Team report"

History = Mapping[str, RepHistory] | Iterable[RepHistory] | str | Path | None
"""Rep histories by rep id, a sequence of histories, or a weekly CSV with a rep_id column."""


def team_report(
    batch: Batch,
    *,
    history: History = None,
    title: str = TITLE,
    interventions: Interventions | str | Path | None = None,
    detail: Detail = "auto",
    names: Names = None,
    sources: Sequence[str] = (),
    made: dt.date | None = None,
) -> str:
    """The team report of a `diagnose_many` result as one self-contained HTML page.

    Args:
        batch: the population's diagnoses (grouped by the ``team_by`` column it was run with).
        history: weekly coaching history, for trend sparklines and the escalation decision.
        title: the page's title and top heading.
        interventions: the playbook library, or a path to one (default: the shipped one).
        detail: each rep's section in full, brief, or (auto) full up to
            `FULL_DETAIL_MAX` reps and brief beyond, to keep very large pages small.
        names: rep names by rep id, or a teams file (CSV) with a rep column and a name
            column; reps without one are shown by their id.
        sources: files the page was made from, named in the page's header after the
            exports the population's rows name (their ``sources`` column, which
            ``gapdiag ingest`` fills in).
        made: the date the page says it was made (default: today).

    Raises:
        InvalidMetrics: a bad history or names file or row.
        RuleFileError: an interventions file that does not load.
    """
    library = (
        interventions
        if isinstance(interventions, Interventions)
        else load_interventions(interventions)
    )
    histories = _histories(history)
    with _collector_paused():
        report = assemble(
            batch,
            title=title,
            histories=histories,
            library=library,
            names=names_of(names),
            detail=detail,
            made=made,
            sources=tuple(sources),
        )
        page = render(report)
        # freed while the collector is off: else its first pass walks every object built
        del report
    return page


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the page is built, then restore it.

    A report holds a Diagnosis of many small frozen objects per rep; with the collector on,
    its repeated full passes over that growing heap cost about as much as building it.
    The objects hold no reference cycles, so reference counting frees them as before.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _histories(history: History) -> dict[str, RepHistory]:
    if history is None:
        return {}
    if isinstance(history, str | Path):
        return read_team_weeks(history)
    if isinstance(history, Mapping):
        return dict(history)
    return histories_of(history)
