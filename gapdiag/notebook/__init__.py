"""Reading results: explanations, rich display, plots, what-ifs and tree rendering.

Importing this room registers the `Diagnosis` renderers (`explain`, `_repr_html_`) and the
team report as `Batch.to_html` (the `report` package is imported on first use).

May import: every room above except `checks`, `spark` and `cli`.
"""

from typing import Any

from gapdiag.engines.vector.hooks import register_renderer
from gapdiag.notebook import display, explain  # noqa: F401 - registers the renderers


def _team_report(batch: Any, **options: Any) -> str:
    from gapdiag.notebook.report import team_report

    return team_report(batch, **options)


register_renderer("html", _team_report)
