"""A grid (or strip) of images as one Bokeh figure: rows of images, each row optionally labelled.

``image_grid(rows)`` takes a list of rows, each a list of equally sized images (grey ``H×W`` in
[0, 1] or uint8 0…255, or colour ``H×W×3``), pads every image with a one-pixel white frame, and draws
the whole grid as one image (grey through ``Greys256``, colour as RGBA). ``scale`` screen pixels per
image pixel; ``row_labels`` are drawn at the left.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["image_grid", "grid_array"]


def _as_float(im) -> np.ndarray:
    a = np.asarray(im)
    if a.dtype == np.uint8:
        return a.astype(np.float64) / 255.0
    a = a.astype(np.float64)
    if a.size and (np.nanmin(a) < -1e-9 or np.nanmax(a) > 1 + 1e-9):
        raise ValueError("float images must lie in [0, 1] (or pass uint8 0…255)")
    return a


def grid_array(rows: Sequence[Sequence[np.ndarray]], pad: int = 1) -> np.ndarray:
    """The rows of images tiled into one array (``pad`` white pixels around each image): shape
    ``(rows·(H+2·pad), cols·(W+2·pad)[, 3])``, values in [0, 1]. Rows must be equally long."""
    rows = [[_as_float(im) for im in r] for r in rows]
    if not rows or not rows[0]:
        raise ValueError("image_grid needs at least one row with at least one image")
    if len({len(r) for r in rows}) != 1:
        raise ValueError(f"every row needs the same number of images, got {[len(r) for r in rows]}")
    shapes = {im.shape for r in rows for im in r}
    if len(shapes) != 1:
        raise ValueError(f"all images must have one shape, got {sorted(shapes)}")
    shape = shapes.pop()
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] != 3):
        raise ValueError(f"images must be H×W (grey) or H×W×3 (colour), got {shape}")
    widths = ((pad, pad), (pad, pad)) + (((0, 0),) if len(shape) == 3 else ())
    return np.block([[np.pad(im, widths, constant_values=1.0) for im in r] for r in rows]) if len(shape) == 2 \
        else np.concatenate([np.concatenate([np.pad(im, widths, constant_values=1.0) for im in r], axis=1)
                             for r in rows], axis=0)


def image_grid(rows: Sequence[Sequence[np.ndarray]], *, title: str | None = None, scale: int = 3,
               row_labels: Sequence[str] | None = None, label_width: int = 0):
    """A Bokeh figure of the image grid (see the module docstring)."""
    from bokeh.plotting import figure

    grid = grid_array(rows)
    h, w = grid.shape[:2]
    if row_labels is not None and len(row_labels) != len(rows):
        raise ValueError(f"row_labels has {len(row_labels)} entries for {len(rows)} rows")
    lw = label_width or (0 if row_labels is None else max(len(s) for s in row_labels) * 7 // scale + 4)
    p = figure(title=title, width=scale * (w + lw), height=scale * h + (30 if title else 4),
               x_range=(-lw, w), y_range=(0, h), tools="", toolbar_location=None)
    if grid.ndim == 2:
        p.image([grid[::-1]], x=0, y=0, dw=w, dh=h, palette="Greys256", level="image")
    else:
        rgba = np.empty((h, w), dtype=np.uint32)
        view = rgba.view(dtype=np.uint8).reshape(h, w, 4)
        view[..., :3] = (grid[::-1] * 255).round().astype(np.uint8)
        view[..., 3] = 255
        p.image_rgba([rgba], x=0, y=0, dw=w, dh=h)
    if row_labels is not None:
        cell = h / len(rows)
        p.text([-2] * len(rows), [h - cell * (i + 0.5) for i in range(len(rows))], text=list(row_labels),
               text_align="right", text_baseline="middle", text_font_size="11px")
    p.axis.visible = False
    p.grid.visible = False
    p.outline_line_color = None
    return p
