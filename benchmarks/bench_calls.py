"""Benchmark `gapdiag calls`: a generated corpus of thirty-minute calls, read and aggregated.

Run from the repository root after `pip install -e '.[test]'`:

    python benchmarks/bench_calls.py                    # 10,000 calls (and 1,000 for memory)
    python benchmarks/bench_calls.py --calls 2000 --small 200
    python benchmarks/bench_calls.py --format json      # JSON segment transcripts instead

Goals (issue 16), on the project's 2-core machine: >= 500 calls per second from transcript
files to per-rep metrics; memory flat in the number of calls (files are read one at a
time). Each measured run is a fresh process, so peak memory (ru_maxrss) is its own.
The corpus is written once into a temporary folder (not timed) and removed afterwards.

    python benchmarks/bench_calls.py --json             # issue 28: the line run.py records
    python benchmarks/bench_calls.py --instructions     # the same, in instructions (valgrind)

With ``--json`` (issue 28: >= 1,000 thirty-minute calls a second in one process) the
corpus (``--calls``, default 2,000) is read in one process, rounds alternated with the
floor: a regular expression that reads every cue's times and voice and sums each
speaker's talk, the least any reader of these files does. Figures are CPU time.

With ``--instructions`` (needs valgrind) the same work is counted in instructions, which
the machine's load does not move: this script runs again under ``valgrind
--tool=cachegrind`` once per mode on a corpus of ``--calls`` (default 200) calls:
``setup`` (imports, the corpus listed, 20 calls read to warm up), then ``ours`` and
``floor``, two rounds each; a mode's figure is its count less setup's, per call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Literal

Workers = int | Literal["auto"]  # as `gapdiag.sources.calls.report.Workers`
REPS = 40
CALL_SECONDS = 30 * 60
# Sentences a call is drawn from: mostly plain talk, with the questions and tracked words
# (price, budget, competitor, next step, decision maker, timeline) a discovery call has.
REP_LINES = (
    "Thanks for making the time today, I know the week is busy.",
    "Before we start, I'd like to make sure we spend the time on what matters to you.",
    "What does your team use for forecasting today?",
    "How do you handle handoffs between sales and onboarding?",
    "Do you have a budget set aside for this quarter?",
    "We integrate with most CRMs, so setup usually takes about two weeks.",
    "Tell me about the last time a deal slipped late in the quarter.",
    "Our pricing is per seat, and the annual plan comes with a discount.",
    "That is a pattern we hear a lot from teams your size.",
    "Let me share my screen and show you how the weekly view works.",
    "Here you can see every deal that has not moved in fourteen days.",
    "Managers usually start with this page in their one on ones.",
    "Who else would be involved in a decision like this?",
    "Is the rollout tied to a deadline on your side?",
    "Got it, that helps a lot.",
    "The reports are built from the activity your reps already log.",
    "Most customers see the first numbers within a week of connecting.",
    "Can we book a time on Tuesday at 2pm for the next step?",
    "I will send over a short summary and the security documents.",
    "Does the current process work for the managers as well?",
    "We built the product for teams that sell to mid-sized companies.",
    "The setup is done by our onboarding team, so nobody on your side writes code.",
    "You can export any of these views to a spreadsheet if finance wants them.",
    "I can walk you through a customer example that is close to your situation.",
    "They had a similar number of reps and the same trouble with late surprises.",
    "After two months their managers spent less time chasing updates.",
    "That is fair, and we can come back to it once you have seen the reports.",
    "I will make a note of that for our product team.",
    "Let me pull up the part about deal reviews.",
    "This is the page where each manager sees the deals that need attention.",
    "Right, so the short answer is yes, it handles multiple regions.",
    "Let me check with our solutions engineer and come back to you on that.",
    "Thanks, that is really helpful context.",
    "Of course, I will keep it short.",
)
BUYER_LINES = (
    "Right now it is mostly spreadsheets and a weekly meeting on Mondays.",
    "Honestly the handoff is where things get lost, especially with new customers.",
    "We have eight account executives and two managers on the team.",
    "Our CFO approves anything over fifty thousand.",
    "We looked at another tool last year but it never got adopted.",
    "We would want to go live before the end of the quarter.",
    "I would need to check the budget with finance first.",
    "That makes sense, and it matches what our managers have been asking for.",
    "The biggest problem is that nobody trusts the forecast until the last week.",
    "Sure, Tuesday works, send over a calendar invite.",
    "I like that the data comes from what the reps already do.",
    "We tried to build this ourselves and it took too much of our analyst's time.",
    "Mostly it is the regional managers who would use it day to day.",
    "Okay.",
    "Yes, that is right.",
)


def _clock(ms: int) -> str:
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _cues(rng: random.Random) -> list[tuple[str, int, int, str]]:
    """One thirty-minute call: alternating turns of one to four cues of 3-9 s each."""
    cues: list[tuple[str, int, int, str]] = []
    at, rep_turn = 0, True
    buyer = f"Buyer {rng.randrange(1000)}"
    while at < CALL_SECONDS * 1000:
        speaker, lines = ("rep", REP_LINES) if rep_turn else (buyer, BUYER_LINES)
        for _ in range(rng.randint(1, 4)):
            length = rng.randint(3000, 9000)
            cues.append((speaker, at, at + length, rng.choice(lines)))
            at += length + rng.choice((0, 200, 500))
        rep_turn = not rep_turn
    return cues


def write_corpus(folder: Path, calls: int, fmt: str, seed: int = 16) -> None:
    """Write `calls` transcripts (and reps.yaml) into `folder`."""
    rng = random.Random(seed)
    reps_yaml = ["reps:"] + [f"  rep{r:03d}: [Rep {r:03d}]" for r in range(REPS)]
    (folder / "reps.yaml").write_text("\n".join(reps_yaml) + "\n", encoding="utf-8")
    for number in range(calls):
        rep = f"Rep {number % REPS:03d}"
        day = 1 + number % 28
        cues = [(rep if s == "rep" else s, a, b, t) for s, a, b, t in _cues(rng)]
        name = f"2026-08-{day:02d}_call{number:05d}"
        if fmt == "vtt":
            lines = ["WEBVTT", ""]
            for index, (speaker, start, end, text) in enumerate(cues, start=1):
                lines += [str(index), f"{_clock(start)} --> {_clock(end)}"]
                lines += [f"<v {speaker}>{text}</v>", ""]
            (folder / f"{name}.vtt").write_text("\n".join(lines), encoding="utf-8")
        else:
            segments = [
                {"speaker": s, "start": a / 1000, "end": b / 1000, "text": t} for s, a, b, t in cues
            ]
            doc = {"date": f"2026-08-{day:02d}", "segments": segments}
            (folder / f"{name}.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")


def measure(folder: Path, workers: Workers = 1) -> dict[str, float]:
    """Read and aggregate the corpus; wall and CPU seconds, calls/s and peak RSS."""
    from gapdiag.sources.calls.report import read_calls, transcripts, worker_count

    processes = worker_count(workers, len(transcripts(folder)))

    started, cpu = time.perf_counter(), time.process_time()
    report = read_calls(
        folder, reps=folder / "reps.yaml", period="2026-Q3", keep_calls=False, workers=workers
    )
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    calls = sum(rep.calls for rep in report.reps)
    assert not report.skipped, report.skipped[:3]
    cpu += children.ru_utime + children.ru_stime
    return {
        "processes": processes,
        "calls": calls,
        "seconds": seconds,
        "calls_per_second": calls / seconds,
        "cpu_ms_per_call": cpu / calls * 1000,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_worker_mb": children.ru_maxrss / 1024,
    }


def _run_child(folder: Path, workers: Workers) -> dict[str, float]:
    """`measure` in a fresh interpreter, so its peak memory is its own."""
    code = (
        "import json, sys, pathlib; sys.path.insert(0, 'benchmarks'); import bench_calls; "
        f"print(json.dumps(bench_calls.measure(pathlib.Path({str(folder)!r}), {workers!r})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return dict(json.loads(out.stdout))


def _line(workers: Workers, run: dict[str, float]) -> str:
    return (
        f"  workers={workers} ({run['processes']:.0f} process{'es' * (run['processes'] > 1)}):"
        f" {run['calls']:,.0f} calls in {run['seconds']:.2f} s"
        f" = {run['calls_per_second']:,.0f} calls/s; CPU {run['cpu_ms_per_call']:.2f} ms a call;"
        f" peak RSS {run['peak_rss_mb']:.0f} MB (each worker {run['peak_rss_worker_mb']:.0f} MB)"
    )


def _workers(text: str) -> Workers:
    return "auto" if text == "auto" else int(text)


def _load() -> str:
    one, five, _ = os.getloadavg()
    line = f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"
    try:  # Linux: the share of the last minute some task waited for a CPU
        waiting = Path("/proc/pressure/cpu").read_text().split()[2].removeprefix("avg60=")
    except (OSError, IndexError):
        return line
    return f"{line}; tasks waited for a CPU {waiting}% of the last minute"


_FLOOR_CUE = re.compile(
    r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n<v ([^>]*)>",
    re.MULTILINE,
)


def floor_read(files: list[Path]) -> dict[str, int]:
    """The floor: each file read and decoded, every cue's times and voice found by one
    regular expression, talk summed per speaker (milliseconds)."""
    talk: dict[str, int] = {}
    for file in files:
        text = file.read_bytes().decode("utf-8")
        for match in _FLOOR_CUE.finditer(text):
            h1, m1, s1, f1, h2, m2, s2, f2, who = match.groups()
            start = ((int(h1) * 60 + int(m1)) * 60 + int(s1)) * 1000 + int(f1)
            end = ((int(h2) * 60 + int(m2)) * 60 + int(s2)) * 1000 + int(f2)
            talk[who] = talk.get(who, 0) + end - start
    return talk


def json_lines(calls: int, rounds: int) -> None:
    """Issue 28's line: calls read in one process against the floor, CPU per call."""
    from _ratio import alternate, line, median, spread

    from gapdiag.sources.calls.report import read_calls

    with tempfile.TemporaryDirectory(prefix="gapdiag-calls-") as tmp:
        folder = Path(tmp)
        write_corpus(folder, calls, "vtt")
        files = sorted(folder.glob("*.vtt"))

        def ours() -> None:
            report = read_calls(
                folder, reps=folder / "reps.yaml", period="2026-Q3", keep_calls=False, workers=1
            )
            assert sum(rep.calls for rep in report.reps) == calls
            assert not report.skipped

        taken = alternate({"ours": ours, "floor": lambda: floor_read(files)}, rounds)
    mine, floor = median(taken["ours"]) / calls * 1000, median(taken["floor"]) / calls * 1000
    line(
        "calls: 30-minute calls, one process",
        mine,
        floor,
        goal=">= 1,000 calls/s (<= 1 ms CPU a call)",
        met=mine <= 1.0,
        unit="ms CPU a call",
        calls=calls,
        calls_per_second=round(1000 / mine),
        rounds={"ours": spread(taken["ours"]), "floor": spread(taken["floor"])},
    )


INSTRUCTION_ROUNDS = 2


def instruction_mode(folder: Path, mode: str) -> None:
    """One mode's work in this process, for valgrind to count (see `instructions`)."""
    from gapdiag.sources.calls.report import read_calls

    files = sorted(folder.glob("*.vtt"))
    reps = folder / "reps.yaml"
    for file in files[:20]:
        read_calls(file, reps=reps, period="2026-Q3", keep_calls=False, workers=1)
    floor_read(files[:20])
    work = {
        "setup": lambda: None,
        "ours": lambda: read_calls(
            folder, reps=reps, period="2026-Q3", keep_calls=False, workers=1
        ),
        "floor": lambda: floor_read(files),
    }
    for _ in range(INSTRUCTION_ROUNDS if mode != "setup" else 1):
        work[mode]()


def _instructions_of(folder: Path, mode: str) -> int:
    from bench_instructions import valgrind_count

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    return valgrind_count([__file__, "--count", mode, "--folder", str(folder)], env)


def instructions(calls: int) -> None:
    """Instructions a call, ours and the floor's, each less the setup's count."""
    with tempfile.TemporaryDirectory(prefix="gapdiag-calls-") as tmp:
        folder = Path(tmp)
        write_corpus(folder, calls, "vtt")
        setup = _instructions_of(folder, "setup")
        per_call = {
            mode: (_instructions_of(folder, mode) - setup) / (calls * INSTRUCTION_ROUNDS)
            for mode in ("ours", "floor")
        }
    ratio = per_call["ours"] / per_call["floor"]
    print(
        f"calls: {calls} thirty-minute calls, {INSTRUCTION_ROUNDS} rounds: "
        f"ours {per_call['ours'] / 1000:,.0f}k instructions a call, "
        f"floor {per_call['floor'] / 1000:,.0f}k ({ratio:.2f}x)"
    )


def main() -> None:
    """Write the corpora, measure each in a fresh process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000, help="the big corpus (10,000)")
    parser.add_argument("--small", type=int, default=1_000, help="the small corpus (1,000)")
    parser.add_argument("--format", choices=("vtt", "json"), default="vtt")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the big corpus")
    parser.add_argument(
        "--workers",
        type=_workers,
        nargs="+",
        default=[1, "auto"],
        help="processes: numbers or 'auto', as `gapdiag calls --workers` (1 auto)",
    )
    parser.add_argument("--json", action="store_true", help="issue 28's JSON line (run.py)")
    parser.add_argument("--rounds", type=int, default=5, help="alternated rounds (--json)")
    parser.add_argument(
        "--instructions", action="store_true", help="instructions a call (valgrind)"
    )
    parser.add_argument("--count", choices=("setup", "ours", "floor"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count:
        instruction_mode(args.folder, args.count)
        return
    if args.instructions:
        instructions(args.calls if args.calls != 10_000 else 200)
        return
    if args.json:
        json_lines(args.calls if args.calls != 10_000 else 2_000, args.rounds)
        return
    with tempfile.TemporaryDirectory(prefix="gapdiag-calls-") as tmp:
        results: dict[str, list[dict[str, float]]] = {}
        for size, runs in ((args.small, 1), (args.calls, args.repeat)):
            folder = Path(tmp) / str(size)
            folder.mkdir()
            started = time.perf_counter()
            write_corpus(folder, size, args.format)
            megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            print(
                f"corpus: {size:,} {args.format} calls, {megabytes:,.0f} MB, "
                f"written in {time.perf_counter() - started:.1f} s"
            )
            print(f"  before: {_load()}")
            for workers in args.workers:
                for _ in range(runs):
                    run = _run_child(folder, workers)
                    results.setdefault(f"{size}/{workers}", []).append(run)
                    print(_line(workers, run))
            print(f"  after: {_load()}")


if __name__ == "__main__":
    main()
