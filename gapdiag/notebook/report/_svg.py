"""Small inline graphics: trend sparklines (SVG) and confidence bars, each with a text twin.

Every graphic carries its meaning as text too (an ``aria-label``, a ``<title>`` and the
number beside it), so colour and shape are never the only signal and a screen reader or a
black-and-white print loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH = 96
HEIGHT = 24
_PAD = 3.0


def sparkline(points: Sequence[tuple[int, float]], *, target: float | None, text: str) -> str:
    """An inline SVG line of (week, value) points with a dashed target line; `text` says it."""
    label = escape(text, quote=True)
    if not points:
        return f'<span class="muted">{label}</span>'
    values = [v for _, v in points] + ([target] if target is not None else [])
    low, high = min(values), max(values)
    span = high - low or 1.0
    first, last = points[0][0], points[-1][0]
    weeks = last - first or 1

    def x(week: int) -> float:
        return _PAD + (WIDTH - 2 * _PAD) * (week - first) / weeks

    def y(value: float) -> float:
        return HEIGHT - _PAD - (HEIGHT - 2 * _PAD) * (value - low) / span

    line = " ".join(f"{x(w):.1f},{y(v):.1f}" for w, v in points)
    parts = [
        f'<svg class="spark" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{label}"><title>{label}</title>'
    ]
    if target is not None:
        ty = f"{y(target):.1f}"
        parts.append(f'<line class="goal" x1="0" x2="{WIDTH}" y1="{ty}" y2="{ty}"/>')
    if len(points) > 1:
        parts.append(f'<polyline points="{line}"/>')
    lx, ly = x(points[-1][0]), y(points[-1][1])
    parts.append(f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="2.5"/></svg>')
    return "".join(parts)


def bar_cell(share: float, css: str, text: str) -> str:
    """A table cell with `text` over a bar filled to `share` (0..1), drawn by the stylesheet.

    The bar is a background (a few bytes per row, which matters at 5,000 reps); the number
    is the cell's text, so the bar is never the only signal.
    """
    width = round(max(0.0, min(share, 1.0)) * 100, 1)
    return f'<td class="n cb {css}" style="--w:{width:g}%">{text}</td>'
