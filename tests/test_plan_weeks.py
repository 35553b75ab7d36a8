"""Issue 24 on the sample exports (2017-Q2): weekly exports are not weeks of coaching, every
weekly row holds the period to date for quota and pipeline (activity is the week's own), and
one rep of a team file plans as the team page judges."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from gapdiag import InvalidMetrics, diagnose_many, plan, read_history_csv
from gapdiag.cli import ExitStatus
from gapdiag.notebook.report.assemble import assemble
from gapdiag.rulebook.interventions import load_interventions

from .conftest import EXAMPLES
from .crm_exports import sample_ingest
from .test_cli import run

SINCE = dt.date(2017, 5, 8)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """reps.csv (the quarter) and weeks.csv (every week) from the sample exports."""
    folder = tmp_path_factory.mktemp("exports")
    out = {"reps": folder / "reps.csv", "weeks": folder / "weeks.csv"}
    assert run(*sample_ingest("--out", str(out["reps"])))[0] == ExitStatus.FINDINGS
    weekly = ("--every", "week", "--out", str(out["weeks"]), "--history-dir", str(folder / "h"))
    assert run(*sample_ingest(*weekly))[0] == ExitStatus.FINDINGS
    return out


def rows_of(path: Path, rep: str) -> list[dict[str, str]]:
    """One rep's rows of an ingested CSV."""
    with path.open(newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["rep_id"] == rep]


def test_weekly_rows_hold_the_quarter_to_date(files: dict[str, Path]) -> None:
    """Every weekly row runs from the quarter's first day to its as_of, against the quarter's
    quota; the last week's figures are the quarter's own."""
    weeks = rows_of(files["weeks"], "Ben Cole")
    quarter = rows_of(files["reps"], "Ben Cole")[0]
    assert {(w["period_start"], w["period_end"]) for w in weeks} == {("2017-04-01", "2017-06-30")}
    assert [w["as_of"] for w in weeks][:3] == ["2017-04-02", "2017-04-09", "2017-04-16"]
    assert weeks[-1]["as_of"] == "2017-06-30"
    won = [float(w["pipeline.closed_won"]) for w in weeks]
    assert won == sorted(won)  # to date: it never shrinks
    for name in ("pipeline.closed_won", "pipeline.quota", "pipeline.closed_deals"):
        assert float(weeks[-1][name]) == pytest.approx(float(quarter[name])), name
    assert {w["pipeline.quota"] for w in weeks} == {"600000.0"}
    assert [bool(w["ownership.forecast_accuracy"]) for w in weeks].count(True) == 1


def test_weekly_activity_is_the_weeks_own(files: dict[str, Path]) -> None:
    """Activity figures of a weekly row count that week's working days only (docs/ingest.md):
    the last week's are not the quarter's, its pipeline figures are."""
    weeks = rows_of(files["weeks"], "Ben Cole")
    quarter = rows_of(files["reps"], "Ben Cole")[0]
    assert all(float(w["activity.working_days"] or 0) <= 5 for w in weeks)
    assert float(quarter["activity.working_days"]) > 5 * 12
    days = sum(float(w["activity.working_days"] or 0) for w in weeks)
    assert days == float(quarter["activity.working_days"])


@pytest.mark.parametrize("rep", ["Fay Diaz", "Hana Ito"])
def test_weekly_exports_are_not_weeks_of_coaching(files: dict[str, Path], rep: str) -> None:
    """Reps at quota with 14 weekly exports: no PIP, no decision without a coaching start, and
    with one, no escalation for a rep over their number (CLI and API)."""
    code, out, err = run("plan", str(files["reps"]), "--rep", rep, "--history", str(files["weeks"]))
    assert (code, err) == (ExitStatus.OK, "")
    assert "PIP" not in out
    assert "Trends over 14 weeks of figures (no coaching start: no decision)" in out
    assert "not weeks of coaching" in out
    batch = diagnose_many(files["reps"])
    row = next(r for r in batch.rows if batch.rep(r).rep_id == rep)
    history = read_history_csv(files["weeks"], rep_id=rep)
    result = plan(batch.rep(row), history=history, since=SINCE)
    assert result.escalation is not None
    assert result.standing.status == "ahead"
    assert result.escalation.action == "graduate"
    assert result.escalation.weeks_coached == 8  # the weeks from 8 May, not all 14
    assert not result.escalation.pip_recommended


def test_a_weeks_figures_are_never_set_against_the_quarter(files: dict[str, Path]) -> None:
    """Ben Cole (103.8%): the plan's gap-to-goal reads the quarter to date, never one week's
    closed-won; Ana Ruiz (147%) gets no coverage gap to close."""
    code, out, _ = run(
        "plan", str(files["reps"]), "--rep", "Ben Cole", "--history", str(files["weeks"])
    )
    assert code == ExitStatus.OK
    assert "closed $623,019 of the $600,000 quota (103.8%)" in out
    # the quarter is over: nothing committed is still to close (ingest writes commit 0)
    assert "No gap left: quota $600,000 - closed-won $623,019 - commit $0" in out
    assert "$91,839" not in out
    assert "-$" not in out
    ana = run("plan", str(files["reps"]), "--rep", "Ana Ruiz", "--history", str(files["weeks"]))
    assert "Close the coverage gap" not in ana[1]
    assert "Ahead: closed $880,578" in ana[1]
    batch = diagnose_many(files["reps"])
    for name, closed in (("Ben Cole", 623_019.01), ("Ana Ruiz", 880_578.35)):
        row = next(r for r in batch.rows if batch.rep(r).rep_id == name)
        history = read_history_csv(files["weeks"], rep_id=name)
        result = plan(batch.rep(row), history=history)
        numbers = {f.name: f for f in result.agenda.figures}
        assert numbers["pipeline.closed_won"].value == pytest.approx(closed)
        assert numbers["derived.gap_to_goal"].shown.startswith("none (")
        assert result.coverage is None


def test_plan_refuses_a_history_of_weeks_against_a_quarters_quota(tmp_path: Path) -> None:
    """Rows that each hold one week's closed-won beside the quarter's quota are refused in
    one line, through the CLI and the API."""
    weeks = tmp_path / "weeks.csv"
    lines = ["rep_id,period_start,period_end,pipeline.quota,pipeline.closed_won"]
    for n in range(5):
        monday = dt.date(2017, 4, 3) + dt.timedelta(weeks=n)
        sunday = monday + dt.timedelta(days=6)
        lines.append(f"rep-will-01,{monday},{sunday},600000,{20000 + n}")
    weeks.write_text("\n".join(lines) + "\n")
    code, out, err = run("plan", str(EXAMPLES / "will-rep.json"), "--history", str(weeks))
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert err.count("\n") == 1
    assert f"{weeks}: line 2: quota, closed-won or commit with no as_of" in err
    assert "(so do 4 more rows)" in err
    with pytest.raises(InvalidMetrics, match="weekly history row holds the period so far"):
        read_history_csv(weeks)


def test_one_rep_of_a_team_file_plans_as_the_team_page_judges(files: dict[str, Path]) -> None:
    """`plan reps.csv --rep` and plan(batch.rep(...)) keep the team's values: the plan's
    verdicts equal the batch's and the team page's."""
    batch = diagnose_many(files["reps"])
    report = assemble(batch, title="t", histories={}, library=load_interventions())
    page = {line.rep_id: line for line in report.reps}
    for row in batch.rows:
        rep = batch.rep(row)
        planned = plan(rep, start=dt.date(2017, 7, 3))
        assert planned.diagnosis.verdicts == batch.diagnosis(row).verdicts, rep.rep_id
        shown = tuple((v.gap, v.status, v.confidence) for v in planned.diagnosis.verdicts)
        assert shown == page[rep.rep_id].verdicts, rep.rep_id
        focus = planned.focus.gap if planned.focus is not None else None
        assert focus == page[rep.rep_id].focus_gap, rep.rep_id
    plain = plan(rep.model_dump(), start=dt.date(2017, 7, 3))  # without the team: may differ
    assert plain.diagnosis.rep_id == rep.rep_id
    code, out, _ = run("plan", str(files["reps"]), "--rep", "Gus Lee", "--format", "json")
    assert code == ExitStatus.OK
    gus = next(r for r in batch.rows if batch.rep(r).rep_id == "Gus Lee")
    assert f'"primary_gap": {_json(batch.diagnosis(gus).primary_gap)}' in out


def _json(value: Any) -> str:
    return "null" if value is None else f'"{value}"'


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "reps.csv: a team file holds many reps; give --rep NAME"),
        (["--rep", "Ben Cloe"], "--rep: 'Ben Cloe' is not a rep of"),
        (["--rep", "Ben Cloe"], "(did you mean 'Ben Cole'?)"),
        (["--rep", "Ben Cole", "--team", "t.json"], "--team: the team file's own reps"),
    ],
)
def test_team_file_mistakes_are_one_clear_line(
    files: dict[str, Path], args: list[str], message: str
) -> None:
    """A team file without --rep, an unknown rep, or --team beside it: exit 2, one line."""
    code, out, err = run("plan", str(files["reps"]), *args)
    assert (code, out) == (ExitStatus.BAD_INPUT, "")
    assert message in err
    assert err.count("\n") == 1


def test_the_playbook_shows_real_output(files: dict[str, Path]) -> None:
    """Every line the playbook quotes in a text block is printed by the commands it shows
    (the weekly path on the sample exports) or by the plans of the cases it names."""
    from .test_plan_seeds import stage_definitions

    team = ("plan", str(files["reps"]), "--history", str(files["weeks"]))
    coached = ("--since", "2017-05-08", "--country", "US")
    outputs = [
        run(*team, "--rep", "Dee Park")[1],
        run(*team, "--rep", "Dee Park", *coached)[1],
        run(*team, "--rep", "Eli Moss", *coached)[1],
        plan(stage_definitions(), start=dt.date(2026, 7, 6)).render(),
        plan(_example("skill-rep"), start=dt.date(2026, 7, 6)).render(),
        plan(_example("system-rep"), start=dt.date(2026, 7, 6)).render(),
        run(
            "plan",
            str(EXAMPLES / "will-rep.json"),
            "--history",
            str(EXAMPLES / "weeks.csv"),
            "--log",
            str(EXAMPLES / "coaching-log.csv"),
        )[1],
    ]
    printed = {line for out in outputs for line in out.splitlines()}
    page = (EXAMPLES.parent / "docs" / "playbook.md").read_text(encoding="utf-8")
    quoted = page.split("```text\n")[1:]
    assert len(quoted) >= 5
    for block in quoted:
        for line in block.split("```")[0].splitlines():
            if line != "...":
                assert line in printed, line
    inline = "+3.3 calls a day per week; 14 → 31 over 5 recorded weeks"
    assert any(inline in line for line in printed)


def _example(name: str) -> dict[str, Any]:
    import json

    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_cli_plans_on_the_exports_are_true_to_themselves(files: dict[str, Path]) -> None:
    """Each rep's plan printed by the CLI names every figure with one value."""
    from .test_plan_consistency import figures

    for rep in ("Chen Wu", "Gus Lee", "Hana Ito"):
        args = ("--rep", rep, "--history", str(files["weeks"]), "--since", "2017-05-08")
        code, out, _ = run("plan", str(files["reps"]), *args)
        assert code == ExitStatus.OK
        for label, values in figures(out).items():
            assert len(values) == 1, (rep, label, values)
