"""Training-curve and bar-chart builders: one renderer per series, bad shapes refused."""

import numpy as np
import pytest
from bokeh.models import GlyphRenderer, Legend

from tourlib.viz.curves import bar_chart, class_curves, line_chart


def test_line_chart_has_a_line_and_legend_item_per_series():
    p = line_chart(np.arange(4), {"train": [1, 0.5, 0.3, 0.2], "test": [1, 0.6, 0.5, 0.5]}, colors=["red", "blue"])
    lines = [r for r in p.renderers if isinstance(r, GlyphRenderer) and type(r.glyph).__name__ == "Line"]
    assert len(lines) == 2
    legend = p.select_one(Legend)
    assert [i.label["value"] for i in legend.items] == ["train", "test"] and legend.click_policy == "hide"


def test_class_curves_one_line_per_class():
    p = class_curves(np.random.default_rng(0).uniform(size=(5, 3)), ["a", "b", "c"])
    assert len(p.select_one(Legend).items) == 3


def test_shapes_are_checked():
    with pytest.raises(ValueError):
        line_chart(np.arange(3), {"a": [1, 2]})
    with pytest.raises(ValueError):
        class_curves(np.zeros((4, 2)), ["a", "b", "c"])
    with pytest.raises(ValueError):
        bar_chart(["a", "b"], [1.0])


def test_bar_chart_builds():
    p = bar_chart(["PC1", "PC2"], [0.7, 0.2], labels=["70 %", "20 %"])
    assert list(p.x_range.factors) == ["PC1", "PC2"]
