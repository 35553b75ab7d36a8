"""pyarrow and numpy, or one clear error naming the extra that installs them.

The export readers import both at module level; ``gapdiag.sources.ingest`` calls
``require_arrow`` before importing them, so the command line and the rest of gapdiag load
without them and ``ingest`` says what to install.
"""

from __future__ import annotations

import importlib.util

from gapdiag.model.errors import BackendUnavailable


def require_arrow() -> None:
    """Raise BackendUnavailable unless pyarrow and numpy can be imported."""
    for name in ("numpy", "pyarrow"):
        if importlib.util.find_spec(name) is None:
            raise BackendUnavailable(
                f"reading CRM exports needs {name}: pip install 'gapdiag[frames]'"
            )
