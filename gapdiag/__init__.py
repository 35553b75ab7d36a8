"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out."""

from .batch import Batch, Summary, diagnose_many
from .catalog import rule_catalog
from .changes import MetricChange
from .diagnosis import (
    Check,
    Counterfactual,
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
from .engine import diagnose, trace
from .errors import (
    BackendUnavailable,
    ExpressionError,
    GapdiagError,
    InvalidArgument,
    InvalidMetrics,
    Problem,
    RuleFileError,
)
from .escalation import Escalation, escalate
from .examples import ExampleResult, run_examples
from .explain import explain
from .gaps import GAPS, Gap, Status
from .history import RepHistory, Trend, history_from_rows, read_history_csv
from .interventions import Drill, Interventions, load_interventions
from .metrics import RepMetrics, Targets
from .pack_diff import PackDiff, diff_packs
from .plan import CoachingPlan, plan
from .playbook import Focus, Goal
from .plots import plot_leading_indicators, plot_team_heatmap
from .rule import Example, Rule
from .rulebook import Rulebook, load_rules
from .scorecard import Scorecard
from .team import TeamStats
from .tree import DecisionTree, Leaf, Question
from .verify import Finding, check_pack, verify_pack
from .whatif import VerdictShift, WhatIf, what_if

__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Batch",
    "Check",
    "CoachingPlan",
    "Counterfactual",
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
    "MetricChange",
    "PackDiff",
    "Problem",
    "Question",
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
    "TreeLeaf",
    "TreeStep",
    "TreeStop",
    "Trend",
    "Undetermined",
    "Verdict",
    "VerdictShift",
    "WhatIf",
    "check_pack",
    "diagnose",
    "diagnose_many",
    "diff_packs",
    "escalate",
    "explain",
    "history_from_rows",
    "load_interventions",
    "load_rules",
    "plan",
    "plot_leading_indicators",
    "plot_team_heatmap",
    "read_history_csv",
    "rule_catalog",
    "run_examples",
    "trace",
    "verify_pack",
    "what_if",
]
