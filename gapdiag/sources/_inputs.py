"""What the export readers accept, named once (no third-party imports here)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

Rows = Iterable[Mapping[str, str]] | str | Path
"""A CSV path, or row mappings (header -> cell) already in memory."""
Progress = Callable[[str, int, int], None]
"""Called with (export name, bytes read, total bytes) after each block."""
