"""Diagnose why a sales rep is behind: metrics in, explained gap verdicts out."""

from .diagnosis import (
    Check,
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
from .examples import ExampleResult, run_examples
from .explain import explain
from .gaps import GAPS, Gap, Status
from .metrics import RepMetrics, Targets
from .pack_diff import PackDiff, diff_packs
from .rulebook import Example, Rule, Rulebook, load_rules
from .tree import DecisionTree, Leaf, Question
from .verify import Finding, check_pack, verify_pack
from .walk import walk

__all__ = [  # noqa: RUF022 - plain sorted() order, pinned by tests/test_public_api.py
    "BackendUnavailable",
    "Check",
    "DecisionTree",
    "Diagnosis",
    "Evidence",
    "Example",
    "ExampleResult",
    "ExpressionError",
    "Finding",
    "GAPS",
    "Gap",
    "GapdiagError",
    "InvalidArgument",
    "InvalidMetrics",
    "Leaf",
    "PackDiff",
    "Problem",
    "Question",
    "RepMetrics",
    "Rule",
    "RuleFileError",
    "RuleTrace",
    "Rulebook",
    "RulebookStamp",
    "Status",
    "Targets",
    "TreeLeaf",
    "TreeStep",
    "TreeStop",
    "Undetermined",
    "Verdict",
    "check_pack",
    "diagnose",
    "diff_packs",
    "explain",
    "load_rules",
    "run_examples",
    "trace",
    "verify_pack",
    "walk",
]
