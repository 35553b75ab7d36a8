"""What `gapdiag diagnose rep.json` loads (issue 28: a short command's process stays short).

The `gapdiag` command's own code (``gapdiag.cli.entry``) runs in a child process with a
pack cache that an earlier run filled, as every run after the first one sees it; the child
reports the modules it imported and whether Targets' validator was built. Not a timing:
the time is measured by benchmarks/bench_cli.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from .test_cli import run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "will-rep.json"
NOT_LOADED = (
    "numpy",  # the data-frame stack: populations only
    "pandas",
    "pyarrow",
    "polars",
    "yaml",  # the pack comes from the cache, not its YAML files
    "difflib",  # did-you-mean hints: only a mistake needs them
    "gapdiag.cli.ingest",  # the other commands
    "gapdiag.cli.report",
    "gapdiag.cli.calls",
    "gapdiag.engines.vector.batch",
    "gapdiag.sources",
)
_CHILD = """
import atexit, json, sys

def report():
    from gapdiag.model.metrics import Targets
    loaded = sorted(m for m in NOT_LOADED if m in sys.modules)
    built = Targets.__pydantic_complete__
    print(json.dumps({"loaded": loaded, "targets_built": built}), file=sys.stderr)

atexit.register(report)
sys.argv = ["gapdiag", *sys.argv[1:]]
from gapdiag.cli import entry
entry()
"""


def _child(tmp_path: Path, *args: str) -> tuple[str, dict[str, object]]:
    env = {**os.environ, "GAPDIAG_CACHE_DIR": str(tmp_path / "cache")}
    code = f"NOT_LOADED = {NOT_LOADED!r}\n{_CHILD}"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_diagnose_one_rep_loads_no_data_frames_yaml_or_other_commands(tmp_path: Path) -> None:
    """With the pack cached, `diagnose rep.json` imports none of the heavy or unneeded modules."""
    _child(tmp_path, "diagnose", str(EXAMPLE))  # fills the pack cache
    text, seen = _child(tmp_path, "diagnose", str(EXAMPLE))
    assert seen == {"loaded": [], "targets_built": False}
    assert "Primary gap: will" in text


def test_the_command_writes_what_main_writes(tmp_path: Path) -> None:
    """The `gapdiag` command (entry, which freezes the heap before exit) prints main's output."""
    for form in ("text", "json"):
        text, _ = _child(tmp_path, "diagnose", str(EXAMPLE), "--format", form)
        code, expected, _ = run("diagnose", str(EXAMPLE), "--format", form)
        assert code == 0
        assert text == expected, form


def test_a_population_file_without_the_frames_extra_says_what_to_install(
    tmp_path: Path,
) -> None:
    """`pip install .` alone (no numpy, no pandas): a population file gets one line naming
    the extra to install, not a traceback, in each command that reads one (no command
    names the library function it runs)."""
    rows = tmp_path / "reps.csv"
    rows.write_text("rep_id,pipeline.quota\nr1,100000\n", encoding="utf-8")
    out = str(tmp_path / "out.csv")
    commands = (
        ["diagnose", str(rows), "--out", out],
        ["plan", str(rows), "--rep", "r1"],
        ["report", str(rows), "--out", str(tmp_path / "team.html")],
        ["rules", "test", "--population", str(rows)],
    )
    for argv in commands:
        code = (
            "import sys; sys.modules['numpy'] = None; sys.modules['pandas'] = None\n"
            "from gapdiag.cli import main\n"
            f"sys.exit(main({argv!r}))"
        )
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert done.returncode != 0, argv
        assert "Traceback" not in done.stderr, argv
        assert done.stderr.strip().splitlines() == [
            "gapdiag: diagnosing a population of reps (a team file, diagnose_many) needs numpy"
            " and pandas (import of numpy halted; None in sys.modules): pip install"
            " 'gapdiag[frames]'"
        ], argv


def test_a_closed_standard_output_ends_quietly(tmp_path: Path) -> None:
    """`gapdiag rules test --coverage | head -1`: once the reader has gone, the command
    stops without a traceback (it printed BrokenPipeError's) and exits 141, as a shell
    reports a process ended by a closed pipe."""
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gapdiag", "tree"],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141
