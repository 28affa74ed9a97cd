"""Heat maps: a grid chart of runs × epochs, and a labelled matrix such as layer-by-layer similarity.

:func:`run_heatmap` draws an ``R×C`` array of small integers or fractions (e.g. how many
classes are dead in run ``r`` after epoch ``c``) as coloured cells, with a hover readout
that can carry one text per cell. It stretches to the width of its column (any width from
360 px up) and does not capture the mouse wheel or touch scrolling. Show it with
:func:`tourlib.viz.show`.
"""

from __future__ import annotations

import json
from typing import Sequence

import numpy as np
from bokeh.models import BasicTicker, ColorBar, ColumnDataSource, CustomJS, HoverTool, LinearColorMapper, TapTool
from bokeh.plotting import figure

from .curves import _style

__all__ = ["run_heatmap", "similarity_heatmap"]

# white (0) to a deep red, light enough at 1 that a single dead class is visible
_REDS = ("#ffffff", "#fde0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d", "#a50f15", "#67000d")


def run_heatmap(values, *, row_labels: Sequence[str], columns=None, title: str = "", x_label: str = "epoch",
                y_label: str = "seed", value_label: str = "value", low: float = 0.0, high: float | None = None,
                palette: Sequence[str] = _REDS, cell_text=None, text_label: str = "",
                row_height: int = 13, min_height: int = 180):
    """Cells ``values[r, c]`` coloured from ``low`` (first palette colour) to ``high`` (last).

    Parameters
    ----------
    values : array R×C
        Row ``r`` is drawn from the top (row 0 first); NaN cells are left blank.
    row_labels : sequence of R str
        Names of the rows (e.g. seeds).
    columns : sequence of C numbers, optional
        The x value of each column (default ``0 .. C-1``, the snapshots).
    cell_text : array R×C of str, optional
        Extra hover text per cell (e.g. which classes are dead), shown as ``text_label``.
    high : float, optional
        Top of the colour scale (default: the largest value, at least ``low + 1``).

    Raises ``ValueError`` on mismatched shapes.
    """
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.size == 0:
        raise ValueError(f"values must be a non-empty 2-D array (rows × columns), got shape {v.shape}")
    R, C = v.shape
    rows = [str(r) for r in row_labels]
    if len(rows) != R:
        raise ValueError(f"need one row label per row ({R}), got {len(rows)}")
    xs = np.arange(C) if columns is None else np.asarray(columns, dtype=np.float64)
    if xs.shape != (C,):
        raise ValueError(f"need one column value per column ({C}), got shape {xs.shape}")
    texts = np.full((R, C), "", dtype=object) if cell_text is None else np.asarray(cell_text, dtype=object)
    if texts.shape != (R, C):
        raise ValueError(f"cell_text must have the shape of values {v.shape}, got {texts.shape}")
    if high is None:
        finite = v[np.isfinite(v)]
        high = max(float(finite.max()) if finite.size else low + 1, low + 1)
    rr, cc = np.meshgrid(np.arange(R), np.arange(C), indexing="ij")
    keep = np.isfinite(v).ravel()
    src = ColumnDataSource(dict(x=xs[cc.ravel()][keep], row=np.array(rows, dtype=object)[rr.ravel()][keep],
                                value=v.ravel()[keep], text=texts.ravel()[keep]))
    mapper = LinearColorMapper(palette=list(palette), low=low, high=high)
    step = float(np.min(np.diff(xs))) if C > 1 else 1.0
    p = figure(title=title, y_range=list(reversed(rows)), x_range=(xs[0] - step / 2, xs[-1] + step / 2),
               height=max(min_height, row_height * R + 90), sizing_mode="stretch_width", tools="save",
               toolbar_location="above", x_axis_label=x_label, y_axis_label=y_label)
    p.rect("x", "row", width=step, height=1, source=src, line_color="#eeeeee", line_width=0.5,
           fill_color={"field": "value", "transform": mapper})
    tips = [(y_label, "@row"), (x_label, "@x{0}"), (value_label, "@value{0.[00]}")]
    if cell_text is not None:
        tips.append((text_label or "note", "@text"))
    p.add_tools(HoverTool(tooltips=tips))
    bar = ColorBar(color_mapper=mapper, ticker=BasicTicker(desired_num_ticks=min(int(high - low) + 1, 6)),
                   title=value_label, title_text_font_size="11px", label_standoff=4, width=10,
                   location=(0, 0), orientation="vertical")
    p.add_layout(bar, "right")
    p.grid.visible = False
    p.axis.major_label_text_font_size = "10px"
    p.yaxis.major_label_text_font_size = "9px" if R > 15 else "10px"
    _style(p)
    return p


def similarity_heatmap(matrix, rows: Sequence[str], cols: Sequence[str], *, title: str = "",
                       x_label: str = "", y_label: str = "", value_name: str = "value",
                       low: float = 0.0, high: float = 1.0, width: int = 460, height: int = 420,
                       target: dict | None = None):
    """Cell ``(i, j)`` coloured by ``matrix[i, j]`` (``rows[i]`` down the side, ``cols[j]`` along the bottom).

    The figure scales to its column (``sizing_mode="scale_width"``) and takes no scroll
    gestures; hovering a cell shows its two labels and value.

    ``target={"figure": figure_id, "rows": a, "cols": b}`` links the map to a tour figure on the same
    page (built with that ``figure_id``): clicking cell (i, j) shows step i in its panel a and step
    j in its panel b (``tourlib.TourFigure.showPair``), e.g. layer i of one network beside layer j
    of another. ``TourView.pair`` reads the shown pair back in a live kernel.
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
    if target is not None:
        missing = {"figure", "rows", "cols"} - set(target)
        if missing:
            raise ValueError(f"target needs the keys figure, rows and cols; missing {sorted(missing)}")
        rect = p.renderers[0]
        p.add_tools(TapTool(renderers=[rect]))
        src.selected.js_on_change("indices", CustomJS(args=dict(src=src), code=f"""
            const k = src.selected.indices[0];
            if (k === undefined) return;
            const i = Math.floor(k / {len(cols)}), j = k % {len(cols)}, pos = [];
            pos[{int(target["rows"])}] = i;
            pos[{int(target["cols"])}] = j;
            if (!(window.tourlib && tourlib.TourFigure && tourlib.TourFigure.showPair({json.dumps(str(target["figure"]))}, pos)))
                console.warn("tourlib: no tour figure {target["figure"]} on this page for the heat map's click");
        """))
    p.xaxis.major_label_orientation = 0.9
    p.grid.visible = False
    return p
