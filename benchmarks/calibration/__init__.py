"""The calibration benchmark (issue 23, item 7): reps whose true cause is known, and the score.

- `population`: the causal model (benchmarks/calibration.md documents it) and the seeded
  generator of reps, each with its true cause and standing.
- `inputs`: turning a generated rep into what the public API accepts today (the planned
  new fields dropped while the API lacks them) and team values for `diagnose`.
- `score`: what the API said about each rep, and the figures measured against the truth.
- `report`: the table, the confusion matrix and the failure patterns, as text or JSON lines.
"""
