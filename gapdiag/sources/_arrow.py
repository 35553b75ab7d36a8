"""pyarrow and numpy, or one clear error naming the extra that installs them."""

from __future__ import annotations

from types import ModuleType

from gapdiag.model.errors import BackendUnavailable


def arrow() -> tuple[ModuleType, ModuleType, ModuleType, ModuleType]:
    """(pyarrow, pyarrow.compute, pyarrow.csv, numpy), imported on first use.

    Raises:
        BackendUnavailable: pyarrow or numpy is not installed.
    """
    try:
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.csv as pcsv
    except ImportError as error:
        raise BackendUnavailable(
            f"reading CRM exports needs {error.name}: pip install 'gapdiag[frames]'"
        ) from None
    return pa, pc, pcsv, np
