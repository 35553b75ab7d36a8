"""Benchmark counterfactual search: its cost on the example reps and on hostile rule packs.

Run from the repository root after installing the package:

    python benchmarks/bench_counterfactuals.py            # about half a minute on 2 cores
    python benchmarks/bench_counterfactuals.py --quick    # smaller packs

Issue 19 measured a one-rule `or` of 8,000 comparisons at 27.5 s with counterfactuals
(1.0 s without) and 5,000 rule files at over 120 s for one rep (2.3 s without). Issue 17
bounds the search per diagnosis; this script reports the time of `diagnose` with and
without counterfactuals for each case (median of a few runs, pack loading excluded).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

import gapdiag

# The attack rules are far past the default limits on one condition (docs/security.md);
# raise them for this process so the benchmark measures the counterfactual search.
os.environ.setdefault("GAPDIAG_LIMIT_EXPR_LENGTH", "1000000")
os.environ.setdefault("GAPDIAG_LIMIT_EXPR_TERMS", "100000")

ROOT = Path(__file__).resolve().parent.parent
GAPS = ("will", "skill", "knowledge", "system")


def rule(rule_id: str, when: str, gap: str = "will", certainty: float = 0.8) -> dict[str, Any]:
    """A rule for a generated pack."""
    return {
        "id": rule_id,
        "gap": gap,
        "certainty": certainty,
        "when": when,
        "because": "generated",
        "examples": [{"given": {}, "fires": "unknown"}],
    }


def big_or(size: int) -> gapdiag.Rulebook:
    """One rule: an `or` of `size` comparisons on calls a day."""
    when = " or ".join(f"activity.calls_per_day < {20 + i / 1000:.3f}" for i in range(size))
    return gapdiag.Rulebook.from_rules([rule("big-or", when)])


def many_rules(count: int) -> gapdiag.Rulebook:
    """`count` two-comparison rules spread over the four gaps, all firing on the probe rep."""
    return gapdiag.Rulebook.from_rules(
        [
            rule(
                f"r{i}",
                f"activity.calls_per_day < {20 + i / 1000:.3f} and "
                f"territory.lead_volume_vs_team < {2 + i / 1000:.3f}",
                gap=GAPS[i % 4],
                certainty=0.3,
            )
            for i in range(count)
        ]
    )


PROBE = {
    "rep_id": "probe",
    "activity": {"calls_per_day": 10},
    "territory": {"lead_volume_vs_team": 1.0},
}


def timed(rep: Any, book: gapdiag.Rulebook, runs: int, counterfactuals: bool) -> float:
    """Median seconds of `diagnose` over `runs` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        gapdiag.diagnose(rep, rules=book, counterfactuals=counterfactuals)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Measure each case and print (or write) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller packs, fewer runs")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    runs = 3 if args.quick else 5
    size, count = (2000, 1000) if args.quick else (8000, 5000)
    default = gapdiag.load_rules()
    cases: list[tuple[str, Any, gapdiag.Rulebook]] = [
        (name, json.loads((ROOT / "examples" / f"{name}.json").read_text()), default)
        for name in ("will-rep", "skill-rep", "system-rep", "knowledge-rep")
    ]
    cases.append((f"one `or` of {size:,} comparisons", PROBE, big_or(size)))
    cases.append((f"{count:,} firing rules", PROBE, many_rules(count)))
    figures = {}
    print(f"{'case':<36} {'without':>10} {'with':>10}")
    for name, rep, book in cases:
        plain = timed(rep, book, runs, counterfactuals=False)
        searched = timed(rep, book, runs, counterfactuals=True)
        figures[name] = {"without_s": plain, "with_s": searched}
        print(f"{name:<36} {plain * 1000:>8.1f}ms {searched * 1000:>8.1f}ms")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
