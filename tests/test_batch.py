"""diagnose_many: the vectorized evaluator gives exactly what diagnose() gives, rep by rep."""

from __future__ import annotations

import importlib.util
import json
import math
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pd = pytest.importorskip("pandas")
np = pytest.importorskip("numpy")

from gapdiag import (  # noqa: E402
    InvalidArgument,
    InvalidMetrics,
    RepMetrics,
    Rulebook,
    Targets,
    diagnose,
    load_rules,
)
from gapdiag.engines.vector.batch import Batch, diagnose_many  # noqa: E402
from gapdiag.model.rows import flatten  # noqa: E402
from gapdiag.rulebook.facts import build_facts  # noqa: E402
from gapdiag.rulebook.tree import TreeSpec, build  # noqa: E402

from .conftest import example, rule_dict  # noqa: E402
from .strategies import (  # noqa: E402
    populations,
    reps,
    rule_dicts,
    team_rule_dicts,
    tree_dicts,
)

PACK = load_rules()


def assert_matches_diagnose(batch: Batch, reps: list[dict[str, Any]], book: Rulebook) -> None:
    """Every result row equals diagnose() on the same rep: fired rules, confidences, statuses.

    The full Diagnosis of the first row is asked for as well and must equal diagnose()'s.
    """
    rows = batch.frame.to_dict("records")
    assert [r["row"] for r in rows] == list(range(len(reps)))
    for position, (rep, row) in enumerate(zip(reps, rows, strict=True)):
        expected = diagnose(rep, rules=book, team=batch.team(position))
        primary = row["primary_gap"]
        assert (None if pd.isna(primary) else primary) == expected.primary_gap
        for verdict in expected.verdicts:
            assert row[f"{verdict.gap}.confidence"] == verdict.confidence
            assert math.copysign(1, row[f"{verdict.gap}.confidence"]) == math.copysign(
                1, verdict.confidence
            )
            assert row[f"{verdict.gap}.status"] == verdict.status
        assert row["pip_blocked"] == expected.pip_blocked
        assert sorted(batch.fired(position)) == sorted(expected.fired)
        if book.tree is not None:
            leaf, stop = row["tree_leaf"], row["tree_stop"]
            assert (None if pd.isna(leaf) else leaf) == (
                expected.tree_leaf.id if expected.tree_leaf else None
            )
            assert (None if pd.isna(stop) else stop) == (
                expected.tree_stop.node if expected.tree_stop else None
            )
        if position == 0:
            assert batch.diagnosis(position) == expected


@settings(max_examples=30)
@given(populations(max_size=12))
def test_default_pack_matches_diagnose_from_records(reps: list[dict[str, Any]]) -> None:
    """A list of reps with missing values: every row as diagnose() has it, default pack."""
    assert_matches_diagnose(diagnose_many(reps, rules=PACK), reps, PACK)


_DATES = st.sampled_from(
    [
        {},
        {"as_of": "2026-08-14"},
        {"period_start": "2026-07-01", "period_end": "2026-09-30"},
        {"period_start": "2026-07-01", "period_end": "2026-09-30", "as_of": "2026-07-08"},
        {"period_start": "2026-07-01", "period_end": "2026-09-30", "as_of": "2026-09-30"},
    ]
)


@settings(max_examples=30)
@given(populations(max_size=12), st.lists(_DATES, min_size=12, max_size=12))
def test_the_summary_names_what_each_unknown_standing_needs(
    people: list[dict[str, Any]], dates: list[dict[str, str]]
) -> None:
    """The summary's figures to collect are, counted, the needs diagnose() gives each rep of
    unknown standing (the ingest and diagnose summaries print them)."""
    reps = [{**rep, **when} for rep, when in zip(people, dates, strict=False)]
    wanted: Counter[str] = Counter()
    for rep in reps:
        standing = diagnose(rep, rules=PACK).standing
        if standing.status == "unknown":
            wanted.update(standing.needs)
    assert diagnose_many(reps, rules=PACK).summary.standing_needs == dict(wanted)


@settings(max_examples=25)
@given(populations(max_size=12))
def test_default_pack_matches_diagnose_from_a_dataframe(reps: list[dict[str, Any]]) -> None:
    """The same population as a flat DataFrame (NaN = absent) gives the same rows."""
    frame = pd.DataFrame([flatten(r) for r in reps])
    assert_matches_diagnose(diagnose_many(frame, rules=PACK), reps, PACK)


@settings(max_examples=40)
@given(rule_dicts(max_rules=8), populations(max_size=8), st.one_of(st.none(), tree_dicts()))
def test_random_packs_match_diagnose(
    rules: list[dict[str, Any]], reps: list[dict[str, Any]], tree: dict[str, Any] | None
) -> None:
    """Random packs (and trees): the same outcomes, certainties, statuses and tree leaves."""
    book = Rulebook.from_rules(rules)
    if tree is not None:  # built directly: random trees may hold unreachable leaves
        built, problems = build(TreeSpec.model_validate(tree))
        assert not problems
        book = book.model_copy(update={"tree": built})
    assert_matches_diagnose(diagnose_many(reps, rules=book), reps, book)


@settings(max_examples=30)
@given(st.data(), populations(max_size=10))
def test_team_rules_match_diagnose_given_the_team_values(
    data: st.DataObject, reps: list[dict[str, Any]]
) -> None:
    """team.* rules in batch equal diagnose(rep, team=...) with that rep's team values."""
    book = Rulebook.from_rules(data.draw(team_rule_dicts()))
    assert_matches_diagnose(diagnose_many(reps, rules=book), reps, book)


@settings(max_examples=25)
@given(populations(max_size=12))
def test_team_values_are_each_teams_mean_and_median(reps: list[dict[str, Any]]) -> None:
    """team.mean / team.median are computed per team over the reps that have the metric."""
    path = "activity.calls_per_day"
    book = Rulebook.from_rules(
        [rule_dict("vs-team", f"{path} < team.mean.{path} and {path} <= team.median.{path}")]
    )
    batch = diagnose_many(reps, rules=book)
    # no rep names a team: the population is one team (issue 23: every command alike)
    one_team = all(r.get("team") is None for r in reps)
    for position, rep in enumerate(reps):
        mates = [
            r["activity"]["calls_per_day"]
            for r in reps
            if (one_team or r.get("team") == rep.get("team"))
            and (r.get("activity") or {}).get("calls_per_day") is not None
        ]
        stats = batch.team(position)
        assert stats is not None
        if (rep.get("team") is None and not one_team) or not mates:
            assert path not in stats.mean
            continue
        assert stats.mean[path] == pytest.approx(statistics.fmean(mates), rel=1e-12, abs=1e-9)
        assert stats.median[path] == statistics.median(mates)


HAVE_DURABLE = importlib.util.find_spec("durable") is not None


@pytest.mark.durable
@pytest.mark.skipif(not HAVE_DURABLE, reason="durable-rules does not install here")
@settings(max_examples=10)
@given(populations(max_size=6))
def test_durable_agrees_with_the_batch_on_a_sample(reps: list[dict[str, Any]]) -> None:
    """engine='durable' gives each sampled rep the diagnosis the batch row holds."""
    batch = diagnose_many(reps, rules=PACK)
    for position, rep in enumerate(reps):
        # the default pack reads team.* since issue 14: give durable the batch's team values
        result = diagnose(rep, rules=PACK, engine="durable", team=batch.team(position))
        assert result.model_copy(update={"engine": "compiled"}) == batch.diagnosis(position)


def test_bad_rows_are_reported_and_the_rest_diagnosed() -> None:
    """A bad row is listed with row, field, value and reason; every other row is diagnosed."""
    frame = pd.DataFrame(
        {
            "rep_id": ["a", "b", "", "d", None],
            "pipeline.win_rate": [0.2, 25.0, 0.3, np.nan, 0.1],
            "activity.calls_per_day": [10.0, 12.0, -3.0, np.inf, 8.0],
            "knowledge.certified": [True, None, False, True, True],
        }
    )
    batch = diagnose_many(frame)
    assert list(batch.frame["rep_id"]) == ["a"]
    errors = batch.errors.to_dict("records")
    assert [(e["row"], e["field"]) for e in errors] == [
        (1, "pipeline.win_rate"),
        (2, "activity.calls_per_day"),
        (2, "rep_id"),
        (3, "activity.calls_per_day"),
        (4, "rep_id"),
    ]
    assert errors[0]["reason"] == "25 is not a fraction in [0, 1] (did you mean 0.25?)"
    assert errors[0]["rep_id"] == "b"
    assert errors[0]["value"] == "25.0"
    assert errors[4]["reason"] == "is required but missing"
    assert batch.summary.rows == 5
    assert batch.summary.diagnosed == 1
    assert batch.summary.bad_rows == 4
    with pytest.raises(InvalidArgument, match="row 1 was not diagnosed"):
        batch.diagnosis(1)
    with pytest.raises(InvalidArgument, match="row 9 is out of range"):
        batch.diagnosis(9)


def test_text_cells_are_read_by_kind_and_bad_text_reported() -> None:
    """Text in a metric column reads as in CSV ('12', 'yes'); unreadable text is a bad row."""
    frame = pd.DataFrame(
        {
            "rep_id": ["a", "b", "c"],
            "activity.calls_per_day": ["12", "twelve", ""],
            "knowledge.certified": ["yes", "no", "maybe"],
            "period_start": ["2024-01-01", "2024-01-01", "soon"],
            "period_end": ["2024-03-31", "2023-12-31", None],
        }
    )
    batch = diagnose_many(frame)
    assert list(batch.frame["rep_id"]) == ["a"]
    reasons = {(e["row"], e["field"]): e["reason"] for e in batch.errors.to_dict("records")}
    assert reasons == {
        (1, "activity.calls_per_day"): "'twelve' is not a number (a finite number >= 0 (count))",
        (1, "period_end"): "period_end 2023-12-31 is before period_start 2024-01-01",
        (2, "knowledge.certified"): "'maybe' is not true or false",
        (2, "period_start"): "'soon' is not a date (expected YYYY-MM-DD)",
    }
    assert batch.diagnosis(0) == diagnose(
        {
            "rep_id": "a",
            "activity": {"calls_per_day": 12.0},
            "knowledge": {"certified": True},
            "period_start": "2024-01-01",
            "period_end": "2024-03-31",
        }
    )


def test_a_sources_cell_is_read_as_names_and_a_bad_one_is_a_bad_row() -> None:
    """The sources column names exports (';'-joined text); a number there is one bad cell."""
    frame = pd.DataFrame({"rep_id": ["a", "b", "c"], "sources": ["deals.csv; quotas.csv", None, 7]})
    batch = diagnose_many(frame)
    assert list(batch.frame["rep_id"]) == ["a", "b"]
    assert batch.rep(0).sources == ("deals.csv", "quotas.csv")
    assert batch.rep(1).sources is None
    assert batch.sources() == ("deals.csv", "quotas.csv")
    [error] = batch.errors.to_dict("records")
    assert (error["row"], error["field"]) == (2, "sources")
    assert "is not a text string" in error["reason"]


def test_unknown_columns_are_refused_with_a_hint() -> None:
    """A column outside the input contract stops the batch, naming it with a did-you-mean."""
    frame = pd.DataFrame({"rep_id": ["a"], "activity.calls_per_dya": [3.0]})
    with pytest.raises(InvalidMetrics, match=r"did you mean 'activity\.calls_per_day'"):
        diagnose_many(frame)
    with pytest.raises(InvalidMetrics, match="no rep_id column"):
        diagnose_many(pd.DataFrame({"team": ["x"]}))


def test_bad_records_are_reported_like_diagnose_reports_them() -> None:
    """In a list of reps, a bad one carries diagnose()'s own problem text."""
    reps = [{"rep_id": "a"}, {"rep_id": "b", "pipeline": {"win_rate": 25}}]
    batch = diagnose_many(reps)
    with pytest.raises(InvalidMetrics) as caught:
        diagnose(reps[1])
    (error,) = batch.errors.to_dict("records")
    assert (error["row"], error["field"], error["value"]) == (1, "pipeline.win_rate", "25")
    assert error["reason"] == caught.value.problems[0].message
    assert batch.summary.model_dump() == {
        "rows": 2,
        "diagnosed": 1,
        "bad_rows": 1,
        "by_standing": {"ahead": 0, "on_track": 0, "behind": 0, "unknown": 1},
        "by_outcome": {"gap": 0, "no_gap_found": 0, "undetermined": 1},
        "by_primary_gap": {"system": 0, "will": 0, "skill": 0, "knowledge": 0},
        "team_by": None,
        "teams": 1,
        "standing_needs": {"pipeline.quota": 1, "pipeline.closed_won": 1},
    }


def test_polars_in_polars_out(tmp_path: Path) -> None:
    """A polars DataFrame gives polars results; files read by suffix give the same rows."""
    pl = pytest.importorskip("polars")
    reps = [flatten(example(n)) for n in ("skill-rep", "will-rep", "system-rep")]
    expected = [diagnose(example(n)).primary_gap for n in ("skill-rep", "will-rep", "system-rep")]
    batch = diagnose_many(pl.DataFrame(reps))
    assert isinstance(batch.frame, pl.DataFrame)
    assert batch.frame["primary_gap"].to_list() == expected
    pd.DataFrame(reps).to_csv(tmp_path / "reps.csv", index=False)
    pd.DataFrame(reps).to_parquet(tmp_path / "reps.parquet")
    (tmp_path / "reps.json").write_text(
        json.dumps([example(n) for n in ("skill-rep", "will-rep", "system-rep")])
    )
    for name in ("reps.csv", "reps.parquet", "reps.json"):
        assert list(diagnose_many(tmp_path / name).frame["primary_gap"]) == expected
    with pytest.raises(InvalidArgument, match=r"expected a \.csv, \.parquet, \.json file"):
        diagnose_many(tmp_path / "reps.txt")


def test_expand_fired_and_big_packs_use_several_words() -> None:
    """70 rules need two fired_* words; expand_fired gives one boolean column per rule."""
    rules = [rule_dict(f"r{i}", f"activity.calls_per_day < {i}", certainty=0.1) for i in range(70)]
    book = Rulebook.from_rules(rules)
    batch = diagnose_many([{"rep_id": "a", "activity": {"calls_per_day": 65.5}}], rules=book)
    assert {"fired_0", "fired_1"} <= set(batch.frame.columns)
    assert batch.fired(0) == ("r66", "r67", "r68", "r69")
    expanded = batch.expand_fired()
    assert [c for c in expanded.columns if expanded[c].iloc[0]] == ["r66", "r67", "r68", "r69"]


@given(st.lists(st.floats(-1, 1, allow_nan=False), min_size=1, max_size=50))
def test_rounding_matches_python(values: list[float]) -> None:
    """The vectorized rounding equals round(v, 6) bit for bit, halves included."""
    from gapdiag.engines.vector._verdicts import round_like_python

    halves = [0.0078125, 0.1234565, -0.2500005, 1 / 3, 0.3 - 5e-7]
    data = np.array(values + halves)
    got = round_like_python(data, 6)
    assert [float(v).hex() for v in got] == [round(v, 6).hex() for v in data.tolist()]


@given(reps())
def test_vectorized_derived_equals_per_rep(rep: RepMetrics) -> None:
    """Every derived quantity is bit-identical on columns and per rep, unknown as NaN."""
    from gapdiag.engines.vector import _derived as _vderived
    from gapdiag.model.derived import derive
    from gapdiag.rulebook.facts import metric_facts

    facts = metric_facts(rep)
    targets = Targets()

    def column(path: str) -> Any:
        value = facts.get(path)
        return np.array([math.nan if value is None else float(value)])

    vector = _vderived.derive(column, targets)
    for name, value in derive(facts, targets).items():
        got = float(vector[name][0])
        assert (math.isnan(got) and value is None) or got == value, name


def test_rule_examples_can_give_team_values() -> None:
    """A rule reading team.* pins its examples with `team:`; without it the rule is unknown."""
    book = Rulebook.from_rules(
        [
            {
                "id": "calls-under-team",
                "gap": "will",
                "certainty": 0.5,
                "when": "activity.calls_per_day < 0.7 * team.mean.activity.calls_per_day",
                "because": "{activity.calls_per_day} vs {team.mean.activity.calls_per_day}",
                "examples": [
                    {
                        "given": {"activity": {"calls_per_day": 10}},
                        "team": {"mean": {"activity.calls_per_day": 30}},
                        "fires": True,
                    },
                    {"given": {"activity": {"calls_per_day": 10}}, "fires": "unknown"},
                ],
            }
        ]
    )
    (compiled,) = book.compiled
    fired, unknown = compiled.rule.examples
    assert compiled.test(build_facts(fired.given, Targets(), fired.team)) is True
    assert compiled.test(build_facts(unknown.given, Targets(), unknown.team)) is None


def test_team_means_do_not_depend_on_the_order_of_the_rows() -> None:
    """Summed in row order, these rates average to ...333 or ...334 depending on the order;
    summed in ascending order within the team, every order gives the same bits."""
    path = "pipeline.win_rate"
    book = Rulebook.from_rules([rule_dict("vs-team", f"{path} < team.mean.{path}")])
    orders = ([0.8, 0.2, 0.1, 0.9, 0.9, 0.9], [0.2, 0.8, 0.9, 0.1, 0.9, 0.9])
    means = set()
    for rates in orders:
        reps = [
            {"rep_id": f"r{i}", "team": "t", "pipeline": {"win_rate": r}}
            for i, r in enumerate(rates)
        ]
        stats = diagnose_many(reps, rules=book).team(0)
        assert stats is not None
        means.add(stats.mean[path])
    assert len(means) == 1


def test_json_results_write_dates_as_a_person_does(tmp_path: Path) -> None:
    """Dates in JSON results read 2026-09-30, not 2026-09-30T00:00:00.000 (file and stdout)."""
    from gapdiag.cli import main

    rep = {"rep_id": "a", "period_start": "2026-07-01", "period_end": "2026-09-30"}
    source = tmp_path / "reps.csv"
    pd.DataFrame([rep]).to_csv(source, index=False)
    target = tmp_path / "out.json"
    assert main(["diagnose", str(source), "--out", str(target)]) == 0
    (row,) = json.loads(target.read_text(encoding="utf-8"))
    assert (row["period_start"], row["period_end"]) == ("2026-07-01", "2026-09-30")


@given(
    st.integers(1, 70).flatmap(
        lambda n: st.lists(st.integers(0, 2**n - 1), min_size=1, max_size=40).map(
            lambda keys: (n, keys)
        )
    )
)
def test_fired_patterns_rebuild_every_rep(case: tuple[int, list[int]]) -> None:
    """Each rep's fired rules are its pattern's, and no pattern is listed twice, whatever the
    number of rules (a table up to 16, a hash up to 64, whole rows beyond)."""
    from gapdiag.engines.vector._verdicts import _patterns

    count, keys = case
    fired = [np.array([(k >> i) & 1 == 1 for k in keys], dtype=bool) for i in range(count)]
    distinct, where = _patterns(fired)
    assert len(distinct) == count
    rows = {tuple(bool(d[j]) for d in distinct) for j in range(len(distinct[0]))}
    assert len(rows) == len(distinct[0]) == len(set(keys))
    for rep, index in enumerate(where):
        assert [bool(d[index]) for d in distinct] == [bool(m[rep]) for m in fired]
