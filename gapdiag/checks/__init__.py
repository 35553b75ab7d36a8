"""Rule-pack CI: verification, examples, coverage, reachability, pack diffs, the catalog.

Holds what tells a RevOps engineer what a rule change breaks and whose verdict it moves,
and the pytest plugin that runs a pack's examples.

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`, `gapdiag.engines`,
`gapdiag.coaching`, `gapdiag.notebook`.
"""
