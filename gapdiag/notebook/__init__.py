"""Reading results: explanations, rich display, plots, what-ifs and tree rendering.

Importing this room registers the `Diagnosis` renderers (`explain`, `_repr_html_`).

May import: every room above except `checks`, `spark` and `cli`.
"""

from gapdiag.notebook import display, explain  # noqa: F401 - registers the renderers
