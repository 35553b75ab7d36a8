"""The calibration benchmark (issue 23, item 7): reps whose true cause is known, and the score.

- `world`: the causal model's latent population (benchmarks/calibration.md documents it).
- `observe`: what the sources would show of it, rates counted from events.
- `population`: the seeded generator of reps, each with its true cause and standing, and
  data missing as real exports miss it.
- `inputs`: a generated rep as the public API takes it (issue 23's new fields can be
  dropped in this one place) and team values for `diagnose`.
- `run` and `plans`: the API's answers, rep by rep, as a batch, and in coaching plans.
- `score`: the figures measured against the truth.
- `report`: the table, the confusion matrix and the failure patterns, as text or JSON lines.
"""
