"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out.

The core (diagnose, explain, the result and input models, rule packs) is imported with the
package. The playbook, populations, rules-CI, what-if and plotting names are imported on
first use (PEP 562), so ``import gapdiag`` stays fast; ``from gapdiag import X`` works
the same for both.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from gapdiag.engines.compiled import diagnose, trace
from gapdiag.model.diagnosis import (
    Check,
    Counterfactual,
    CounterfactualChange,
    Diagnosis,
    Evidence,
    RulebookStamp,
    RuleTrace,
    TreeLeaf,
    TreeStep,
    TreeStop,
    Undetermined,
    Verdict,
)
from gapdiag.model.errors import (
    BackendUnavailable,
    ExpressionError,
    GapdiagError,
    InvalidArgument,
    InvalidMetrics,
    Problem,
    RuleFileError,
)
from gapdiag.model.gaps import GAPS, Gap, Status
from gapdiag.model.labels import MetricLabel, label_of
from gapdiag.model.metrics import RepMetrics, Targets
from gapdiag.model.team import TeamStats
from gapdiag.notebook.explain import explain
from gapdiag.rulebook.pack import Rulebook, load_rules
from gapdiag.rulebook.rule import Example, Rule
from gapdiag.rulebook.tree import DecisionTree, Leaf, Question

if TYPE_CHECKING:  # pragma: no cover - type checkers see every name eagerly
    __version__: str
    from gapdiag.checks.catalog import rule_catalog
    from gapdiag.checks.examples import ExampleResult, run_examples
    from gapdiag.checks.pack_diff import PackDiff, diff_packs
    from gapdiag.checks.verify import Finding, check_pack, verify_pack
    from gapdiag.coaching.escalation import Escalation, escalate
    from gapdiag.coaching.history import RepHistory, history_from_rows, read_history_csv
    from gapdiag.coaching.log import CoachingLog, read_coaching_log
    from gapdiag.coaching.plan import CoachingPlan, plan
    from gapdiag.coaching.playbook import Focus, Goal
    from gapdiag.coaching.scorecard import Scorecard
    from gapdiag.coaching.trends import Trend
    from gapdiag.engines.vector.batch import Batch, Summary, diagnose_many
    from gapdiag.model.changes import MetricChange
    from gapdiag.notebook.plots import plot_leading_indicators, plot_team_heatmap
    from gapdiag.notebook.whatif import VerdictShift, WhatIf, what_if
    from gapdiag.rulebook.interventions import Drill, Interventions, load_interventions
    from gapdiag.sources.calls.aggregate import ListenPick, RepCalls
    from gapdiag.sources.calls.cues import TranscriptError
    from gapdiag.sources.calls.measure import CallMetrics
    from gapdiag.sources.calls.report import CallsReport, calls_frame, read_calls

_LAZY = {
    "Drill": "rulebook.interventions",
    "Interventions": "rulebook.interventions",
    "load_interventions": "rulebook.interventions",
    "Batch": "engines.vector.batch",
    "Summary": "engines.vector.batch",
    "diagnose_many": "engines.vector.batch",
    "rule_catalog": "checks.catalog",
    "MetricChange": "model.changes",
    "Escalation": "coaching.escalation",
    "escalate": "coaching.escalation",
    "ExampleResult": "checks.examples",
    "run_examples": "checks.examples",
    "RepHistory": "coaching.history",
    "Trend": "coaching.trends",
    "CoachingLog": "coaching.log",
    "read_coaching_log": "coaching.log",
    "history_from_rows": "coaching.history",
    "read_history_csv": "coaching.history",
    "PackDiff": "checks.pack_diff",
    "diff_packs": "checks.pack_diff",
    "CoachingPlan": "coaching.plan",
    "plan": "coaching.plan",
    "Focus": "coaching.playbook",
    "Goal": "coaching.playbook",
    "plot_leading_indicators": "notebook.plots",
    "plot_team_heatmap": "notebook.plots",
    "Scorecard": "coaching.scorecard",
    "Finding": "checks.verify",
    "check_pack": "checks.verify",
    "verify_pack": "checks.verify",
    "VerdictShift": "notebook.whatif",
    "WhatIf": "notebook.whatif",
    "what_if": "notebook.whatif",
    "TranscriptError": "sources.calls.cues",
    "CallMetrics": "sources.calls.measure",
    "CallsReport": "sources.calls.report",
    "ListenPick": "sources.calls.aggregate",
    "RepCalls": "sources.calls.aggregate",
    "calls_frame": "sources.calls.report",
    "read_calls": "sources.calls.report",
}


def __getattr__(name: str) -> Any:
    """Import a lazily exported name on first use."""
    if name == "__version__":  # read from the package metadata on first use
        from gapdiag.model.version import package_version

        globals()[name] = package_version()
        return globals()[name]
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gapdiag' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Every public name, imported or not yet."""
    return sorted(__all__)


__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Batch",
    "CallMetrics",
    "CallsReport",
    "Check",
    "CoachingLog",
    "CoachingPlan",
    "Counterfactual",
    "CounterfactualChange",
    "DecisionTree",
    "Diagnosis",
    "Drill",
    "Escalation",
    "Evidence",
    "Example",
    "ExampleResult",
    "ExpressionError",
    "Finding",
    "Focus",
    "GAPS",
    "Gap",
    "GapdiagError",
    "Goal",
    "Interventions",
    "InvalidArgument",
    "InvalidMetrics",
    "Leaf",
    "ListenPick",
    "MetricChange",
    "MetricLabel",
    "PackDiff",
    "Problem",
    "Question",
    "RepCalls",
    "RepHistory",
    "RepMetrics",
    "Rule",
    "RuleFileError",
    "RuleTrace",
    "Rulebook",
    "RulebookStamp",
    "Scorecard",
    "Status",
    "Summary",
    "Targets",
    "TeamStats",
    "TranscriptError",
    "TreeLeaf",
    "TreeStep",
    "TreeStop",
    "Trend",
    "Undetermined",
    "Verdict",
    "VerdictShift",
    "WhatIf",
    "calls_frame",
    "check_pack",
    "diagnose",
    "diagnose_many",
    "diff_packs",
    "escalate",
    "explain",
    "history_from_rows",
    "label_of",
    "load_interventions",
    "load_rules",
    "plan",
    "plot_leading_indicators",
    "plot_team_heatmap",
    "read_calls",
    "read_coaching_log",
    "read_history_csv",
    "rule_catalog",
    "run_examples",
    "trace",
    "verify_pack",
    "what_if",
]
