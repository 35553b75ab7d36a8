"""`gapdiag diagnose FILE --out RESULTS`: a whole population, with progress and a summary.

The progress line is written only to a terminal (it rewrites itself with a carriage
return), so logs and pipes stay clean. Both it and the summary table are a few lines
of plain text: no progress or table library is needed for them. With ``--out -`` the
results go to standard output (CSV, or JSON records with ``--format json``) and the
summary to standard error; bad rows then go to ``--errors`` or ``FILE.errors.csv``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING

from gapdiag.cli._io import ExitStatus, is_stdout, print_notes, read_targets
from gapdiag.model.errors import InvalidArgument, InvalidMetrics
from gapdiag.model.labels import label_of
from gapdiag.model.wording import OUTCOME_WORDS, standing_word

if TYPE_CHECKING:  # pragma: no cover - imported in handle: `diagnose` of one rep never needs it
    from gapdiag.engines.vector.batch import Batch, Progress, Summary

POPULATION_SUFFIXES = (".csv", ".parquet", ".xlsx", ".xlsm")
"""Files that always hold a population (a .json file does when --out is given)."""


def is_batch(args: argparse.Namespace) -> bool:
    """Whether the arguments ask for a population run rather than one rep."""
    return args.out is not None or Path(args.file).suffix.lower() in POPULATION_SUFFIXES


@contextlib.contextmanager
def team_by_option(value: str | None) -> Iterator[None]:
    """Say a missing `team_by` column as the command line's ``--team-by VALUE``.

    Raises:
        InvalidArgument: the population has no such column (the columns it has, the closest).
    """
    try:
        yield
    except InvalidMetrics as error:
        if [p.where for p in error.problems] != ["team_by"]:
            raise
        has = f"{error.source} has " if error.source else ""
        raise InvalidArgument(f"--team-by {value}: {has}{error.problems[0].message}") from None


def diagnosed(path: Path, args: argparse.Namespace, progress: Progress | None = None) -> Batch:
    """The population file diagnosed with the command's --rules, --targets, --team-by and
    --strict; its notes printed."""
    from gapdiag.engines.vector.batch import diagnose_many

    with team_by_option(args.team_by):
        batch = diagnose_many(
            path,
            rules=args.rules,
            targets=read_targets(args.targets),
            team_by=args.team_by or None,
            progress=progress,
            strict=args.strict,
        )
    print_notes(batch.notes, args.stderr)
    return batch


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Diagnose every row of `args.file`, write `args.out` and the errors file, print a summary.

    Exits 0 when every row was diagnosed, 1 when bad rows were left out (see the errors file).
    """
    from gapdiag.engines.vector.batch import need_frames

    need_frames()  # before the table helpers, which import pandas
    from gapdiag.engines.vector._frames import (
        check_results_name,
        records_json,
        safe_csv,
        with_lines,
        write,
    )
    from gapdiag.model._output import Outputs

    if args.out is None:
        raise InvalidArgument(
            f"{args.file}: a population file needs --out RESULTS (.csv/.parquet/.json)"
        )
    if not is_stdout(args.out):
        check_results_name(args.out)  # before any work: a mistake costs nothing
    progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
    batch = diagnosed(Path(args.file), args, progress)
    if progress is not None:
        progress.finish()
    to_stdout = is_stdout(args.out)
    named = Path(args.file) if to_stdout else args.out
    errors_path = args.errors or named.with_name(f"{named.stem}.errors.csv")
    with Outputs(out) as outputs:  # both files, or neither
        if to_stdout:
            json_out = args.format == "json"
            table = records_json(batch.frame) if json_out else None
            outputs.write("-", table or safe_csv(batch.frame).to_csv(index=False), "--out")
        else:
            write(batch.frame, args.out, outputs=outputs)
        if batch.summary.bad_rows or errors_path.exists():  # never a stale errors file
            errors = safe_csv(with_lines(batch.errors, Path(args.file))).to_csv(index=False)
            outputs.write(errors_path, errors, "--errors")
    shown = Path("<stdout>") if to_stdout else args.out
    if args.format == "json" and not to_stdout:
        out.write(json.dumps(summary_json(batch, shown, errors_path), indent=2) + "\n")
    else:
        (args.stderr if to_stdout else out).write(summary_table(batch, shown, errors_path))
    return ExitStatus.FINDINGS if batch.summary.bad_rows else ExitStatus.OK


def summary_json(batch: Batch, results: Path, errors: Path) -> dict[str, object]:
    """The run's summary as a JSON document: counts per primary gap and where rows went."""
    summary = batch.summary
    return {
        "rows": summary.rows,
        "diagnosed": summary.diagnosed,
        "bad_rows": summary.bad_rows,
        "by_standing": dict(summary.by_standing),
        "by_outcome": dict(summary.by_outcome),
        "by_primary_gap": dict(summary.by_primary_gap),
        "standing_needs": dict(summary.standing_needs),
        "team_by": summary.team_by,
        "teams": summary.teams,
        "results": str(results),
        "errors": str(errors) if summary.bad_rows else None,
    }


def summary_table(batch: Batch, results: Path, errors: Path) -> str:
    """Where reps stand, what was found, and how many rows were diagnosed and left out."""
    summary = batch.summary
    found = {f"{gap} gap": n for gap, n in summary.by_primary_gap.items()}
    found |= {OUTCOME_WORDS[o].lower(): summary.by_outcome[o] for o in _NOT_A_GAP}
    standing = {standing_word(s).lower(): n for s, n in _standing_order(summary)}
    width = max(len(f"{n:,}") for n in (summary.rows, *found.values(), *standing.values()))
    label = max(len(name) for name in (*found, *standing)) + 2
    lines = [f"{'where reps stand':<{label}} {'reps':>{width}}  share"]
    lines += [_row(name, n, summary.diagnosed, label, width) for name, n in standing.items()]
    lines += _collect_lines(summary)
    lines.append("what was found")
    lines += [_row(name, n, summary.diagnosed, label, width) for name, n in found.items()]
    lines.append(f"{'diagnosed':<{label}} {summary.diagnosed:>{width},}  -> {results}")
    bad = f"  -> {errors}" if summary.bad_rows else ""
    lines.append(f"{'bad rows':<{label}} {summary.bad_rows:>{width},}{bad}")
    lines.append(f"teams: {summary.grouping()}")
    return "\n".join(lines) + "\n"


_NOT_A_GAP = ("no_gap_found", "undetermined")


def _collect_lines(summary: Summary) -> list[str]:
    """For reps of unknown standing: the figures to collect, most often missing first."""
    unknown = summary.by_standing.get("unknown", 0)
    if not unknown or not summary.standing_needs:
        return []
    ranked = sorted(summary.standing_needs.items(), key=lambda item: (-item[1], item[0]))
    wanted = "; ".join(f"{label_of(path).label} ({n:,} of them)" for path, n in ranked)
    who = (
        "the rep of unknown standing stands"
        if unknown == 1
        else (f"the {unknown:,} reps of unknown standing stand")
    )
    return [f"  to tell where {who}, collect: {wanted}"]


def _standing_order(summary: Summary) -> list[tuple[str, int]]:
    return [(s, summary.by_standing[s]) for s in ("behind", "on_track", "ahead", "unknown")]


def _row(name: str, count: int, total: int, label: int, width: int) -> str:
    share = count / total if total else 0.0
    return f"  {name:<{label - 2}} {count:>{width},}  {share:6.1%}"


class _Progress:
    """A one-line progress bar on a terminal, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.drawn = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < 0.1 and done < total:
            return
        self.drawn = now
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\r[{bar}] {done:,}/{total:,} reps, {now - self.started:.1f} s")
        self.stream.flush()

    def finish(self) -> None:
        self.stream.write("\n")
