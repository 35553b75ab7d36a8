"""The label registry: every path a person might see has a label; values read with units."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gapdiag.model.derived import DERIVED
from gapdiag.model.labels import label_of, show
from gapdiag.model.metrics import METRICS, Targets


def test_every_metric_derived_and_target_has_a_real_label() -> None:
    """Metrics, derived quantities and targets all have hand-written labels, not fallbacks."""
    paths = [
        *METRICS,
        *(f"derived.{n}" for n in DERIVED),
        *(f"target.{n}" for n in Targets.model_fields),
    ]
    for path in paths:
        label = label_of(path)
        assert label.path == path
        assert "_" not in label.label
        assert "." not in label.label
        assert label.label[0].isupper()


def test_values_read_with_their_units() -> None:
    """Counts carry their unit words; money, shares and multiples their signs."""
    assert show("activity.calls_per_day", 14.0) == "14 calls a day"
    assert show("pipeline.quota", 90000.0) == "$90,000"
    assert show("derived.gap_to_goal", -1500.0) == "-$1,500"
    assert show("pipeline.win_rate", 0.25) == "25%"
    assert show("derived.coverage", 3.0) == "3.0\u00d7"
    assert show("territory.lead_volume_vs_team", 0.63) == "0.63\u00d7"
    assert show("knowledge.certified", True) == "yes"
    assert show("knowledge.certified", False) == "no"
    assert show("calls.rubric_score", 2.75) == "2.8 of 5"
    assert show("activity.calls_per_day", None) == "unknown"
    assert show("target.calls_per_day", 40.0) == "40 calls a day"


def test_team_values_and_unknown_paths() -> None:
    """Team values name their statistic; an unknown path gets a humanized label."""
    assert label_of("team.mean.activity.calls_per_day").label == "Team average calls per day"
    assert label_of("team.median.pipeline.win_rate").label == "Team median win rate"
    assert label_of("team.mode.pipeline.win_rate").label == "Win rate"
    assert label_of("custom.deals_touched").label == "Deals touched"
    assert show("custom.deals_touched", 3.14159) == "3.14"


@given(
    st.text(max_size=40),
    st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False)),
)
def test_never_raises(path: str, value: float | bool | None) -> None:
    """Any path and any finite value give a label and a text, never an error."""
    assert isinstance(label_of(path).label, str)
    assert isinstance(show(path, value), str)
