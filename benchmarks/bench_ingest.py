"""Ingest speed and memory: a 1M-deal opportunity export and 5M activity rows.

    python benchmarks/bench_ingest.py [--deals 1000000] [--activities 5000000]

Writes the exports once (examples/exports/generate.py, seeded) into a temporary folder,
then times, each in a fresh process: pandas reading the two files (``pd.read_csv``, all
columns, and only the mapped ones), and ``read_exports`` for 2017-Q2. Memory is the
process's peak resident size (VmHWM) minus what it held after imports, against the
in-memory size of the mapped columns as Arrow text (what "the columns used" weigh).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OPP = ["Opportunity Owner", "Stage", "Amount", "Created Date", "Close Date", "Account Name"]
ACT = ["Assigned", "Task Subtype", "Date", "Call Duration", "Outcome", "Company / Account"]

_CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
def peak():
    for line in open("/proc/self/status"):
        if line.startswith(("VmHWM", "VmRSS")):
            yield int(line.split()[1]) * 1024
import pandas as pd, pyarrow, numpy
from gapdiag.sources.ingest import read_exports
base = list(peak())[1]
start = time.perf_counter()
{body}
took = time.perf_counter() - start
print(json.dumps({{"seconds": took, "peak": list(peak())[0] - base}}))
"""
BODIES = {
    "pandas, all columns": "pd.read_csv({opp!r}); pd.read_csv({act!r})",
    "pandas, mapped columns": (
        "pd.read_csv({opp!r}, usecols={opp_cols!r}); pd.read_csv({act!r}, usecols={act_cols!r})"
    ),
    "gapdiag ingest": "read_exports(period='2017-Q2', opportunities={opp!r}, activities={act!r})",
}


def _run(body: str) -> dict[str, float]:
    code = _CHILD.format(root=str(ROOT), body=body)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _columns_bytes(opp: Path, act: Path) -> int:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    total = 0
    for path, cols in ((opp, OPP), (act, ACT)):
        types = {c: pa.string() for c in cols}
        table = pcsv.read_csv(
            path, convert_options=pcsv.ConvertOptions(include_columns=cols, column_types=types)
        )
        total += table.nbytes
    return total


def main() -> None:
    """Write the exports, time and measure each reader, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--activities", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per reader (best is kept)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "examples" / "exports"))
    from generate import write_exports

    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        write_exports(Path(folder), deals=args.deals, activities=args.activities)
        opp, act = Path(folder) / "opportunities.csv", Path(folder) / "activities.csv"
        rows = sum(1 for _ in act.open()) - 1
        took = time.perf_counter() - started
        sizes = f"{opp.stat().st_size / 1e6:.0f} MB, {act.stat().st_size / 1e6:.0f} MB"
        print(f"wrote {args.deals:,} deals and {rows:,} activities ({sizes}) in {took:.0f} s")
        used = _columns_bytes(opp, act)
        print(f"mapped columns as Arrow text: {used / 1e6:.0f} MB\n")
        print(f"| reader | seconds (best of {args.repeat}) | peak memory over baseline |")
        print("| --- | ---: | ---: |")
        texts = {
            name: body.format(opp=str(opp), act=str(act), opp_cols=OPP, act_cols=ACT)
            for name, body in BODIES.items()
        }
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in texts}
        for _ in range(args.repeat):  # interleaved, so a busy machine slows every reader alike
            for name, text in texts.items():
                runs[name].append(_run(text))
        for name, results in runs.items():
            best = min(r["seconds"] for r in results)
            peak = min(r["peak"] for r in results)
            print(
                f"| {name} | {best:.2f} | {peak / 1e6:,.0f} MB "
                f"({peak / used:.2f}x the columns used) |"
            )


if __name__ == "__main__":
    main()
