"""The manager's team page: one self-contained HTML report for a whole population.

`team_report(batch)` (also `Batch.to_html()`) groups a `diagnose_many` result by team and
renders, per team: the team at a glance, team-wide causes, a sortable leaderboard of the
leading indicators, each rep in one line, what data to collect and each rep's full
diagnosis; with a coaching history, trend sparklines and the escalation decision.

Modules: `assemble` (every number, before any HTML), `causes` (team-wide causes and what to
collect), `weeks` (a team's weekly history CSV), `html` (the page), `_rep` (one rep's
section), `_svg`, `_words` and `_assets` (graphics, wording, inline CSS and script).
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from gapdiag.coaching.history import RepHistory
from gapdiag.notebook.report.assemble import assemble
from gapdiag.notebook.report.html import FULL_DETAIL_MAX, Detail, render
from gapdiag.notebook.report.weeks import histories_of, read_team_weeks
from gapdiag.rulebook.interventions import Interventions, load_interventions

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

__all__ = ["FULL_DETAIL_MAX", "Detail", "read_team_weeks", "team_report"]

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
) -> str:
    """The team report of a `diagnose_many` result as one self-contained HTML page.

    Args:
        batch: the population's diagnoses (grouped by the ``team_by`` column it was run with).
        history: weekly coaching history, for trend sparklines and the escalation decision.
        title: the page's title and top heading.
        interventions: the playbook library, or a path to one (default: the shipped one).
        detail: each rep's section in full, brief, or (auto) full up to
            `FULL_DETAIL_MAX` reps and brief beyond, to keep very large pages small.

    Raises:
        InvalidMetrics: a bad history file or row.
        RuleFileError: an interventions file that does not load.
    """
    library = (
        interventions
        if isinstance(interventions, Interventions)
        else load_interventions(interventions)
    )
    histories = _histories(history)
    with _collector_paused():
        report = assemble(batch, title=title, histories=histories, library=library)
        return render(report, detail=detail)


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
