"""One `gapdiag diagnose rep.json` process, against a process that only validates the rep.

    python benchmarks/bench_cli.py             # 15 rounds, about half a minute
    python benchmarks/bench_cli.py --json      # one JSON line (see _ratio.py)

Each round starts, in turn, ``gapdiag diagnose examples/will-rep.json`` (the console
script's code: ``gapdiag.cli.entry``) and the floor, a Python process that reads the same
file and validates it with pydantic (``import pydantic``, one ``TypeAdapter``): what any
command line built on pydantic pays before doing anything. The figure is the CPU time
(user + system) of each process, median of the rounds; wall time is reported beside it.
Goal (issue 28): at most 250 ms a process.

Processes run as an installed gapdiag does: with compiled bytecode (the variable
PYTHONDONTWRITEBYTECODE is removed) and the default pack's disk cache in a folder of
this run's own, filled by a first, unmeasured run. Both are what every run after the
first one after an install or an upgrade sees.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ratio import children_cpu, line, load, median, spread

ROOT = Path(__file__).resolve().parent.parent
REP = ROOT / "examples" / "will-rep.json"
GOAL_MS = 250.0
OURS = "import sys; from gapdiag.cli import entry; sys.exit(entry())"
FLOOR = (
    "import json, sys, pydantic; "
    "rep = pydantic.TypeAdapter(dict[str, object]).validate_python(json.load(open(sys.argv[1]))); "
    "print(json.dumps({'rep_id': rep['rep_id']}))"
)


def run(code: str, args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(CPU seconds, wall seconds, standard output) of one process."""
    before, start = children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    return children_cpu() - before, time.perf_counter() - start, done.stdout


def main() -> None:
    """Time both processes in alternated rounds; print a summary or one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["GAPDIAG_CACHE_DIR"] = cache
        ours_args = ["diagnose", str(REP), "--format", "json"]
        _, _, first = run(OURS, ours_args, env)  # writes bytecode and the pack's cache entry
        _, _, floor_out = run(FLOOR, [str(REP)], env)
        if json.loads(first)["rep_id"] != json.loads(floor_out)["rep_id"]:
            raise SystemExit("the floor did not read the same rep")
        ours_args[-1] = "text"  # what a person runs: the explanation
        before = load()
        taken: dict[str, list[tuple[float, float]]] = {"ours": [], "floor": []}
        for index in range(args.rounds):
            turns = [("ours", OURS, ours_args), ("floor", FLOOR, [str(REP)])]
            for name, code, given in turns[index % 2 :] + turns[: index % 2]:
                used, wall, _ = run(code, given, env)
                taken[name].append((used, wall))
    after = load()
    cpu = {name: [c * 1000 for c, _ in runs] for name, runs in taken.items()}
    wall = {name: [w * 1000 for _, w in runs] for name, runs in taken.items()}
    ours, floor = median(cpu["ours"]), median(cpu["floor"])
    if args.json:
        line(
            "cli: gapdiag diagnose rep.json",
            ours,
            floor,
            goal=f"ours <= {GOAL_MS:.0f} ms",
            met=ours <= GOAL_MS,
            unit="ms CPU a process",
            wall_ms={"ours": median(wall["ours"]), "floor": median(wall["floor"])},
            rounds={"ours": spread(cpu["ours"]), "floor": spread(cpu["floor"])},
            load={"before": before, "after": after},
        )
        return
    print(f"load before {before}, after {after}")
    for name in ("ours", "floor"):
        print(
            f"{name:6} CPU {median(cpu[name]):6.0f} ms (min {min(cpu[name]):.0f}), "
            f"wall {median(wall[name]):6.0f} ms"
        )
    print(f"ratio {ours / floor:.2f}; goal: ours <= {GOAL_MS:.0f} ms")


if __name__ == "__main__":
    main()
