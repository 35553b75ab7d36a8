"""Rich display: the HTML and Markdown a notebook shows for a Diagnosis."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from gapdiag import Diagnosis, diagnose, diagnose_many

from .conftest import example


class _Collect(HTMLParser):
    """Collect the text and the tags of an HTML fragment, checking tags are balanced."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)
        if tag not in ("br", "col"):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    """Parse an HTML fragment; fail on unbalanced tags."""
    collected = _Collect()
    collected.feed(html)
    collected.close()
    assert collected.stack == []
    return collected


def test_html_shows_bars_evidence_thresholds_and_tree() -> None:
    """Confidence bars per judged gap, evidence in words, the tree; rule ids folded away."""
    result = diagnose(example("will-rep"))
    html = result._repr_html_()
    page = parse(html)
    text = " ".join(page.text)
    assert "Diagnosis for rep-will-01" in text
    assert "Primary gap: will (confirmed, 98.8%)" in text
    widths = re.findall(r"width:([\d.]+)%;height:8px", html)
    assert sorted(float(w) for w in widths) == sorted(
        round(v.confidence * 100, 1) for v in result.verdicts if v.status != "unknown"
    )
    assert "calls against plan: 35% (rule: under 50%): holds" in text
    assert "What to do first" in text
    assert "Key numbers" in text
    assert "Decision tree" in text
    assert result.tree_path[0].question in text
    assert re.search(r"Ends at\s+Will", text)
    shown, folded = html.split("<details", 1)
    assert "activity-low-calls-normal-leads" not in shown  # rule ids only for rule authors
    assert "activity-low-calls-normal-leads" in folded
    assert "For rule authors" in folded
    assert not re.search(r"[+-]0\.\d\d", shown)  # no raw rule weights
    assert "derived." not in shown


def test_user_strings_are_escaped() -> None:
    """A rep id with markup shows as text and injects no tag."""
    rep = {**example("will-rep"), "rep_id": "<script>alert(1)</script>"}
    html = diagnose(rep)._repr_html_()
    page = parse(html)
    assert "script" not in page.tags
    assert "&lt;script&gt;" in html
    assert "Diagnosis for <script>alert(1)</script>" in "".join(page.text)


def test_html_lists_counterfactuals_open_rules_and_pip_block() -> None:
    """Counterfactuals, rules left open and the PIP block appear when present."""
    will = diagnose(example("will-rep"), counterfactuals=True)._repr_html_()
    assert "What would weaken it, not clear it" in will
    assert "14 → above 20 calls a day" in will
    system = diagnose(example("system-rep"))._repr_html_()
    assert "no PIP may be considered while it stands" in system
    sparse = diagnose({"rep_id": "r", "activity": {"calls_per_day": 12}})._repr_html_()
    assert "Not judged yet: data to collect" in sparse
    assert "Lead volume against the team: would decide" in sparse
    assert "Stops for lack of data: collect" in sparse
    assert "not judged (needs " in sparse
    assert " 0%" not in sparse.split("<details")[0]  # open gaps never read as 0%


def test_no_evidence_says_so() -> None:
    """A rep no rule fires on shows 'No rule fired.' instead of an empty table."""
    html = diagnose({"rep_id": "r"})._repr_html_()
    assert "No rule fired." in html


def test_markdown_is_the_markdown_explanation() -> None:
    """_repr_markdown_ is explain(fmt='markdown'), with the tree path."""
    result: Diagnosis = diagnose(example("skill-rep"))
    markdown = result._repr_markdown_()
    assert markdown == result.explain(fmt="markdown")
    assert markdown.startswith("# Diagnosis for rep-skill-01")
    assert "## Decision tree" in markdown


def test_the_numbers_say_the_coverage_needed_once() -> None:
    """With a win rate, 'coverage needed' equals what the win rate requires: one line, not two.

    Without one, the 3x rule of thumb is the only coverage needed, and it is shown.
    """
    text = diagnose(example("will-rep")).to_text()
    assert "Coverage the win rate requires (1 / win rate): 3.7\u00d7" in text
    assert "Coverage needed (1 / win rate, else 3x)" not in text
    rep = example("will-rep")
    del rep["pipeline"]["win_rate"]
    text = diagnose(rep).to_text()
    assert "Coverage needed (1 / win rate, else 3x): 3.0\u00d7" in text
    assert "Coverage the win rate requires" not in text
    with_both = diagnose(example("will-rep"))
    names = {figure.name for figure in with_both.numbers}
    assert {"derived.coverage_needed", "derived.required_coverage"} <= names  # JSON keeps both


def test_a_number_whose_name_says_its_unit_is_shown_bare() -> None:
    """'Calls per meeting: 35', not '35 calls per meeting' after the same words."""
    text = diagnose(example("will-rep")).to_text()
    assert "- Calls per meeting: 35\n" in text
    assert "Gap to goal (quota - closed won - commit): $100,000" in text


def test_every_part_of_a_diagnosis_shows_in_words() -> None:
    """Verdicts, evidence, checks, open rules, tree parts, counterfactuals, figures, traces."""
    from gapdiag.engines.compiled import trace

    result = diagnose(example("will-rep"), counterfactuals=True)
    sparse = diagnose(example("ambiguous-rep"))
    found = [
        result.verdicts[0],
        result.verdicts[0].evidence[0],
        result.verdicts[0].evidence[0].checks[0],
        result.tree_path[0],
        result.tree_leaf,
        result.counterfactuals[0],
        result.counterfactuals[0].changes[0],
        result.numbers[0],
        result.rulebook,
        sparse.undetermined[0],
        sparse.tree_stop,
        next(v for v in sparse.verdicts if v.status == "unknown"),
        *trace(example("will-rep"))[:2],
        result.standing,
    ]
    thin = diagnose({**example("will-rep"), "pipeline": {"win_rate": 0.2, "closed_deals": 2}})
    found += [*thin.set_aside, *thin.thin]
    ahead = diagnose(example("healthy-rep"))
    found += list(ahead.watch)
    from gapdiag import load_rules

    rule_ids = {rule.id for rule in load_rules().rules}
    for part in found:
        assert part is not None
        html = part._repr_html_()
        text = " ".join(parse(html).text)
        assert text.strip()
        assert "=" not in text.replace("(rule:", ""), text  # no field=value repr
        assert not [r for r in rule_ids if r in text], text  # rule ids are for rule authors


def test_a_pack_without_a_tree_and_a_rep_with_all_data() -> None:
    """No tree gives no tree section; nothing left open gives no 'not judged' list."""
    from gapdiag import load_rules, what_if

    bare = load_rules().model_copy(update={"tree": None})
    html = diagnose(example("will-rep"), rules=bare)._repr_html_()
    assert "Decision tree" not in html
    complete = example("healthy-rep")
    complete["territory"]["stage_definitions_ok"] = True
    paths = ("activity.meeting_to_opportunity_rate", "pipeline.stage_conversion_rate")
    paths += ("pipeline.sales_cycle_days", "pipeline.avg_deal_age_days")
    team = {"median": dict.fromkeys(paths, 1.0)}
    assert "Not judged yet" not in diagnose(complete, rules=bare, team=team)._repr_html_()
    shift = what_if(example("will-rep"), {"activity.calls_per_day": 40}).shifts[0]
    assert shift.words() in shift._repr_html_()


def test_a_batch_displays_in_the_pages_words() -> None:
    """A batch shows where reps stand, what was found and its first rows, in words.

    No raw status, standing or outcome code; a gap missing data left open reads 'not
    judged'; input text is escaped; pandas and polars frames display alike.
    """
    import pytest

    pd = pytest.importorskip("pandas")
    from gapdiag import diagnose_many
    from gapdiag.notebook.population import PREVIEW_ROWS

    from .conftest import EXAMPLES

    frame = pd.read_csv(EXAMPLES / "team.csv")
    frame.loc[0, "rep_id"] = "<b>east-01</b>"
    html = diagnose_many(frame)._repr_html_()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "28 of 28 rows diagnosed" in text
    assert "Standing unknown" in text
    assert "On track" in text
    assert "No gap found" in text
    assert "Will gap" in text
    assert "not judged" in text
    assert "&lt;b&gt;east-01&lt;/b&gt;" in html
    for raw in ("on_track", "no_gap_found", ">unknown", ">none<", ".status"):
        assert raw not in html
    assert html.count("<tr>") == (1 + 4) + (1 + 4 + 2) + (1 + PREVIEW_ROWS)
    empty = diagnose_many(pd.DataFrame({"rep_id": ["a"], "pipeline.win_rate": [25.0]}))
    assert "0 of 1 rows diagnosed, 1 bad row left out" in empty._repr_html_()
    assert "First" not in empty._repr_html_()
    polars = pytest.importorskip("polars")
    assert diagnose_many(polars.from_pandas(frame))._repr_html_() == html


def test_an_empty_batch_says_so_without_empty_lists() -> None:
    """No rows: the summary ends at its count, no ': ; ;' of empty lists."""
    said = repr(diagnose_many([]))
    assert "0 of 0 rows diagnosed;" in said
    assert ": ;" not in said
    assert "; ;" not in said
