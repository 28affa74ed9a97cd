"""No figure of the book takes the mouse wheel: over a plot, the wheel scrolls the page (zoom is a tool to pick)."""

from __future__ import annotations

import numpy as np
from bokeh.models import Plot

from tourlib.viz import image_scatter
from tourlib.viz.curves import line_chart
from tourlib.viz.tour_figure import tour_figure


def plots(layout):
    return [m for m in layout.references() if isinstance(m, Plot)]


def test_no_plot_has_an_active_scroll_tool():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 40)
    X = rng.normal(size=(40, 4))
    images = rng.integers(0, 255, size=(40, 8, 8), dtype=np.uint8)
    figures = [tour_figure(X, y, autoplay=False), image_scatter(X[:, :2], y, images, ["a", "b", "c"]),
               line_chart(np.arange(5), {"loss": np.linspace(1, 0, 5)})]
    for fig in figures:
        for p in plots(fig):
            assert p.toolbar.active_scroll is None, f"{p} captures the wheel"
