"""`gapdiag plan` end to end, in-process: formats, history, .ics, scorecard and bad input."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import zoneinfo
from pathlib import Path

import icalendar
import pytest

from gapdiag import RepMetrics
from gapdiag.cli import ExitStatus
from gapdiag.coaching.start import default_start

from .conftest import EXAMPLES
from .test_cli import run

REP = str(EXAMPLES / "will-rep.json")
WEEKS = str(EXAMPLES / "weeks.csv")
LOG = str(EXAMPLES / "coaching-log.csv")
START = dt.date(2026, 7, 6)


def test_plan_text_with_history_log_and_ics(tmp_path: Path) -> None:
    """The example rep, weeks and coaching log give a plan, an escalation verdict over the
    coaching weeks, and a valid .ics."""
    ics = tmp_path / "plan.ics"
    args = ("--history", WEEKS, "--log", LOG, "--ics", str(ics), "--tz", "UTC")
    code, out, err = run("plan", REP, *args)
    assert (code, err) == (ExitStatus.OK, "")
    assert "Coaching plan for rep-will-01, starting Mon 17 Aug 2026" in out  # after history
    assert "After 6 weeks of coaching: extend coaching a quarter" in out
    assert "Coaching on this focus began Tue 7 Jul 2026 (the first 1:1 in the coaching log)" in out
    assert "Weeks with no record" not in out
    events = list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert 5 <= len(events) < 20  # a few weekly series, split where a week's text differs
    assert events[0].decoded("DTSTART") == dt.datetime(2026, 8, 17, 9, 0, tzinfo=dt.UTC)
    bare = run("plan", REP, "--history", WEEKS)[1]
    assert "Trends over 6 weeks of figures (no coaching start: no decision)" in bare


def test_plan_json_is_the_plan_model() -> None:
    """--format json prints the plan as JSON on stdout only."""
    code, out, _ = run("plan", REP, "--start", "2026-07-06", "--format", "json")
    data = json.loads(out)
    assert code == ExitStatus.OK
    assert data["focus"]["gap"] == "will"
    assert data["focus"]["goal"]["target"] == 1.0
    assert data["sessions"][0]["date"] == "2026-07-06"
    assert data["escalation"] is None


def test_plan_markdown_with_scorecard(tmp_path: Path) -> None:
    """--format markdown renders headings, the calendar table and scorecard openings."""
    card = tmp_path / "card.json"
    ratings = [{"metric": "ownership.forecast_accuracy", "rep": 5, "manager": 2}]
    card.write_text(json.dumps({"rep_id": "rep-will-01", "ratings": ratings}))
    code, out, _ = run(
        "plan", REP, "--start", "2026-07-06", "--format", "markdown", "--scorecard", str(card)
    )
    assert code == ExitStatus.OK
    assert "## Scorecard: largest disagreements first" in out
    assert "| 1 | Mon 6 Jul 2026 | 09:00 |" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2026-08-05"], "start: 2026-08-05 falls inside the history"),
        (["--weeks", "0"], "weeks: 0 is not a number of weeks"),
    ],
)
def test_bad_arguments_exit_2_with_one_clear_line(args: list[str], message: str) -> None:
    """A start inside the history or a bad week count exit 2 with one line on stderr."""
    code, out, err = run("plan", REP, "--history", WEEKS, *args)
    assert code == ExitStatus.BAD_INPUT
    assert out == ""
    assert message in err


def test_unreadable_start_date_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """argparse refuses a start that is not YYYY-MM-DD, with exit status 2."""
    code, _, _ = run("plan", REP, "--start", "next week")
    assert code == ExitStatus.BAD_INPUT
    assert "'next week' is not a date (expected YYYY-MM-DD)" in capsys.readouterr().err


def test_bad_history_names_file_and_line(tmp_path: Path) -> None:
    """A duplicated week in the CSV is reported with the file and line."""
    weeks = tmp_path / "weeks.csv"
    lines = Path(WEEKS).read_text().splitlines()
    weeks.write_text("\n".join([*lines, lines[2]]) + "\n")
    code, _, err = run("plan", REP, "--history", str(weeks))
    assert code == ExitStatus.BAD_INPUT
    assert f"{weeks}: line 8: week 2026-07-13 appears twice (first at line 3)" in err


def test_bad_scorecard_names_the_file(tmp_path: Path) -> None:
    """A scorecard with an out-of-range rating is reported with its file."""
    card = tmp_path / "card.json"
    bad = {
        "rep_id": "rep-will-01",
        "ratings": [{"metric": "calls.rubric_score", "rep": 0, "manager": 3}],
    }
    card.write_text(json.dumps(bad))
    code, _, err = run("plan", REP, "--start", "2026-07-06", "--scorecard", str(card))
    assert code == ExitStatus.BAD_INPUT
    assert f"{card}: ratings[0].rep: 0 is not a rating from 1 to 5" in err


def test_unwritable_ics_is_reported(tmp_path: Path) -> None:
    """An .ics path that cannot be written exits 2 naming it."""
    target = tmp_path / "missing" / "plan.ics"
    code, _, err = run("plan", REP, "--start", "2026-07-06", "--ics", str(target))
    assert code == ExitStatus.BAD_INPUT
    assert "cannot write" in err


def test_default_start_is_the_next_monday_without_history() -> None:
    """Without history the plan starts on the first Monday on or after today."""
    rep = RepMetrics(rep_id="r")
    assert default_start(None, rep, dt.date(2026, 7, 8)) == dt.date(2026, 7, 13)
    assert default_start(None, rep, dt.date(2026, 7, 6)) == dt.date(2026, 7, 6)
    dated = RepMetrics(rep_id="r", period_start=dt.date(2017, 4, 1), as_of=dt.date(2017, 6, 30))
    assert default_start(None, dated, dt.date(2026, 7, 8)) == dt.date(2017, 7, 3)


@pytest.mark.slow
def test_installed_command_runs_the_plan(tmp_path: Path) -> None:
    """`python -m gapdiag plan` works as a real process and writes the .ics."""
    ics = tmp_path / "out.ics"
    done = subprocess.run(
        [sys.executable, "-m", "gapdiag", "plan", REP, "--history", WEEKS, "--ics", str(ics)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--start", "9999-12-27"], "gapdiag: start: 9999-12-27 leaves no room for 13 weeks"),
        (["--start", "2026-07-06", "--country", "XX"], "gapdiag: country: 'XX' is not known"),
        (["--start", "2026-07-06", "--tz", "Mars/Olympus"], "gapdiag: tz: 'Mars/Olympus'"),
    ],
)
def test_calendar_options_fail_with_one_line(options: list[str], message: str) -> None:
    """A start past the calendar's end, an unknown country or zone: exit 2, one line."""
    code, out, err = run("plan", REP, *options)
    assert code == ExitStatus.BAD_INPUT
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert out == ""


def test_country_and_time_zone_reach_the_calendar(tmp_path: Path) -> None:
    """--country skips its holidays, --tz names the zone of every event."""
    ics = tmp_path / "plan.ics"
    options = ["--start", "2026-12-07", "--country", "LV", "--tz", "Europe/Riga"]
    code, _, _ = run("plan", REP, *options, "--ics", str(ics))
    assert code == ExitStatus.OK
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Riga"]
    assert any("EXDATE" in event for event in calendar.walk("VEVENT"))


def test_default_start_past_the_calendar_is_a_clear_error() -> None:
    """A history whose last week is the calendar's last: one InvalidArgument, not OverflowError."""
    from gapdiag import InvalidArgument
    from gapdiag.coaching.history import history_from_rows

    history = history_from_rows([{"rep_id": "r", "period_start": "9999-12-27"}])
    with pytest.raises(InvalidArgument, match="start: the calendar ends before the next week"):
        default_start(history, RepMetrics(rep_id="r"), dt.date(2026, 7, 6))


def test_cli_counts_progress_in_any_indicator(tmp_path: Path) -> None:
    """Seed 001 through the CLI: calls flat, meeting conversion 20% -> 37% and open questions
    35% -> 60% over six coaching weeks: extend coaching, never a PIP review."""
    rows = [
        "rep_id,period_start,activity.calls_per_day,activity.meeting_to_opportunity_rate,"
        "calls.open_question_ratio"
    ]
    for n, (rate, ratio) in enumerate(
        zip((20, 24, 28, 31, 34, 37), (35, 40, 45, 50, 55, 60), strict=True)
    ):
        rows.append(f"rep-will-01,{START + dt.timedelta(weeks=n)},14,{rate / 100},{ratio / 100}")
    weeks = tmp_path / "weeks.csv"
    weeks.write_text("\n".join(rows) + "\n")
    code, out, _ = run("plan", REP, "--history", str(weeks), "--since", "2026-07-06")
    assert code == ExitStatus.OK
    assert "After 6 weeks of coaching: extend coaching a quarter" in out
    assert "meetings that become opportunities 20% → 37% (reached target" in out
    assert "Did not move: calls a day 14 → 14 (flat; target 40)" in out
    assert "review a PIP" not in out


def test_cli_one_skill_holidays_moved_time_zone_and_html(tmp_path: Path) -> None:
    """One drill all quarter; a French 14 July 1:1 moved to the Monday in the text and the
    .ics; the country's zone named; the HTML holds every week and the GROW sheets."""
    ics = tmp_path / "plan.ics"
    skill = str(EXAMPLES / "skill-rep.json")
    code, out, _ = run("plan", skill, "--start", "2026-07-06", "--country", "FR", "--ics", str(ics))
    assert code == ExitStatus.OK
    drills = {line.split(": ", 1)[1] for line in out.splitlines() if ") Role-play drill: " in line}
    assert drills == {"Five open questions before any pitch."}
    assert "Times are in Europe/Paris, the main time zone of FR" in out
    assert (
        "GROW 1:1: Tue 14 Jul is a public holiday (National Day), so it moves to Mon 13 Jul" in out
    )
    events = list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert any(
        e.decoded("DTSTART")
        == dt.datetime(2026, 7, 13, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))
        for e in events
    )
    code, page, _ = run("plan", skill, "--start", "2026-07-06", "--format", "html", "--tz", "UTC")
    assert page.startswith('<div class="gapdiag-plan"')
    for part in (
        "GROW 1:1: the manager",
        "Tue 29 Sep 2026",
        "One skill at a time",
        "How to coach it",
    ):
        assert part in page


def test_cli_trend_words_follow_the_numbers(tmp_path: Path) -> None:
    """Every trend line the CLI prints reads its word the way its first and latest values go."""
    code, out, _ = run("plan", REP, "--history", WEEKS, "--log", str(EXAMPLES / "coaching-log.csv"))
    assert code == ExitStatus.OK
    lines = [line for line in out.splitlines() if " recorded weeks (target " in line]
    assert len(lines) >= 5
    for line in lines:
        word = line.split(": ", 1)[1].split(",")[0]
        first, latest = (
            float(re.sub(r"[^\d.]", "", v.split()[0]))
            for v in line.split("; ", 1)[1].split(" over ")[0].split(" → ")
        )
        lower = "deflections" in line
        gain = (first - latest) if lower else (latest - first)
        assert word != "improving" or gain > 0, line
        assert word != "worsening" or gain < 0, line


def test_a_coaching_log_names_its_problems_and_its_focus(tmp_path: Path) -> None:
    """Bad log rows are named by line and column; an unknown column is one line; a log whose
    1:1s worked on another focus gives no start, and the plan says why."""
    bad = tmp_path / "log.csv"
    bad.write_text("date,kind,note\n2026-07-07,promise,x\nsoon,one-on-one,y\n")
    code, _, err = run("plan", REP, "--log", str(bad))
    assert code == ExitStatus.BAD_INPUT
    assert f"{bad}: line 2: kind: 'promise' is not one of one-on-one, commitment" in err
    assert "line 3: date: 'soon' is not a date (expected YYYY-MM-DD)" in err
    bad.write_text("date,kind,note,colour\n")
    code, _, err = run("plan", REP, "--log", str(bad))
    assert err.count("\n") == 1
    assert "unknown column 'colour' (expected date, kind, note, focus, due, rep_id)" in err
    other = tmp_path / "other.csv"
    other.write_text("date,kind,note,focus\n2026-07-07,one-on-one,first,skill\n")
    code, out, _ = run("plan", REP, "--history", WEEKS, "--log", str(other))
    assert code == ExitStatus.OK
    assert "Coaching start: the coaching log has no 1:1 on the will focus (its 1:1s " in out
    assert "Trends over 6 weeks of figures (no coaching start: no decision)" in out


@pytest.mark.parametrize("name", ["plan.txt", "plan.html", "plan.pdf"])
def test_ics_named_for_another_form_is_refused_before_any_work(tmp_path: Path, name: str) -> None:
    """`plan --ics plan.txt` wrote a calendar into a file a double-click opens as text:
    one line naming the option and the name to give it, and no file."""
    target = tmp_path / name
    code, out, err = run("plan", REP, "--start", "2026-07-06", "--ics", str(target))
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    suffix = target.suffix
    assert err == (
        f"gapdiag: --ics {target}: writes an iCalendar file, not {suffix}; name it plan.ics\n"
    )
    assert not target.exists()
