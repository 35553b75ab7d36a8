"""Speed-ups change no output: JSON and text of the examples and a generated population, pinned.

The files under ``tests/data/identity`` were written by the code before a change meant to
leave every output as it was (issue 28's speed-ups): the examples' JSON, text and Markdown
in full, and a digest per rep of a generated population (with team values, and
counterfactuals for every third rep), plus one digest of ``diagnose_many``'s results for
it. A change that *means* to change output (new wording, new semantics) rewrites them:
``GAPDIAG_UPDATE_IDENTITY=1 pytest tests/test_identity.py``, and says so in its commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest

from gapdiag import diagnose
from gapdiag.model.metrics import METRICS

from .conftest import EXAMPLES

DATA = Path(__file__).parent / "data" / "identity"
UPDATE = os.environ.get("GAPDIAG_UPDATE_IDENTITY") == "1"
REPS = 150
# A range per kind of value, wide enough on either side of the default targets that most
# rules fire for some reps and not for others.
RANGES = {
    "fraction": (0.0, 1.0),
    "rating": (1.0, 5.0),
    "commitment": (1.0, 10.0),
    "ratio": (0.2, 2.0),
    "money": (0.0, 300_000.0),
    "days": (0.0, 200.0),
    "months": (0.0, 40.0),
    "minutes": (0.5, 12.0),
    "seconds": (10.0, 400.0),
    "weekly_hours": (0.0, 6.0),
    "count": (0.0, 120.0),
}
COUNTS = {"activity.meetings_per_week": 12.0, "calls.discovery_questions_per_call": 25.0}


def rep(index: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The population's rep `index` (about 15% of fields absent) and its team's medians."""
    rnd = random.Random(index)
    groups: dict[str, Any] = {"rep_id": f"rep-{index}"}
    for path, kind in METRICS.items():
        if rnd.random() < 0.15:
            continue
        if kind.is_bool:
            value: Any = rnd.random() < 0.6
        else:
            low, high = RANGES[kind.name]
            high = COUNTS.get(path, high)
            value = round(rnd.uniform(low, high), 3)
        *parents, leaf = path.split(".")
        target = groups
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    numeric = [p for p, k in METRICS.items() if not k.is_bool and "." in p]
    team = {"median": {p: round(rnd.uniform(*RANGES[METRICS[p].name]), 3) for p in numeric}}
    team["median"].update({p: min(v, COUNTS[p]) for p, v in team["median"].items() if p in COUNTS})
    return groups, team


def outputs(data: dict[str, Any], team: dict[str, Any] | None, search: bool) -> dict[str, str]:
    """What a person or a program reads of one diagnosis: JSON, text and Markdown."""
    result = diagnose(data, team=team, counterfactuals=search)
    return {
        "json": result.to_json(),
        "text": result.explain(),
        "markdown": result.explain(fmt="markdown"),
    }


def _digest(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _check(name: str, found: Any) -> None:
    path = DATA / name
    if UPDATE:
        DATA.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    pinned = json.loads(path.read_text())
    assert found == pinned


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*-rep.json")))
def test_the_examples_read_as_before(name: str) -> None:
    """Each example's JSON, text and Markdown equal the pinned ones, byte for byte."""
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    _check(f"{name}.json", outputs(data, None, search=True))


def test_a_generated_population_reads_as_before() -> None:
    """Every rep of the population diagnoses and explains exactly as pinned (a digest each)."""
    found = {}
    for index in range(REPS):
        data, team = rep(index)
        found[data["rep_id"]] = _digest(outputs(data, team, search=index % 3 == 0))
    _check("population.json", found)


def test_the_population_in_one_batch_reads_as_before() -> None:
    """diagnose_many of the population gives the pinned results table (CSV, one digest)."""
    pd = pytest.importorskip("pandas")
    from gapdiag import diagnose_many
    from gapdiag.model.rows import flatten

    rows = [{**flatten(rep(i)[0]), "team": f"team-{i % 7}"} for i in range(REPS)]
    table = diagnose_many(pd.DataFrame(rows)).frame.to_csv(index=False)
    _check("batch.json", {"csv_sha256": hashlib.sha256(table.encode()).hexdigest()})


def test_an_explanation_read_first_reads_as_one_read_last() -> None:
    """Explained before anything else is read, a diagnosis says its fired rules and tree
    steps without building their result objects: the text and Markdown equal those of a
    diagnosis whose every part was built first (its JSON written), rep for rep, for the
    population (with its team) and the examples (without one), whatever came before."""
    examples = [(json.loads(p.read_text()), None) for p in sorted(EXAMPLES.glob("*-rep.json"))]
    for data, team in [rep(index) for index in range(REPS)] + examples:
        first = diagnose(data, team=team)
        read = first.explain(), first.explain(fmt="markdown")
        whole = diagnose(data, team=team)
        whole.to_json()
        assert read == (whole.explain(), whole.explain(fmt="markdown")), data["rep_id"]
