"""Diagnose populations where they lie, on Spark: ``pip install 'gapdiag[spark]'``.

`diagnose_spark` runs the vectorized evaluator of `diagnose_many` inside ``mapInArrow``
(Arrow batches, no per-row Python) and gives the same results row for row; `diff_spark`
measures a rule change over a whole population, as ``gapdiag rules diff`` does on one
machine. ``import gapdiag`` never imports pyspark; importing this module does.
"""

from gapdiag.spark._diagnose import SparkBatch, diagnose_spark
from gapdiag.spark._diff import SparkDiff, diff_spark

__all__ = ["SparkBatch", "SparkDiff", "diagnose_spark", "diff_spark"]
