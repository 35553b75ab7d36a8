"""`gapdiag calls`: call transcripts -> per-rep ``calls.*`` metrics for a period (CSV).

The CSV has the columns ``gapdiag ingest`` writes (rep_id, period_start, period_end) and
merges with its output on them. Transcripts that cannot be used are listed on stderr
(file:line: why) and skipped; the summary lists and counts them (``--json``: ``skipped``).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from gapdiag.cli._io import (
    ExitStatus,
    add_format,
    add_format_alias,
    add_out,
    is_stdout,
    read_targets,
    subcommand,
)
from gapdiag.model._output import Outputs, csv_text
from gapdiag.model.errors import InvalidArgument, Problem
from gapdiag.sources.calls.aggregate import METRIC_COLUMNS
from gapdiag.sources.calls.measure import CallMetrics
from gapdiag.sources.calls.report import CallsReport, Workers, read_calls

CALL_COLUMNS = (
    "file",
    "rep_id",
    "date",
    "duration_seconds",
    "rep_talk_seconds",
    "buyer_talk_seconds",
    "unattributed_seconds",
    "inferred_end_seconds",
    "untimed_cues",
    "talk_ratio",
    "longest_monologue_seconds",
    "longest_buyer_story_seconds",
    "questions",
    "open_questions",
    "open_question_ratio",
    "discovery_questions",
    "dated_next_step",
    "score",
)


def register(commands: Any) -> None:
    """Add the `calls` subcommand."""
    run = subcommand(
        commands,
        "calls",
        summary="turn call transcripts into per-rep call metrics (CSV)",
        description="Measure call transcripts (WebVTT, SubRip, JSON segments, timestamped "
        "text or Word, with the speakers named): "
        "talk ratio, monologues, questions, keyword trackers and dated next steps per call, "
        "then one row of call metrics per rep for the period, and which calls to listen to. "
        "Unusable transcripts are listed as file:line and skipped.",
        examples=(
            "gapdiag calls examples/calls --reps examples/calls/reps.yaml --period 2026-Q3 "
            "--out calls.csv",
            "gapdiag calls recordings/ --rep dana='Dana Reyes' --period 2026-07 --format json",
        ),
    )
    run.add_argument(
        "transcripts",
        type=Path,
        metavar="TRANSCRIPTS_DIR",
        help="folder of .vtt/.srt/.json/.txt/.docx transcripts, searched recursively (or one file)",
    )
    run.add_argument("--reps", type=Path, help="YAML file: rep id -> names on the calls")
    run.add_argument(
        "--rep",
        action="append",
        default=[],
        metavar="ID=NAME",
        help="a rep and a name they speak under (repeatable; instead of --reps)",
    )
    run.add_argument("--period", required=True, help="2026-Q3, 2026-W14, 2026-07 or 2026")
    add_out(run, "where to write the per-rep metrics (.csv)")
    add_out(run, "also write each call's metrics (.csv)", flag="--per-call")
    run.add_argument("--words", type=Path, help="word-lists YAML (default: shipped English)")
    run.add_argument("--trackers", type=Path, help="keyword-trackers YAML (default: shipped)")
    run.add_argument("--targets", type=Path, help="JSON of target overrides for the rubric")
    run.add_argument(
        "--crosstalk",
        action="store_true",
        help="read calls where two speakers' cues overlap, each cue counting for its "
        "speaker (default: skip and report them)",
    )
    run.add_argument(
        "--workers",
        type=_workers,
        default="auto",
        metavar="N|auto",
        help="processes reading files (auto: one per CPU for 200 files or more)",
    )
    add_format(run, ("text", "json"))
    add_format_alias(run, "--json")
    run.set_defaults(handler=handle)


def handle(args: argparse.Namespace, out: IO[str]) -> int:
    """Measure the transcripts, write the CSV files, print the summary and calls to hear.

    Exits 0 when every transcript was read, 1 when some were skipped, and 2 when no
    call was measured (none in the period, or every one skipped): then nothing is
    written, and one line on stderr says which.
    """
    report = read_calls(
        args.transcripts,
        reps=_reps(args),
        period=args.period,
        words=args.words,
        trackers=args.trackers,
        targets=read_targets(args.targets),
        keep_calls=args.per_call is not None,
        workers=args.workers,
        crosstalk=args.crosstalk,
    )
    nothing = nothing_measured(report)
    if nothing is None:
        with Outputs(out) as outputs:  # both files, or neither
            if args.out is not None:
                header = ["rep_id", "period_start", "period_end", *METRIC_COLUMNS]
                outputs.write(args.out, csv_text(header, report.rows()), "--out")
            if args.per_call is not None:
                outputs.write(args.per_call, _calls_csv(report), "--per-call")
    printed = args.stderr if is_stdout(args.out) or is_stdout(args.per_call) else out
    if args.format == "json":
        printed.write(report.model_dump_json(indent=2) + "\n")
    else:
        printed.write(summary(report, args.out if nothing is None else None))
    if nothing is not None:
        args.stderr.write(f"gapdiag: {nothing}\n")
        return ExitStatus.BAD_INPUT
    return ExitStatus.FINDINGS if report.skipped else ExitStatus.OK


def nothing_measured(report: CallsReport) -> str | None:
    """Why no call was measured (none in the period, or all skipped); None when one was."""
    if report.reps:
        return None
    skipped, outside = len(report.skipped), report.outside_period
    if skipped and not outside:
        why = f"every transcript was skipped ({skipped})"
    elif outside and not skipped:
        why = f"no call falls in the period ({outside} outside it)"
    else:
        why = (
            f"no call falls in the period ({outside} outside it) and {skipped} "
            f"transcript{_s(skipped)} {'was' if skipped == 1 else 'were'} skipped"
        )
    return f"no call measured for {report.period}: {why}; nothing written"


def _workers(text: str) -> Workers:
    """'auto' or a whole number of 1 or more, for --workers."""
    if text == "auto":
        return "auto"
    try:
        count = int(text)
    except ValueError:
        count = 0
    if count < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not 'auto' or a whole number of 1 or more")
    return count


def _reps(args: argparse.Namespace) -> Any:
    if args.reps is not None and not args.rep:
        return args.reps
    names: dict[str, list[str]] = {}
    for given in args.rep:
        rep_id, _, name = given.partition("=")
        if not rep_id.strip() or not name.strip():
            raise InvalidArgument(f"--rep: {given!r} is not ID=NAME (for example dana=Dana Reyes)")
        names.setdefault(rep_id.strip(), []).append(name.strip())
    if args.reps is not None:
        raise InvalidArgument("--rep: give the reps either in --reps FILE or as --rep, not both")
    if not names:
        raise InvalidArgument("--reps: say who the reps are (--reps reps.yaml or --rep ID=NAME)")
    return names


def summary(report: CallsReport, out: Path | None) -> str:
    """What a person reads: counts, what was skipped, and the calls to listen to."""
    calls = sum(rep.calls for rep in report.reps)
    where = f" -> {out}" if out is not None else ""
    notes = [f"{len(report.skipped)} transcript{_s(len(report.skipped))} skipped"]
    if report.outside_period:
        notes.append(f"{report.outside_period} outside the period")
    lines = [
        f"{calls} call{_s(calls)} from {len(report.reps)} rep{_s(len(report.reps))} "
        f"for {report.period}{where} ({', '.join(notes)})"
    ]
    lines += [f"skipped {_located(problem)}" for problem in report.skipped]
    for rep in report.reps:
        lines.append(f"{rep.rep_id}: listen to")
        lines += [f"  {pick.kind}: {pick.file} ({pick.why})" for pick in rep.listen]
    return "\n".join(lines) + "\n"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _located(problem: Problem) -> str:
    line = f":{problem.line}" if problem.line is not None else ""
    return f"{problem.file}{line}: {problem}"


def _calls_csv(report: CallsReport) -> str:
    picks = {pick.file: pick.kind for rep in report.reps for pick in rep.listen}
    names = [t.name for t in report.calls[0].trackers] if report.calls else []
    header = [*CALL_COLUMNS]
    header += [f"tracker.{name}.{side}" for name in names for side in ("rep", "buyer")]
    header.append("listen")
    return csv_text(header, [_call_row(call, picks) for call in report.calls])


def _call_row(call: CallMetrics, picks: Mapping[str, str]) -> dict[str, Any]:
    row = call.model_dump(include=set(CALL_COLUMNS))
    for count in call.trackers:
        row[f"tracker.{count.name}.rep"] = count.rep
        row[f"tracker.{count.name}.buyer"] = count.buyer
    row["listen"] = picks.get(call.file, "")
    return row
