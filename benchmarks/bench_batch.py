"""Benchmark diagnose_many: a million rep-periods, side by side with the per-rep engines.

Run from the repository root after `pip install -e '.[test]'`:

    python benchmarks/bench_batch.py              # 1,000,000 reps, about a minute
    python benchmarks/bench_batch.py --rows 200000 --no-csv
    python benchmarks/bench_batch.py --json       # issue 28: the ratio to the numpy floor

Goals (issue 6), on the project's 2-core machine: 1,000,000 rep-periods already in a
DataFrame -> results DataFrame with the default pack in <= 1 s; peak memory <= 1.5 GB;
the vectorized path >= 100x the per-rep throughput of engine="durable", measured in the
same run. Reading a 1M-row CSV is reported separately.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _numpy_floor
from _ratio import alternate, load, ratio_line

import gapdiag
from gapdiag.engines.vector.batch import diagnose_many, read_population
from gapdiag.model.rows import nest

GOAL = 3.0
"""Issue 28: diagnose_many at most 3x the numpy floor's CPU time at 1M rows."""

# (column, low, high, share present): values spread around the default targets.
COLUMNS: list[tuple[str, float, float, float]] = [
    ("tenure_months", 0.5, 60, 0.85),
    ("activity.calls_per_day", 5, 160, 0.85),
    ("activity.emails_per_day", 5, 120, 0.85),
    ("activity.meetings_per_week", 0, 10, 0.85),
    ("activity.avg_call_minutes", 0.5, 12, 0.85),
    ("activity.meeting_to_opportunity_rate", 0, 0.6, 0.85),
    ("pipeline.quota", 80_000, 300_000, 0.85),
    ("pipeline.closed_won", 0, 150_000, 0.85),
    ("pipeline.commit", 0, 60_000, 0.85),
    ("pipeline.open_pipeline", 0, 800_000, 0.85),
    ("pipeline.win_rate", 0.05, 0.5, 0.85),
    ("pipeline.avg_deal_age_days", 5, 150, 0.85),
    ("pipeline.stage_conversion_rate", 0.05, 0.7, 0.85),
    ("calls.discovery_questions_per_call", 2, 20, 0.85),
    ("calls.open_question_ratio", 0.1, 0.9, 0.85),
    ("calls.talk_ratio", 0.2, 0.8, 0.85),
    ("calls.longest_monologue_seconds", 20, 300, 0.85),
    ("calls.objection_handling_score", 1, 5, 0.85),
    ("calls.rubric_score", 1, 5, 0.85),
    ("ownership.forecast_accuracy", 0.3, 1, 0.85),
    ("ownership.plan_submission_rate", 0, 1, 0.85),
    ("ownership.self_sourced_pipeline_share", 0, 0.6, 0.85),
    ("ownership.deflections_per_one_on_one", 0, 5, 0.85),
    ("ownership.commitment_score", 3, 10, 0.85),
    ("territory.lead_volume_vs_team", 0.3, 1.6, 0.6),
    ("territory.territory_size_vs_team", 0.4, 1.5, 0.6),
    ("territory.lead_quality_score", 1, 5, 0.6),
    ("territory.manager_coaching_hours_per_week", 0, 5, 0.6),
    ("knowledge.product_quiz_score", 0.3, 1, 0.85),
    ("knowledge.competitor_positioning_score", 1, 5, 0.85),
]
FLAGS = [
    ("ownership.states_gap_unprompted", 0.5),
    ("territory.lead_routing_ok", 0.85),
    ("knowledge.certified", 0.6),
    ("knowledge.comp_plan_understood", 0.7),
]


def population(rows: int, seed: int = 7) -> pd.DataFrame:
    """A flat population: ~15% of values absent (NaN / NA), flags as nullable booleans."""
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {
        "rep_id": pd.array([f"rep-{i % 5000}" for i in range(rows)], dtype="str"),
        "team": pd.array([f"team-{i % 40}" for i in range(rows)], dtype="str"),
    }
    for name, low, high, present in COLUMNS:
        values = np.round(rng.uniform(low, high, rows), 2)
        values[rng.random(rows) >= present] = np.nan
        data[name] = values
    for name, true_share in FLAGS:
        flags = pd.array(rng.random(rows) < true_share, dtype="boolean")
        flags[rng.random(rows) >= 0.85] = pd.NA
        data[name] = flags
    return pd.DataFrame(data)


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_rep_rate(frame: pd.DataFrame, engine: str, count: int) -> float:
    """Reps per second diagnosing `count` rows one at a time with `engine`."""
    reps = [
        nest({k: v for k, v in row.items() if not pd.isna(v)})
        for row in frame.head(count).to_dict("records")
    ]
    reps = [{**r, **{k: bool(v) for k, v in r.items() if isinstance(v, np.bool_)}} for r in reps]
    for rep in reps[:50]:
        gapdiag.diagnose(rep, engine=engine)  # type: ignore[arg-type]
    start = time.perf_counter()
    for rep in reps:
        gapdiag.diagnose(rep, engine=engine)  # type: ignore[arg-type]
    return len(reps) / (time.perf_counter() - start)


def main() -> None:
    """Run the batch benchmark and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--per-rep", type=int, default=3000, help="reps for the per-rep engines")
    parser.add_argument("--no-csv", action="store_true")
    parser.add_argument("--figures", type=Path, help="also write the figures here (JSON)")
    parser.add_argument("--rounds", type=int, default=5, help="--json: alternated rounds")
    parser.add_argument(
        "--json", action="store_true", help="only the ratio to the numpy floor, as a JSON line"
    )
    args = parser.parse_args()
    frame = population(args.rows)
    if args.json:
        ratio_to_floor(frame, args.rounds)
        return
    before = peak_rss_mib()
    diagnose_many(frame.head(1000))  # warm up: load the pack, import numpy paths
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        batch = diagnose_many(frame)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "seconds_median": median,
        "seconds_best": best,
        "rows_per_second": args.rows / median,
        "peak_rss_mib": peak_rss_mib(),
        "peak_rss_before_mib": before,
    }
    print(f"gapdiag {gapdiag.load_rules().name}: {len(batch.rule_ids)} rules, {args.rows:,} reps")
    print(f"diagnose_many(DataFrame)   median {median:.3f} s, best {best:.3f} s (goal <= 1 s)")
    print(f"  throughput               {figures['rows_per_second']:,.0f} reps/s")
    print(
        f"  peak RSS                 {figures['peak_rss_mib']:,.0f} MiB "
        f"(input built: {before:,.0f} MiB; goal <= 1,536 MiB)"
    )
    print(f"  summary                  {batch.summary.by_primary_gap}")
    compiled = per_rep_rate(frame, "compiled", args.per_rep)
    figures["compiled_per_rep_per_second"] = compiled
    print(f"diagnose(rep) compiled     {compiled:,.0f} reps/s")
    try:
        durable = per_rep_rate(frame, "durable", args.per_rep)
    except gapdiag.BackendUnavailable as error:
        print(f"engine='durable' skipped: {error}")
    else:
        figures["durable_per_rep_per_second"] = durable
        figures["batch_vs_durable"] = figures["rows_per_second"] / durable
        print(f"diagnose(rep) durable      {durable:,.0f} reps/s")
        print(f"  batch / durable          {figures['batch_vs_durable']:,.0f}x (goal >= 100x)")
    if not args.no_csv:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "reps.csv"
            frame.to_csv(path, index=False)
            start = time.perf_counter()
            read = read_population(path)
            figures["csv_read_seconds"] = time.perf_counter() - start
            start = time.perf_counter()
            diagnose_many(read)
            figures["csv_diagnose_seconds"] = time.perf_counter() - start
        print(
            f"read a {args.rows:,}-row CSV   {figures['csv_read_seconds']:.2f} s, then "
            f"diagnose_many {figures['csv_diagnose_seconds']:.2f} s"
        )
    if args.figures:
        args.figures.write_text(json.dumps(figures, indent=2))


def ratio_to_floor(frame: pd.DataFrame, rounds: int) -> None:
    """diagnose_many against the numpy floor (``_numpy_floor``), alternated rounds: a JSON line.

    The floor is first checked to fire the rules diagnose_many fires on a 20,000-row sample.
    """
    book, targets = gapdiag.load_rules(), gapdiag.Targets()
    sample = frame.head(20_000)
    _numpy_floor.check(book, sample, targets, diagnose_many(sample).frame)
    taken = alternate(
        {
            "ours": lambda: diagnose_many(frame),
            "floor": lambda: _numpy_floor.evaluate(book, frame, targets),
        },
        rounds,
    )
    ratio_line(
        f"diagnose_many: {len(frame):,} reps",
        taken["ours"],
        taken["floor"],
        GOAL,
        "s CPU",
        load=load(),
    )


if __name__ == "__main__":
    main()
