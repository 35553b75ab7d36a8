"""One rep of a team file (``reps.csv``, as ``ingest`` writes it), for ``--rep NAME``.

The team is diagnosed as one batch, grouped into teams as every population command groups
them, so the rep's verdict from `diagnose --rep` or `plan --rep` is the one the team page
and the population's results show.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from gapdiag.cli._batch import POPULATION_SUFFIXES, team_by_option
from gapdiag.cli._io import (
    InputFileError,
    display_name,
    looks_like_targets,
    print_notes,
    read_json,
    read_targets,
)
from gapdiag.model._suggest import did_you_mean
from gapdiag.model.errors import InvalidArgument, InvalidMetrics, Problem
from gapdiag.model.metrics import RepMetrics, parse_metrics


def one_rep(args: argparse.Namespace, verb: str) -> RepMetrics:
    """The rep to `verb`: from a JSON file, or the --rep of a team file, judged with its team."""
    team_file = Path(args.file).suffix.lower() in POPULATION_SUFFIXES
    if args.rep is None:
        if team_file:
            raise InvalidArgument(
                f"{args.file}: a team file holds many reps; give --rep NAME to {verb} one of them"
            )
        data = read_json(args.file)
        if isinstance(data, list):
            if args.file == "-":  # neither --rep nor --out reads standard input
                raise InvalidArgument(
                    f"<stdin>: a list of reps, and standard input takes one rep; save the list"
                    f" as reps.json, then: gapdiag {verb} reps.json --rep NAME"
                    + (" (or --out RESULTS for all of them)" if verb == "diagnose" else "")
                )
            raise InvalidArgument(
                f"{display_name(args.file)}: a list of reps; give --rep NAME to {verb} one of them"
            )
        if looks_like_targets(data):
            raise InputFileError(
                f"{display_name(args.file)}: target overrides ({', '.join(data)}), not a rep's"
                " metrics; give them with --targets, and the rep's file (with rep_id) first"
            )
        return parse_metrics(data, source=display_name(args.file))
    if args.file == "-":
        raise InvalidArgument("--rep: reads a team file, not standard input; give its path")
    if args.team is not None:
        raise InvalidArgument(
            "--team: the team file's own reps give the team values with --rep; leave --team out"
        )
    return team_rep(
        Path(args.file),
        args.rep,
        rules=args.rules,
        targets=args.targets,
        team_by=getattr(args, "team_by", "team") or None,
        strict=args.strict,
        err=args.stderr,
    )


def team_rep(
    path: Path,
    name: str,
    *,
    rules: Path | None,
    targets: Path | None,
    team_by: str | None = "team",
    strict: bool = False,
    err: IO[str] | None = None,
) -> RepMetrics:
    """One rep of a team file, diagnosed with the team (rules, targets, team values kept).

    Raises:
        InvalidArgument: no row, or more than one row, for `name` (with the names it holds).
        InvalidMetrics: the rep's own row is bad (its problems, from the errors table).
    """
    from gapdiag.engines.vector.batch import diagnose_many

    with team_by_option(team_by):
        batch = diagnose_many(
            path, rules=rules, targets=read_targets(targets), team_by=team_by, strict=strict
        )
    if err is not None:
        print_notes(batch.notes, err)
    reps = batch.reps()
    found = [r for r in reps if r.rep_id == name]
    if not found:  # as ingest matches names: ignoring case and runs of spaces
        found = [r for r in reps if _folded(r.rep_id) == _folded(name)]
    if len(found) > 1:
        periods = ", ".join(f"{r.period_start} to {r.period_end}" for r in found)
        raise InvalidArgument(
            f"{path}: {name!r} has {len(found)} rows ({periods}); keep one period in the file"
        )
    if found:
        return found[0]
    errors = batch.errors
    bad = errors[errors["rep_id"] == name] if len(errors) else errors
    if len(bad):
        first = bad.iloc[0]
        where = f"row {int(first['row']) + 1}: {first['field']}"
        raise InvalidMetrics([Problem(where, str(first["reason"]))], source=str(path))
    names = sorted({r.rep_id for r in reps})
    held = ", ".join(names[:6]) + (", ..." if len(names) > 6 else "")
    raise InvalidArgument(
        f"--rep: {name!r} is not a rep of {path}{did_you_mean(name, names)} (it holds {held})"
    )


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())
