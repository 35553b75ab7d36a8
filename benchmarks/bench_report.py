"""Benchmark the team report: page size, render time against its floor, memory, first screen.

Run from the repository root after `pip install -e '.[test]'`:

    python benchmarks/bench_report.py                 # 5,000 and 20,000 reps
    python benchmarks/bench_report.py --reps 5000 --json

Goals (issues 27 and 28), on the project's 2-core machine, for bench_batch.py's generated
population (40 teams, about 15% of values absent) read from one CSV file:

- render: `diagnose_many` of the file plus `team_report`, written to a file, at most 3x
  the floor measured in the same run: `diagnose_many` of the same file written to CSV
  (CPU time, median of alternated rounds, each in a fresh process);
- the page at most 5 MB at 5,000 reps;
- peak memory of the process that renders 20,000 reps at most 400 MB (its floor, the
  process that diagnoses them to CSV, is printed beside it);
- the first screen of the 5,000-rep page drawn in Chromium within 2 s of navigation
  (needs Debian's chromium and chromedriver; skipped with the reason where absent).

``--json`` prints one JSON object per measured path:
``{"path", "ours", "floor", "ratio", "goal", "unit"}`` (``goal`` is the ratio's goal where
there is a floor, else the absolute goal in ``unit``, null where the issue sets none for
that size; ``floor`` and ``ratio`` are null for absolute figures).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import _ratio  # noqa: E402

GOAL_RATIO = 3.0
GOAL_MB = 5.0
GOAL_MEMORY_MB = 400.0
GOAL_FIRST_SCREEN_S = 2.0

_CHILD = """
import resource, sys, time
sys.path.insert(0, {here!r})
from gapdiag.engines.vector.batch import diagnose_many
from gapdiag.notebook.report import team_report
source, out, what = sys.argv[1:4]
started = time.process_time()
batch = diagnose_many(source)
if what == "report":
    page = team_report(batch, sources=["population " + source])
    with open(out, "w", encoding="utf-8") as file:
        file.write(page)
else:
    batch.frame.to_csv(out, index=False)
cpu = time.process_time() - started
print(cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def _run(source: Path, out: Path, what: str) -> tuple[float, float]:
    """CPU seconds and peak memory (MB) of one fresh process diagnosing (and rendering)."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD.format(here=str(HERE)), str(source), str(out), what],
        capture_output=True,
        text=True,
        check=True,
    )
    cpu, peak = done.stdout.split()
    return float(cpu), float(peak)


def measure(reps: int, rounds: int, folder: Path) -> dict[str, Any]:
    """Render and floor, alternated `rounds` times, for a population of `reps`."""
    sys.path.insert(0, str(HERE))
    from bench_batch import population

    source = folder / f"population-{reps}.csv"
    population(reps).to_csv(source, index=False)
    page = folder / f"report-{reps}.html"
    ours, floor, peaks, floor_peaks = [], [], [], []
    for _ in range(rounds):
        cpu, peak = _run(source, folder / "results.csv", "csv")
        floor.append(cpu)
        floor_peaks.append(peak)
        cpu, peak = _run(source, page, "report")
        ours.append(cpu)
        peaks.append(peak)
    return {
        "reps": reps,
        "ours": statistics.median(ours),
        "floor": statistics.median(floor),
        "peak": max(peaks),
        "floor_peak": max(floor_peaks),
        "rounds": ours,
        "floors": floor,
        "mb": page.stat().st_size / 1e6,
        "page": page,
    }


def first_screen(page: Path, loads: int = 3) -> float | str:
    """Seconds from navigation to the drawn first screen in headless Chromium (median)."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return "selenium is not installed"
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if chromium is None or driver_path is None:
        return "chromium or chromedriver is not installed"
    options = Options()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1440,900"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        times = []
        for _ in range(loads):
            browser.get("about:blank")
            browser.get(page.as_uri())
            mark = "return performance.getEntriesByName('gapdiag-first-screen')[0].startTime"
            times.append(browser.execute_script(mark) / 1000)
        return float(statistics.median(times))
    finally:
        browser.quit()


def _line(
    path: str, ours: float, floor: float | None, goal: float | None, unit: str, **extra: Any
) -> dict[str, Any]:
    """One figure as run.py reads it: against its floor (goal on the ratio) where it has one,
    else absolute (goal on `ours` in `unit`); `met` is None where the issues set no goal."""
    ratio = ours / floor if floor else None
    if goal is None:
        words, met = "none at this size", None
    elif ratio is not None:
        words, met = f"ratio <= {goal:g}", ratio <= goal
    else:
        words, met = f"ours <= {goal:g} {unit}", ours <= goal
    return {
        "path": path,
        "ours": round(ours, 3),
        "floor": round(floor, 3) if floor is not None else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "goal": words,
        "met": met,
        "unit": unit,
        **extra,
    }


def _at(reps: int, size: int, goal: float) -> float | None:
    """A goal the issue states for one population size only (None at the other sizes)."""
    return goal if reps == size else None


def main() -> None:
    """Measure the report for each population size; print a table or JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, nargs="+", default=[5000, 20000])
    parser.add_argument("--rounds", type=int, default=3, help="alternated rounds (median)")
    parser.add_argument("--json", action="store_true", help="one JSON object per path")
    parser.add_argument("--keep", type=Path, help="keep the pages in this folder")
    args = parser.parse_args()
    before = _ratio.load()
    lines: list[dict[str, Any]] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for reps in args.reps:
            got = measure(reps, args.rounds, folder)
            name = f"report, {reps:,} reps"
            lines.append(
                _line(
                    f"{name}: render vs diagnose_many to CSV",
                    got["ours"],
                    got["floor"],
                    GOAL_RATIO,
                    "s CPU a process",
                    rounds={
                        "ours": _ratio.spread(got["rounds"]),
                        "floor": _ratio.spread(got["floors"]),
                    },
                )
            )
            lines.append(
                _line(f"{name}: page size", got["mb"], None, _at(reps, 5000, GOAL_MB), "MB")
            )
            memory = _at(reps, 20000, GOAL_MEMORY_MB)
            lines.append(_line(f"{name}: peak memory", got["peak"], None, memory, "MB"))
            notes.append(f"{name}: diagnose_many to CSV peaks at {got['floor_peak']:.0f} MB")
            shown = first_screen(got["page"])
            if isinstance(shown, str):
                notes.append(f"{name}: first screen not measured ({shown})")
            else:
                lines.append(
                    _line(
                        f"{name}: first screen in Chromium",
                        shown,
                        None,
                        _at(reps, 5000, GOAL_FIRST_SCREEN_S),
                        "s",
                    )
                )
    after = _ratio.load()
    if args.json:
        for line in lines:
            print(json.dumps({**line, "load": {"before": before, "after": after}}))
        return
    print(f"load before {before}, after {after} (2 cores; other processes slow the figures)")
    for line in lines:
        ratio = f"  ratio {line['ratio']:.2f}" if line["ratio"] is not None else ""
        floor = f"  floor {line['floor']:g}" if line["floor"] is not None else ""
        goal = f"  (goal: {line['goal']})"
        print(f"{line['path']}: {line['ours']:g} {line['unit']}{floor}{ratio}{goal}")
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
