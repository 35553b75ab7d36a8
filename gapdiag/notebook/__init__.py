"""Reading results: explanations, rich display, plots, what-ifs and tree rendering.

Importing this room registers the `Diagnosis` renderers (`explain`, `_repr_html_`) and the
team report as `Batch.to_html` and a batch's notebook display (`population`), each
imported on first use.

May import: every room above except `checks`, `spark` and `cli`.
"""

from typing import Any

from gapdiag.engines.vector.hooks import register_renderer
from gapdiag.model.diagnosis import register_part_renderer
from gapdiag.model.diagnosis import register_renderer as register_diagnosis_renderer
from gapdiag.notebook import explain  # noqa: F401 - registers the text renderer


def _diagnosis_html(diagnosis: Any) -> str:
    from gapdiag.notebook.display import to_html  # on first use: most programs print text

    return to_html(diagnosis)


def _part_html(part: Any) -> str:
    from gapdiag.notebook.display import part_html

    return part_html(part)


def _part_text(part: Any) -> str:
    from gapdiag.notebook.lines import part_text

    return part_text(part)


register_diagnosis_renderer("html", _diagnosis_html)
register_part_renderer(_part_html, _part_text)


def _team_report(batch: Any, **options: Any) -> str:
    from gapdiag.notebook.report import team_report

    return team_report(batch, **options)


def _batch_display(batch: Any) -> str:
    from gapdiag.notebook.population import batch_html

    return batch_html(batch)


register_renderer("html", _team_report)
register_renderer("display", _batch_display)
