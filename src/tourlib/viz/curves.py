"""Small static Bokeh charts for training curves and bar charts (no browser engine needed).

* :func:`line_chart` -- one line per named series over a shared x (epochs), with a
  clickable legend (click hides a line) and a hover readout.
* :func:`class_curves` -- a per-class history ``(E+1)×K`` (loss or accuracy per
  class) as one line per class, in the book's class colours.
* :func:`bar_chart` -- one bar per name (e.g. variance per principal component).

Each returns a Bokeh figure; show it with :func:`tourlib.viz.show`.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool, Legend, LegendItem
from bokeh.plotting import figure

from .touch import scroll_on_touch
from .palette import class_colors

__all__ = ["line_chart", "class_curves", "bar_chart"]

_DASHES = ("solid", "dashed", "dotted", "dotdash")


def _style(p, title_size: str = "13px") -> None:
    p.toolbar.logo = None
    p.title.text_font_size = title_size
    p.title.text_color = "#444444"
    p.outline_line_color = "#dddddd"
    p.grid.grid_line_alpha = 0.4


def line_chart(x, series: Mapping[str, object], *, colors: Sequence[str] | None = None,
               dashes: Sequence[str] | None = None, title: str = "", x_label: str = "epoch",
               y_label: str = "", width: int = 640, height: int = 300, y_range=None,
               legend_columns: int = 1):
    """Lines ``series[name]`` (each as long as ``x``) over ``x``.

    ``colors`` / ``dashes``: one per series (default: class colours, solid lines). Clicking a
    legend entry hides its line. Raises ``ValueError`` if a series' length differs from ``x``.
    """
    xs = np.asarray(x, dtype=np.float64)
    if xs.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {xs.shape}")
    if not series:
        raise ValueError("series must name at least one line")
    names = [str(k) for k in series]
    colors = list(colors) if colors is not None else class_colors(len(names))
    dashes = list(dashes) if dashes is not None else ["solid"] * len(names)
    if len(colors) != len(names) or len(dashes) != len(names):
        raise ValueError(f"need one colour and one dash per series ({len(names)}), "
                         f"got {len(colors)} colours and {len(dashes)} dashes")
    ranges = {} if y_range is None else {"y_range": y_range}
    p = figure(title=title, width=width, height=height, tools="pan,wheel_zoom,box_zoom,reset,save",
               sizing_mode="scale_width", max_width=width,   # never wider than its column (a phone)
               active_scroll=None, x_axis_label=x_label, y_axis_label=y_label, **ranges)   # the wheel scrolls the page
    items = []
    for name, color, dash in zip(names, colors, dashes):
        ys = np.asarray(series[name], dtype=np.float64)
        if ys.shape != xs.shape:
            raise ValueError(f"series {name!r} has shape {ys.shape}, x has {xs.shape}")
        src = ColumnDataSource(dict(x=xs, y=ys, name=[name] * len(xs)))
        r = p.line("x", "y", source=src, line_color=color, line_width=2, line_dash=dash)
        p.scatter("x", "y", source=src, size=3, color=color)
        items.append(LegendItem(label=name, renderers=[r]))
    p.add_tools(HoverTool(tooltips=[("", "@name"), (x_label or "x", "@x{0}"), (y_label or "y", "@y{0.000}")],
                          mode="mouse"))
    legend = Legend(items=items, click_policy="hide", label_text_font_size="11px", ncols=legend_columns,
                    spacing=0, padding=4, glyph_height=12, glyph_width=18)
    p.add_layout(legend, "right")
    _style(p)
    return scroll_on_touch(p)


def class_curves(values, classes: Sequence[str], *, x=None, title: str = "", y_label: str = "",
                 width: int = 640, height: int = 300, y_range=None):
    """One line per class: ``values`` is ``(E+1)×K`` (row e = epoch e), in the class colours."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 2 or v.shape[1] != len(classes):
        raise ValueError(f"values must be (epochs × {len(classes)} classes), got shape {v.shape}")
    xs = np.arange(v.shape[0]) if x is None else np.asarray(x)
    return line_chart(xs, {str(c): v[:, k] for k, c in enumerate(classes)}, colors=class_colors(len(classes)),
                      title=title, y_label=y_label, width=width, height=height, y_range=y_range)


def bar_chart(names: Sequence[str], values, *, title: str = "", y_label: str = "", color: str = "#4c72b0",
              width: int = 480, height: int = 260, labels: Sequence[str] | None = None):
    """One vertical bar per name; ``labels`` (optional, one per bar) are written above the bars."""
    names = [str(n) for n in names]
    vals = np.asarray(values, dtype=np.float64)
    if vals.shape != (len(names),):
        raise ValueError(f"need one value per name ({len(names)}), got shape {vals.shape}")
    src = ColumnDataSource(dict(name=names, value=vals, text=list(labels) if labels is not None else [""] * len(names)))
    top = float(np.nanmax(vals)) if len(vals) else 1.0
    p = figure(title=title, x_range=names, width=width, height=height, tools="save",
               sizing_mode="scale_width", max_width=width,
               y_axis_label=y_label, y_range=(0, 1.15 * top if top > 0 else 1.0))
    p.vbar(x="name", top="value", width=0.7, source=src, fill_color=color, line_color=None)
    if labels is not None:
        p.text(x="name", y="value", text="text", source=src, text_align="center", text_baseline="bottom",
               text_font_size="11px", y_offset=-2, text_color="#333333")
    p.xgrid.grid_line_color = None
    p.add_tools(HoverTool(tooltips=[("", "@name"), ("value", "@value{0.000}")]))
    _style(p)
    return p
