"""Benchmark the core: single-rep latency, explain, both engines, pack loading, import, memory.

Run from the repository root after installing the package:

    python benchmarks/bench_core.py            # everything, a few minutes on 2 cores
    python benchmarks/bench_core.py --quick    # fewer repetitions

Goals (issue 2): diagnose() median <= 100 us; explain() <= 100 us more; engine="durable"
within 3x of the compiled engine; default pack load <= 100 ms; `import gapdiag` <= 250 ms;
no memory growth over 100,000 calls on either engine.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gapdiag
from gapdiag.rulebook._resources import default_rules_dir
from gapdiag.rulebook.pack import _load

ROOT = Path(__file__).resolve().parent.parent


def population(size: int, seed: int = 7) -> list[dict[str, Any]]:
    """Realistic reps: every group usually present, values spread around the targets."""
    rnd = random.Random(seed)

    def maybe(value: Any, present: float = 0.85) -> Any:
        return value if rnd.random() < present else None

    def group(**fields: Any) -> dict[str, Any]:
        return {k: v for k, v in fields.items() if v is not None}

    reps = []
    for i in range(size):
        quota = rnd.uniform(80_000, 300_000)
        reps.append(
            {
                "rep_id": f"rep-{i}",
                "tenure_months": maybe(round(rnd.uniform(0.5, 60), 1)),
                "activity": group(
                    calls_per_day=maybe(round(rnd.uniform(5, 160))),
                    emails_per_day=maybe(round(rnd.uniform(5, 120))),
                    meetings_per_week=maybe(round(rnd.uniform(0, 10), 1)),
                    avg_call_minutes=maybe(round(rnd.uniform(0.5, 12), 1)),
                    meeting_to_opportunity_rate=maybe(round(rnd.uniform(0, 0.6), 2)),
                ),
                "pipeline": group(
                    quota=maybe(quota),
                    closed_won=maybe(rnd.uniform(0, quota)),
                    commit=maybe(rnd.uniform(0, quota / 3)),
                    open_pipeline=maybe(rnd.uniform(0, quota * 4)),
                    win_rate=maybe(round(rnd.uniform(0.05, 0.5), 2)),
                    avg_deal_age_days=maybe(rnd.uniform(5, 150)),
                    stage_conversion_rate=maybe(round(rnd.uniform(0.05, 0.7), 2)),
                ),
                "calls": group(
                    discovery_questions_per_call=maybe(round(rnd.uniform(2, 20))),
                    open_question_ratio=maybe(round(rnd.uniform(0.1, 0.9), 2)),
                    talk_ratio=maybe(round(rnd.uniform(0.2, 0.8), 2)),
                    objection_handling_score=maybe(round(rnd.uniform(1, 5), 1)),
                    rubric_score=maybe(round(rnd.uniform(1, 5), 1)),
                ),
                "ownership": group(
                    forecast_accuracy=maybe(round(rnd.uniform(0.3, 1), 2)),
                    states_gap_unprompted=maybe(rnd.random() < 0.5),
                    plan_submission_rate=maybe(round(rnd.uniform(0, 1), 2)),
                    deflections_per_one_on_one=maybe(rnd.randint(0, 5)),
                    commitment_score=maybe(rnd.randint(3, 10)),
                ),
                "territory": group(
                    lead_volume_vs_team=maybe(round(rnd.uniform(0.3, 1.6), 2), 0.6),
                    territory_size_vs_team=maybe(round(rnd.uniform(0.4, 1.5), 2), 0.6),
                    lead_routing_ok=maybe(rnd.random() < 0.85, 0.6),
                    manager_coaching_hours_per_week=maybe(round(rnd.uniform(0, 5), 1), 0.6),
                ),
                "knowledge": group(
                    product_quiz_score=maybe(round(rnd.uniform(0.3, 1), 2)),
                    certified=maybe(rnd.random() < 0.6),
                    competitor_positioning_score=maybe(round(rnd.uniform(1, 5), 1)),
                ),
            }
        )
    return reps


def per_call_us(fn: Callable[[Any], Any], items: list[Any], rounds: int) -> list[float]:
    """Time fn over every item, `rounds` times; return microseconds per call for each item."""
    samples: list[float] = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter_ns()
            fn(item)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def summary(label: str, samples: list[float], goal: str) -> dict[str, Any]:
    """Median and p95 of a list of microsecond samples, printed and returned."""
    ordered = sorted(samples)
    med = statistics.median(ordered)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(f"{label:<44} median {med:8.1f} us   p95 {p95:8.1f} us   ({goal})")
    return {"median_us": med, "p95_us": p95}


def rss_kib() -> int:
    """Resident set size of this process (Linux), in KiB: counts C allocations too."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def memory_growth(fn: Callable[[], Any], calls: int) -> tuple[int, int]:
    """RSS (KiB) after the first tenth of `calls` calls and after all of them."""
    for _ in range(calls // 10):
        fn()
    gc.collect()
    settled = rss_kib()
    for _ in range(calls - calls // 10):
        fn()
    gc.collect()
    return settled, rss_kib()


def import_ms() -> float:
    """Median wall time of `python -c "import gapdiag"` in a fresh interpreter, minus bare start."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return (time.perf_counter() - start) * 1000

    bare = statistics.median(run("pass") for _ in range(5))
    full = statistics.median(run("import gapdiag") for _ in range(7))
    label = 'python -c "import gapdiag" (wall, with start)'
    print(f"{label:<44} {full:8.1f} ms   (bare interpreter {bare:.1f} ms; goal <= 250 ms)")
    return full


def main() -> None:
    """Run every benchmark and print the figures (and JSON with --json)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--first", type=int, help="use only the first N rules of the pack (issue 2 quotes 21)"
    )
    args = parser.parse_args()
    reps = population(300 if args.quick else 1000)
    rounds = 2 if args.quick else 5
    book = gapdiag.load_rules()
    if args.first:
        book = gapdiag.Rulebook.from_rules(book.rules[: args.first], name=f"first-{args.first}")
    print(
        f"gapdiag on Python {sys.version.split()[0]}, pack {book.name} {book.version}: "
        f"{len(book.rules)} rules; {len(reps)} generated reps x {rounds} rounds\n"
    )
    figures: dict[str, Any] = {}

    per_call_us(lambda r: gapdiag.diagnose(r, rules=book), reps[:50], 2)  # warm up
    figures["diagnose"] = summary(
        "diagnose(rep) compiled, from a dict",
        per_call_us(lambda r: gapdiag.diagnose(r, rules=book), reps, rounds),
        "goal <= 100 us",
    )
    results = [gapdiag.diagnose(r, rules=book) for r in reps]
    figures["explain"] = summary(
        "explain(diagnosis)", per_call_us(gapdiag.explain, results, rounds), "goal <= 100 us"
    )
    try:
        gapdiag.diagnose(reps[0], rules=book, engine="durable")
    except gapdiag.BackendUnavailable as error:
        print(f"engine='durable' skipped: {error}")
    else:
        figures["durable"] = summary(
            "diagnose(rep, engine='durable')",
            per_call_us(lambda r: gapdiag.diagnose(r, rules=book, engine="durable"), reps, rounds),
            "goal: within 3x of compiled",
        )
        ratio = figures["durable"]["median_us"] / figures["diagnose"]["median_us"]
        print(f"{'  durable / compiled median':<44} {ratio:8.2f}x")
        figures["durable_vs_compiled"] = ratio

    loads = []
    for _ in range(10):
        start = time.perf_counter()
        _load(default_rules_dir())
        loads.append((time.perf_counter() - start) * 1000)
    figures["load_ms"] = statistics.median(loads)
    print(
        f"{'load + compile the default pack':<44} {figures['load_ms']:8.1f} ms   (goal <= 100 ms)"
    )
    figures["import_ms"] = import_ms()

    calls = 20_000 if args.quick else 100_000
    rep = reps[0]
    for engine in ("compiled", "durable"):
        if engine == "durable" and "durable" not in figures:
            continue
        settled, final = memory_growth(
            lambda e=engine: gapdiag.diagnose(rep, rules=book, engine=e), calls
        )
        figures[f"rss_kib_{engine}"] = {"after_10pct": settled, "after_all": final}
        label = f"RSS over {calls:,} calls, {engine}"
        print(
            f"{label:<44} {settled:,} KiB after 10% -> {final:,} KiB at the end "
            f"({final - settled:+,} KiB)"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
