"""Hints that help (issue 25 item 5): did-you-mean only for a close column of the role's
kind, else the list of columns. The export: tests/data/hints/salesforce_report.csv."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapdiag.model.errors import InvalidArgument
from gapdiag.sources._hints import column_hint
from gapdiag.sources.ingest import read_exports

DATA = Path(__file__).parent / "data" / "hints"
HEADER = (
    "Opportunity Name",
    "HasOpportunityLineItem",
    "Account Name",
    "Stage",
    "Amount",
    "Created Date",
    "Close Date",
    "Opportunity Owner Name",
)


def test_a_missing_owner_is_not_offered_a_line_item_flag(tmp_path: Path) -> None:
    """The issue's case: no 'HasOpportunityLineItem' hint; a rep column close by is offered,
    and the export's columns are listed."""
    mapping = tmp_path / "map.yaml"
    mapping.write_text("extends: salesforce\nopportunities:\n  owner: Opportunity Owner\n")
    with pytest.raises(InvalidArgument) as caught:
        read_exports(period="2023", opportunities=[DATA / "salesforce_report.csv"], mapping=mapping)
    message = str(caught.value)
    assert "did you mean 'HasOpportunityLineItem'" not in message
    assert "'Opportunity Owner' (did you mean 'Opportunity Owner Name'?)" in message
    assert "its columns are: Opportunity Name, HasOpportunityLineItem," in message


@pytest.mark.parametrize(
    ("role", "column", "hint"),
    [
        ("owner", "Opportunity Owner", ""),  # 'Opportunity Name' is alike, but no rep column
        ("owner", "Owner", ""),
        ("closed", "Closed Date", "Close Date"),
        ("stage", "Stage Name", "Stage"),  # all of 'Stage' is in 'Stage Name'
        ("amount", "Amount USD", "Amount"),
        ("account", "Account", "Account Name"),
        ("amount", "Revenue", ""),  # of the kind, but nothing alike: the list does it
    ],
)
def test_a_hint_is_of_the_roles_kind_and_close(role: str, column: str, hint: str) -> None:
    """Without the owner's column in the header, no owner hint at all."""
    header = tuple(h for h in HEADER if h != "Opportunity Owner Name")
    expected = f" (did you mean {hint!r}?)" if hint else ""
    assert column_hint(role, column, header) == expected
