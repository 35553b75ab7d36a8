"""Shared fixtures: the default pack and the example reps."""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
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

# The suite keeps the compiled-pack cache (gapdiag/rulebook/_cache.py) in a folder of its
# own, shared by its subprocesses, never the user's; it is removed when the run ends.
_CACHE = tempfile.mkdtemp(prefix="gapdiag-test-cache-")
os.environ["GAPDIAG_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
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


BEHIND_PERIOD = {"period_start": "2026-07-01", "period_end": "2026-09-30", "as_of": "2026-09-30"}
BEHIND_PIPELINE = {"quota": 150000.0, "closed_won": 40000.0}


def behind(rep: dict[str, Any]) -> dict[str, Any]:
    """The rep with a quarter that is over and closed well short of quota: known to be behind,
    so the gaps its evidence points to are named (issue 23: the gaps explain a rep who is
    behind; without the standing figures no gap is named)."""
    out: dict[str, Any] = {**BEHIND_PERIOD, **rep}
    out["pipeline"] = {**BEHIND_PIPELINE, **(rep.get("pipeline") or {})}
    return out


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


JAVA_NEEDED = 17
"""pyspark 4 runs on Java 17 or newer."""


def java_problem() -> str | None:
    """Why Spark cannot start here (no Java, or one older than 17), or None when it can."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None:
        return f"Spark tests need Java {JAVA_NEEDED}+: no java on PATH and JAVA_HOME is unset"
    if not Path(java).is_file():
        return f"Spark tests need Java {JAVA_NEEDED}+: JAVA_HOME has no {java}"
    try:
        shown = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=30, check=False
        ).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Spark tests need Java {JAVA_NEEDED}+: {java} -version failed ({error})"
    found = re.search(r'version "(\d+)(?:\.(\d+))?', shown)
    major = int(found[1]) if found else 0
    major = int(found[2]) if found and major == 1 and found[2] else major  # "1.8" is Java 8
    if major < JAVA_NEEDED:
        return f"Spark tests need Java {JAVA_NEEDED}+: {java} is {major or 'of unknown version'}"
    return None


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark session (2 cores) for the whole run; its workers use this interpreter.

    Skipped, with the reason, where pyspark is not installed or Java 17+ is missing, unless
    GAPDIAG_REQUIRE_SPARK=1 (CI sets it): then a missing piece fails the run.
    """
    required = os.environ.get("GAPDIAG_REQUIRE_SPARK") == "1"
    if not required:
        pytest.importorskip("pyspark")
    problem = java_problem()
    if problem is not None:
        if required:
            pytest.fail(f"{problem} (GAPDIAG_REQUIRE_SPARK=1 requires the Spark tests)")
        pytest.skip(problem)
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
