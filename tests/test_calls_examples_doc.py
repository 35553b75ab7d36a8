"""docs/calls.md's hand-worked table of the example calls is what `--per-call` writes."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gapdiag.cli import main

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = (
    "duration_seconds",
    "talk_ratio",
    "longest_monologue_seconds",
    "questions",
    "open_questions",
    "discovery_questions",
    "dated_next_step",
)


def _documented() -> dict[str, tuple[str, ...]]:
    text = (ROOT / "docs" / "calls.md").read_text(encoding="utf-8")
    table = text.split("### The example calls, worked by hand", 1)[1].split("\n\n")[2]
    rows = [line.strip("|").split("|") for line in table.splitlines()[2:]]
    return {cells[0].strip(): tuple(c.strip() for c in cells[1:8]) for cells in rows}


def test_the_documented_per_call_figures_are_measured(tmp_path: Path) -> None:
    """Seconds, talk share, monologue, questions, open, discovery, next step per call."""
    per_call = tmp_path / "calls.csv"
    argv = ["calls", str(ROOT / "examples" / "calls"), "--reps"]
    argv += [str(ROOT / "examples" / "calls" / "reps.yaml"), "--period", "2026-Q3"]
    main([*argv, "--per-call", str(per_call)], stdout=io.StringIO(), stderr=io.StringIO())
    measured = {}
    with per_call.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cells = [row[c] for c in COLUMNS]
            measured[row["file"]] = (
                f"{float(cells[0]):g}",
                f"{float(cells[1]):.0%}",
                cells[2],
                *cells[3:6],
                "yes" if cells[6] == "True" else "no",
            )
    assert measured == _documented()
