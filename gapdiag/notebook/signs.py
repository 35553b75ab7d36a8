"""One set of signs and words for every view of a diagnosis: team page, notebook, single rep.

- A verdict's status has an icon and a word (colour is never the only signal); a gap that
  missing data left open reads "not judged (needs ...)", never as a 0% confidence.
- ✓ and ✗ only ever mean "meets the target" and "misses the target".
- A rule's comparison says in words whether it holds; rule weights are not shown (the
  folded "for rule authors" part names the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from gapdiag.model.diagnosis import Check, Diagnosis, Evidence
from gapdiag.model.gaps import Gap
from gapdiag.model.labels import LABELS, forget_numbers, label_of, percent
from gapdiag.model.wording import pair_reading, quantity, reading
from gapdiag.rulebook import template
from gapdiag.rulebook.compiler import Stated, margin_of

GAP_NAMES: dict[str, str] = {
    "system": "System",
    "will": "Will",
    "skill": "Skill",
    "knowledge": "Knowledge",
}
STATUS_ICONS = {"confirmed": "●", "suspected": "◐", "unlikely": "○", "unknown": "◌"}
STATUS_WORDS = {
    "confirmed": "confirmed",
    "suspected": "suspected",
    "unlikely": "unlikely",
    "unknown": "not judged",
}
MEETS = "✓"
MISSES = "✗"
ABOVE, BELOW, LEVEL = "▲", "▼", "="
HOLDS = {True: "holds", False: "does not hold", None: "not known (no data)"}
LEGEND: tuple[tuple[str, str], ...] = (
    (STATUS_ICONS["confirmed"], "confirmed gap"),
    (STATUS_ICONS["suspected"], "suspected gap"),
    (STATUS_ICONS["unlikely"], "unlikely"),
    (STATUS_ICONS["unknown"], "not judged: data is missing"),
    (MEETS, "meets the target"),
    (MISSES, "misses the target"),
    (f"{ABOVE} {BELOW}", "above / below the team average"),
)
"""Every sign the views use, with its meaning: shown once as a legend."""
_OPS = {"<": "under", "<=": "at most", ">": "over", ">=": "at least", "==": "equal to"}
MAX_NEEDS = 3


class Said:
    """Texts already made of result objects, by the object's identity (and how it was said).

    Reps alike in what a fired rule or a tree question reads share one result object (see
    ``engines.details.evidence``), so a population says each such object once. Each entry
    holds its object, so no other object can take its identity while the entry lives.
    """

    __slots__ = ("_seen",)
    SIZE = 4096

    def __init__(self) -> None:
        self._seen: dict[tuple[int, object], tuple[object, str]] = {}
        SAID.append(self)

    def get(self, item: object, how: object = None) -> str | None:
        """The text made of `item` said `how`, if it was made."""
        found = self._seen.get((id(item), how))
        return found[1] if found is not None and found[0] is item else None

    def put(self, item: object, how: object, text: str) -> str:
        """Remember and return `text`, made of `item` said `how`."""
        if len(self._seen) >= self.SIZE:
            self._seen.clear()
        self._seen[(id(item), how)] = (item, text)
        return text

    def clear(self) -> None:
        """Forget every text."""
        self._seen.clear()


SAID: list[Said] = []
"""Every `Said`, for `forget`."""
_CHECKS = Said()
CACHES: list[Callable[[], None]] = [forget_numbers, template.forget]
"""How to clear each other cache of texts remembered across reps, for `forget`."""


def forget() -> None:
    """Forget every text remembered across reps (benchmarks time reps seen the first time)."""
    for said in SAID:
        said.clear()
    for clear in CACHES:
        clear()


def needs_of(d: Diagnosis, gap: Gap | None = None) -> tuple[str, ...]:
    """The absent metrics the open rules need (of one gap, or of all), most-needed first."""
    every, by_gap = open_needs(d)
    return every if gap is None else by_gap.get(gap, ())


def open_needs(d: Diagnosis) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """`needs_of` for all the open rules and for each gap's, in one pass."""
    every: list[str] = []
    by_gap: dict[str, list[str]] = {}
    for u in d.undetermined:
        every.extend(u.needs)
        mine = by_gap.get(u.gap)
        if mine is None:
            by_gap[u.gap] = list(u.needs)
        else:
            mine.extend(u.needs)
    return most_first(every), {gap: most_first(needs) for gap, needs in by_gap.items()}


def most_first(needs: list[str]) -> tuple[str, ...]:
    """Each metric once, the most needed first, ties in order of first need (stable)."""
    counts: dict[str, int] = {}
    for need in needs:
        counts[need] = counts.get(need, 0) + 1
    if len(counts) == len(needs):  # each needed once: in order of need
        return tuple(counts)
    return tuple(sorted(counts, key=counts.__getitem__, reverse=True))


MAX_OPEN = 8
"""Data to collect listed before the rest is counted ('and 20 more'): the most needed first."""


def needs_words(paths: Sequence[str], most: int = MAX_NEEDS) -> str:
    """Metrics to collect, by label: 'lead volume against the team, win rate and 2 more'."""
    names = [label_of(p).label for p in dict.fromkeys(paths)]
    if len(names) > most:
        return f"{', '.join(names[:most])} and {len(names) - most} more"
    return listed(names) or "a value that is undefined here"


def listed(names: Sequence[str]) -> str:
    """Names in a sentence: 'a, b and c'; one name alone; nothing for none."""
    if len(names) > 1:
        return f"{', '.join(names[:-1])} and {names[-1]}"
    return names[0] if names else ""


def verdict_words(
    gap: str, status: str, confidence: float, needs: Sequence[str] = (), *, held: bool = False
) -> str:
    """'Will confirmed, 82%'; an open gap: 'System not judged (needs lead volume ...)'; a gap
    `held` back because the rep is not behind: 'Will: not a gap this period (...)'."""
    name = GAP_NAMES.get(gap, gap)
    if status == "unknown":
        return f"{name} not judged (needs {needs_words(needs)})"
    if held:
        return f"{name}: not a gap this period (the evidence alone reads {percent(confidence)})"
    return f"{name} {STATUS_WORDS[status]}, {percent(confidence)}"


def check_words(check: Check) -> str:
    """A rule's comparison and whether it holds: 'calls a day: 14 (rule: under 20): holds'.

    Units that repeat the label ('deflections a 1:1') are not said twice.
    """
    said = _CHECKS.get(check)  # reps alike in what it reads share one Check
    if said is not None:
        return said
    words = _words(
        check.observed,
        check.op,
        check.observed_value,
        check.threshold_value,
        check.result,
        check.threshold is not None and "team.median." in check.threshold,
        margin_of(check.threshold),
    )
    return _CHECKS.put(check, None, words)


@lru_cache(maxsize=8192, typed=True)
def _words(
    observed: str,
    op: str | None,
    value: float | bool | None,
    threshold: float | None,
    result: bool | None,
    by_team: bool = False,
    margin: str = "",
) -> str:
    """`check_words` by the check's fields (cached: a population repeats its comparisons,
    thresholds are targets and observed values are few distinct numbers)."""
    name = quantity(observed)
    path = observed if observed in LABELS else ""
    if op is None or isinstance(value, bool):
        return f"{name}: {reading(path, value)[0]}"
    if value is None:  # nothing to compare: said once, with the rule it would meet
        if threshold is None:
            return f"{name}: no data"
        rule = f"{_OPS.get(op, op)} {reading(path, threshold)[0]}{_MARGINS[margin]}"
        return f"{name}: no data (rule: {rule})"
    seen, limit = pair_reading(path)(value, threshold)
    if threshold is None:
        if by_team and value is not None:  # the rep's value is there, the team's is not
            return f"{name}: {seen}, against the team median: not known (no team median)"
        return f"{name}: {seen}: {HOLDS[result]}"
    return f"{name}: {seen} (rule: {_OPS.get(op, op)} {limit}{_MARGINS[margin]}): {HOLDS[result]}"


_MARGINS = {
    "": "",
    "plan": ", the plan less its margin",
    "less": ", the target less its margin",
    "plus": ", the limit plus its margin",
}
"""What a threshold set from a target and its margin is, said beside it (so 'under 72%'
next to 'expected 80%' does not read as a contradiction)."""


CACHES.append(_words.cache_clear)


def evidence_checks(evidence: Evidence) -> tuple[str, ...]:
    """The comparisons behind one fired rule in words, each metric and direction once."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for check in evidence.checks:
        key = (check.observed, check.op)
        if key in seen:  # the same metric compared the same way twice (target and team)
            continue
        seen.add(key)
        out.append(check_words(check))
    return tuple(out)


def traced_words(said: Iterable[Stated]) -> tuple[str, ...]:
    """`evidence_checks` of comparisons as `Atom.said` gives them (no Check object built)."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for each in said:
        if (each[0], each[1]) in seen:
            continue
        seen.add((each[0], each[1]))
        out.append(_words(*each))
    return tuple(out)


def comparison_words(said: Stated) -> str:
    """`check_words` of a comparison as `Atom.said` gives it (no Check object built)."""
    return _words(*said)


def checks_words(checks: Sequence[Check]) -> str:
    """A tree step's comparisons in words, joined by '; ', each said once."""
    return "; ".join(dict.fromkeys(check_words(c) for c in checks))


def meets_words(meets: bool | None) -> str:
    """✓ meets / ✗ misses the target, or 'not known'."""
    if meets is None:
        return "not known"
    return f"{MEETS} meets target" if meets else f"{MISSES} misses target"


def side_words(gap: str, against: bool, evidence: Evidence | None = None) -> str:
    """'For will' (evidence) or 'Against skill' (counter-evidence), marked where the fact
    rests on an estimate or on few observations."""
    return f"{'Against' if against else 'For'} {gap}{weak_words(evidence)}"


def weak_words(evidence: Evidence | None) -> str:
    """' (rests on a proxy)', ' (few observations)', or nothing for a measured fact."""
    return "" if evidence is None else weak_of(evidence.proxies, evidence.thin)


def weak_of(proxies: Sequence[str], thin: Sequence[str]) -> str:
    """`weak_words` of a fact resting on `proxies` and on `thin` counts."""
    return " (rests on a proxy)" if proxies else " (few observations)" if thin else ""
