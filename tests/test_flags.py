"""Yes-or-no columns as exports write them (issue 25 item 4): tests/data/flags.

Ten deals of 2023: rep 005A won 2, lost 1 and has 2 open; 005B won 2 and has 3 open.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from gapdiag.cli import ExitStatus, main
from gapdiag.sources.crm import PRESETS, OpportunityColumns
from gapdiag.sources.ingest import read_exports

DATA = Path(__file__).parent / "data" / "flags"
EXPECTED = {"005A": (0.667, 3.0), "005B": (1.0, 2.0)}  # (win rate, closed deals)


def _figures(path: Path, mapping: str | Path) -> dict[str, tuple[float, float]]:
    result = read_exports(period="2023", opportunities=[path], mapping=mapping)
    assert result.bad_rows == 0
    return {
        row["rep_id"]: (round(row["pipeline.win_rate"], 3), row["pipeline.closed_deals"])
        for row in result.rows
    }


@pytest.mark.parametrize("name", ["workbench_1_empty", "report_1_0", "dataloader_true_false"])
def test_salesforce_reads_each_tools_flags(name: str) -> None:
    """1/empty (Workbench), 1/0 (reports), true/false (Data Loader): the same deals."""
    assert _figures(DATA / f"{name}.csv", "salesforce_export") == EXPECTED


@pytest.mark.parametrize(("name", "form"), [("yes_no", "yes/no"), ("x_empty", "X/empty")])
def test_other_forms_by_the_mappings_flag_forms(tmp_path: Path, name: str, form: str) -> None:
    """Yes/No and X/empty are read once the mapping names them."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        f"extends: salesforce_export\nopportunities:\n  flag_forms: [{form}]\n", encoding="utf-8"
    )
    assert _figures(DATA / f"{name}.csv", mapping) == EXPECTED


def test_a_mapping_without_flag_forms_reads_all_five() -> None:
    """The default flag forms are every form named in the issue."""
    columns = OpportunityColumns(
        owner="o", stage="s", amount="a", created="c", closed="d", won=("W",), lost=("L",)
    )
    assert columns.flag_forms == ("true/false", "1/0", "1/empty", "yes/no", "X/empty")
    salesforce = PRESETS["salesforce_export"].opportunities
    assert salesforce is not None
    assert salesforce.flag_forms == ("true/false", "1/0", "1/empty")


def test_flags_in_another_form_are_one_problem_naming_the_values(tmp_path: Path) -> None:
    """Y/N under the Salesforce preset: one summary line naming 'N' and 'Y', and exit 2
    (no deal is usable)."""
    out, err = io.StringIO(), io.StringIO()
    argv = ["ingest", str(DATA / "odd_y_n.csv"), "--map", "salesforce_export", "--period", "2023"]
    status = main([*argv, "--out", str(tmp_path / "o.csv")], stdout=out, stderr=err)
    assert status == ExitStatus.BAD_INPUT
    problems = [line for line in out.getvalue().splitlines() if " x IsWon" in line]
    assert problems == [
        "  10 x IsWon: holds 'N', 'Y', in none of the mapping's flag forms (true/false, 1/0 "
        "or 1/empty; its flag_forms may add others); the deal is neither open nor closed"
    ]
    assert " x IsClosed" not in out.getvalue()  # a row is one problem, not two
    assert err.getvalue().count("\n") == 1  # and one line on stderr


def test_an_empty_flag_is_no_only_in_forms_that_write_no_so(tmp_path: Path) -> None:
    """Under true/false alone, an empty IsWon is named as empty, not taken for no."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "extends: salesforce_export\nopportunities:\n  flag_forms: [true/false]\n",
        encoding="utf-8",
    )
    result = read_exports(
        period="2023", opportunities=[DATA / "workbench_1_empty.csv"], mapping=mapping
    )
    ((column, reason, count),) = result.files[0].problems
    assert (column, count) == ("IsWon", 10)
    assert reason.startswith("holds empty, '1', in none of the mapping's flag forms")
