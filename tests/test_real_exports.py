"""Real and realistic exports (tests/data/real): footers, locales, pasted headers, names."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import InvalidArgument, InvalidMetrics
from gapdiag.cli import main
from gapdiag.model._text import csv_value
from gapdiag.sources._dialect import scan
from gapdiag.sources._money import amounts, other_currency
from gapdiag.sources._parse import date_reason, days, flags, member
from gapdiag.sources.crm import FLAG_FORMS, load_mapping
from gapdiag.sources.ingest import Ingested, parse_period, read_exports

REAL = Path(__file__).parent / "data" / "real"
FOOTER = (
    '\r\n\r\n"Grand Totals (3 records)"\r\n\r\n'
    '"Confidential Information - Do Not Distribute"\r\n'
    '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\r\n'
)


def _by_rep(result: Ingested) -> dict[str, dict[str, Any]]:
    return {row["rep_id"]: row for row in result.rows}


def _problems(result: Ingested) -> list[tuple[str, int, str, str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "errors.csv"
        result.write_errors(path)
        with path.open(encoding="utf-8") as handle:
            return [
                (r["file"], int(r["row"]), r["column"], csv_value(r["value"]), r["reason"])
                for r in csv.DictReader(handle)
            ]


def figures(rows: Any) -> list[dict[str, Any]]:
    """The rows without the export files they name (which differ from file to file)."""
    return [{k: v for k, v in row.items() if k != "sources"} for row in rows]


def _edited(folder: Path, mapping: str, old: str, new: str) -> Path:
    """A copy of a fixture mapping in `folder`, `old` (which it holds) replaced by `new`."""
    text = (REAL / mapping).read_text(encoding="utf-8")
    assert old in text
    path = folder / mapping
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_salesforce_report_footer_and_pasted_header_are_not_rows() -> None:
    """The Grand Totals/Copyright footer and a repeated header are noted, not bad rows."""
    result = read_exports(
        period="2024-Q1", opportunities=REAL / "salesforce_opportunities_report.csv"
    )
    reps = _by_rep(result)
    assert sorted(reps) == ["Ana Ruiz", "Ben Cole", "Chloé Martin", "José Núñez"]
    assert reps["Ana Ruiz"]["pipeline.closed_won"] == 12400.0  # 'USD 12,400.00'
    assert reps["Ana Ruiz"]["pipeline.open_pipeline"] == 5250.5
    rows = [(row, column) for _, row, column, _, _ in _problems(result)]
    assert rows == [(6, "Amount"), (12, "Close Date")]  # numbered as a spreadsheet shows
    (summary,) = result.files
    assert summary.rows == 10
    assert any("3 report footer lines" in note for note in summary.notes)
    assert any("1 row repeats the header" in note for note in summary.notes)


def test_maven_day_first_dates_are_not_read_as_year_20(tmp_path: Path) -> None:
    """'20-10-16' is no date under %Y-%m-%d (not the year 20) and the reason names %d-%m-%y."""
    result = read_exports(
        period="2017-Q1", opportunities=REAL / "maven_sales_pipeline_ddmmyy.csv", mapping="maven"
    )
    reasons = {reason for *_, reason in _problems(result)}
    assert all("they read as %d-%m-%y" in reason for reason in reasons)
    assert all(
        row.get("pipeline.avg_deal_age_days") is None for row in result.rows
    )  # no 730,000-day-old deals
    fixed = read_exports(
        period="2017-Q1",
        opportunities=REAL / "maven_sales_pipeline_ddmmyy.csv",
        teams=REAL / "maven_sales_teams.csv",
        mapping=REAL / "maven_ddmmyy.yaml",
    )
    assert fixed.bad_rows == 0
    assert _by_rep(fixed)["Moses Frase"]["pipeline.closed_won"] == 1054 + 588 + 50
    assert _by_rep(fixed)["Moses Frase"]["team"] == "Dustin Brinkmann"


def test_german_semicolon_export_reads_amounts_and_joins_names() -> None:
    """';' cells, '12.400,00 €', and 'Anna  Schmidt' joined with 'Anna Schmidt'."""
    result = read_exports(
        period="2024-Q1",
        opportunities=REAL / "pipedrive_deals_de.csv",
        mapping=REAL / "pipedrive_de.yaml",
    )
    reps = _by_rep(result)
    assert sorted(reps) == ["Anna Schmidt", "Jürgen Müller"]
    assert reps["Jürgen Müller"]["pipeline.closed_won"] == 12400.0
    assert reps["Jürgen Müller"]["pipeline.open_pipeline"] == 5250.5
    assert reps["Anna Schmidt"]["pipeline.closed_won"] == 3100.0 + 950.5
    assert [(row, value) for _, row, _, value, _ in _problems(result)] == [(6, "-1.200,00 €")]


def test_cli_on_the_salesforce_report_lists_only_real_problems(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The command prints footer notes and writes two problem rows, no (row) lines."""
    out = tmp_path / "reps.csv"
    src = str(REAL / "salesforce_opportunities_report.csv")
    status = main(["ingest", src, "--period", "2024-Q1", "--out", str(out)])
    assert status == 1
    text = capsys.readouterr()
    assert "Traceback" not in text.err + text.out
    with (tmp_path / "reps.errors.csv").open(encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [e["column"] for e in errors] == ["Amount", "Close Date"]


def test_without_quotas_the_summary_says_to_collect_them(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The Maven export has no quotas: no rep's standing can be told, and the summary says
    which figure would tell it instead of leaving 'standing unknown 100%' unexplained."""
    status = main(
        [
            "ingest",
            str(REAL / "maven_sales_pipeline_ddmmyy.csv"),
            "--map",
            str(REAL / "maven_ddmmyy.yaml"),
            "--teams",
            str(REAL / "maven_sales_teams.csv"),
            "--period",
            "2017-Q1",
            "--out",
            str(tmp_path / "reps.csv"),
            "--diagnose",
            str(tmp_path / "results.csv"),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert "standing unknown 23  100.0%" in out
    assert "to tell where the 23 reps of unknown standing stand, collect: quota (23 of them)" in out


def test_amount_shapes() -> None:
    """Currency codes, signs, parentheses and both separator conventions read by shape."""
    cells = ["USD 1,234.00", "$1,234.00", "(1,200.00)", "1,234", "12%", "EUR", "-$5"]
    values, bad = amounts(pa.array(cells, pa.string()))
    assert values[:4].tolist() == [1234.0, 1234.0, -1200.0, 1234.0]
    assert bad.tolist() == [False, False, False, False, True, True, False]
    assert values[6] == -5.0
    european, bad = amounts(pa.array(["1.234", "1.234,56", "12,5", "1 234,5 €"], pa.string()))
    assert european.tolist() == [1234.0, 1234.56, 12.5, 1234.5]
    assert not bad.any()
    _mixed, bad = amounts(pa.array(["1,234", "1.234,56", "1,234.56"], pa.string()))
    assert bad.tolist() == [True, False, False]  # '1,234' is ambiguous among both kinds


def test_short_years_are_not_dates() -> None:
    """%Y reads '20-10-16' as the year 20; such a date is unreadable, not year 20."""
    _numbers, bad = days(pa.array(["20-10-16", "2016-10-20"], pa.string()), ("%Y-%m-%d",))
    assert bad.tolist() == [True, False]


@settings(max_examples=40, deadline=None)
@given(
    amounts_=st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
    blanks=st.integers(0, 3),
    footer=st.sampled_from(
        ["", FOOTER, '\n"Grand Totals (9 records)"\n', "\n\n", ",,,,\r\n,,,,\r\n" + FOOTER]
    ),
)
def test_a_footer_block_never_changes_the_rows_read(
    tmp_path_factory: object, amounts_: list[int], blanks: int, footer: str
) -> None:
    """Any trailing blank lines and report footer leave the rows and metrics as without them."""
    folder = tmp_path_factory.mktemp("footer")  # type: ignore[attr-defined]
    body = '"Opportunity Owner","Stage","Amount","Created Date","Close Date"\r\n' + "".join(
        f'"Rep {i % 2}","Closed Won","${a:,}.00","1/2/2024","2/{i + 1}/2024"\r\n'
        for i, a in enumerate(amounts_)
    )
    plain, footed = folder / "plain.csv", folder / "footed.csv"
    plain.write_text(body, encoding="utf-8")
    footed.write_text(body + "\r\n" * blanks + footer, encoding="utf-8")
    one = read_exports(period="2024-Q1", opportunities=plain)
    two = read_exports(period="2024-Q1", opportunities=footed)
    assert figures(one.rows) == figures(two.rows)
    assert two.bad_rows == 0
    assert two.files[0].rows == len(amounts_)


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_us_and_european_renderings_read_the_same(value: object) -> None:
    """An amount written with US or European separators reads as the same number."""
    us = f"{value:,.2f}"
    eu = us.replace(",", "_").replace(".", ",").replace("_", ".")
    read_us, bad_us = amounts(pa.array([f"${us}", "1,234.50"], pa.string()))
    read_eu, bad_eu = amounts(pa.array([f"{eu} €", "1.234,50"], pa.string()))
    assert not bad_us.any()
    assert not bad_eu.any()
    assert read_us[0] == read_eu[0] == float(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Q2 2017", "2017-Q2"),
        ("2017 Q2", "2017-Q2"),
        ("q2-2017", "2017-Q2"),
        ("2017Q2", "2017-Q2"),
        ("May 2017", "2017-05"),
        ("May-17", "2017-05"),
        ("september 2017", "2017-09"),
        ("2017/5", "2017-05"),
        ("05/2017", "2017-05"),
    ],
)
def test_quota_sheet_period_spellings(text: str, label: str) -> None:
    """Quota sheets' spellings of a quarter or month read as the canonical period."""
    period = parse_period(text)
    assert period.label == label
    assert (period.start, period.end) == (parse_period(label).start, parse_period(label).end)


def test_quota_sheet_with_spelled_periods_and_dollar_amounts() -> None:
    """'Q1 2024' rows with '$60,000.00' quotas join the deals; 'FY24 Q1' is one bad row."""
    result = read_exports(
        period="Q1 2024",
        opportunities=REAL / "salesforce_opportunities_report.csv",
        quotas=REAL / "quota_sheet_fy.csv",
        mapping=REAL / "quota_sheet.yaml",
    )
    reps = _by_rep(result)
    assert reps["Ana Ruiz"]["pipeline.quota"] == 60000.0
    # the report's last deal closed on Friday 29 March, the quarter's last working day:
    # the quarter is read as over, so nothing committed is left to close in it
    assert reps["Ana Ruiz"]["as_of"] == "2024-03-31"
    assert reps["Ana Ruiz"]["pipeline.commit"] == 0.0
    assert reps["José Núñez"]["pipeline.quota"] == 80000.0  # 'José  Núñez', 'USD 80,000'
    assert reps["Chloé Martin"]["pipeline.quota"] == 50000.0
    quota_problems = [p for p in _problems(result) if p[0].endswith("quota_sheet_fy.csv")]
    assert [(row, value) for _, row, _, value, _ in quota_problems] == [(7, "FY24 Q1")]


def test_european_quota_is_not_read_as_150() -> None:
    """A quota sheet's '150.000' next to '1.234,50' is 150000, not 150."""
    rows = [
        {"Rep": "A", "Period": "2024-Q1", "Quota": "150.000"},
        {"Rep": "B", "Period": "2024-Q1", "Quota": "1.234,50"},
    ]
    deals_ = [
        {
            "Opportunity Owner": n,
            "Stage": "Closed Won",
            "Amount": "1",
            "Created Date": "1/2/2024",
            "Close Date": "2/2/2024",
        }
        for n in ("A", "B")
    ]
    result = read_exports(period="2024-Q1", opportunities=deals_, quotas=rows)
    assert [r["pipeline.quota"] for r in result.rows] == [150000.0, 1234.5]


def test_uk_task_export_is_not_read_month_first() -> None:
    """DD/MM/YYYY tasks under the US preset: every date flagged with the hint, none misread."""
    tasks = REAL / "salesforce_tasks_uk.csv"
    us = read_exports(period="2024-Q1", activities=tasks)
    reasons = {(column, reason) for _, _, column, _, reason in _problems(us)}
    assert ("Date", "is empty; an activity needs its date") in reasons
    assert any("they read as %d/%m/%Y" in reason for _, reason in reasons)
    assert us.rows == ()  # '05/01/2024' is not read as the 1st of May
    uk = read_exports(period="2024-Q1", activities=tasks, mapping=REAL / "salesforce_uk.yaml")
    reps = _by_rep(uk)
    assert sorted(reps) == ["Ana Ruiz", "Ben Cole", "José Núñez"]  # 'josé núñez' joined
    assert reps["Ana Ruiz"]["activity.avg_call_minutes"] == pytest.approx(
        (312 / 60 + 250 / 60 + 17) / 3
    )
    assert reps["José Núñez"]["activity.emails_per_day"] > 0


def test_day_first_cells_cast_doubt_on_the_rest() -> None:
    """'05/01/2021' is read month-first only when no cell says the column is day-first."""
    formats = ("%m/%d/%Y",)
    _, bad = days(pa.array(["20/01/2021", "05/01/2021"], pa.string()), formats)
    assert bad.tolist() == [True, True]
    _, bad = days(pa.array(["12/25/2024", "05/01/2021"], pa.string()), formats)
    assert not bad.any()


def test_hubspot_export_with_other_capitals() -> None:
    """'Deal Owner' finds the preset's 'Deal owner'; 'Closed Won' is won, not open pipeline."""
    result = read_exports(
        period="2024-Q1", opportunities=REAL / "hubspot_deals_export.csv", mapping="hubspot"
    )
    reps = _by_rep(result)
    assert sorted(reps) == ["Ana Ruiz", "Ben Cole"]  # 'ben cole' joined
    assert reps["Ana Ruiz"]["pipeline.closed_won"] == 12000.0
    assert reps["Ana Ruiz"]["pipeline.open_pipeline"] == 5250.5
    assert reps["Ben Cole"]["pipeline.closed_won"] == 3100.0 + 4400.0
    assert result.bad_rows == 0


def test_windows_and_unicode_text_encodings_read_like_utf8(tmp_path: Path) -> None:
    """Excel's Windows-1252 CSV and UTF-16 'Unicode Text' (tabs) read the same rows."""
    text = (REAL / "salesforce_opportunities_report.csv").read_text(encoding="utf-8-sig")
    utf8 = read_exports(
        period="2024-Q1", opportunities=REAL / "salesforce_opportunities_report.csv"
    )
    windows, unicode_text = tmp_path / "windows.csv", tmp_path / "unicode.txt"
    windows.write_bytes(text.encode("cp1252"))
    unicode_text.write_bytes(text.replace('","', '"\t"').encode("utf-16"))
    for path in (windows, unicode_text):
        result = read_exports(period="2024-Q1", opportunities=path)
        assert figures(result.rows) == figures(utf8.rows)
        assert result.bad_rows == utf8.bad_rows
        assert any("report footer" in note for note in result.files[0].notes)
    assert any(
        "Windows-1252" in note
        for note in read_exports(period="2024-Q1", opportunities=windows).files[0].notes
    )


def test_undecodable_file_is_one_error(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 stop with one line naming the file."""
    path = tmp_path / "odd.csv"
    path.write_bytes(b"Opportunity Owner,Stage\x81\x8d,Amount\n")
    with pytest.raises(InvalidArgument, match=r"odd\.csv: the header is not UTF-8 text"):
        read_exports(period="2024-Q1", opportunities=path)


def test_spreadsheet_empty_rows_are_not_deals_without_a_rep(tmp_path: Path) -> None:
    """',,,,' lines (Excel saves them) are noted, not 'owner is empty'; numbering holds."""
    path = tmp_path / "opps.csv"
    path.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date,Notes\r\n"
        "Ana,Closed Won,5,1/2/2024,2/2/2024,\r\n"
        ",,,,,\r\n"
        "Ben,Closed Won,oops,1/2/2024,2/2/2024,\r\n"
        ",,,,,\r\n,,,,,\r\n",
        encoding="utf-8",
    )
    result = read_exports(period="2024-Q1", opportunities=path)
    assert [r["rep_id"] for r in result.rows] == ["Ana", "Ben"]
    assert [(row, column) for _, row, column, _, _ in _problems(result)] == [(4, "Amount")]
    assert result.files[0].rows == 2
    assert any("3 rows have every read column empty" in n for n in result.files[0].notes)


def test_a_row_of_the_wrong_width_counts_as_a_row(tmp_path: Path) -> None:
    """'4 rows, 3 used, 1 skipped', not '3 rows, 2 used': the skipped row was a row."""
    path = tmp_path / "opps.csv"
    good = "Closed Won,5,1/2/2024,2/2/2024\n"
    path.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
        f"Ana,{good}Ana,Closed Won,5,1/2/2024,2/2/2024,extra\nBen,{good}Cy,{good}",
        encoding="utf-8",
    )
    (summary,) = read_exports(period="2024-Q1", opportunities=path).files
    assert (summary.rows, summary.skipped) == (4, 1)


def test_iso_timestamps_read_under_any_mapping() -> None:
    """'2024-03-07T14:05:00Z' is the 7th of March under the US preset; '2024-13-01' is bad."""
    cells = pa.array(["2024-03-07T14:05:00Z", "2024-03-07 14:05:00.000+01:00", "2024-13-01"])
    numbers, bad = days(cells, ("%m/%d/%Y",))
    march_7 = days(pa.array(["3/7/2024"]), ("%m/%d/%Y",))[0][0]
    assert numbers[:2].tolist() == [march_7, march_7]
    assert bad.tolist() == [False, False, True]


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_a_date_reads_the_same_in_every_preset_form(day: dt.date) -> None:
    """US, ISO and ISO-timestamp renderings of one date read as the same day number."""
    forms = [f"{day.month}/{day.day}/{day.year}", day.isoformat(), f"{day.isoformat()}T09:30:00Z"]
    numbers, bad = days(pa.array(forms), ("%m/%d/%Y", "%Y-%m-%d"))
    assert not bad.any()
    assert set(numbers.tolist()) == {(day - dt.date(1970, 1, 1)).days}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), min_size=9, max_size=40))
def test_one_day_first_typo_never_doubts_a_month_first_column(dates: list[dt.date]) -> None:
    """A single '13/05/2024' among month-first dates is the only bad cell."""
    cells = [f"{d.month}/{d.day}/{d.year}" for d in dates] + ["13/05/2024"]
    _, bad = days(pa.array(cells), ("%m/%d/%Y",))
    assert bad.tolist() == [False] * len(dates) + [True]


def test_a_mapped_column_named_twice_is_noted(tmp_path: Path) -> None:
    """Two 'Amount' columns: the first is read, and the summary says so."""
    path = tmp_path / "opps.csv"
    path.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date,Amount\n"
        "Ana,Closed Won,5,1/2/2024,2/2/2024,9\n",
        encoding="utf-8",
    )
    result = read_exports(period="2024-Q1", opportunities=path)
    assert result.rows[0]["pipeline.closed_won"] == 5.0
    assert "column 'Amount' appears more than once: the first one is read" in result.files[0].notes


def test_plain_numbers_that_are_no_money() -> None:
    """'inf' and 'NaN' cast as floats but are no amount: bad, not summed."""
    values, bad = amounts(pa.array(["inf", "NaN", "5"]))
    assert bad.tolist() == [True, True, False]
    assert values[2] == 5.0


def test_the_scan_reads_whole_lines_so_no_character_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A piece ending inside a multi-byte character is still UTF-8; cp1252 lines are not."""
    monkeypatch.setattr("gapdiag.sources._dialect.SCAN_BYTES", 3)
    path = tmp_path / "a.csv"
    path.write_bytes("Rep\nJosé\n".encode())
    found = scan(path)
    assert (found.odd_lines, found.utf8_text) == ([], True)
    path.write_bytes("Rep\nJosé\n".encode() + "Müller\n".encode("cp1252"))
    found = scan(path)
    assert [line for line, _, _ in found.odd_lines] == [3]
    assert found.mixed


def test_a_format_without_day_and_month_has_no_swap() -> None:
    """Unread cells under a year-only format do not doubt anything."""
    _, bad = days(pa.array(["13/01/2024", "2024"]), ("%Y",))
    assert bad.tolist() == [True, False]


def test_salesforce_data_export_custom_stages_by_iswon_isclosed(tmp_path: Path) -> None:
    """Opportunity.csv from Data Export: custom stage names, won/lost/open by IsWon/IsClosed."""
    path = REAL / "sf_data_export_Opportunity.csv"
    with pytest.raises(InvalidArgument, match="--map salesforce_export"):
        read_exports(period="2024-Q1", opportunities=path)
    result = read_exports(period="2024-Q1", opportunities=path, mapping="salesforce_export")
    reps = _by_rep(result)
    ana, ben = reps["0055g00000Rep01AAA"], reps["0055g00000Rep02AAA"]
    assert (ana["pipeline.closed_won"], ana["pipeline.win_rate"]) == (12400.0, 0.5)
    assert ana["pipeline.open_pipeline"] == 5250.5  # 'Legal Review', IsClosed false
    assert ben["pipeline.closed_won"] == 3100.0 + 4400.0  # IsWon true, IsClosed empty
    assert result.bad_rows == 0
    broken = tmp_path / "Opportunity.csv"
    text = path.read_text(encoding="utf-8")
    first_won = '"true","true","Closed","0055g00000Rep01AAA"'
    broken.write_text(text.replace(first_won, first_won.replace("true", "maybe")), encoding="utf-8")
    problems = _problems(
        read_exports(period="2024-Q1", opportunities=broken, mapping="salesforce_export")
    )
    assert [(row, column, value) for _, row, column, value, _ in problems] == [
        (2, "IsWon", "maybe")
    ]


@pytest.mark.parametrize(
    ("forms", "cells", "expected", "bad"),
    [
        (
            ("true/false", "1/0", "yes/no"),
            ["TRUE", "false", "Yes", "no", "1", "0"],
            [True, False, True, False, True, False],
            [False] * 6,
        ),
        (("true/false", "1/0"), ["maybe", None, "x"], [False] * 3, [True] * 3),
        (("1/empty",), ["1", None, "0"], [True, False, False], [False, False, True]),
        (("X/empty",), ["X", None, "x", "1"], [True, False, True, False], [False] * 3 + [True]),
    ],
)
def test_flags(
    forms: tuple[str, ...], cells: list[str | None], expected: list[bool], bad: list[bool]
) -> None:
    """Each form in any case; an empty cell is no only under 1/empty or X/empty."""
    values, unread, _ = flags(pa.array(cells, pa.string()), [FLAG_FORMS[f] for f in forms])
    assert values.tolist() == expected
    assert unread.tolist() == bad


def test_won_flag_needs_closed_flag(tmp_path: Path) -> None:
    """A mapping with only one of the two flags is refused, naming the rule."""
    path = tmp_path / "map.yaml"
    path.write_text("extends: salesforce\nopportunities:\n  won_flag: IsWon\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match="won_flag and closed_flag go together"):
        load_mapping(path)


def test_multi_currency_amounts_are_not_summed_together() -> None:
    """'EUR 12,400.00' among USD amounts is left out and named; the converted column sums."""
    path = REAL / "salesforce_multicurrency.csv"
    mixed = read_exports(period="2024-Q1", opportunities=path)
    assert _by_rep(mixed)["Ana"]["pipeline.closed_won"] == 4100.0
    assert [(row, value) for _, row, _, value, _ in _problems(mixed)] == [
        (2, "EUR 12,400.00"),
        (5, "GBP 500.00"),
    ]
    assert all("is not in USD" in reason for *_, reason in _problems(mixed))
    converted = read_exports(
        period="2024-Q1", opportunities=path, mapping=REAL / "salesforce_converted.yaml"
    )
    assert _by_rep(converted)["Ana"]["pipeline.closed_won"] == 13392.0 + 3100.0 + 1000.0
    assert converted.bad_rows == 0


def test_currency_marks() -> None:
    """Symbols count as their currency; cells without a mark agree with any."""
    mask, main, others = other_currency(pa.array(["$5", "USD 7", "€3", "9", None]))
    assert (mask.tolist(), main, others) == ([False, False, True, False, False], "USD", {"EUR": 1})
    mask, main, others = other_currency(pa.array(["5", "7"]))
    assert (mask.tolist(), main, others) == ([False, False], "", {})


def test_the_preset_hint_ignores_capitals() -> None:
    """A HubSpot export with 'Deal Owner' under the default preset is told '--map hubspot'."""
    with pytest.raises(InvalidArgument, match="--map hubspot"):
        read_exports(period="2024-Q1", opportunities=REAL / "hubspot_deals_export.csv")


def test_close_export_won_and_lost_dates_in_two_columns_and_cents() -> None:
    """Close keeps the won date and the lost date apart: a lost deal is not dropped."""
    path = REAL / "close_opportunities.csv"
    result = read_exports(period="2024-Q1", opportunities=path, mapping=REAL / "close.yaml")
    reps = _by_rep(result)
    assert result.bad_rows == 0
    assert reps["Sam Okafor"]["pipeline.win_rate"] == pytest.approx(2 / 3)  # 2 won, 1 lost
    assert reps["Lena Park"]["pipeline.closed_deals"] == 2.0
    # annualized_value in cents: $12,000 once and $5,000 a month (60,000 a year)
    assert reps["Sam Okafor"]["pipeline.closed_won"] == 72000.0
    assert reps["Lena Park"]["pipeline.open_pipeline"] == 24000.0


def test_a_deal_without_any_of_its_close_dates_names_every_column(tmp_path: Path) -> None:
    """With closed: [won date, lost date], a lost deal with neither is one problem naming both."""
    path = tmp_path / "close.csv"
    path.write_text(
        "user_name,status_type,annualized_value,date_created,date_won,date_lost\n"
        "Ann,won,100000,2024-01-02,2024-02-01,\n"
        "Ann,lost,50000,2024-01-03,,\n",
        encoding="utf-8",
    )
    result = read_exports(period="2024-Q1", opportunities=path, mapping=REAL / "close.yaml")
    assert [(row, column, reason) for _, row, column, _, reason in _problems(result)] == [
        (3, "date_won or date_lost", "is empty; a won or lost deal needs its close date")
    ]
    assert _by_rep(result)["Ann"]["pipeline.closed_won"] == 1000.0


def test_dynamics_export_saved_by_excel() -> None:
    """Dynamics 365 via Excel: Status Open/Won/Lost, '$24,000.00', '1/8/2024 9:14'."""
    path = REAL / "dynamics_opportunities_excel.csv"
    result = read_exports(period="2024-Q1", opportunities=path, mapping=REAL / "dynamics.yaml")
    reps = _by_rep(result)
    assert result.bad_rows == 0
    # amount: [Actual Revenue, Est. Revenue]: a won deal's actual, an open deal's estimate
    assert reps["Maria Lopez"]["pipeline.closed_won"] == 22500.0  # estimated at 24,000
    assert reps["Priya Nair"]["pipeline.open_pipeline"] == 11200.0
    assert reps["Maria Lopez"]["pipeline.win_rate"] == pytest.approx(1 / 3)
    assert reps["James Carter"]["pipeline.avg_deal_age_days"] == 20.0  # 11 to 31 March


@pytest.mark.parametrize(
    ("cells", "fmt"),
    [
        (["1/8/2024 9:14", "12/18/2023 16:44"], "%m/%d/%Y %H:%M"),  # Excel en-US date-time
        (["Mar 7, 2024", "Dec 18, 2023"], "%b %d, %Y"),
        (["7-Mar-24", "18-Dec-23"], "%d-%b-%y"),
        (["07 Mar 2024", "18 Dec 2023"], "%d %b %Y"),
    ],
)
def test_spreadsheet_date_shapes_are_named_to_add(cells: list[str], fmt: str) -> None:
    """A date column a spreadsheet re-wrote fails with the format that reads it named."""
    text = pa.array(cells)
    _, bad = days(text, ("%m/%d/%Y",))
    assert bad.all()
    assert f"they read as {fmt}:" in date_reason(text, bad, ("%m/%d/%Y",))


def test_a_sum_over_deals_without_a_readable_amount_is_unknown_not_zero(tmp_path: Path) -> None:
    """Close's 'value_formatted' ('$3,000 monthly') mapped as the amount: a rep whose only
    open deal has no amount read has no open pipeline, not $0 (which reads as none at all);
    a sum with some amounts read keeps them."""
    mapping = _edited(
        tmp_path, "close.yaml", "annualized_value\n  amount_unit: cents", "value_formatted"
    )
    path = REAL / "close_opportunities.csv"
    reps = _by_rep(read_exports(period="2024-Q1", opportunities=path, mapping=mapping))
    assert "pipeline.open_pipeline" not in reps["Lena Park"]  # '$24,000 annual' only
    assert "pipeline.open_pipeline" not in reps["Sam Okafor"]  # '$3,000 monthly' only
    assert reps["Sam Okafor"]["pipeline.closed_won"] == 12000.0  # '$5,000 monthly' left out
    assert reps["Sam Okafor"]["pipeline.open_deals"] == 1.0
    lone = tmp_path / "lone.csv"
    lone.write_text(
        "user_name,status_type,value_formatted,date_created,date_won,date_lost\n"
        "Ann,won,$1 monthly,2024-01-02,2024-02-01,\n"
        "Ann,lost,$700,2024-01-03,,2024-02-03\n",
        encoding="utf-8",
    )
    ann = _by_rep(read_exports(period="2024-Q1", opportunities=lone, mapping=mapping))["Ann"]
    assert "pipeline.closed_won" not in ann
    assert ann["pipeline.win_rate"] == 0.5


def test_zoho_lost_to_competition_is_lost_and_a_forgotten_one_is_pointed_out(
    tmp_path: Path,
) -> None:
    """Zoho's 'Closed-Lost to Competition': lost when mapped; when forgotten (no open list,
    so it reads as open), a note names it rather than the deal silently counting as open."""
    path = REAL / "zoho_deals_export.csv"
    result = read_exports(period="2024-Q1", opportunities=path, mapping=REAL / "zoho.yaml")
    aisha = _by_rep(result)["Aisha Khan"]
    assert aisha["pipeline.win_rate"] == pytest.approx(1 / 3)
    assert aisha["pipeline.open_pipeline"] == 9200.0
    assert not any("is read as open" in note for note in result.files[0].notes)
    forgot = _edited(
        tmp_path, "zoho.yaml", "[Closed Lost, Closed-Lost to Competition]", "[Closed Lost]"
    )
    naive = read_exports(period="2024-Q1", opportunities=path, mapping=forgot)
    assert [n for n in naive.files[0].notes if "is read as open" in n] == [
        "stage 'Closed-Lost to Competition' (2 rows) is read as open, yet it says the deal "
        "is over: list it under won or lost in a mapping"
    ]


def test_a_calls_only_export_has_no_type_column_and_averages_connected_calls(
    tmp_path: Path,
) -> None:
    """HubSpot's Calls export: every row is a call (every_row: calls); a 0:00 call never
    connected, and with connected: [Connected] a voicemail's 31 s is no call length."""
    path = REAL / "hubspot_calls_export.csv"
    result = read_exports(period="2024-03", activities=path, mapping=REAL / "hubspot_calls.yaml")
    reps = _by_rep(result)
    assert result.bad_rows == 0
    assert reps["Aisha Khan"]["activity.calls_per_day"] == 5 / 6  # every dial is a call
    assert reps["Aisha Khan"]["activity.timed_calls"] == 2.0
    assert reps["Aisha Khan"]["activity.avg_call_minutes"] == pytest.approx((412 + 1260) / 120)
    anyone = _edited(tmp_path, "hubspot_calls.yaml", "  connected: [Connected]\n", "")
    loose = _by_rep(read_exports(period="2024-03", activities=path, mapping=anyone))
    # without the outcome list: every call over 0:00 (the voicemail too), never a 0:00 one
    assert loose["Aisha Khan"]["activity.timed_calls"] == 3.0
    assert loose["Diego Alvarez"]["activity.avg_call_minutes"] == pytest.approx(7.0)


def test_an_activity_mapping_needs_a_type_column_or_every_row(tmp_path: Path) -> None:
    """Neither type nor every_row: one error saying to give one."""
    mapping = tmp_path / "m.yaml"
    mapping.write_text("activities:\n  owner: Owner\n  timestamp: When\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match=r"give type .* or every_row"):
        load_mapping(mapping)


@pytest.mark.parametrize(
    ("cell", "value", "currency"),
    [
        ("R$ 1.234,56", 1234.56, "BRL"),  # Excel, Portuguese (Brazil)
        ("₹1,25,000.00", 125000.0, "INR"),  # Excel, English (India): lakh grouping
        ("Rs. 1,25,000", 125000.0, "INR"),
        ("1 234,50 kr", 1234.5, "kr"),  # Excel, Swedish
        ("12 400,00 zł", 12400.0, "PLN"),  # Excel, Polish
        ("Kč 5 000", 5000.0, "CZK"),
        ("Fr. 1'234.50", 1234.5, "CHF"),
        ("A$1,234.00", 1234.0, "AUD"),
        ("US$1,234.00", 1234.0, "USD"),
        ("₩1,200,000", 1200000.0, "KRW"),
    ],
)
def test_amounts_in_other_locales_and_currencies(cell: str, value: float, currency: str) -> None:
    """Signs and letters other locales write around amounts are read, and name the currency."""
    values, bad = amounts(pa.array([cell, cell], pa.string()))
    assert values.tolist() == [value, value]
    assert not bad.any()
    mask, main, others = other_currency(pa.array([cell, cell, "EUR 1"]))
    assert (main, others) == (currency, {"EUR": 1})
    assert mask.tolist() == [False, False, True]


def test_a_salesforce_report_re_saved_by_excel_reads_its_24_hour_times(tmp_path: Path) -> None:
    """Excel (en-US) re-saves '1/8/2024 9:14 AM' as '1/8/2024 9:14' and '4:30 PM' as '16:30':
    the salesforce preset reads both."""
    path = tmp_path / "report.csv"
    path.write_text(
        '"Opportunity Owner","Stage","Amount","Created Date","Close Date"\r\n'
        '"Ana Ruiz","Closed Won","$1,200.00","1/8/2024 9:14","3/7/2024"\r\n'
        '"Ana Ruiz","Prospecting","$900.00","2/8/2024 16:30",""\r\n',
        encoding="utf-8",
    )
    result = read_exports(period="2024-Q1", opportunities=path)
    assert result.bad_rows == 0
    ana = _by_rep(result)["Ana Ruiz"]
    # the open deal is aged to 7 Mar, the last day the report speaks for (the row's as_of)
    assert (ana["pipeline.sales_cycle_days"], ana["pipeline.avg_deal_age_days"]) == (59.0, 28.0)
    assert ana["as_of"] == "2024-03-07"


_NOT_CSV = [
    (b"PK\x03\x04\x14\x00\x06\x00", "is an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "is an old Excel workbook (.xls)"),
    (b"%PDF-1.7\n", "is a PDF document"),
    (b"\xef\xbb\xbf<html><body><table><tr><td>Opportunity Owner", "is a web page"),
    (b'<?xml version="1.0"?>\r\n<Workbook xmlns="urn:schemas-microsoft-com', "is a web page"),
]


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from(_NOT_CSV),
    st.binary(max_size=300),
    st.sampled_from(["opportunities", "activities", "quotas", "teams"]),
)
def test_a_workbook_or_pdf_given_as_an_export_is_one_line_saying_to_save_csv(
    found: tuple[bytes, str], rest: bytes, kind: str
) -> None:
    """HubSpot and Monday export .xlsx by default, Salesforce's 'Excel' export is a web page:
    given where a CSV export is expected, whatever follows its first bytes, the run stops
    with one line naming the file, what it is and how to save it as CSV (it listed the
    workbook's bytes as 'its columns')."""
    head, what = found
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_bytes(head + rest)
        others = {"opportunities": REAL / "salesforce_opportunities_report.csv"}
        with pytest.raises(InvalidArgument) as caught:
            read_exports(period="2024-Q1", **{**others, kind: path})  # type: ignore[arg-type]
    message = str(caught.value)
    assert message.startswith(f"{path}: {what}")
    assert "save the sheet as 'CSV UTF-8'" in message
    assert "\n" not in message


@pytest.mark.parametrize(("head", "what"), _NOT_CSV)
def test_a_workbook_given_as_a_population_says_to_save_csv(
    tmp_path: Path, capsys: Any, head: bytes, what: str
) -> None:
    """`diagnose`, `report` and `plan` given a workbook (under a .csv, .json or .xlsx name)
    say what it is and how to save it as CSV, not 'not UTF-8 text' or 'holds no reps'."""
    for name in ("team.csv", "rep.json"):
        path = tmp_path / name
        path.write_bytes(head + b"\x00\x91" * 50)
        assert main(["diagnose", str(path), "--out", str(tmp_path / "r.csv")]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"gapdiag: {path}: {what}"), err
    workbook = tmp_path / "team.xlsx"
    workbook.write_bytes(head)
    assert main(["report", str(workbook), "--out", str(tmp_path / "t.html")]) == 2
    assert "save the sheet as 'CSV UTF-8'" in capsys.readouterr().err


def test_copper_abandoned_is_pointed_out_when_it_would_read_as_open(tmp_path: Path) -> None:
    """Copper's Status 'Abandoned' ends a deal without a win: mapped as lost it is no open
    pipeline; a mapping that forgets it (no open list) reads it as open, and a note now
    names it (it counted $20,000 of open pipeline in silence)."""
    path = REAL / "copper_opportunities.csv"
    result = read_exports(period="2024-Q3", opportunities=path, mapping=REAL / "copper.yaml")
    ana = _by_rep(result)["Ana Ruiz"]
    assert ana["pipeline.open_pipeline"] == 12000.0
    assert ana["pipeline.win_rate"] == pytest.approx(1 / 3)
    forgot = _edited(tmp_path, "copper.yaml", "[Lost, Abandoned]", "[Lost]")
    naive = read_exports(period="2024-Q3", opportunities=path, mapping=forgot)
    assert _by_rep(naive)["Ana Ruiz"]["pipeline.open_pipeline"] == 32000.0
    assert [n for n in naive.files[0].notes if "is read as open" in n] == [
        "stage 'Abandoned' (1 row) is read as open, yet it says the deal is over: list it "
        "under won or lost in a mapping"
    ]


@pytest.mark.parametrize(
    "stage",
    [
        "Abandoned",
        "Dead",
        "Disqualified",
        "Unqualified",
        "Cancelled",
        "canceled",
        "Churned",
        "Rejected",
        "Declined",
        "No Decision",
        "No-decision",
        "Closed - Dead",
    ],
)
def test_stage_names_that_end_a_deal_are_never_open_in_silence(tmp_path: Path, stage: str) -> None:
    """A stage that says the deal ended, read as open for want of an open list, is noted."""
    assert _open_notes(tmp_path, stage) == [
        f"stage {stage!r} (1 row) is read as open, yet it says the deal is over: list it "
        "under won or lost in a mapping"
    ]


@pytest.mark.parametrize(
    "stage", ["Discovery", "Proposal", "Closing", "Deadline set", "Reclosed-ish"]
)
def test_open_stages_are_not_noted(tmp_path: Path, stage: str) -> None:
    """Stage names that only look like an ending ('Closing', 'Deadline set') are open."""
    assert _open_notes(tmp_path, stage) == []


def _open_notes(folder: Path, stage: str) -> list[str]:
    """The notes on stages read as open of a deals file with one deal at `stage`."""
    path = folder / "opps.csv"
    path.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
        f'Ann,"{stage}",100,1/5/2024,2/5/2024\nAnn,Closed Won,50,1/5/2024,2/6/2024\n',
        encoding="utf-8",
    )
    notes = read_exports(period="2024-Q1", opportunities=path).files[0].notes
    return [n for n in notes if "is read as open" in n]


def test_pipedrive_durations_in_hours_and_minutes_and_activities_still_to_do() -> None:
    """Pipedrive writes an activity's duration as hh:mm ('00:30' is half an hour, read as
    30 seconds before); an activity still 'To do' is not counted, and the note says
    '1 activity ... is not counted'; won and lost times come from two columns."""
    result = read_exports(
        period="2024-Q3",
        opportunities=REAL / "pipedrive_deals_en.csv",
        activities=REAL / "pipedrive_activities_en.csv",
        mapping=REAL / "pipedrive_en.yaml",
    )
    reps = _by_rep(result)
    assert reps["Ana Ruiz"]["activity.avg_call_minutes"] == 30.0
    assert reps["Ben Ode"]["activity.avg_call_minutes"] == 15.0
    assert reps["Ana Ruiz"]["pipeline.win_rate"] == 0.5
    assert reps["Ana Ruiz"]["pipeline.open_pipeline"] == 12000.0
    assert (
        "1 activity did not take place (an outcome under the mapping's not_held) and is not "
        "counted" in result.files[1].notes
    )


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from(["seconds", "minutes"]))
def test_a_two_part_clock_follows_the_duration_unit(hours: int, mins: int, unit: str) -> None:
    """'H:MM' is hours and minutes under `duration_unit: minutes`, minutes and seconds
    under seconds (or milliseconds); a three-part clock is h:mm:ss under any unit."""
    from gapdiag.sources._parse import minutes

    text = pa.array([f"{hours:02d}:{mins:02d}", f"{hours}:{mins:02d}:30"])
    value, bad = minutes(text, unit)
    assert not bad.any()
    two = hours * 60 + mins if unit == "minutes" else hours + mins / 60
    assert value[0] == pytest.approx(two)
    assert value[1] == pytest.approx(hours * 60 + mins + 0.5)


def test_a_report_with_its_title_and_filters_above_the_header_says_where_it_is(
    tmp_path: Path,
) -> None:
    """A report saved with its title and filter lines above the column names: the one
    error names the line the columns are on and what is above it."""
    path = tmp_path / "report.csv"
    path.write_bytes(
        b'"Opportunity Pipeline Q3"\r\n"Filtered By: Close Date equals THIS QUARTER"\r\n\r\n'
        b'"Opportunity Owner","Account Name","Stage","Amount","Created Date","Close Date"\r\n'
        b'"Ana Ruiz","Acme","Closed Won","$1,000.00","7/1/2024","8/1/2024"\r\n'
    )
    with pytest.raises(InvalidArgument) as caught:
        read_exports(period="2024-Q3", opportunities=path)
    assert str(caught.value).endswith(
        "; they are on line 4, under 'Opportunity Pipeline Q3', 'Filtered By: Close Date "
        "equals THIS QUARTER': delete the 3 lines above the column names (or export the "
        "report's details only)"
    )


def test_a_wide_quota_tab_is_told_apart_and_no_preset_is_said_to_fit(tmp_path: Path) -> None:
    """A quota tab with a column per quarter: the error says so and what shape is read;
    it no longer claims every preset 'fits this file' (none has a quota column list)."""
    path = tmp_path / "quotas.csv"
    path.write_text(
        'Rep,Q1 2024,Q2 2024,Q3 2024,Q4 2024\nAna Ruiz,"$90,000","$95,000","$100,000",1\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidArgument) as caught:
        read_exports(
            period="2024-Q3",
            opportunities=REAL / "salesforce_opportunities_report.csv",
            quotas=path,
        )
    message = str(caught.value)
    assert "preset fits" not in message
    assert message.endswith(
        "its columns Q1 2024, Q2 2024, Q3 2024, Q4 2024 hold one period's quota each: a quota "
        "sheet has one row per rep and period (Rep, Period, Quota); unpivot the tab into "
        "those three columns"
    )


@pytest.mark.parametrize(
    "text",
    ['{"rep_id": "r1", "activity": {}}', '\n  [ {"rep_id": "r1"} ]', "\ufeff[]", "[\n{"],
)
def test_a_json_file_given_as_an_export_says_it_is_json(tmp_path: Path, text: str) -> None:
    """A rep's JSON given to ingest as an export (the README's example rep, say) is one
    line saying it is JSON and where JSON goes; it listed '{' as the export's columns."""
    path = tmp_path / "rep.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidArgument) as caught:
        read_exports(period="2024-Q1", opportunities=path)
    assert str(caught.value) == (
        f"{path}: is JSON, not a CSV export; ingest reads the CRM's CSV exports"
        " (a rep's metrics in JSON go straight to gapdiag diagnose)"
    )


def test_a_csv_whose_header_opens_with_a_bracket_is_still_read(tmp_path: Path) -> None:
    """Only an object or a list of objects is taken for JSON: a header cell '[Owner]' is not."""
    path = tmp_path / "opps.csv"
    source = (REAL / "salesforce_opportunities_report.csv").read_text(encoding="utf-8-sig")
    lines = source.splitlines()
    path.write_text("\n".join(["[Note]," + lines[0], *("," + line for line in lines[1:])]))
    assert read_exports(period="2024-Q1", opportunities=path).rows


def test_hubspot_internal_stage_values_are_won_and_lost_not_open() -> None:
    """HubSpot's API writes stages by internal value ('closedwon'): never open pipeline."""
    result = read_exports(
        period="2024-Q1",
        opportunities=REAL / "hubspot_deals_api.csv",
        mapping=REAL / "hubspot_api.yaml",
    )
    reps = _by_rep(result)
    assert reps["Ana Ruiz"]["pipeline.closed_won"] == 12000.0
    assert reps["Ana Ruiz"]["pipeline.open_pipeline"] == 15000.0
    assert reps["Ana Ruiz"]["pipeline.win_rate"] == 0.5
    assert reps["Ben Cole"]["pipeline.closed_won"] == 30000.0
    assert reps["Ben Cole"]["pipeline.open_pipeline"] == 20000.0
    assert reps["Ben Cole"]["pipeline.win_rate"] == 0.5  # 'closed_lost' is lost
    assert result.bad_rows == 0
    assert not [n for n in result.files[0].notes if "read as open" in n]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([" ", "_", "-", "  "]), min_size=0, max_size=2),
    st.booleans(),
)
def test_a_stage_value_spelled_with_other_separators_or_case_is_the_same(
    seps: list[str], upper: bool
) -> None:
    """'Closed Won', 'closed-won', 'CLOSED_WON' and 'closedwon' all read as the won stage."""
    sep = "".join(seps)
    value = f"Closed{sep}Won"
    cell = value.upper() if upper else value.lower()
    column = pa.array([cell, "Closed Lost", None, "Qualified"])
    assert member(column, ("Closed Won",)).tolist() == [True, False, False, False]


def test_a_monthly_quota_sheet_gives_the_quarter_its_quota_or_says_why_not(
    tmp_path: Path,
) -> None:
    """Months that cover the quarter add up; a rep missing a month gets no quota and a note."""
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
        "Ana Ruiz,Closed Won,12000,1/5/2024,3/28/2024\n"
        "Ben Cole,Closed Won,9000,1/5/2024,3/27/2024\n"
        "Cara Diaz,Closed Won,7000,1/5/2024,3/26/2024\n",
        encoding="utf-8",
    )
    result = read_exports(
        period="2024-Q1", opportunities=deals, quotas=REAL / "quota_sheet_monthly.csv"
    )
    reps = _by_rep(result)
    assert reps["Ana Ruiz"]["pipeline.quota"] == 60000.0
    assert reps["Ben Cole"]["pipeline.quota"] == 45000.0
    assert "pipeline.quota" not in reps["Cara Diaz"]  # February has no row: unknown, not 50k
    assert reps["Ana Ruiz"]["ownership.forecast_accuracy"] == pytest.approx(1 - 42000 / 54000)
    assert "pipeline.commit" not in reps["Ben Cole"]  # January's commit is empty
    notes = result.files[1].notes
    assert (
        "quota for 2024-Q1 added up from the monthly rows, which cover it with no gap "
        "(Ana Ruiz, Ben Cole)" in notes
    )
    assert (
        "1 rep has quota rows only for other periods (Cara Diaz: 2024-01, 2024-03): no quota "
        "for 2024-Q1, so where the rep stands is unknown (months or quarters add up only when "
        "they cover the period with no gap)" in notes
    )
    # a month is its own row, never part of another's sum
    month = read_exports(
        period="2024-02", opportunities=deals, quotas=REAL / "quota_sheet_monthly.csv"
    )
    assert _by_rep(month)["Ben Cole"]["pipeline.quota"] == 15000.0


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.integers(0, 10**6), min_size=12, max_size=12),
    st.sets(st.integers(1, 12), max_size=3),
)
def test_months_add_up_to_a_year_only_without_a_gap(quotas: list[int], gone: set[int]) -> None:
    """The year's quota is the sum of its twelve months', and unknown with any month missing."""
    with tempfile.TemporaryDirectory() as folder:
        sheet = Path(folder) / "quotas.csv"
        sheet.write_text(
            "Rep,Period,Quota\n"
            + "".join(f"Ann,2024-{m:02d},{quotas[m - 1]}\n" for m in range(1, 13) if m not in gone),
            encoding="utf-8",
        )
        deals = Path(folder) / "deals.csv"
        deals.write_text(
            "Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
            "Ann,Closed Won,100,1/5/2024,12/20/2024\n",
            encoding="utf-8",
        )
        row = read_exports(period="2024", opportunities=deals, quotas=sheet).rows[0]
    if gone:
        assert "pipeline.quota" not in row
    else:
        assert row["pipeline.quota"] == float(sum(quotas))


def test_a_quota_sheet_keyed_by_email_against_named_deals_is_pointed_out(tmp_path: Path) -> None:
    """Reps by e-mail in the sheets and by name in the deals never meet: a note says so;
    a rep on the sheet alone (not started yet) is no sign of it."""
    sheet = tmp_path / "quotas.csv"
    sheet.write_text(
        "Rep,Period,Quota\nana.ruiz@acme.example,2024-Q1,60000\n"
        "ben.cole@acme.example,2024-Q1,45000\n",
        encoding="utf-8",
    )
    teams = tmp_path / "teams.csv"
    teams.write_text("Rep,Team\nana.ruiz@acme.example,East\n", encoding="utf-8")
    result = read_exports(
        period="2024-Q1",
        opportunities=REAL / "hubspot_deals_api.csv",
        mapping=REAL / "hubspot_api.yaml",
        quotas=sheet,
        teams=teams,
    )
    quota_notes, team_notes = result.files[1].notes, result.files[2].notes
    assert (
        "2 reps of the quota sheet (ana.ruiz@acme.example, ben.cole@acme.example) have no "
        "deal or activity, and 2 with deals or activities (Ana Ruiz, Ben Cole) are not in "
        "it: the same people spelled two ways (e-mail addresses in the quota sheet, names in "
        "the exports)? Their rows do not meet; key the quota sheet by the names the exports "
        "use" in quota_notes
    )
    assert any(
        n.startswith("1 rep of the teams file (ana.ruiz@acme.example) has") for n in team_notes
    )
    sheet.write_text(
        "Rep,Period,Quota\nAna Ruiz,2024-Q1,60000\nBen Cole,2024-Q1,45000\nDee New,2024-Q1,30000\n",
        encoding="utf-8",
    )
    alone = read_exports(
        period="2024-Q1",
        opportunities=REAL / "hubspot_deals_api.csv",
        mapping=REAL / "hubspot_api.yaml",
        quotas=sheet,
    )
    assert not [n for n in alone.files[1].notes if "spelled two ways" in n]
    assert _by_rep(alone)["Dee New"]["pipeline.quota"] == 30000.0  # a rep not started yet


def test_monthly_quotas_add_up_exactly_on_every_python(tmp_path: Path) -> None:
    """1,000.10 + 1,000.20 + 1,000.30 is 3,000.60: left-to-right sum() (3.11) gives
    3,000.6000000000004, so a rep who closed 3,000.60 read as just short of quota there
    and at quota on 3.12+; fsum gives the quota the sheet means on both."""
    sheet = tmp_path / "quotas.csv"
    sheet.write_text(
        "Rep,Period,Quota\nAnn,2024-01,1000.10\nAnn,2024-02,1000.20\nAnn,2024-03,1000.30\n",
        encoding="utf-8",
    )
    deals = tmp_path / "deals.csv"
    deals.write_text(
        "Opportunity Owner,Stage,Amount,Created Date,Close Date\n"
        "Ann,Closed Won,3000.60,1/5/2024,3/20/2024\n",
        encoding="utf-8",
    )
    row = read_exports(period="2024-Q1", opportunities=deals, quotas=sheet).rows[0]
    assert row["pipeline.quota"] == 3000.6
    assert row["pipeline.closed_won"] / row["pipeline.quota"] == 1.0
