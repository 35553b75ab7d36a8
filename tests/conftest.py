"""Shared fixtures: the default pack and the example reps."""

from __future__ import annotations

import json
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
