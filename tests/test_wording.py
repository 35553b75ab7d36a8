"""Everything a person reads speaks their language: no metric paths, None, nan or doubled units.

Every human-facing output is rendered for every example rep (explanations, HTML, plans,
what-ifs, a batch, the CLI, plot labels). JSON and the folded "For rule authors" part keep
their paths and are left out.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gapdiag import diagnose, diagnose_many, plan, read_history_csv, what_if
from gapdiag.cli import main
from gapdiag.model import labels
from gapdiag.model.diagnosis import Check
from gapdiag.model.metrics import RepMetrics
from gapdiag.model.wording import _PATH, check_text, day, humanize, period

from .conftest import EXAMPLES, example
from .strategies import reps

REPS = sorted(p.stem for p in EXAMPLES.glob("*-rep.json"))
START = dt.date(2026, 10, 5)
PATH = re.compile(
    r"\b(activity|pipeline|calls|ownership|territory|knowledge|derived|target|team)\.[a-z_]+"
)
NOUNS = sorted(
    {
        lab.unit
        for lab in labels.LABELS.values()
        if " " in lab.unit or lab.unit in ("days", "minutes", "seconds", "months")
    }
)
DOUBLED = [
    re.compile(rf"[%{labels.TIMES}]\s*[%{labels.TIMES}]"),
    re.compile(r"\$\s*\$"),
    re.compile(r"(?<![\d.,])1 (hours|calls|emails|meetings|days|minutes|seconds|months|weeks)\b"),
    *(re.compile(rf"\b{re.escape(u)}\s+{re.escape(u)}\b") for u in NOUNS),
]
ARTICLE = re.compile(r"\b[Aa] \$?(?:8|1[18](?!\d))")
"""'a' before a number said with a vowel sound: 'a 18% win rate', 'a $80,000 quota'."""
_TECHNICAL = re.compile(
    r"<details[^>]*><summary>For rule authors</summary>.*?</details>", re.DOTALL
)


def problems(text: str) -> list[str]:
    """What in a human-facing text is not in a manager's words."""
    found = [m.group(0) for m in PATH.finditer(text)]
    found += re.findall(r"\bNone\b|(?i:\bnan\b)", text)
    found += [m.group(0) for pattern in DOUBLED for m in pattern.finditer(text)]
    found += [m.group(0) for m in ARTICLE.finditer(text)]
    return found


def cli(*argv: str) -> str:
    """Run the command line in-process and return what it printed."""
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) in (0, 1), err.getvalue()
    return out.getvalue()


def outputs(name: str) -> Iterator[tuple[str, str]]:
    """(what, text) for every human-facing rendering of one example rep."""
    rep = example(name)
    result = diagnose(rep, counterfactuals=True)
    yield "to_text", result.to_text()
    yield "to_markdown", result.to_markdown()
    yield "html", _TECHNICAL.sub("", result._repr_html_())
    history = read_history_csv(EXAMPLES / "weeks.csv") if name == "will-rep" else None
    coaching = plan(rep, start=START, history=history)
    yield "plan text", coaching.to_text()
    yield "plan markdown", coaching.to_markdown()
    yield "plan html", coaching._repr_html_()
    change = what_if(rep, {"activity.calls_per_day": 40, "target.calls_per_day": 35})
    yield "what-if text", change.to_text()
    yield "what-if markdown", change.to_markdown()
    yield "what-if html", change._repr_html_()
    assert change._repr_markdown_() == change.to_markdown()
    assert coaching._repr_markdown_() == coaching.to_markdown()
    path = str(EXAMPLES / f"{name}.json")
    yield "cli diagnose", cli("diagnose", path)
    yield "cli diagnose markdown", cli("diagnose", path, "--markdown")
    yield "cli plan", cli("plan", path, "--start", str(START))


@pytest.mark.parametrize("name", REPS)
def test_every_output_speaks_a_managers_language(name: str) -> None:
    """No metric path, None, nan or doubled unit in anything a person reads about a rep."""
    for what, text in outputs(name):
        assert problems(text) == [], f"{name} {what}"


def test_a_batch_and_its_cli_summary_speak_plainly(tmp_path: Path) -> None:
    """A population's HTML and the CLI's summary table name no paths and show no nan."""
    batch = diagnose_many(EXAMPLES / "weeks.csv")
    assert problems(batch._repr_html_()) == []
    out = cli("diagnose", str(EXAMPLES / "weeks.csv"), "--out", str(tmp_path / "out.csv"))
    assert problems(out) == []


def test_plot_labels_are_labels() -> None:
    """Axis titles, legends and ticks of both plots read as labels, not paths."""
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from gapdiag import plot_leading_indicators, plot_team_heatmap

    figures = [
        plot_leading_indicators(read_history_csv(EXAMPLES / "weeks.csv")),
        plot_team_heatmap([diagnose(example(n)) for n in REPS]),
    ]
    for figure in figures:
        figure.canvas.draw()
        texts = " | ".join(t.get_text() for t in figure.findobj(Text))
        assert problems(texts) == [], texts


def test_the_checker_catches_what_it_should() -> None:
    """The test's own detector finds paths, None, nan and doubled units (it can fail)."""
    assert problems("derived.calls_vs_plan from 35%") == ["derived.calls_vs_plan"]
    assert problems("was None, then nan") == ["None", "nan"]
    assert problems(f"14 calls a day calls a day; 3.0{labels.TIMES}%; 1 hours") != []


def test_goal_reads_in_calls_a_day_on_a_working_day() -> None:
    """The issue's goal: calls a day, not a share of plan; a Friday, not a Sunday."""
    coaching = plan(example("will-rep"), start=dt.date(2026, 10, 5))
    assert coaching.focus is not None
    goal = coaching.focus.goal
    assert goal is not None
    assert goal.text == "14 → 40 calls a day by Fri 27 Nov (week 8)"
    assert goal.by_date == dt.date(2026, 11, 27)
    assert goal.metric == "derived.calls_vs_plan"  # the path stays in JSON


def test_plan_now_agrees_between_sections() -> None:
    """With a history, the goal, the indicators and the GROW numbers all read the period's
    figures (as diagnosed); the latest week is named beside them, and the trends run over
    the weeks."""
    history = read_history_csv(EXAMPLES / "weeks.csv")
    text = plan(example("will-rep"), start=dt.date(2026, 8, 17), history=history).to_text()
    assert "Goal: 14 → 40 calls a day" in text
    assert "Calls a day: now 14 over the period (latest week 31), target 40" in text
    assert "Reality: 14 calls a day against a plan of 40: 35% of plan." in text
    assert "14 → 31 over 5 recorded weeks (target 40" in text
    assert "31 → 40" not in text


def test_checks_read_true_and_symbols_once() -> None:
    """A check that came out false is shown the way round that is true; no unit twice."""
    check = Check(
        text="derived.calls_vs_plan >= 0.8",
        observed="derived.calls_vs_plan",
        op=">=",
        threshold="0.8",
        observed_value=0.2466,
        threshold_value=0.25,
        result=False,
        distance=None,
    )
    assert check_text(check) == "calls against plan 24.7% < 25%"
    calls = check.model_copy(
        update={
            "observed": "activity.calls_per_day",
            "observed_value": 14.0,
            "threshold_value": 25.0,
        }
    )
    assert check_text(calls) == "14 < 25 calls a day"


def test_a_step_says_what_it_lacks_and_each_check_once() -> None:
    """A team comparison without the team's median names what is missing, not the rep's
    value as unknown; a comparison a tree question reads twice is said once."""
    from gapdiag.notebook import signs

    team = Check(
        text="pipeline.stage_conversion_rate < 0.8 * team.median.pipeline.stage_conversion_rate",
        observed="pipeline.stage_conversion_rate",
        op="<",
        threshold="0.8 * team.median.pipeline.stage_conversion_rate",
        observed_value=0.38,
        threshold_value=None,
        result=None,
        distance=None,
    )
    quiz = Check(
        text="knowledge.product_quiz_score >= target.product_quiz_score",
        observed="knowledge.product_quiz_score",
        op=">=",
        threshold="target.product_quiz_score",
        observed_value=0.92,
        threshold_value=0.8,
        result=True,
        distance=0.12,
    )
    words = signs.checks_words((quiz, team, quiz))
    assert words == (
        "product quiz score: 92% (rule: at least 80%): holds; "
        "deals advancing a stage: 38%, against the team median: not known (no team median)"
    )
    missing = team.model_copy(update={"observed_value": None})
    assert signs.check_words(missing) == "deals advancing a stage: no data"
    text = diagnose(example("healthy-rep")).explain()
    assert "38%: not known" not in text


def test_an_undecided_rep_is_told_what_to_collect_first_in_a_short_list() -> None:
    """With every gap open, the headline names the data the tree needs next; 'Still open'
    lists the most needed data and counts the rest, truthfully."""
    d = diagnose(example("coverage-rep"))
    text = d.explain()
    head = text.splitlines()[2]
    assert head.endswith(
        "Collect calls a day and meetings booked a week first: the decision tree cannot go on "
        "without them."
    )
    lines = text.split("Still open: data that would decide more rules:\n")[1].split("\n\n")[0]
    items = lines.splitlines()
    assert len(items) == 9
    rest = re.fullmatch(
        r"- and (\d+) more, each needed by (\d+) rules or fewer \(the JSON output lists them all\)",
        items[-1],
    )
    assert rest is not None
    shown = [int(re.search(r"needed by (\d+) rule", item)[1]) for item in items[:-1]]  # type: ignore[index]
    assert shown == sorted(shown, reverse=True)
    assert int(rest[2]) <= shown[-1]
    assert (
        int(rest[1])
        == len({p for u in d.undetermined for p in u.needs if not p.startswith("team.")})
        + any(all(p.startswith("team.") for p in u.needs) for u in d.undetermined)
        - 8
    )


def test_dates_and_free_text() -> None:
    """Dates read as people write them; paths inside free text become labels."""
    assert day(dt.date(2026, 11, 27)) == "Fri 27 Nov"
    assert period(dt.date(2026, 7, 1), dt.date(2026, 9, 30)) == "1 Jul to 30 Sep 2026"
    assert period(dt.date(2025, 12, 1), dt.date(2026, 1, 30)) == "1 Dec 2025 to 30 Jan 2026"
    assert period(None, dt.date(2026, 1, 30)) == ""
    assert humanize("collect territory.lead_volume_vs_team, e.g. now") == (
        "collect lead volume against the team, e.g. now"
    )


def test_markdown_titles_escape_the_rep_id() -> None:
    """A rep id with Markdown specials shows as written in a diagnosis and a plan."""
    rep = {**example("will-rep"), "rep_id": "rep_*1*"}
    assert "Diagnosis for rep\\_\\*1\\*" in diagnose(rep).to_markdown()
    assert "Coaching plan for rep\\_\\*1\\*" in plan(rep, start=START).to_markdown()
    assert "Coaching plan for rep_*1*" in plan(rep, start=START).to_text()


@settings(max_examples=60, deadline=None)
@given(reps())
def test_no_number_follows_the_wrong_article(rep: RepMetrics) -> None:
    """Whatever the figures, no sentence reads 'a 18%' or 'a $80,000': a number said with a
    vowel sound never follows 'a' (the texts put numbers where no article is needed)."""
    assert ARTICLE.findall(diagnose(rep).to_text()) == []


def test_the_article_check_catches_what_it_should() -> None:
    """The check flags 'a 18% win rate' and 'a $80,000 quota', not 'a 1:1' or 'a 110-day'."""
    assert ARTICLE.findall("at a 18% win rate, of a $80,000 quota, a 11.5 score") == [
        "a 18",
        "a $8",
        "a 11",
    ]
    assert ARTICLE.findall("a 1:1, a 110-day cycle, a 180-call week, a 1.8x ratio") == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [*labels.LABELS, "tenure_months", "a", "_", "z", "é", ".", " ", "1", "3.5", "x.y", "$"]
        ),
        max_size=12,
    ).map("".join)
)
def test_humanize_skips_only_texts_without_paths(text: str) -> None:
    """The quick check before the regular expression never skips a text it would change."""
    expected = _PATH.sub(
        lambda m: labels.LABELS[m.group(0)].label if m.group(0) in labels.LABELS else m.group(0),
        text,
    )
    assert humanize(text) == expected
