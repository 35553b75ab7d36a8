"""The core: what a rep's data and a diagnosis are, and nothing that acts on them.

Holds the input models (`RepMetrics`, `Targets`, `TeamStats`), the result models
(`Diagnosis` and its parts), the gap kinds and statuses, the error types, metric kinds and
validation, derived quantities (pipeline math, ratios) and the flat-row form of a rep.

May import: nothing from gapdiag outside this room. Rooms further out render a
`Diagnosis` through `register_renderer`, never through an import from here.
"""
