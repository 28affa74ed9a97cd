"""Small multiples with linked brushing: many 2-D layouts of the same points, one selection.

Every panel draws the same ``N`` points (row ``i`` of every layout is point ``i``)
from ONE shared ``ColumnDataSource``, panel ``j`` reading its coordinates from
columns ``x{j}``, ``y{j}``. A selection is a property of the source, so a box or
lasso selection in any panel selects the same points in every panel; unselected
points stay as faint ghosts. This is Bokeh's own linked brushing; the only
JavaScript is two short inline callbacks (the "n selected" line and the
class-selection buttons).

What the reader sees and does
    * a grid of panels, axes hidden (embedding coordinates mean nothing), each titled
      (e.g. "t-SNE, epoch 14"), points coloured by true class (:mod:`tourlib.viz.palette`);
      each panel fits its own data, or (``shared_axes``) the panels of a row share one
      pair of ranges -- fixed axes, for a fixed linear map whose units mean the same
      in every epoch;
    * box select (drag), lasso select, reset; one toolbar for the whole grid;
    * a line counting the selected points, per class;
    * optional buttons that select every point of one class;
    * tooltips: index, true label, and that panel's prediction.

The source is named (``name``), so a page script or a test can read the selection:
``Bokeh.documents[0].get_model_by_name(name).selected.indices``.
"""

from __future__ import annotations

import html
from typing import Mapping, Sequence

import numpy as np
from bokeh.layouts import column, gridplot, row
from bokeh.models import Button, ColumnDataSource, CustomJS, Div, HoverTool, Range1d
from bokeh.plotting import figure

from .touch import scroll_on_touch
from .palette import class_colors
from .raster import GHOST_ALPHA

__all__ = ["small_multiples", "method_epoch_grid", "SOURCE_NAME"]

#: Default name of the shared source.
SOURCE_NAME = "linked-points"
#: Alpha of unselected points while a selection exists (the tour figure's ghost alpha).
NONSELECTION_ALPHA = GHOST_ALPHA / 255

_COUNT_JS = """
const idx = source.selected.indices;
if (idx.length === 0) { div.text = empty; return; }
const label = source.data.label;
const counts = new Map();
for (const i of idx) counts.set(label[i], (counts.get(label[i]) || 0) + 1);
const parts = [...counts.entries()].sort((a, b) => b[1] - a[1])
  .map(([k, c]) => `<span style="color:${colors[k]}">&#9679;</span>&nbsp;${names[k]}: ${c}`);
div.text = `<b>${idx.length} selected</b> &nbsp; ` + parts.join(" &nbsp; ");
"""

_SELECT_CLASS_JS = """
const label = source.data.label;
const idx = [];
for (let i = 0; i < label.length; i++) if (label[i] === k) idx.push(i);
source.selected.indices = idx;
"""

_EMPTY = "<i>Drag a box (or lasso) in any panel: the same points light up in every panel.</i>"


def _is_panel(item) -> bool:
    return isinstance(item, (tuple, list)) and len(item) == 2 and isinstance(item[0], str)


def _panel_rows(panels, ncols: int | None) -> list[list[tuple[str, np.ndarray]]]:
    """Panels as rows of (title, N×2 float array); flat lists are wrapped after ``ncols``."""
    if not isinstance(panels, (list, tuple)) or not panels:
        raise ValueError("panels must be a non-empty list of (title, N×2 layout) pairs, or a list of rows of them")
    if all(_is_panel(p) for p in panels):
        flat = list(panels)
        per_row = len(flat) if ncols is None else ncols
        if isinstance(per_row, bool) or not isinstance(per_row, (int, np.integer)) or per_row < 1:
            raise ValueError(f"ncols must be an int ≥ 1, got {ncols!r}")
        rows = [flat[i:i + per_row] for i in range(0, len(flat), per_row)]
    elif all(isinstance(r, (list, tuple)) and r and all(_is_panel(p) for p in r) for r in panels):
        rows = [list(r) for r in panels]
    else:
        raise ValueError("panels must be a list of (title, N×2 layout) pairs, or a list of rows of such "
                         "pairs (each title a str)")
    out = []
    for r in rows:
        out_row = []
        for title, xy in r:
            xy = np.asarray(xy, dtype=float)
            if xy.ndim != 2 or xy.shape[1] != 2:
                raise ValueError(f"panel {title!r}: layout must be N×2, got shape {xy.shape}")
            if not np.isfinite(xy).all():
                raise ValueError(f"panel {title!r}: layout contains NaN or infinite coordinates")
            out_row.append((title, xy))
        out.append(out_row)
    return out


def small_multiples(
    panels,
    labels,
    *,
    classes: Sequence[str] | None = None,
    predictions=None,
    ncols: int | None = None,
    panel_width: int = 220,
    panel_height: int = 220,
    point_size: float = 4.0,
    name: str = SOURCE_NAME,
    selected: Sequence[int] | None = None,
    select_buttons: Sequence[int] = (),
    shared_axes=None,
):
    """A grid of scatter panels of the same N points, sharing one selection (linked brushing).

    Parameters
    ----------
    panels : list of (title, N×2 array), or list of rows of them
        A flat list is laid out in rows of ``ncols`` (default: one row); a list
        of rows is laid out as given (e.g. rows = methods, columns = epochs).
    labels : (N,) int
        True class of each point, ``0 .. K−1``; sets the colour.
    classes : sequence of K str, optional
        Class names (default ``"0" .. "K−1"`` with ``K = max(labels) + 1``, at least 10).
    predictions : None, (N,) int, or one (N,) int array per panel (in reading order)
        Predicted class shown in the tooltip; per panel when it changes with the epoch.
    ncols : int, optional
        Panels per row for a flat list.
    panel_width, panel_height : int
        Size of each panel in pixels.
    point_size : float
        Marker size in screen pixels.
    name : str
        Name of the shared ``ColumnDataSource`` (read it in JS with ``get_model_by_name``).
    selected : sequence of int, optional
        Points selected when the figure opens.
    select_buttons : sequence of int
        Classes that get a "select all of class k" button.
    shared_axes : None, "rows", or sequence of row indices
        Rows whose panels share one x range and one y range (equal scale on both
        axes, fitted to all panels of the row), so that an unmoved point sits at
        the same place in each. Default: every panel fits its own data.

    Returns
    -------
    bokeh layout
        Show it with :func:`tourlib.viz.show`; save it with :func:`tourlib.viz.save_html`.
    """
    rows = _panel_rows(panels, ncols)
    flat = [p for r in rows for p in r]
    labels = np.asarray(labels)
    n = len(flat[0][1])
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a 1-D integer array, got {labels.dtype} {labels.shape}")
    bad = [t for t, xy in flat if len(xy) != n]
    if bad or len(labels) != n:
        raise ValueError(f"every panel must hold the same N={n} points as labels ({len(labels)}); "
                         f"panels with another count: {bad}")
    if n and labels.min() < 0:
        raise ValueError("labels must be class indices ≥ 0")
    n_classes = max(10, int(labels.max()) + 1 if n else 0) if classes is None else len(classes)
    names = [str(k) for k in range(n_classes)] if classes is None else [str(c) for c in classes]
    if n and labels.max() >= n_classes:
        raise ValueError(f"labels go up to {labels.max()} but only {n_classes} class names were given")
    preds = _predictions(predictions, len(flat), n, n_classes)

    colors = class_colors(n_classes)
    data = {
        "index": np.arange(n, dtype=np.int32),
        "label": labels.astype(np.int32),
        "class_name": [names[k] for k in labels],
        "color": [colors[k] for k in labels],
    }
    for j, (_, xy) in enumerate(flat):
        data[f"x{j}"] = xy[:, 0]
        data[f"y{j}"] = xy[:, 1]
        if preds is not None:
            data[f"pred{j}"] = [names[k] for k in preds[j]]
    source = ColumnDataSource(data, name=name)
    if selected is not None:
        sel = np.asarray(selected, dtype=np.int64).ravel()
        if sel.size and (sel.min() < 0 or sel.max() >= n):
            raise ValueError(f"selected indices must lie in 0..{n - 1}")
        source.selected.indices = sel.tolist()

    shared = _shared_rows(shared_axes, len(rows))
    plots: list[list] = []
    j = 0
    for i, r in enumerate(rows):
        ranges = (_fixed_ranges([xy for _, xy in r], panel_width, panel_height) if i in shared
                  else None)
        plot_row = []
        for title, _ in r:
            plot_row.append(_panel(source, j, title, panel_width, panel_height, point_size,
                                   with_prediction=preds is not None, ranges=ranges))
            j += 1
        plots.append(plot_row)
    width = max(len(r) for r in rows)
    grid = gridplot([r + [None] * (width - len(r)) for r in plots], merge_tools=True,
                    toolbar_location="right", sizing_mode="scale_width")   # scales down to a narrow column
    grid.max_width = width * (panel_width + 10) + 40

    status = Div(text=_EMPTY, name=f"{name}-status", styles={"max-width": "100%"})
    source.selected.js_on_change("indices", CustomJS(
        args=dict(source=source, div=status, colors=colors, names=names, empty=_EMPTY), code=_COUNT_JS))
    header = [status]
    for k in select_buttons:
        k = int(k)
        if not 0 <= k < n_classes:
            raise ValueError(f"select_buttons: class {k} is not in 0..{n_classes - 1}")
        button = Button(label=f"select {names[k]}", width=110, name=f"{name}-select-{k}")
        button.js_on_click(CustomJS(args=dict(source=source, k=k), code=_SELECT_CLASS_JS))
        header.append(button)
    legend = Div(text=_legend_html(names, colors, labels))
    return scroll_on_touch(column(row(*header, styles={"flex-wrap": "wrap"}), legend, grid, sizing_mode="stretch_width",
                  styles={"max-width": f"{grid.max_width}px"}))


def _predictions(predictions, n_panels: int, n: int, n_classes: int):
    """``None`` or a list of one (N,) int array per panel."""
    if predictions is None:
        return None
    if isinstance(predictions, np.ndarray) and predictions.ndim == 1:
        per_panel = [predictions] * n_panels
    else:
        per_panel = list(predictions)
        if len(per_panel) != n_panels:
            raise ValueError(f"predictions: give one (N,) array for all panels or one per panel "
                             f"({n_panels}), got {len(per_panel)}")
    out = []
    for p in per_panel:
        p = np.asarray(p)
        if p.shape != (n,) or not np.issubdtype(p.dtype, np.integer):
            raise ValueError(f"each predictions array must be (N,) = ({n},) integers, got {p.dtype} {p.shape}")
        if n and (p.min() < 0 or p.max() >= n_classes):
            raise ValueError(f"predictions must be class indices 0..{n_classes - 1}")
        out.append(p)
    return out


def _shared_rows(shared_axes, n_rows: int) -> set[int]:
    if shared_axes is None:
        return set()
    if shared_axes == "rows":
        return set(range(n_rows))
    if isinstance(shared_axes, str):
        raise ValueError(f"shared_axes must be None, 'rows' or a sequence of row indices, got {shared_axes!r}")
    rows = {int(i) for i in shared_axes}
    if any(not 0 <= i < n_rows for i in rows):
        raise ValueError(f"shared_axes: row indices must lie in 0..{n_rows - 1}, got {sorted(rows)}")
    return rows


def _fixed_ranges(layouts: list[np.ndarray], width: int, height: int, pad: float = 0.05):
    """One (x, y) pair of Range1d covering every layout, with equal data units per pixel on both axes."""
    pts = np.concatenate(layouts)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2
    per_pixel = max((hi[0] - lo[0]) / width, (hi[1] - lo[1]) / height) * (1 + 2 * pad)
    if per_pixel == 0:
        per_pixel = 1.0 / min(width, height)
    half = per_pixel * np.array([width, height]) / 2
    return (Range1d(centre[0] - half[0], centre[0] + half[0]),
            Range1d(centre[1] - half[1], centre[1] + half[1]))


def _panel(source, j: int, title: str, width: int, height: int, size: float, with_prediction: bool,
           ranges=None):
    extra = {"match_aspect": True} if ranges is None else {"x_range": ranges[0], "y_range": ranges[1]}
    p = figure(title=title, width=width, height=height, tools="box_select,lasso_select,reset",
               active_drag="box_select", name=f"panel-{j}", **extra)
    r = p.scatter(f"x{j}", f"y{j}", source=source, size=size, color="color", alpha=0.75,
                  line_color=None, nonselection_alpha=NONSELECTION_ALPHA, nonselection_color="color",
                  selection_alpha=0.9, selection_color="color", name=f"points-{j}")
    tips = [("index", "@index"), ("label", "@class_name")]
    if with_prediction:
        tips.append(("prediction", f"@pred{j}"))
    p.add_tools(HoverTool(renderers=[r], tooltips=tips))
    p.axis.visible = False
    p.grid.visible = False
    p.toolbar.logo = None
    p.title.text_font_size = "11px"
    p.min_border = 4
    return p


def _legend_html(names: list[str], colors: list[str], labels: np.ndarray) -> str:
    present = np.unique(labels)
    items = "".join(
        f'<span style="margin-right:10px;white-space:nowrap"><span style="color:{colors[k]}">&#9679;</span>'
        f"&nbsp;{html.escape(names[k])}</span>" for k in present)
    return f'<div style="font-size:12px">{items}</div>'


def method_epoch_grid(
    series: Mapping[str, np.ndarray],
    labels,
    *,
    epochs: Sequence[int],
    predictions=None,
    fixed_axes: Sequence[str] = (),
    **kwargs,
):
    """Rows = methods, columns = epochs: ``series[method]`` is T×N×2, panel titles "method, epoch e".

    ``predictions`` may be T×N (one row per epoch, shown in that column's
    panels) or anything :func:`small_multiples` accepts. ``fixed_axes`` names
    the methods whose row shares one pair of axis ranges (e.g. a fixed linear
    map). Remaining keyword arguments go to :func:`small_multiples`. To keep
    t-SNE / UMAP panels from spinning between epochs, pass
    ``tourlib.embed.align_series(series[m])``.
    """
    if not isinstance(series, Mapping) or not series:
        raise ValueError("series must be a non-empty mapping {method name: T×N×2 layouts}")
    epochs = list(epochs)
    rows = []
    for method, s in series.items():
        s = np.asarray(s)
        if s.ndim != 3 or s.shape[0] != len(epochs):
            raise ValueError(f"series[{method!r}] must be T×N×2 with T = len(epochs) = {len(epochs)}, "
                             f"got shape {s.shape}")
        rows.append([(f"{method}, epoch {e}", s[t]) for t, e in enumerate(epochs)])
    if predictions is not None and np.ndim(predictions) == 2:
        predictions = np.asarray(predictions)
        if predictions.shape[0] != len(epochs):
            raise ValueError(f"predictions must be T×N with T = len(epochs) = {len(epochs)}, "
                             f"got shape {predictions.shape}")
        predictions = [predictions[t] for _ in rows for t in range(len(epochs))]
    methods = list(series)
    unknown = [m for m in fixed_axes if m not in series]
    if isinstance(fixed_axes, str) or unknown:
        raise ValueError(f"fixed_axes must be a sequence of method names from {methods}, got {fixed_axes!r}")
    return small_multiples(rows, labels, predictions=predictions,
                           shared_axes=[methods.index(m) for m in fixed_axes], **kwargs)
