"""Instructions a rep for diagnose and explain, counted by valgrind: steady under any load.

    python benchmarks/bench_instructions.py             # 300 reps, about two minutes
    python benchmarks/bench_instructions.py --reps 100

CPU time on the shared machine swings with the other sessions' load; the number of
instructions a process executes does not. Each figure runs this script again under
``valgrind --tool=cachegrind`` in one mode: ``setup`` (import, the pack loaded from its
files, the reps generated, 50 explained to warm up, every memo emptied as
``bench_engine.py`` does) and then, in a process of its own each, rounds of ``floor``
(``RepMetrics.model_validate`` of every rep), ``diagnose`` and ``explain``
(``diagnose(rep).explain()``), the memos emptied before each. A mode's figure is its
count less setup's, per rep and round.
Hash seeds are fixed and the pack's disk cache is off, so two runs count alike.
Needs valgrind; the ratios are instructions, not time (the floor is C code, which runs
more instructions a nanosecond than Python does).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODES = ("floor", "diagnose", "explain")
ROUNDS = {"setup": 0, "floor": 20, "diagnose": 3, "explain": 2}
"""Rounds of each mode: enough that its count stands well above setup's small variation
(a few million instructions from run to run), the floor's most."""


def run_mode(mode: str, reps: int) -> None:
    """The work of one mode, in this process (valgrind counts it)."""
    from bench_core import population

    import gapdiag
    from gapdiag.model import labels
    from gapdiag.notebook import signs

    given = population(reps)
    for rep in given[:50]:
        gapdiag.diagnose(rep).explain()
    work: dict[str, Any] = {
        "setup": lambda: None,
        "floor": lambda: [gapdiag.RepMetrics.model_validate(r) for r in given],
        "diagnose": lambda: [gapdiag.diagnose(r) for r in given],
        "explain": lambda: [gapdiag.diagnose(r).explain() for r in given],
    }
    for _ in range(max(ROUNDS[mode], 1)):
        gapdiag.load_rules()._memo.clear()  # reps seen for the first time, as bench_engine
        signs.forget()
        labels.percent.cache_clear()
        work[mode]()


def count(mode: str, reps: int) -> int:
    """Instructions of this script in `mode`, as valgrind counts them."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "GAPDIAG_CACHE_DIR": ""}
    return valgrind_count([__file__, "--mode", mode, "--reps", str(reps)], env)


def valgrind_count(argv: list[str], env: dict[str, str]) -> int:
    """Instructions of `python *argv` under ``valgrind --tool=cachegrind``."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            sys.executable,
            *argv,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"valgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    """Count each mode over setup; print instructions a rep and the ratios to the floor."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--mode", choices=("setup", *MODES), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        run_mode(args.mode, args.reps)
        return
    setup = count("setup", args.reps)
    per_rep = {
        mode: (count(mode, args.reps) - setup) / (args.reps * ROUNDS[mode]) for mode in MODES
    }
    for mode in MODES:
        ratio = per_rep[mode] / per_rep["floor"]
        print(f"{mode:9} {per_rep[mode] / 1000:9,.0f} k instructions a rep  {ratio:5.1f}x")


if __name__ == "__main__":
    main()
