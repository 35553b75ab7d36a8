"""diagnose(rep) and diagnose(rep).explain(), against pydantic validating the same rep.

    python benchmarks/bench_engine.py            # 500 reps, 9 rounds, about half a minute
    python benchmarks/bench_engine.py --json

The reps are bench_core's generated population (every group usually present, about 15%
of fields missing, values around the targets). Each round takes turns between
``RepMetrics.model_validate`` of every rep (the floor: the input contract checked by
pydantic, which diagnose does first), ``diagnose`` of every rep with the default pack,
and ``diagnose`` then ``explain`` of every rep; CPU time per rep, median of the rounds.
Goals (issue 28): diagnose at most 10x the floor; explaining at most 10x the floor more
(diagnose and explain together at most 20x).

A pack remembers what it worked out per pattern of rule outcomes (a verdict's numbers, an
open rule's entry) and per set of facts read (a fired rule's evidence, a tree step, a
traced comparison, shared by reps alike in those), and explanations remember the texts
of those shared objects and the comparisons and shares already put in words; the rounds
repeat the same reps, so those memos are emptied before each round (``signs.forget``):
the figure is the cost of reps seen for the first time, as in a new population.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _ratio import alternate, load, median, ratio_line
from bench_core import population

import gapdiag
from gapdiag.model import labels
from gapdiag.model.metrics import parse_metrics
from gapdiag.notebook import signs

GOALS = {"diagnose": 10.0, "explain": 20.0}


def main() -> None:
    """Time the three in alternated rounds; print a summary or JSON lines."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="print one JSON line per path")
    args = parser.parse_args()
    reps = population(args.reps)
    if any(gapdiag.RepMetrics.model_validate(r) != parse_metrics(r) for r in reps):
        raise SystemExit("the floor did not validate the reps diagnose reads")
    for rep in reps[:50]:  # warm up: the pack loaded, every model's validator built
        gapdiag.diagnose(rep).explain()

    def validate() -> Any:
        return [gapdiag.RepMetrics.model_validate(r) for r in reps]

    book = gapdiag.load_rules()

    def forget() -> None:
        """Each round sees the reps for the first time (see the docstring)."""
        book._memo.clear()
        signs.forget()  # comparisons, evidence and tree steps in words, remembered across reps
        labels.percent.cache_clear()  # confidences in words, likewise

    def diagnose() -> Any:
        forget()
        return [gapdiag.diagnose(r) for r in reps]

    def explain() -> Any:
        forget()
        return [gapdiag.diagnose(r).explain() for r in reps]

    before = load()
    taken = alternate({"floor": validate, "diagnose": diagnose, "explain": explain}, args.rounds)
    after = load()
    per_rep = {name: [1e6 * s / len(reps) for s in runs] for name, runs in taken.items()}
    floor = median(per_rep["floor"])
    for name, label in (("diagnose", "diagnose(rep)"), ("explain", "diagnose(rep).explain()")):
        ours = median(per_rep[name])
        if args.json:
            ratio_line(
                label,
                per_rep[name],
                per_rep["floor"],
                GOALS[name],
                "us CPU a rep",
                reps=len(reps),
                load={"before": before, "after": after},
            )
        else:
            print(
                f"{label:26} {ours:8.1f} us a rep, {ours / floor:6.1f}x the floor "
                f"(goal <= {GOALS[name]:.0f}x)"
            )
    if not args.json:
        print(f"{'floor: model_validate':26} {floor:8.1f} us a rep; load {before} -> {after}")


if __name__ == "__main__":
    main()
