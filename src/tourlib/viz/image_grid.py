"""A grid (or strip) of images as one Bokeh figure: rows of images, each row optionally labelled.

``image_grid(rows)`` takes a list of rows, each a list of equally sized images (grey ``H×W`` in
[0, 1] or uint8 0…255, or colour ``H×W×3``), pads every image with a one-pixel white frame, and draws
the whole grid as one image (grey through ``Greys256``, colour as RGBA; or, with ``png=True``, as one
PNG enlarged by pixel repetition, which is far smaller in a page). ``scale`` screen pixels per image
pixel; ``row_labels`` are drawn at the left, ``col_labels`` above; ``responsive=True`` lets the figure
shrink with a narrow column (keeping its aspect ratio).

``hover_grid(images, hover)`` is a grid of images (one PNG) where hovering a cell shows its label
and another strip of images (e.g. a channel's dataset examples) in the tooltip.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["image_grid", "grid_array", "grid_png", "hover_grid"]


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


def grid_png(rows: Sequence[Sequence[np.ndarray]], scale: int = 1, pad: int = 1) -> str:
    """:func:`grid_array` as a PNG data URI, enlarged ``scale`` times by pixel repetition."""
    from .thumbnails import png_data_uri

    g = grid_array(rows, pad)
    return png_data_uri((g * 255).round().astype(np.uint8), scale=scale)


def _frame(p, width: int, height: int, responsive: bool):
    p.axis.visible = False
    p.grid.visible = False
    p.outline_line_color = None
    p.toolbar.logo = None
    if responsive:
        p.sizing_mode = "scale_width"
        p.max_width = width
    return p


def image_grid(rows: Sequence[Sequence[np.ndarray]], *, title: str | None = None, scale: int = 3,
               row_labels: Sequence[str] | None = None, label_width: int = 0,
               col_labels: Sequence[str] | None = None, png: bool = False, responsive: bool = False):
    """A Bokeh figure of the image grid (see the module docstring)."""
    from bokeh.plotting import figure

    grid = grid_array(rows)
    h, w = grid.shape[:2]
    if row_labels is not None and len(row_labels) != len(rows):
        raise ValueError(f"row_labels has {len(row_labels)} entries for {len(rows)} rows")
    if col_labels is not None and len(col_labels) != len(rows[0]):
        raise ValueError(f"col_labels has {len(col_labels)} entries for {len(rows[0])} columns")
    grow = 2 if responsive else 1      # labels keep their pixel size when the figure shrinks: leave room
    lw = label_width or (0 if row_labels is None else grow * (max(len(s) for s in row_labels) * 7 // scale + 4))
    top = 0 if col_labels is None else grow * max(4, -(-18 // scale))
    width, height = scale * (w + lw), scale * (h + top) + (30 if title else 4)
    p = figure(title=title, width=width, height=height, x_range=(-lw, w), y_range=(0, h + top), tools="",
               toolbar_location=None)
    if png:
        uri = grid_png(rows, scale=scale)
        p.image_url(url=[uri], x=0, y=h, w=w, h=h, anchor="top_left")
    elif grid.ndim == 2:
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
    if col_labels is not None:
        cell = w / len(rows[0])
        p.text([cell * (j + 0.5) for j in range(len(col_labels))], [h + 1] * len(col_labels),
               text=list(col_labels), text_align="center", text_baseline="bottom", text_font_size="11px")
    return _frame(p, width, height, responsive)


def hover_grid(images: Sequence[np.ndarray], hover: Sequence[Sequence[np.ndarray]], *, cols: int = 16,
               labels: Sequence[str] | None = None, title: str | None = None, scale: int = 2,
               hover_scale: int = 2, responsive: bool = True):
    """Images in a grid of ``cols`` columns (one PNG); hovering image ``i`` shows ``labels[i]`` and the
    strip ``hover[i]`` (a list of images, e.g. dataset examples) in the tooltip. The strips are stored
    at their own size (one PNG each) and shown ``hover_scale`` times larger, pixels kept sharp by CSS.

    Images are equally sized (as :func:`grid_array`); a short last row is filled with white.
    """
    from bokeh.models import ColumnDataSource, HoverTool
    from bokeh.plotting import figure

    from .thumbnails import png_data_uri

    images = [np.asarray(im) for im in images]
    n = len(images)
    if n == 0:
        raise ValueError("hover_grid needs at least one image")
    if len(hover) != n:
        raise ValueError(f"need one hover strip per image ({n}), got {len(hover)}")
    labels = [str(i) for i in range(n)] if labels is None else [str(s) for s in labels]
    if len(labels) != n:
        raise ValueError(f"need one label per image ({n}), got {len(labels)}")
    if isinstance(cols, bool) or not isinstance(cols, int) or cols < 1:
        raise ValueError(f"cols must be a positive int, got {cols!r}")
    cols = min(cols, n)
    blank = np.ones_like(_as_float(images[0]))
    cells = [_as_float(im) for im in images] + [blank] * (-n % cols)
    rows = [cells[i:i + cols] for i in range(0, len(cells), cols)]
    g = grid_array(rows)
    h, w = g.shape[:2]
    ch, cw = h / len(rows), w / cols
    strip_grids = [grid_array([list(s)]) for s in hover]
    if len({g.shape for g in strip_grids}) != 1:
        raise ValueError("every hover strip needs the same number of equally sized images")
    strips = [png_data_uri((g * 255).round().astype(np.uint8), scale=1) for g in strip_grids]
    strip_w = hover_scale * strip_grids[0].shape[1]
    src = ColumnDataSource(dict(x=[cw * (i % cols) + cw / 2 for i in range(n)],
                                y=[h - ch * (i // cols) - ch / 2 for i in range(n)],
                                label=labels, strip=strips))
    width, height = scale * w, scale * h + (30 if title else 4)
    p = figure(title=title, width=width, height=height, x_range=(0, w), y_range=(0, h), tools="",
               toolbar_location=None)
    p.image_url(url=[grid_png(rows, scale=scale)], x=0, y=h, w=w, h=h, anchor="top_left")
    cells_r = p.rect("x", "y", width=cw, height=ch, source=src, fill_alpha=0, line_alpha=0,
                     hover_line_color="#d62728", hover_line_alpha=1, hover_line_width=2)
    p.add_tools(HoverTool(renderers=[cells_r], tooltips=(
        '<div style="font-size:12px"><b>@label</b></div>'
        f'<img src="@strip" style="image-rendering:pixelated;width:{strip_w}px" alt="@label">')))
    return _frame(p, width, height, responsive)
