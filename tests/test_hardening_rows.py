"""A population row with the wrong number of cells is one bad row, never the whole file.

A stray delimiter (more cells than the header) or a row cut short (fewer cells: a
missing delimiter, or a file cut off mid-row) leaves every cell of that row in doubt:
the row is listed with its file line, and every other row is diagnosed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gapdiag.cli import ExitStatus, main
from gapdiag.engines.vector.batch import diagnose_many

HEADER = "rep_id,activity.calls_per_day,pipeline.quota\n"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_a_row_with_a_stray_delimiter_is_one_bad_row_and_the_rest_are_diagnosed(
    tmp_path: Path,
) -> None:
    """Two cells too many on line 3: that row is listed with its line; r1 and r3 are read."""
    population = tmp_path / "reps.csv"
    population.write_text(HEADER + "r1,12,100000\nr2,30,x,y,100000\nr3,20,90000\n")
    batch = diagnose_many(population)
    assert list(batch.frame["rep_id"]) == ["r1", "r3"]
    (bad,) = batch.errors.itertuples(index=False)
    assert (bad.row, bad.rep_id) == (1, "r2")
    assert "5 cells but the header has 3 columns" in bad.reason
    out, errors = tmp_path / "o.csv", tmp_path / "e.csv"
    code, _, err = _run("diagnose", str(population), "--out", str(out), "--errors", str(errors))
    assert code == ExitStatus.FINDINGS, err
    assert "Traceback" not in err
    (row,) = list(csv.DictReader(io.StringIO(errors.read_text())))
    assert (row["line"], row["rep_id"]) == ("3", "r2")


def test_a_file_cut_off_mid_row_lists_the_cut_row_and_keeps_the_others(tmp_path: Path) -> None:
    """The last line stops after two of three cells: its quota is not read as absent."""
    population = tmp_path / "reps.csv"
    population.write_text(HEADER + "r1,12,100000\nr2,30")
    batch = diagnose_many(population)
    assert list(batch.frame["rep_id"]) == ["r1"]
    (bad,) = batch.errors.itertuples(index=False)
    assert "2 cells but the header has 3 columns" in bad.reason


def test_a_ragged_row_in_a_quoted_file_is_one_bad_row(tmp_path: Path) -> None:
    """Quoted cells (a comma inside a cell, a cell over two lines) are counted as csv reads them."""
    population = tmp_path / "reps.csv"
    text = 'rep_id,team,activity.calls_per_day\n"r1","a, b",12\n"r2","x\ny",3,4\nr3,c,5\n'
    population.write_text(text)
    batch = diagnose_many(population)
    assert list(batch.frame["rep_id"]) == ["r1", "r3"]
    assert list(batch.errors["rep_id"]) == ["r2"]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=8),
    quoted=st.booleans(),
)
def test_every_row_of_three_cells_is_read_and_every_other_is_listed(
    tmp_path: Path, cells: list[int], quoted: bool
) -> None:
    """Whatever the cell counts, the rows of the header's width are diagnosed, the others
    listed once each, in order, and nothing else is lost."""
    rows = [[f"r{i}", *(["7"] * (n - 1))] for i, n in enumerate(cells)]
    text = io.StringIO()
    quoting = csv.QUOTE_ALL if quoted else csv.QUOTE_MINIMAL
    text.write(HEADER)
    csv.writer(text, lineterminator="\n", quoting=quoting).writerows(rows)
    population = tmp_path / "reps.csv"
    population.write_text(text.getvalue())
    batch = diagnose_many(population)
    assert list(batch.frame["rep_id"]) == [f"r{i}" for i, n in enumerate(cells) if n == 3]
    assert list(batch.errors["rep_id"]) == [f"r{i}" for i, n in enumerate(cells) if n != 3]


def test_the_report_names_each_bad_row_by_the_line_to_open(tmp_path: Path) -> None:
    """A bad row of a CSV population is shown on the page by its line in the file (a cell
    over two lines above it puts it on line 5, though it is the third row), not only by
    its position among the rows."""
    population = tmp_path / "reps.csv"
    population.write_text('rep_id,team,activity.calls_per_day\nr1,"a\nb",12\nr2,a,9\nr3,a,-4\n')
    page = tmp_path / "team.html"
    code, _, err = _run("report", str(population), "--out", str(page))
    assert code == ExitStatus.FINDINGS, err
    html = page.read_text()
    bad = html[html.index('id="bad-rows"') :]
    assert '<th scope="col" class="n">Line in reps.csv</th>' in bad
    assert '<tr><td class="n">5</td><td>r3</td>' in bad
    assert "Input row" not in bad


def test_a_report_of_rows_not_from_a_file_numbers_them_by_position() -> None:
    """Rows passed as records have no file line: the table says which input row it is."""
    from gapdiag.notebook.report import team_report

    batch = diagnose_many([{"rep_id": "r1"}, {"rep_id": "r2", "activity": {"calls_per_day": -1}}])
    bad = team_report(batch)
    bad = bad[bad.index('id="bad-rows"') :]
    assert "Input row (1 = first)" in bad
    assert '<tr><td class="n">2</td><td>r2</td>' in bad


def test_rules_diff_lists_a_short_row_as_diagnose_does(tmp_path: Path) -> None:
    """`rules diff --population` reads the same file the same way: the cut row is a bad
    row with diagnose's words, not a rep with its quota absent."""
    population = tmp_path / "reps.csv"
    population.write_text(HEADER + "r1,12,100000\nr2,30")
    rules = str(Path(__file__).resolve().parent.parent / "rules")
    code, out, err = _run("rules", "diff", rules, rules, "--population", str(population))
    assert code == ExitStatus.BAD_INPUT, out + err
    assert "line 3" in err
    assert "2 cells but the header has 3 columns (a missing delimiter, or the file cut off?)" in err
