"""diagnose(): the seeds' reasoning reproduced on the default pack, and the API's promises."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from gapdiag import Diagnosis, InvalidArgument, InvalidMetrics, RuleFileError, diagnose
from gapdiag.rulebook.pack import Rulebook, load_rules

from .conftest import behind, example, rule_dict

LOW_VOLUME = {"activity": {"calls_per_day": 10, "meetings_per_week": 1}}


def rep(**groups: Any) -> dict[str, Any]:
    """A rep mapping with the given groups, known to be behind (conftest.behind)."""
    return behind({"rep_id": "r", **groups})


@pytest.mark.parametrize(
    ("name", "gap"),
    [
        ("skill-rep", "skill"),
        ("will-rep", "will"),
        ("knowledge-rep", "knowledge"),
        ("system-rep", "system"),
    ],
)
def test_example_reps_reach_their_gap(name: str, gap: str) -> None:
    """Each archetype example rep is diagnosed with its gap, confirmed."""
    result = diagnose(example(name))
    assert result.primary_gap == gap
    assert result.verdict(gap).status == "confirmed"  # type: ignore[arg-type]


def test_healthy_rep_has_no_gap() -> None:
    """A rep at or above every benchmark gets no primary gap and no positive evidence."""
    result = diagnose(example("healthy-rep"))
    assert result.primary_gap is None
    assert all(not v.evidence for v in result.verdicts)


def test_high_volume_poor_conversion_sound_knowledge_is_skill() -> None:
    """150 calls a day but few meetings, with good product knowledge: a skill gap, not will."""
    result = diagnose(
        rep(
            activity={
                "calls_per_day": 150,
                "meetings_per_week": 2,
                "meeting_to_opportunity_rate": 0.1,
            },
            knowledge={"product_quiz_score": 0.9, "certified": True},
        )
    )
    assert result.primary_gap == "skill"
    assert result.verdict("will").confidence == 0


def test_low_volume_with_normal_leads_is_will() -> None:
    """Low activity with normal lead flow and territory points at will."""
    result = diagnose(
        rep(**LOW_VOLUME, territory={"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0})
    )
    assert result.primary_gap == "will"
    assert result.verdict("system").confidence == 0


@pytest.mark.parametrize(
    "territory", [{"lead_volume_vs_team": 0.5}, {"territory_size_vs_team": 0.7}]
)
def test_low_volume_in_starved_or_small_territory_is_system(territory: dict[str, float]) -> None:
    """Low activity in a territory with starved leads or <= 70% of team size points at system."""
    result = diagnose(rep(**LOW_VOLUME, territory=territory))
    assert result.primary_gap == "system"
    assert result.verdict("will").confidence == 0


def test_weak_objections_with_low_quiz_is_knowledge() -> None:
    """Weak objection handling with a low product quiz points at knowledge."""
    result = diagnose(
        rep(calls={"objection_handling_score": 2}, knowledge={"product_quiz_score": 0.5})
    )
    assert result.primary_gap == "knowledge"


def test_low_volume_without_territory_data_leaves_will_and_system_open() -> None:
    """Never infer will from low activity alone: both stay open, naming the deciding metrics."""
    result = diagnose(example("ambiguous-rep"))
    assert result.primary_gap is None
    assert result.verdict("will").status == "unknown"
    assert result.verdict("system").status == "unknown"
    needs = {m for u in result.undetermined for m in u.needs}
    assert {"territory.lead_volume_vs_team", "territory.territory_size_vs_team"} <= needs
    text = result.explain()
    # skill stays open too since issue 14: without ownership data the can't-reading of the
    # ownership symptoms (a skill gap) is as open as the won't-reading
    assert "system, will or skill stays open" in text
    assert "lead volume against the team" in text


def test_seed_coverage_case_shows_the_shortfall() -> None:
    """$180K pipe, $90K gap, 25% win rate: the evidence names the $45K the pipe will not cover.

    Without territory data the shortfall is will *or* system, so the rule stays open and asks
    for lead flow; with normal lead flow it is a (weak) will signal.
    """
    data = example("coverage-rep")
    open_ = {u.rule: u.needs for u in diagnose(data).undetermined}
    assert open_["pipeline-coverage-shortfall"] == ("territory.lead_volume_vs_team",)
    result = diagnose({**data, "territory": {"lead_volume_vs_team": 1.0}})
    because = [e.because for v in result.verdicts for e in v.evidence]
    assert any("$45,000" in b and "$90,000" in b for b in because), because


def test_targets_override_changes_the_verdict() -> None:
    """A team with a plan of 12 calls a day does not see 10 calls as far under plan."""
    data = rep(**LOW_VOLUME, territory={"lead_volume_vs_team": 1.0, "territory_size_vs_team": 1.0})
    assert "activity-low-calls-normal-leads" in diagnose(data).fired
    relaxed = diagnose(data, targets={"calls_per_day": 12})
    assert "activity-low-calls-normal-leads" not in relaxed.fired


def test_confirmed_system_gap_blocks_pip() -> None:
    """A confirmed system gap is marked so no PIP can be recommended while it stands."""
    result = diagnose(example("system-rep"))
    assert result.pip_blocked
    assert result.verdict("system").blocks_pip
    assert "No PIP" in result.explain()
    assert not diagnose(example("will-rep")).pip_blocked


def test_diagnosis_is_stamped_with_the_pack() -> None:
    """The result names the rule pack, its version and its content hash."""
    result = diagnose(example("will-rep"))
    assert result.rulebook.name == "gapdiag-default"
    assert len(result.rulebook.content_hash) == 16


def test_verdicts_cover_every_gap_sorted_by_confidence() -> None:
    """There is one verdict per gap, highest confidence first."""
    result = diagnose(example("skill-rep"))
    assert sorted(v.gap for v in result.verdicts) == ["knowledge", "skill", "system", "will"]
    confidences = [v.confidence for v in result.verdicts]
    assert confidences == sorted(confidences, reverse=True)


def test_evidence_carries_checks_with_values_and_thresholds() -> None:
    """Each piece of evidence lists its comparisons with observed values and thresholds."""
    result = diagnose(example("will-rep"))
    evidence = result.verdict("will").evidence[0]
    check = evidence.checks[0]
    assert check.result is True
    assert check.observed_value is not None
    assert check.threshold_value is not None


def test_json_round_trip_and_contract() -> None:
    """to_json/from_json round-trips, and the JSON has the output contract's fields."""
    result = diagnose(example("will-rep"))
    assert Diagnosis.from_json(result.to_json()) == result
    data = result.to_dict()
    assert {"rep_id", "primary_gap", "verdicts", "undetermined"} <= set(data)
    verdict = data["verdicts"][0]
    assert {"gap", "confidence", "status", "evidence"} <= set(verdict)
    assert {"rule", "certainty", "because"} <= set(verdict["evidence"][0])


def test_result_is_frozen() -> None:
    """A diagnosis cannot be changed after the fact."""
    result = diagnose(example("will-rep"))
    with pytest.raises(ValueError, match="frozen"):
        result.primary_gap = "skill"  # type: ignore[misc]


def test_input_is_not_mutated() -> None:
    """diagnose never changes the mapping it was given."""
    data = example("will-rep")
    before = copy.deepcopy(data)
    diagnose(data)
    assert data == before


def test_bad_metrics_raise_invalid_metrics() -> None:
    """Bad input raises InvalidMetrics naming the field."""
    with pytest.raises(InvalidMetrics, match=r"pipeline\.win_rate: 25"):
        diagnose(rep(pipeline={"win_rate": 25}))


def test_unknown_engine_is_rejected() -> None:
    """An engine name that does not exist is a clear error."""
    with pytest.raises(InvalidArgument, match="engine: 'rete' is not one of compiled, durable"):
        diagnose(rep(), engine="rete")  # type: ignore[arg-type]


def test_missing_rule_folder_is_a_rule_file_error(tmp_path: object) -> None:
    """Pointing at a folder that does not exist raises RuleFileError."""
    with pytest.raises(RuleFileError, match="no such file"):
        diagnose(rep(), rules="/nonexistent/rules")


def test_custom_pack_in_memory() -> None:
    """A Rulebook built from dicts diagnoses like a loaded one."""
    book = Rulebook.from_rules(
        [
            {
                "id": "few-calls",
                "gap": "will",
                "certainty": 0.8,
                "when": "activity.calls_per_day < 5",
                "because": "{activity.calls_per_day} calls",
                "examples": [{"given": {"activity": {"calls_per_day": 1}}, "fires": True}],
            }
        ],
        name="tiny",
    )
    result = diagnose(rep(activity={"calls_per_day": 2}), rules=book)
    assert result.primary_gap == "will"
    assert result.verdict("will").evidence[0].because == "2 calls"
    assert result.rulebook.name == "tiny"


def test_content_hash_follows_the_rules() -> None:
    """Two in-memory packs differing only in a threshold get different hashes; equal ones match."""

    def pack(limit: int) -> Rulebook:
        return Rulebook.from_rules(
            [
                rule_dict(
                    "few-calls",
                    f"activity.calls_per_day < {limit}",
                    certainty=0.8,
                    because="few calls",
                )
            ]
        )

    assert pack(5).content_hash == pack(5).content_hash
    assert pack(5).content_hash != pack(6).content_hash


def test_trace_covers_fired_and_quiet_rules_with_distances() -> None:
    """trace() gives every rule's outcome; a quiet rule shows how far it was from firing."""
    from gapdiag import trace

    traces = trace(example("healthy-rep"))
    assert [t.rule for t in traces] == [r.id for r in load_rules().rules]
    by_id = {t.rule: t for t in traces}
    quiet = by_id["activity-low-calls-normal-leads"]
    assert quiet.outcome is False
    calls = quiet.checks[0]
    assert calls.result is False
    assert calls.distance is not None
    assert calls.distance > 0
    fired = [t for t in traces if t.outcome]
    assert {t.rule for t in fired} == set(diagnose(example("healthy-rep")).fired)


def test_lookups_name_what_was_wrong() -> None:
    """Unknown gaps, rule ids and formats raise InvalidArgument with a suggestion."""
    from gapdiag import explain

    result = diagnose(example("will-rep"))
    with pytest.raises(
        InvalidArgument, match=r"gap: 'wil' is not one of .* \(did you mean 'will'\?\)"
    ):
        result.verdict("wil")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="did you mean 'ownership-late-plans'"):
        load_rules().rule("ownership-late-plan")
    assert load_rules().rule("ownership-late-plans").gap == "will"
    with pytest.raises(InvalidArgument, match="fmt: 'html' is not one of text, markdown"):
        explain(result, fmt="html")  # type: ignore[arg-type]
