"""Real public CRM exports (tests/data/real, see its README): what they showed, pinned."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import InvalidArgument, InvalidMetrics
from gapdiag.sources.ingest import Ingested, read_exports

REAL = Path(__file__).parent / "data" / "real"


def test_deals_deleted_in_salesforce_are_left_out_and_listed(tmp_path: Path) -> None:
    """A warehouse sync (Fivetran's seed of a real org) keeps soft-deleted opportunities
    with is_deleted true: every one of its ten rows is deleted, so no rep has a pipeline
    (the $24,120,000 '$1m deal' test opportunity is not anyone's closed-won), and each
    row is listed once as left out, naming the column."""
    result = read_exports(
        period="2018-Q4",
        opportunities=REAL / "fivetran_sf_opportunity_data.csv",
        mapping=REAL / "fivetran_salesforce.yaml",
    )
    assert result.rows == ()
    errors = tmp_path / "errors.csv"
    result.write_errors(errors)
    with errors.open(encoding="utf-8") as handle:
        listed = [(r["row"], r["column"], r["value"], r["reason"]) for r in csv.DictReader(handle)]
    assert [(row, column) for row, column, _, _ in listed] == [
        (str(n), "is_deleted") for n in range(2, 12)
    ]
    assert {reason for _, _, _, reason in listed} == {
        "is true: the deal was deleted in the CRM; left out"
    }


def test_a_deleted_cell_in_no_flag_form_is_listed_and_its_deal_kept(tmp_path: Path) -> None:
    """'maybe' under is_deleted says neither: the deal is read (not guessed away) and the
    cell listed once, naming what the column holds and the forms read."""
    text = (REAL / "fivetran_sf_opportunity_data.csv").read_text(encoding="utf-8")
    first = "006q000000HddohAAB,true,true,,true"
    assert first in text
    edited = tmp_path / "opportunity.csv"
    edited.write_text(text.replace(first, "006q000000HddohAAB,true,maybe,,true"), "utf-8")
    result = read_exports(
        period="2018-Q4", opportunities=edited, mapping=REAL / "fivetran_salesforce.yaml"
    )
    assert [(row["rep_id"], row["pipeline.closed_won"]) for row in result.rows] == [
        ("rQhle3uwQbFgFmLTF1WByg==", 24120000.0)
    ]
    errors = tmp_path / "errors.csv"
    result.write_errors(errors)
    with errors.open(encoding="utf-8") as handle:
        maybe = [r for r in csv.DictReader(handle) if r["value"] == "maybe"]
    assert [(r["row"], r["reason"]) for r in maybe] == [
        ("2", "holds 'maybe', in none of the flag forms (true/false, 1/0 or 1/empty); kept")
    ]


def test_activities_deleted_in_salesforce_are_left_out_and_listed(tmp_path: Path) -> None:
    """Task.csv of the Data Export keeps IsDeleted too: a deleted call is no call of the
    rep's; it is listed once, and the live ones count."""
    opportunities = REAL / "sf_data_export_Opportunity.csv"
    tasks = tmp_path / "Task.csv"
    tasks.write_text(
        '"Id","IsDeleted","OwnerId","TaskSubtype","ActivityDate","CallDurationInSeconds"\n'
        '"00T1","false","0055g00000Rep01AAA","Call","2024-02-05","300"\n'
        '"00T2","true","0055g00000Rep01AAA","Call","2024-02-06","600"\n'
        '"00T3","FALSE","0055g00000Rep01AAA","Email","2024-02-07",""\n',
        encoding="utf-8",
    )
    result = read_exports(
        period="2024-Q1",
        opportunities=opportunities,
        activities=tasks,
        mapping="salesforce_export",
    )
    ana = {row["rep_id"]: row for row in result.rows}["0055g00000Rep01AAA"]
    assert (ana["activity.timed_calls"], ana["activity.avg_call_minutes"]) == (1.0, 5.0)
    errors = tmp_path / "errors.csv"
    result.write_errors(errors)
    with errors.open(encoding="utf-8") as handle:
        listed = [(r["row"], r["column"], r["reason"]) for r in csv.DictReader(handle)]
    assert listed == [("3", "IsDeleted", "is true: the activity was deleted in the CRM; left out")]


def test_one_row_of_another_type_is_said_in_the_singular(tmp_path: Path) -> None:
    """Fivetran's Task rows are mostly 'Task' subtypes, not calls or emails: one such row
    reads '1 row of another type', not '1 rows of other types'."""
    tasks = tmp_path / "Task.csv"
    tasks.write_text(
        '"Id","IsDeleted","OwnerId","TaskSubtype","ActivityDate","CallDurationInSeconds"\n'
        '"00T1","false","0055g00000Rep01AAA","Call","2024-02-05","300"\n'
        '"00T2","false","0055g00000Rep01AAA","Task","2024-02-06",""\n',
        encoding="utf-8",
    )
    result = read_exports(period="2024-Q1", activities=tasks, mapping="salesforce_export")
    notes = [note for summary in result.files for note in summary.notes]
    assert "1 row of another type (a task, a note) is not activity" in notes


def test_deals_pipedrive_marks_deleted_are_left_out_by_stage_value(tmp_path: Path) -> None:
    """Pipedrive's deal status is open, won, lost or deleted (its API's status values): a
    deleted deal is none of won, lost or open. Under the mapping's `deleted` values it is
    left out and listed; without them the one error names the group to add it under."""
    text = (REAL / "pipedrive_deals_en.csv").read_text(encoding="utf-8")
    first = "101,Acme deal,Ana Ruiz,12000,USD,open,"
    assert first in text
    deals = tmp_path / "deals.csv"
    deals.write_text(text.replace(first, first.replace(",open,", ",deleted,")), "utf-8")
    mapping = (REAL / "pipedrive_en.yaml").read_text(encoding="utf-8")
    with pytest.raises(InvalidMetrics, match=r"add each under won, lost, open or deleted"):
        read_exports(period="2024-Q3", opportunities=deals, mapping=REAL / "pipedrive_en.yaml")
    edited = tmp_path / "pipedrive.yaml"
    edited.write_text(mapping.replace("  open: [open]\n", "  open: [open]\n  deleted: [deleted]\n"))
    result = read_exports(period="2024-Q3", opportunities=deals, mapping=edited)
    whole = read_exports(
        period="2024-Q3", opportunities=REAL / "pipedrive_deals_en.csv", mapping=edited
    )
    ana = {r["rep_id"]: r for r in result.rows}["Ana Ruiz"]
    ana_whole = {r["rep_id"]: r for r in whole.rows}["Ana Ruiz"]
    assert ana["pipeline.open_pipeline"] == ana_whole["pipeline.open_pipeline"] - 12000
    errors = tmp_path / "errors.csv"
    result.write_errors(errors)
    with errors.open(encoding="utf-8") as handle:
        listed = [(r["row"], r["column"], r["value"], r["reason"]) for r in csv.DictReader(handle)]
    assert listed == [
        ("2", "Deal - Status", "deleted", "says the deal was deleted in the CRM; left out")
    ]


@settings(max_examples=25, deadline=None)
@given(st.sets(st.integers(min_value=0, max_value=5)))
def test_marking_deals_deleted_is_the_same_as_leaving_them_out(deleted: set[int]) -> None:
    """Whatever deals of the Data Export carry IsDeleted true, every rep's figures are
    those of the file without those rows, and each of them is listed once."""
    header, *rows = (REAL / "sf_data_export_Opportunity.csv").read_text("utf-8").splitlines()
    marked = [
        row.replace('","false","', '","true","', 1) if n in deleted else row
        for n, row in enumerate(rows)
    ]
    kept = [row for n, row in enumerate(rows) if n not in deleted]
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / "marked.csv", Path(folder) / "kept.csv"]
        for path, lines in zip(paths, (marked, kept), strict=True):
            path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
        results: list[Ingested | None] = []
        for path in paths:
            try:
                read = read_exports(
                    period="2024-Q1", opportunities=path, mapping="salesforce_export"
                )
            except InvalidArgument:  # no usable deal at all: so for both
                results.append(None)
                continue
            results.append(read)
    marked_result, kept_result = results
    if kept_result is None:
        assert marked_result is None
        return
    assert marked_result is not None
    strip = [{k: v for k, v in row.items() if k != "sources"} for row in marked_result.rows]
    assert strip == [{k: v for k, v in row.items() if k != "sources"} for row in kept_result.rows]
    assert marked_result.bad_rows == len(deleted)
