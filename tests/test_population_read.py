"""One forgiving reader for every table (issue 25 item 6).

A team file re-saved by a spreadsheet (a byte-order mark, ';' between cells, decimal
commas, UTF-16 text, Windows-1252) reads to the same diagnoses as the file gapdiag wrote;
a column gapdiag does not know ("Manager") is left unread and named in one note, and
``--strict`` refuses it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from gapdiag.cli import ExitStatus, main
from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.model.errors import InvalidMetrics

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DATA = Path(__file__).parent / "data" / "population"


def _rows() -> list[list[str]]:
    with (EXAMPLES / "team.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _saved(path: Path, sep: str, encoding: str, *, comma: bool, manager: bool) -> Path:
    """The team file as a spreadsheet saves it: `sep` between cells, decimal commas."""
    rows = _rows()
    if manager:
        rows = [[*row, "Manager" if i == 0 else f"Lee {i % 3}"] for i, row in enumerate(rows)]
    if comma:
        rows = [rows[0]] + [[_comma(cell) for cell in row] for row in rows[1:]]
    text = io.StringIO()
    csv.writer(text, delimiter=sep, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


def _comma(cell: str) -> str:
    try:
        float(cell)
    except ValueError:
        return cell
    return cell.replace(".", ",")


def _verdicts(path: Path) -> list[tuple[object, ...]]:
    frame = diagnose_many(path).frame
    return list(frame[["rep_id", "standing", "outcome", "primary_gap"]].itertuples(index=False))


@pytest.mark.parametrize(
    ("sep", "encoding", "comma"),
    [
        (";", "utf-8-sig", True),  # Excel, European locale: "CSV UTF-8"
        (";", "cp1252", True),  # Excel, European locale: "CSV"
        ("\t", "utf-16", True),  # Excel: "Unicode text"
        (",", "utf-8-sig", False),  # Excel, US locale: "CSV UTF-8"
    ],
)
def test_a_team_file_round_trips_through_excel_style_saves(
    tmp_path: Path, sep: str, encoding: str, comma: bool
) -> None:
    """Each save, with a Manager column added, diagnoses as the original does."""
    saved = _saved(tmp_path / "team.csv", sep, encoding, comma=comma, manager=True)
    batch = diagnose_many(saved)
    assert batch.summary.bad_rows == 0
    assert _verdicts(saved) == _verdicts(EXAMPLES / "team.csv")
    assert batch.notes == (
        "column 'Manager' not read: not a metric path or rep_id, team, period_start, "
        "period_end, as_of, proxies, sources (--strict refuses them)",
    )


def test_the_cli_notes_an_unknown_column_once_and_strict_refuses_it(tmp_path: Path) -> None:
    """diagnose and report: one note line; --strict: exit 2 naming the column."""
    team = DATA / "team_excel_de.csv"
    for argv in (
        ["diagnose", str(team), "--out", str(tmp_path / "r.csv")],
        ["report", str(team), "--out", str(tmp_path / "r.html")],
    ):
        err = io.StringIO()
        assert main(argv, stdout=io.StringIO(), stderr=err) == ExitStatus.OK, err.getvalue()
        notes = [line for line in err.getvalue().splitlines() if "note:" in line]
        assert notes == [
            "gapdiag: note: column 'Manager' not read: not a metric path or rep_id, team, "
            "period_start, period_end, as_of, proxies, sources (--strict refuses them)"
        ]
        err = io.StringIO()
        status = main([*argv, "--strict"], stdout=io.StringIO(), stderr=err)
        assert status == ExitStatus.BAD_INPUT
        assert "Manager: unknown field" in err.getvalue()
    with pytest.raises(InvalidMetrics, match="Manager"):
        diagnose_many(team, strict=True)


def test_plan_team_reads_the_same_file(tmp_path: Path) -> None:
    """plan --rep: the rep's plan from the spreadsheet's file, the note said once."""
    err = io.StringIO()
    argv = ["plan", str(DATA / "team_excel_de.csv"), "--rep", "east-01"]
    status = main(argv, stdout=io.StringIO(), stderr=err)
    assert status in (ExitStatus.OK, ExitStatus.FINDINGS), err.getvalue()
    assert err.getvalue().count("note: column 'Manager' not read") == 1


def _main(*argv: str) -> tuple[int, str]:
    err = io.StringIO()
    code = main(list(argv), stdout=io.StringIO(), stderr=err)
    return code, err.getvalue()


def test_a_crm_export_given_as_a_population_is_one_line_naming_file_and_columns(
    tmp_path: Path,
) -> None:
    """No rep_id column: one line naming the file, its columns and `gapdiag ingest`, from
    every command that reads a population (rules test --population said two lines per row,
    diagnose named no file)."""
    export = tmp_path / "export.csv"
    export.write_text("Rep,Calls per day\n" + "".join(f"r{i},{i}\n" for i in range(50)))
    says = "no rep_id column (the columns are Rep, Calls per day); a CRM export is turned"
    for argv in (
        ("diagnose", str(export), "--out", str(tmp_path / "r.csv")),
        ("rules", "test", "--population", str(export)),
    ):
        code, err = _main(*argv)
        assert code == ExitStatus.BAD_INPUT, argv
        assert err.count("\n") == 1, err
        assert err.startswith(f"gapdiag: {export}"), err
        assert says in err, err


def test_a_misspelt_column_is_refused_once_at_the_header(tmp_path: Path) -> None:
    """`rules test --population` with a misspelt column: one line at file:1, not one a row."""
    reps = tmp_path / "reps.csv"
    reps.write_text("rep_id,activity.cals_per_day\n" + "".join(f"r{i},3\n" for i in range(20)))
    code, err = _main("rules", "test", "--population", str(reps))
    assert code == ExitStatus.BAD_INPUT
    assert err.startswith(f"gapdiag: {reps}:1: activity.cals_per_day: unknown field")
    assert err.count("\n") == 1, err
