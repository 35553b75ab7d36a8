"""A Diagnosis as HTML for notebooks: confidence bars, evidence against thresholds, tree path.

Every string that comes from the input or a rule pack (rep ids, because-texts, rule ids)
is escaped, so a rep id like ``<script>`` shows as text. Styles are inline: the fragment
renders the same in Jupyter, VS Code and a static docs page.
"""

from __future__ import annotations

from html import escape

from gapdiag.model.diagnosis import Check, Diagnosis, Evidence, TreeStep, Verdict, register_renderer
from gapdiag.notebook.explain import change_text, headline
from gapdiag.rulebook.template import format_value

STATUS_COLOURS = {
    "confirmed": "#c0392b",
    "suspected": "#e67e22",
    "unknown": "#7f8c8d",
    "unlikely": "#bdc3c7",
}
_CELL = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #ddd"
_MARK = {True: "&#10003;", False: "&#10007;", None: "?"}


def to_html(diagnosis: Diagnosis) -> str:
    """Render a diagnosis as one self-contained HTML fragment."""
    d = diagnosis
    parts = [
        '<div class="gapdiag-diagnosis" style="font-family:sans-serif;font-size:13px">',
        f"<h3 style='margin:4px 0'>Diagnosis for {escape(d.rep_id)}</h3>",
        f"<p style='margin:2px 0;color:#555'>{escape(_subtitle(d))}</p>",
        f"<p style='margin:6px 0'><b>{escape(headline(d))}</b></p>",
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
    period = f"{d.period_start} to {d.period_end} - " if d.period_start and d.period_end else ""
    book = d.rulebook
    return f"{period}rule pack {book.name} {book.version} ({book.content_hash}), {d.engine} engine"


def _table(head: tuple[str, ...], rows: list[str]) -> str:
    header = "".join(f"<th style='{_CELL}'>{escape(h)}</th>" for h in head)
    return (
        "<table style='border-collapse:collapse;margin:6px 0'>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _row(*cells: str) -> str:
    return "<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in cells) + "</tr>"


def _bar(confidence: float, colour: str) -> str:
    width = round(confidence * 100, 1)
    return (
        f"<div title='{confidence:.0%}' style='background:#eee;width:160px;height:10px'>"
        f"<div style='background:{colour};width:{width}%;height:10px'></div></div>"
    )


def _verdict_table(verdicts: tuple[Verdict, ...]) -> str:
    rows = [
        _row(
            f"<b>{escape(v.gap)}</b>",
            _bar(v.confidence, STATUS_COLOURS[v.status]),
            f"{v.confidence:.0%}",
            f"<span style='color:{STATUS_COLOURS[v.status]}'>{escape(v.status)}</span>",
        )
        for v in verdicts
    ]
    return _table(("gap", "confidence", "", "status"), rows)


def _evidence_table(verdicts: tuple[Verdict, ...]) -> str:
    rows = [_evidence_row(v.gap, e) for v in verdicts for e in (*v.evidence, *v.counter_evidence)]
    if not rows:
        return "<p>No rule fired.</p>"
    table = _table(("gap", "rule", "certainty", "because", "observed vs threshold"), rows)
    return f"<h4 style='margin:8px 0 2px'>Evidence</h4>{table}"


def _evidence_row(gap: str, e: Evidence) -> str:
    checks = "<br>".join(_check(c) for c in e.checks)
    return _row(
        escape(gap),
        f"<code>{escape(e.rule)}</code>",
        f"{e.certainty:+.2f}",
        escape(e.because),
        checks,
    )


def _check(c: Check) -> str:
    seen = format_value(c.observed_value, "num")
    if c.op is None:
        text = f"{c.observed} is {seen}"
    else:
        text = (
            f"{c.observed} {seen} {c.op} {c.threshold} ({format_value(c.threshold_value, 'num')})"
        )
    return f"{_MARK[c.result]} {escape(text)}"


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
        needs = ", ".join(d.tree_stop.needs) or "a value that is undefined here"
        end = f"Stopped at <b>{escape(d.tree_stop.node)}</b> for lack of data: "
        end += f"collect {escape(needs)}"
    return (
        f"<h4 style='margin:8px 0 2px'>Decision tree</h4><ol style='margin:2px 0'>{steps}</ol>"
        f"<p style='margin:2px 0'>{end}</p>"
    )


def _step(step: TreeStep) -> str:
    answer = {True: "yes", False: "no", None: "unknown"}[step.answer]
    checks = "; ".join(_check(c) for c in step.checks)
    return f"{escape(step.question)} <b>{answer}</b> <small>({checks})</small>"


def _counterfactuals(d: Diagnosis) -> str:
    if not d.counterfactuals:
        return ""
    rows = [
        _row(f"<code>{escape(c.rule)}</code>", escape(change_text(c))) for c in d.counterfactuals
    ]
    table = _table(("rule", "stops firing with"), rows)
    return f"<h4 style='margin:8px 0 2px'>What would clear it</h4>{table}"


def _open(d: Diagnosis) -> str:
    if not d.undetermined:
        return ""
    items = "".join(
        f"<li><code>{escape(u.rule)}</code> ({escape(u.gap)}): "
        f"{escape('collect ' + ', '.join(u.needs) if u.needs else 'a value was undefined')}</li>"
        for u in d.undetermined
    )
    return f"<h4 style='margin:8px 0 2px'>Still open</h4><ul style='margin:2px 0'>{items}</ul>"


register_renderer("html", to_html)
