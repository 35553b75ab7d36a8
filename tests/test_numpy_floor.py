"""The batch benchmark's floor computes diagnose_many's answers: the same rules fire for the
same reps, so the ratio compares equal work (issue 28: each floor checked on a sample)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gapdiag
from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.model.basis import BASES

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import _numpy_floor  # noqa: E402
from bench_batch import population  # noqa: E402


def test_the_floor_fires_what_diagnose_many_fires() -> None:
    """On the benchmark's own population (rates beside 0 meetings or 0 calls included)."""
    sample = population(5000)
    assert (sample["activity.meetings_per_week"] == 0).any()
    _numpy_floor.check(gapdiag.load_rules(), sample, gapdiag.Targets(), diagnose_many(sample).frame)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**16), top=st.integers(1, 40))
def test_the_floor_sets_aside_thin_rates_as_diagnose_many_does(seed: int, top: int) -> None:
    """With the counts behind the rates given (some under the too-few line), the floor reads
    a rate on too few observations as unknown, as the rules do."""
    sample = population(400, seed=seed)
    rng = np.random.default_rng(seed)
    for count in {basis.count for basis in BASES.values()}:
        counts = rng.integers(0, top, len(sample)).astype(float)
        counts[rng.random(len(sample)) < 0.3] = np.nan
        sample[count] = counts
    _numpy_floor.check(gapdiag.load_rules(), sample, gapdiag.Targets(), diagnose_many(sample).frame)
