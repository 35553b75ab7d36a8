"""A Diagnosis as HTML for notebooks: confidence bars, evidence against thresholds, tree path.

Every string that comes from the input or a rule pack (rep ids, because-texts, rule ids)
is escaped, so a rep id like ``<script>`` shows as text. Styles are inline: the fragment
renders the same in Jupyter, VS Code and a static docs page.
"""

from __future__ import annotations

from html import escape

from gapdiag.model.diagnosis import Check, Diagnosis, Evidence, TreeStep, Verdict, register_renderer
from gapdiag.model.labels import LABELS, label_of, sentence, show
from gapdiag.model.wording import (
    check_text,
    confidence,
    counterfactual_groups,
    counterfactual_text,
    period,
)
from gapdiag.notebook.explain import actions, headline, needs

STATUS_COLOURS = {
    "confirmed": "#c0392b",
    "suspected": "#e67e22",
    "unknown": "#7f8c8d",
    "unlikely": "#bdc3c7",
}
_CELL = (
    "padding:2px 6px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd;"
    "overflow-wrap:anywhere"
)
_TECH = "font-family:monospace;font-size:11px;color:#555"
_MARK = {True: "&#10003;", False: "&#10007;", None: "?"}
MAX_KEY_NUMBERS = 6


def to_html(diagnosis: Diagnosis) -> str:
    """Render a diagnosis as one self-contained HTML fragment, no wider than its column."""
    d = diagnosis
    parts = [
        '<div class="gapdiag-diagnosis" style="font-family:sans-serif;font-size:13px;'
        'max-width:100%;overflow-x:auto">',
        f"<h3 style='margin:4px 0'>Diagnosis for {escape(d.rep_id)}</h3>",
        f"<p style='margin:2px 0;color:#555'>{escape(_subtitle(d))}</p>",
        f"<p style='margin:6px 0'><b>{escape(headline(d))}</b></p>",
        _actions(d),
        _key_numbers(d),
        _verdict_table(d.verdicts),
        _tree(d),
        _evidence_table(d.verdicts),
        _counterfactuals(d),
        _open(d),
    ]
    if d.pip_blocked:
        parts.append(
            "<p style='color:#c0392b'><b>A system gap is confirmed: fix the system first; "
            "no PIP while it stands.</b></p>"
        )
    parts.append("</div>")
    return "".join(p for p in parts if p)


def _subtitle(d: Diagnosis) -> str:
    when = period(d.period_start, d.period_end)
    book = d.rulebook
    stamp = f"rule pack {book.name} {book.version} ({book.content_hash}), {d.engine} engine"
    return f"{when} - {stamp}" if when else stamp


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


def _bar(value: float, colour: str) -> str:
    width = round(value * 100, 1)
    return (
        f"<div title='{confidence(value)}' style='background:#eee;width:160px;height:10px'>"
        f"<div style='background:{colour};width:{width}%;height:10px'></div></div>"
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


def _verdict_table(verdicts: tuple[Verdict, ...]) -> str:
    rows = [
        _row(
            f"<b>{escape(v.gap)}</b>",
            _bar(v.confidence, STATUS_COLOURS[v.status]),
            confidence(v.confidence),
            f"<span style='color:{STATUS_COLOURS[v.status]}'>{escape(v.status)}</span>",
        )
        for v in verdicts
    ]
    return _table(("gap", "confidence", "", "status"), rows)


def _evidence_table(verdicts: tuple[Verdict, ...]) -> str:
    rows = [_evidence_row(v.gap, e) for v in verdicts for e in (*v.evidence, *v.counter_evidence)]
    if not rows:
        return "<p>No rule fired.</p>"
    head = ("gap", "because", "technical: rule and checks")
    return _h4("Evidence") + _table(head, rows, ("14%", "56%", "30%"))


def _evidence_row(gap: str, e: Evidence) -> str:
    checks = "<br>".join(_check(c) for c in e.checks)
    technical = "<br>".join(_technical(c) for c in e.checks)
    todo = f"<br><i>What to do:</i> {escape(e.intervention)}" if e.intervention else ""
    return _row(
        f"{escape(gap)} <small>{e.certainty:+.2f}</small>",
        f"{escape(e.because)}<br><small>{checks}</small>{todo if e.certainty > 0 else ''}",
        f"<span style='{_TECH}'>{escape(e.rule)}<br>{technical}</span>",
    )


def _check(c: Check) -> str:
    return f"{_MARK[c.result]} {escape(check_text(c))}"


def _technical(c: Check) -> str:
    """The check as the rule wrote it, with the raw numbers: for rule authors."""
    value = "unknown" if c.observed_value is None else repr(c.observed_value)
    limit = "" if c.threshold_value is None else f", limit {c.threshold_value!r}"
    return escape(f"{c.text} [{value}{limit}]")


def _tree(d: Diagnosis) -> str:
    if not d.tree_path and d.tree_leaf is None:
        return ""
    steps = "".join(f"<li>{_step(s)}</li>" for s in d.tree_path)
    end = ""
    if d.tree_leaf is not None:
        leaf = d.tree_leaf
        end = f"Ends at <b>{escape(leaf.id)}</b> ({escape(leaf.gap or 'no gap')}): "
        end += escape(leaf.reason)
    elif d.tree_stop is not None:
        wanted = needs(d.tree_stop.needs) or "a value that is undefined here"
        end = f"Stopped at <b>{escape(d.tree_stop.node)}</b> for lack of data: "
        end += f"collect {escape(wanted)}"
    return (
        f"{_h4('Decision tree')}<ol style='margin:2px 0'>{steps}</ol>"
        f"<p style='margin:2px 0'>{end}</p>"
    )


def _step(step: TreeStep) -> str:
    answer = {True: "yes", False: "no", None: "unknown"}[step.answer]
    checks = "; ".join(_check(c) for c in step.checks)
    return f"{escape(step.question)} <b>{answer}</b> <small>({checks})</small>"


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
    if not d.undetermined:
        return ""
    items = "".join(
        f"<li><code>{escape(u.rule)}</code> ({escape(u.gap)}): "
        f"{escape('collect ' + needs(u.needs) if u.needs else 'a value was undefined')}</li>"
        for u in d.undetermined
    )
    return f"{_h4('Still open')}<ul style='margin:2px 0'>{items}</ul>"


register_renderer("html", to_html)
