"""Engines that run a rule pack over reps and assemble the `Diagnosis`.

Holds the compiled evaluator (`diagnose`, the default: pure Python, thread-safe), the
durable-rules backend (``engine="durable"``), certainty combination into verdicts,
counterfactual search, and in `engines.vector` the numpy evaluator for whole populations
(`diagnose_many`, `Batch`). All engines give identical answers.

May import: `gapdiag.model`, `gapdiag.rulebook`, `gapdiag.sources`.
"""
