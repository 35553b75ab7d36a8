"""The public API is small, declared, importable and frozen."""

from __future__ import annotations

import pydantic
import pytest

import gapdiag


def test_all_is_sorted_and_importable() -> None:
    """__all__ is sorted and every name in it exists."""
    assert gapdiag.__all__ == sorted(gapdiag.__all__)
    for name in gapdiag.__all__:
        assert hasattr(gapdiag, name), name


@pytest.mark.parametrize(
    "model",
    [
        getattr(gapdiag, n)
        for n in gapdiag.__all__
        if isinstance(getattr(gapdiag, n), type)
        and issubclass(getattr(gapdiag, n), pydantic.BaseModel)
    ],
)
def test_every_public_model_is_frozen_and_strict(model: type[pydantic.BaseModel]) -> None:
    """Every public pydantic model is frozen and forbids unknown fields."""
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"


def test_errors_share_one_base() -> None:
    """Every exception gapdiag raises derives from GapdiagError."""
    for name in (
        "InvalidMetrics",
        "RuleFileError",
        "ExpressionError",
        "BackendUnavailable",
        "InvalidArgument",
    ):
        assert issubclass(getattr(gapdiag, name), gapdiag.GapdiagError)


def test_importing_gapdiag_does_not_import_durable_rules() -> None:
    """durable-rules loads only when engine='durable' is asked for."""
    import subprocess
    import sys

    code = "import sys, gapdiag; print('durable' in sys.modules or 'durable.lang' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_importing_gapdiag_does_not_import_dataframe_libraries() -> None:
    """numpy, pandas and polars load only when a batch is diagnosed."""
    import subprocess
    import sys

    code = (
        "import sys, gapdiag; "
        "print(sorted(m for m in ('numpy', 'pandas', 'polars', 'pyarrow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("call", "given", "named"),
    [
        (gapdiag.load_rules, 3, "path: int 3 is not a rule pack folder or rule file"),
        (gapdiag.load_rules, b"rules", "path: bytes b'rules' is not a rule pack"),
        (gapdiag.explain, None, "diagnosis: NoneType is not a Diagnosis"),
        (gapdiag.explain, {"rep_id": "a"}, "diagnosis: dict is not a Diagnosis"),
    ],
)
def test_a_wrong_type_gets_one_clear_error(call: object, given: object, named: str) -> None:
    """A value of the wrong type passed to the API is named with what was expected, not
    met by an AttributeError or TypeError from deep inside."""
    assert callable(call)
    with pytest.raises(gapdiag.InvalidArgument, match=named.replace("(", r"\(")):
        call(given)
