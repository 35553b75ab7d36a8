"""A deal file's account column, read only to join: reading without it changes nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag.sources import _columnar, _open
from gapdiag.sources.ingest import read_exports

from .crm_exports import read_in_small_blocks

HEADER = "Opportunity Owner,Stage,Amount,Created Date,Close Date,Account Name\n"
ODD_ROWS = [
    ",,,,,Acme 9\n",  # only the account: a deal without a rep, not an empty row
    ",,,,,\n",  # empty throughout: not a row
    ",,,,,  \n",  # a blank account: empty too
    "Opportunity Owner,Stage,Amount,Created Date,Close Date,Account Name\n",  # the header
    "Opportunity Owner,Stage,Amount,Created Date,Close Date,Acme 3\n",  # not quite
    "Rep 1,Closed Won,,04/03/2017,05/03/2017,\n",
]


def _export(folder: Path, odd: list[str], rows: int, late: int) -> Path:
    """A small deal export with the `odd` rows from row `late` on, a plain row between."""
    lines = [HEADER]
    stages = ["Closed Won", "Closed Lost", "Prospecting"]
    for i in range(rows):
        if i >= late and odd:
            lines.append(odd[(i - late) % len(odd)])
        day = 1 + i % 28
        lines.append(f"Rep {i % 3},{stages[i % 3]},{100 + i},04/{day:02d}/2017,05/{day:02d}/2017,")
        lines.append(f"Acme {i % 5}\n")
    path = folder / "opportunities.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _read(path: Path, *, every_column: bool) -> Any:
    """read_exports' rows, file summaries and bad rows, the account read or not."""
    return read_in_small_blocks(path, without="_unread" if every_column else None)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(ODD_ROWS), max_size=4),
    st.integers(1, 200),
    st.integers(0, 199),
)
def test_deals_read_without_accounts_as_with_them(odd: list[str], rows: int, late: int) -> None:
    """Rows empty but for an account, or repeating the header: figures and bad rows alike."""
    with tempfile.TemporaryDirectory() as folder:
        path = _export(Path(folder), odd, rows, late)
        assert _read(path, every_column=False) == _read(path, every_column=True)


def test_accounts_are_read_only_to_join(tmp_path: Path) -> None:
    """Without activities or teams a deal file's account column is left unread."""
    path = _export(tmp_path, [], 50, 0)
    read: list[frozenset[str]] = []
    original = _columnar.open_export

    def spy(*args: Any, **kwargs: Any) -> Any:
        export = original(*args, **kwargs)
        read.append(export.unread)
        return export

    teams = [{"Rep": "Rep 1", "Team": "East"}]
    with patch.object(_open, "open_export", spy):
        read_exports(period="2017-Q2", opportunities=[path])
        read_exports(period="2017-Q2", opportunities=[path], teams=teams)
    assert read == [frozenset({"account"}), frozenset(), frozenset()]


def test_a_row_of_an_account_alone_is_a_deal_without_a_rep(tmp_path: Path) -> None:
    """Such a row, found after plain ones, is named with its line (the file read again)."""
    path = _export(tmp_path, [",,,,,Acme 9\n"], 200, 150)
    result = read_exports(period="2017-Q2", opportunities=[path])
    (summary,) = result.files
    assert summary.rows == 250
    assert f"{path},152,Opportunity Owner,,is empty; the deal has no rep" in result.errors_csv()
