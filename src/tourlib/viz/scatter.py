"""A 2-D scatter of labelled points whose tooltips show each point's image."""

from __future__ import annotations

from typing import Sequence

import numpy as np
from bokeh.models import ColumnDataSource, HoverTool
from bokeh.plotting import figure

from .touch import scroll_on_touch
from .palette import class_colors
from .thumbnails import png_data_uris

_TOOLTIP = """
<div style="display:flex;align-items:center;gap:6px">
  <img src="@image" width="56" height="56" style="image-rendering:pixelated;border:1px solid #ccc" alt="">
  <div><b>@class_name</b><br>index @index</div>
</div>
"""


def image_scatter(
    xy: np.ndarray,
    labels: np.ndarray,
    images: np.ndarray,
    classes: Sequence[str],
    *,
    title: str = "",
    x_label: str = "x",
    y_label: str = "y",
    width: int = 640,
    height: int = 480,
):
    """Scatter ``xy`` (N×2) coloured by class, hover shows the image, legend click hides a class.

    Returns a Bokeh figure; show it with :func:`tourlib.viz.show`.
    """
    xy = np.asarray(xy, dtype=float)
    labels = np.asarray(labels)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must be N×2, got shape {xy.shape}")
    if not np.isfinite(xy).all():
        raise ValueError("xy contains NaN or infinite values; drop or impute those points first")
    if labels.shape != (len(xy),) or len(images) != len(xy):
        raise ValueError(
            f"need one label and one image per point: {len(xy)} points, "
            f"{labels.shape[0] if labels.ndim else 0} labels, {len(images)} images"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= len(classes)):
        raise ValueError(f"labels must lie in 0..{len(classes) - 1} to name a class")

    colors = class_colors(len(classes))
    uris = np.array(png_data_uris(images))
    p = figure(
        title=title, width=width, height=height, sizing_mode="scale_width", max_width=width,
        tools="pan,wheel_zoom,box_zoom,reset,save",
        active_scroll=None, x_axis_label=x_label, y_axis_label=y_label,   # a wheel scrolls the page, not the plot
    )
    renderers = []
    for k, name in enumerate(classes):
        mask = labels == k
        if not mask.any():
            continue
        src = ColumnDataSource(dict(
            x=xy[mask, 0], y=xy[mask, 1], image=uris[mask].tolist(),
            index=np.flatnonzero(mask), class_name=[name] * int(mask.sum()),
        ))
        r = p.scatter("x", "y", source=src, size=7, color=colors[k], alpha=0.8,
                      legend_label=f"{k}: {name}" if str(k) != name else name)
        renderers.append(r)
    p.add_tools(HoverTool(renderers=renderers, tooltips=_TOOLTIP))
    p.legend.click_policy = "hide"
    p.legend.location = "top_left"
    p.add_layout(p.legend[0], "right")
    p.toolbar.logo = None
    return scroll_on_touch(p)
