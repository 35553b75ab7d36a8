"""The team report: one self-contained page whose numbers are diagnose_many's, for any input."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

pd = pytest.importorskip("pandas")

from gapdiag import BackendUnavailable, InvalidMetrics, diagnose  # noqa: E402
from gapdiag.cli import main  # noqa: E402
from gapdiag.engines.vector import hooks  # noqa: E402
from gapdiag.engines.vector.batch import Batch, diagnose_many  # noqa: E402
from gapdiag.model.metrics import METRICS  # noqa: E402
from gapdiag.model.rows import flatten  # noqa: E402
from gapdiag.notebook.report import read_team_weeks, team_report  # noqa: E402
from gapdiag.notebook.report._words import ACTIONS  # noqa: E402
from gapdiag.notebook.report.causes import is_shared  # noqa: E402

from .report_page import Page  # noqa: E402
from .strategies import populations  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ORDER = ["confirmed", "system", "suspected", "data", "none", "on_track", "ahead"]
"""The first screen's groups, most urgent first."""
TEAM = EXAMPLES / "team.csv"
WEEKS = EXAMPLES / "team-weeks.csv"


@pytest.fixture(scope="module")
def batch() -> Batch:
    """The shipped example population, diagnosed."""
    return diagnose_many(TEAM)


@pytest.fixture(scope="module")
def page(batch: Batch) -> str:
    """The example report with its coaching history."""
    return team_report(batch, history=WEEKS)


def assert_equals_frame(html: str, batch: Batch) -> None:
    """Every rep's data holds exactly the batch's confidences and statuses, for every gap."""
    found = {rep["row"]: rep["verdicts"] for rep in Page(html).reps}
    rows = batch.frame.to_dict("records")
    assert sorted(found) == [r["row"] for r in rows]
    for row in rows:
        assert set(found[row["row"]]) == {"system", "will", "skill", "knowledge"}
        for gap, (confidence, status, _) in found[row["row"]].items():
            assert confidence == row[f"{gap}.confidence"]
            assert math.copysign(1, confidence) == math.copysign(1, row[f"{gap}.confidence"])
            assert status == row[f"{gap}.status"]


def test_example_numbers_equal_diagnose_many(batch: Batch, page: str) -> None:
    """The example report shows diagnose_many's confidence and status for every rep and gap."""
    assert_equals_frame(page, batch)


def test_first_screen_is_in_urgency_order(batch: Batch, page: str) -> None:
    """Reps come most urgent first: confirmed, system, suspected, not judged, no gap found."""
    reps = Page(page).reps
    ranks = [ORDER.index(r["urgency"]) for r in reps]
    assert ranks == sorted(ranks)
    for rep in reps:
        d = batch.diagnosis(rep["row"])
        assert rep["standing"] == d.standing.status
        system = d.verdict("system").status
        if system in ("confirmed", "suspected") and d.verdict("system").blocks_pip:
            assert rep["urgency"] == "system"
        elif system in ("confirmed", "suspected"):  # on estimates alone: check it first
            assert rep["urgency"] == "suspected"
            assert rep["action"].startswith("Check the estimate first")
        elif d.primary_gap is not None:
            assert rep["urgency"] == d.verdict(d.primary_gap).status
        elif d.outcome == "undetermined":
            assert rep["urgency"] == "data"
        elif d.standing.status in ("ahead", "on_track"):
            assert rep["urgency"] == d.standing.status
        else:
            assert rep["urgency"] == "none"
    assert {r["urgency"] for r in reps} >= {"confirmed", "system", "data", "on_track"}
    within = [r["confidence"][0] for r in reps if r["urgency"] == "confirmed"]
    assert within == sorted(within, reverse=True)


def test_urgency_counts_add_up(batch: Batch, page: str) -> None:
    """The first screen's counts and each team's add up to the reps diagnosed."""
    first = page[page.index('id="first"') : page.index('class="team"')]
    counts = [int(n) for n in re.findall(r'<li class="u-\w+"><b>([\d,]+)</b>', first)]
    assert sum(counts) == batch.summary.diagnosed
    teams = re.findall(r'<section class="team".*?</section>', page, re.S)
    team_counts = [int(n) for t in teams for n in re.findall(r'<li class="u-\w+"><b>(\d+)</b>', t)]
    assert sum(team_counts) == batch.summary.diagnosed


def test_focus_is_the_coaching_focus(batch: Batch, page: str) -> None:
    """Each rep's focus gap is the primary gap (a suspected system gap comes first)."""
    for rep in Page(page).reps:
        d = batch.diagnosis(rep["row"])
        system = d.verdict("system").status in ("confirmed", "suspected")
        assert rep["gap"] == ("system" if system else d.primary_gap or "")


def test_not_judged_is_never_a_percentage(page: str) -> None:
    """An open gap reads 'not judged (needs ...)', never as 0%; ✓/✗ only mean target."""
    for rep in Page(page).reps:
        for _, status, words in rep["verdicts"].values():
            if status == "unknown":
                assert "not judged (needs " in words, words
                assert "%" not in words
        if rep["urgency"] == "data":
            assert rep["say"].startswith("Not judged (needs ")
            assert rep["action"].startswith("Collect ")
    words = Page(page).words()
    assert "✗" not in words
    assert "✓" not in words  # not even for graduating from coaching (★)
    assert "?" not in {icon for icon, _ in ACTIONS.values()}
    assert not re.search(r"[+-]0\.\d\d\)", words)  # no raw rule weights like (-0.30)


def test_page_is_self_contained(page: str) -> None:
    """No network, no external file: no URL (but SVG's namespace), no src, no link."""
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)|\bsrc=|<link\b|@import|url\(", page)
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page
    assert "<script>" in page


def test_every_anchor_resolves(page: str) -> None:
    """Every link the server draws points at an element that exists or a rep's section."""
    parsed = Page(page)
    targets = [h.removeprefix("#") for h in parsed.hrefs]
    assert targets
    assert all(h.startswith("#") for h in parsed.hrefs)
    sections = {f"rep-{r['row']}" for r in parsed.reps}  # drawn by the script on request
    assert set(targets) <= parsed.ids | sections
    assert {t[1] for t in parsed.data["teams"]} <= parsed.ids


def test_no_metric_paths_in_visible_text(page: str) -> None:
    """People read labels: no metric path appears in the page's visible text."""
    groups = sorted({p.split(".")[0] for p in METRICS if "." in p} | {"derived", "target"})
    pattern = re.compile(rf"\b(?:{'|'.join(groups)})\.[a-z_]+")
    assert not pattern.findall(Page(page).visible)
    shown = Page(page)
    texts = [t for t in shown.data["s"] if t not in shown.words().split("\n")[:0]]
    rule_ids = {
        r for rep in shown.reps for r in rep["detail"]["fired"] + rep["detail"]["open_rules"]
    }
    metrics = {m for m, _ in shown.data["lead"]}
    assert not [t for t in texts if t not in rule_ids | metrics and pattern.search(t)]


def test_accessible_structure(page: str) -> None:
    """Headings, captions, header scopes and a print stylesheet are there."""
    parsed = Page(page)
    tags = [t for t, _ in parsed.elements]
    assert tags.count("h1") == 1
    assert tags.count("table") == tags.count("caption") + 1  # the script captions the first
    assert all("scope" in a for t, a in parsed.elements if t == "th")
    assert "@media print" in page
    assert 'lang="en"' in page


def test_team_wide_causes_of_the_example(page: str) -> None:
    """A shared system gap and shared missing data are raised; a healthy mix raises none."""
    text = Page(page).visible
    assert "4 of 10 reps show a system gap" in text
    assert "Territory data is missing for 7 of 7 reps" in text
    assert "Ownership data is missing for 7 of 7 reps" in text
    east = page[page.index("Team mid-market-east") : page.index("Team smb-central ")]
    # the example records no stage definitions (an input added by issue 14): that is the
    # one cause this otherwise healthy mix shares
    assert "Territory data is missing for 11 of 11 reps" in east
    assert "show a system gap" not in east


def test_team_attainment_has_quota_as_its_target_and_missing_data_is_said_as_asked(
    page: str,
) -> None:
    """A team's attainment reads against the whole quota by the period's end (a short
    average is 'short so far', never 'none set' or a miss); missing data is listed in the
    words a manager would ask for, not as a count 'a 1:1'."""
    text = Page(page).visible
    assert "none set" not in text
    assert "100% by the period's end" in text
    assert "short so far" in text  # the example's teams are all below quota mid-period
    assert "how often the rep blames outside causes in a 1:1" in text
    assert "blame deflections a 1:1," not in text


def test_every_sign_the_page_shows_is_in_its_legend(page: str) -> None:
    """One set of signs: each icon drawn in the page's own HTML is one the legend explains
    (missing data is the legend's ◌, not a '?' of its own)."""
    legend = page[page.index('class="legend"') :]
    legend = legend[: legend.index("</div>")]
    shown = set(re.findall(r'<span aria-hidden="true">([^<]*)</span>', page))
    assert shown
    for icon in shown:
        if icon != "⚠":  # a team-wide cause for the manager's own manager, said in words
            assert all(part in legend for part in icon.split()), icon
    assert '<span aria-hidden="true">?</span>' not in page


def test_a_rep_with_quota_covered_reads_no_gap_left_not_unknown() -> None:
    """Pipeline coverage is undefined once closed and committed reach quota: the leaderboard
    says 'no gap left' there (not 'unknown', which reads as missing data), only there."""
    rows = pd.read_csv(TEAM).head(6)
    rows.loc[0, "pipeline.closed_won"] = rows.loc[0, "pipeline.quota"]
    rows.loc[1, "pipeline.open_pipeline"] = None
    page = Page(team_report(diagnose_many(rows)))
    where = [lead[0] for lead in page.data["lead"]].index("derived.coverage")
    cells = {rep["id"]: rep["values"][where] for rep in page.reps}
    covered, unknown = rows.loc[0, "rep_id"], rows.loc[1, "rep_id"]
    assert page.data["s"][cells[covered]] == "no gap left"
    assert cells[unknown] == 0  # drawn as "unknown": the pipeline is missing
    assert all(isinstance(v, list) for rep, v in cells.items() if rep not in (covered, unknown))


def test_history_gives_sparklines_and_next_steps(page: str) -> None:
    """Reps with weekly history get a trend and the next step; others none. With no coaching
    start the weeks are figures: trends only, no escalation decision (issue 24)."""
    reps = Page(page).reps
    assert sum(1 for r in reps if r["trend"]) >= 4
    assert sum(1 for r in reps if r["trend"] and len(r["trend"][1]) >= 2) >= 4
    words = Page(page).words()
    assert "Trends only (no coaching start given)" in words
    assert "Review a PIP" not in words
    coached = set(read_team_weeks(WEEKS))
    assert {r["id"] for r in reps if r["next"] != 0} == coached


def test_escaping_of_every_input_string() -> None:
    """Rep ids and team names with markup are shown as text, never run as markup."""
    evil = "<script>alert(1)</script>"
    reps = [
        {"rep_id": evil, "team": '<b>"east"&', "activity": {"calls_per_day": 10.0}},
        {"rep_id": "x' onmouseover='y", "team": '<b>"east"&', "activity": {"calls_per_day": 50.0}},
    ]
    page = team_report(diagnose_many(reps), title=evil, sources=[evil])
    html = re.sub(r'<script type="application/json".*?</script>', "", page, flags=re.S)
    assert "<script" not in html.replace("<script>", "")
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<b>"east"&' not in html
    assert "x' onmouseover" not in html
    assert html.count("<script>") == 1
    assert page.count("</script>") == 3  # the data's, the script's own and the details'
    assert evil in Page(page).words()  # as data, which the script sets as text


def test_empty_population_gives_a_page() -> None:
    """An empty population renders a page saying so."""
    html = team_report(diagnose_many([]))
    assert "The population is empty" in html
    assert html.endswith("</html>\n")


def test_all_rows_bad_gives_a_page() -> None:
    """When every row is bad, the page says so and lists the problems."""
    html = team_report(diagnose_many([{"rep_id": "a", "activity": {"calls_per_day": -3.0}}]))
    assert "every row had bad data" in html
    assert "Rows left out for bad data" in html


def test_team_of_one() -> None:
    """A team of one: no team-wide cause, no comparison arrows, numbers still shown."""
    reps = [
        {"rep_id": "solo", "team": "t", "activity": {"calls_per_day": 10.0}},
    ]
    batch = diagnose_many(reps)
    html = team_report(batch)
    assert "No cause is shared" in html
    assert_equals_frame(html, batch)


def test_all_reps_undetermined() -> None:
    """Reps with almost no data: every rep is undetermined and the page asks for data."""
    reps = [{"rep_id": f"r{i}", "team": "t", "activity": {"calls_per_day": 8.0}} for i in range(4)]
    batch = diagnose_many(reps)
    html = team_report(batch)
    assert [r["urgency"] for r in Page(html).reps] == ["data"] * 4
    assert "Open verdicts it would decide" in html
    assert all(r["action"].startswith("Collect ") for r in Page(html).reps)


def test_a_system_gap_on_estimates_is_a_suspicion_to_check_not_a_fix() -> None:
    """Lead flow estimated from deals opened (a proxy) raises a system suspicion: the first
    screen puts it with the suspicions to check and its first action checks the estimate,
    never 'take the quota math to your own manager'."""
    rep = {
        "rep_id": "starved",
        "team": "t",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "as_of": "2026-09-30",
        "pipeline": {"quota": 150000.0, "closed_won": 40000.0},
        "activity": {"calls_per_day": 44.0, "meetings_per_week": 5.0},
        "territory": {"lead_volume_vs_team": 0.33, "territory_size_vs_team": 1.0},
        "proxies": ["territory.lead_volume_vs_team", "territory.territory_size_vs_team"],
    }
    batch = diagnose_many([rep])
    d = batch.diagnosis(0)
    assert d.verdict("system").status == "suspected"
    assert not d.verdict("system").blocks_pip
    (line,) = Page(team_report(batch)).reps
    assert line["urgency"] == "suspected"
    assert line["action"].startswith("Check the estimate first: collect the real lead volume")
    measured = diagnose_many([{**rep, "proxies": []}])
    (fix,) = Page(team_report(measured)).reps
    assert fix["urgency"] == "system"


def test_no_team_column_makes_one_team() -> None:
    """Without team values every rep is in one group, 'All reps'."""
    html = team_report(diagnose_many([{"rep_id": "a"}, {"rep_id": "b"}], team_by=None))
    assert "Team All reps" in html


def test_brief_detail_keeps_the_numbers(batch: Batch) -> None:
    """Brief sections still carry every verdict and a link target for every rep."""
    html = team_report(batch, detail="brief")
    assert_equals_frame(html, batch)
    assert len(html) < len(team_report(batch, detail="full"))
    assert all(not r["detail"]["tree"] for r in Page(html).reps)


def test_report_is_deterministic(batch: Batch, page: str) -> None:
    """The same batch and history give the same bytes."""
    assert team_report(batch, history=WEEKS) == page
    made = team_report(batch, made=dt.date(2026, 10, 2))
    assert "Fri 2 Oct 2026" in made


def test_batch_to_html_is_team_report(batch: Batch) -> None:
    """Batch.to_html hands off to the team report."""
    assert batch.to_html(title="East") == team_report(batch, title="East")


def test_to_html_without_renderer(batch: Batch, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no renderer registered, to_html says so in one clear error."""
    monkeypatch.setattr(hooks, "_RENDERERS", {})
    with pytest.raises(BackendUnavailable, match="no html renderer"):
        batch.to_html()


def test_history_as_mapping_or_sequence(batch: Batch, page: str) -> None:
    """A history may be given as a file, a mapping by rep id, or a sequence of histories."""
    weeks = read_team_weeks(WEEKS)
    assert team_report(batch, history=weeks) == page
    assert team_report(batch, history=list(weeks.values())) == page
    with pytest.raises(InvalidMetrics, match="second history"):
        team_report(batch, history=[*weeks.values(), next(iter(weeks.values()))])


def test_unmatched_history_is_reported(batch: Batch) -> None:
    """History for reps not in the population is named, not silently dropped."""
    html = team_report(batch, history=EXAMPLES / "weeks.csv")
    assert "not in the population: rep-will-01" in html


def test_bad_history_names_lines(tmp_path: Path) -> None:
    """Every bad cell and misplaced week in a team history is reported with its line."""
    path = tmp_path / "weeks.csv"
    path.write_text(
        "rep_id,period_start,activity.calls_per_day\n"
        "a,2026-07-06,12\n"
        "a,2026-07-06,13\n"
        "b,2026-07-06,-1\n"
        "b,2026-07-13,1,2\n",
        encoding="utf-8",
    )
    with pytest.raises(InvalidMetrics) as error:
        read_team_weeks(path)
    message = str(error.value)
    assert "line 3" in message
    assert "appears twice" in message
    assert "line 4" in message
    assert "line 5" in message
    assert message.index("line 3") < message.index("line 4") < message.index("line 5")


def test_empty_or_missing_history(tmp_path: Path) -> None:
    """A history with no weeks, or no file, is one clear error."""
    path = tmp_path / "weeks.csv"
    path.write_text("rep_id,period_start\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match="no weeks"):
        read_team_weeks(path)
    with pytest.raises(InvalidMetrics, match="cannot read"):
        read_team_weeks(tmp_path / "absent.csv")


def test_shared_means_several_reps() -> None:
    """One rep is never a pattern; a quarter of the team and two reps are."""
    assert not is_shared(1, 1)
    assert not is_shared(2, 40)
    assert is_shared(2, 8)
    assert is_shared(10, 40)


def test_what_to_collect_counts_open_verdicts(batch: Batch, page: str) -> None:
    """Each metric's count is the number of unknown verdicts it would help decide."""
    counts: dict[str, int] = {}
    for row in batch.rows:
        d = batch.diagnosis(row)
        if d.rep_id.startswith("west-"):
            for v in d.verdicts:
                if v.status == "unknown":
                    for m in {n for u in d.undetermined if u.gap == v.gap for n in u.needs}:
                        counts[m] = counts.get(m, 0) + 1
    west = page[page.index("Team enterprise-west ") : page.index("Team mid-market-east ")]
    shown = dict(
        re.findall(
            r'<tr data-metric="([a-z_.]+)"><th scope="row">[^<]*</th><td class="n">(\d+)</td>', west
        )
    )
    assert {m: int(n) for m, n in shown.items() if m in counts} == counts


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(populations(max_size=8))
def test_any_population_renders_its_numbers(reps: list[dict[str, Any]]) -> None:
    """For any valid population the page renders and holds diagnose_many's numbers."""
    batch = diagnose_many(reps)
    html = team_report(batch)
    assert_equals_frame(html, batch)
    for row in batch.rows[:2]:
        d = diagnose(reps[row], team=batch.team(row))
        assert d == batch.diagnosis(row)
    ranks = [ORDER.index(r["urgency"]) for r in Page(html).reps]
    assert ranks == sorted(ranks)


def test_cli_writes_the_report(tmp_path: Path) -> None:
    """`gapdiag report` writes the page and says how many reps it holds."""
    out, err = io.StringIO(), io.StringIO()
    target = tmp_path / "team.html"
    argv = ["report", str(TEAM), "--history", str(WEEKS), "--out", str(target)]
    assert main(argv, stdout=out, stderr=err) == 0
    written = target.read_text(encoding="utf-8")
    assert written.startswith("<!DOCTYPE html>")
    assert "28 reps" in out.getvalue()
    assert "team.csv" in written  # the data it came from, in the header
    assert "team-weeks.csv" in written


def test_cli_out_dash_is_stdout() -> None:
    """`--out -` writes the page to standard output and nothing else."""
    out = io.StringIO()
    assert main(["report", str(TEAM), "--out", "-", "--detail", "brief"], stdout=out) == 0
    assert out.getvalue().startswith("<!DOCTYPE html>")


def test_cli_bad_rows_exit_1(tmp_path: Path) -> None:
    """Bad rows are listed on the page and make the exit status 1."""
    source = tmp_path / "reps.csv"
    source.write_text("rep_id,team,activity.calls_per_day\na,t,12\nb,t,-4\n", encoding="utf-8")
    out = io.StringIO()
    target = tmp_path / "team.html"
    assert main(["report", str(source), "--out", str(target)], stdout=out) == 1
    assert out.getvalue().endswith(": 1 rep, 1 bad row listed on the page\n")
    assert "Rows left out for bad data" in target.read_text(encoding="utf-8")


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    """A missing population or an unwritable output is one line and exit status 2."""
    err = io.StringIO()
    assert main(["report", str(tmp_path / "no.csv"), "--out", "x.html"], stderr=err) == 2
    assert err.getvalue().count("\n") == 1
    err = io.StringIO()
    argv = ["report", str(TEAM), "--out", str(tmp_path / "no" / "dir" / "x.html")]
    assert main(argv, stderr=err) == 2
    assert "cannot write" in err.getvalue()


def test_example_files_are_generated(tmp_path: Path) -> None:
    """examples/team.csv and team-weeks.csv are exactly what make_team.py writes."""
    spec = importlib.util.spec_from_file_location("make_team", EXAMPLES / "make_team.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    for name in ("team.csv", "team-weeks.csv"):
        assert (tmp_path / name).read_text() == (EXAMPLES / name).read_text()


def test_pack_without_a_tree(batch: Batch) -> None:
    """A pack with no decision tree gives sections without a tree, full or brief."""
    from gapdiag import load_rules

    book = load_rules()
    bare = book.model_copy(update={"tree": None})
    reps = [{"rep_id": "a", "team": "t", "activity": {"calls_per_day": 12.0}}]
    batch_ = diagnose_many(reps, rules=bare)
    for detail in ("full", "brief"):
        html = team_report(batch_, detail=detail)
        assert all(not r["detail"]["tree"] and not r["detail"]["tree_end"] for r in Page(html).reps)
        assert_equals_frame(html, batch_)


def test_brief_sections_say_where_the_tree_ended() -> None:
    """Brief sections name the tree's leaf (a gap or no gap) or the data that stopped it."""
    healthy = diagnose_many(EXAMPLES / "team.csv")
    reps = Page(team_report(healthy, detail="brief")).reps
    ends = [r["detail"]["tree_end"] for r in reps]
    assert any("the tree ends at no gap" in e for e in ends)
    assert any("the tree ends at Will" in e for e in ends)
    assert any("the tree stops for lack of data" in e for e in ends)
    assert any(r["detail"]["more"] > 0 for r in reps)


def test_report_diagnoses_are_batch_diagnoses(batch: Batch) -> None:
    """The Diagnosis behind every rep's section is Batch.diagnosis(row), field for field."""
    from gapdiag import load_interventions
    from gapdiag.notebook.report.assemble import assemble

    report = assemble(batch, title="t", histories={}, library=load_interventions())
    lines = [line for team in report.teams for line in team.reps]
    assert sorted(line.row for line in lines) == list(batch.rows)
    assert sorted(line.row for line in report.reps) == list(batch.rows)
    for line in lines:
        d = batch.diagnosis(line.row)
        assert line.verdicts == tuple((v.gap, v.status, v.confidence) for v in d.verdicts)
        assert line.detail.fired == d.fired


def test_polars_population() -> None:
    """A polars population gives the same page as the same rows in pandas."""
    pl = pytest.importorskip("polars")
    frame = pd.read_csv(TEAM)
    from_pandas = team_report(diagnose_many(frame))
    assert team_report(diagnose_many(pl.from_pandas(frame))) == from_pandas


def test_texts_from_elsewhere_show_labels_and_are_escaped() -> None:
    """A custom pack's text naming a metric path reads as its label; markup stays text."""
    from gapdiag.model.wording import humanize

    shown = humanize("calls.talk_ratio <b>high</b>; see territory.lead_volume_vs_team")
    assert "calls.talk_ratio" not in shown
    assert "territory.lead_volume_vs_team" not in shown
    assert "<b>high</b>" in shown  # plain text: the page's script sets it as text
    assert "e.g." in humanize("e.g. this")  # a word with a dot that is no path stays


def test_teams_come_in_natural_order() -> None:
    """team-2 comes before team-10, and 'No team' last."""
    reps = [{"rep_id": f"r{t}", "team": f"team-{t}"} for t in (10, 2, 1)]
    reps.append({"rep_id": "loose"})
    data = Page(team_report(diagnose_many(reps))).data
    assert [t[0] for t in data["teams"]] == ["team-1", "team-2", "team-10", "No team"]


def test_names_from_a_teams_file(tmp_path: Path, batch: Batch) -> None:
    """A teams file's Name column names reps; reps without one keep their id."""
    teams = tmp_path / "teams.csv"
    teams.write_text(
        "Rep,Team,Full Name\neast-01,mid-market-east,Ada Park\nwest-02,enterprise-west,\n",
        encoding="utf-8",
    )
    reps = {r["id"]: r["name"] for r in Page(team_report(batch, names=teams)).reps}
    assert reps["east-01"] == "Ada Park"
    assert reps["west-02"] == "west-02"
    mapped = {r["id"]: r["name"] for r in Page(team_report(batch, names={"west-02": "Bo"})).reps}
    assert mapped["west-02"] == "Bo"


def test_bad_names_files(tmp_path: Path) -> None:
    """A names file without the columns, or naming a rep twice, is one clear error."""
    from gapdiag.notebook.report import read_names

    path = tmp_path / "teams.csv"
    path.write_text("Rep,Team\na,t\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match=r"needs a name column.*'Rep', 'Team'"):
        read_names(path)
    path.write_text("rep_id,name\na,Ann\na,Anne\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match=r"line 3: rep 'a' is named 'Anne' here and 'Ann'"):
        read_names(path)
    with pytest.raises(InvalidMetrics, match="cannot read"):
        read_names(tmp_path / "absent.csv")
    path.write_text("name\nAnn\n", encoding="utf-8")
    with pytest.raises(InvalidMetrics, match="needs a rep column"):
        read_names(path)


def test_header_says_pack_period_date_reps_and_sources(batch: Batch) -> None:
    """The header names the rule pack, the period, the date made, the reps and the data."""
    html = team_report(batch, made=dt.date(2026, 10, 5), sources=["population team.csv"])
    head = html[: html.index("</header>")]
    assert "gapdiag-default" in head
    assert "1 Jul to 30 Sep 2026" in head
    assert "Mon 5 Oct 2026" in head
    assert "28 reps in 3 teams" in head
    assert "population team.csv" in head


def test_header_names_the_exports_the_rows_came_from(tmp_path: Path) -> None:
    """Exports named in the rows' sources column (ingest's) come first, then the files given."""
    reps = [json.loads((EXAMPLES / f"{n}-rep.json").read_text()) for n in ("will", "skill")]
    reps[0]["sources"] = ["opportunity export opps.csv", "quota sheet q.csv"]
    reps[1]["sources"] = ["opportunity export opps.csv"]
    path = tmp_path / "reps.csv"
    pd.DataFrame([flatten(r) for r in reps]).to_csv(path, index=False)
    batch = diagnose_many(path)
    assert batch.sources() == ("opportunity export opps.csv", "quota sheet q.csv")
    assert diagnose_many(reps).sources() == batch.sources()
    out = tmp_path / "team.html"
    assert main(["report", str(path), "--out", str(out)], stdout=io.StringIO()) == 0
    head = out.read_text(encoding="utf-8").split("</header>")[0]
    data = "opportunity export opps.csv; quota sheet q.csv; population reps.csv"
    assert f"<dt>Data</dt><dd>{data}</dd>" in head


def test_healthy_reps_and_several_periods() -> None:
    """Healthy reps on track read 'No gap found' and are grouped on track; periods counted."""
    healthy = json.loads((EXAMPLES / "healthy-rep.json").read_text(encoding="utf-8"))
    healthy["territory"]["stage_definitions_ok"] = True  # everything recorded
    later = {**healthy, "rep_id": "h2", "period_start": "2026-10-01", "period_end": "2026-12-31"}
    html = team_report(diagnose_many([healthy, later]))
    reps = Page(html).reps
    assert {r["urgency"] for r in reps} == {"on_track"}
    assert {r["standing"] for r in reps} == {"on_track"}
    assert {r["say"] for r in reps} == {"No gap found"}
    assert all(
        r["action"] == "Keep the current rhythm" or r["action"].startswith("Watch: ") for r in reps
    )
    assert "2 periods, 1 Jul to 31 Dec 2026" in html
    assert "Nothing to collect" in html


def test_a_big_teams_cause_names_a_dozen_reps() -> None:
    """A cause most of a big team shares links a dozen reps and counts the rest."""
    reps = [{"rep_id": f"r{i}", "team": "t", "activity": {"calls_per_day": 8.0}} for i in range(30)]
    html = team_report(diagnose_many(reps))
    cause = html[html.index('<div class="cause missing"') :]
    cause = cause[: cause.index("</div>")]
    assert cause.count('<a href="#rep-') == 12
    assert "and 18 more (the team's table lists them)" in cause


def test_counts_read_in_the_right_number(batch: Batch) -> None:
    """'1 rep', '1 more problem is', '3 more fired rules are': never 'rep(s)' on the page,
    in the Python-written parts or in the words its script says."""
    from gapdiag.notebook.report import _words
    from gapdiag.notebook.report.html import MAX_BAD_ROWS

    html = team_report(batch, history=EXAMPLES / "weeks.csv")
    assert "weeks for 1 rep not in the population: rep-will-01" in html
    assert not [v for v in _words.UI.values() if "(s)" in v]
    for extra, says in ((1, "1 more problem is"), (2, "2 more problems are")):
        reps = [{"rep_id": f"r{i}", "pipeline": {"win_rate": 25}} for i in range(MAX_BAD_ROWS)]
        reps += [{"rep_id": f"x{i}", "pipeline": {"win_rate": 25}} for i in range(extra)]
        reps.append({"rep_id": "ok", "pipeline": {"win_rate": 0.2}})
        page = team_report(diagnose_many(reps))
        assert f"<p>{says} not listed here.</p>" in page
