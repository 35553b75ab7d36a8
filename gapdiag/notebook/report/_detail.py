"""One rep's detail in words: verdicts, focus, evidence, the tree's walk, what is open.

Built from the rep's `Diagnosis` while it is at hand, then kept as short texts only (the
page builds the section from them when it is opened), so a large report holds no
diagnosis objects. Every text is plain: the page escapes it when it shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from gapdiag.coaching.escalation import Escalation
from gapdiag.coaching.playbook import Focus
from gapdiag.coaching.trends import band_text
from gapdiag.model.diagnosis import Diagnosis, TreeLeaf, TreeStep
from gapdiag.model.labels import show
from gapdiag.model.wording import humanize, period
from gapdiag.notebook import signs
from gapdiag.notebook.explain import headline
from gapdiag.notebook.report._standing import Said, standing_said
from gapdiag.notebook.report._words import ACTIONS, label

Item = tuple[str, str, tuple[str, ...]]
"""(heading, text, the comparisons behind it in words)."""
BRIEF_NEEDS = 3
"""Metrics named in a brief section's 'not judged yet' line; the rest are counted."""


@dataclass(frozen=True, slots=True)
class Section:
    """The texts of one rep's section, in the order the page shows them."""

    period: str
    standing: Said
    """Where the rep stands on the number, with the figures that settled it (the page's
    script says the sentence from the figures: `standing_said`)."""
    watch: tuple[str, ...]
    """For a rep not behind: what may put the next period at risk."""
    headline: str
    focus: str
    """Whose the focus is and by when ('Will (the rep acts), by week 8')."""
    pip: str
    evidence: tuple[Item, ...]
    more: int
    """Fired rules on other gaps left out of a brief section."""
    tree: tuple[Item, ...]
    tree_end: str
    still_open: str
    escalation: Item | None
    fired: tuple[str, ...]
    """Rule ids that fired (for rule authors)."""
    open_rules: tuple[str, ...]
    """Rule ids missing data left open (for rule authors)."""


def detail_of(
    d: Diagnosis,
    focus: Focus | None,
    escalation: Escalation | None,
    *,
    brief: bool,
    open_: tuple[tuple[str, ...], tuple[str, ...]] | None = None,
    end: str | None = None,
    fired: Mapping[str, tuple[str, ...]] | None = None,
) -> Section:
    """The rep's section texts; brief keeps the focus gap's evidence and the tree's end.

    `open_` are the ids of the rules left open and `signs.needs_of(d)`, `end` the tree's
    end in words (`tree_end`), and `fired` each gap's ``fired_rules()``, where the caller
    has them already.
    """
    rules, needs = open_ if open_ is not None else (_open_rules(d), signs.needs_of(d))
    only = (focus.gap if focus else None) if brief else None
    if fired is None:
        fired = {v.gap: v.fired_rules() for v in d.verdicts}
    evidence, more = _evidence(d, fired, only=only, brief=brief)
    return Section(
        period=period(d.period_start, d.period_end),
        standing=standing_said(d.standing),
        watch=tuple(humanize(note.text) for note in d.watch),
        headline=headline(d) if d.primary_gap is None else "",
        focus=_focus(focus),
        pip=_pip(d),
        evidence=evidence,
        more=more,
        tree=() if brief else tuple(_step(s) for s in d.tree_path),
        tree_end=_tree_end(d) if end is None else end,
        still_open=_still_open(len(rules), needs, most=BRIEF_NEEDS if brief else 8),
        escalation=_escalation(escalation),
        fired=tuple([rule for v in d.verdicts for rule in fired[v.gap]]),
        open_rules=rules,
    )


def _open_rules(d: Diagnosis) -> tuple[str, ...]:
    return tuple(u.rule for u in d.undetermined)


def _focus(focus: Focus | None) -> str:
    """Whose the focus is and when its goal falls due; the page adds the goal and action."""
    if focus is None:
        return ""
    owner = "you act on the system" if focus.owner == "manager" else "the rep acts"
    text = f"{signs.GAP_NAMES[focus.gap]} ({owner})"
    if focus.goal is not None:
        text += f", by week {focus.goal.by_week}"
    return text


def _pip(d: Diagnosis) -> str:
    if not d.pip_blocked:
        return ""
    status = d.verdict("system").status
    return (
        f"A system gap is {signs.STATUS_WORDS.get(status, status)}: fix the system first; "
        "no PIP may be considered while it stands."
    )


def _evidence(
    d: Diagnosis, fired: Mapping[str, tuple[str, ...]], *, only: str | None, brief: bool
) -> tuple[tuple[Item, ...], int]:
    """Fired rules by gap and side, each because-text with its comparisons in words."""
    items: list[Item] = []
    left_out = 0
    for v in d.verdicts:
        if brief and v.gap != only:
            left_out += len(fired[v.gap])  # counted without listing the evidence
            continue
        gap = signs.GAP_NAMES[v.gap].lower()
        for against, group in ((False, v.evidence), (True, v.counter_evidence)):
            items.extend(
                (
                    signs.side_words(gap, against, e),
                    humanize(e.because),
                    () if brief else signs.evidence_checks(e),
                )
                for e in group
            )
    return tuple(items), left_out


def _step(step: TreeStep) -> Item:
    answer = {True: "yes", False: "no", None: "not known"}[step.answer]
    checks = tuple(dict.fromkeys(signs.check_words(c) for c in step.checks))
    return (humanize(step.question), answer, checks)


def _tree_end(d: Diagnosis) -> str:
    stop = d.tree_stop
    return tree_end(len(d.tree_path), d.tree_leaf, stop.needs if stop is not None else None)


@lru_cache(maxsize=1024)
def tree_end(asked: int, leaf: TreeLeaf | None, needs: tuple[str, ...] | None) -> str:
    """Where the tree's walk of `asked` questions ended, in words: at `leaf`, or stopped for
    lack of `needs` (cached: a pack's tree has few ends)."""
    questions = f"{asked} question{'s' if asked != 1 else ''}"
    if leaf is not None:
        gap = signs.GAP_NAMES[leaf.gap] if leaf.gap else "no gap"
        return f"After {questions}, the tree ends at {gap}: {humanize(leaf.reason)}"
    if needs is not None:
        wanted = signs.needs_words(needs)
        return f"After {questions}, the tree stops for lack of data: collect {wanted}."
    return ""


def _still_open(rules: int, needs: tuple[str, ...], *, most: int) -> str:
    """'Not judged yet: 3 rules need win rate and calls a day.' (`rules` left open)."""
    if not rules:
        return ""
    some = f"{rules} rule{'s' if rules != 1 else ''}"
    if not needs:
        return f"Not judged yet: {some} read a value that is undefined here."
    verb = "needs" if rules == 1 else "need"
    return f"Not judged yet: {some} {verb} {signs.needs_words(needs, most)}."


def _escalation(step: Escalation | None) -> Item | None:
    if step is None:
        return None
    icon, words = ACTIONS[step.action]
    trends = tuple(
        f"{label(t.metric)}: {t.word} ({show(t.metric, t.first)} → "
        f"{show(t.metric, t.latest)}, target {show(t.metric, t.target)}"
        f"{'' if t.noise is None else f', noise band {band_text(t.metric, t.noise)}'})"
        for t in step.trends
        if t.weeks_observed
    )
    head = (
        f"After {step.weeks_coached} weeks of coaching: {icon} {words}"
        if step.since is not None
        else f"Over {step.weeks_recorded} weeks of figures (no coaching start): {icon} {words}"
    )
    return (head, humanize(step.reason), trends)
