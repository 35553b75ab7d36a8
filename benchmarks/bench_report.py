"""Benchmark the team report: 5,000 reps in 40 teams, rendered to one HTML page.

Run from the repository root after `pip install -e '.[test]'`:

    python benchmarks/bench_report.py              # 5,000 reps, a few seconds
    python benchmarks/bench_report.py --reps 20000 --out /tmp/report.html

Goals (issue 18), on the project's 2-core machine: the report for 5,000 reps renders in
<= 5 s (`team_report` on a finished `diagnose_many` batch, median of 3) and the page stays
under 10 MB. The population is bench_batch.py's (about 15% of values absent); diagnosing it
is timed separately, as it is not part of rendering.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import population

from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.notebook.report import team_report

GOAL_SECONDS = 5.0
GOAL_BYTES = 10_000_000


def main() -> None:
    """Time diagnose_many and team_report on a generated population; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5000, help="reps (default 5,000)")
    parser.add_argument("--repeat", type=int, default=3, help="renders to time (median)")
    parser.add_argument("--out", type=Path, help="also write the page here")
    parser.add_argument(
        "--detail", choices=("auto", "full", "brief"), default="auto", help="rep sections"
    )
    args = parser.parse_args()
    load = os.getloadavg()
    frame = population(args.reps)
    started = time.perf_counter()
    batch = diagnose_many(frame)
    diagnosed = time.perf_counter() - started
    times, cpu = [], []
    page = ""
    for _ in range(args.repeat):
        started, used = time.perf_counter(), time.process_time()
        page = team_report(batch, detail=args.detail)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    size = len(page.encode("utf-8"))
    render = statistics.median(times)
    teams = batch.frame["team"].nunique()
    print(f"reps: {batch.summary.diagnosed:,} in {teams} teams")
    print(f"diagnose_many: {diagnosed:.2f} s")
    print(f"team_report: median {render:.2f} s of {args.repeat} (goal <= {GOAL_SECONDS:g} s)")
    print(f"team_report CPU time: median {statistics.median(cpu):.2f} s")
    print(f"load average before: {load[0]:.1f} (other processes on the machine slow the wall time)")
    print(f"page: {size / 1e6:.2f} MB, {size / 2**20:.2f} MiB (goal < {GOAL_BYTES / 1e6:g} MB)")
    print(f"per rep: {size / max(batch.summary.diagnosed, 1):,.0f} bytes")
    if args.out is not None:
        args.out.write_text(page, encoding="utf-8")
        print(f"written to {args.out}")


if __name__ == "__main__":
    main()
