"""Where an outer room plugs in how a `Batch` renders itself (the team report, its display).

The engines room may not import the notebook room, so the notebook registers its renderer
here when imported; this module is tiny so registering costs nothing at ``import gapdiag``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from gapdiag.model.errors import BackendUnavailable

_RENDERERS: dict[str, Callable[..., str]] = {}


def register_renderer(name: Literal["html", "display"], render: Callable[..., str]) -> None:
    """Let an outer room render batches: `html` (the team report), `display` (notebooks)."""
    _RENDERERS[name] = render


def render(name: Literal["html", "display"], batch: Any, **options: Any) -> str:
    """Render `batch` with the registered renderer `name`.

    Raises:
        BackendUnavailable: no renderer of that name is registered.
    """
    renderer = _RENDERERS.get(name)
    if renderer is None:
        raise BackendUnavailable(f"no {name} renderer for batches is registered (import gapdiag)")
    return renderer(batch, **options)
