"""A Diagnosis (and each of its parts) as HTML for notebooks, in the team page's words.

The same signs as the team report (`gapdiag.notebook.signs`): a status icon and word per
gap, "not judged (needs ...)" for a gap missing data left open, each rule comparison
saying whether it holds, no rule weights; rule ids and conditions only in a folded
"For rule authors" part. Every string from the input or a rule pack is escaped. Styles are
inline and colours meet WCAG AA on white, so the fragment reads the same in Jupyter, VS
Code and a static docs page.
"""

from __future__ import annotations

from html import escape
from typing import Any

from gapdiag.model import diagnosis as parts
from gapdiag.model.diagnosis import (
    Diagnosis,
    Evidence,
    TreeStep,
    Verdict,
)
from gapdiag.model.labels import LABELS, label_of, percent, sentence, show
from gapdiag.model.wording import (
    counterfactual_groups,
    counterfactual_text,
    humanize,
    period,
)
from gapdiag.notebook import lines, signs
from gapdiag.notebook.explain import actions, headline

STATUS_COLOURS = {
    "confirmed": "#a32a24",
    "suspected": "#7f5300",
    "unknown": "#4f5963",
    "unlikely": "#525c66",
}
"""Text colours per status, each at least 4.5:1 on white (WCAG AA)."""
_CELL = (
    "padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd;"
    "overflow-wrap:anywhere"
)
_MUTED = "color:#525c66"
MAX_KEY_NUMBERS = 6


def to_html(diagnosis: Diagnosis) -> str:
    """Render a diagnosis as one self-contained HTML fragment, no wider than its column."""
    d = diagnosis
    body = [
        '<div class="gapdiag-diagnosis" style="font-family:sans-serif;font-size:13px;'
        'max-width:100%;overflow-x:auto">',
        f"<h3 style='margin:4px 0'>Diagnosis for {escape(d.rep_id)}</h3>",
        f"<p style='margin:2px 0;{_MUTED}'>{escape(_subtitle(d))}</p>",
        f"<p style='margin:6px 0'><b>{escape(headline(d))}</b></p>",
        _actions(d),
        _key_numbers(d),
        _verdict_table(d),
        _tree(d),
        _evidence_table(d.verdicts),
        _counterfactuals(d),
        _open(d),
        _pip(d),
        _authors(d),
        "</div>",
    ]
    return "".join(p for p in body if p)


def _subtitle(d: Diagnosis) -> str:
    when = period(d.period_start, d.period_end)
    stamp = f"rule pack {d.rulebook.name} {d.rulebook.version}"
    return f"{when} · {stamp}" if when else stamp


def _table(head: tuple[str, ...], rows: list[str], widths: tuple[str, ...] = ()) -> str:
    cols = "".join(f"<col style='width:{w}'>" for w in widths)
    header = "".join(f"<th style='{_CELL}'>{escape(h)}</th>" for h in head)
    layout = "table-layout:fixed;width:100%;" if widths else ""
    return (
        f"<table style='border-collapse:collapse;margin:6px 0;{layout}max-width:100%'>"
        f"{f'<colgroup>{cols}</colgroup>' if cols else ''}"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in cells) + "</tr>"


def _h4(text: str) -> str:
    return f"<h4 style='margin:8px 0 2px'>{escape(text)}</h4>"


def _bar(value: float) -> str:
    width = round(value * 100, 1)
    return (
        "<span aria-hidden='true' style='display:inline-block;background:#e3e6ea;width:80px;"
        f"height:8px;margin-right:6px'><span style='display:block;background:#1d2733;"
        f"width:{width}%;height:8px'></span></span>"
    )


def _actions(d: Diagnosis) -> str:
    first = actions(d)
    if not first:
        return ""
    items = "".join(f"<li>{escape(a)}</li>" for a in first)
    return f"{_h4('What to do first')}<ol style='margin:2px 0'>{items}</ol>"


def key_numbers(d: Diagnosis) -> tuple[tuple[str, str], ...]:
    """The primary gap's numbers (label, value in its unit), strongest evidence first."""
    if d.primary_gap is None:
        return ()
    seen: dict[str, str] = {}
    for evidence in sorted(d.verdict(d.primary_gap).evidence, key=lambda e: -e.certainty):
        for check in evidence.checks:
            path = check.observed
            if path in LABELS and path not in seen and check.observed_value is not None:
                seen[path] = show(path, check.observed_value)
    return tuple((sentence(label_of(p).label), v) for p, v in seen.items())[:MAX_KEY_NUMBERS]


def _key_numbers(d: Diagnosis) -> str:
    rows = [_row(escape(name), f"<b>{escape(value)}</b>") for name, value in key_numbers(d)]
    if not rows:
        return ""
    return _h4("Key numbers") + _table(("measure", "now"), rows)


def _status(status: str, words: str) -> str:
    colour = STATUS_COLOURS[status]
    icon = signs.STATUS_ICONS[status]
    return (
        f"<span style='color:{colour};font-weight:600'>"
        f"<span aria-hidden='true'>{icon} </span>{escape(words)}</span>"
    )


def verdict_cells(d: Diagnosis, v: Verdict) -> tuple[str, str]:
    """A verdict's status (sign and words) and its confidence, or what it needs."""
    held = v.capped_by == "standing"
    words = signs.verdict_words(v.gap, v.status, v.confidence, signs.needs_of(d, v.gap), held=held)
    if v.status == "unknown":
        return _status(v.status, words), f"<span style='{_MUTED}'>not judged</span>"
    if held:
        return _status(v.status, words), f"<span style='{_MUTED}'>not behind</span>"
    return _status(v.status, words), _bar(v.confidence) + escape(percent(v.confidence))


def _verdict_table(d: Diagnosis) -> str:
    rows = [_row(*verdict_cells(d, v)) for v in d.verdicts]
    return _h4("Verdicts") + _table(("gap and status", "confidence"), rows)


def _evidence_table(verdicts: tuple[Verdict, ...]) -> str:
    rows = [
        _evidence_row(v, e, against)
        for v in verdicts
        for against, group in ((False, v.evidence), (True, v.counter_evidence))
        for e in group
    ]
    if not rows:
        return "<p>No rule fired.</p>"
    head = ("evidence", "because, and the comparisons behind it", "what to do")
    return _h4("Evidence") + _table(head, rows, ("16%", "56%", "28%"))


def evidence_html(gap: str, e: Evidence, against: bool) -> tuple[str, str]:
    """One fired rule in words: its side, and its because-text with each comparison."""
    checks = "<br>".join(escape(c) for c in signs.evidence_checks(e))
    side = escape(signs.side_words(gap, against, e))
    return side, f"{escape(humanize(e.because))}<br><small style='{_MUTED}'>{checks}</small>"


def _evidence_row(v: Verdict, e: Evidence, against: bool) -> str:
    side, because = evidence_html(v.gap, e, against)
    act = v.capped_by != "standing"  # a rep who is not behind gets no gap's intervention
    todo = escape(e.intervention) if e.intervention and act and not against else ""
    return _row(side, because, todo)


def _tree(d: Diagnosis) -> str:
    if not d.tree_path and d.tree_leaf is None:
        return ""
    steps = "".join(f"<li>{step_html(s)}</li>" for s in d.tree_path)
    end = ""
    if d.tree_leaf is not None:
        leaf = d.tree_leaf
        gap = signs.GAP_NAMES[leaf.gap] if leaf.gap else "no gap"
        end = f"Ends at <b>{escape(gap)}</b>: {escape(humanize(leaf.reason))}"
    elif d.tree_stop is not None:
        end = f"Stops for lack of data: collect {escape(signs.needs_words(d.tree_stop.needs))}"
    return (
        f"{_h4('Decision tree')}<ol style='margin:2px 0'>{steps}</ol>"
        f"<p style='margin:2px 0'>{end}</p>"
    )


def step_html(step: TreeStep) -> str:
    """One question of the tree, its answer and the comparisons behind it."""
    answer = {True: "yes", False: "no", None: "not known"}[step.answer]
    checks = signs.checks_words(step.checks)
    return f"{escape(humanize(step.question))} <b>{answer}</b> <small style='{_MUTED}'>" + (
        f"({escape(checks)})</small>" if checks else "</small>"
    )


def _counterfactuals(d: Diagnosis) -> str:
    out = []
    for heading, mine in counterfactual_groups(d.counterfactuals):
        items = "".join(
            f"<li><b>{escape(sentence(c.gap))}</b>: {escape(counterfactual_text(c))}</li>"
            for c in mine
        )
        out.append(f"{_h4(heading)}<ul style='margin:2px 0'>{items}</ul>")
    return "".join(out)


def _open(d: Diagnosis) -> str:
    needs = signs.needs_of(d)
    if not needs:
        return ""
    counts = {m: sum(m in u.needs for u in d.undetermined) for m in needs}
    shown = needs if len(needs) <= signs.MAX_OPEN + 1 else needs[: signs.MAX_OPEN]
    items = "".join(
        f"<li>{escape(sentence(label_of(m).label))}: would decide {counts[m]} "
        f"rule{'s' if counts[m] != 1 else ''}</li>"
        for m in shown
    )
    if len(shown) < len(needs):
        items += f"<li>and {len(needs) - len(shown)} more (the JSON output lists them all)</li>"
    return f"{_h4('Not judged yet: data to collect')}<ul style='margin:2px 0'>{items}</ul>"


def _pip(d: Diagnosis) -> str:
    if not d.pip_blocked:
        return ""
    status = signs.STATUS_WORDS[d.verdict("system").status]
    return (
        f"<p style='color:{STATUS_COLOURS['confirmed']}'><b>A system gap is {status}: fix the "
        "system first; no PIP may be considered while it stands.</b></p>"
    )


def _authors(d: Diagnosis) -> str:
    """Rule ids, weights and conditions, folded: for whoever maintains the rule pack."""
    fired = "".join(
        f"<li><code>{escape(e.rule)}</code> ({escape(v.gap)}, {e.certainty:+.2f}): "
        f"{escape('; '.join(c.text for c in e.checks))}</li>"
        for v in d.verdicts
        for e in (*v.evidence, *v.counter_evidence)
    )
    left = "".join(
        f"<li><code>{escape(u.rule)}</code> ({escape(u.gap)}): needs "
        f"{escape(', '.join(u.needs) or 'a defined value')}</li>"
        for u in d.undetermined
    )
    book = d.rulebook
    body = f"<p>Rule pack {escape(book.name)} {escape(book.version)} ({escape(book.content_hash)})"
    body += f", {escape(d.engine)} engine.</p>"
    if fired:
        body += f"<p>Rules that fired:</p><ul style='margin:2px 0'>{fired}</ul>"
    if left:
        body += f"<p>Rules left open:</p><ul style='margin:2px 0'>{left}</ul>"
    if d.tree_leaf is not None:
        body += f"<p>Tree leaf: <code>{escape(d.tree_leaf.id)}</code></p>"
    elif d.tree_stop is not None:
        body += f"<p>Tree stopped at: <code>{escape(d.tree_stop.node)}</code></p>"
    return f"<details style='margin:6px 0'><summary>For rule authors</summary>{body}</details>"


def part_html(part: Any) -> str:
    """One part of a diagnosis (a verdict, a fired rule, a check ...) in words."""
    line = _part_words(part)
    return f"<div class='gapdiag-part' style='font-family:sans-serif;font-size:13px'>{line}</div>"


def _part_words(part: Any) -> str:
    if isinstance(part, parts.Verdict):
        return _status(part.status, lines.part_text(part))
    if isinstance(part, parts.Evidence):
        _, because = evidence_html("", part, part.certainty < 0)
        return f"<b>{'Counter-evidence' if part.certainty < 0 else 'Evidence'}</b>: {because}"
    if isinstance(part, parts.TreeStep):
        return step_html(part)
    return escape(lines.part_text(part))
