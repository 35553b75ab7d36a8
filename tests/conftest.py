"""Shared fixtures: the default pack and the example reps."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from gapdiag import Rulebook, load_rules

# Rule files under data/ are broken on purpose (test_bad_rules.py, test_verify.py read them);
# the gapdiag pytest plugin must not collect their examples as tests.
collect_ignore = ["data"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile("ci", parent=settings.get_profile("default"), max_examples=200)
settings.load_profile("default")


@pytest.fixture(scope="session")
def pack() -> Rulebook:
    """The shipped default rule pack."""
    return load_rules()


def example(name: str) -> dict[str, Any]:
    """One of the example reps under examples/, as parsed JSON."""
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return data


def rule_dict(
    rule_id: str, when: str, gap: str = "will", certainty: float = 0.5, because: str = "test"
) -> dict[str, Any]:
    """A minimal rule mapping, for packs built in memory with Rulebook.from_rules."""
    return {
        "id": rule_id,
        "gap": gap,
        "certainty": certainty,
        "when": when,
        "because": because,
        "examples": [{"given": {}, "fires": "unknown"}],
    }


CALLS_UNDER_TEAM = rule_dict(
    "calls-under-team",
    "activity.calls_per_day < 0.7 * team.mean.activity.calls_per_day",
    certainty=0.8,
    because="calls well under the team's average",
)
"""A will rule that reads the team's average: under 70% of it fires."""


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (2 cores) for the whole run; its workers use this interpreter.

    Skipped where pyspark is not installed, unless GAPDIAG_REQUIRE_SPARK=1 (CI sets it).
    """
    if os.environ.get("GAPDIAG_REQUIRE_SPARK") != "1":
        pytest.importorskip("pyspark")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("gapdiag-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
