"""Benchmark: how often the decision tree and the rules name different gaps (issues 14, 23).

Run from the repository root:

    python benchmarks/bench_agreement.py              # 20,000 generated reps
    python benchmarks/bench_agreement.py --reps 5000 --seed 7

A population is generated with realistic spreads (activity around the seed plan of 40
calls a day and 5 meetings a week, win rates around 25%, territory ratios around 1.0, a
tail of broken routing and starved patches, and 15% of every field missing). It is
diagnosed with `diagnose_many`. Gaps explain why a rep is behind, so the figures count the
reps who are behind (a rep ahead or on track gets no primary gap by design):

- where both reach a gap (a tree leaf naming a gap, and a primary gap): the share where
  they differ. Issue 14 made the tree's leaf win whenever the rules suspected its gap
  (0% then); issue 23 made the better-supported gap win, with the explanation saying what
  the tree saw, so a difference is now the stronger evidence speaking, not a fault;
- where the tree reaches any leaf: the share whose leaf gap is not the primary gap.

Each difference is counted by class (tree leaf -> primary gap); docs/tree.md explains them.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.rulebook.pack import default_rules

MISSING = 0.15


def population(size: int, seed: int) -> pd.DataFrame:
    """A generated population with realistic spreads and 15% of every field missing."""
    rng = np.random.default_rng(seed)

    def clip(values: Any, low: float, high: float) -> Any:
        return np.clip(values, low, high)

    calls = clip(rng.lognormal(np.log(32), 0.45, size), 1, 200)
    conversion = clip(rng.lognormal(np.log(0.025), 0.45, size), 0.001, 0.2)
    quota = rng.choice([120_000, 150_000, 200_000, 250_000], size)
    columns: dict[str, Any] = {
        "rep_id": [f"rep-{i}" for i in range(size)],
        "team": [f"team-{i % 20}" for i in range(size)],
        "tenure_months": clip(rng.gamma(3, 8, size), 0.5, 120),
        "activity.calls_per_day": calls,
        "activity.emails_per_day": clip(rng.normal(55, 18, size), 0, 200),
        "activity.meetings_per_week": clip(calls * 5 * conversion, 0, 60),
        "activity.avg_call_minutes": clip(rng.normal(4.5, 1.5, size), 0.5, 30),
        "activity.meeting_to_opportunity_rate": clip(rng.normal(0.32, 0.1, size), 0, 1),
        "pipeline.quota": quota,
        "pipeline.closed_won": quota * clip(rng.beta(2, 4, size), 0, 1),
        "pipeline.commit": quota * clip(rng.beta(1.5, 8, size), 0, 1),
        "pipeline.open_pipeline": quota * clip(rng.lognormal(0.6, 0.5, size), 0, 20),
        "pipeline.win_rate": clip(rng.normal(0.25, 0.07, size), 0.03, 0.8),
        "pipeline.avg_deal_age_days": clip(rng.normal(50, 18, size), 1, 400),
        "pipeline.sales_cycle_days": clip(rng.normal(70, 22, size), 5, 400),
        "pipeline.stage_conversion_rate": clip(rng.normal(0.42, 0.12, size), 0, 1),
        "calls.discovery_questions_per_call": clip(rng.normal(12, 3, size), 0, 40),
        "calls.open_question_ratio": clip(rng.normal(0.62, 0.12, size), 0, 1),
        "calls.talk_ratio": clip(rng.normal(0.44, 0.06, size), 0, 1),
        "calls.longest_monologue_seconds": clip(rng.normal(85, 30, size), 5, 900),
        "calls.objection_handling_score": clip(rng.normal(3.5, 0.6, size), 1, 5),
        "calls.rubric_score": clip(rng.normal(3.6, 0.6, size), 1, 5),
        "ownership.forecast_accuracy": clip(rng.normal(0.82, 0.1, size), 0, 1),
        "ownership.states_gap_unprompted": rng.random(size) < 0.8,
        "ownership.plan_submission_rate": clip(rng.normal(0.93, 0.08, size), 0, 1),
        "ownership.self_sourced_pipeline_share": clip(rng.normal(0.4, 0.12, size), 0, 1),
        "ownership.deflections_per_one_on_one": clip(rng.gamma(1.2, 0.6, size), 0, 20),
        "ownership.commitment_score": clip(np.round(rng.normal(9, 0.8, size)), 1, 10),
        "territory.lead_volume_vs_team": clip(rng.normal(1.0, 0.15, size), 0.1, 3),
        "territory.lead_quality_score": clip(rng.normal(3.6, 0.5, size), 1, 5),
        "territory.territory_size_vs_team": clip(rng.normal(1.0, 0.12, size), 0.1, 3),
        "territory.lead_routing_ok": rng.random(size) > 0.04,
        "territory.manager_coaching_hours_per_week": clip(rng.normal(2.8, 0.5, size), 0, 20),
        "territory.stage_definitions_ok": rng.random(size) > 0.04,
        "knowledge.product_quiz_score": clip(rng.normal(0.86, 0.07, size), 0, 1),
        "knowledge.certified": rng.random(size) > 0.06,
        "knowledge.competitor_positioning_score": clip(rng.normal(3.8, 0.5, size), 1, 5),
        "knowledge.comp_plan_understood": rng.random(size) > 0.05,
    }
    frame = pd.DataFrame(columns)
    for name in frame.columns:
        if name in ("rep_id", "team"):
            continue
        hole = rng.random(size) < MISSING
        frame[name] = frame[name].astype(object).where(~hole, None)
    return frame


def measure(size: int, seed: int) -> dict[str, Any]:
    """Diagnose a generated population; the disagreement rates and their classes."""
    book = default_rules()
    assert book.tree is not None
    gap_of = {leaf.id: (None if leaf.gap == "none" else leaf.gap) for leaf in book.tree.leaves}
    out = diagnose_many(population(size, seed)).frame
    behind = out["standing"].astype(object) == "behind"
    out = out[behind.to_numpy()].reset_index(drop=True)
    leaf = out["tree_leaf"].astype(object)
    primary = out["primary_gap"].astype(object)
    leaf_gap = leaf.map(lambda v: gap_of.get(v) if isinstance(v, str) else None)
    reached = leaf.map(lambda v: isinstance(v, str))
    both = reached & leaf_gap.notna() & primary.notna()
    differ = both & (leaf_gap != primary)
    agrees = leaf_gap.where(leaf_gap.notna(), None) == primary.where(primary.notna(), None)
    any_leaf_disagree = reached & ~(
        (leaf_gap.isna() & primary.isna()) | (leaf_gap.notna() & agrees)
    )
    classes = Counter(
        f"{leaf[i]} -> {primary[i] if isinstance(primary[i], str) else 'no gap'}"
        for i in np.flatnonzero(any_leaf_disagree.to_numpy())
    )
    return {
        "reps": size,
        "behind": int(behind.sum()),
        "both_reach_a_gap": int(both.sum()),
        "differ": int(differ.sum()),
        "differ_rate": float(differ.sum() / max(1, both.sum())),
        "reached_a_leaf": int(reached.sum()),
        "tree_agrees_false": int(any_leaf_disagree.sum()),
        "tree_agrees_false_rate": float(any_leaf_disagree.sum() / max(1, reached.sum())),
        "classes": classes.most_common(),
    }


def main() -> None:
    """Print the disagreement figures for a generated population."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    found = measure(args.reps, args.seed)
    print(f"reps: {found['reps']:,}; behind: {found['behind']:,} (the figures below count them)")
    print(
        f"both reach a gap: {found['both_reach_a_gap']:,}; tree leaf and rules' primary gap "
        f"differ for {found['differ']:,} ({found['differ_rate']:.2%}): the stronger evidence won"
    )
    print(
        f"reached a leaf: {found['reached_a_leaf']:,}; the leaf's gap is not the primary gap for "
        f"{found['tree_agrees_false']:,} ({found['tree_agrees_false_rate']:.2%})"
    )
    for name, count in found["classes"]:
        print(f"  {count:6,}  {name}")


if __name__ == "__main__":
    main()
