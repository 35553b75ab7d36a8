"""Verdicts a manager can trust (issue 23): each failure it lists, through the API and the CLI.

Standing comes before cause, evidence is weighed by how much there is, proxies are named,
"short" means meaningfully short, the stronger evidence names the primary gap, and every
command that reads the same rows gives the same verdicts in one vocabulary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, diagnose_many
from gapdiag.cli import main
from gapdiag.coaching.plan import plan
from gapdiag.model.metrics import RepMetrics

from .conftest import behind
from .crm_exports import sample_ingest
from .strategies import reps

NORMAL = {"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0}


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The shipped sample exports for 2017-Q2, ingested and diagnosed by the CLI."""
    folder = tmp_path_factory.mktemp("exports")
    reps_csv, diag_csv = folder / "reps.csv", folder / "diag.csv"
    code, out, _ = _run(*sample_ingest("--out", str(reps_csv), "--diagnose", str(diag_csv)))
    assert code in (0, 1)
    with diag_csv.open(newline="") as handle:
        rows = {row["rep_id"]: row for row in csv.DictReader(handle)}
    return {"reps": reps_csv, "diag": rows, "summary": out, "folder": folder}


# 1. Reps at or over quota are not diagnosed as failing.


def test_reps_at_or_over_quota_get_no_gap_in_the_cli(sample: dict[str, Any]) -> None:
    """Ben Cole (103.8%), Fay Diaz (100.9%) and Hana Ito (105.4%) are ahead, with no gap."""
    for name in ("Ben Cole", "Fay Diaz", "Hana Ito", "Ana Ruiz"):
        row = sample["diag"][name]
        assert row["standing"] == "ahead"
        assert row["primary_gap"] == ""
        assert row["outcome"] == "no_gap_found"
        assert "confirmed" not in {row[f"{g}.status"] for g in ("system", "will", "skill")}


def test_a_rep_over_quota_reads_ahead_with_money_never_negative(sample: dict[str, Any]) -> None:
    """The explanation leads with the standing; no '-$' appears, and no gap is to be fixed."""
    batch = diagnose_many(sample["reps"])
    names = [str(n) for n in batch.frame["rep_id"]]
    ben = batch.diagnosis(names.index("Ben Cole"))
    text = ben.explain()
    lines = text.splitlines()
    assert lines[1].startswith("Ahead: closed $623,019 of the $600,000 quota (103.8%)")
    assert "$23,019 over quota" in lines[1]
    assert "-$" not in text
    assert "Primary gap" not in text
    assert "Nothing to fix this period" in lines[2]
    assert ben.primary_gap is None
    assert all(v.status != "confirmed" for v in ben.verdicts)
    assert ben.watch  # the low activity is kept as a note for the next period


def test_the_cli_explains_a_rep_over_quota_as_ahead(tmp_path: Path) -> None:
    """`gapdiag diagnose rep.json` on a rep over quota: ahead first, no gap, no PIP talk."""
    rep = {
        "rep_id": "over",
        "period_start": "2017-04-01",
        "period_end": "2017-06-30",
        "as_of": "2017-06-30",
        "activity": {"calls_per_day": 12.8, "meetings_per_week": 0.6},
        "pipeline": {"quota": 600000, "closed_won": 623019, "commit": 150000},
        "ownership": {"deflections_per_one_on_one": 3, "commitment_score": 5},
        "territory": NORMAL,
    }
    path = tmp_path / "rep.json"
    path.write_text(json.dumps(rep))
    code, out, _ = _run("diagnose", str(path))
    assert code == 0
    assert out.splitlines()[1].startswith("Ahead:")
    assert "Primary gap" not in out
    assert "PIP" not in out
    code, out, _ = _run("diagnose", str(path), "--format", "json")
    data = json.loads(out)
    assert data["standing"]["status"] == "ahead"
    assert (data["primary_gap"], data["outcome"]) == (None, "no_gap_found")
    assert all(v["status"] != "confirmed" for v in data["verdicts"])


# 2. An on-track rep with one middling number gets a watch note, not a primary gap.

ON_TRACK = {
    "rep_id": "on-track",
    "activity": {"calls_per_day": 44, "meetings_per_week": 6, "meeting_to_opportunity_rate": 0.36},
    "pipeline": {
        "quota": 150000,
        "closed_won": 60000,
        "commit": 20000,
        "open_pipeline": 364000,
        "win_rate": 0.3,
    },
    "calls": {"discovery_questions_per_call": 9},
    "knowledge": {"product_quiz_score": 0.93},
}


def test_an_on_track_rep_with_one_middling_number_gets_a_watch_note() -> None:
    """Pipeline 5.2x the gap: on track; 9 discovery questions against 11 is a watch note."""
    d = diagnose(ON_TRACK)
    assert d.standing.status == "on_track"
    assert d.primary_gap is None
    assert d.outcome == "no_gap_found"
    assert any("9 questions per discovery call" in w.text for w in d.watch)
    assert "Primary gap" not in d.explain()


def test_pace_through_the_period_makes_a_rep_on_track() -> None:
    """40% of quota 40% of the working days into the quarter is on track; 20% is behind."""
    base = {
        "rep_id": "pace",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "as_of": "2026-08-05",  # 26 of 66 working days: 39.4%
        "pipeline": {"quota": 100000, "closed_won": 40000},
    }
    d = diagnose(base)
    assert (d.standing.status, d.standing.settled_by) == ("on_track", "pace")
    assert d.standing.days_elapsed == 26
    assert d.standing.days_in_period == 66
    behind = diagnose({**base, "pipeline": {"quota": 100000, "closed_won": 20000}})
    assert (behind.standing.status, behind.standing.settled_by) == ("behind", "pace")
    assert "short of it" in behind.explain().splitlines()[1]


def test_an_unknown_standing_says_what_to_collect() -> None:
    """Without quota figures the standing is unknown, and the text names what would tell it."""
    d = diagnose({"rep_id": "blank", "activity": {"calls_per_day": 30}})
    assert d.standing.status == "unknown"
    assert d.standing.needs == ("pipeline.quota", "pipeline.closed_won")
    assert d.explain().splitlines()[1].startswith("Standing unknown: collect quota and revenue won")


# 3. Near-plan activity is on plan: the margin.


def test_near_plan_activity_is_not_a_will_gap() -> None:
    """39.55 calls a day (98.9% of plan) with meetings at 86% is not 'only' anything."""
    rep = {
        "rep_id": "near",
        "activity": {"calls_per_day": 39.55, "meetings_per_week": 4.3},
        "territory": NORMAL,
    }
    d = diagnose(rep)
    assert d.verdict("will").status not in ("confirmed", "suspected")
    assert "Only 39.55" not in d.explain()
    assert "activity-low-calls-normal-leads" not in d.fired


def test_a_team_can_tighten_a_margin() -> None:
    """A team that sets no margin on calls reads 39 of 40 calls a day as short again."""
    rep = {"rep_id": "tight", "activity": {"calls_per_day": 39}}
    loose = diagnose(rep)
    tight = diagnose(rep, targets={"margins": {"calls_per_day": 0.0}})
    assert "activity-calls-at-or-above-plan" in loose.fired
    assert "activity-calls-at-or-above-plan" not in tight.fired


# 4. A handful of observations cannot confirm anything.


def test_a_rate_from_one_deal_is_set_aside() -> None:
    """0 of 1 deal moving on is read as unknown, and the text says too few to judge."""
    rep = {
        "rep_id": "one-deal",
        "pipeline": {"stage_conversion_rate": 0.0, "deals_in_play": 1},
        "calls": {"open_question_ratio": 0.2, "talk_ratio": 0.7},
    }
    d = diagnose(rep)
    assert "pipeline-low-stage-conversion" not in d.fired
    assert [s.metric for s in d.set_aside] == ["pipeline.stage_conversion_rate"]
    text = d.explain()
    assert "from 1 deal in play: too few to judge (at least 5 needed)" in text
    typed = diagnose(
        {
            **rep,
            "pipeline": {"stage_conversion_rate": 0.0},
            "knowledge": {"product_quiz_score": 0.9},
        }
    )
    assert "pipeline-low-stage-conversion" in typed.fired  # no count: as typed in


def test_thin_evidence_cannot_confirm() -> None:
    """Rates from a few calls can raise a suspicion but never confirm a gap alone."""
    calls = {"open_question_ratio": 0.2, "talk_ratio": 0.7, "rubric_score": 2.0}
    solid = diagnose(behind({"rep_id": "solid", "calls": {**calls, "calls_measured": 12}}))
    thin = diagnose(behind({"rep_id": "thin", "calls": {**calls, "calls_measured": 3}}))
    assert solid.verdict("skill").status == "confirmed"
    skill = thin.verdict("skill")
    assert (skill.status, skill.capped_by) == ("suspected", "thin")
    assert skill.confidence == solid.verdict("skill").confidence
    assert "not confirmed: it rests on too few observations" in thin.explain()


# 5. Proxies are named, stay suspected at most and never block a PIP alone.


def test_a_proxy_alone_never_confirms_or_blocks_a_pip() -> None:
    """Lead flow estimated from deals opened: system suspected, PIP not blocked, named."""
    rep = {
        "rep_id": "proxy",
        "activity": {"calls_per_day": 12, "meetings_per_week": 1},
        "pipeline": {"quota": 200000, "closed_won": 30000, "commit": 20000},
        "territory": {"lead_volume_vs_team": 0.4},
        "proxies": ["territory.lead_volume_vs_team"],
    }
    measured = diagnose(behind({**rep, "proxies": None}))
    assert measured.verdict("system").status == "confirmed"
    assert measured.pip_blocked
    d = diagnose(behind(rep))
    system = d.verdict("system")
    assert (system.status, system.capped_by) == ("suspected", "proxy")
    assert not d.pip_blocked
    assert not system.blocks_pip
    text = d.explain()
    assert "A proxy: lead volume against the team was estimated from the deals the rep opened" in (
        text
    )
    assert "Check the estimate first: collect the real lead volume against the team" in text


def test_ingest_marks_its_territory_figures_as_proxies(sample: dict[str, Any]) -> None:
    """The teams file's lead volume and size, and stage conversion (won out of deals in play:
    an export has no stage history), are written as proxies, with the counts beside."""
    with sample["reps"].open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["proxies"] == (
            "territory.lead_volume_vs_team;territory.territory_size_vs_team;"
            "pipeline.stage_conversion_rate"
        )
        assert row["as_of"] == "2017-06-30"
        assert float(row["pipeline.closed_deals"]) > 0
    for name, row in sample["diag"].items():
        assert row["pip_blocked"] == "False", name  # every system fact here is a proxy


# 6. The tree's words are true of its numbers, and the stronger evidence wins.


def test_the_will_leaf_does_not_claim_conversion_at_plan() -> None:
    """Calls under half the plan with conversion at 38% of plan: the leaf says nothing of plan."""
    rep = {
        "rep_id": "low",
        "activity": {"calls_per_day": 12.8, "meetings_per_week": 0.6},
        "territory": NORMAL,
    }
    d = diagnose(rep)
    assert d.tree_leaf is not None
    assert d.tree_leaf.id == "will-low-volume"
    assert "converts at plan" not in d.tree_leaf.reason
    assert "under half of it" in d.tree_leaf.reason


def test_the_stronger_evidence_names_the_primary_gap() -> None:
    """Seed 001's knowledge rep: weak positioning outweighs the tree's skill leaf."""
    rep = {
        "rep_id": "positioning",
        "activity": {
            "calls_per_day": 42,
            "meetings_per_week": 5,
            "meeting_to_opportunity_rate": 0.18,
        },
        "calls": {"rubric_score": 4.5, "objection_handling_score": 4.2},
        "knowledge": {"product_quiz_score": 0.9, "competitor_positioning_score": 1.5},
        "territory": NORMAL,
    }
    d = diagnose(behind(rep))
    assert d.tree_leaf is not None
    assert d.tree_leaf.gap == "skill"
    assert d.primary_gap == "knowledge"
    assert d.tree_agrees is False
    assert "the rules' evidence for knowledge is stronger (50%)" in d.explain()


# 7. One answer from every command, in one vocabulary.


def test_every_command_gives_the_same_verdicts_on_one_file(
    sample: dict[str, Any], tmp_path: Path
) -> None:
    """ingest --diagnose, diagnose FILE --out, diagnose_many and report agree on every rep."""
    out = tmp_path / "again.csv"
    code, summary, _ = _run("diagnose", str(sample["reps"]), "--out", str(out))
    assert code == 0
    assert "teams: by the team column (2 teams)" in summary
    with out.open(newline="") as handle:
        again = {row["rep_id"]: row for row in csv.DictReader(handle)}
    batch = diagnose_many(sample["reps"])
    frame = batch.frame
    for index, name in enumerate(str(n) for n in frame["rep_id"]):
        ingested = sample["diag"][name]
        for column in ("standing", "primary_gap", "outcome", "will.status", "system.status"):
            assert again[name][column] == ingested[column], (name, column)
        d = batch.diagnosis(index)
        assert (d.primary_gap or "") == ingested["primary_gap"]
        assert d.standing.status == ingested["standing"]
    page = tmp_path / "page.html"
    code, _, _ = _run("report", str(sample["reps"]), "--out", str(page))
    assert code == 0


def test_a_file_without_a_team_column_is_one_team_everywhere(tmp_path: Path) -> None:
    """No team column: diagnose_many and the CLI both judge the rows as one team, and say so."""
    rows = [
        {
            "rep_id": f"r{i}",
            "pipeline": {"stage_conversion_rate": rate},
            "knowledge": {"product_quiz_score": 0.9},
        }
        for i, rate in enumerate((0.3, 0.5, 0.5, 0.5))
    ]
    batch = diagnose_many(rows)
    assert batch.summary.team_by is None
    assert batch.summary.grouping().startswith("all reps")
    assert "pipeline-stage-conversion-below-team" in batch.diagnosis(0).fired


def test_the_summary_never_says_none(sample: dict[str, Any]) -> None:
    """The ingest summary separates 'no gap found' from 'undetermined' and names standings."""
    summary = sample["summary"]
    assert "none" not in summary.split()
    for words in ("no gap found", "undetermined", "ahead", "behind", "on track"):
        assert words in summary


# Properties.


@settings(max_examples=150, deadline=None)
@given(reps(), st.floats(0.0, 3.0))
def test_a_rep_not_behind_never_gets_a_confirmed_verdict(rep: RepMetrics, over: float) -> None:
    """Whatever else is true, a rep at or over quota gets no confirmed verdict, no primary gap."""
    data = rep.model_dump(exclude_none=True)
    data["pipeline"] = data.get("pipeline", {}) | {"quota": 1e5, "closed_won": 1e5 * (1 + over)}
    d = diagnose(data)
    assert d.standing.status == "ahead"
    assert d.primary_gap is None
    assert all(v.status != "confirmed" for v in d.verdicts)
    assert d.outcome == "no_gap_found"


def test_a_plan_that_starts_after_the_period_sets_no_coverage_gap_in_it() -> None:
    """Figures without as_of for Jul-Sep, a plan starting in December: the period is over, so
    there is no coverage gap to close 'by Friday'; started inside the period, there is."""
    rep = json.loads((Path(__file__).parent.parent / "examples" / "will-rep.json").read_text())
    late = plan(rep, start=dt.date(2026, 12, 7))
    assert late.coverage is None
    assert late.standing == diagnose(rep).standing  # one answer: the plan adds a note
    assert "ended on Wed 30 Sep 2026, before this plan starts" in late.render()
    assert "Close the coverage gap" not in late.render()
    early = plan(rep, start=dt.date(2026, 8, 3))
    assert early.coverage is not None
    assert "Close the coverage gap by" in early.render()
    assert "before this plan starts" not in early.render()


def test_the_next_periods_cover_counts_only_what_this_period_leaves() -> None:
    """On track ($50k of $100k won, $10k committed, $200k open at 25%): the $40k still
    needed takes $160k of the pipeline at that win rate, leaving $40k for the next period;
    the watch note says so instead of '2.0x one period's quota'."""
    rep = {
        "rep_id": "r",
        "period_start": "2026-07-01",
        "period_end": "2026-09-30",
        "pipeline": {
            "quota": 100_000,
            "closed_won": 50_000,
            "commit": 10_000,
            "open_pipeline": 200_000,
            "win_rate": 0.25,
        },
    }
    d = diagnose(rep)
    assert d.standing.status == "on_track"
    assert d.standing.pipeline_left == 40_000
    assert d.standing.next_coverage == 0.4
    (note,) = [w.text for w in d.watch if w.gap is None]
    said = (
        "Next period: $40,000 of open pipeline is left once $160,000 of it goes to the $40,000 "
        "still needed this period; that is 0.4\u00d7 one period's quota, against 4.0\u00d7 needed"
    )
    assert note == said
    covered = dict(rep, pipeline={**rep["pipeline"], "commit": 60_000, "open_pipeline": 80_000})
    (note,) = [w.text for w in diagnose(covered).watch if w.gap is None]
    assert note == (
        "Next period: the $80,000 of open pipeline is 0.8\u00d7 one period's quota, "
        "against 4.0\u00d7 needed"
    )
