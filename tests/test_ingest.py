"""CRM exports to rep metrics: periods as of their end, presets, user mappings, bad rows."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from gapdiag import InvalidArgument, InvalidMetrics
from gapdiag.cli import ExitStatus, main
from gapdiag.sources.crm import load_mapping
from gapdiag.sources.ingest import ingest, parse_period, read_exports

from .crm_exports import hubspot_deals, salesforce_activities, salesforce_opportunities

HEADER = ["Opportunity Owner", "Stage", "Amount", "Created Date", "Close Date"]


def deals(*rows: tuple[str, str, str, str, str]) -> list[dict[str, str]]:
    """Salesforce-style opportunity rows."""
    return [dict(zip(HEADER, row, strict=True)) for row in rows]


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2017-Q2", dt.date(2017, 4, 1), dt.date(2017, 6, 30)),
        ("2017-Q4", dt.date(2017, 10, 1), dt.date(2017, 12, 31)),
        ("2017-W14", dt.date(2017, 4, 3), dt.date(2017, 4, 9)),
        ("2016-02", dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
        ("2017", dt.date(2017, 1, 1), dt.date(2017, 12, 31)),
    ],
)
def test_periods(text: str, start: dt.date, end: dt.date) -> None:
    """Quarters, ISO weeks, months and years are read as first and last day."""
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_bad_period_is_refused() -> None:
    """Anything else names the expected forms."""
    with pytest.raises(InvalidArgument, match="expected 2017-Q2, 2017-W14"):
        parse_period("FY17 Q2")  # a fiscal quarter: its calendar months are unknown


def test_metrics_are_as_of_the_period_end() -> None:
    """Open at the end: created by then, not yet closed; won/lost: closed inside the period."""
    rows = deals(
        ("ana", "Closed Won", "$10,000", "03/01/2017", "05/01/2017"),  # won in Q2: 61 days
        ("ana", "Closed Lost", "5000", "04/02/2017", "06/30/2017"),  # lost in Q2
        ("ana", "Closed Won", "7000", "05/01/2017", "07/15/2017"),  # won after: open at end
        ("ana", "Prospecting", "2000", "06/01/2017", "08/01/2017"),  # open at end
        ("ana", "Qualification", "900", "07/02/2017", "09/01/2017"),  # created after: ignored
        ("ana", "Closed Won", "1", "01/01/2017", "03/31/2017"),  # won before the period
    )
    (rep,) = ingest(period="2017-Q2", opportunities=rows)
    assert rep["rep_id"] == "ana"
    assert (rep["period_start"], rep["period_end"]) == ("2017-04-01", "2017-06-30")
    assert rep["pipeline.closed_won"] == 10_000
    assert rep["pipeline.win_rate"] == 0.5
    assert rep["pipeline.open_pipeline"] == 9_000
    assert rep["pipeline.avg_deal_age_days"] == (60 + 29) / 2  # opened 5/1 and 6/1
    assert rep["pipeline.sales_cycle_days"] == 61
    assert rep["pipeline.stage_conversion_rate"] == 1 / 4  # 1 won of 4 deals in play


def test_a_rep_with_no_closed_deals_has_no_win_rate() -> None:
    """No decision in the period: win rate and cycle are absent, not zero."""
    (rep,) = ingest(
        period="2017-Q2", opportunities=deals(("ben", "Prospecting", "100", "04/03/2017", ""))
    )
    assert "pipeline.win_rate" not in rep
    assert "pipeline.sales_cycle_days" not in rep
    assert rep["pipeline.closed_won"] == 0


def test_bad_rows_are_skipped_and_recorded_once_each() -> None:
    """Bad amounts and dates are recorded by row and column; the good rows still count."""
    rows = deals(
        ("ana", "Closed Won", "ten", "03/01/2017", "05/01/2017"),
        ("ana", "Closed Won", "10", "2017/03/01x", "05/01/2017"),
        ("ana", "Closed Won", "10", "03/01/2017", ""),
        ("ana", "Closed Won", "20", "03/01/2017", "05/01/2017"),
    )
    result = read_exports(period="2017-Q2", opportunities=rows)
    assert [(p[0], p[2]) for p in result.files[0].problems] == [
        ("Amount", 1),
        ("Close Date", 1),
        ("Created Date", 1),
    ]
    assert result.files[0].skipped == 1  # only the won deal with no close date
    (rep,) = result.rows
    assert rep["pipeline.closed_won"] == 30  # 'ten' adds nothing; the deal still counts
    assert rep["pipeline.win_rate"] == 1.0
    assert rep["pipeline.sales_cycle_days"] == 61  # the deal with a bad created date is out
    with pytest.raises(InvalidMetrics, match=r"Close Date|closed") as caught:
        read_exports(period="2017-Q2", opportunities=rows, strict=True)
    assert "drop --strict" in str(caught.value)


def test_user_mapping_with_stage_values(tmp_path: Path) -> None:
    """A YAML mapping renames columns and says which stage values are won, lost and open."""
    (tmp_path / "map.yaml").write_text(
        "opportunities:\n"
        "  owner: Rep\n  stage: Status\n  amount: Value\n  created: Opened\n  closed: Closed\n"
        "  won: [Signed]\n  lost: [Dead, Disqualified]\n  open: [Talking, Quoted]\n"
    )
    rows = [
        {
            "Rep": "kim",
            "Status": "Signed",
            "Value": "50",
            "Opened": "2017-04-02",
            "Closed": "2017-04-20",
        },
        {
            "Rep": "kim",
            "Status": "Dead",
            "Value": "10",
            "Opened": "2017-04-02",
            "Closed": "2017-04-21",
        },
        {"Rep": "kim", "Status": "Quoted", "Value": "30", "Opened": "2017-04-02", "Closed": ""},
    ]
    (rep,) = ingest(period="2017-04", opportunities=rows, mapping=tmp_path / "map.yaml")
    assert rep["pipeline.win_rate"] == 0.5
    assert rep["pipeline.open_pipeline"] == 30
    rows[2]["Status"] = "Maybe"
    with pytest.raises(
        InvalidMetrics, match=r"'Maybe' \(1 row, first row 4\): not a stage the mapping knows"
    ):
        ingest(period="2017-04", opportunities=rows, mapping=tmp_path / "map.yaml")


def test_mapping_extends_a_preset_and_bad_mappings_fail_clearly(tmp_path: Path) -> None:
    """'extends: hubspot' keeps the preset but for what the file changes; typos are named."""
    (tmp_path / "map.yaml").write_text("extends: hubspot\nopportunities:\n  won: [Won]\n")
    mapping = load_mapping(tmp_path / "map.yaml")
    assert mapping.opportunities is not None
    assert mapping.opportunities.won == ("Won",)
    assert mapping.opportunities.owner == "Deal owner"
    (tmp_path / "bad.yaml").write_text("extends: hubspt\n")
    with pytest.raises(InvalidArgument, match="did you mean 'hubspot'"):
        load_mapping(tmp_path / "bad.yaml")
    (tmp_path / "worse.yaml").write_text("opportunities:\n  owner: x\n")
    with pytest.raises(InvalidMetrics, match=r"opportunities\.stage"):
        load_mapping(tmp_path / "worse.yaml")
    with pytest.raises(InvalidArgument, match="neither a preset"):
        load_mapping("pipedrive")
    # values are matched ignoring case, spaces, '_' and '-': so are two groups' values
    (tmp_path / "twice.yaml").write_text("extends: hubspot\nopportunities:\n  lost: [closed_won]\n")
    with pytest.raises(InvalidMetrics, match="'closed_won' is under both won and lost"):
        load_mapping(tmp_path / "twice.yaml")


def test_generated_salesforce_export_end_to_end(tmp_path: Path) -> None:
    """A realistic Salesforce export: every owner gets sane metrics and diagnose_many runs."""
    pytest.importorskip("pandas")
    from gapdiag import diagnose_many

    opportunities = salesforce_opportunities(tmp_path / "opps.csv")
    activities = salesforce_activities(tmp_path / "acts.csv")
    reps = ingest(period="2017-Q2", opportunities=opportunities, activities=activities)
    assert len(reps) == 5
    for rep in reps:
        assert 0 <= rep["pipeline.win_rate"] <= 1
        assert rep["pipeline.open_pipeline"] > 0
        assert 0 < rep["activity.calls_per_day"] < 20
        assert 0.5 <= rep["activity.avg_call_minutes"] <= 15
    batch = diagnose_many(reps)
    assert batch.summary.diagnosed == 5


def test_generated_hubspot_export_matches_a_direct_count(tmp_path: Path) -> None:
    """On a HubSpot export, closed-won equals a plain recount of the file for the period."""
    path = hubspot_deals(tmp_path / "deals.csv")
    reps = {r["rep_id"]: r for r in ingest(period="2017-Q3", opportunities=path, mapping="hubspot")}
    with path.open() as handle:
        rows = list(csv.DictReader(handle))
    for owner, rep in reps.items():
        won = sum(
            float(r["Amount"])
            for r in rows
            if r["Deal owner"] == owner
            and r["Deal Stage"] == "Closed won"
            and "2017-07-01" <= r["Close Date"][:10] <= "2017-09-30"
        )
        assert rep["pipeline.closed_won"] == pytest.approx(won)


def test_every_row_names_the_exports_it_came_from(tmp_path: Path) -> None:
    """Rows carry the exports read, by kind and file name (no folders), and the mapping."""
    opportunities = salesforce_opportunities(tmp_path / "opps;2017.csv")
    activities = salesforce_activities(tmp_path / "acts.csv")
    reps = ingest(period="2017-Q2", opportunities=opportunities, activities=activities)
    named = [
        "opportunity export opps,2017.csv",
        "activity export acts.csv",
        "salesforce mapping",
    ]
    assert all(rep["sources"] == named for rep in reps)
    assert str(tmp_path) not in str(reps[0]["sources"])


def test_cli_ingest_writes_reps_csv(tmp_path: Path) -> None:
    """`gapdiag ingest deals.csv --map hubspot --period 2017-Q2 --out reps.csv`: a row per rep."""
    import io

    path = hubspot_deals(tmp_path / "deals.csv")
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "ingest",
            str(path),
            "--map",
            "hubspot",
            "--period",
            "2017-Q2",
            "--out",
            str(tmp_path / "reps.csv"),
        ],
        stdout=out,
        stderr=err,
    )
    assert code == ExitStatus.OK
    with (tmp_path / "reps.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert rows[0]["period_end"] == "2017-06-30"
    assert rows[0]["sources"] == "opportunity export deals.csv;hubspot mapping"
    assert "5 reps for 2017-Q2" in out.getvalue()
    code = main(
        ["ingest", str(path), "--period", "2017-Q5", "--out", "x.csv"], stdout=out, stderr=err
    )
    assert code == ExitStatus.BAD_INPUT


def test_sources_name_the_files_and_the_mapping_once(tmp_path: Path) -> None:
    """Files by kind and name; the mapping last: a preset, a mapping file, or none."""
    from gapdiag.sources.crm import PRESETS
    from gapdiag.sources.ingest import FileSummary, sources_named

    files = [
        FileSummary(file=str(tmp_path / "a;b.csv"), kind="opportunities", rows=1, skipped=0),
        FileSummary(file="q.csv", kind="quotas", rows=1, skipped=0),
    ]
    named = ["opportunity export a,b.csv", "quota sheet q.csv"]
    assert sources_named(files, "hubspot") == [*named, "hubspot mapping"]
    assert sources_named(files, tmp_path / "ours.yaml") == [*named, "mapping ours.yaml"]
    assert sources_named(files, PRESETS["salesforce"]) == named
    assert sources_named([], "hubspot") == []
