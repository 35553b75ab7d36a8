"""Ingest on generated exports with known answers: forgiving rows, one-time mapping errors,
activities, quotas, teams, weekly rows, and figures independent of row order and other reps."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import InvalidArgument, InvalidMetrics
from gapdiag.cli import ExitStatus, main
from gapdiag.coaching.history import read_history_csv
from gapdiag.model.wording import long_day
from gapdiag.sources.ingest import ingest, read_exports

from .crm_exports import hubspot_deals

OPP = ["Opportunity Owner", "Stage", "Amount", "Created Date", "Close Date", "Account Name"]
ACT = ["Assigned", "Task Subtype", "Date", "Call Duration", "Outcome", "Company / Account"]


def rows(header: list[str], *cells: tuple[str, ...]) -> list[dict[str, str]]:
    """Mappings of header -> cell, one per row."""
    return [dict(zip(header, row, strict=True)) for row in cells]


def write(path: Path, header: list[str], body: list[tuple[str, ...]]) -> Path:
    """A CSV file with a header and rows."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(body)
    return path


def test_a_deal_without_created_date_is_still_open_pipeline() -> None:
    """No created date: the deal is open pipeline and in play, only out of age and cycle."""
    (rep,) = ingest(
        period="2017-Q2",
        opportunities=rows(
            OPP,
            ("ana", "Prospecting", "1000", "", "", "A"),
            ("ana", "Prospecting", "500", "06/01/2017", "", "B"),
            ("ana", "Closed Won", "300", "", "05/01/2017", "C"),
        ),
    )
    assert rep["pipeline.open_pipeline"] == 1500
    # only the dated deal, aged to the day the export speaks for (its own created day, 1 Jun)
    assert rep["pipeline.avg_deal_age_days"] == 0
    assert rep["as_of"] == "2017-06-01"
    assert rep["pipeline.closed_won"] == 300
    assert "pipeline.sales_cycle_days" not in rep
    assert rep["pipeline.stage_conversion_rate"] == pytest.approx(1 / 3)


def test_a_deal_closed_on_the_first_day_was_in_play_at_the_start() -> None:
    """Stage conversion: a deal open at the start and closing on day one is in the denominator."""
    (rep,) = ingest(
        period="2017-Q2",
        opportunities=rows(
            OPP,
            ("ana", "Closed Won", "1", "03/01/2017", "04/01/2017", "A"),
            ("ana", "Closed Won", "1", "03/01/2017", "04/01/2017", "B"),
            ("ana", "Closed Lost", "1", "03/01/2017", "04/01/2017", "C"),
        ),
    )
    assert rep["pipeline.stage_conversion_rate"] == pytest.approx(2 / 3)  # was 2.0


def test_forgotten_map_names_the_columns_once_with_the_preset_that_fits(tmp_path: Path) -> None:
    """A HubSpot file read with the Salesforce preset: one error, the real columns, a hint."""
    path = hubspot_deals(tmp_path / "deals.csv")
    with pytest.raises(InvalidArgument) as caught:
        ingest(period="2017-Q2", opportunities=path)
    message = str(caught.value)
    assert message.count("\n") == 0
    assert "'Amount'" not in message  # present in both: not missing
    assert "its columns are: Record ID, Deal Name, Deal Stage" in message
    assert "'Stage' (did you mean 'Deal Stage'?)" in message
    assert "--map hubspot" in message
    acts = write(tmp_path / "acts.csv", ACT, [])
    with pytest.raises(InvalidArgument, match=r"looks like activities .*: give it as --activities"):
        ingest(period="2017-Q2", opportunities=acts)


def test_unknown_stages_are_one_error_with_counts(tmp_path: Path) -> None:
    """Thousands of rows with two unknown stage values: one problem naming both, with counts."""
    (tmp_path / "map.yaml").write_text(
        "extends: maven\nopportunities:\n  open: [Prospecting]\n", encoding="utf-8"
    )
    header = ["sales_agent", "deal_stage", "close_value", "engage_date", "close_date", "account"]
    body = [("ana", "Engaging", "", "2017-04-02", "", "A")] * 3000
    body += [("ben", "Pitching", "", "2017-04-02", "", "B")] * 2
    path = write(tmp_path / "pipe.csv", header, body)
    with pytest.raises(InvalidMetrics) as caught:
        ingest(period="2017-Q2", opportunities=path, mapping=tmp_path / "map.yaml")
    assert len(caught.value.problems) == 1
    assert "'Engaging' (3,000 rows, first row 2); 'Pitching' (2 rows, first row 3002)" in str(
        caught.value
    )


def test_many_bad_rows_are_counted_not_repeated(tmp_path: Path) -> None:
    """5,000 won deals without a close date: one summary line and 5,000 lines in the errors file."""
    body = [("ana", "Closed Won", "10", "03/01/2017", "")] * 5000
    body += [("ana", "Closed Won", "10", "03/01/2017", "05/01/2017")]
    path = write(tmp_path / "opps.csv", OPP[:5], body)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["ingest", str(path), "--period", "2017-Q2", "--out", str(tmp_path / "reps.csv")],
        stdout=out,
        stderr=err,
    )
    assert code == ExitStatus.FINDINGS
    assert "5,000 x Close Date: is empty; a won or lost deal needs its close date" in out.getvalue()
    assert out.getvalue().count("\n") < 8
    with (tmp_path / "reps.errors.csv").open() as handle:
        errors = list(csv.DictReader(handle))
    assert len(errors) == 5000
    assert errors[0] == {
        "file": str(path),
        "row": "2",
        "column": "Close Date",
        "value": "",
        "reason": "is empty; a won or lost deal needs its close date",
    }
    with (tmp_path / "reps.csv").open() as handle:
        (rep,) = csv.DictReader(handle)
    assert float(rep["pipeline.closed_won"]) == 10
    code = main(
        ["ingest", str(path), "--period", "2017-Q2", "--strict", "--out", str(tmp_path / "x.csv")],
        stdout=out,
        stderr=err,
    )
    assert code == ExitStatus.BAD_INPUT
    assert "(5,000 rows)" in err.getvalue()


def test_malformed_lines_and_formula_cells_in_the_errors_file(tmp_path: Path) -> None:
    """A row with too many cells is skipped and recorded; a formula-like cell is neutralized."""
    path = tmp_path / "opps.csv"
    path.write_text(
        ",".join(OPP[:5]) + "\n"
        "ana,Closed Won,=HYPERLINK(1),03/01/2017,05/01/2017\n"
        "ana,Closed Won,5,03/01/2017,05/01/2017,extra\n"
        "ana,Closed Won,7,03/01/2017,05/01/2017\n",
        encoding="utf-8",
    )
    result = read_exports(period="2017-Q2", opportunities=path)
    assert result.rows[0]["pipeline.closed_won"] == 7
    result.write_errors(tmp_path / "errors.csv")
    text = (tmp_path / "errors.csv").read_text()
    assert "'=HYPERLINK(1)" in text
    assert "has 6 cells, the header has 5" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"Owner\x81\x8d,Stage\n", "not UTF-8"),
    ],
)
def test_unreadable_files_are_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    """Empty or non-UTF-8 files and directories fail with the file named."""
    path = tmp_path / "opps.csv"
    path.write_bytes(content)
    with pytest.raises(InvalidArgument, match=message):
        ingest(period="2017-Q2", opportunities=path)
    with pytest.raises(InvalidArgument, match="is a folder"):
        ingest(period="2017-Q2", opportunities=tmp_path)


def test_a_bom_and_latin1_cells_after_the_header(tmp_path: Path) -> None:
    """A UTF-8 BOM is read; Windows-1252 bytes past the first megabyte are read as such."""
    path = tmp_path / "opps.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + ",".join(OPP[:5]).encode() + b"\nana,Closed Won,5,03/01/2017,05/01/2017\n"
    )
    assert ingest(period="2017-Q2", opportunities=path)[0]["pipeline.closed_won"] == 5
    ascii_rows = b"ana,Closed Won,5,03/01/2017,05/01/2017\n" * 30_000  # past the 1 MB sniffed
    latin = b"\nJos\xe9,Closed Won,5,03/01/2017,05/01/2017\n"
    path.write_bytes(",".join(OPP[:5]).encode() + b"\n" + ascii_rows + latin)
    result = read_exports(period="2017-Q2", opportunities=path)  # the whole file is scanned
    assert "José" in {row["rep_id"] for row in result.rows}
    assert any("Windows-1252" in note for note in result.files[0].notes)
    seen: list[tuple[str, int, int]] = []
    path.write_bytes(",".join(OPP[:5]).encode() + b"\nana,Closed Won,5,03/01/2017,05/01/2017\n")
    read_exports(period="2017-Q2", opportunities=path, progress=lambda *a: seen.append(a))
    assert seen == [(str(path), path.stat().st_size, path.stat().st_size)]


def test_activities_known_answers() -> None:
    """Calls and emails per working day, meetings per week, call minutes, no-shows left out."""
    acts = rows(
        ACT,
        ("ana", "Call", "04/03/2017", "120", "Connected", "A"),
        ("ana", "Call", "04/04/2017", "240", "No answer", "B"),
        ("ana", "Call", "04/05/2017", "", "", ""),
        ("ana", "Email", "04/05/2017", "", "", ""),
        ("ana", "Event", "04/06/2017", "", "Completed", "A"),
        ("ana", "Event", "04/07/2017", "", "No show", "B"),
        ("ana", "Task", "04/07/2017", "", "", ""),
        ("ana", "Call", "04/08/2017", "oops", "", ""),
        ("ben", "Call", "03/01/2017", "60", "", ""),  # outside the week: measured zero
    )
    result = read_exports(period="2017-W14", activities=acts)
    ana, ben = result.rows
    assert ana["activity.calls_per_day"] == 4 / 5
    assert ana["activity.emails_per_day"] == 1 / 5
    assert ana["activity.meetings_per_week"] == 1
    assert ana["activity.avg_call_minutes"] == 3  # 2 and 4 minutes; the bad duration is out
    assert ben["activity.calls_per_day"] == 0
    assert "activity.avg_call_minutes" not in ben
    (file,) = result.files
    assert file.problems == (("Call Duration", "is not a duration; the call counts without it", 1),)
    assert any("did not take place" in n for n in file.notes)
    assert any("other type" in n for n in file.notes)


def test_meeting_to_opportunity_joins_accounts() -> None:
    """Accounts met in the period that got a deal from the same rep on or after the meeting."""
    acts = rows(
        ACT,
        ("ana", "Event", "04/03/2017", "", "", "A"),  # deal opened after: converted
        ("ana", "Event", "04/04/2017", "", "", "A"),  # same account: counted once
        ("ana", "Event", "04/05/2017", "", "", "B"),  # deal opened before the meeting: no
        ("ana", "Event", "04/06/2017", "", "", "C"),  # no deal
        ("ana", "Event", "04/06/2017", "", "", "D"),  # deal by another rep: no
    )
    opps = rows(
        OPP,
        ("ana", "Prospecting", "1", "04/10/2017", "", "A"),
        ("ana", "Prospecting", "1", "03/10/2017", "", "B"),
        ("ben", "Prospecting", "1", "04/10/2017", "", "D"),
    )
    ana = ingest(period="2017-Q2", activities=acts, opportunities=opps)[0]
    assert ana["activity.meeting_to_opportunity_rate"] == 1 / 4


def test_quotas_commit_and_forecast_accuracy() -> None:
    """The sheet's row for the period gives quota and commit; the forecast is scored on won."""
    opps = rows(OPP, ("ana", "Closed Won", "80", "04/02/2017", "05/01/2017", "A"))
    sheet = rows(
        ["Rep", "Period", "Quota", "Commit", "Forecast"],
        ("ana", "2017-Q2", "$1,000", "200", "100"),
        ("ana", "2017-Q2", "5", "", ""),  # repeated: recorded, skipped
        ("ana", "2017-Q1", "900", "", ""),  # another period
        ("ben", "Q2", "100", "", ""),  # not a period
        ("cy", "2017-Q2", "lots", "", ""),  # not an amount
    )
    result = read_exports(period="2017-Q2", opportunities=opps, quotas=sheet)
    (ana,) = result.rows
    assert ana["pipeline.quota"] == 1000
    assert ana["pipeline.commit"] == 200
    assert ana["ownership.forecast_accuracy"] == pytest.approx(0.8)
    assert result.files[1].skipped == 3


def test_territory_relative_to_the_team_mean() -> None:
    """Leads opened and accounts held, each over the team's mean; other teams do not count."""
    opps = rows(
        OPP,
        ("ana", "Prospecting", "1", "04/02/2017", "", "A1"),
        ("ana", "Prospecting", "1", "04/03/2017", "", "A2"),
        ("ana", "Prospecting", "1", "04/04/2017", "", "A2"),
        ("ben", "Prospecting", "1", "04/05/2017", "", "B1"),
        ("cy", "Prospecting", "1", "04/05/2017", "", "C1"),
        ("cy", "Prospecting", "1", "01/05/2017", "", "C2"),
    )
    teams = rows(["Rep", "Team"], ("ana", "East"), ("ben", "East"), ("cy", "West"), ("dot", "West"))
    reps = {r["rep_id"]: r for r in ingest(period="2017-Q2", opportunities=opps, teams=teams)}
    assert reps["ana"]["team"] == "East"
    assert reps["ana"]["territory.lead_volume_vs_team"] == 3 / 2
    assert reps["ben"]["territory.lead_volume_vs_team"] == 1 / 2
    assert reps["ana"]["territory.territory_size_vs_team"] == 2 / 1.5
    assert reps["cy"]["territory.lead_volume_vs_team"] == 1  # dot has no deals: not counted


def test_every_week_writes_a_history_plan_reads(tmp_path: Path) -> None:
    """--every week: one row per rep per ISO week, the month to date as of the week's end
    (cut at the month's edges; an export whose last day is in the month's last week runs
    to its end); --history-dir files read as histories."""
    body = [
        ("ana", "Closed Won", "10", "03/01/2017", "04/04/2017"),
        ("ana", "Closed Won", "20", "03/01/2017", "04/12/2017"),
        ("ana", "Prospecting", "5", "04/05/2017", ""),
        ("ben", "Closed Lost", "1", "04/05/2017", "04/28/2017"),  # to Fri 28 Apr: the month
    ]
    path = write(tmp_path / "opps.csv", OPP[:5], body)
    out = io.StringIO()
    code = main(
        [
            "ingest",
            str(path),
            "--period",
            "2017-04",
            "--every",
            "week",
            "--out",
            str(tmp_path / "weeks.csv"),
            "--history-dir",
            str(tmp_path / "hist"),
        ],
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == ExitStatus.OK
    with (tmp_path / "weeks.csv").open() as handle:
        weeks = [w for w in csv.DictReader(handle) if w["rep_id"] == "ana"]
    assert {(w["period_start"], w["period_end"]) for w in weeks} == {("2017-04-01", "2017-04-30")}
    assert [w["as_of"] for w in weeks] == [
        "2017-04-02",
        "2017-04-09",
        "2017-04-16",
        "2017-04-23",
        "2017-04-30",
    ]
    assert [float(w["pipeline.closed_won"]) for w in weeks] == [0, 10, 30, 30, 30]
    assert [float(w["pipeline.open_pipeline"]) for w in weeks] == [30, 25, 5, 5, 5]
    history = read_history_csv(tmp_path / "hist" / "ana.csv")
    assert len(history.weeks) == 5


DEAL = st.tuples(
    st.sampled_from(["ana", "ben", "cy"]),
    st.sampled_from(["Closed Won", "Closed Lost", "Prospecting"]),
    st.integers(0, 10_000),
    st.integers(0, 200),
    st.integers(0, 150),
)


ANCHOR = "zz-anchor"
"""A rep whose one deal spans the quarter and its edge weeks, so the export covers them all."""


def _opp_rows(deals: list[tuple[str, str, int, int, int]]) -> list[dict[str, str]]:
    import datetime as dt

    first = dt.date(2017, 2, 1)
    out = [dict(zip(OPP[:5], (ANCHOR, "Closed Won", "1", "03/01/2017", "07/15/2017"), strict=True))]
    for owner, stage, amount, created, length in deals:
        start = first + dt.timedelta(created)
        close = start + dt.timedelta(length)
        out.append(
            dict(
                zip(
                    OPP[:5],
                    (owner, stage, str(amount), f"{start:%m/%d/%Y}", f"{close:%m/%d/%Y}"),
                    strict=True,
                )
            )
        )
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(DEAL, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_a_reps_figures_ignore_row_order_and_other_reps(deals: list, rnd: object) -> None:
    """Shuffling rows or dropping other reps' rows never changes a rep's figures."""
    data = _opp_rows(deals)
    whole = {r["rep_id"]: r for r in ingest(period="2017-Q2", opportunities=data)}
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again = {r["rep_id"]: r for r in ingest(period="2017-Q2", opportunities=shuffled)}
    assert again.keys() == whole.keys()
    for rep, figures in whole.items():
        assert again[rep].pop("proxies", None) == figures.pop("proxies", None)
        assert again[rep] == pytest.approx(figures)
        alone = [
            r
            for r in ingest(
                period="2017-Q2", opportunities=[d for d in data if d[OPP[0]] in (rep, ANCHOR)]
            )
            if r["rep_id"] == rep
        ]
        assert [{k: v for k, v in r.items() if k != "proxies"} for r in alone] == [
            pytest.approx(figures)
        ]


@settings(max_examples=40, deadline=None)
@given(st.lists(DEAL, min_size=1, max_size=30))
def test_totals_are_preserved_and_weeks_add_up(deals: list) -> None:
    """Won amounts over reps equal a recount; weekly rows count the quarter to date."""
    import datetime as dt

    data = _opp_rows(deals)
    reps = ingest(period="2017-Q2", opportunities=data)
    recount = sum(
        float(d["Amount"])
        for d in data
        if d["Stage"] == "Closed Won"
        and dt.date(2017, 4, 1)
        <= dt.datetime.strptime(d["Close Date"], "%m/%d/%Y").date()
        <= dt.date(2017, 6, 30)
    )
    assert sum(r["pipeline.closed_won"] for r in reps) == pytest.approx(recount)
    weeks = ingest(period="2017-Q2", opportunities=data, every="week")
    # weekly rows hold the quarter to date: closed-won never shrinks, and each rep's last
    # row is the quarter's own figure
    for r in reps:
        mine = [w["pipeline.closed_won"] for w in weeks if w["rep_id"] == r["rep_id"]]
        assert mine == sorted(mine)
        assert mine[-1] == pytest.approx(r["pipeline.closed_won"])
    for r in reps:
        if "pipeline.stage_conversion_rate" in r:
            assert 0 <= r["pipeline.stage_conversion_rate"] <= 1


def test_sample_exports_to_a_diagnosed_team(tmp_path: Path) -> None:
    """The shipped examples: one command to per-rep metrics and a diagnosis of every rep."""
    folder = Path(__file__).parent.parent / "examples" / "exports"
    out = io.StringIO()
    code = main(
        [
            "ingest",
            str(folder / "opportunities.csv"),
            "--activities",
            str(folder / "activities.csv"),
            "--quotas",
            str(folder / "quotas.csv"),
            "--teams",
            str(folder / "teams.csv"),
            "--period",
            "2017-Q2",
            "--out",
            str(tmp_path / "reps.csv"),
            "--diagnose",
            str(tmp_path / "results.csv"),
        ],
        stdout=out,
        stderr=io.StringIO(),
    )
    assert code == ExitStatus.FINDINGS  # the sample carries two bad rows on purpose
    assert re.search(r"^diagnosed +8  -> ", out.getvalue(), re.MULTILINE)
    with (tmp_path / "reps.csv").open() as handle:
        reps = list(csv.DictReader(handle))
    assert len(reps) == 8
    assert all(r["territory.lead_volume_vs_team"] for r in reps)


def test_bad_team_and_quota_rows_are_skipped_and_recorded() -> None:
    """A teams row without team, a rep listed twice, a bad commit: recorded, good rows kept."""
    opps = rows(OPP, ("ana", "Closed Won", "50", "04/02/2017", "05/01/2017", "A"))
    teams = rows(["Rep", "Team"], ("ana", "East"), ("ana", "West"), ("ben", ""))
    sheet = rows(
        ["Rep", "Period", "Quota", "Commit", "Forecast"],
        ("ana", "2017-Q2", "100", "x", "0"),
        ("", "2017-Q2", "100", "", ""),
        ("ben", "2017-Q2", "", "", ""),
    )
    result = read_exports(period="2017-Q2", opportunities=opps, teams=teams, quotas=sheet)
    (ana,) = [r for r in result.rows if r["rep_id"] == "ana"]
    assert ana["team"] == "East"
    assert ana["pipeline.quota"] == 100
    assert "pipeline.commit" not in ana
    assert "ownership.forecast_accuracy" not in ana  # a zero forecast scores nothing
    by_kind = {f.kind: f for f in result.files}
    assert by_kind["teams"].skipped == 2
    assert by_kind["quotas"].skipped == 2
    assert ("Commit", "is not an amount", 1) in by_kind["quotas"].problems


def test_mapping_without_a_group_and_a_bad_every() -> None:
    """A mapping lacking the activities group, or an unknown --every, is one clear error."""
    with pytest.raises(InvalidArgument, match="no 'activities' columns"):
        ingest(period="2017-Q2", activities=[{"a": "b"}], mapping="maven")
    with pytest.raises(InvalidArgument, match="'month' is not"):
        ingest(period="2017-Q2", opportunities=[], every="month")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="no export given"):
        ingest(period="2017-Q2")


def test_several_activity_files_and_a_tasks_and_events_report(tmp_path: Path) -> None:
    """Calls and meetings in separate files add up; events are typed by 'Event Subtype'."""
    calls = write(
        tmp_path / "calls.csv",
        ["Assigned", "Task Subtype", "Event Subtype", "Date", "Call Duration"],
        [("ana", "Call", "", "04/03/2017", "0:02:30"), ("ana", "Call", "", "04/04/2017", "3:30")],
    )
    events = write(
        tmp_path / "events.csv",
        ["Assigned", "Task Subtype", "Event Subtype", "Date"],
        [("ana", "", "Event", "04/05/2017"), ("ana", "Task", "", "04/05/2017")],
    )
    result = read_exports(period="2017-W14", activities=[calls, events])
    (ana,) = result.rows
    assert ana["activity.calls_per_day"] == 2 / 5
    assert ana["activity.meetings_per_week"] == 1
    assert ana["activity.avg_call_minutes"] == 3  # 2.5 and 3.5 minutes
    assert [f.file for f in result.files] == [str(calls), str(events)]
    assert any("'Call Duration'" in n for n in result.files[1].notes)


def test_the_maven_sample_layout_with_undated_prospects(tmp_path: Path) -> None:
    """sales_pipeline.csv shape: Prospecting deals without engage date are open pipeline."""
    header = ["opportunity_id", "sales_agent", "product", "account", "deal_stage"]
    header += ["engage_date", "close_date", "close_value"]
    body = [
        ("1", "Moses Frase", "GTX Plus", "Acme", "Won", "2017-03-01", "2017-04-10", "1000"),
        ("2", "Moses Frase", "GTX Plus", "Acme", "Lost", "2017-03-01", "2017-05-10", "0"),
        ("3", "Moses Frase", "MG Special", "Beta", "Prospecting", "", "", ""),
        ("4", "Moses Frase", "MG Special", "Gamma", "Engaging", "2017-06-01", "", ""),
        ("5", "Zane Levy", "GTX Plus", "Delta", "Engaging", "2017-05-01", "", ""),
    ]
    pipeline = write(tmp_path / "sales_pipeline.csv", header, body)
    teams = write(
        tmp_path / "sales_teams.csv",
        ["sales_agent", "manager", "regional_office"],
        [
            ("Moses Frase", "Dustin Brinkmann", "Central"),
            ("Zane Levy", "Dustin Brinkmann", "Central"),
        ],
    )
    reps = {
        r["rep_id"]: r
        for r in ingest(period="2017-Q2", opportunities=pipeline, teams=teams, mapping="maven")
    }
    moses = reps["Moses Frase"]
    assert moses["team"] == "Dustin Brinkmann"
    assert moses["pipeline.win_rate"] == 0.5
    assert moses["pipeline.avg_deal_age_days"] == 0  # the dated open deal only, as of 1 Jun
    assert moses["pipeline.stage_conversion_rate"] == pytest.approx(1 / 4)
    assert moses["territory.lead_volume_vs_team"] == 1  # one new deal each (dated ones)
    assert moses["territory.territory_size_vs_team"] == pytest.approx(3 / 2)


def test_without_pyarrow_ingest_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing pyarrow is one error that says which extra to install."""
    import importlib.util

    from gapdiag.model.errors import BackendUnavailable

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    with pytest.raises(BackendUnavailable, match=r"pip install 'gapdiag\[frames\]'"):
        ingest(period="2017-Q2", opportunities=[])


def test_progress_line_on_a_terminal() -> None:
    """The progress line rewrites itself with a percentage and ends with a newline."""
    from gapdiag.cli.ingest import _Progress

    stream = io.StringIO()
    progress = _Progress(stream)
    progress("deals.csv", 50, 100)
    progress("deals.csv", 60, 100)  # within 0.1 s: not redrawn
    progress("deals.csv", 100, 100)
    progress.finish()
    text = stream.getvalue()
    assert "\rreading deals.csv:  50%" in text
    assert "60%" not in text
    assert text.endswith("\n")


ACTIVITY = st.tuples(
    st.sampled_from(["ana", "ben", "cy"]),
    st.sampled_from(["Call", "Email", "Event", "Task"]),
    st.integers(0, 120),
    st.integers(0, 900),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(ACTIVITY, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_activity_figures_ignore_order_and_weeks_add_up(acts: list, rnd: object) -> None:
    """A rep's activity figures do not depend on row order; weekly calls add up to the quarter."""
    import datetime as dt

    data = [
        dict(
            zip(
                ACT[:4],
                (o, k, f"{dt.date(2017, 3, 20) + dt.timedelta(d):%m/%d/%Y}", str(s)),
                strict=True,
            )
        )
        for o, k, d, s in [*acts, (ANCHOR, "Call", 0, 60), (ANCHOR, "Call", 107, 60)]
    ]  # the anchor's calls (20 Mar, 5 Jul) make the export cover the quarter and edge weeks
    whole = ingest(period="2017-Q2", activities=data)
    shuffled = list(data)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert ingest(period="2017-Q2", activities=shuffled) == [pytest.approx(r) for r in whole]
    weeks = ingest(period="2017-Q2", activities=data, every="week")
    for rep in whole:
        inside = [
            w["activity.calls_per_day"] * w["activity.working_days"]
            for w in weeks
            if w["rep_id"] == rep["rep_id"] and "activity.calls_per_day" in w
        ]
        weekend = sum(  # Sat 1 and Sun 2 Apr: the quarter's first week has no working day
            1
            for d in data
            if d[ACT[0]] == rep["rep_id"]
            and d[ACT[1]] == "Call"
            and d[ACT[2]] in ("04/01/2017", "04/02/2017")
        )
        assert sum(inside) + weekend == pytest.approx(rep["activity.calls_per_day"] * 65)


def test_pipes_missing_files_and_odd_headers(tmp_path: Path) -> None:
    """A pipe or a missing file is refused by name; padded header names still match."""
    import os

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(InvalidArgument, match="not a regular file"):
        ingest(period="2017-Q2", opportunities=fifo)
    with pytest.raises(InvalidArgument, match="cannot read: No such file"):
        ingest(period="2017-Q2", opportunities=tmp_path / "absent.csv")
    padded = write(
        tmp_path / "padded.csv",
        [f" {c} " for c in OPP[:5]],
        [
            ("ana", "Closed Won", "5", "04/03/2017", "04/04/2017"),
            (" ana\t", "Closed Won ", " 7", "04/03/2017", " 04/04/2017"),
            ("ana", "Closed Lost", "1", "04/03/2017", "   "),  # blank: no close date
        ],
    )
    result = read_exports(period="2017-Q2", opportunities=padded)
    (rep,) = result.rows
    assert (rep["rep_id"], rep["pipeline.closed_won"]) == ("ana", 12)
    assert result.files[0].problems == (
        ("Close Date", "is empty; a won or lost deal needs its close date", 1),
    )


def test_an_amount_too_large_for_a_number_is_a_bad_cell(tmp_path: Path) -> None:
    """'1e999' is no amount of money: that cell is reported, the other deals still count."""
    export = tmp_path / "opps.csv"
    export.write_text(
        "Opportunity Name,Opportunity Owner,Account Name,Stage,Amount,Probability (%),"
        "Created Date,Close Date,Type,Lead Source\n"
        ',ann,,Closed Won,"$1,000.00",,1/2/2017,3/4/2017,,\n'
        ",ann,,Closed Won,1e999,,1/2/2017,3/4/2017,,\n",
        encoding="utf-8",
    )
    result = read_exports(period="2017", opportunities=export)
    assert result.bad_rows == 1
    (row,) = result.rows
    assert row["pipeline.closed_won"] == 1000.0


EXPORTS = Path(__file__).resolve().parent.parent / "examples" / "exports"


def test_the_reps_file_takes_the_form_its_name_says(tmp_path: Path) -> None:
    """--out reps.parquet writes Parquet (it was CSV text under a .parquet name, which
    `report` then could not read), .json writes JSON, and the diagnoses read from each are
    the same; a --format that contradicts the name is one line, before any reading."""
    opportunities = str(EXPORTS / "opportunities.csv")
    paths = {form: tmp_path / f"reps.{form}" for form in ("csv", "json", "parquet")}
    for path in paths.values():
        status = main(["ingest", opportunities, "--period", "2017-Q2", "--out", str(path)])
        assert status == ExitStatus.FINDINGS  # the export's two bad rows
    import pandas as pd

    from gapdiag import diagnose_many

    assert paths["parquet"].read_bytes().startswith(b"PAR1")
    assert pd.read_json(paths["json"]).shape[0] == 8
    frames = [diagnose_many(path).frame for path in paths.values()]
    for frame in frames[1:]:
        assert frame["outcome"].tolist() == frames[0]["outcome"].tolist()
        assert frame["standing"].tolist() == frames[0]["standing"].tolist()
    wrong = tmp_path / "other.csv"
    args = ["ingest", opportunities, "--period", "2017-Q2", "--out", str(wrong), "--format", "json"]
    assert main(args) == ExitStatus.BAD_INPUT
    assert not wrong.exists()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 89), st.booleans())  # (the other deal closes on 2 Jul)
def test_figures_run_to_the_quarters_end_when_the_exports_stop_in_its_last_week(
    back: int, pulled: bool
) -> None:
    """The last deal of 2024-Q3 closed `back` days before 30 Sep: the row's `as_of` is the
    quarter's end when that is less than a week before it (the quarter is over; activity
    rates count every working day then too), with a note, and commit is 0; else the last
    day. `--activities-until` (`pulled`) sets the day whatever the exports say."""
    end = dt.date(2024, 9, 30)
    last = end - dt.timedelta(back)
    deals = rows(
        OPP,
        ("ana", "Closed Won", "100", "06/03/2024", "07/02/2024", "Acme"),
        ("ana", "Closed Won", "50", "06/03/2024", last.strftime("%m/%d/%Y"), "Birch"),
    )
    quota = [{"Rep": "ana", "Period": "2024-Q3", "Quota": "400", "Commit": "120"}]
    until = last if pulled else None
    result = read_exports(
        period="2024-Q3", opportunities=deals, quotas=quota, activities_until=until
    )
    (row,) = result.rows
    extended = back < 7 and not pulled
    assert row["as_of"] == (end if extended or back == 0 else last).isoformat()
    assert row["pipeline.commit"] == (0.0 if row["as_of"] == end.isoformat() else 120.0)
    notes = [n for f in result.files for n in f.notes if "the exports stop" in n]
    assert len(notes) == (1 if extended and back else 0)
    if notes:
        assert notes[0].startswith(f"the exports stop on {long_day(last)}, {back} days before")


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["ana", "ben", "cy"]), st.booleans(), st.booleans()),
        min_size=1,
        max_size=12,
    )
)
def test_a_sum_missing_some_amounts_is_named_as_at_least(
    deals: list[tuple[str, bool, bool]],
) -> None:
    """Deals (rep, won or open, amount readable): the note names exactly the reps whose
    closed-won or open pipeline leaves out some deals but not all (a sum of none is left
    empty), with the counts, as at least the figure shown."""
    body = [
        (
            rep,
            "Closed Won" if won else "Prospecting",
            "100" if readable else "TBD",
            "06/03/2024",
            "08/01/2024" if won else "",
            "Acme",
        )
        for rep, won, readable in deals
    ]
    body.append(("dee", "Closed Won", "50", "07/01/2024", "09/30/2024", "Birch"))  # dates Q3
    result = read_exports(period="2024-Q3", opportunities=rows(OPP, *body))
    notes = [n for n in result.files[0].notes if n.startswith("sums that leave out")]
    expected = []
    for what, kind, won in (("closed-won", "won", True), ("open pipeline", "open", False)):
        named = []
        for rep in ("ana", "ben", "cy"):
            mine = [readable for r, w, readable in deals if r == rep and w == won]
            out = mine.count(False)
            if 0 < out < len(mine):
                named.append(f"{rep} ({out} of {len(mine)} {kind} deals left out)")
        if named:
            expected.append(f"{what} of {', '.join(named)}")
    if not expected:
        assert notes == []
    else:
        assert notes == [
            "sums that leave out deals without a readable amount (read each as at least the "
            f"figure shown): {'; '.join(expected)}"
        ]
