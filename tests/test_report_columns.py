"""What the team page writes for each rep from the batch's columns is what the rep's own
Diagnosis gives (issues 27 and 28): the fast path of a large page cannot drift.

The population is generated from a fixed seed: reps ahead, on track, behind and of unknown
standing, missing data, proxies and thin counts, so the tree both ends at leaves (by routes
of one length and of several) and stops for lack of data.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import json
from collections import Counter
from itertools import repeat
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

np = pytest.importorskip("numpy")
pd = pytest.importorskip("pandas")

from gapdiag.coaching.history import RepHistory  # noqa: E402
from gapdiag.coaching.playbook import choose_focus  # noqa: E402
from gapdiag.coaching.skills import current_drill, skill_queue  # noqa: E402
from gapdiag.engines.assemble import assemble as assemble_diagnosis  # noqa: E402
from gapdiag.engines.assemble import weak_of  # noqa: E402
from gapdiag.engines.compiled import outcomes  # noqa: E402
from gapdiag.engines.vector.batch import Batch, diagnose_many  # noqa: E402
from gapdiag.model.diagnosis import Diagnosis  # noqa: E402
from gapdiag.model.metrics import RepMetrics, Targets  # noqa: E402
from gapdiag.notebook.report import _ends, _open  # noqa: E402
from gapdiag.notebook.report._detail import Section, _tree_end, detail_of  # noqa: E402
from gapdiag.notebook.report._sections import brief_sections  # noqa: E402
from gapdiag.notebook.report._words import URGENCY  # noqa: E402
from gapdiag.notebook.report.assemble import LEADING, Report, assemble  # noqa: E402
from gapdiag.notebook.signs import open_needs  # noqa: E402
from gapdiag.rulebook.facts import build_facts, facts_and_basis  # noqa: E402
from gapdiag.rulebook.interventions import Interventions, load_interventions  # noqa: E402
from gapdiag.rulebook.pack import Rulebook  # noqa: E402
from gapdiag.rulebook.template import Template  # noqa: E402

from .conftest import rule_dict  # noqa: E402

assemble_module = importlib.import_module("gapdiag.notebook.report.assemble")
"""The module (the package's `assemble` names its function)."""
REPS = 400
# (column, low, high): values spread around the default targets; about 20% left absent.
SPREAD: tuple[tuple[str, float, float], ...] = (
    ("tenure_months", 0.5, 60),
    ("activity.calls_per_day", 5, 120),
    ("activity.emails_per_day", 5, 100),
    ("activity.meetings_per_week", 0, 12),
    ("activity.avg_call_minutes", 0.5, 12),
    ("activity.meeting_to_opportunity_rate", 0, 0.6),
    ("activity.working_days", 2, 60),
    ("activity.timed_calls", 4, 400),
    ("pipeline.closed_won", 0, 300_000),
    ("pipeline.commit", 0, 80_000),
    ("pipeline.open_pipeline", 0, 900_000),
    ("pipeline.win_rate", 0.05, 0.5),
    ("pipeline.closed_deals", 1, 40),
    ("pipeline.avg_deal_age_days", 5, 150),
    ("pipeline.stage_conversion_rate", 0.05, 0.7),
    ("calls.discovery_questions_per_call", 2, 20),
    ("calls.open_question_ratio", 0.1, 0.9),
    ("calls.talk_ratio", 0.2, 0.8),
    ("calls.calls_measured", 1, 12),
    ("ownership.forecast_accuracy", 0.3, 1),
    ("ownership.commitment_score", 3, 10),
    ("territory.lead_volume_vs_team", 0.3, 1.6),
    ("territory.lead_quality_score", 1, 5),
    ("territory.manager_coaching_hours_per_week", 0, 5),
    ("knowledge.product_quiz_score", 0.3, 1),
    ("knowledge.competitor_positioning_score", 1, 5),
)
FLAGS = ("territory.lead_routing_ok", "knowledge.certified", "knowledge.comp_plan_understood")
PROXIES = ("territory.lead_volume_vs_team", "activity.meetings_per_week;pipeline.win_rate")


def population(reps: int = REPS, seed: int = 27) -> Any:
    """A messy population with every standing, missing data, proxies and thin counts."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {
        "rep_id": [f"rep-{i}" for i in range(reps)],
        "team": [f"team-{i % 7}" for i in range(reps)],
        "pipeline.quota": np.where(rng.random(reps) < 0.9, 200_000.0, np.nan),
    }
    for name, low, high in SPREAD:
        values = np.round(rng.uniform(low, high, reps), 2)
        values[rng.random(reps) < 0.2] = np.nan
        data[name] = values
    for name in FLAGS:
        flags = pd.array(rng.random(reps) < 0.7, dtype="boolean")
        flags[rng.random(reps) < 0.2] = pd.NA
        data[name] = flags
    start, end = dt.date(2026, 10, 1), dt.date(2026, 12, 31)
    days = rng.integers(5, 92, reps)
    data["period_start"] = [start.isoformat()] * reps
    data["period_end"] = [end.isoformat()] * reps
    data["as_of"] = [
        (start + dt.timedelta(days=int(d))).isoformat() if rng.random() < 0.85 else None
        for d in days
    ]
    data["proxies"] = [PROXIES[i % 2] if rng.random() < 0.15 else None for i in range(reps)]
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def batch() -> Batch:
    """The generated population, diagnosed."""
    return diagnose_many(population())


@pytest.fixture(scope="module")
def library() -> Interventions:
    """The shipped interventions."""
    return load_interventions(None)


@pytest.fixture(scope="module")
def brief(batch: Batch, library: Interventions) -> Report:
    """The population's page with brief sections: the form a large population gets."""
    return assemble(batch, title="Team report", histories={}, library=library, detail="brief")


def _diagnosis_path(batch: Batch, row: int, library: Interventions) -> tuple[Diagnosis, Any]:
    """The rep's own Diagnosis (`Batch.diagnosis`, equal to `diagnose`) and its focus."""
    d = batch.diagnosis(row)
    facts = build_facts(batch.rep(row), batch.targets, batch.team(row))
    return d, choose_focus(d, facts, library, batch.targets)


def test_the_population_covers_every_case(batch: Batch, brief: Report) -> None:
    """Every standing, proxies, thin counts, tree leaves by one and by several route
    lengths, and tree stops: else the comparisons below would prove less than they say."""
    assert set(batch.frame["standing"]) == {"ahead", "on_track", "behind", "unknown"}
    assert set(batch.frame["outcome"]) == {"gap", "no_gap_found", "undetermined"}
    diagnoses = [batch.diagnosis(row) for row in batch.rows]
    assert any(any(v.capped_by == "proxy" for v in d.verdicts) for d in diagnoses)
    assert any(any(v.capped_by == "thin" for v in d.verdicts) for d in diagnoses)
    assert any(d.watch for d in diagnoses)
    lengths: dict[str, set[int]] = {}
    for d in diagnoses:
        end = d.tree_leaf.id if d.tree_leaf is not None else "stop"
        lengths.setdefault(end, set()).add(len(d.tree_path))
    assert any(len(seen) > 1 for end, seen in lengths.items() if end != "stop")
    assert any(len(seen) == 1 for end, seen in lengths.items() if end != "stop")
    assert len(lengths["stop"]) > 1
    reached = _ends.reached(batch)
    assert reached is not None
    assert any(stop is not None for _, stop in reached)


def test_brief_sections_are_the_diagnosis_path(
    batch: Batch, brief: Report, library: Interventions
) -> None:
    """Each rep's brief section, read from the batch's columns where they serve, equals the
    section built from that rep's own Diagnosis (`Batch.diagnosis`, equal to `diagnose`)."""
    assert brief.brief
    for line in brief.reps:
        d, focus = _diagnosis_path(batch, line.row, library)
        needs, by_gap = open_needs(d)
        assert line.detail == detail_of(d, focus, None, brief=True), line.row
        assert line.detail.tree_end == _tree_end(d)
        assert line.standing == d.standing.status
        assert line.verdicts == tuple((v.gap, v.status, v.confidence) for v in d.verdicts)
        assert line.needs == needs
        assert dict(line.open_by_gap) == {
            v.gap: by_gap.get(v.gap, ()) for v in d.verdicts if v.status == "unknown"
        }
        assert (line.focus_gap, line.focus_status) == (
            (focus.gap, focus.status) if focus else (None, None)
        )


def test_open_rules_and_needs_are_each_diagnosis_s(batch: Batch, library: Interventions) -> None:
    """The rules left open and what they need, read from the batch's arrays for every rep at
    once, are what each rep's own Diagnosis lists; so is each full section built from them."""
    full = assemble(batch, title="t", histories={}, library=library, detail="full")
    lines = {line.row: line for line in full.reps}
    ties = 0
    for row, found in zip(batch.rows, _open.open_rules(batch), strict=True):
        d, focus = _diagnosis_path(batch, row, library)
        needs, by_gap = open_needs(d)
        assert found.rules == tuple(u.rule for u in d.undetermined), row
        facts = build_facts(batch.rep(row), batch.targets, batch.team(row))
        assert found.outcomes == outcomes(batch.rules, facts), row
        assert found.needs == needs, row
        unknown = {v.gap: by_gap.get(v.gap, ()) for v in d.verdicts if v.status == "unknown"}
        assert found.by_gap == unknown, row
        assert lines[row].detail == detail_of(d, focus, None, brief=False), row
        counts = Counter(n for u in d.undetermined for n in u.needs)
        ties += len(counts) != len(set(counts.values()))
    assert ties  # the order of metrics needed equally often is tested too


_TEAM_AND_DERIVED = (
    rule_dict("slow", "derived.attainment < 0.5 and activity.calls_per_day < 40"),
    rule_dict(
        "behind-team",
        "pipeline.win_rate < team.median.pipeline.win_rate or calls.talk_ratio > 0.6",
    ),
    rule_dict("quiet", "activity.calls_per_day < 20 and pipeline.win_rate < 0.2"),
)
"""Rules that read derived and team values, several metrics each."""


def _numbers_are_each_diagnosis_s(batch: Batch) -> Counter[str]:
    """Each rep's Diagnosis built from the verdict numbers the batch worked out for every
    rep at once equals the rep's own (`Batch.diagnosis`); the caps seen, counted."""
    caps: Counter[str] = Counter()
    for row, found in zip(batch.rows, _open.open_rules(batch), strict=True):
        rep, team = batch.rep(row), batch.team(row)
        facts, basis = facts_and_basis(rep, batch.targets, team)
        d = assemble_diagnosis(
            rep, batch.rules, facts, found.outcomes, "compiled", basis, found.numbers
        )
        own = batch.diagnosis(row)
        assert d.model_dump() == own.model_dump(), row
        assert found.fired == {v.gap: v.fired_rules() for v in own.verdicts}, row
        for mine, theirs in zip(d.verdicts, own.verdicts, strict=True):
            assert repr(mine.certainty) == repr(theirs.certainty), row  # -0.0 kept
            assert repr(mine.confidence) == repr(theirs.confidence), row
        caps.update(str(v.capped_by) for v in own.verdicts)
        caps.update(f"blocks {v.blocks_pip}" for v in own.verdicts if v.gap == "system")
    return caps


def test_verdict_numbers_from_the_batch_are_each_diagnosis_s(batch: Batch) -> None:
    """Certainty, confidence, status, cap and PIP block, from the batch's arrays, give each
    rep the Diagnosis it gets alone, over every cap: thin, proxy, standing, none; so do the
    rules that fired on each gap."""
    caps = _numbers_are_each_diagnosis_s(batch)
    assert {"thin", "proxy", "standing", "None", "blocks True", "blocks False"} <= set(caps)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**16), reps=st.integers(1, 60))
def test_verdict_numbers_hold_on_generated_populations(seed: int, reps: int) -> None:
    """The same on generated populations of every size, for a pack whose rules read derived
    and team values and name their counters."""
    book = Rulebook.from_rules(
        [
            *_TEAM_AND_DERIVED,
            {
                **rule_dict("busy", "activity.meetings_per_week > 6", certainty=-0.6),
                "counters": ["quiet"],
            },
            rule_dict("thin", "pipeline.win_rate < 0.3", gap="skill", certainty=0.9),
        ]
    )
    _numbers_are_each_diagnosis_s(diagnose_many(population(reps, seed=seed)))
    _numbers_are_each_diagnosis_s(diagnose_many(population(reps, seed=seed), rules=book))


def test_open_rules_of_a_pack_reading_team_and_derived_values(library: Interventions) -> None:
    """A metric needed through a derived value or a team median, several per rule."""
    book = Rulebook.from_rules(list(_TEAM_AND_DERIVED))
    batch = diagnose_many(population(120, seed=9), rules=book)
    named: set[str] = set()
    for row, found in zip(batch.rows, _open.open_rules(batch), strict=True):
        d = batch.diagnosis(row)
        needs, _ = open_needs(d)
        assert (found.rules, found.needs) == (tuple(u.rule for u in d.undetermined), needs)
        facts = build_facts(batch.rep(row), batch.targets, batch.team(row))
        assert found.outcomes == outcomes(book, facts), row
        named.update(needs)
    assert {"pipeline.quota", "pipeline.closed_won", "pipeline.win_rate"} <= named


def test_the_tree_is_not_walked_again_for_a_brief_page(
    batch: Batch, library: Interventions, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A brief page words every rep's tree end from the batch's columns: no rep's walk is
    taken again (the ends themselves are compared in the test above)."""
    from gapdiag.engines import details
    from gapdiag.rulebook import walk

    walked: list[object] = []

    def counting(*args: Any) -> Any:
        walked.append(args)
        raise AssertionError("walked again")

    monkeypatch.setattr(walk, "end", counting)
    monkeypatch.setattr(details, "route", counting)
    page = assemble(batch, title="t", histories={}, library=library, detail="brief")
    assert not walked
    assert all(line.detail.tree_end for line in page.reps)


MEETING = """\
root: q1
nodes:
  - id: q1
    question: Few calls?
    when: activity.calls_per_day < 20
    then: q2
    else: skill
    examples: [{given: {}, answer: unknown}]
  - id: q2
    question: Few meetings?
    when: activity.meetings_per_week < 2
    then: will
    else: skill
    examples: [{given: {}, answer: unknown}]
leaves:
  - id: will
    gap: will
    reason: low
    examples: [{given: {activity: {calls_per_day: 3, meetings_per_week: 1}}}]
  - {id: skill, gap: skill, reason: there, examples: [{given: {activity: {calls_per_day: 30}}}]}
"""


def test_questions_asked_where_routes_meet(library: Interventions) -> None:
    """Where routes of two lengths meet (skill after one question or two), each rep's count
    of questions asked is its own walk's length, and its brief tree end is its own."""
    rules = [rule_dict("r", "activity.calls_per_day < 10", because="few")]
    book = Rulebook.from_rules(rules, tree=yaml.safe_load(MEETING))
    batch = diagnose_many(population(80, seed=4), rules=book)
    _, _, asked = batch.unknowns(())
    page = assemble(batch, title="t", histories={}, library=library, detail="brief")
    ends = {line.row: line.detail.tree_end for line in page.reps}
    seen = set()
    for row, count in zip(batch.rows, asked.tolist(), strict=True):
        d = batch.diagnosis(row)
        assert count == len(d.tree_path), row
        assert ends[row] == _tree_end(d), row
        seen.add((d.tree_leaf.id if d.tree_leaf else None, count))
    assert {("skill", 1), ("skill", 2), ("will", 2), (None, 1), (None, 2)} <= seen


def test_polars_and_pandas_pages_agree(batch: Batch, library: Interventions) -> None:
    """The tree columns read the same from a polars result as from a pandas one."""
    pl = pytest.importorskip("polars")
    frame = population(60, seed=3)
    as_pandas = diagnose_many(frame)
    as_polars = diagnose_many(pl.from_pandas(frame))
    assert _ends.reached(as_pandas) == _ends.reached(as_polars)
    pages = [
        assemble(
            b, title="t", histories={}, library=library, detail="brief", made=dt.date(2026, 12, 7)
        )
        for b in (as_pandas, as_polars)
    ]
    assert [r.detail for r in pages[0].reps] == [r.detail for r in pages[1].reps]


def test_current_drill_is_the_queues_current_skill(batch: Batch, library: Interventions) -> None:
    """The first action's drill, found without the queue's words, is the queue's current
    skill: for the figures the rep was judged on, for other figures now (skills done since),
    and with metrics a system fault skews set aside."""
    rows = list(batch.rows)
    seen = {"current": 0, "done": 0, "strong": 0, "skewed": 0}
    for row, later in zip(rows, rows[1:] + rows[:1], strict=True):
        d = batch.diagnosis(row)
        facts = build_facts(batch.rep(row), batch.targets, batch.team(row))
        now = build_facts(batch.rep(later), batch.targets, batch.team(later))
        for gap in ("skill", "will", "knowledge"):
            for latest, avoid in (
                (facts, frozenset()),
                (now, frozenset()),
                (facts, frozenset({"calls.open_question_ratio", "activity.meetings_per_week"})),
            ):
                args = (gap, d, batch.rules, library, batch.targets)
                queue = skill_queue(*args, judged=facts, now=latest, avoid=avoid)
                for skill in queue:
                    seen[skill.status] = seen.get(skill.status, 0) + 1
                current = next((s.drill for s in queue if s.status == "current"), None)
                found = current_drill(*args, judged=facts, now=latest, avoid=avoid)
                assert found == current, (row, gap)
    assert all(seen[status] for status in ("current", "done", "strong", "skewed")), seen


def test_a_pack_without_a_tree_has_no_tree_end(library: Interventions) -> None:
    """Without a decision tree a brief section says nothing about one, as the Diagnosis path."""
    book = Rulebook.from_rules([rule_dict("few", "activity.calls_per_day < 40", because="few")])
    batch = diagnose_many(population(40, seed=5), rules=book)
    assert "tree_leaf" not in batch.frame.columns
    page = assemble(batch, title="t", histories={}, library=library, detail="brief")
    for line in page.reps:
        d, focus = _diagnosis_path(batch, line.row, library)
        assert line.detail == detail_of(d, focus, None, brief=True)
        assert line.detail.tree_end == ""


def test_watch_notes_read_first_leave_the_diagnosis_whole(batch: Batch) -> None:
    """Watch notes read before the evidence (as the page reads them) leave every verdict's
    evidence, its because-texts and the whole diagnosis as a diagnosis read in one go."""
    watched = 0
    for row in batch.rows:
        first = batch.diagnosis(row)
        notes = first.watch
        watched += bool(notes)
        whole = batch.diagnosis(row)
        assert first.model_dump() == whole.model_dump()
        assert first == whole
        for note in notes:
            if note.rule is not None:
                verdict = first.verdict(note.gap)  # type: ignore[arg-type]
                assert note.text in [e.because for e in verdict.evidence]
    assert watched


def test_a_because_text_read_for_a_watch_note_is_not_rendered_again(
    batch: Batch, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evidence listed after the watch notes carries the texts the notes rendered."""
    rendered: list[str] = []
    real = Template.render

    def counting(self: Template, facts: Any) -> str:
        rendered.append(self.source)
        return real(self, facts)

    monkeypatch.setattr(Template, "render", counting)
    row = next(r for r in batch.rows if any(n.rule for n in batch.diagnosis(r).watch))
    d = batch.diagnosis(row)
    rendered.clear()
    notes = [n for n in d.watch if n.rule is not None]
    # each text rendered at most once (the pack's memo may hold some from earlier reps)
    assert len(rendered) <= len(notes)
    first = len(rendered)
    held = [v for v in d.verdicts if v.capped_by == "standing"]
    assert [(n.rule, n.text) for n in notes] == [
        (e.rule, e.because) for v in held for e in v.evidence
    ]
    assert len(rendered) == first


def _sections_are_detail_of_s(batch: Batch, library: Interventions) -> None:
    """Every field of every rep's brief section from the batch's columns equals the one
    `detail_of` builds from the rep's own Diagnosis."""
    pairs = [_diagnosis_path(batch, row, library) for row in batch.rows]
    found = brief_sections(batch, _open.open_rules(batch), [f for _, f in pairs])
    count = 0
    for row, (d, focus), section in zip(batch.rows, pairs, found, strict=True):
        want = detail_of(d, focus, None, brief=True)
        for field in Section.__slots__:
            assert getattr(section, field) == getattr(want, field), (row, field)
        count += 1
    assert count == len(batch.rows)


def test_brief_sections_from_the_columns_are_each_diagnosis_s(
    batch: Batch, library: Interventions
) -> None:
    """The messy population: every standing and its sentence's branches, watch notes (held
    verdicts and thin cover), each headline, PIP blocks, proxies and thin evidence, tree ends
    and stops, open rules."""
    pairs = [_diagnosis_path(batch, row, library) for row in batch.rows]
    seen = Counter()
    for d, focus in pairs:
        section = detail_of(d, focus, None, brief=True)
        seen.update(
            {
                "watch": bool(section.watch),
                "cover": any(t.startswith("Next period") for t in section.watch),
                "headline": bool(section.headline),
                "pip": bool(section.pip),
                "proxy": any("proxy" in side for side, _, _ in section.evidence),
                "thin": any("few observations" in side for side, _, _ in section.evidence),
                "against": any(side.startswith("Against") for side, _, _ in section.evidence),
                "stop": "stops" in section.tree_end,
                "open": bool(section.still_open),
                "said": isinstance(section.standing, list),
            }
        )
    assert all(seen[k] for k in ("watch", "cover", "headline", "pip", "proxy", "thin")), seen
    assert all(seen[k] for k in ("against", "stop", "open", "said")), seen
    assert len({d.standing.status for d, _ in pairs}) == 4
    _sections_are_detail_of_s(batch, library)


def _example(name: str) -> Any:
    return pd.read_csv(Path(__file__).parent.parent / "examples" / name)


def test_brief_sections_of_the_example_team(library: Interventions) -> None:
    """examples/team.csv with the default pack, with its targets and with the overlap pack."""
    frame = _example("team.csv")
    examples = Path(__file__).parent.parent / "examples"
    _sections_are_detail_of_s(diagnose_many(frame), library)
    targets = json.loads((examples / "team-targets.json").read_text())
    _sections_are_detail_of_s(diagnose_many(frame, targets=targets), library)
    book = Rulebook.from_rules(yaml.safe_load((examples / "overlap.rules.yaml").read_text()))
    _sections_are_detail_of_s(diagnose_many(frame, rules=book), library)


_SHOWING = (
    rule_dict(
        "flagged",
        "activity.calls_per_day < 60 or knowledge.certified",
        because="certified: {knowledge.certified}; {activity.calls_per_day} calls a day, "
        "only {activity.meetings_per_week} meetings a week",
    ),
    rule_dict(
        "worked",
        "territory.manager_coaching_hours_per_week < 3",
        gap="system",
        certainty=0.7,
        because="{territory.manager_coaching_hours_per_week:unit} of coaching, "
        "{0.5 * target.calls_per_day} calls is half plan, {team.median.pipeline.win_rate:pct} "
        "the team's, {derived.attainment:money} {pipeline.win_rate:x}",
    ),
    rule_dict(
        "against",
        "pipeline.win_rate > 0.3",
        gap="skill",
        certainty=-0.4,
        because="wins {pipeline.win_rate} of {pipeline.closed_deals:int} deals",
    ),
)
"""Rules whose because-texts show a flag, units, expressions, targets, team values and
every format, with 'only' and singular nouns, on all sides."""


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**16), reps=st.integers(1, 60))
def test_brief_sections_hold_on_generated_populations(seed: int, reps: int) -> None:
    """Generated populations of every size, with the shipped pack and with one whose rules
    read derived and team values and whose tree is short."""
    library = load_interventions(None)
    frame = population(reps, seed=seed)
    _sections_are_detail_of_s(diagnose_many(frame), library)
    book = Rulebook.from_rules(
        [*_TEAM_AND_DERIVED, *_SHOWING, rule_dict("r", "activity.calls_per_day < 10")],
        tree=yaml.safe_load(MEETING),
    )
    _sections_are_detail_of_s(diagnose_many(frame, rules=book), library)


def _object_path(batch: Batch, library: Interventions, **options: Any) -> Report:
    """The brief page as it is built from each rep's own Diagnosis (`_line`), the batch's
    columns not read: what the column-wise lines must equal."""
    columns = assemble_module._columns
    assemble_module._columns = lambda batch: repeat(None)  # type: ignore[assignment]
    try:
        return assemble(batch, title="t", library=library, detail="brief", **options)
    finally:
        assemble_module._columns = columns  # type: ignore[assignment]


def _lines_equal(batch: Batch, library: Interventions, **options: Any) -> Report:
    """Every field of every rep line (and the whole page) of a brief page built from the
    batch's columns equals the object path's; the page is returned."""
    made = dt.date(2026, 12, 7)
    options = {"histories": {}, "made": made, **options}
    lean = assemble(batch, title="t", library=library, detail="brief", **options)
    whole = _object_path(batch, library, **options)
    for mine, theirs in zip(lean.reps, whole.reps, strict=True):
        for field in dataclasses.fields(mine):
            name = field.name
            assert getattr(mine, name) == getattr(theirs, name), (mine.row, name)
    assert lean == whole
    return lean


def test_every_line_of_a_brief_page_is_the_diagnosis_path_s(
    batch: Batch, library: Interventions
) -> None:
    """Standing, urgency, focus, say, move, first action, watch note, values, system signs,
    coaching and coverage of every rep, from the batch's columns and only the verdicts
    they read, equal each field `_line` gives from the rep's Diagnosis; over every kind of
    first action and line the population holds."""
    lean = _lines_equal(batch, library)
    actions = Counter(line.action.split(" ", 1)[0] for line in lean.reps)
    assert {"Check", "Collect", "Watch:"} <= set(actions)  # and drills, playbook actions
    assert any(line.move is not None for line in lean.reps)
    assert any(line.focus_gap == "system" for line in lean.reps)
    assert any(line.system_signs for line in lean.reps)
    assert any(line.covered for line in lean.reps)
    assert any(line.coaching_short for line in lean.reps)
    assert len({line.urgency for line in lean.reps}) == len(URGENCY) - 1  # not 'none'


def test_a_rep_with_a_history_keeps_the_diagnosis_path(
    batch: Batch, library: Interventions
) -> None:
    """A rep with a coaching history is lined from its Diagnosis (escalation reads it), its
    neighbours from the columns: the page equals the object path's all the same."""
    rep = batch.rep(batch.rows[0])
    histories = {rep.rep_id: RepHistory(rep_id=rep.rep_id, weeks=(rep,))}
    page = _lines_equal(batch, library, histories=histories)
    assert [line.has_history for line in page.reps].count(True) == 1


def test_facts_from_the_columns_are_each_rep_s(batch: Batch) -> None:
    """A rep's facts (metrics, targets, derived and team values) and weak metrics built
    from the batch's columns (`Batch.metrics`, `Batch.columns`) are what `facts_and_basis`
    and `weak_of` give from its validated metrics."""
    _facts_equal(batch)
    assert any(weak_of(batch.rep(row), None).proxies for row in batch.rows)


def _facts_equal(batch: Batch) -> None:
    """Every rep's facts from the columns equal its own, in the same order."""
    lines = list(assemble_module._columns(batch))
    context = assemble_module._Context(
        batch.rules, batch.targets, {}, load_interventions(None), {}, True, {}, {}
    )
    for columns, row, team in zip(lines, batch.rows, batch.teams(), strict=True):
        rep = batch.rep(row)
        facts, basis = facts_and_basis(rep, batch.targets, team)
        judged = assemble_module._Lean(context, columns, None, team)  # type: ignore[arg-type]
        found, weak = judged.facts()
        assert found == facts, row
        assert list(found) == list(facts), row  # in the same order
        assert weak == weak_of(rep, basis), row
        assert columns.values == tuple(
            v if isinstance(v, float) else None for v in (facts.get(m) for m in LEADING)
        )
        assert columns.rep_id == rep.rep_id
        assert columns.period == (rep.period_start, rep.period_end)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**16), reps=st.integers(1, 60))
def test_brief_lines_hold_on_generated_populations(seed: int, reps: int) -> None:
    """The same on generated populations of every size, for the shipped pack and for one
    whose rules read derived and team values and name their counters."""
    library = load_interventions(None)
    book = Rulebook.from_rules(
        [
            *_TEAM_AND_DERIVED,
            {
                **rule_dict("busy", "activity.meetings_per_week > 6", certainty=-0.6),
                "counters": ["quiet"],
            },
            rule_dict("thin", "pipeline.win_rate < 0.3", gap="skill", certainty=0.9),
        ]
    )
    _lines_equal(diagnose_many(population(reps, seed=seed)), library)
    _lines_equal(diagnose_many(population(reps, seed=seed), rules=book), library)
    _facts_equal(diagnose_many(population(reps, seed=seed)))


def test_lines_at_the_edges_of_coverage_and_coaching(library: Interventions) -> None:
    """Closed and committed exactly at quota cover it; a manager coaching exactly the
    weekly setting is not short: the columns draw both lines where the facts do."""
    frame = population(40, seed=3)
    frame.loc[:9, "pipeline.quota"] = 200_000.0
    frame.loc[:9, "pipeline.closed_won"] = 150_000.0
    frame.loc[:9, "pipeline.commit"] = 50_000.0
    hours = "territory.manager_coaching_hours_per_week"
    frame.loc[10:19, hours] = Targets().manager_coaching_hours_per_week
    page = _lines_equal(diagnose_many(frame), library)
    lines = {line.row: line for line in page.reps}
    assert all(lines[row].covered for row in range(10))
    assert not any(lines[row].coaching_short for row in range(10, 20))


def test_a_drill_remembered_for_a_rule_follows_the_comparisons_that_fired_it(
    library: Interventions,
) -> None:
    """A rule fired through either of two comparisons names the drill of the metric that
    fired it: `current_drill`'s memo tells the two reps apart (it keys on the metrics the
    comparisons read, not on the rule alone)."""
    from gapdiag import diagnose

    book = Rulebook.from_rules(
        [
            rule_dict(
                "either",
                "pipeline.stage_conversion_rate < 0.2 or calls.open_question_ratio < 0.3",
                gap="skill",
                certainty=0.8,
            )
        ]
    )
    memo: dict[Any, Any] = {}
    found = []
    for stage, open_ in ((0.1, 0.5), (0.5, 0.1)):
        rep = {
            "rep_id": "r",
            "pipeline": {"stage_conversion_rate": stage},
            "calls": {"open_question_ratio": open_, "calls_measured": 10.0},
        }
        d = diagnose(rep, rules=book)
        facts = build_facts(RepMetrics.model_validate(rep), Targets())
        args = ("skill", d, book, library, Targets())
        alone = current_drill(*args, judged=facts, now=facts)  # type: ignore[arg-type]
        kept = current_drill(*args, judged=facts, now=facts, memo=memo)  # type: ignore[arg-type]
        assert kept == alone
        found.append(alone.id if alone else None)
    assert found == ["win-rate-reality-check", "discovery-questions"]


def test_a_focus_without_words_is_the_focus_but_its_goal_s_text(
    batch: Batch, library: Interventions
) -> None:
    """`choose_focus(words=False)` (the brief page's) is the focus in every field but the
    goal's text, left empty."""
    goals = 0
    for row in batch.rows:
        d = batch.diagnosis(row)
        facts = build_facts(batch.rep(row), batch.targets, batch.team(row))
        whole = choose_focus(d, facts, library, batch.targets)
        bare = choose_focus(d, facts, library, batch.targets, words=False)
        if whole is None or whole.goal is None:
            assert bare == whole
            continue
        assert bare is not None
        assert bare.goal is not None
        assert whole.goal.text
        assert bare.goal.text == ""
        goal = whole.goal.model_copy(update={"text": ""})
        assert bare == whole.model_copy(update={"goal": goal})
        goals += 1
    assert goals
