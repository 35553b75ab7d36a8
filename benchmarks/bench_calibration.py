"""Calibration benchmark (issue 23, item 7): are gapdiag's verdicts right where the truth is known?

Run from the repository root after `pip install -e '.[test]'`:

    python benchmarks/bench_calibration.py                 # 4,000 reps, seed 23
    python benchmarks/bench_calibration.py --reps 20000 --seed 7
    python benchmarks/bench_calibration.py --json          # one JSON object per figure
    python benchmarks/bench_calibration.py --show rep-00042  # one rep: truth, input, verdicts

Reps are generated from a causal model written from the seeds (benchmarks/calibration.md):
each has a true cause (will, skill, knowledge, system or none) and a true standing (ahead,
on track, behind). Every rep is diagnosed with `gapdiag.diagnose`, whole teams drawn at
random with `gapdiag.diagnose_many`, and the script reports, per gap, the precision of
confirmed and of suspected verdicts, false alarms on reps ahead or on track, the share left
undetermined among behind reps with activity, pipeline and territory data, the confusion
matrix, and the rules behind the wrong verdicts.

Goals (issue 23): confirmed precision >= 95%, suspected >= 75%, false alarms <= 2%,
undetermined <= 20%.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibration import report
from calibration.inputs import NEW_FIELDS, api_input, team_stats
from calibration.population import Case, generate
from calibration.run import batch_agreement, diagnose_all
from calibration.score import score

import gapdiag

ACCEPTS_NEW_FIELDS = "as_of" in gapdiag.RepMetrics.model_fields


def main(argv: list[str] | None = None) -> int:
    """Generate, diagnose, score and print; 0 whatever the figures (a benchmark, not a gate)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=4000, help="reps to generate (4000)")
    parser.add_argument("--seed", type=int, default=23, help="generator seed (23)")
    parser.add_argument("--batch", type=int, default=500, help="reps checked with diagnose_many")
    parser.add_argument(
        "--plans", type=int, default=300, help="reps ahead or on track given a plan (300)"
    )
    parser.add_argument("--rules", help="a rule pack folder instead of the shipped one")
    parser.add_argument("--top", type=int, default=report.TOP, help="failure patterns shown")
    parser.add_argument("--json", action="store_true", help="one JSON object per figure")
    parser.add_argument("--show", metavar="REP_ID", help="print one rep's truth and diagnosis")
    new = parser.add_mutually_exclusive_group()
    new.add_argument(
        "--new-fields",
        dest="new_fields",
        action="store_true",
        default=NEW_FIELDS,
        help="give the API as_of, proxies and the counts behind rates"
        + (" (the default)" if NEW_FIELDS else ""),
    )
    new.add_argument(
        "--no-new-fields",
        dest="new_fields",
        action="store_false",
        help="drop them before the API" + ("" if NEW_FIELDS else " (the default)"),
    )
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error(f"--reps: {args.reps} is not a number of reps (at least 1)")
    if args.new_fields and not ACCEPTS_NEW_FIELDS:
        parser.error(
            "the new input fields are on (--new-fields, NEW_FIELDS) but this gapdiag's "
            "RepMetrics has no as_of, proxies or counts (issue 23); run with --no-new-fields"
        )

    started = time.perf_counter()
    cases = generate(args.reps, args.seed)
    generated = time.perf_counter()
    if args.show:
        return _show(cases, args.show, args.new_fields, args.rules)
    saids = diagnose_all(
        cases, new_fields=args.new_fields, rules=args.rules, plans=args.plans, seed=args.seed
    )
    diagnosed = time.perf_counter()
    agreement = None
    if args.batch:
        agreement = batch_agreement(
            cases,
            saids,
            sample=args.batch,
            seed=args.seed,
            new_fields=args.new_fields,
            rules=args.rules,
        )
    result = score([c.truth for c in cases], saids)
    if args.json:
        print(report.as_json(result, agreement))
        return 0
    book = gapdiag.load_rules(args.rules) if args.rules else None
    stamp = gapdiag.diagnose({"rep_id": "x"}, rules=book).rulebook
    lines = [
        f"Calibration: gapdiag {gapdiag.__version__}, pack {stamp.name} {stamp.version} "
        f"({stamp.content_hash[:12]}), {len(cases):,} generated reps, seed {args.seed}",
        "issue 23's input fields (as_of, proxies, counts): "
        + ("given to the API" if args.new_fields else "generated, dropped before the API")
        + (
            " (the API accepts them now: set NEW_FIELDS in calibration/inputs.py)"
            if ACCEPTS_NEW_FIELDS and not args.new_fields
            else ""
        ),
        f"generate {generated - started:.1f} s, diagnose {diagnosed - generated:.1f} s "
        f"({1000 * (diagnosed - generated) / len(cases):.2f} ms a rep)",
        "",
        *report.figures_table(result.figures),
        "",
        *report.confusion_table(result),
        *report.patterns_table(result, args.top),
    ]
    if agreement is not None:
        lines += ["", *report.agreement_lines(agreement)]
    print("\n".join(lines))
    return 0


def _show(cases: list[Case], rep_id: str, new_fields: bool, rules: str | None) -> int:
    """Print one rep's truth, its record as generated, and its diagnosis explained."""
    found = [c for c in cases if c.truth.rep_id == rep_id]
    if not found:
        last = cases[-1].truth.rep_id
        print(f"--show: no rep {rep_id!r} among the {len(cases):,} generated", file=sys.stderr)
        print(f"(rep-00000 to {last}; --reps and --seed as in the run)", file=sys.stderr)
        return 2
    case = found[0]
    teams = team_stats([api_input(c.record, new_fields=new_fields) for c in cases])
    rep = api_input(case.record, new_fields=new_fields)
    book = gapdiag.load_rules(rules) if rules else None
    diagnosis = gapdiag.diagnose(rep, rules=book, team=teams.get(rep["team"]))
    print(f"truth: {case.truth}")
    print("record (as generated):")
    print(json.dumps(case.record, indent=2))
    print()
    print(diagnosis.to_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
