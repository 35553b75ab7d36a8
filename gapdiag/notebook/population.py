"""A `Batch` in a notebook, in the team page's words: where reps stand, what was found, and
the first rows (rep, standing, answer, each gap's status with its sign).

Standing and gap words, signs and colours are the page's (`signs`, `display`); a gap left
open by missing data reads "not judged", never 0%. Every string from the input is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

from gapdiag.model.gaps import GAPS
from gapdiag.model.labels import percent
from gapdiag.model.standing import STANDINGS
from gapdiag.model.wording import OUTCOME_WORDS, standing_word
from gapdiag.notebook import signs
from gapdiag.notebook.display import STATUS_COLOURS

if TYPE_CHECKING:  # pragma: no cover - typing only
    from gapdiag.engines.vector.batch import Batch

PREVIEW_ROWS = 10
"""How many of the batch's rows the display lists."""
_CELL = "padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd"


def batch_html(batch: Batch) -> str:
    """The batch as one HTML fragment: counts by standing and answer, then the first rows."""
    summary = batch.summary
    rows = "row" if summary.bad_rows == 1 else "rows"
    bad = f", {summary.bad_rows:,} bad {rows} left out" if summary.bad_rows else ""
    title = f"{summary.diagnosed:,} of {summary.rows:,} rows diagnosed{bad}"
    return (
        '<div class="gapdiag-batch" style="font-family:sans-serif;font-size:13px;'
        'max-width:100%;overflow-x:auto">'
        f"<h4 style='margin:4px 0'>{escape(title)}</h4>"
        f"<p style='margin:2px 0'>Teams: {escape(summary.grouping())}</p>"
        + _counts(batch)
        + _preview(batch)
        + "</div>"
    )


def _counts(batch: Batch) -> str:
    summary = batch.summary
    stand = [(standing_word(s), summary.by_standing.get(s, 0)) for s in STANDINGS]
    found = [(f"{signs.GAP_NAMES[g]} gap", summary.by_primary_gap.get(g, 0)) for g in GAPS]
    found += [(OUTCOME_WORDS[o], summary.by_outcome.get(o, 0)) for o in OUTCOME_WORDS if o != "gap"]
    return _count_table("where reps stand", stand, summary.diagnosed) + _count_table(
        "what was found", found, summary.diagnosed
    )


def _count_table(heading: str, counts: list[tuple[str, int]], total: int) -> str:
    head = _row((heading, "reps", "share"), "th")
    body = "".join(
        _row((escape(word), f"{count:,}", percent(count / (total or 1)))) for word, count in counts
    )
    return f"<table style='border-collapse:collapse;margin:4px 0'>{head}{body}</table>"


def _preview(batch: Batch) -> str:
    preview = batch.frame.head(PREVIEW_ROWS)
    records: list[dict[str, Any]] = (
        preview.to_dicts() if hasattr(preview, "to_dicts") else preview.to_dict("records")
    )
    if not records:
        return ""
    head = _row(("rep", "standing", "answer", *(signs.GAP_NAMES[g] for g in GAPS)), "th")
    body = "".join(_row(_cells(record)) for record in records)
    return (
        f"<h4 style='margin:8px 0 2px'>First {len(records)} rows</h4>"
        f"<table style='border-collapse:collapse'>{head}{body}</table>"
    )


def _cells(record: dict[str, Any]) -> tuple[str, ...]:
    gap = record.get("primary_gap")
    answer = f"{signs.GAP_NAMES[gap]} gap" if gap in GAPS else OUTCOME_WORDS[record["outcome"]]
    statuses = tuple(_status(record[f"{g}.status"], record[f"{g}.confidence"]) for g in GAPS)
    standing = escape(standing_word(record["standing"]))
    return (escape(str(record["rep_id"])), standing, escape(answer), *statuses)


def _status(status: str, confidence: float) -> str:
    words = "not judged" if status == "unknown" else f"{status}, {percent(confidence)}"
    return (
        f"<span style='color:{STATUS_COLOURS[status]}'>"
        f"<span aria-hidden='true'>{signs.STATUS_ICONS[status]} </span>{escape(words)}</span>"
    )


def _row(cells: tuple[str, ...], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag} style='{_CELL}'>{c}</{tag}>" for c in cells) + "</tr>"
