"""Fuzzing: every public entry point, API and CLI, ends in a result or a GapdiagError, in time.

Profiles (environment variable GAPDIAG_FUZZ): ``fast`` (default, part of the normal test
run and of .ci/run) and ``long`` (on demand)::

    GAPDIAG_FUZZ=long pytest -m fuzz tests/fuzz --hypothesis-show-statistics

(1,000 examples per test by default; GAPDIAG_FUZZ_EXAMPLES=N sets another number.)

A failure prints the smallest input hypothesis found; add it to tests/test_hardening.py.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, diagnose_many, load_rules
from gapdiag.cli import main
from gapdiag.model.errors import GapdiagError
from gapdiag.model.metrics import parse_metrics, parse_targets
from gapdiag.rulebook import expr
from gapdiag.rulebook.interventions import load_interventions
from gapdiag.sources.ingest import ingest
from gapdiag.sources.repfile import read_reps

from . import hostile

pytestmark = pytest.mark.fuzz

settings.register_profile(
    "fuzz-fast",
    max_examples=int(os.environ.get("GAPDIAG_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "fuzz-long",
    max_examples=int(os.environ.get("GAPDIAG_FUZZ_EXAMPLES", "1000")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
FUZZ = settings.get_profile(
    "fuzz-long" if os.environ.get("GAPDIAG_FUZZ") == "long" else "fuzz-fast"
)
BUDGET = float(os.environ.get("GAPDIAG_FUZZ_BUDGET", "10"))
"""CPU seconds one call may use before it counts as a hang (CPU time, not wall time: on a
shared machine a call may wait for a core far longer than it computes)."""

RULE = (
    "- id: r\n  gap: will\n  certainty: 0.5\n  when: activity.calls_per_day < 5\n"
    '  because: "few"\n  examples:\n    - given: {activity: {calls_per_day: 1}}\n'
    "      fires: true\n"
)


def safely(action: Callable[[], Any]) -> Any:
    """Run `action`: a result or a GapdiagError is fine; anything else fails; so does slowness."""
    started = time.process_time()
    try:
        return action()
    except GapdiagError:
        return None
    finally:
        spent = time.process_time() - started
        assert spent < BUDGET, f"took {spent:.1f} s of CPU (budget {BUDGET} s)"


def cli(*argv: str) -> int:
    """The CLI in-process: an exit status of 0, 1 or 2, never an exception; in time."""
    out, err = io.StringIO(), io.StringIO()
    code = safely(lambda: main(list(argv), stdout=out, stderr=err))
    assert code in (0, 1, 2), (code, err.getvalue())
    assert "Traceback" not in err.getvalue()
    if code == 2:
        assert err.getvalue().startswith("gapdiag: "), err.getvalue()
    return int(code)


@contextmanager
def files(**contents: bytes) -> Iterator[Path]:
    """A temporary folder holding the given files (name -> bytes)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in contents.items():
            (root / name.replace("__", ".")).write_bytes(data)
        yield root


@FUZZ
@given(hostile.json_values())
def test_fuzz_parse_metrics_and_diagnose(data: Any) -> None:
    """parse_metrics, parse_targets and diagnose on any JSON value."""
    safely(lambda: parse_metrics(data))
    safely(lambda: parse_targets(data))
    safely(lambda: diagnose(data))


@FUZZ
@given(hostile.rep_json())
def test_fuzz_cli_rep_file(raw: bytes) -> None:
    """`diagnose FILE [--json]`, `plan FILE`, `tree --highlight FILE` on hostile rep bytes."""
    with files(rep__json=raw) as root:
        rep = str(root / "rep.json")
        cli("diagnose", rep, "--json")
        cli("diagnose", rep, "--markdown", "--no-counterfactuals")
        cli("diagnose", "examples/will-rep.json", "--targets", rep)
        cli("plan", rep)
        cli("tree", "--highlight", rep)


@FUZZ
@given(hostile.condition() | hostile.odd_text)
def test_fuzz_condition_parser(text: str) -> None:
    """The condition parser on token soup, deep nesting and odd text."""
    safely(lambda: expr.parse(text))


@FUZZ
@given(hostile.rule_yaml())
def test_fuzz_rule_file(raw: bytes) -> None:
    """load_rules, `rules check` and `diagnose --rules` on a hostile rule file."""
    with files(a__rules__yaml=raw) as root:
        safely(lambda: load_rules(root))
        cli("rules", "check", str(root))
        cli("diagnose", "examples/will-rep.json", "--rules", str(root))


@FUZZ
@given(hostile.tree_yaml())
def test_fuzz_tree_file(raw: bytes) -> None:
    """A pack with a hostile tree file loads or fails cleanly; `tree` renders or fails cleanly."""
    with files(a__rules__yaml=RULE.encode(), a__tree__yaml=raw) as root:
        safely(lambda: load_rules(root))
        cli("tree", "--rules", str(root), "--format", "mermaid")


@FUZZ
@given(hostile.rule_yaml() | hostile.tree_yaml())
def test_fuzz_pack_and_interventions_files(raw: bytes) -> None:
    """pack.yaml and interventions.yaml with hostile bytes."""
    with files(a__rules__yaml=RULE.encode(), pack__yaml=raw, interventions__yaml=raw) as root:
        safely(lambda: load_rules(root))
        safely(lambda: load_interventions(root / "interventions.yaml"))


_HUGE_INT = b"\xef\xbb\xbfrep_id,activity.avg_call_minutes\nr0," + b"9" * 400 + b"\n"
"""The long profile's find: an integer past the largest float (pandas' astype overflowed)."""


@FUZZ
@given(hostile.population_csv(), st.sampled_from(["team", "region", ""]))
@example(raw=_HUGE_INT, team_by="team")
def test_fuzz_population_csv(raw: bytes, team_by: str) -> None:
    """diagnose_many, read_reps, `diagnose --out` and `rules diff --population` on a CSV."""
    with files(reps__csv=raw) as root:
        population = root / "reps.csv"
        safely(lambda: diagnose_many(population, team_by=team_by or None))
        safely(lambda: read_reps(population))
        out = str(root / "out.csv")
        cli("diagnose", str(population), "--out", out, "--team-by", team_by)
        cli("rules", "diff", "rules", "rules", "--population", str(population))


@FUZZ
@given(hostile.rep_json(), st.sampled_from([".json", ".jsonl"]))
@example(raw=b'{"rep_id": "r1", "activity": {"calls_per_day": "\\ud800"}}', suffix=".json")
def test_fuzz_population_json(raw: bytes, suffix: str) -> None:
    """JSON and JSON Lines populations built from hostile rep bytes."""
    body = b"[" + raw + b"]" if suffix == ".json" else raw + b"\n" + raw
    with files(**{f"reps_{suffix[1:]}".replace("_", "__"): body}) as root:
        population = root / f"reps{suffix}"
        safely(lambda: read_reps(population))
        if suffix == ".json":
            safely(lambda: diagnose_many(population))


@FUZZ
@given(hostile.crm_export(), st.sampled_from(["2017", "2017-Q2", "2017-W14", "17", "2017-Q9"]))
def test_fuzz_crm_export(raw: bytes, period: str) -> None:
    """ingest (API) and `gapdiag ingest` (CLI) on a hostile Salesforce-style export."""
    with files(opps__csv=raw) as root:
        export = root / "opps.csv"
        safely(lambda: ingest(period=period, opportunities=export))
        cli("ingest", str(export), "--period", period, "--out", str(root / "reps.csv"))
