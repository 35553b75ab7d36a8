"""The installed gapdiag's version, from the package metadata (one source for the CLI and API)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

UNKNOWN = "0+unknown"
"""The version of a checkout on sys.path that was never installed (no metadata to read)."""


def package_version() -> str:
    """The installed distribution's version, or UNKNOWN when it is not installed."""
    try:
        return version("gapdiag")
    except PackageNotFoundError:
        return UNKNOWN
