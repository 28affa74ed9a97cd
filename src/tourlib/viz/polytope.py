"""A Grand Tour of a wire-frame object: a square, a cube, a tesseract (vertices and edges, rotating)."""

from __future__ import annotations

import uuid

import numpy as np
from bokeh.layouts import column, row
from bokeh.models import ColumnDataSource, CustomJS, Div, LabelSet, Slider, Toggle
from bokeh.plotting import figure

from ..tour import GrandTour
from .embed import on_ready, require_js


def polytope_tour(
    vertices: np.ndarray,
    edges: np.ndarray,
    *,
    seed: int = 0,
    speed: float = 1.0,
    tour_path: str = "torus",
    title: str = "",
    size: int = 360,
    playing: bool = True,
):
    """A Bokeh layout that rotates ``vertices`` (n×d) with a Grand Tour and draws ``edges`` (m×2 indices).

    The screen shows ``vertices @ G(t)[:, :2]`` with ``G(t)`` from ``GrandTour(d, seed, speed, path=tour_path)``
    (the torus path by default: it comes close to every view, see :mod:`tourlib.tour.torus`); the
    grey lines are the images of the d coordinate axes (the rows of ``G(t)[:, :2]``), labelled
    ``x1 … xd``. A play/pause toggle and a speed slider drive the animation in the browser
    (``viz/js/polytope_tour.js``).
    """
    V = np.asarray(vertices, dtype=float)
    E = np.asarray(edges)
    if V.ndim != 2 or V.shape[1] < 2:
        raise ValueError(f"vertices must be n×d with d ≥ 2, got shape {V.shape}")
    if not np.isfinite(V).all():
        raise ValueError("vertices contain NaN or infinite values")
    if E.ndim != 2 or E.shape[1] != 2 or (E.size and (E.min() < 0 or E.max() >= len(V))):
        raise ValueError(f"edges must be m×2 indices into the {len(V)} vertices, got shape {E.shape}")
    d = V.shape[1]
    tour = GrandTour(d, seed=seed, speed=speed, path=tour_path)
    reach = float(np.linalg.norm(V, axis=1).max()) * 1.08 or 1.0
    p = figure(width=size, height=size, title=title, match_aspect=True, sizing_mode="scale_width", max_width=size,
               x_range=(-reach, reach), y_range=(-reach, reach), tools="", toolbar_location=None)
    p.axis.visible = False
    p.grid.visible = False
    labels = [f"x{i + 1}" for i in range(d)]
    axes = ColumnDataSource(dict(x0=[0.0] * d, y0=[0.0] * d, x1=[0.0] * d, y1=[0.0] * d, label=labels))
    seg = ColumnDataSource(dict(x0=[], y0=[], x1=[], y1=[]))
    pts = ColumnDataSource(dict(x=[], y=[]))
    p.segment("x0", "y0", "x1", "y1", source=axes, color="#888888", line_width=1.5, line_dash="dashed")
    p.add_layout(LabelSet(x="x1", y="y1", text="label", source=axes, text_color="#666666",
                          text_font_size="11px", x_offset=3, y_offset=3))
    p.segment("x0", "y0", "x1", "y1", source=seg, color="#4e79a7", line_width=2)
    p.scatter("x", "y", source=pts, size=7, color="#e15759")
    play = Toggle(label="❚❚ Pause" if playing else "► Play", active=playing, width=90)
    # the slider takes what the row leaves (a fixed width stuck out of a narrow column and widened the page)
    spd = Slider(start=0.0, end=4.0, step=0.1, value=1.0, title="speed ×", sizing_mode="stretch_width",
                 min_width=80)
    clock = Div(text="t = 0.0 s", styles={"color": "#666", "font-size": "12px"})
    key = f"poly-{uuid.uuid4().hex[:8]}"
    play.js_on_change("active", CustomJS(args=dict(key=key), code="tourlib.TourPolytope.toggle(key, cb_obj.active)"))
    # `size` wide, narrower only in a narrower column; the controls wrap. So a wrapping row of polytopes puts
    # them one under the other on a phone (not three tiny ones whose controls stick out and widen the page)
    controls = row(play, spd, sizing_mode="stretch_width", styles={"flex-wrap": "wrap"})
    layout = column(p, controls, clock, sizing_mode="stretch_width",
                    styles={"flex": f"0 1 {size}px", "width": f"{size}px", "max-width": "100%"})
    on_ready(layout, CustomJS(
        args=dict(key=key, params=_plain(tour.params()), vertices=V.ravel().tolist(), dim=d,
                  edges=E.ravel().tolist(), seg=seg, pts=pts, axes=axes, play=play, speed=spd, time=clock),
        code="tourlib.TourPolytope.attach({key, params, vertices, dim, edges, seg, pts, axes, play, speed, time})",
    ))
    return require_js(layout, "polytope_tour")


def _plain(params: dict) -> dict:
    """Tour parameters as JSON-friendly values (lists of floats)."""
    out = {}
    for k, v in params.items():
        out[k] = np.asarray(v).ravel().tolist() if isinstance(v, (np.ndarray, list, tuple)) else v
    return out
