"""The pytest plugin: rule examples collected as test items, run with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

RULES = """\
- id: talks-too-much
  gap: skill
  certainty: 0.4
  when: calls.talk_ratio > 0.5
  because: "talk share {calls.talk_ratio}"
  examples:
    - given: {calls: {talk_ratio: 0.7}}
      fires: true
    - given: {calls: {talk_ratio: 0.55}}
      fires: false
"""


def _project(pytester: pytest.Pytester, rules: str = RULES) -> None:
    pytester.mkdir("rules")
    (pytester.path / "rules" / "pack.yaml").write_text('name: acme\nversion: "1"\n')
    (pytester.path / "rules" / "skill.rules.yaml").write_text(rules)


def test_examples_are_items_named_after_their_rule(pytester: pytest.Pytester) -> None:
    """A plain pytest collects one item per example: file::rule[index]."""
    _project(pytester)
    result = pytester.runpytest("--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "rules/skill.rules.yaml::talks-too-much[[]0[]]",
            "rules/skill.rules.yaml::talks-too-much[[]1[]]",
        ]
    )


def test_failing_example_shows_expected_got_and_explanation(pytester: pytest.Pytester) -> None:
    """The wrong example fails with expected vs got and the rule's trace; the other passes."""
    _project(pytester)
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*skill.rules.yaml:9: example talks-too-much[[]1[]]: expected fires: false, got: true",
            "talks-too-much (skill): fired - when: calls.talk_ratio > 0.5",
            "  calls.talk_ratio > 0.5: calls.talk_ratio = 0.55 > 0.5 -> true",
            "  because: talk share 55%",
        ]
    )


def test_pack_that_does_not_load_is_one_failing_item(pytester: pytest.Pytester) -> None:
    """A broken pack fails once per file with every load problem, instead of vanishing."""
    _project(pytester, RULES.replace("gap: skill", "gap: skil"))
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "rule pack does not load:",
            "*skill.rules.yaml:2: talks-too-much.gap: 'skil' is not one of*",
        ]
    )


def test_ini_option_turns_collection_off(pytester: pytest.Pytester) -> None:
    """`gapdiag_examples = false` in the ini file leaves rule files alone."""
    _project(pytester)
    pytester.makeini("[pytest]\ngapdiag_examples = false\n")
    result = pytester.runpytest()
    result.assert_outcomes()
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_collect_ignore_leaves_broken_fixtures_alone(pytester: pytest.Pytester) -> None:
    """Rule files kept broken on purpose are skipped with pytest's own collect_ignore."""
    _project(pytester, RULES.replace("gap: skill", "gap: skil"))
    pytester.makeconftest('collect_ignore = ["rules"]\n')
    pytester.makepyfile(test_other="def test_ok():\n    assert True\n")
    pytester.runpytest().assert_outcomes(passed=1)


def test_shipped_tree_examples_are_items(pytester: pytest.Pytester) -> None:
    """A tree file's questions and leaves each give one item per example."""
    from gapdiag.rulebook._resources import default_rules_dir

    pytester.mkdir("rules")
    for source in default_rules_dir().glob("*.yaml"):
        (pytester.path / "rules" / source.name).write_text(source.read_text())
    result = pytester.runpytest("--collect-only", "-q", "rules/diagnosis.tree.yaml")
    result.stdout.fnmatch_lines(
        [
            "rules/diagnosis.tree.yaml::volume[[]0[]]",
            "rules/diagnosis.tree.yaml::will-low-volume[[]0[]]",
        ]
    )
