"""Which speaker is the rep: rep ids (as in the CRM export) and the names they speak under.

A reps file says, per rep id, the names the rep appears under in transcripts::

    reps:
      dana.reyes: [Dana Reyes, Dana R.]
      omar.haddad: Omar Haddad

Names match case-insensitively with spaces collapsed (non-breaking ones too) and
Unicode normalized (an accent typed as one character or two is the same name). On a
call, the speakers who map to a rep are the rep side; everyone else is the buyer side.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from gapdiag.model.errors import Problem
from gapdiag.rulebook._yaml import read_yaml
from gapdiag.sources.calls.vocab import CallsFileError

RepNames = Mapping[str, str | Sequence[str]]


NOBODY = frozenset({"unknown speaker"})
"""Speaker names (as compared) a tool writes for a voice it could not tell: Otter's
'Unknown Speaker' is no one person, so its talk is unattributed, like a cue without a name."""


def speaker_key(name: str) -> str:
    """How speaker names are compared: NFKC-normalized, case-folded, spaces collapsed."""
    if not name.isascii():
        name = unicodedata.normalize("NFKC", name)
    return " ".join(name.casefold().split())


def load_reps(reps: str | Path | RepNames) -> dict[str, str]:
    """Speaker name (as compared) -> rep id, from a reps YAML file or a mapping.

    Raises:
        CallsFileError: the file is unreadable, has no ``reps`` mapping, gives a rep no
            name, or gives one name to two reps.
    """
    if isinstance(reps, str | Path):
        file = Path(reps)
        doc = read_yaml(file)
        if doc.error is not None:
            raise CallsFileError(file, [doc.error])
        data = doc.data.get("reps") if isinstance(doc.data, dict) else None
        if not isinstance(data, dict) or not data:
            raise CallsFileError(
                file, [Problem("reps", "is missing or empty (expected rep_id: [names])", 1)]
            )
        return _names(file, data, lambda *loc: doc.line_of(("reps", *loc)))
    return _names(Path("reps"), reps, lambda *loc: None)


def _names(file: Path, data: Mapping[Any, Any], line_of: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    problems: list[Problem] = []
    for rep_id, given in data.items():
        where = f"reps.{rep_id}"
        if not isinstance(rep_id, str) or not rep_id.strip():
            problems.append(Problem(where, "is not a rep id (text)", line_of(rep_id)))
            continue
        listed = [given] if isinstance(given, str) else given
        if not isinstance(listed, Sequence) or not listed:
            problems.append(Problem(where, "gives no speaker names", line_of(rep_id)))
            continue
        for index, name in enumerate(listed):
            key = speaker_key(name) if isinstance(name, str) else ""
            if not key:
                problems.append(
                    Problem(f"{where}[{index}]", f"{name!r} is not a name", line_of(rep_id, index))
                )
            elif names.setdefault(key, rep_id) != rep_id:
                problems.append(
                    Problem(
                        f"{where}[{index}]",
                        f"{name!r} is already a name of {names[key]!r} (one name, one rep)",
                        line_of(rep_id, index),
                    )
                )
    if problems:
        raise CallsFileError(file, problems)
    return names
