"""tourlib.viz.heatmap.run_heatmap: one cell per finite value, rows top-down, responsive, shapes checked."""

import numpy as np
import pytest
from bokeh.models import ColorBar, HoverTool, Rect

from tourlib.viz.heatmap import run_heatmap


def test_one_cell_per_finite_value_and_rows_from_the_top():
    v = np.array([[0, 1, 2], [3, np.nan, 0]])
    p = run_heatmap(v, row_labels=["seed 0", "seed 1"], cell_text=[["a", "b", "c"], ["d", "e", "f"]])
    r = [r for r in p.renderers if isinstance(r.glyph, Rect)][0]
    data = r.data_source.data
    assert len(data["value"]) == 5                     # the NaN cell is blank
    assert list(p.y_range.factors) == ["seed 1", "seed 0"]   # categorical axes go bottom-up: row 0 on top
    assert "e" not in list(data["text"]) and p.sizing_mode == "stretch_width"
    assert p.select_one(ColorBar).color_mapper.high == 3
    assert any(t[1] == "@text" for t in p.select_one(HoverTool).tooltips)


def test_no_wheel_or_drag_tools():
    p = run_heatmap(np.zeros((2, 2)), row_labels=["a", "b"])
    names = {type(t).__name__ for t in p.tools}
    assert not names & {"WheelZoomTool", "PanTool", "BoxZoomTool"}


def test_shapes_are_checked():
    with pytest.raises(ValueError, match="row label"):
        run_heatmap(np.zeros((2, 3)), row_labels=["a"])
    with pytest.raises(ValueError, match="column value"):
        run_heatmap(np.zeros((2, 3)), row_labels=["a", "b"], columns=[0, 1])
    with pytest.raises(ValueError, match="cell_text"):
        run_heatmap(np.zeros((2, 3)), row_labels=["a", "b"], cell_text=[["x"]])
    with pytest.raises(ValueError, match="2-D"):
        run_heatmap(np.zeros(3), row_labels=["a"])
