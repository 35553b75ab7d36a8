"""A folder of call transcripts -> per-rep ``calls.*`` metrics for a period, and calls to hear.

Files are read one at a time and reduced at once to a few numbers, so memory does not
grow with the transcripts' size. A transcript that cannot be used is reported (file,
line, why) and skipped; every other call still counts.

The per-rep figures and the calls to listen to are built in `aggregate`.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from gapdiag.model._result import Worded
from gapdiag.model.errors import InvalidArgument, Problem
from gapdiag.model.limits import limits
from gapdiag.model.metrics import Targets
from gapdiag.sources.calls.aggregate import METRIC_COLUMNS, Lean, RepCalls, Tally, lean, rep_calls
from gapdiag.sources.calls.cues import Crosstalk, TranscriptError, clock, fail
from gapdiag.sources.calls.measure import CallMetrics, figures, metrics_of
from gapdiag.sources.calls.speakers import RepNames, load_reps
from gapdiag.sources.calls.transcript import SUFFIXES, read_transcript
from gapdiag.sources.calls.vocab import Trackers, Words, load_trackers, load_words
from gapdiag.sources.ingest import Period, parse_period

if TYPE_CHECKING:
    import pandas as pd


class CallsReport(Worded, BaseModel):
    """Every rep's calls in a period, the calls measured, and the transcripts skipped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    period: str
    period_start: dt.date
    period_end: dt.date
    reps: tuple[RepCalls, ...]
    calls: tuple[CallMetrics, ...]
    skipped: tuple[Problem, ...]
    outside_period: int

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per rep, in the shape ``gapdiag ingest`` writes (merge on all three)."""
        return [rep.row() for rep in self.reps]

    def to_frame(self) -> pd.DataFrame:
        """The per-rep rows as a DataFrame (needs pandas: ``gapdiag[frames]``)."""
        import pandas as pd

        columns = ["rep_id", "period_start", "period_end", *METRIC_COLUMNS]
        return pd.DataFrame(self.rows(), columns=columns)

    def _words(self) -> str:
        calls = len(self.calls) if self.calls else sum(r.calls for r in self.reps)
        return (
            f"{self.period}: {calls} calls from {len(self.reps)} reps "
            f"({len(self.skipped)} skipped, {self.outside_period} outside the period)"
        )


Workers = int | Literal["auto"]
# "auto" starts worker processes only for a corpus where their start-up (a fork, the word
# lists sent over) is small beside the reading, and no more than this many.
AUTO_MIN_FILES = 200
AUTO_MAX_WORKERS = 8


def worker_count(workers: Workers, files: int) -> int:
    """Processes to measure `files` files with: `workers`, or for "auto" the CPUs free to us.

    "auto" is one process under `AUTO_MIN_FILES` files, else one per CPU this process may
    run on, at most `AUTO_MAX_WORKERS`.

    Raises:
        InvalidArgument: `workers` is neither "auto" nor a whole number of 1 or more.
    """
    if workers == "auto":
        return 1 if files < AUTO_MIN_FILES else max(1, min(_usable_cpus(), AUTO_MAX_WORKERS))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InvalidArgument(f"workers: {workers!r} is not 'auto' or a whole number of 1 or more")
    return workers


def _usable_cpus() -> int:
    """CPUs this process may run on (its affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - systems without affinity (macOS, Windows)


def transcripts(folder: str | Path) -> list[str]:
    """The transcript files (`SUFFIXES`) under a folder, sorted; or the one file given.

    Paths are kept as text: a list of ten thousand `Path` objects weighs megabytes.

    Raises:
        InvalidArgument: the path does not exist, or holds no transcripts.
    """
    root = Path(folder)
    if root.is_file():
        return [str(root)]
    if not root.is_dir():
        raise InvalidArgument(f"{root}: no such folder of transcripts")
    found: list[str] = []
    for where, folders, names in os.walk(root):
        folders.sort()
        found += [
            os.path.join(where, name)
            for name in names
            if os.path.splitext(name)[1].lower() in SUFFIXES
        ]
    if not found:
        raise InvalidArgument(f"{root}: holds no transcripts ({', '.join(SUFFIXES)} files)")
    return sorted(found)


_ZOOM_CAPTIONS = ".cc.vtt"  # Zoom's closed captions, beside the call's .transcript.vtt


def _one_file_a_call(files: list[str], root: Path | None) -> tuple[list[str], list[Problem]]:
    """The files to read, leaving out Zoom's captions of a call whose transcript is read.

    A Zoom cloud recording can come with both ``..._Recording.transcript.vtt`` and
    ``..._Recording.cc.vtt``: the same call twice. The transcript is read, the captions
    reported as skipped.
    """
    if not any(f.lower().endswith(_ZOOM_CAPTIONS) for f in files):
        return files, []
    present = {f.lower() for f in files}
    kept: list[str] = []
    skipped: list[Problem] = []
    for file in files:
        twin = file[: -len(_ZOOM_CAPTIONS)] + ".transcript.vtt"
        if file.lower().endswith(_ZOOM_CAPTIONS) and twin.lower() in present:
            message = f"is Zoom's captions of the call in {_name(twin, root)} (read once, there)"
            skipped.append(Problem("(file)", message, None, _name(file, root)))
        else:
            kept.append(file)
    return kept, skipped


def _name(file: str | Path, root: Path | None) -> str:
    """How a file is named in results: relative to the folder read, with '/'.

    A name that is not UTF-8 on disk shows its odd bytes escaped (``\xff``), so results,
    messages and JSON can always be written.
    """
    if root is None:
        name = str(file)
    else:
        under = os.path.join(root, "")  # files listed under the folder start with it
        text = str(file)
        relative = text[len(under) :] if text.startswith(under) else os.path.relpath(file, root)
        name = relative.replace(os.sep, "/")
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class _Reading:
    """Everything measuring one file needs (sent once to each worker process)."""

    names: Mapping[str, str]
    period: Period | None
    words: Words
    trackers: Trackers
    targets: Targets
    root: Path | None
    lean: bool = False  # only what aggregation needs (`lean`): no model built, tuples sent back
    file_bytes: int | None = None  # the limit, read from the environment once a run
    crosstalk: bool = False  # count two speakers' overlapping cues, each for its speaker


def _one(file: str | Path, reading: _Reading) -> CallMetrics | Lean | Problem | None:
    """Measure one file: its metrics, a Problem if it is skipped, None if outside the period."""
    name = _name(file, reading.root)
    period = reading.period
    try:
        transcript = read_transcript(file, name=name, limit=reading.file_bytes)
        if period is not None and transcript.date is None:
            return Problem(
                "(date)",
                "the call has no date (put YYYY-MM-DD in the file name, or 'date' in the JSON)",
                None,
                name,
            )
        if period is not None and not period.start <= transcript.date <= period.end:  # type: ignore[operator]  # None handled above
            return None
        if transcript.crosstalk is not None and not reading.crosstalk:
            raise _crosstalk_error(transcript.source, transcript.crosstalk)
        values = figures(
            transcript,
            reading.names,
            words=reading.words,
            trackers=reading.trackers,
            targets=reading.targets,
        )
        return lean(values) if reading.lean else metrics_of(values)
    except TranscriptError as error:
        return error.problem


def _crosstalk_error(source: str, at: Crosstalk) -> TranscriptError:
    """Overlapping cues of two speakers, refused unless crosstalk is asked for."""
    return fail(
        source,
        at.line,
        f"cue at {clock(at.start)}",
        f"starts before the cue on line {at.before_line} ends at {clock(at.before_end)} "
        "(overlapping cues: trim them so one person talks at a time, or count each cue "
        "for its own speaker with --crosstalk)",
    )


_WORKER: list[_Reading] = []  # the reading context of a worker process


def _start_worker(reading: _Reading) -> None:  # pragma: no cover - runs in a worker process
    _WORKER[:] = [reading]


def _one_in_worker(
    file: str | Path,
) -> CallMetrics | Lean | Problem | None:  # pragma: no cover - in a worker
    return _one(file, _WORKER[0])  # lean: a tuple pickles in a tenth of the model's time


def _results(
    files: Iterable[str | Path], reading: _Reading, workers: int
) -> Iterator[CallMetrics | Lean | Problem | None]:
    if workers <= 1:
        for file in files:
            yield _one(file, reading)
        return
    with _context().Pool(workers, _start_worker, (reading,)) as pool:
        yield from pool.imap(_one_in_worker, files, chunksize=16)


def _context() -> BaseContext:
    """How workers start: a fork while this process runs one thread, else a fork server.

    A fork is the quickest start, but forking a process with other threads (a notebook's
    BLAS pool, a web server's) can deadlock the child, and Python 3.12+ warns of it. The
    fork server is a fresh, single-threaded process that imports this module once and
    forks the workers from there.
    """
    if sys.platform == "linux" and _threads() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in multiprocessing.get_all_start_methods():
        server = multiprocessing.get_context("forkserver")
        server.set_forkserver_preload([__name__])
        return server
    return multiprocessing.get_context("spawn")  # pragma: no cover - Windows


def _threads() -> int:
    """The threads of this process: the system's count (C libraries' threads too) on Linux."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except OSError:  # pragma: no cover - no /proc (macOS, Windows)
        pass
    return threading.active_count()  # pragma: no cover - no /proc


def read_calls(
    folder: str | Path,
    *,
    reps: str | Path | RepNames,
    period: str | Period,
    words: str | Path | None = None,
    trackers: str | Path | None = None,
    targets: Targets | None = None,
    keep_calls: bool = True,
    workers: Workers = 1,
    crosstalk: bool = False,
) -> CallsReport:
    """Measure every transcript under `folder` dated in `period`, and aggregate per rep.

    Args:
        folder: a folder of transcripts (.vtt, .srt, .json, .txt, .docx; searched
            recursively), or one file.
        reps: a reps YAML file, or a mapping of rep id to the names the rep speaks under.
        period: 2026-Q3, 2026-W14, 2026-07 or 2026 (as ``gapdiag ingest``).
        words: a word-lists YAML file (default: the shipped English lists).
        trackers: a keyword-trackers YAML file (default: the shipped trackers).
        targets: the targets the call rubric scores against (default: the defaults).
        keep_calls: keep every call's metrics in the report (False keeps memory flat).
        workers: processes measuring files side by side: 1 (this process only), more, or
            "auto" (one per CPU for 200 files or more, see `worker_count`). The report is
            the same either way.
        crosstalk: read a call where two speakers' cues overlap, counting each cue for
            its own speaker (lively calls exported by Teams or Zoom); by default such a
            transcript is skipped and reported, naming the first overlapping cue.

    Raises:
        InvalidArgument: a bad period or `workers`, or a folder without transcripts.
        CallsFileError: a reps, words or trackers file that cannot be used.
    """
    when = period if isinstance(period, Period) else parse_period(period)
    worker_count(workers, 0)  # a bad value is refused before any file is looked for
    names = load_reps(reps)
    chosen = targets or Targets()
    root = Path(folder) if Path(folder).is_dir() else None
    files, skipped = _one_file_a_call(transcripts(folder), root)
    processes = worker_count(workers, len(files))
    tallies: dict[str, Tally] = {}
    kept: list[CallMetrics] = []
    outside = 0
    reading = _Reading(
        names,
        when,
        load_words(words),
        load_trackers(trackers),
        chosen,
        root,
        lean=not keep_calls,
        crosstalk=crosstalk,
        file_bytes=limits().file_bytes,
    )
    for index, result in enumerate(_results(files, reading, processes)):
        if result is None:
            outside += 1
        elif isinstance(result, Problem):
            skipped.append(result)
        elif isinstance(result, tuple):
            tallies.setdefault(result[0], Tally()).add_lean(result, index)
        else:
            tallies.setdefault(result.rep_id, Tally()).add(result, index)
            if keep_calls:
                kept.append(result)
    return CallsReport(
        period=when.label,
        period_start=when.start,
        period_end=when.end,
        reps=tuple(
            rep_calls(rep, tallies[rep], when, lambda i: _name(files[i], root))
            for rep in sorted(tallies)
        ),
        calls=tuple(kept),
        skipped=tuple(skipped),
        outside_period=outside,
    )


def calls_frame(
    folder: str | Path,
    *,
    reps: str | Path | RepNames,
    period: str | Period,
    words: str | Path | None = None,
    trackers: str | Path | None = None,
    targets: Targets | None = None,
    crosstalk: bool = False,
) -> pd.DataFrame:
    """Per-rep ``calls.*`` metrics for a period as a DataFrame, ready to merge with ingest's.

    The frame's ``attrs["report"]`` holds the full `CallsReport` (calls to listen to,
    trackers, skipped transcripts). See `read_calls` for the arguments and errors.
    """
    report = read_calls(
        folder,
        reps=reps,
        period=period,
        words=words,
        trackers=trackers,
        targets=targets,
        keep_calls=False,
        crosstalk=crosstalk,
    )
    frame = report.to_frame()
    frame.attrs["report"] = report
    return frame
