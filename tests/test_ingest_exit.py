"""`ingest` exits as `calls` does (issue 25 item 3): 2 and one line when no row is made."""

from __future__ import annotations

import io
from pathlib import Path

from gapdiag.cli import ExitStatus, main

DATA = Path(__file__).parent / "data" / "ingest_nothing"


def _ingest(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main(["ingest", *argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_every_row_skipped_exits_2_with_one_line_and_the_errors_file(tmp_path: Path) -> None:
    """Three deals, none usable: exit 2, one gapdiag line, no --out, the errors file kept."""
    target = tmp_path / "reps.csv"
    status, out, err = _ingest(
        str(DATA / "opportunities.csv"), "--period", "2017-05", "--out", str(target)
    )
    assert status == ExitStatus.BAD_INPUT
    assert "3 rows, 0 used, 3 skipped" in out  # what was read, as ever, on stdout
    assert err.splitlines() == [
        f"gapdiag: no rep row for 2017-05: every row of the exports was skipped "
        f"(3 problems -> {tmp_path / 'reps.errors.csv'}); nothing else written"
    ]
    assert not target.exists()
    assert (tmp_path / "reps.errors.csv").read_text().count("\n") == 4  # header + 3


def test_a_header_only_export_exits_2(tmp_path: Path) -> None:
    """An export with no rows at all: exit 2, nothing written."""
    empty = tmp_path / "opps.csv"
    empty.write_text((DATA / "opportunities.csv").read_text().splitlines()[0] + "\n")
    target = tmp_path / "reps.csv"
    status, _, err = _ingest(str(empty), "--period", "2017-05", "--out", str(target))
    assert status == ExitStatus.BAD_INPUT
    assert err.splitlines() == [
        "gapdiag: no rep row for 2017-05: every row of the exports was skipped (none usable);"
        " nothing else written"
    ]
    assert not target.exists()
    assert not (tmp_path / "reps.errors.csv").exists()
