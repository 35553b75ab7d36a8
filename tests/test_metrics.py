"""The input contract: valid metrics pass, every kind of bad input is named precisely."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given

from gapdiag import InvalidMetrics, RepMetrics, Targets
from gapdiag.model.basis import COUNTS
from gapdiag.model.metrics import DEFAULT_TARGETS, METRICS, parse_metrics, parse_targets
from gapdiag.model.rows import flatten

from .strategies import rep_dicts


def problems(data: Any) -> list[str]:
    """The problem lines InvalidMetrics reports for `data`."""
    with pytest.raises(InvalidMetrics) as caught:
        parse_metrics(data)
    return [str(p) for p in caught.value.problems]


def test_only_rep_id_is_required() -> None:
    """A rep with nothing but an id is valid and every metric is unknown."""
    rep = parse_metrics({"rep_id": "r1"})
    assert rep.activity is None
    assert rep.tenure_months is None


def test_integers_become_floats_and_absent_stays_none() -> None:
    """Whole numbers are accepted for numeric fields; absent fields stay None, not zero."""
    rep = parse_metrics({"rep_id": "r1", "activity": {"calls_per_day": 12}})
    assert rep.activity is not None
    assert rep.activity.calls_per_day == 12.0
    assert rep.activity.emails_per_day is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"pipeline": {"win_rate": 25}},
            "pipeline.win_rate: 25 is not a fraction in [0, 1] (did you mean 0.25?)",
        ),
        ({"pipeline": {"win_rate": 1.3}}, "pipeline.win_rate: 1.3 is not a fraction in [0, 1]"),
        (
            {"activity": {"calls_per_day": -4}},
            "activity.calls_per_day: -4 is not a finite number >= 0 (count)",
        ),
        (
            {"activity": {"calls_per_day": math.nan}},
            "activity.calls_per_day: NaN is not a finite number >= 0 (count)",
        ),
        (
            {"pipeline": {"quota": math.inf}},
            "pipeline.quota: inf is not a finite number >= 0 (amount of money)",
        ),
        ({"calls": {"rubric_score": 0}}, "calls.rubric_score: 0 is not a rating from 1 to 5"),
        (
            {"ownership": {"commitment_score": 11}},
            "ownership.commitment_score: 11 is not a commitment score from 1 to 10",
        ),
        ({"activity": {"calls_per_day": True}}, "activity.calls_per_day: true is not a number"),
        ({"knowledge": {"certified": 1}}, "knowledge.certified: 1 is not true or false"),
        ({"knowledge": {"certified": "yes"}}, "knowledge.certified: 'yes' is not true or false"),
        ({"activity": 5}, "activity: 5 is not a mapping of fields"),
        ({"period_start": "soon"}, "period_start: 'soon' is not a date (expected YYYY-MM-DD)"),
        (
            {"territory": {"manager_coaching_hours_per_week": 200}},
            "territory.manager_coaching_hours_per_week: 200 is not a hours per week from 0 to 168",
        ),
    ],
)
def test_bad_values_name_field_value_and_expectation(data: dict[str, Any], expected: str) -> None:
    """Each bad value is reported with its field path, the value and what was expected."""
    assert problems({"rep_id": "r1", **data}) == [expected]


def test_unknown_field_suggests_the_nearest_name() -> None:
    """A misspelt field is an error with a did-you-mean, never silently dropped."""
    (line,) = problems({"rep_id": "r1", "activity": {"call_per_day": 3}})
    assert line.startswith("activity.call_per_day: unknown field (did you mean 'calls_per_day'?)")


def test_unknown_group_is_reported() -> None:
    """An unknown top-level group is an error listing the valid names."""
    (line,) = problems({"rep_id": "r1", "activty": {}})
    assert "unknown field (did you mean 'activity'?)" in line


def test_every_problem_is_reported_at_once() -> None:
    """All problems in one input are listed together, in input order."""
    found = problems({"activity": {"calls_per_day": -1}, "pipeline": {"win_rate": 40}})
    assert found[0] == "rep_id: is required but missing"
    assert len(found) == 3


def test_period_end_before_start_is_rejected() -> None:
    """A period that ends before it starts is an error naming both dates."""
    (line,) = problems({"rep_id": "r", "period_start": "2026-02-01", "period_end": "2026-01-01"})
    assert "period_end 2026-01-01 is before period_start 2026-02-01" in line


def test_source_prefixes_the_message() -> None:
    """The file name given as source leads every line of the message."""
    with pytest.raises(InvalidMetrics, match=r"^rep\.json: rep_id: is required"):
        parse_metrics({}, source="rep.json")


def test_not_a_mapping_is_rejected() -> None:
    """A list or number in place of the rep object is a clear error."""
    assert problems([1, 2]) == ["(top): expected a mapping of metric groups, got list"]


def test_direct_construction_raises_invalid_metrics() -> None:
    """Building a model directly raises InvalidMetrics too (never a bare ValidationError)."""
    with pytest.raises(InvalidMetrics, match="rep_id: 3 is not a text string"):
        RepMetrics(rep_id=3)  # type: ignore[arg-type]


def test_models_are_frozen() -> None:
    """Metrics cannot be changed after validation."""
    rep = parse_metrics({"rep_id": "r1"})
    with pytest.raises(ValueError, match="frozen"):
        rep.rep_id = "other"  # type: ignore[misc]


def test_targets_default_to_the_seed_benchmarks() -> None:
    """The default targets are the seeds' numbers."""
    t = Targets()
    assert (t.calls_per_day, t.emails_per_day, t.meetings_per_week) == (40, 60, 5)
    assert (t.meeting_to_opportunity_rate, t.pipeline_coverage, t.max_deal_age_days) == (0.3, 3, 60)
    assert t.manager_coaching_hours_per_week == 2


def test_targets_can_be_overridden_and_are_validated() -> None:
    """A team's overrides replace the defaults; bad overrides are named."""
    assert parse_targets({"calls_per_day": 30}).calls_per_day == 30
    with pytest.raises(InvalidMetrics, match="meeting_to_opportunity_rate: 30 is not a fraction"):
        parse_targets({"meeting_to_opportunity_rate": 30})
    with pytest.raises(InvalidMetrics, match="did you mean 'calls_per_day'"):
        parse_targets({"call_per_day": 30})


def test_catalogue_covers_the_design_contract() -> None:
    """Every field named in DESIGN.md's input contract is a known metric."""
    contract = {
        "activity": [
            "calls_per_day",
            "emails_per_day",
            "meetings_per_week",
            "avg_call_minutes",
            "meeting_to_opportunity_rate",
        ],
        "pipeline": [
            "quota",
            "closed_won",
            "commit",
            "open_pipeline",
            "win_rate",
            "avg_deal_age_days",
            "sales_cycle_days",
            "stage_conversion_rate",
        ],
        "calls": [
            "discovery_questions_per_call",
            "open_question_ratio",
            "talk_ratio",
            "longest_monologue_seconds",
            "objection_handling_score",
            "rubric_score",
        ],
        "ownership": [
            "forecast_accuracy",
            "states_gap_unprompted",
            "plan_submission_rate",
            "self_sourced_pipeline_share",
            "deflections_per_one_on_one",
            "commitment_score",
        ],
        "territory": [
            "lead_volume_vs_team",
            "lead_quality_score",
            "territory_size_vs_team",
            "lead_routing_ok",
            "manager_coaching_hours_per_week",
        ],
        "knowledge": [
            "product_quiz_score",
            "certified",
            "competitor_positioning_score",
            "comp_plan_understood",
        ],
    }
    expected = {f"{g}.{f}" for g, fields in contract.items() for f in fields} | {"tenure_months"}
    # fields added since the contract, never renamed (issue 14: stage definitions)
    added = {"territory.stage_definitions_ok"}
    # issue 23: the count behind each counted rate (model.basis)
    added |= set(COUNTS)
    assert set(METRICS) == expected | added


@given(rep_dicts())
def test_any_valid_mapping_parses_and_round_trips(data: dict[str, Any]) -> None:
    """Every mapping the strategy builds is valid and survives a JSON round trip unchanged."""
    rep = parse_metrics(data)
    assert RepMetrics.model_validate_json(rep.model_dump_json()) == rep


@given(rep_dicts())
def test_a_flat_row_with_dotted_keys_reads_as_its_groups(rep: dict[str, Any]) -> None:
    """{"pipeline.quota": ...} (a CSV row's columns) is the same rep as {"pipeline": {...}};
    the caller's dict is left as it was."""
    flat = flatten(rep)
    before = dict(flat)

    def known(data: dict[str, Any]) -> dict[str, Any]:  # an empty group says nothing either
        return flatten(parse_metrics(data).model_dump(exclude_none=True))

    assert known(flat) == known(rep)
    assert flat == before


def test_a_misspelled_dotted_key_is_one_line_naming_it() -> None:
    """One problem per bad key, with a did-you-mean within its group, not a list per key."""
    with pytest.raises(InvalidMetrics) as caught:
        parse_metrics({"rep_id": "a", "pipeline.quotaa": 1.0, "pipeline.closed_won": 1.0})
    (problem,) = caught.value.problems
    assert problem.where == "pipeline.quotaa"
    assert "did you mean 'quota'" in problem.message


def test_default_targets_are_targets_built_with_nothing_given() -> None:
    """DEFAULT_TARGETS (built without validation) equals, dumps, hashes and reads as Targets()."""
    built = Targets()
    assert built == DEFAULT_TARGETS
    assert hash(DEFAULT_TARGETS) == hash(built)
    assert repr(DEFAULT_TARGETS) == repr(built)
    assert DEFAULT_TARGETS.model_dump() == built.model_dump()
    assert DEFAULT_TARGETS.model_fields_set == built.model_fields_set == set()
    assert DEFAULT_TARGETS.margins.model_fields_set == built.margins.model_fields_set == set()
    assert type(DEFAULT_TARGETS.margins) is type(built.margins)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"pipeline": {"win_rate": "25%"}},
            "pipeline.win_rate: '25%' is not a number (write the share as a fraction: 0.25)",
        ),
        (
            {"pipeline": {"quota": "$150,000"}},
            "pipeline.quota: '$150,000' is not a number (write it as a plain number: 150000)",
        ),
        (
            {"activity": {"calls_per_day": "12"}},
            "activity.calls_per_day: '12' is not a number (a number in quotes: write it"
            " without them, 12)",
        ),
        ({"activity": {"calls_per_day": "25%"}}, "activity.calls_per_day: '25%' is not a number"),
        ({"pipeline": {"quota": "lots"}}, "pipeline.quota: 'lots' is not a number"),
        ({"pipeline": {"quota": "nan"}}, "pipeline.quota: 'nan' is not a number"),
    ],
)
def test_a_number_written_as_a_spreadsheet_shows_it_says_how_to_write_it(
    data: dict[str, Any], expected: str
) -> None:
    """JSON strings like '25%', '$150,000' or '12' name the number they meant (a share as
    a fraction only where the field is one); other text gets no guess."""
    assert problems({"rep_id": "r1", **data}) == [expected]
