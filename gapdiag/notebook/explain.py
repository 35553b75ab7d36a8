"""Explain a Diagnosis in plain language, for a manager preparing a 1:1."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache
from typing import Any, Literal

from gapdiag.engines.details import Explanation, Fired, FiredRules
from gapdiag.model import _text
from gapdiag.model._text import one_line
from gapdiag.model.basis import BASES, PROXY_LIMITS, PROXY_SOURCES
from gapdiag.model.diagnosis import (
    Check,
    Counterfactual,
    Diagnosis,
    Evidence,
    Sample,
    TreeLeaf,
    TreeStep,
    TreeStop,
    Undetermined,
    Verdict,
    register_renderer,
)
from gapdiag.model.errors import InvalidArgument
from gapdiag.model.gaps import CONFIRMED_AT, GAPS, SUSPECTED_AT, Gap
from gapdiag.model.labels import asked, label_of, labels_listed, sentence, show
from gapdiag.model.standing import NOT_BEHIND
from gapdiag.model.wording import (
    check_proxies_first,
    check_text,
    confidence,
    counterfactual_groups,
    counterfactual_text,
    period,
    standing_text,
    stated,
)
from gapdiag.notebook import signs
from gapdiag.rulebook.compiler import Facts
from gapdiag.rulebook.walk import Asked, deciding_said

_APPROACH = {
    "skill": "practice and feedback: role-play drills and call reviews against a rubric",
    "will": "accountability: commitments in the rep's own words, check-in dates, consequences",
    "knowledge": "training: product and competitor sessions, shadowing, certification",
    "system": "fix the system: routing, territory, quota or coaching time, not the rep",
}


def explain(diagnosis: Diagnosis, *, fmt: Literal["text", "markdown"] = "text") -> str:
    """Render a diagnosis as readable text (or Markdown): verdicts, evidence, what is missing.

    Raises:
        InvalidArgument: `fmt` is neither "text" nor "markdown", or `diagnosis` is not a
            Diagnosis.
    """
    if not isinstance(diagnosis, Diagnosis):
        raise InvalidArgument(
            f"diagnosis: {type(diagnosis).__name__} is not a Diagnosis (diagnose(rep) gives one)"
        )
    if fmt not in ("text", "markdown"):
        raise InvalidArgument(f"fmt: {fmt!r} is not one of text, markdown")
    md = fmt == "markdown"
    if md:
        diagnosis = _escaped(diagnosis)
    lines = [_title(diagnosis, md), standing_text(diagnosis.standing), headline(diagnosis), ""]
    if diagnosis.watch:
        lines.append(_heading("Watch (not a gap: the rep is not behind)", md))
        lines.extend([f"- {note.text}" for note in diagnosis.watch])
        lines.append("")
    first = actions(diagnosis)
    if first:
        lines.append(_heading("What to do first", md))
        lines.extend([f"- {a}" for a in first])
        lines.append("")
    lines.extend(numbers_section(diagnosis, md))
    lines.extend(_set_aside(diagnosis, md))
    lines.extend(_tree(diagnosis, md))
    unknown = [v.gap for v in diagnosis.verdicts if v.status == "unknown"]
    still_open, needs_by_gap, left = _opened(diagnosis, md, unknown)
    listed = [_listed(v) for v in diagnosis.verdicts]
    for verdict, mine in zip(diagnosis.verdicts, listed, strict=True):
        open_needs = needs_by_gap.get(verdict.gap, ()) if verdict.status == "unknown" else ()
        lines.extend(_verdict(verdict, md, diagnosis.thin, open_needs, mine))
    lines.extend(_counterfactuals(diagnosis.counterfactuals, md))
    lines.extend(still_open)
    if diagnosis.pip_blocked:
        lines.append(
            "A system gap is confirmed or suspected: fix the system first. "
            "No PIP should be considered while it stands."
        )
        lines.append("")
    lines.extend(_authors(diagnosis, md, listed, left))
    return "\n".join(lines).rstrip() + "\n"


def _escaped(d: Diagnosis) -> Diagnosis:
    """The diagnosis with every text from a user or a rule pack escaped for Markdown."""
    m = _text.markdown

    def evidence(items: tuple[Evidence, ...]) -> tuple[Evidence, ...]:
        return tuple(
            e.model_copy(
                update={
                    "because": m(e.because),
                    "rule": m(e.rule),
                    "intervention": m(e.intervention) if e.intervention else e.intervention,
                }
            )
            for e in items
        )

    verdicts = tuple(
        v.model_copy(
            update={
                "evidence": evidence(v.evidence),
                "counter_evidence": evidence(v.counter_evidence),
                "undetermined": tuple(m(u) for u in v.undetermined),
            }
        )
        for v in d.verdicts
    )

    def leaf(item: TreeLeaf) -> TreeLeaf:
        return item.model_copy(update={"id": m(item.id), "reason": m(item.reason)})

    update: dict[str, Any] = {
        "rep_id": m(d.rep_id),
        "rulebook": d.rulebook.model_copy(
            update={"name": m(d.rulebook.name), "version": m(d.rulebook.version)}
        ),
        "verdicts": verdicts,
        "tree_path": tuple(s.model_copy(update={"question": m(s.question)}) for s in d.tree_path),
        "tree_leaf": leaf(d.tree_leaf) if d.tree_leaf is not None else None,
        "undetermined": tuple(u.model_copy(update={"rule": m(u.rule)}) for u in d.undetermined),
        "counterfactuals": tuple(
            c.model_copy(update={"rules": tuple(m(r) for r in c.rules)}) for c in d.counterfactuals
        ),
    }
    if d.tree_stop is not None:
        update["tree_stop"] = d.tree_stop.model_copy(
            update={
                "node": m(d.tree_stop.node),
                "possible": tuple(leaf(p) for p in d.tree_stop.possible),
            }
        )
    return d.model_copy(update=update)


_NUMBER_NAMES = {
    "gap_to_goal": "Gap to goal",
    "expected_from_pipeline": "Expected from the open pipeline",
    "pipeline_shortfall": "Shortfall the pipeline will not cover",
    "pipeline_needed": "Pipeline needed",
    "coverage": "Coverage",
    "required_coverage": "Coverage the win rate requires",
    "coverage_needed": "Coverage needed",
    "coverage_vs_needed": "Coverage against what is needed",
    "attainment": "Attainment",
    "ramp_share": "Plan while ramping, as a share of the full plan",
    "calls_vs_plan": "Calls against plan",
    "emails_vs_plan": "Emails against plan",
    "meetings_vs_plan": "Meetings against plan",
    "calls_per_meeting": "Calls per meeting",
    "calls_to_meetings": "Calls that become meetings",
    "conversion_vs_plan": "Calls-to-meetings conversion against the plan's",
}


_WITH_FORMULA = frozenset(
    {
        "gap_to_goal",
        "expected_from_pipeline",
        "pipeline_needed",
        "coverage",
        "required_coverage",
        "coverage_needed",
        "attainment",
        "ramp_share",
    }
)
"""The pipeline math, shown with how it is worked out; the plan ratios read plainly."""


def numbers_section(d: Diagnosis, md: bool = False) -> list[str]:
    """'The numbers': the pipeline math and activity against plan the diagnosis worked out."""
    figures = d.figures()
    if not figures:
        return []
    out = [_heading("The numbers", md)]
    known = dict(figures)
    for path, value in figures:
        if path in _SAID_ALREADY and _SAID_ALREADY[path] in known:
            continue
        name, said_unit = _figure_name(path)
        shown = show(path, value)
        if path in _NEVER_NEGATIVE and value < 0:
            shown = _NEVER_NEGATIVE[path].format(show(path, -value))
        if said_unit:  # not 'Calls per meeting: 35 calls per meeting'
            shown = shown.removesuffix(said_unit)
        out.append(f"- {name}: {shown}")
    short_by = known.get("derived.pipeline_shortfall")
    over = d.standing.elapsed is not None and d.standing.elapsed >= 1.0
    if over and not _PIPELINE_MATH.isdisjoint(known):
        out.append(
            "The period is over: the gap and pipeline figures above count the commit and the "
            "open pipeline as the data left them; what is still open carries into the next period."
        )
    elif short_by is not None and short_by > 0 and d.standing.status in NOT_BEHIND:
        out.append(
            "The open pipeline will not close what is left of the gap: no gap while the rep "
            "keeps pace, but coverage to build this week to keep it."
        )
    elif short_by is not None and short_by > 0:
        out.append(
            "The open pipeline will not close the gap: a coverage problem to solve this week."
        )
    return [*out, ""]


@cache
def _figure_name(path: str) -> tuple[str, str]:
    """A figure's name in 'The numbers' and the unit its value leaves off ('' for none)."""
    short = path.removeprefix("derived.")
    label = label_of(path)
    name = _NUMBER_NAMES.get(short) or sentence(label.label)
    if short in _WITH_FORMULA:  # the registry's formula, as docs/metrics.md states it
        name = f"{name} ({label.definition})"
    unit = label.unit
    return name, f" {unit}" if unit and name.lower().startswith(unit.lower()) else ""


_PIPELINE_MATH = frozenset(
    f"derived.{name}"
    for name in ("gap_to_goal", "pipeline_shortfall", "pipeline_needed", "coverage")
)
"""Figures about closing this period's gap: moot as actions once the period is over."""


_NEVER_NEGATIVE = {
    "derived.gap_to_goal": "none: closed and committed are {} over quota",
    "derived.pipeline_needed": "none: closed and committed already cover quota",
    "derived.pipeline_shortfall": "none: the pipeline should bring in {} more than needed",
}
"""How a figure below zero is said: money is never negative in words."""
_SAID_ALREADY = {"derived.coverage_needed": "derived.required_coverage"}
"""A figure left out of the text when the other is shown: with a win rate they are equal."""


def _title(d: Diagnosis, md: bool) -> str:
    when = period(d.period_start, d.period_end)
    stamp = f"{d.rulebook.name} {d.rulebook.version} ({d.rulebook.content_hash})"
    text = f"Diagnosis for {one_line(d.rep_id)}{', ' + when if when else ''} - rule pack {stamp}"
    return f"# {text}" if md else text


MAX_ACTIONS = 3


def actions(d: Diagnosis) -> tuple[str, ...]:
    """What to do first: the interventions of the primary gap's strongest evidence.

    When every fact behind the primary gap rests on a proxy, checking the proxy comes first:
    acting on an estimate nobody measured is how a manager loses a rep's trust. Where the
    standing is unknown, finding it out comes first, then the gap the evidence points to.
    """
    unknown = d.standing.status == "unknown"
    gap = d.primary_gap or (d.leading_gap if unknown else None)
    if gap is None:
        return ()
    verdict = d.verdict(gap)
    evidence = _listed(verdict)[0]
    strongest = sorted(evidence, key=lambda e: -e.certainty)
    found = dict.fromkeys(e.intervention for e in strongest if e.intervention)
    resting = [e.proxies for e in evidence]
    first = (*check_proxies_first(verdict, resting), *_rule_out_first(d, gap))
    if unknown:
        wanted = labels_listed(d.standing.needs)
        first = (f"Find out where the rep stands: collect {wanted}.", *first)
    return (*first, *(a for a in found if a))[:MAX_ACTIONS]


def _rule_out_first(d: Diagnosis, gap: Gap) -> tuple[str, ...]:
    """A suspected gap the decision tree could not yet tell from another: the data that
    would, before the manager acts on it (seed 001: rule the system out first)."""
    stop = d.tree_stop
    if stop is None or not stop.needs or d.verdict(gap).status == "confirmed":
        return ()
    others = list(dict.fromkeys(leaf.gap for leaf in stop.possible if leaf.gap not in (None, gap)))
    if not others:
        return ()
    it = "them" if len(stop.needs) > 1 else "it"
    return (
        f"Before acting on {gap}, rule out {_either(others)}: collect {needs(stop.needs)} "
        f"(the decision tree cannot tell the gaps apart without {it}).",
    )


def needs(paths: Sequence[str]) -> str:
    """Metrics to collect, by label: 'calls a day and meetings booked a week'."""
    return signs.listed([asked(p) for p in dict.fromkeys(paths)])


def headline(d: Diagnosis) -> str:
    """One sentence: the primary gap and its approach, or why there is none yet."""
    return headline_of(
        d.standing.status,
        lambda: bool(d.watch),
        _said(d.verdict(d.primary_gap)) if d.primary_gap is not None else None,
        _said(d.verdict(d.leading_gap)) if d.leading_gap is not None else None,
        [v.gap for v in d.verdicts if v.status == "unknown"],
        lambda: d.tree_stop,
    )


def headline_of(
    standing: str,
    watched: Callable[[], bool],
    primary: tuple[str, str, float] | None,
    lead: tuple[str, str, float] | None,
    open_: list[str],
    stop: Callable[[], TreeStop | None],
) -> str:
    """`headline` from the figures it reads: the standing, whether there are watch notes,
    the primary gap's verdict, the leading gap's (gap, status, confidence), the gaps left
    open and where the tree stopped (the two asked for only where the sentence needs them:
    a Diagnosis works them out on first need)."""
    if standing in NOT_BEHIND:
        seen = " Keep an eye on the notes below." if watched() else ""
        return (
            "Nothing to fix this period: the rep is not behind, and a gap is named only for a "
            f"rep who is.{seen}"
        )
    if primary is None and lead is not None and standing == "unknown":
        gap, status, sure = lead
        return (
            "No gap is named until the standing is known. If the rep is behind, the evidence "
            f"points to {gap} ({status}, {confidence(sure)}); "
            f"approach: {_APPROACH[gap]}."
        )
    if primary is None:
        if open_:
            text = f"No gap is established yet; {_either(open_)} stays open until more data is in."
            narrowed = _narrowed(stop())
            return f"{text} {narrowed}" if narrowed else text
        return "No gap found: no rule points to a skill, will, knowledge or system problem."
    gap, status, sure = primary
    return f"Primary gap: {gap} ({status}, {confidence(sure)}). Approach: {_APPROACH[gap]}."


def _said(v: Verdict) -> tuple[str, str, float]:
    return (v.gap, v.status, v.confidence)


def _narrowed(stop: TreeStop | None) -> str | None:
    """Where the tree stopped short of a leaf but ruled gaps out: which remain, what to collect.

    Seed 001's rep on 10 calls a day against 40 is "will or system" until lead flow and
    territory size say which; low activity alone never makes it will.
    """
    if stop is None or not stop.needs:
        return None
    ends = list(dict.fromkeys(leaf.gap or "no gap" for leaf in stop.possible))
    real = [gap for gap in ends if gap != "no gap"]
    if not real:
        return None
    if len(real) == len(GAPS):
        them = "them" if len(stop.needs) > 1 else "it"
        return f"Collect {needs(stop.needs)} first: the decision tree cannot go on without {them}."
    return f"The decision tree narrows it to {_either(ends)}: collect {needs(stop.needs)} to go on."


def _tree(d: Diagnosis, md: bool) -> list[str]:
    said = _steps(d)
    if not said and d.tree_leaf is None:
        return []
    out = [_heading("Decision tree", md)]
    out.extend([f"{n}. {step}" for n, step in enumerate(said, 1)])
    if d.tree_leaf is not None:
        out.append(f"Ends at {_leaf(d.tree_leaf)}: {d.tree_leaf.reason}")
        out.append(_agreement(d, d.tree_leaf))
    elif d.tree_stop is not None:
        stop = d.tree_stop
        gaps = list(dict.fromkeys(leaf.gap or "no gap" for leaf in stop.possible))
        wanted = (
            f"collect {needs(stop.needs)} to go on"
            if stop.needs
            else "a value it reads is undefined for this rep (e.g. a division by zero)"
        )
        out.append(f"Stopped for lack of data: {_either(gaps)} - {wanted}.")
        possible = dict.fromkeys(_leaf(leaf) for leaf in stop.possible)
        out.append("Still possible: " + ", ".join(possible) + ".")
    out.append("")
    return out


def _step(step: TreeStep) -> str:
    said = _STEPS.get(step)
    if said is not None:
        return said
    answer = _ANSWERS[step.answer]
    checks = signs.checks_words(step.checks)
    return _STEPS.put(step, None, f"{step.question} {answer} ({checks})")


def _steps(d: Diagnosis) -> list[str]:
    """The tree's steps in words; where the walk is not built yet, said from the questions
    asked (no TreeStep built)."""
    if "tree_path" not in d.__dict__:
        pending = d._pending()
        if isinstance(pending, Explanation):
            found = pending.route()
            return [] if found is None else [_asked(item, pending.facts) for item in found.asked]
    return [_step(step) for step in d.tree_path]


def _asked(item: Asked, facts: Facts) -> str:
    """`_step` of a question asked, said once per set of facts it reads (as its step is
    shared)."""
    said = _ASKED.get(item.key)
    if said is None:
        q = item.question
        checks = deciding_said(q.atoms, q.condition, q.decided, facts)
        words = "; ".join(dict.fromkeys([signs.comparison_words(c) for c in checks]))
        said = f"{q.spec.question} {_ANSWERS[item.answer]} ({words})"
        if len(_ASKED) >= signs.Said.SIZE:
            _ASKED.clear()
        _ASKED[item.key] = said
    return said


_ANSWERS = {True: "yes", False: "no", None: "not known"}
_ASKED: dict[tuple[object, ...], str] = {}
signs.CACHES.append(_ASKED.clear)
_STEPS = signs.Said()
_LINES = signs.Said()


def _leaf(leaf: TreeLeaf) -> str:
    return signs.GAP_NAMES[leaf.gap] if leaf.gap else "no gap"


def _agreement(d: Diagnosis, leaf: TreeLeaf) -> str:
    if d.tree_agrees:
        return f"The tree and the rules agree: {d.primary_gap or 'no gap'}."
    seen = leaf.gap or "no gap"
    if d.primary_gap is None:
        if d.standing.status in NOT_BEHIND:
            return (
                f"The tree's questions point to {seen}; the rep is not behind, so no gap is named."
            )
        return (
            f"The tree's questions point to {seen}, but the rules' evidence for it does not "
            "reach a suspicion, so no gap is named."
        )
    ours = d.verdict(d.primary_gap).confidence
    if leaf.gap is None:
        return (
            f"The tree's questions find no gap; the rules' evidence names {d.primary_gap} "
            f"({confidence(ours)}), so {d.primary_gap} is the primary gap."
        )
    theirs = d.verdict(leaf.gap)
    return (
        f"The tree's questions point to {seen} ({theirs.status}, {confidence(theirs.confidence)}); "
        f"the rules' evidence for {d.primary_gap} is stronger ({confidence(ours)}), so "
        f"{d.primary_gap} is the primary gap."
    )


def _either(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _heading(text: str, md: bool) -> str:
    return f"## {text}" if md else f"{text}:"


_CAPPED = {
    "thin": "not confirmed: it rests on too few observations",
    "proxy": "not confirmed: it rests on a proxy",
    "standing": "not confirmed while the standing is unknown",
}


def _verdict(
    v: Verdict,
    md: bool,
    samples: Sequence[Sample] = (),
    open_needs: Sequence[str] = (),
    listed: Listed | None = None,
) -> list[str]:
    if v.capped_by == "standing" and v.status == "unlikely":
        title = (
            f"{v.gap.capitalize()} - not a gap this period: the rep is not behind "
            f"(the evidence alone reads {confidence(v.confidence)}; see the watch notes)"
        )
    else:
        capped = f" ({_CAPPED[v.capped_by]})" if v.capped_by else ""
        title = f"{signs.verdict_words(v.gap, v.status, v.confidence, open_needs)}{capped}"
    out = [_heading(title, md)]
    support, against, rules = listed if listed is not None else _listed(v)
    every = (*support, *against)
    proxied: list[str] = []
    thinned: list[str] = []
    for e in every:
        if e.proxies:
            proxied.extend(e.proxies)
        if e.thin:
            thinned.extend(e.thin)
    if proxied:
        out.extend([f"- {proxy_note(path)}" for path in dict.fromkeys(proxied)])
    if thinned:
        out.append(f"- {thin_note(tuple(dict.fromkeys(thinned)), samples)}")
    act = v.capped_by != "standing"  # a rep who is not behind gets no gap's intervention
    if rules is None:
        out.extend(_evidence(e, against=False, act=act) for e in v.evidence)
        out.extend(_evidence(e, against=True) for e in v.counter_evidence)
    else:  # not listed yet: said from the rules themselves, no Evidence built
        out.extend([_sketched(rules, item, act) for side in rules.sketches() for item in side])
    if not every:
        out.append("- no rule fired")
    out.append("")
    return out


Shown = Evidence | Fired
"""A fired rule as a verdict lists it, or as an explanation reads it before it is listed."""


Listed = tuple[Sequence[Shown], Sequence[Shown], FiredRules | None]
"""A verdict's evidence, counter-evidence and (not listed yet) the rules that fired."""


def _listed(v: Verdict) -> Listed:
    """The verdict's evidence and counter-evidence; where not listed yet, as the rules that
    fired (with them, what says them), so that saying them builds no Evidence."""
    if "evidence" not in v.__dict__:
        rules = v._pending()
        if isinstance(rules, FiredRules):
            support, against = rules.sketches()
            return support, against, rules
    return v.evidence, v.counter_evidence, None


def _evidence(e: Evidence, *, against: bool, act: bool = True) -> str:
    """A fired rule in words: for or against, its reason and each comparison (no weights),
    and, where `act`, what to do about it."""
    how = (against, act)
    said = _LINES.get(e, how)
    if said is not None:
        return said
    line = _line(e, against, act, e.because, signs.evidence_checks(e))
    return _LINES.put(e, how, line)


def _sketched(rules: FiredRules, item: Fired, act: bool) -> str:
    """`_evidence` of a fired rule not listed as Evidence: said once per set of facts it
    reads (as its Evidence would be shared)."""
    key = (item.key, item.against, act)
    said = _SKETCHED.get(key)
    if said is None:
        because, checks = rules.worked(item)
        said = _line(item, item.against, act, because, signs.traced_words(checks))
        if len(_SKETCHED) >= signs.Said.SIZE:
            _SKETCHED.clear()
        _SKETCHED[key] = said
    return said


_SKETCHED: dict[tuple[object, ...], str] = {}
signs.CACHES.append(_SKETCHED.clear)


def _line(e: Shown, against: bool, act: bool, because: str, checks: Sequence[str]) -> str:
    said = "; ".join(checks)
    weak = signs.weak_of(e.proxies, e.thin)
    side = "Against" if against else "For"
    line = f"- {side}{weak}: {because}" + (f" ({said})" if said else "")
    if e.intervention and act and not against:
        line += f"\n  What to do: {e.intervention}"
    return line


def _authors(d: Diagnosis, md: bool, listed: Sequence[Listed], left: str) -> list[str]:
    """Rule ids, weights and the tree's node ids, last: for whoever maintains the pack.

    `left` names the rules left open (`_opened`), empty if none is.
    """
    out = [_heading("For rule authors", md)]
    fired = [
        _fired(e.rule, v.gap, e.certainty)
        for v, mine in zip(d.verdicts, listed, strict=True)
        for side in mine[:2]
        for e in side
    ]
    out.append(f"- rules that fired: {', '.join(fired) or 'none'}")
    if left:
        out.append(f"- rules left open for lack of data: {left}")
    if d.tree_leaf is not None:
        out.append(f"- the tree ended at leaf {d.tree_leaf.id}")
    elif d.tree_stop is not None:
        out.append(f"- the tree stopped at node {d.tree_stop.node}")
    out.append(_CUT_OFFS)
    return out


_CUT_OFFS = (
    f"- cut-offs: confirmed from {CONFIRMED_AT:.0%} combined certainty, "
    f"suspected from {SUSPECTED_AT:.0%}"
)


@lru_cache(maxsize=4096)
def _fired(rule: str, gap: str, certainty: float) -> str:
    return f"{rule} ({gap}, {certainty:+.2f})"


signs.CACHES.append(_fired.cache_clear)


def proxy_note(path: str) -> str:
    """Says what a proxy metric really measured and why it cannot settle a verdict alone."""
    name = label_of(path).label
    source = PROXY_SOURCES.get(path, "other data, not measured directly")
    limit = PROXY_LIMITS.get(path)
    why = f": {limit}" if limit else ""
    return (
        f"A proxy: {name} was estimated from {source}{why}. It can raise a suspicion, not "
        f"confirm one; collect the real {name} to settle it."
    )


def thin_note(paths: Sequence[str], samples: Sequence[Sample]) -> str:
    """Says which of a rule's rates rest on too few observations to confirm anything."""
    counted = {s.metric: s for s in samples}
    parts = []
    for path in paths:
        sample = counted.get(path)
        name = label_of(path).label
        if sample is None:
            parts.append(name)
            continue
        basis = BASES[path]
        parts.append(f"{name} from {basis.counted(sample.count)} ({sample.solid} to be solid)")
    return f"Few observations: {'; '.join(parts)}. This can raise a suspicion, not confirm one."


def _check(c: Check) -> str:
    return check_text(c)


def _set_aside(d: Diagnosis, md: bool) -> list[str]:
    if not d.set_aside:
        return []
    out = [_heading("Too few to judge (read as unknown)", md)]
    for item in d.set_aside:
        basis = BASES[item.metric]
        out.append(
            f"- {sentence(stated(item.metric, item.value))} "
            f"from {basis.counted(item.count)}: too few to judge (at least {item.minimum} needed)"
        )
    return [*out, ""]


def _opened(
    d: Diagnosis, md: bool, unknown: Sequence[str]
) -> tuple[list[str], dict[str, tuple[str, ...]], str]:
    """The open rules said in one pass over them: the part 'Still open', the metrics each
    of the `unknown` gaps' verdicts needs (`signs.needs_of` of each) and the rules left open
    as the part for rule authors names them (empty if none is)."""
    found = d.undetermined
    if not found:
        return [], dict.fromkeys(unknown, ()), ""
    per_metric: dict[tuple[str, ...], list[str]] = {}
    undefined: list[str] = []
    named: list[str] = []
    wanted: dict[str, list[str]] = {gap: [] for gap in unknown}
    seen = _OPEN
    for u in found:
        known = seen.get(id(u))
        if known is None or known[0] is not u:
            known = _learn(u)
        _, gap, asks, text = known
        named.append(text)
        if wanted:
            mine = wanted.get(gap)
            if mine is not None:
                mine.extend(u.needs)
        if not asks:
            undefined.append(gap)
        for key in asks:
            gaps = per_metric.get(key)
            if gaps is None:
                per_metric[key] = [gap]
            else:
                gaps.append(gap)
    needs = {gap: signs.most_first(mine) for gap, mine in wanted.items()}
    return _still_open(d, md, per_metric, undefined), needs, ", ".join(named)


_OPEN: dict[int, tuple[Undetermined, str, tuple[tuple[str, ...], ...], str]] = {}
"""Each open rule's gap, the lines of 'Still open' it counts in and its name for rule
authors, by the identity of the shared object (`engines.details`: reps alike in what an
open rule lacks share one); each entry holds its object, so no other takes its identity."""
signs.CACHES.append(_OPEN.clear)


def _learn(u: Undetermined) -> tuple[Undetermined, str, tuple[tuple[str, ...], ...], str]:
    """`_OPEN`'s entry for `u`, worked out and remembered."""
    if len(_OPEN) >= signs.Said.SIZE:
        _OPEN.clear()
    known = _OPEN[id(u)] = (u, u.gap, _asks_for(u.needs), f"{u.rule} ({u.gap})")
    return known


def _still_open(
    d: Diagnosis, md: bool, per_metric: dict[tuple[str, ...], list[str]], undefined: list[str]
) -> list[str]:
    """What to collect, one line per metric, the metrics that open the most rules first
    (`per_metric`: the gap of each open rule a line counts; `undefined`: of each open rule
    no metric would decide).

    Rule ids stay in the JSON and the part for rule authors.
    """
    # stable: ties keep order
    ranked = sorted(per_metric.items(), key=lambda item: len(item[1]), reverse=True)
    out = [_heading("Still open: data that would decide more rules", md)]
    aside = {item.metric: item for item in d.set_aside} if d.set_aside else None
    more = len(ranked) - signs.MAX_OPEN
    if more > 1:  # "and 1 more" would take the line it saves
        most = len(ranked[signs.MAX_OPEN][1])
        ranked = ranked[: signs.MAX_OPEN]
    for metrics, gaps in ranked:
        if aside is None or metrics[0] not in aside:
            out.append(_collect(metrics, tuple(gaps)))
        else:
            out.append(f"- collect {_wanted(aside, metrics)}: needed by {_rules_on(gaps)}")
    if more > 1:
        rules = f"{most} rules or fewer" if most > 1 else "1 rule"
        out.append(f"- and {more} more, each needed by {rules} (the JSON output lists them all)")
    if undefined:
        out.append(
            f"- {_rules_on(undefined)}: a value is undefined for this rep (e.g. a division by zero)"
        )
    return [*out, ""]


@lru_cache(maxsize=1024)
def _asks_for(needs: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The lines of 'Still open' an open rule needing `needs` counts in (none: undefined)."""
    if needs and all(p.startswith("team.") for p in needs):
        return (_TEAM,)
    return tuple((path,) for path in needs if not path.startswith("team."))


@lru_cache(maxsize=4096)
def _collect(wanted: tuple[str, ...], gaps: tuple[str, ...]) -> str:
    """A line of 'Still open' for metrics none of which was set aside."""
    return f"- collect {_wanted({}, wanted)}: needed by {_rules_on(gaps)}"


signs.CACHES.extend([_asks_for.cache_clear, _collect.cache_clear])


def _rules_on(gaps: Sequence[str]) -> str:
    count = len(gaps)
    return f"{count} rule{'s' if count > 1 else ''} on {_either(list(dict.fromkeys(gaps)))}"


_TEAM = ("team",)
"""Stands for every team value: they all come from diagnosing the rep with their team."""


def _wanted(aside: Mapping[str, Sample], paths: Sequence[str]) -> str:
    if paths == _TEAM:
        return "the team's medians (diagnose the rep together with their team)"
    words = []
    for path in paths:
        item = aside.get(path)
        if item is None:
            words.append(asked(path))
        else:
            basis = BASES[path]
            words.append(
                f"more {basis.plural} behind {label_of(path).label} "
                f"({item.count:,.0f} so far, at least {item.minimum})"
            )
    return ", ".join(words)


def _counterfactuals(found: Sequence[Counterfactual], md: bool) -> list[str]:
    out: list[str] = []
    for heading, mine in counterfactual_groups(found):
        out.append(_heading(heading, md))
        out.extend(f"- {sentence(c.gap)}: {counterfactual_text(c)}" for c in mine)
        out.append("")
    return out


register_renderer("explain", explain)
