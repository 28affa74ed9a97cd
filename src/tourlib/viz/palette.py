"""Class colours shared by every figure (Python and, via the figure data, the browser)."""

from __future__ import annotations

#: Ten distinguishable colours (Tableau 10), one per class, in label order.
CLASS_COLORS: tuple[str, ...] = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
)


def class_colors(n: int) -> list[str]:
    """``n`` class colours; beyond ten, Bokeh's Category20 then a cycle."""
    if n <= len(CLASS_COLORS):
        return list(CLASS_COLORS[:n])
    from bokeh.palettes import Category20_20

    return [Category20_20[i % 20] for i in range(n)]
