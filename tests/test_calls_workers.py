"""Worker processes: how many, lean values sent back, and the same report either way."""

from __future__ import annotations

import shutil
import threading
import warnings
from io import StringIO
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gapdiag import InvalidArgument
from gapdiag.cli import ExitStatus, main
from gapdiag.sources.calls import report as report_module
from gapdiag.sources.calls.aggregate import Tally, lean
from gapdiag.sources.calls.report import (
    AUTO_MAX_WORKERS,
    AUTO_MIN_FILES,
    read_calls,
    worker_count,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "calls"


def test_lean_workers_give_the_same_report() -> None:
    """Without the calls kept, two workers (sending lean tuples) match one process."""
    one = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", keep_calls=False)
    two = read_calls(
        EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", keep_calls=False, workers=2
    )
    assert one == two
    assert one.reps  # the examples have calls in the period, so the tallies were used


def test_lean_values_tally_as_the_call_does() -> None:
    """A call added as a model and as its lean values leaves the same tally."""
    report = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3")
    by_model, by_values = Tally(), Tally()
    for index, call in enumerate(report.calls):
        by_model.add(call, index)
        by_values.add_lean(lean(call), index)
        assert lean(call)[0] == call.rep_id
    assert by_model == by_values
    assert len(by_model.talk) == len(report.calls) > 0


@given(st.integers(min_value=1, max_value=64), st.integers(min_value=0, max_value=10**6))
def test_a_number_of_workers_is_kept(workers: int, files: int) -> None:
    """A whole number of workers is used as given, whatever the corpus."""
    assert worker_count(workers, files) == workers


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=256))
def test_auto_is_one_process_for_few_files_and_one_per_cpu_for_many(files: int, cpus: int) -> None:
    """'auto' is 1 under AUTO_MIN_FILES files, else the usable CPUs up to AUTO_MAX_WORKERS."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_module, "_usable_cpus", lambda: cpus)
        count = worker_count("auto", files)
    if files < AUTO_MIN_FILES:
        assert count == 1
    else:
        assert count == min(cpus, AUTO_MAX_WORKERS)


@pytest.mark.parametrize("bad", [0, -2, True, 1.5, "two", None])
def test_a_bad_number_of_workers_is_refused_before_reading(bad: object) -> None:
    """0, negatives, booleans, fractions and other words are refused, naming the value."""
    with pytest.raises(InvalidArgument, match=r"workers: .* is not 'auto' or a whole number"):
        read_calls(
            EXAMPLES / "no-such-folder",
            reps=EXAMPLES / "reps.yaml",
            period="2026-Q3",
            workers=bad,  # type: ignore[arg-type]  # the point of the test
        )


def test_auto_measures_a_large_corpus_in_workers_with_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With 'auto' and enough files, worker processes are started; the report is unchanged."""
    source = EXAMPLES / "2026-07-08_dana_northwind.vtt"
    for number in range(AUTO_MIN_FILES):
        shutil.copy(source, tmp_path / f"2026-07-{1 + number % 28:02d}_call{number:03d}.vtt")
    shutil.copy(EXAMPLES / "reps.yaml", tmp_path / "reps.yaml")
    monkeypatch.setattr(report_module, "_usable_cpus", lambda: 2)
    started: list[int] = []
    real_results = report_module._results

    def spy(files: object, reading: object, workers: int) -> object:
        started.append(workers)
        return real_results(files, reading, workers)  # type: ignore[arg-type]

    monkeypatch.setattr(report_module, "_results", spy)
    auto = read_calls(tmp_path, reps=tmp_path / "reps.yaml", period="2026-Q3", workers="auto")
    one = read_calls(tmp_path, reps=tmp_path / "reps.yaml", period="2026-Q3", workers=1)
    assert started == [2, 1]
    assert auto == one
    assert sum(rep.calls for rep in auto.reps) == AUTO_MIN_FILES


@pytest.mark.parametrize("bad", ["0", "-1", "two", "1.5", ""])
def test_the_command_refuses_a_bad_number_of_workers(
    bad: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--workers` takes 'auto' or a whole number of 1 or more, and says so."""
    argv = ["calls", str(EXAMPLES), "--reps", str(EXAMPLES / "reps.yaml"), "--period", "2026-Q3"]
    status = main([*argv, f"--workers={bad}"], stdout=StringIO(), stderr=StringIO())
    err = capsys.readouterr().err
    assert status == ExitStatus.BAD_INPUT
    assert f"--workers: {bad!r} is not 'auto' or a whole number of 1 or more" in err
    assert "Traceback" not in err


def test_workers_fork_only_a_single_threaded_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """One thread: a fork (quickest). Other threads: the fork server, never a fork."""
    monkeypatch.setattr(report_module, "_threads", lambda: 1)
    assert report_module._context().get_start_method() == "fork"
    monkeypatch.setattr(report_module, "_threads", lambda: 3)
    assert report_module._context().get_start_method() == "forkserver"


def test_the_thread_count_sees_a_running_thread() -> None:
    """The count read from the system rises while a thread runs."""
    before = report_module._threads()
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert report_module._threads() == before + 1
    finally:
        release.set()
        thread.join()


def test_workers_started_beside_a_thread_give_the_same_report_without_a_warning() -> None:
    """With another thread running, workers come from the fork server; nothing warns.

    Python 3.12+ warns when a multi-threaded process forks (3.11 never does, so there
    only the report is compared).
    """
    one = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3")
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")  # a fork of this multi-threaded process warns
            two = read_calls(EXAMPLES, reps=EXAMPLES / "reps.yaml", period="2026-Q3", workers=2)
    finally:
        release.set()
        thread.join()
    assert one == two
    assert [str(w.message) for w in caught] == []
