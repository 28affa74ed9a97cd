"""The interactive Grand Tour figure: a Bokeh layout whose animation runs in the browser.

:func:`tour_figure` embeds the data once (compactly, see :mod:`tourlib.viz.encode`) together
with the parameters of a :class:`tourlib.tour.GrandTour`; ``viz/js/tour_figure.js`` rebuilds
the same tour in the page (``TourEngine.GrandTour.fromParams``) and draws every frame itself.
Nothing is pre-rendered.

What the reader sees and does
    * points projected by the current view, ``(X − μ) @ G[:, :2]`` (row vectors; ``μ`` the
      centre, by default the mean of all points), rasterised each frame into one
      ``image_rgba`` glyph, as dots or as the points' own image thumbnails;
    * play / pause, a speed slider, reset, zoom and pan (toolbar), preset views;
    * axis handles (d ≤ ``MAX_HANDLES``): the segment from the origin to ``s · G[i, :2]``
      (``s`` = the on-screen extent E of the data, see :func:`view_geometry`), i.e. where a step
      of length ``s`` along data axis ``i`` lands; a handle never leaves the view
      (``|G[i, :2]| ≤ 1``). Dragging a handle end by ``Δ`` (data units) pauses the tour and sets
      ``G ← drag_axis(G_start, i, Δ / s)`` (``TourEngine.dragAxis``);
    * a rectangle brush selects points; their centroid ``c`` (data space, at the current
      time) gets a handle; dragging it by ``Δ`` sets ``G ← drag_centroid(G_start, c, Δ)``;
    * a legend: hover highlights a class, click hides it (hidden points stay as faint ghosts);
    * tooltips: index, label, prediction and the point's image;
    * data axes: ``X`` of shape ``(*axes, N, d)`` with named axes (epoch, layer, attack step,
      model …), each declared as data (:class:`~tourlib.viz.tour_models.TourAxis`: labels,
      whether to interpolate, speed), one slider with play per axis; between neighbouring
      positions of an interpolating axis the points move linearly,
      ``X(k + f) = (1 − f) X_k + f X_{k+1}``, under a fixed view. A T×N×d array is one axis
      (``times``, ``time_name``); the layer tour is ``X = LayerSequence.points`` with
      ``axes = LayerSequence.tour_axes()`` (:func:`layer_tour_figure` is that call);
    * several panels (a list or dict of data sets) that share one view;
    * any path of :mod:`tourlib.tour.paths` (``tour=``, e.g. a guided tour), and named group
      handles in the page (``addGroupHandle``; Python twin :func:`tourlib.tour.drag_group`).

The page loads only the JavaScript the figure declares (:func:`tourlib.viz.embed.require_js`,
module ``tour_figure`` and what it requires); the config it reads is a
:class:`~tourlib.viz.tour_models.TourConfig`.

The live state (current ``G``, tour time, brush...) is kept in a :class:`TourState` model that
the browser writes to; :class:`tourlib.viz.live.TourView` reads it from Python.
"""

from __future__ import annotations

import html
import json
from typing import Any, Mapping, Sequence

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import (
    BoxSelectTool,
    Button,
    ColumnDataSource,
    CustomJS,
    Div,
    InlineStyleSheet,
    PanTool,
    RadioButtonGroup,
    Range1d,
    ResetTool,
    SaveTool,
    Slider,
    WheelZoomTool,
    ZoomInTool,
    ZoomOutTool,
)
from bokeh.plotting import figure

from tourlib.tour import GrandTour

from .encode import quantize_columns
from .palette import class_colors
from .raster import GHOST_ALPHA, auto_dot_size, ring_offsets, splat_offsets
from ..align.layer_sequence import LayerSequence
from .tour_inputs import TourInputs, prepare_tour_inputs, view_matrix
from .embed import require_js
from .tour_models import TourAxis, TourConfig, TourPanelData, TourState
from .tour_handles import handle_config, handles_html
from .slider_labels import position_formatter, slider_touch_css

__all__ = ["tour_figure", "layer_tour_figure", "TourLayout", "view_geometry"]

#: Tag that marks a tour figure's layout, so :class:`~tourlib.viz.live.TourView` can find its state.
LAYOUT_TAG = "tourlib-tour-figure"
#: Axis handles are drawn up to this many dimensions (more would be an unreadable star).
MAX_HANDLES = 20
#: The view shows a square of half-width ``VIEW_MARGIN × E`` around the origin (E: see view_geometry).
VIEW_MARGIN = 1.15
#: Views and points sampled to estimate the on-screen extent E.
EXTENT_VIEWS = 24
EXTENT_SAMPLE = 5000

_NO_ENGINE = "console.error('tourlib: tour_figure.js is not loaded on this page; the tour cannot run.')"
_HAS = "window.tourlib && window.tourlib.TourFigure"

_LEGEND_CSS = """
:host { font: 13px/1.35 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; color: #333; }
.tl-legend { display: flex; flex-direction: column; gap: 1px; user-select: none; }
.tl-head { font-weight: 600; margin: 0 0 4px 2px; color: #444; }
.tl-item { display: flex; align-items: center; gap: 7px; padding: 2px 6px; border-radius: 4px; cursor: pointer; }
.tl-item:hover { background: #f0f0f0; }
.tl-item.tl-off { opacity: 0.35; }
.tl-item.tl-off .tl-name { text-decoration: line-through; }
.tl-sw { width: 12px; height: 12px; border-radius: 50%; flex: none; }
.tl-count { color: #999; font-size: 11px; margin-left: auto; padding-left: 6px; }
.tl-hint { color: #999; font-size: 11px; margin: 6px 0 0 2px; }
.tl-handles { margin-top: 10px; display: flex; flex-direction: column; gap: 3px; user-select: none; }
.tl-sets { display: flex; flex-wrap: wrap; gap: 4px; }
.tl-set { border: 1px solid #ccc; border-radius: 10px; padding: 1px 8px; cursor: pointer; font-size: 12px; color: #666; }
.tl-set.tl-on { background: #333; border-color: #333; color: #fff; }
.tl-custom { display: flex; flex-direction: column; gap: 2px; }
.tl-mine { display: flex; align-items: center; gap: 5px; }
.tl-mine input { width: 96px; font: inherit; font-size: 12px; border: 1px solid transparent; border-radius: 3px; padding: 0 3px; }
.tl-mine input:hover, .tl-mine input:focus { border-color: #bbb; }
.tl-del { border: none; background: none; color: #999; cursor: pointer; font-size: 14px; padding: 0 2px; }
.tl-new { align-self: flex-start; font: inherit; font-size: 12px; border: 1px solid #ccc; background: #fafafa; border-radius: 4px; padding: 1px 8px; cursor: pointer; }
.tl-new.tl-armed { background: #333; color: #fff; border-color: #333; }
"""

_INDICATOR_CSS = """
:host { font: 12px/1.3 system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif; }
.tl-inds { display: flex; flex-wrap: wrap; gap: 3px; user-select: none; }
.tl-ind { border: 1px solid #ccc; border-radius: 3px; padding: 1px 6px; cursor: pointer; color: #555; background: #fff; }
.tl-ind:hover { background: #f0f0f0; }
.tl-ind.tl-on { background: #1f77b4; border-color: #1f77b4; color: #fff; }
.tl-keys { color: #999; align-self: center; margin-left: 4px; }
"""


def view_geometry(inputs: TourInputs, center: bool | Sequence[float] | np.ndarray = True, tour=None,
                  presets: Mapping[str, np.ndarray] | None = None):
    """Centre ``μ``, radius ``R = max ‖x − μ‖`` and on-screen extent ``E`` of the data.

    ``center=True``: ``μ`` is the mean of all points; ``False``: the origin; an array: that point.
    ``E`` is how far from the origin the tour typically shows points: the median, over
    ``EXTENT_VIEWS`` views ``G(t_k)`` of ``tour`` (t_k = 0, 2, 4, … tour seconds), of the 99.5 %
    quantile of ``‖(x − μ) G(t_k)[:, :2]‖`` over (at most ``EXTENT_SAMPLE``) points, and never more
    than ``R``. In d dimensions a random plane keeps about ``sqrt(2/d)`` of a vector's length, so
    ``E`` is much smaller than ``R`` for high-dimensional data. Without a tour ``E = R``. A preset
    view (``presets``, d×d) must show its data too: ``E`` is at least each preset's own 99.5 % quantile.
    """
    d = inputs.dim
    if center is True:
        total = sum(p.X.sum(axis=(0, 1)) for p in inputs.panels)
        count = sum(p.X.shape[0] * p.X.shape[1] for p in inputs.panels)
        mu = total / count
    elif center is False or center is None:
        mu = np.zeros(d)
    else:
        mu = np.asarray(center, dtype=np.float64)
        if mu.shape != (d,) or not np.isfinite(mu).all():
            raise ValueError(f"center must be True, False or a finite point of length d = {d}, got shape {mu.shape}")
    radius = max(float(np.sqrt(((p.X - mu) ** 2).sum(axis=2)).max()) for p in inputs.panels)
    radius = radius if radius > 0 else 1.0
    if tour is None:
        return mu, radius, radius
    pts = np.concatenate([p.X.reshape(-1, d) for p in inputs.panels])
    if len(pts) > EXTENT_SAMPLE:
        pts = pts[np.linspace(0, len(pts) - 1, EXTENT_SAMPLE).astype(np.int64)]
    pts = pts - mu
    per_view = [np.quantile(np.linalg.norm(pts @ tour.screen_basis(2.0 * k), axis=1), 0.995)
                for k in range(EXTENT_VIEWS)]
    extent = float(np.median(per_view))
    for G in (presets or {}).values():
        extent = max(extent, float(np.quantile(np.linalg.norm(pts @ np.asarray(G)[:, :2], axis=1), 0.995)))
    extent = min(radius, extent) if extent > 0 else radius
    return mu, radius, extent


class TourLayout:
    """Names of the Bokeh models of a built tour figure (for tests and :mod:`tourlib.viz.live`)."""

    def __init__(self, layout, state: TourState, plots, panels, widgets, mu, radius, tour_params):
        self.layout = layout
        self.state = state
        self.plots = plots
        self.panels = panels
        self.widgets = widgets
        self.center = mu
        self.radius = radius
        self.tour_params = tour_params


def _legend_html(classes: list[str], colors: list[str], counts: np.ndarray, panels: list[str]) -> str:
    """The legend: one item per class with its number of points, per panel (``counts`` P×K).

    Panels with the same counts show one number ("per panel"); otherwise one per panel, in order."""
    counts = np.atleast_2d(counts)
    same = bool((counts == counts[0]).all())

    def count(k):
        return str(int(counts[0, k])) if same else " · ".join(str(int(c)) for c in counts[:, k])

    items = "".join(
        f'<div class="tl-item" data-class="{k}" title="hover: highlight · click: show/hide">'
        f'<span class="tl-sw" style="background:{colors[k]}"></span>'
        f'<span class="tl-name">{html.escape(name)}</span><span class="tl-count">{count(k)}</span></div>'
        for k, name in enumerate(classes)
    )
    what = "" if len(counts) == 1 else ("points per panel<br>" if same else
                                        f"points: {html.escape(' · '.join(panels))}<br>")
    return (
        f'<div class="tl-legend"><div class="tl-head">classes</div>{items}'
        f'<div class="tl-hint">{what}hover: highlight<br>click: show / hide<br>double-click: only this</div></div>'
    )


def _call(state: TourState, method: str, extra: str = "", **args) -> CustomJS:
    """Short glue: call ``tourlib.TourFigure.call(state, method, …)`` from a Bokeh callback."""
    js_args = f", {extra}" if extra else ""
    code = (
        f"if ({_HAS}) {{ tourlib.TourFigure.call(state, {json.dumps(method)}{js_args}); }} else {{ {_NO_ENGINE} }}"
    )
    return CustomJS(args=dict(state=state, **args), code=code)


def tour_figure(
    X: Any,
    labels: Any = None,
    *,
    classes: Sequence[str] | None = None,
    images: Any = None,
    predictions: Any = None,
    seed: int = 0,
    speed: float = 1.0,
    tour_path: str = "torus",
    presets: Mapping[str, Any] | None = None,
    times: Sequence[Any] | None = None,
    time_name: str = "epoch",
    time_speed: float = 2.0,
    time_start: int = 0,
    axis_labels: Sequence[str] | str | None = None,
    center: bool | Sequence[float] | np.ndarray = True,
    extent: float | None = None,
    dot_size: int | None = None,
    image_size: int = 24,
    max_images: int = 1000,
    autoplay: bool = True,
    size: int | None = None,
    title: str | None = None,
    return_parts: bool = False,
    axes: Sequence[Any] | None = None,
    tour: Any = None,
    axis_handles: bool | None = None,
    handles: Mapping[str, Mapping[str, Any]] | None = None,
    handles_shown: Sequence[str] | str | None = None,
    time_indicators: bool = False,
    align: Mapping[str, Any] | None = None,
    figure_id: str | None = None,
):
    """An interactive Grand Tour of ``X``, animated in the browser (see module doc).

    Parameters
    ----------
    X : N×d, T×N×d or (*axes)×N×d array, or a list / dict of them (panels sharing one view).
    axes : the data axes of X (outermost first): :class:`TourAxis`, dicts of its fields or names.
        Default: none for N×d, one axis (``times``, ``time_name``, ``time_speed``) for T×N×d.
    tour : a :class:`~tourlib.tour.GrandTour` (any path, e.g. ``GrandTour.from_path(guided_tour(…))``)
        or a path object; default ``GrandTour(d, seed, speed, tour_path)``.
    axis_handles : draw the d axis handles (default: d ≤ ``MAX_HANDLES``).
    handles : group handles, ``{set name: {group name: point indices}}`` (see
        :mod:`tourlib.viz.tour_handles`: ``class_groups``, ``coarse_groups``); ``handles_shown``: the
        sets switched on at first (default the first). The reader adds handles of their own (key
        ``d`` or +, then a brush), renames them in the handles box and deletes the newest (``x``).
    time_indicators : one clickable chip per position of the main axis (and keys ``j`` / ``k``).
    align : ``{"panel": k, "rotations": R, "label": str}``: an alignment toggle that rotates panel
        k's points at step s by ``R[s, s']`` (orthogonal d×d), s' the step the other panels show
        (``R`` has shape S×S×d×d; :func:`tourlib.embed.layers.pair_rotations`).
    figure_id : a name by which other figures on the page reach this one (``similarity_heatmap``'s
        ``target``: a click on cell (i, j) shows step i in the first panel and j in the second).
    labels, classes : class codes 0…K−1 (or names) per point and the class names.
    images : one image per point (N×h×w or N×h×w×3); thumbnails for ≤ ``max_images`` points.
    predictions : predicted class per point, N or T×N (shown in tooltips).
    seed, speed, tour_path : the :class:`~tourlib.tour.GrandTour` (``speed`` scales its angular speed;
        ``tour_path="torus"``, the default, comes close to every view, ``"rotation"`` turns at constant
        angular velocity through a torus of views).
    presets : ``{name: G}`` with G an orthogonal d×d view or a d×2 screen basis; one button each.
    times, time_name, time_speed : labels of the T steps, the axis name, steps per second;
        ``time_start``: the step shown first (an index; −1 is the last, e.g. a trained network).
    axis_labels : names of the d axis handles; ``"classes"`` uses the class names and colours
        (for a softmax or logit layer, where axis i is class i).
    center : True (subtract the mean), False, or a point μ; the screen shows (X − μ) @ G[:, :2].
    extent : the on-screen extent E (handle length, view half-width / ``VIEW_MARGIN``); default
        estimated by :func:`view_geometry`. ``extent=1, center=False`` puts the end of handle i at
        e_i G[:, :2], where a one-hot point (a softmax at 100 % confidence) is drawn.
    dot_size, image_size : dot diameter and thumbnail size in pixels (dot size auto from N).
    autoplay : start rotating when the figure scrolls into view.
    size : side of each square panel in pixels (default by the number of panels).
    return_parts : also return a :class:`TourLayout` naming the models (for tests).

    Returns the Bokeh layout (show it with :func:`tourlib.viz.show`); with ``return_parts``,
    ``(layout, parts)``.
    """
    X, predictions, sizes = _flatten_axes(X, predictions, axes)
    inputs = prepare_tour_inputs(
        X, labels, classes=classes, images=images, predictions=predictions,
        max_images=max_images, times=None if axes is not None else times,
    )
    if time_speed <= 0:
        raise ValueError(f"time_speed (steps per second) must be > 0, got {time_speed}")
    if axes is None and inputs.has_time:
        T = inputs.n_times
        if not -T <= int(time_start) < T:
            raise ValueError(f"time_start must be a step index in {-T}…{T - 1}, got {time_start}")
        axes = [TourAxis(time_name, inputs.time_labels, True, float(time_speed), start=float(int(time_start) % T))]
    elif axes is None:
        axes = []
    axes = [TourAxis.make(a, n) for a, n in zip(axes, sizes or [inputs.n_times])] if axes else []
    return _assemble(
        inputs, axes=axes, sizes=sizes or ([inputs.n_times] if axes else []), seed=seed, speed=speed,
        tour_path=tour_path, tour=tour, presets=presets, axis_labels=axis_labels, center=center,
        extent=extent, dot_size=dot_size, image_size=image_size, autoplay=autoplay, size=size, title=title,
        return_parts=return_parts, axis_handles=axis_handles, handles=handles, handles_shown=handles_shown,
        time_indicators=time_indicators, align=align, figure_id=figure_id,
    )


def _flatten_axes(X, predictions, axes):
    """``(*axes, N, d)`` panels → ``(steps, N, d)``; predictions ``(*axes, N)`` → ``(steps, N)``; the axis sizes."""
    if axes is None and not any(np.ndim(a) > 3 for a in _panel_arrays(X)):
        return X, predictions, None
    n_axes = None if axes is None else len(axes)

    def flat(a, what):
        a = np.asarray(a)
        k = a.ndim - 2 if n_axes is None else n_axes
        if a.ndim != k + 2:
            raise ValueError(f"{what} must have shape (*axes, N, d) with {k} axes; got shape {a.shape}")
        return a.reshape((-1,) + a.shape[k:]), list(a.shape[:k])

    if isinstance(X, Mapping):
        parts = {name: flat(a, f"X[{name!r}]") for name, a in X.items()}
        X = {name: v[0] for name, v in parts.items()}
        shapes = [v[1] for v in parts.values()]
    elif isinstance(X, (list, tuple)) and X and np.ndim(X[0]) >= 2:
        parts = [flat(a, f"X[{k}]") for k, a in enumerate(X)]
        X = [v[0] for v in parts]
        shapes = [v[1] for v in parts]
    else:
        X, sh = flat(X, "X")
        shapes = [sh]
    if any(s != shapes[0] for s in shapes):
        raise ValueError(f"all panels need the same axes; got axis sizes {shapes}")
    sizes = shapes[0]
    if predictions is not None and not isinstance(predictions, (Mapping, list, tuple)):
        pr = np.asarray(predictions)
        if pr.ndim == len(sizes) + 1:
            predictions = pr.reshape(-1, pr.shape[-1])
        elif pr.ndim not in (1, 2) or (pr.ndim == 2 and len(sizes) != 1):
            raise ValueError(f"predictions must be N or (*axes, N) = {(*sizes, 'N')}, got shape {pr.shape}")
    return X, predictions, sizes


def _panel_arrays(X):
    if isinstance(X, Mapping):
        return list(X.values())
    if isinstance(X, (list, tuple)) and X and np.ndim(X[0]) >= 2:
        return list(X)
    return [X]


def _assemble(inputs: TourInputs, *, axes, sizes, seed, speed, tour_path, tour, presets, axis_labels,
              center, extent, dot_size, image_size, autoplay, size, title, return_parts, axis_handles,
              handles=None, handles_shown=None, time_indicators=False, align=None, figure_id=None):
    """Build the figure from checked inputs and its data axes."""
    d = inputs.dim
    if not np.isfinite(speed):
        raise ValueError(f"speed must be a finite number, got {speed}")
    if dot_size is not None and (int(dot_size) != dot_size or dot_size < 1 or dot_size > 32):
        raise ValueError(f"dot_size must be a whole number of pixels in 1…32, got {dot_size}")
    if not 4 <= int(image_size) <= 96:
        raise ValueError(f"image_size must be 4…96 pixels, got {image_size}")
    if tour is None:
        tour = GrandTour(d, seed=seed, speed=speed, path=tour_path)
    elif not isinstance(tour, GrandTour):
        tour = GrandTour.from_path(tour)
    if tour.dim != d:
        raise ValueError(f"tour has dimension {tour.dim} but the data has d = {d}")
    preset_views = {str(k): view_matrix(v, d, f"presets[{k!r}]") for k, v in (presets or {}).items()}
    mu, radius, estimated = view_geometry(inputs, center, tour, preset_views)
    if extent is None:
        extent = estimated
    elif not (np.isfinite(extent) and extent > 0):
        raise ValueError(f"extent must be a finite number > 0, got {extent}")
    extent = float(extent)
    params = tour.params()
    G0 = np.asarray(tour.matrix(0.0), dtype=np.float64)

    n_classes = len(inputs.classes)
    colors = class_colors(n_classes)
    handle_labels, handle_colors = _axis_handles(axis_labels, d, inputs.classes, colors)

    show_handles = d <= MAX_HANDLES if axis_handles is None else bool(axis_handles)
    if time_indicators and axes:
        axes[_main_axis(axes)].indicators = True
    if handles is not None and len({p.n_points for p in inputs.panels}) > 1:
        raise ValueError("group handles need panels of the same points (one N); these panels have "
                         f"{[p.n_points for p in inputs.panels]} points")
    groups, handle_sets = handle_config(handles, inputs.panels[0].n_points, inputs.classes,
                                        class_colors(len(inputs.classes)), handles_shown) if handles is not None else ([], [])
    align_panel, rotations = _alignment(align, inputs, sizes)
    n_max = max(p.n_points for p in inputs.panels)
    diameter = int(dot_size) if dot_size is not None else auto_dot_size(n_max)
    n_panels = len(inputs.panels)
    side = int(size) if size is not None else {1: 470, 2: 360}.get(n_panels, 280)
    half = VIEW_MARGIN * extent

    state = TourState(
        dim=d, center=mu.tolist(), matrix=G0.ravel().tolist(), playing=False, rate=1.0, mode="dots",
        positions=[float(a.start) for a in axes],
    )
    x_range = Range1d(-half, half, bounds=None)
    y_range = Range1d(-half, half, bounds=None)
    # Sources the browser rewrites every frame are not synced back to a live kernel (syncable=False).
    # (the handles' labels are drawn by the page into the raster: text glyphs cost ~1.5 ms a frame)
    handle_source = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[], color=[]), syncable=False)

    panel_models, plots = [], []
    for panel in inputs.panels:
        qc = quantize_columns(panel.X - mu)
        label_dtype = np.uint8 if n_classes <= 255 else np.uint16
        data = TourPanelData(
            name=panel.name, shape=[*sizes, *panel.X.shape[1:]] if sizes else list(panel.X.shape), points=qc.q, scale=qc.scale, offset=qc.offset,
            labels=panel.labels.astype(label_dtype),
            predictions=None if panel.predictions is None else panel.predictions.astype(np.int16),
            images=panel.images, image_index=panel.image_index,
            rotations=rotations if len(panel_models) == align_panel else None,
        )
        p, sources = _panel_plot(panel.name or None, side, x_range, y_range, handle_source,
                                 show_handles=show_handles)
        plots.append(p)
        panel_models.append(dict(plot=p, data=data, **sources))

    counts = np.stack([np.bincount(p.labels, minlength=n_classes) for p in inputs.panels])
    legend = Div(
        text=_legend_html(inputs.classes, colors, counts, [p.name for p in inputs.panels]), width=150,
        stylesheets=[InlineStyleSheet(css=_LEGEND_CSS)],
        visible=n_classes > 1,
    )
    handles_box = Div(text=handles_html(handle_sets), width=150, stylesheets=[InlineStyleSheet(css=_LEGEND_CSS)],
                      visible=bool(handles is not None)) if handles is not None else None

    widgets = _widgets(inputs, preset_views, axes)
    config = TourConfig(
        tour=params, radius=radius, half=half, handle_scale=extent, center=mu.tolist(),
        classes=inputs.classes, colors=colors, ghost_alpha=GHOST_ALPHA,
        fill=splat_offsets(diameter).ravel().tolist(),
        ring=ring_offsets(diameter).ravel().tolist() if diameter >= 3 else [],
        dot_size=diameter, image_size=int(image_size),
        axis_labels=handle_labels, axis_colors=handle_colors, show_handles=show_handles,
        axes=axes, presets={k: v.ravel().tolist() for k, v in preset_views.items()},
        autoplay=bool(autoplay), groups=groups, handle_sets=handle_sets, figure_id=str(figure_id or ""),
        align_panel=align_panel, align_label=str((align or {}).get("label", "align")), panel_size=side,
    ).to_js()
    fig = dict(
        state=state, config=config, panels=panel_models, handles=handle_source, legend=legend,
        widgets={k: v for k, v in widgets.items() if k != "preset_buttons"},
    )
    if handles_box is not None:
        fig["handles_box"] = handles_box
    if align_panel >= 0:
        widgets["align"] = Button(label=f"{config['align_label']}: off", width=200, syncable=False)
        fig["widgets"]["align"] = widgets["align"]
    _wire(fig, plots, x_range, y_range, widgets["preset_buttons"])

    controls = [widgets["play"], widgets["reset"], widgets["speed"]]
    if widgets["mode"] is not None:
        controls.append(widgets["mode"])
    if align_panel >= 0:
        controls.append(widgets["align"])
    side_box = column(legend, handles_box) if handles_box is not None else legend
    # rows wrap: in a narrow column (a phone) the legend goes under the panels, controls under each other
    wrap = {"flex-wrap": "wrap", "max-width": "100%"}
    rows = [row(*plots, side_box, styles=wrap), row(*controls, styles={"align-items": "center", **wrap})]
    if title:
        # the figure's title is HTML above the panels, so a long one wraps in a narrow column (a plot's
        # canvas title would not, and would push the page wider than the phone)
        rows.insert(0, Div(text=html.escape(str(title)), sizing_mode="stretch_width",
                           styles={"font": "600 13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                                   "color": "#444", "max-width": "100%"}))
    order = sorted(range(len(axes)), key=lambda a: a != _main_axis(axes))   # the moving axis first
    for a in order:
        w = widgets["axes"][a]
        rows.append(row(w["play"], w["slider"], styles=wrap))
        if w.get("indicators") is not None:
            rows.append(w["indicators"])
    if widgets["preset_buttons"]:
        rows.append(row(Div(text="views:", styles={"color": "#555", "align-self": "center"}),
                        *widgets["preset_buttons"], styles={"align-items": "center", **wrap}))
    layout = require_js(column(*rows, tags=[LAYOUT_TAG, state], styles={"max-width": "100%"}), "tour_figure")
    if return_parts:
        parts = TourLayout(layout, state, plots, panel_models, widgets, mu, radius, params)
        return layout, parts
    return layout


def _alignment(align, inputs: TourInputs, sizes) -> tuple[int, np.ndarray | None]:
    """The alignment toggle's panel index and its S×S'×d×d float32 rotations (checked), or (−1, None)."""
    if align is None:
        return -1, None
    if len(inputs.panels) < 2:
        raise ValueError("align needs at least two panels: it rotates one panel onto another")
    unknown = set(align) - {"panel", "rotations", "label"}
    if unknown:
        raise ValueError(f"align has unknown keys {sorted(unknown)}; give 'panel', 'rotations' and optionally 'label'")
    names = [p.name for p in inputs.panels]
    k = align.get("panel", 0)
    k = names.index(k) if isinstance(k, str) and k in names else k
    if not isinstance(k, (int, np.integer)) or not 0 <= k < len(names):
        raise ValueError(f"align['panel'] must be a panel index 0…{len(names) - 1} or one of {names}, got {k!r}")
    S = int(np.prod(sizes)) if sizes else 1
    R = np.asarray(align["rotations"], dtype=np.float64)
    d = inputs.dim
    if R.shape != (S, S, d, d):
        raise ValueError(f"align['rotations'] must be S×S×d×d = {(S, S, d, d)} (step of this panel × step of "
                         f"the other), got {R.shape}")
    err = np.abs(np.einsum("abji,abjk->abik", R, R) - np.eye(d)).max()
    if not np.isfinite(err) or err > 1e-4:
        raise ValueError(f"align['rotations'] must be orthogonal matrices (max |RᵀR − I| = {err:.2g})")
    return int(k), R.astype(np.float32)


def layer_tour_figure(
    sequence: LayerSequence,
    labels: Any = None,
    *,
    classes: Sequence[str] | None = None,
    images: Any = None,
    predictions: Any = None,
    seed: int = 0,
    speed: float = 0.5,
    tour_path: str = "torus",
    layer_speed: float = 0.8,
    dot_size: int | None = None,
    image_size: int = 24,
    max_images: int = 1000,
    autoplay: bool = False,
    start_epoch: int | None = None,
    size: int | None = None,
    title: str | None = None,
    return_parts: bool = False,
    axis_handles: bool = False,
    axis_labels: Sequence[str] | None = None,
):
    """A Grand Tour through a network's layers: a layer axis (slider + play) and an epoch axis.

    ``sequence`` comes from :func:`tourlib.align.layer_sequence`: for every epoch,
    the L + 1 activations of N points, k coordinates each, in frames chosen so that the
    aligned transitions of :mod:`tourlib.align` are straight lines and one k×k view ``G``
    serves every layer (see :class:`~tourlib.align.LayerSequence`). The layer slider
    runs over λ ∈ [0, L]: transition ``i = ⌊λ⌋`` (label ``"conv1 → pool1"``) at parameter
    ``t = λ − i``, points ``(1 − t) Z_i + t Z_{i+1}``; ``▶ layers`` plays it at ``layer_speed``
    transitions per second. The epoch slider (E > 1) swaps in another epoch's network at the
    same λ, keeping the view. Everything else is :func:`tour_figure`: the Grand Tour (k-dim,
    ``seed``, ``speed``, ``tour_path``), the brush (brushed points stay highlighted at every
    layer and epoch; their centroid handle rotates the view by ``drag_centroid``), legend,
    tooltips. ``axis_handles``: draw the k axis handles (off by default: the k coordinates
    are a different direction of each activation, its frame ``F_j``, so handle ``c3`` means
    "the third frame direction of the layer on screen"); ``axis_labels``: their names (default
    ``c1`` … ``ck``). Dragging one turns the one k×k view, as in :func:`tour_figure`. ``predictions`` is N or E×N (per epoch). ``start_epoch``: the epoch index
    shown first (default the last, the trained network), at the input (λ = 0).
    """
    if not isinstance(sequence, LayerSequence):
        raise TypeError(f"sequence must be a LayerSequence (from layer_sequence), got {type(sequence).__name__}")
    if not (np.isfinite(layer_speed) and layer_speed > 0):
        raise ValueError(f"layer_speed (transitions per second) must be > 0, got {layer_speed}")
    E, S, N, k = sequence.points.shape
    preds = None
    if predictions is not None:
        pr = np.asarray(predictions)
        if pr.ndim == 1:
            pr = np.broadcast_to(pr, (E, len(pr)))
        if pr.ndim != 2 or pr.shape[0] != E:
            raise ValueError(f"predictions must be N or E×N = {E}×{N} (one row per epoch), got shape {pr.shape}")
        preds = np.broadcast_to(pr[:, None, :], (E, S, pr.shape[1]))
    axes = sequence.tour_axes(start_epoch)
    axes[1]["speed"] = float(layer_speed)
    return tour_figure(
        sequence.points, labels, axes=axes, classes=classes, images=images, predictions=preds, seed=seed,
        speed=speed, tour_path=tour_path, center=False, axis_handles=bool(axis_handles),
        axis_labels=[f"c{j + 1}" for j in range(k)] if axis_labels is None else axis_labels, dot_size=dot_size,
        image_size=image_size, max_images=max_images, autoplay=autoplay, size=size, title=title,
        return_parts=return_parts,
    )


def _main_axis(axes) -> int:
    """The innermost axis that interpolates (driven by the page's time slider), else the last one."""
    for a in range(len(axes) - 1, -1, -1):
        if axes[a].interpolate:
            return a
    return len(axes) - 1


def _axis_handles(axis_labels, d, classes, colors):
    """Labels and colours of the d axis handles."""
    grey = "#555555"
    if axis_labels is None:
        return [f"x{i}" for i in range(d)], [grey] * d
    if isinstance(axis_labels, str):
        if axis_labels != "classes":
            raise ValueError(f"axis_labels must be None, 'classes' or a list of d names; got {axis_labels!r}")
        if len(classes) != d:
            raise ValueError(
                f"axis_labels='classes' needs one class per axis: d = {d} but {len(classes)} classes"
            )
        return list(classes), list(colors)
    names = [str(a) for a in axis_labels]
    if len(names) != d:
        raise ValueError(f"axis_labels has {len(names)} names but the data has d = {d} axes")
    return names, [grey] * d


def _panel_plot(name, side, x_range, y_range, handle_source, *, show_handles):
    """One square panel: the raster image, axis handles, and the centroid / hover markers."""
    tools = [
        BoxSelectTool(renderers=[], description="Brush: select points (drag their centroid to rotate)"),
        PanTool(), WheelZoomTool(), ZoomInTool(), ZoomOutTool(), ResetTool(), SaveTool(),
    ]
    p = figure(
        title=name or None, frame_width=side, frame_height=side, x_range=x_range, y_range=y_range,
        tools=tools, active_drag=tools[0], active_scroll=None, toolbar_location="above", output_backend="canvas",
        min_border=6, background_fill_color="#ffffff", border_fill_color="#ffffff",
    )
    p.toolbar.logo = None
    p.axis.visible = False
    p.grid.visible = False
    p.outline_line_color = "#dddddd"
    if p.title is not None:
        p.title.text_font_size = "13px"
        p.title.text_color = "#444444"

    image = ColumnDataSource(dict(image=[np.zeros((1, 1), np.uint32)], x=[-1.0], y=[1.0], dw=[2.0], dh=[2.0]),
                             syncable=False)
    p.image_rgba("image", "x", "y", "dw", "dh", source=image, origin="top_left", anchor="top_left")
    if show_handles:
        p.segment("x0", "y0", "x1", "y1", source=handle_source, line_color="color", line_width=1.6, line_alpha=0.8)
        p.scatter("x1", "y1", source=handle_source, size=9, fill_color="white", line_color="color", line_width=2)
    # the brush centroid's handle and the ring around the hovered point (rows written by the page)
    markers = ColumnDataSource(
        dict(x=[], y=[], marker=[], size=[], line_color=[], fill_alpha=[], line_width=[]), syncable=False,
    )
    p.scatter("x", "y", source=markers, marker="marker", size="size", fill_color="white",
              fill_alpha="fill_alpha", line_color="line_color", line_width="line_width", visible=False)
    return p, dict(image=image, markers=markers)


def _widgets(inputs: TourInputs, presets: dict[str, np.ndarray], axes: list[TourAxis]):
    """The Bokeh controls under the panels (callbacks are wired in :func:`_wire`): one slider with
    play per data axis (``axes``), and ``time_play``/``time_slider`` naming the main axis' own."""
    play = Button(label="▶ Play", width=90, button_type="primary", syncable=False)
    reset = Button(label="↺ Reset", width=80)
    speed = Slider(title="speed", start=0.0, end=4.0, step=0.1, value=1.0, width=170, syncable=False,
                   stylesheets=[slider_touch_css()])
    has_images = any(p.images is not None for p in inputs.panels)
    mode = RadioButtonGroup(labels=["dots", "images"], active=0, width=140, syncable=False) if has_images else None
    axis_widgets = []
    for ax in axes:
        n = len(ax.labels)
        axis_widgets.append(dict(
            play=Button(label=f"▶ {ax.play_label or ax.name + 's'}", width=100, syncable=False),
            slider=Slider(title=ax.name, start=0, end=max(n - 1, 1e-9), step=0.01 if ax.interpolate else 1,
                          value=ax.start, show_value=True, format=position_formatter(ax.labels, ax.segment_labels),
                          tooltips=False, sizing_mode="stretch_width", min_width=200, max_width=420,
                          stylesheets=[slider_touch_css()], syncable=False, disabled=n < 2),
            indicators=Div(text=_indicators_html(ax), stylesheets=[InlineStyleSheet(css=_INDICATOR_CSS)],
                           styles={"max-width": "100%"}) if ax.indicators else None,
        ))
    main = _main_axis(axes) if axes else None
    time_play = axis_widgets[main]["play"] if axes else None
    time_slider = axis_widgets[main]["slider"] if axes else None
    epoch_slider = axis_widgets[0]["slider"] if len(axes) == 2 and main == 1 else None
    buttons = [Button(label=name, width=max(60, 9 * len(name) + 20)) for name in presets]
    for b, name in zip(buttons, presets):
        b.tags = [name]
    return dict(play=play, reset=reset, speed=speed, mode=mode, axes=axis_widgets, time_play=time_play,
                time_slider=time_slider, epoch_slider=epoch_slider, preset_buttons=buttons)


def _indicators_html(ax: TourAxis) -> str:
    chips = "".join(
        f'<span class="tl-ind{" tl-on" if k == round(ax.start) else ""}" data-step="{k}" role="button" tabindex="0" '
        f'title="go to {html.escape(ax.name)} {html.escape(lab)}">{html.escape(lab)}</span>'
        for k, lab in enumerate(ax.labels)
    )
    return f'<div class="tl-inds">{chips}<span class="tl-keys">keys j / k</span></div>'


def _wire(fig: dict, plots, x_range, y_range, preset_buttons) -> None:
    """Connect the Bokeh models to ``tourlib.TourFigure`` with short CustomJS glue."""
    state = fig["state"]
    attach = CustomJS(
        args=dict(fig=fig),
        code=f"if ({_HAS}) {{ tourlib.TourFigure.attach(fig, cb_obj); }} else {{ {_NO_ENGINE} }}",
    )
    for k, p in enumerate(plots):
        p.js_on_change("inner_width", attach)
        p.js_on_change("inner_height", attach)
        p.js_on_event("selectiongeometry", _call(state, "brush", f"{k}, cb_obj.geometry, cb_obj.final"))
    invalidate = _call(state, "viewChanged")
    for r in (x_range, y_range):
        r.js_on_change("start", invalidate)
        r.js_on_change("end", invalidate)
    w = fig["widgets"]
    w["play"].js_on_event("button_click", _call(state, "togglePlay"))
    w["reset"].js_on_event("button_click", _call(state, "reset"))
    w["speed"].js_on_change("value", _call(state, "setRate", "cb_obj.value"))
    if w["mode"] is not None:
        w["mode"].js_on_change("active", _call(state, "setMode", "cb_obj.active == 1 ? 'images' : 'dots'"))
    for a, aw in enumerate(w["axes"]):
        aw["play"].js_on_event("button_click", _call(state, "playAxis", str(a)))
        aw["slider"].js_on_change("value", _call(state, "setAxis", f"{a}, cb_obj.value"))
    if "align" in w:
        w["align"].js_on_event("button_click", _call(state, "toggleAlignment"))
    for b in preset_buttons:
        b.js_on_event("button_click", _call(state, "applyPreset", json.dumps(b.tags[0])))
    for prop in ("matrix", "playing", "rate", "epoch", "positions", "mode", "layer", "epoch_index", "alignment", "pair"):
        state.js_on_change(prop, _call(state, "stateChanged", json.dumps(prop)))
