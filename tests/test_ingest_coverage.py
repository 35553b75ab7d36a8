"""What the exports cannot speak for is left empty, never zero, and the ingest says why.

A period outside the dates an export runs over, and a kind of activity an export holds no
row of, get no figures; a period with nothing dated in it at all is refused in one line.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from gapdiag import InvalidArgument
from gapdiag.cli import ExitStatus, main
from gapdiag.sources.ingest import read_exports
from gapdiag.sources.periods import grid, parse_period

from .test_ingest_sources import ACT, OPP, rows, write

ACTIVITY_PATHS = (
    "activity.calls_per_day",
    "activity.emails_per_day",
    "activity.meetings_per_week",
    "activity.avg_call_minutes",
)


def test_a_quarter_before_the_activity_export_gets_no_activity_figures() -> None:
    """Activities from April to June say nothing of Q1: no zeros, a note naming the dates."""
    result = read_exports(
        period="2017-Q1",
        opportunities=rows(OPP, ("ana", "Closed Won", "100", "01/10/2017", "02/10/2017", "A")),
        activities=rows(
            ACT,
            ("ana", "Call", "04/03/2017", "60", "", ""),
            ("ana", "Email", "06/30/2017", "", "", ""),
        ),
    )
    (ana,) = result.rows
    assert ana["pipeline.closed_won"] == 100
    assert not set(ACTIVITY_PATHS) & set(ana)
    notes = result.files[1].notes
    assert (
        "2017-Q1 falls outside the export's dates (from Mon 3 Apr 2017 to Fri 30 Jun 2017): "
        "its activity figures are left empty, not zero"
    ) in notes


def test_a_kind_the_exports_never_hold_is_empty_not_zero() -> None:
    """A call log without emails or meetings: calls are measured, emails and meetings are not."""
    result = read_exports(
        period="2017-W14",
        activities=rows(
            ACT,
            ("ana", "Call", "04/03/2017", "60", "", ""),
            ("ben", "Call", "04/07/2017", "120", "", ""),
        ),
    )
    ana, ben = result.rows
    assert ana["activity.calls_per_day"] == 1 / 5
    assert "activity.emails_per_day" not in ana
    assert "activity.meetings_per_week" not in ben
    assert (
        "no emails or meetings in the activity exports: emails a day, meetings booked a week "
        "left empty, not zero"
    ) in result.files[0].notes


def test_a_rep_without_activity_in_a_covered_period_is_still_measured_zero() -> None:
    """Inside the export's dates, a rep who logged nothing this week did nothing: zero."""
    result = read_exports(
        period="2017-W14",
        activities=rows(
            ACT,
            ("ana", "Call", "03/01/2017", "60", "", ""),
            ("ben", "Call", "04/07/2017", "60", "", ""),
            ("ben", "Email", "04/20/2017", "", "", ""),
        ),
    )
    ana = next(r for r in result.rows if r["rep_id"] == "ana")
    assert ana["activity.calls_per_day"] == 0
    assert ana["activity.emails_per_day"] == 0


def test_weeks_after_the_opportunity_export_get_no_pipeline_figures(tmp_path: Path) -> None:
    """A weekly history stops at the export's last dated deal: no invented weeks of zero wins."""
    path = write(
        tmp_path / "opps.csv",
        OPP[:5],
        [
            ("ana", "Closed Won", "10", "03/01/2017", "04/04/2017"),
            ("ana", "Prospecting", "5", "04/05/2017", ""),
        ],
    )
    result = read_exports(period="2017-04", opportunities=[path], every="week")
    assert [r["as_of"] for r in result.rows] == ["2017-04-02", "2017-04-05"]
    assert any(
        n.startswith("3 of the 5 weeks fall outside the export's dates (from Wed 1 Mar 2017")
        for n in result.files[0].notes
    )


def test_nothing_dated_in_the_period_is_refused_in_one_line(tmp_path: Path) -> None:
    """A period none of the exports reaches: one line naming the dates each export runs over."""
    opps = write(tmp_path / "opps.csv", OPP[:5], [("ana", "Closed Won", "1", "", "05/02/2017")])
    with pytest.raises(InvalidArgument) as caught:
        read_exports(period="2026-Q3", opportunities=[opps])
    assert str(caught.value) == (
        "period: nothing in the exports is dated in 2026-Q3 (the opportunities run from "
        "Tue 2 May 2017 to Tue 2 May 2017); choose a period they cover"
    )
    err = io.StringIO()
    argv = ["ingest", str(opps), "--period", "2026-Q3", "--out", str(tmp_path / "o.csv")]
    status = main(argv, stdout=io.StringIO(), stderr=err)
    assert status == ExitStatus.BAD_INPUT
    assert err.getvalue().count("\n") == 1
    assert "nothing in the exports" in err.getvalue()


def test_activities_that_stop_early_are_rated_over_the_days_they_cover() -> None:
    """Stopping 49 days before Q2 ends (pulled early): rates count 30 working days, not 65.

    From Sat 1 Apr to Fri 12 May 2017: 20 working days in April (3-28) and 10 in May.
    """
    result = read_exports(
        period="2017-Q2",
        activities=rows(
            ACT,
            ("ana", "Call", "04/03/2017", "60", "", ""),
            ("ana", "Call", "05/12/2017", "60", "", ""),
        ),
    )
    (ana,) = result.rows
    assert ana["activity.calls_per_day"] == 2 / 30
    assert (
        "figures a day and a week count the 30 working days up to Fri 12 May 2017, the last "
        "activity in the exports, 49 days before 2017-Q2 ends"
    ) in result.files[0].notes


def test_activities_ending_within_a_week_of_the_period_count_every_day() -> None:
    """A last call on Thu 29 Jun: the quarter's 65 working days all count, and no note."""
    result = read_exports(
        period="2017-Q2",
        activities=rows(
            ACT,
            ("ana", "Call", "04/03/2017", "60", "", ""),
            ("ana", "Call", "06/29/2017", "60", "", ""),
        ),
    )
    assert result.rows[0]["activity.calls_per_day"] == 2 / 65
    assert not any("working days up to" in n for n in result.files[0].notes)


def test_activities_until_leaves_later_ones_out() -> None:
    """--activities-until 2017-04-07: the call after it is left out, rates over 5 days."""
    data = rows(
        ACT,
        ("ana", "Call", "04/03/2017", "60", "", ""),
        ("ana", "Call", "04/04/2017", "60", "", ""),
        ("ana", "Call", "06/30/2017", "60", "", ""),
    )
    result = read_exports(period="2017-Q2", activities=data, activities_until=dt.date(2017, 4, 7))
    assert result.rows[0]["activity.calls_per_day"] == 2 / 5
    assert any("as --activities-until says" in n for n in result.files[0].notes)
    with pytest.raises(InvalidArgument, match=r"activities_until: 2017-03-31 is before 2017-Q2"):
        read_exports(period="2017-Q2", activities=data, activities_until=dt.date(2017, 3, 31))
    err = io.StringIO()
    argv = ["ingest", "--period", "2017-Q2", "--out", "-", "--activities-until", "31/03/2017"]
    assert main(argv, stdout=io.StringIO(), stderr=err) == ExitStatus.BAD_INPUT


def test_open_deals_without_any_date_still_count() -> None:
    """Nothing dated to tell the export's dates by: the open pipeline is measured."""
    (ana,) = read_exports(
        period="2017-Q2", opportunities=rows(OPP, ("ana", "Prospecting", "700", "", "", "A"))
    ).rows
    assert ana["pipeline.open_pipeline"] == 700


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["ana", "ben"]), st.integers(0, 400)), min_size=1),
    st.integers(0, 60),
)
@example(calls=[("ana", 214)], month=7)  # one call on a Sunday that opens the month
@example(calls=[("ana", 122), ("ben", 0)], month=4)  # only ana calls on the opening weekend
@example(calls=[("ana", 23)], month=0)  # Fri 24 Jun: 6 days before June ends, a week before
@example(calls=[("ana", 26)], month=0)  # Mon 27 Jun: in June's last week, read to its end
def test_figures_come_only_for_weeks_the_activities_reach(calls: list, month: int) -> None:
    """Every weekly row lies within the export's dates; every week within them has its row."""
    base = dt.date(2016, 6, 1)
    data = rows(
        ACT,
        *((rep, "Call", f"{base + dt.timedelta(d):%m/%d/%Y}", "60", "", "") for rep, d in calls),
    )
    first = base + dt.timedelta(min(d for _, d in calls))
    last = base + dt.timedelta(max(d for _, d in calls))
    year, number = 2016 + (5 + month) // 12, (5 + month) % 12 + 1
    period = f"{year}-{number:02d}"
    weeks = grid(parse_period(period), "week").periods
    reps = sorted({rep for rep, _ in calls})
    days = {rep: {base + dt.timedelta(d) for r, d in calls if r == rep} for rep in reps}
    spanned = [w for w in weeks if w.start <= last and w.end >= first]
    # a week with no working day (a month's opening weekend) has no rate: a rep has a row in
    # it only for the length of a call the rep made in it
    # exports whose last day falls in the month's last week, under EARLY_DAYS before its
    # end, are read to the month's end; any earlier last day is where the rows stop
    final = weeks[-1]
    early = final.end <= last or (final.end - last).days >= 7 or last < final.start
    reach = last if early else final.end
    expected = [
        (rep, min(w.end, reach).isoformat())
        for rep in reps
        for w in spanned
        if w.working_days_until(last) > 0 or any(w.start <= d <= w.end for d in days[rep])
    ]
    if not expected:
        with pytest.raises(InvalidArgument, match="nothing in the exports is dated"):
            read_exports(period=period, activities=data, every="week")
        return
    result = read_exports(period=period, activities=data, every="week")
    assert [(r["rep_id"], r["as_of"]) for r in result.rows] == expected


def test_the_summary_counts_one_rep_in_the_singular(tmp_path: Path) -> None:
    """'1 rep for 2017-Q2' and '1 weekly history', not '1 reps' and '1 weekly histories'."""
    opps = write(tmp_path / "o.csv", OPP[:5], [("ana", "Closed Won", "1", "", "05/02/2017")])
    out = io.StringIO()
    argv = ["ingest", str(opps), "--period", "2017-Q2", "--out", str(tmp_path / "r.csv")]
    assert main(argv, stdout=out, stderr=io.StringIO()) == ExitStatus.OK
    assert f"1 rep for 2017-Q2 -> {tmp_path / 'r.csv'}" in out.getvalue()
    weekly = [*argv[:4], "--out", str(tmp_path / "w.csv"), "--every", "week"]
    out = io.StringIO()
    main([*weekly, "--history-dir", str(tmp_path / "h")], stdout=out, stderr=io.StringIO())
    assert "1 rep-week for 2017-Q2" in out.getvalue()
    assert f"1 weekly history -> {tmp_path / 'h'}" in out.getvalue()


def test_a_missing_optional_column_says_what_goes_without_it() -> None:
    """Each absent optional column names what it would have fed, not 'the figures it feeds'."""
    result = read_exports(
        period="2017-Q2",
        opportunities=rows(OPP[:-1], ("ana", "Closed Won", "100", "04/10/2017", "05/10/2017")),
        activities=rows(ACT[:3], ("ana", "Call", "04/03/2017")),
    )
    notes = [n for f in result.files for n in f.notes if n.startswith("no column")]
    assert notes == [
        "no column 'Account Name': meetings that become opportunities (needs accounts in "
        "deals and activities) are left out",
        "no column 'Event Subtype': activity types are read from 'Task Subtype' alone",
        "no column 'Call Duration': average call length is left out",
        "no column 'Outcome': cancelled and no-show activities cannot be told apart: every "
        "one counts as held",
        "no column 'Company / Account': meetings that become opportunities (needs accounts "
        "in deals and activities) are left out",
    ]
