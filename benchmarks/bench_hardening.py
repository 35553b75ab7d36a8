"""Hostile input and the one writer: time per KB of the transcript readers, cost of safe writes.

    python benchmarks/bench_hardening.py            # a minute or two
    python benchmarks/bench_hardening.py --reps 20000 --repeat 5

Issue 26's figures, each as a ratio to a floor measured in the same run:

- **transcript readers on adversarial lines**: CPU time to read a WebVTT or JSON file
  whose one long line is a hostile pattern (a NOTE line, voice tags never closed, a header
  that never ends...), at 16 KB, 256 KB and 1 MB, against a plain transcript of the same
  size. Linear readers keep the ratio flat as the size grows (the cubic NOTE-line pattern
  took 70 s at 4 KB before).
- **the one writer**: writing a --history-dir of N reps through `Outputs` (claim,
  temporary file beside each target, one sync, renames, index) against writing the same
  bytes with `Path.write_bytes` in a loop (no claim, no sync, cut short on failure).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gapdiag.cli.ingest import INDEX_STEM, rows_text, write_histories  # noqa: E402
from gapdiag.model._output import Outputs, csv_text, file_names  # noqa: E402
from gapdiag.model.errors import GapdiagError  # noqa: E402
from gapdiag.sources.calls import _json, _vtt  # noqa: E402

CUE = "{n}\n{h:02d}:{m:02d}:{s:02d}.000 --> {h:02d}:{m:02d}:{s:02d}.900\n<v {who}>{text}</v>\n\n"
SIZES = (16 << 10, 256 << 10, 1 << 20)
_TIMED = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n"
VTT_SHAPES = {
    "NOTE line of x": ("WEBVTT\n\nNOTE {line}\n\n" + _TIMED[8:] + "<v A>hi</v>\n", "x"),
    "voice tags never closed": (_TIMED + "<v A>{line}</v>\n", "<v "),
    "tags never closed": (_TIMED + "<v A>{line}</v>\n", "<b "),
    "header that never ends": ("WEBVTT\n{line}", "ab\n"),
    "identifier of x": ("WEBVTT\n\n{line}\n" + _TIMED[11:] + "<v A>hi</v>\n", "x"),
}
_SEGMENT = '"speaker": "A", "start": 0, "end": 3'
JSON_SHAPES = {
    "text of quotes": ('{{"segments": [{{' + _SEGMENT + ', "text": "{line}"}}]}}', '\\"'),
    "nested arrays": ('{{"segments": [{line}]}}', "["),
    "long key": ('{{"segments": [{{' + _SEGMENT + ', "text": "hi", "{line}": 1}}]}}', "k"),
}
Reader = Callable[[str, str, None], object]


def plain_vtt(size: int) -> str:
    """A well-formed transcript of about `size` characters (the floor)."""
    cues, n = ["WEBVTT\n\n"], 0
    while sum(map(len, cues)) < size:
        n += 1
        who = "Dana Reyes" if n % 2 else "Buyer"
        text = "We looked at the forecast again and the numbers moved."
        cues.append(CUE.format(n=n, h=n // 3600, m=n // 60 % 60, s=n % 60, who=who, text=text))
    return "".join(cues)


def plain_json(size: int) -> str:
    """A well-formed JSON segment transcript of about `size` characters (the floor)."""
    segments, n, length = [], 0, 20
    while length < size:
        segment = {
            "speaker": "A" if n % 2 else "B",
            "start": n,
            "end": n + 0.9,
            "text": "We looked.",
        }
        segments.append(segment)
        length += len(json.dumps(segment)) + 2
        n += 1
    return json.dumps({"segments": segments})


def cpu(action: Callable[[], object], repeat: int) -> float:
    """Best CPU seconds of `repeat` runs (a refusal counts as a run)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        with contextlib.suppress(GapdiagError):
            action()
        best = min(best, time.process_time() - started)
    return best


def readers(repeat: int) -> list[dict[str, object]]:
    """Time per KB of each hostile shape against a plain transcript of the same size."""
    rows = []
    kinds: tuple[tuple[str, dict[str, tuple[str, str]], Callable[[int], str], Reader], ...] = (
        ("WebVTT", VTT_SHAPES, plain_vtt, _vtt.parse),
        ("JSON", JSON_SHAPES, plain_json, _json.parse),
    )
    for reader, shapes, plain, parse in kinds:
        for size in SIZES:
            floor = cpu(_reading(parse, plain(size)), repeat)
            for shape, (place, unit) in shapes.items():
                text = place.format(line=unit * (size // len(unit)))
                spent = cpu(_reading(parse, text), repeat)
                rows.append(
                    {
                        "reader": reader,
                        "shape": shape,
                        "kb": round(len(text) / 1024),
                        "ms": round(spent * 1000, 2),
                        "ms_per_kb": round(spent * 1000 / (len(text) / 1024), 4),
                        "vs_plain": round(spent / floor, 2) if floor else None,
                    }
                )
    return rows


def _reading(parse: Reader, text: str) -> Callable[[], object]:
    return lambda: parse("bench", text, None)


def writer(reps: int, repeat: int) -> dict[str, object]:
    """A --history-dir of `reps` reps through Outputs against a plain write loop."""
    first = "2026-07-06"
    ids = [f"Rep {n}" for n in range(reps)]
    rows: list[dict[str, object]] = [
        {"rep_id": rep, "period_start": first, "period_end": "2026-07-12",
         "activity.calls_per_day": float(n % 40)}
        for n, rep in enumerate(ids)
    ]  # fmt: skip
    safe, plain = float("inf"), float("inf")
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="gapdiag-bench-"))
        try:
            started = time.perf_counter()
            with Outputs() as outputs:
                write_histories(rows, folder / "safe", outputs)
            safe = min(safe, time.perf_counter() - started)
            started = time.perf_counter()
            target = folder / "plain"
            target.mkdir()
            names = file_names(ids, reserved=(INDEX_STEM,))
            for rep, row in zip(ids, rows, strict=True):
                (target / f"{names[rep]}.csv").write_bytes(rows_text([row]).encode())
            index = [(rep, f"{names[rep]}.csv", 1) for rep in ids]
            (target / f"{INDEX_STEM}.csv").write_bytes(
                csv_text(("rep_id", "file", "weeks"), index).encode()
            )
            plain = min(plain, time.perf_counter() - started)
        finally:
            shutil.rmtree(folder)
    return {"reps": reps, "outputs_s": round(safe, 3), "plain_s": round(plain, 3),
            "ratio": round(safe / plain, 2)}  # fmt: skip


def main() -> None:
    """Run both measurements and print them as Markdown tables (or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=5000, help="reps in the history folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args()
    read, wrote = readers(args.repeat), writer(args.reps, args.repeat)
    if args.json:
        print(json.dumps({"readers": read, "writer": wrote}, indent=2))
        return
    print("| reader | adversarial line | KB | CPU ms | ms per KB | x plain file of that size |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for row in read:
        print(
            f"| {row['reader']} | {row['shape']} | {row['kb']:,} | {row['ms']} | "
            f"{row['ms_per_kb']} | {row['vs_plain']} |"
        )
    w = wrote
    print(
        f"\n--history-dir of {w['reps']:,} reps: Outputs {w['outputs_s']} s, a plain write "
        f"loop {w['plain_s']} s ({w['ratio']}x)"
    )


if __name__ == "__main__":
    main()
