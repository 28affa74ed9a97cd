"""A labelled heat map of a matrix (e.g. layer-by-layer similarity), with the value on hover."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, LinearColorMapper
from bokeh.plotting import figure

__all__ = ["similarity_heatmap"]


def similarity_heatmap(matrix, rows: Sequence[str], cols: Sequence[str], *, title: str = "",
                       x_label: str = "", y_label: str = "", value_name: str = "value",
                       low: float = 0.0, high: float = 1.0, width: int = 460, height: int = 420):
    """Cell ``(i, j)`` coloured by ``matrix[i, j]`` (``rows[i]`` down the side, ``cols[j]`` along the bottom).

    The figure scales to its column (``sizing_mode="scale_width"``) and takes no scroll
    gestures; hovering a cell shows its two labels and value.
    """
    m = np.asarray(matrix, dtype=float)
    rows, cols = [str(r) for r in rows], [str(c) for c in cols]
    if m.shape != (len(rows), len(cols)):
        raise ValueError(f"matrix is {m.shape} but there are {len(rows)} row and {len(cols)} column labels")
    ii, jj = np.meshgrid(np.arange(len(rows)), np.arange(len(cols)), indexing="ij")
    src = ColumnDataSource({"row": [rows[i] for i in ii.ravel()], "col": [cols[j] for j in jj.ravel()],
                            "value": m.ravel(), "text": [f"{v:.2f}" for v in m.ravel()]})
    mapper = LinearColorMapper(palette="Viridis256", low=low, high=high)
    p = figure(title=title, x_range=cols, y_range=list(reversed(rows)), width=width, height=height,
               tools="", toolbar_location=None, sizing_mode="scale_width",
               x_axis_label=x_label, y_axis_label=y_label)
    p.rect("col", "row", 1, 1, source=src, fill_color={"field": "value", "transform": mapper}, line_color=None)
    p.text("col", "row", text="text", source=src, text_align="center", text_baseline="middle",
           text_font_size="8pt", text_color="white")
    p.add_tools(HoverTool(tooltips=[(y_label or "row", "@row"), (x_label or "column", "@col"),
                                    (value_name, "@value{0.00}")]))
    p.xaxis.major_label_orientation = 0.9
    p.grid.visible = False
    return p
