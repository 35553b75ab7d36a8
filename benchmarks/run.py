"""Every measured path against its floor, one process each, in one table of ratios.

    python benchmarks/run.py              # every path: about half an hour on 2 cores
    python benchmarks/run.py --only cli ingest
    python benchmarks/run.py --quick      # smaller sizes, to try it out; writes nothing

Runs each benchmark script with ``--json`` in a process of its own, one after the other,
collects the JSON lines they print (one per path, see ``_ratio.py``) and prints the
table. A full run (no --quick, no --only) writes the figures, the date, the commit and
the machine's load to ``benchmarks/results.json`` and puts the table into README.md and
benchmarks/README.md between their ``run.py`` markers: the documented figures are always
those of one recorded run (``tests/test_benchmark_results.py`` checks it). A script that
fails, or that has no ``--json`` yet, is listed as skipped with the reason.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ratio import load

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
DOCUMENTS = (ROOT / "README.md", HERE / "README.md")
START, END = "<!-- run.py table: start -->", "<!-- run.py table: end -->"
# name: (script, arguments of a full run, arguments of a --quick run)
PATHS: dict[str, tuple[str, list[str], list[str]]] = {
    "cli": ("bench_cli.py", [], ["--rounds", "5"]),
    "engine": ("bench_engine.py", [], ["--reps", "200", "--rounds", "3"]),
    "batch": ("bench_batch.py", [], ["--rows", "100000", "--rounds", "3"]),
    "ingest": (
        "bench_ingest.py",
        [],
        ["--deals", "100000", "--rounds", "3", "--memory-runs", "1"],
    ),
    "spark": (
        "bench_spark.py",
        [],
        ["--rows", "200000", "--small", "20000", "--repeat", "1"],
    ),
    "calls": ("bench_calls.py", [], []),
    "report": ("bench_report.py", [], []),
}
KEYS = ("path", "ours", "floor", "ratio", "goal", "unit")


def run_one(name: str, quick: bool) -> tuple[list[dict[str, Any]], str | None]:
    """The JSON lines one script printed, or the reason it gave none."""
    script, full, short = PATHS[name]
    command = [sys.executable, str(HERE / script), "--json", *(short if quick else full)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    found = []
    for text in done.stdout.splitlines():
        try:
            item = json.loads(text)
        except ValueError:
            continue
        if isinstance(item, dict) and all(key in item for key in KEYS):
            found.append({"script": script, **item})
    if done.returncode != 0 or not found:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        reason = lines[-1] if lines else f"exit status {done.returncode}, no JSON line"
        if "--json" in reason and ("unrecognized" in reason or "expected one" in reason):
            reason = f"{script} has no --json yet"
        return found, reason[:300]
    return found, None


def _number(value: Any) -> str:
    if not isinstance(value, int | float):
        return str(value)
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def render(results: dict[str, Any]) -> str:
    """The Markdown table (and its dateline) that README.md and benchmarks/README.md quote."""
    start = results["load"]["before"]
    pressure = start.get("cpu_pressure") or {}
    lines = [
        f"Measured {results['date']} with `{results['command']}` (commit "
        f"`{results['commit']}`, Python {results['python']}, {start['cores']} cores); load "
        f"average {', '.join(f'{v:.2f}' for v in start['loadavg'])} at the start, tasks "
        f"waiting for a CPU {pressure.get('avg60', float('nan')):.0f}% of the minute. Each "
        "figure is the median of alternated rounds; lower is better.",
        "",
        "| path | ours | floor | ratio | goal | met | unit |",
        "| --- | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for item in results["paths"]:
        met = {True: "yes", False: "no"}.get(item.get("met"), "-")  # "-": no goal set
        ratio = f"{item['ratio']:.2f}" if isinstance(item["ratio"], int | float) else ""
        floor = _number(item["floor"]) if item["floor"] is not None else ""
        lines.append(
            f"| {item['path']} | {_number(item['ours'])} | {floor} | "
            f"{ratio} | {item['goal']} | {met} | {item['unit']} |"
        )
    lines.extend(
        f"| {skipped['name']}: not measured | | | | | | {skipped['reason']} |"
        for skipped in results["skipped"]
    )
    return "\n".join(lines)


def quote(document: Path, table: str) -> None:
    """Put `table` between the run.py markers of `document` (they must be there)."""
    text = document.read_text()
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"{document}: no {START} ... {END} markers to put the table between")
    document.write_text(pattern.sub(lambda _: f"{START}\n{table}\n{END}", text))


def commit() -> str:
    """The checkout's commit, marked when it has changes not committed."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout.strip()
    return f"{head}+changes" if dirty else head or "unknown"


def main() -> None:
    """Run the benchmarks, print the table; a full run also records and quotes it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(PATHS), help="these paths only")
    parser.add_argument("--quick", action="store_true", help="small sizes; writes nothing")
    args = parser.parse_args()
    names = args.only or list(PATHS)
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python benchmarks/run.py" + (" --quick" if args.quick else ""),
        "commit": commit(),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "load": {"before": load()},
        "paths": [],
        "skipped": [],
    }
    for name in names:
        started = time.perf_counter()
        print(f"{name}: running {PATHS[name][0]} --json ...", file=sys.stderr, flush=True)
        found, reason = run_one(name, args.quick)
        results["paths"].extend(found)
        if reason is not None:
            results["skipped"].append({"name": name, "reason": reason})
        took = time.perf_counter() - started
        print(f"{name}: {len(found)} figures in {took:.0f} s", file=sys.stderr, flush=True)
    results["load"]["after"] = load()
    table = render(results)
    print(table)
    if args.quick or args.only:
        return
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    for document in DOCUMENTS:
        quote(document, table)
    print(
        f"\nwrote {RESULTS.relative_to(ROOT)} and quoted the table in README.md and "
        "benchmarks/README.md",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
