"""A diagnosis and each of its parts as one line of text, in the team page's words.

These lines are the results' ``repr`` and ``str`` (registered by the notebook room) and the
notebook's display of a part that needs no markup: no field dumps, no rule conditions,
undetermined gaps as "not judged (needs ...)", never as 0%.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gapdiag.model import diagnosis as parts
from gapdiag.model._text import one_line
from gapdiag.model.basis import BASES
from gapdiag.model.labels import label_of, percent, sentence, show
from gapdiag.model.standing import NOT_BEHIND, Standing
from gapdiag.model.wording import (
    change_text,
    counterfactual_text,
    humanize,
    period,
    standing_text,
    standing_word,
)
from gapdiag.notebook import signs

_OUTCOMES = {
    True: "fired",
    False: "did not fire",
    None: "not judged (data is missing)",
}


def part_text(part: Any) -> str:
    """One result of a diagnosis (the diagnosis itself, a verdict, a check ...) in words."""
    for kind, words in _WORDS:
        if isinstance(part, kind):
            return words(part)
    raise TypeError(f"no words for {type(part).__name__}")  # pragma: no cover


def diagnosis_text(d: parts.Diagnosis) -> str:
    """'rep-7, Q3 2026: Behind (23% of quota); Will confirmed, 98.8%'."""
    when = period(d.period_start, d.period_end)
    head = f"{one_line(d.rep_id)}, {when}" if when else one_line(d.rep_id)
    standing = standing_word(d.standing.status)
    if d.standing.status == "unknown" and d.standing.needs:
        standing += f" (needs {signs.needs_words(d.standing.needs, most=1)})"
    elif d.standing.attainment is not None:
        standing += f" ({percent(d.standing.attainment)} of quota)"
    return f"{head}: {standing}; {answer_text(d)}"


def answer_text(d: parts.Diagnosis) -> str:
    """The diagnosis's answer: the gap to act on, no gap found, or what it needs."""
    if d.standing.status in NOT_BEHIND:
        many = "thing" if len(d.watch) == 1 else "things"
        watch = f", {len(d.watch)} {many} to watch" if d.watch else ""
        return f"nothing to fix this period{watch}"
    gap = d.primary_gap or d.leading_gap
    if gap is not None:
        v = d.verdict(gap)
        lead = "" if d.primary_gap else "if behind, "
        return lead + signs.verdict_words(v.gap, v.status, v.confidence)
    if d.outcome == "no_gap_found":
        return "no gap found"
    return f"undetermined (needs {signs.needs_words(signs.needs_of(d) or d.missing, most=1)})"


def verdict_text(v: parts.Verdict) -> str:
    """'Will confirmed, 98.8% (9 rules for it, 1 against)'; 'System not judged (...)'."""
    if v.status == "unknown":
        return f"{signs.GAP_NAMES[v.gap]} not judged (data is missing)"
    words = signs.verdict_words(v.gap, v.status, v.confidence, held=v.capped_by == "standing")
    pro, con = len(v.evidence), len(v.counter_evidence)
    if not pro and not con:
        return words
    first = pro or con
    counted = f"{first} rule{'' if first == 1 else 's'} {'for' if pro else 'against'} it"
    return f"{words} ({counted}, {con} against)" if pro and con else f"{words} ({counted})"


def evidence_text(e: parts.Evidence) -> str:
    """'Only 14 calls a day ... (calls a day: 14 (rule: under 20): holds)'; 'Against: ...'."""
    side = "Against: " if e.certainty < 0 else ""
    checks = "; ".join(signs.evidence_checks(e))
    return f"{side}{humanize(e.because)}" + (f" ({checks})" if checks else "")


def _sample(s: parts.Sample) -> str:
    counted = BASES[s.metric].counted(s.count) if s.metric in BASES else s.count
    return (
        f"{sentence(label_of(s.metric).label)} {show(s.metric, s.value)} from {counted}: "
        f"at least {s.minimum} are needed to read it, {s.solid} to confirm"
    )


def _step(step: parts.TreeStep) -> str:
    answer = {True: "yes", False: "no", None: "not known"}[step.answer]
    checks = signs.checks_words(step.checks)
    return f"{humanize(step.question)} {answer}" + (f" ({checks})" if checks else "")


def _trace(t: parts.RuleTrace) -> str:
    checks = "; ".join(signs.check_words(c) for c in t.checks)
    return f"A {t.gap} rule {_OUTCOMES[t.outcome]}" + (f": {checks}" if checks else "")


def _leaf(leaf: parts.TreeLeaf) -> str:
    gap = signs.GAP_NAMES[leaf.gap] if leaf.gap else "no gap"
    return f"Ends at {gap}: {humanize(leaf.reason)}"


_WORDS: tuple[tuple[type, Callable[[Any], str]], ...] = (
    (parts.Diagnosis, diagnosis_text),
    (parts.Verdict, verdict_text),
    (parts.Evidence, evidence_text),
    (parts.Check, signs.check_words),
    (parts.Undetermined, lambda u: f"Not judged yet ({u.gap}): needs {signs.needs_words(u.needs)}"),
    (parts.TreeStep, _step),
    (parts.TreeLeaf, _leaf),
    (parts.TreeStop, lambda s: f"Stops for lack of data: collect {signs.needs_words(s.needs)}"),
    (parts.Counterfactual, lambda c: f"{sentence(c.gap)}: {counterfactual_text(c)}"),
    (parts.CounterfactualChange, change_text),
    (parts.Figure, lambda f: f"{sentence(label_of(f.name).label)}: {show(f.name, f.value)}"),
    (Standing, standing_text),
    (parts.Watch, lambda w: f"Watch: {humanize(w.text)}"),
    (parts.Sample, _sample),
    (parts.RulebookStamp, lambda b: f"Rule pack {b.name} {b.version} ({b.content_hash})"),
    (parts.RuleTrace, _trace),
)
