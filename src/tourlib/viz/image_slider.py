"""Frames of images under a slider: optimisation steps, or points along an interpolation.

:func:`image_slider` takes a list of frames (each a list of rows of images, as
:func:`tourlib.viz.image_grid.image_grid`, or one image), encodes every frame once as a PNG data
URI (enlarged by pixel repetition), and draws the current frame with Bokeh's ``image_url``. The
frames are stored in the figure's data source as columns ``f0``, ``f1``, …; moving the slider copies
frame ``k``'s URI into the drawn column ``url`` (``viz/js/image_slider.js``), so it works in a page
with no kernel.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .slider_labels import position_formatter, slider_touch_css
from .image_grid import _frame, grid_png

__all__ = ["image_slider"]

_NO_JS = "console.error('tourlib: image_slider.js is not loaded on this page.')"


def _rows(frame):
    if isinstance(frame, np.ndarray) and frame.ndim in (2, 3) and (frame.ndim == 2 or frame.shape[-1] == 3):
        return [[frame]]
    if isinstance(frame, np.ndarray) and frame.ndim == 4:
        return [list(frame)]
    return [list(r) for r in frame]


def image_slider(frames: Sequence, labels: Sequence, *, title: str | None = None, slider_title: str = "step",
                 scale: int = 3, start: int | None = None, row_labels: Sequence[str] | None = None,
                 responsive: bool = True):
    """A figure that shows one frame of images at a time and a slider over the frames.

    ``frames``: a list of frames; a frame is one image (``H×W×3``), a row of images (``k×H×W×3``)
    or a list of rows. Every frame must tile to the same size. ``labels``: one per frame, shown in
    the slider's title (``"step 32"``). ``start``: the frame shown first (default: the last).
    """
    from bokeh.layouts import column
    from bokeh.models import ColumnDataSource, CustomJS, Slider
    from bokeh.plotting import figure

    from .embed import require_js

    if len(frames) == 0:
        raise ValueError("image_slider needs at least one frame")
    labels = [str(s) for s in labels]
    if len(labels) != len(frames):
        raise ValueError(f"need one label per frame ({len(frames)}), got {len(labels)}")
    rows = [_rows(f) for f in frames]
    shapes = {(len(r), len(r[0]), np.asarray(r[0][0]).shape) for r in rows}
    if len(shapes) != 1:
        raise ValueError(f"every frame must have the same layout and image size, got {sorted(map(str, shapes))}")
    n_rows, n_cols, shape = shapes.pop()
    h, w = n_rows * (shape[0] + 2), n_cols * (shape[1] + 2)
    start = len(frames) - 1 if start is None else int(start)
    if not 0 <= start < len(frames):
        raise ValueError(f"start must be a frame index 0..{len(frames) - 1}, got {start}")
    uris = [grid_png(r, scale=scale) for r in rows]
    data = {"url": [uris[start]], "x": [0], "y": [h], "w": [w], "h": [h]}
    data.update({f"f{k}": [u] for k, u in enumerate(uris)})
    src = ColumnDataSource(data)
    lw = 0 if row_labels is None else (2 if responsive else 1) * (max(len(s) for s in row_labels) * 7 // scale + 4)
    width, height = scale * (w + lw), scale * h + (30 if title else 4)
    p = figure(title=title, width=width, height=height, x_range=(-lw, w), y_range=(0, h), tools="",
               toolbar_location=None)
    p.image_url(url="url", x="x", y="y", w="w", h="h", anchor="top_left", source=src)
    if row_labels is not None:
        if len(row_labels) != n_rows:
            raise ValueError(f"row_labels has {len(row_labels)} entries for {n_rows} rows")
        cell = h / n_rows
        p.text([-2] * n_rows, [h - cell * (i + 0.5) for i in range(n_rows)], text=list(row_labels),
               text_align="right", text_baseline="middle", text_font_size="11px")
    _frame(p, width, height, responsive)
    items = [p]
    if len(frames) > 1:
        slider = Slider(title=slider_title, start=0, end=len(frames) - 1, step=1, value=start, show_value=True,
                        format=position_formatter(labels), sizing_mode="stretch_width", max_width=min(width, 340),
                        stylesheets=[slider_touch_css()], tags=["tourlib-image-slider"])
        slider.js_on_change("value", CustomJS(
            args=dict(source=src, labels=labels, name=slider_title),
            code=("if (window.tourlib && tourlib.ImageSlider) { tourlib.ImageSlider.setFrame(source, labels, name, cb_obj); }"
                  f" else {{ {_NO_JS} }}")))
        items.append(slider)
    layout = column(*items, sizing_mode="stretch_width" if responsive else None,
                    max_width=width if responsive else None)
    return require_js(layout, "image_slider")
