"""No native abort at exit (issue 25 item 7).

pyarrow's streaming CSV reader fetches its input on an I/O thread that calls into Python
(`gapdiag.sources._paced`). A fetch still running when the interpreter shuts down stops
the thread inside C++: "terminate called without an active exception", exit 134. It
happened when an error left a reader unfinished, its generator held by a reference cycle
until the interpreter's last collection. Each case runs in many fresh children (forked
from one process that has imported gapdiag, so each child's start is cheap) and every
child must exit as the command says, never 134.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "exit_threads"

_DRIVER = textwrap.dedent(
    """
    import os, sys
    import pandas, pyarrow.compute, pyarrow.csv  # what each child needs, imported once:
    import gapdiag.cli, gapdiag.cli.ingest  # importing starts no thread (a child forked
    from gapdiag.sources import _assemble, _columnar, activities, ingest, opportunities  # so)

    runs, case, folder, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]


    def child():
        _columnar.BLOCK_BYTES = 16 << 10  # several blocks: the reader paces its fetches
        if case == "ingest":  # the issue's case: activities and a period out of range
            sys.argv = ["gapdiag", *[
                "ingest", f"{folder}/opportunities.csv", "--activities",
                f"{folder}/activities.csv", "--period", "2030-Q1", "--out", f"{out}{os.getpid()}",
            ]]
            sys.stdout = sys.stderr = open(os.devnull, "w")
            gapdiag.cli.entry()  # the `gapdiag` command's own way out
        from pathlib import Path
        from gapdiag.sources._bad_rows import BadRows
        export = _columnar.open_export(
            Path(f"{folder}/activities.csv"),
            {"owner": "Assigned", "type": "Task Subtype", "timestamp": "Date"},
            kind="activities", optional=(), bad=BadRows(), hint=lambda header: "",
            progress=None,
        )
        blocks = export.blocks()
        next(blocks)  # one block taken, the rest abandoned ...
        cycle = [blocks]
        cycle.append(cycle)  # ... and held by a cycle until the last collection
        sys.exit(0)


    codes = []
    for batch in range(0, runs, 4):  # four at a time: each child's exit mostly waits
        pids = []
        for _ in range(min(4, runs - batch)):
            pid = os.fork()
            if pid == 0:
                child()
            pids.append(pid)
        codes += [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
    print(" ".join(map(str, codes)))
    """
)


def _exit_codes(case: str, runs: int, tmp_path: Path) -> list[int]:
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, str(runs), case, str(DATA), str(tmp_path / "o.csv")],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return [int(code) for code in done.stdout.split()]


@pytest.mark.slow
def test_ingest_out_of_range_with_activities_exits_2_every_time(tmp_path: Path) -> None:
    """The issue's case, 200 times: exit 2 each time (it aborted 2 times in 32)."""
    codes = _exit_codes("ingest", 200, tmp_path)
    assert codes == [2] * 200, sorted(set(codes))


@pytest.mark.slow
def test_a_reader_abandoned_in_a_cycle_does_not_abort_at_exit(tmp_path: Path) -> None:
    """The cause, made certain: without closing open streams at exit every child aborted."""
    codes = _exit_codes("abandoned", 20, tmp_path)
    assert codes == [0] * 20, sorted(set(codes))
