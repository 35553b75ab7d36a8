"""Ingest a 1M-deal opportunity export, against pyarrow reading the same columns.

    python benchmarks/bench_ingest.py                   # 1,000,000 deals, about a minute
    python benchmarks/bench_ingest.py --deals 200000 --json

Writes a seeded Salesforce-style export once (``examples/exports/generate.py``, 99 MB
for 1M deals) into a temporary folder. Time: in one process, rounds that take turns
between ``read_exports(period="2017-Q2", opportunities=[file])`` (read, parse dates,
stages and amounts, tally per rep) and the floor, ``pyarrow.csv.read_csv`` of the same
file keeping only the six mapped columns (types inferred, threads on: pyarrow's
defaults); CPU time (every thread), median of the rounds. The floor's table is checked
to hold the rows and owners ingest read. Memory: in fresh processes, the peak resident
size (VmHWM) of the call above the size once a small export was read the same way
(libraries loaded, kernels initialized), against the size of the mapped columns as
pyarrow holds them. Goals (issue 28): time at most 1.5x the floor's, memory at most
1.5x the columns'.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ratio import alternate, line, load, median, ratio_line, spread

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "exports" / "opportunities.csv"
COLUMNS = ["Opportunity Owner", "Stage", "Amount", "Created Date", "Close Date", "Account Name"]
PERIOD = "2017-Q2"
GOAL = 1.5

_MEMORY = """
import json, sys
import pyarrow.csv as pcsv
from gapdiag.sources.ingest import read_exports
def status():
    fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
    return int(fields["VmHWM"].split()[0]) * 1024, int(fields["VmRSS"].split()[0]) * 1024
def ours(path):
    return read_exports(period={period!r}, opportunities=[path])
def floor(path):
    return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(include_columns={columns!r}))
run = {{"ours": ours, "floor": floor}}[sys.argv[1]]
run({sample!r})  # libraries loaded and kernels initialized: not the data's memory
open("/proc/self/clear_refs", "w").write("5")  # the peak starts again from here
base = status()[1]
run(sys.argv[2])
print(json.dumps({{"peak": status()[0] - base}}))
"""


def write_export(folder: Path, deals: int) -> Path:
    """The seeded opportunity export with `deals` rows."""
    sys.path.insert(0, str(ROOT / "examples" / "exports"))
    from generate import write_exports

    write_exports(folder, deals=deals, activities=0)
    return folder / "opportunities.csv"


def read_columns(path: Path) -> Any:
    """The floor: pyarrow reading the mapped columns, its default options otherwise."""
    import pyarrow.csv as pcsv

    return pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(include_columns=COLUMNS))


def ingest(path: Path) -> Any:
    """Ours: the opportunity export to per-rep metrics for the period."""
    from gapdiag.sources.ingest import read_exports

    return read_exports(period=PERIOD, opportunities=[path])


def check(path: Path) -> int:
    """The floor reads the rows and owners ingest read; returns the columns' size in bytes."""
    import pyarrow.compute as pc

    table, ours = read_columns(path), ingest(path)
    (summary,) = ours.files
    owners = {name.strip() for name in pc.unique(table.column(COLUMNS[0])).to_pylist() if name}
    if table.num_rows != summary.rows or owners != {row["rep_id"] for row in ours.rows}:
        raise SystemExit("the floor did not read what ingest read")
    return int(table.nbytes)


def peak(which: str, path: Path) -> int:
    """Peak memory of one fresh process running `which` on `path`, above its warm baseline."""
    code = _MEMORY.format(period=PERIOD, columns=COLUMNS, sample=str(SAMPLE))
    done = subprocess.run(
        [sys.executable, "-c", code, which, str(path)], capture_output=True, text=True, check=True
    )
    return int(json.loads(done.stdout.strip().splitlines()[-1])["peak"])


def main() -> None:
    """Write the export, time and measure both readers, print a summary or JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=7, help="alternated rounds (median)")
    parser.add_argument("--memory-runs", type=int, default=3, help="fresh processes each")
    parser.add_argument("--json", action="store_true", help="print one JSON line per figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = write_export(Path(folder), args.deals)
        columns = check(path)
        before = load()
        taken = alternate(
            {"ours": lambda: ingest(path), "floor": lambda: read_columns(path)}, args.rounds
        )
        peaks = {name: [peak(name, path) for _ in range(args.memory_runs)] for name in taken}
        after = load()
    ours, floor = median(taken["ours"]), median(taken["floor"])
    memory = median([float(p) for p in peaks["ours"]])
    common = {"deals": args.deals, "load": {"before": before, "after": after}}
    if args.json:
        ratio_line(
            f"ingest: {args.deals:,} deals, time",
            taken["ours"],
            taken["floor"],
            GOAL,
            "s CPU",
            **common,
        )
        line(
            f"ingest: {args.deals:,} deals, peak memory",
            memory / 1e6,
            columns / 1e6,
            goal=f"ratio <= {GOAL}",
            met=memory <= GOAL * columns,
            unit="MB (floor: the mapped columns)",
            floor_process_mb=median([p / 1e6 for p in peaks["floor"]]),
            runs_mb=spread([p / 1e6 for p in peaks["ours"]]),
            **common,
        )
        return
    print(f"load before {before}, after {after}")
    print(f"time: ingest {ours:.3f} s CPU, pyarrow {floor:.3f} s CPU: {ours / floor:.2f}x")
    print(
        f"memory: ingest {memory / 1e6:.0f} MB over its baseline, the columns "
        f"{columns / 1e6:.0f} MB: {memory / columns:.2f}x (pyarrow's process "
        f"{median([p / 1e6 for p in peaks['floor']]):.0f} MB)"
    )


if __name__ == "__main__":
    main()
