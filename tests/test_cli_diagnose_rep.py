"""`gapdiag diagnose reps.csv --rep NAME`: one rep of a population, judged with its team, in
the same verdict the population's results give it (one file, one answer)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from gapdiag.cli._io import ExitStatus

from .test_cli import run
from .test_plan_weeks import files  # noqa: F401  (the module's exports fixture)


def test_one_rep_reads_as_the_population_reads_it(
    files: dict[str, Path],  # noqa: F811
    tmp_path: Path,
) -> None:
    """Every rep's standing, primary gap and each gap's status match the population run."""
    results = tmp_path / "results.csv"
    code, _, _ = run("diagnose", str(files["reps"]), "--out", str(results))
    assert code in (ExitStatus.OK, ExitStatus.FINDINGS)
    with results.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 3
    for row in rows:
        code, text, err = run(
            "diagnose", str(files["reps"]), "--rep", row["rep_id"], "--format", "json"
        )
        assert code == ExitStatus.OK, err
        one = json.loads(text)
        assert one["rep_id"] == row["rep_id"]
        assert one["standing"]["status"] == row["standing"]
        assert (one["primary_gap"] or "") == row["primary_gap"]
        for verdict in one["verdicts"]:
            assert verdict["status"] == row[f"{verdict['gap']}.status"], row["rep_id"]
    code, text, _ = run("diagnose", str(files["reps"]), "--rep", rows[0]["rep_id"])
    assert code == ExitStatus.OK
    assert text.startswith(f"Diagnosis for {rows[0]['rep_id']}, ")


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (("--rep", "Ben Cold"), "'Ben Cold' is not a rep of"),
        (("--rep", "Ben Cole", "--out", "x.csv"), "--out: --rep explains one rep here"),
        (("--rep", "Ben Cole", "--team", "t.json"), "--team: the team file's own reps"),
    ],
)
def test_a_wrong_rep_request_is_one_clear_line(
    files: dict[str, Path],  # noqa: F811
    extra: tuple[str, ...],
    says: str,
) -> None:
    """A name not in the file (with the nearest one), --out or --team beside --rep."""
    code, out, err = run("diagnose", str(files["reps"]), *extra)
    assert code == ExitStatus.BAD_INPUT
    assert out == ""
    assert says in err
    assert len(err.strip().splitlines()) == 1
    if "Ben Cold" in extra:
        assert "Ben Cole" in err
