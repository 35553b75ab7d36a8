"""The vectorized population engine: many reps at once, one numpy column per metric.

Holds the population readers (DataFrames, CSV, Parquet), per-column checks, derived and
team columns, the vectorized rules, verdicts and tree, and `diagnose_many` / `Batch`.
Spark runs the same evaluator per partition.

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`, the rest of
`gapdiag.engines`.
"""
