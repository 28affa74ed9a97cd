"""The network "opened": layers as coloured blocks, one image's activations as heatmaps between them.

:func:`network_figure` draws, left to right, the input image and the output of every layer of a
:class:`tourlib.nets.LayeredNet` for one image, each as a grey-scale heatmap (a C×H×W feature map as
a mosaic of its C channels, a vector as a column of cells; every heatmap scaled to its own range,
white = lowest, black = highest), with a block for each layer between them, coloured by kind:

=================  ==========================================  ==========
kind               layers                                      colour
=================  ==========================================  ==========
linear             convolution, fully connected                blue
component-wise     ReLU (and other per-coordinate maps)        green
other              max-pooling, softmax                        orange
=================  ==========================================  ==========

Below: the class probabilities (bars, the true class outlined) and the prediction against the
truth. With several networks (one per epoch) an epoch slider swaps the activations in the page
(``viz/js/network_figure.js``; every epoch's heatmaps are embedded, a few kB each).

:func:`layer_profile_figure` plots per-layer numbers (e.g. a separation measure, see
:mod:`tourlib.nets.separation`) against the same layer names.
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping, Sequence

import numpy as np
from bokeh.layouts import column
from bokeh.models import ColumnDataSource, CustomJS, Div, HoverTool, LinearColorMapper, Slider
from bokeh.palettes import Greys256
from bokeh.plotting import figure

from .palette import class_colors
from .slider_labels import position_formatter, slider_touch_css

__all__ = ["network_figure", "layer_kind", "layer_profile_figure", "KIND_COLORS"]

#: Block colours by kind of layer.
KIND_COLORS = {"linear": "#4e79a7", "component-wise": "#59a14f", "other": "#f28e2b"}

_NO_JS = "console.error('tourlib: network_figure.js is not loaded on this page.')"

HEAT_HEIGHT = 100.0  # data units of the tallest heatmap
BLOCK_WIDTH = 16.0
GAP = 6.0


def _mosaic(values: np.ndarray, shape: Sequence[int]) -> np.ndarray:
    """A 2-D array to draw: C×H×W as a grid of channels (at most 5 per column), a vector as a column."""
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if len(shape) == 3:
        C, H, W = shape
        maps = v.reshape(C, H, W)
        rows = min(C, 5)
        cols = math.ceil(C / rows)
        out = np.full((rows * (H + 1) - 1, cols * (W + 1) - 1), np.nan)
        for c in range(C):
            r, q = c % rows, c // rows
            out[r * (H + 1): r * (H + 1) + H, q * (W + 1): q * (W + 1) + W] = maps[c]
        return out
    return v.reshape(-1, 1)


def _scaled(a: np.ndarray) -> np.ndarray:
    """Values in [0, 1] (its own min → 0, max → 1); separators (NaN) stay NaN."""
    lo, hi = np.nanmin(a), np.nanmax(a)
    out = (a - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    return out.astype(np.float32)


def network_figure(
    opened: Any,
    label: int,
    *,
    classes: Sequence[str],
    epochs: Sequence[Any] | None = None,
    start: int | None = None,
    title: str | None = None,
    width: int = 700,
):
    """The network opened for one image, at one or several epochs.

    ``opened``: the image's activations, an :class:`~tourlib.nets.opened.OpenedNetwork`
    (``open_network(models, image)``; one entry per epoch, labelled by ``epochs``); ``label``: the
    image's true class; ``start``: the epoch index shown first (default the last). Returns a Bokeh layout.
    """
    needed = ("names", "kinds", "shapes", "activations", "probabilities")
    if not all(hasattr(opened, a) for a in needed):
        raise TypeError(f"network_figure takes activations, not {type(opened).__name__}: "
                        "pass tourlib.nets.opened.open_network(models, image)")
    E = len(opened.activations)
    labels = [str(e) for e in (epochs if epochs is not None else range(E))]
    if len(labels) != E:
        raise ValueError(f"epochs has {len(labels)} labels for {E} networks")
    start = E - 1 if start is None else int(start)
    if not 0 <= start < E:
        raise ValueError(f"start must be an epoch index in 0…{E - 1}, got {start}")
    K = len(classes)
    if not 0 <= int(label) < K:
        raise ValueError(f"label must be a class code in 0…{K - 1}, got {label}")
    names, kinds = list(opened.names), list(opened.kinds)
    all_shapes = [tuple(s) for s in opened.shapes]
    shapes = dict(zip(names, all_shapes[1:]))
    acts = [[np.asarray(a).reshape(-1) for a in per_epoch] for per_epoch in opened.activations]
    probs = [np.asarray(p, dtype=np.float64) for p in opened.probabilities]

    # geometry: every heatmap is HEAT_HEIGHT tall (vectors: a narrow column), blocks in between
    first = [_mosaic(v, s) for v, s in zip(acts[0], all_shapes)]
    xs, ws, hs = [], [], []
    x = 0.0
    for j, m in enumerate(first):
        h = HEAT_HEIGHT if m.shape[1] > 1 or m.shape[0] >= 10 else HEAT_HEIGHT * 0.6
        w = max(6.0, h * m.shape[1] / m.shape[0]) if m.shape[1] > 1 else 6.0
        xs.append(x)
        ws.append(w)
        hs.append(h)
        x += w + GAP
        if j < len(names):
            x += BLOCK_WIDTH + GAP
    total = x - GAP
    heat = {"image": [_scaled(_mosaic(v, s)) for v, s in zip(acts[start], all_shapes)],
            "x": xs, "y": [-h / 2 for h in hs], "dw": ws, "dh": hs,
            "name": ["input"] + names, "size": [" × ".join(map(str, s)) for s in all_shapes]}
    for e in range(E):
        heat[f"img{e}"] = [_scaled(_mosaic(v, s)) for v, s in zip(acts[e], all_shapes)]
    heat_src = ColumnDataSource(heat)
    block_x = [xs[j] + ws[j] + GAP + BLOCK_WIDTH / 2 for j in range(len(names))]
    blocks = ColumnDataSource(dict(
        x=block_x, y=[0.0] * len(names), w=[BLOCK_WIDTH] * len(names), h=[0.8 * HEAT_HEIGHT] * len(names),
        color=[KIND_COLORS[k] for k in kinds], kind=kinds, name=names,
        size=[" × ".join(map(str, shapes[n])) for n in names],
    ))

    height = 290
    p = figure(width=width, height=height, x_range=(-4, total + 4),
               y_range=(-HEAT_HEIGHT / 2 - 22, HEAT_HEIGHT / 2 + 8), tools="", toolbar_location=None,
               title=title, sizing_mode="scale_width", max_width=width)   # the whole network fits a phone
    p.axis.visible = False
    p.grid.visible = False
    p.outline_line_color = None
    mapper = LinearColorMapper(palette=list(reversed(Greys256)), low=0.0, high=1.0, nan_color="#ffffff")
    r_heat = p.image("image", "x", "y", "dw", "dh", source=heat_src, color_mapper=mapper)
    p.rect("x", "y", "dw", "dh", source=ColumnDataSource(dict(
        x=[a + w / 2 for a, w in zip(xs, ws)], y=[0.0] * len(xs), dw=ws, dh=hs)),
        fill_alpha=0, line_color="#999999", line_width=0.8)
    r_block = p.rect("x", "y", "w", "h", source=blocks, fill_color="color", line_color="color",
                     legend_field="kind")
    p.text("x", "y", text="name", source=blocks, angle=math.pi / 2, text_align="center",
           text_baseline="middle", text_color="white", text_font_size="11px", text_font_style="bold")
    p.text([a + w / 2 for a, w in zip(xs, ws)], [-HEAT_HEIGHT / 2 - 4] * len(xs), text=["input"] + [""] * len(names),
           text_align="center", text_baseline="top", text_font_size="10px", text_color="#555555")
    legend = p.legend[0]
    p.center.remove(legend)
    legend.orientation = "horizontal"
    legend.label_text_font_size = "11px"
    legend.title = "layer kind:"
    legend.title_text_font_size = "11px"
    p.add_layout(legend, "below")
    p.add_tools(HoverTool(renderers=[r_heat], tooltips=[("activation", "@name"), ("shape", "@size")]))
    p.add_tools(HoverTool(renderers=[r_block], tooltips=[("layer", "@name"), ("kind", "@kind"), ("output", "@size")]))

    colors = class_colors(K)
    bars = {"cls": list(classes), "p": probs[start].tolist(),
            "line": ["#222222" if k == int(label) else "#ffffff" for k in range(K)],
            "color": colors}
    for e in range(E):
        bars[f"p{e}"] = probs[e].tolist()
    bar_src = ColumnDataSource(bars)
    q = figure(width=min(width, 520), height=170, x_range=list(classes), y_range=(0, 1.02), tools="",
               toolbar_location=None, title="class probabilities (softmax); the true class outlined",
               sizing_mode="scale_width", max_width=min(width, 520))
    q.vbar("cls", top="p", width=0.8, source=bar_src, fill_color="color", line_color="line", line_width=2)
    q.xaxis.major_label_orientation = 0.6 if max(len(c) for c in classes) > 5 else 0
    q.xgrid.visible = False
    q.title.text_font_size = "12px"

    texts = []
    for e in range(E):
        k = int(np.argmax(probs[e]))
        ok = k == int(label)
        mark = '<span style="color:#2a7a2a">✓ right</span>' if ok else '<span style="color:#c0392b">✗ wrong</span>'
        texts.append(f"<b>epoch {html.escape(labels[e])}</b>: predicted <b>{html.escape(classes[k])}</b> "
                     f"(p = {probs[e][k]:.2f}), truth <b>{html.escape(classes[int(label)])}</b> {mark}")
    info = Div(text=texts[start], styles={"font-size": "13px"})
    items = [p, info, q]
    if E > 1:
        slider = Slider(title="epoch", start=0, end=E - 1, step=1, value=start, sizing_mode="stretch_width",
                        max_width=420, show_value=True, format=position_formatter(labels), stylesheets=[slider_touch_css()])
        slider.js_on_change("value", CustomJS(
            args=dict(heat=heat_src, bars=bar_src, info=info, texts=texts, labels=labels),
            code=("if (window.tourlib && tourlib.NetworkFigure) { tourlib.NetworkFigure.setEpoch({heat, bars, info, texts, labels}, cb_obj); }"
                  f" else {{ {_NO_JS} }}"),
        ))
        items.insert(1, slider)
    from .embed import require_js
    return require_js(column(*items, sizing_mode="stretch_width", styles={"max-width": f"{width}px"}),
                      "network_figure")


def layer_profile_figure(
    layers: Sequence[str],
    series: Mapping[str, Sequence[float]],
    *,
    title: str | None = None,
    y_label: str = "",
    width: int = 560,
    height: int = 300,
    highlight: str | None = None,
):
    """Lines of per-layer values (``series``: name → one value per layer) over categorical layer names;
    ``highlight`` marks one layer with a band."""
    layers = [str(n) for n in layers]
    p = figure(width=width, height=height, x_range=layers, title=title, tools="hover",
               sizing_mode="scale_width", max_width=width,
               tooltips=[("", "$name"), ("layer", "@x"), ("value", "@y{0.00}")], toolbar_location=None)
    if highlight is not None:
        if highlight not in layers:
            raise ValueError(f"highlight {highlight!r} is not one of the layers {layers}")
        p.vbar(x=[highlight], top=[1e9], bottom=[-1e9], width=0.9, fill_color="#f3e6c4", line_color=None,
               fill_alpha=0.6)
    colors = class_colors(max(1, len(series)))
    ys = []
    for (name, vals), c in zip(series.items(), colors):
        v = np.asarray(vals, dtype=np.float64)
        if v.shape != (len(layers),):
            raise ValueError(f"series {name!r} has {v.size} values for {len(layers)} layers")
        src = ColumnDataSource(dict(x=layers, y=v))
        p.line("x", "y", source=src, color=c, line_width=2, legend_label=str(name), name=str(name))
        p.scatter("x", "y", source=src, color=c, size=6, name=str(name))
        ys.append(v)
    allv = np.concatenate(ys) if ys else np.array([0.0, 1.0])
    lo, hi = float(np.nanmin(allv)), float(np.nanmax(allv))
    pad = 0.08 * (hi - lo or 1.0)
    p.y_range.start, p.y_range.end = lo - pad, hi + pad
    p.xaxis.major_label_orientation = 0.8
    p.yaxis.axis_label = y_label
    legend = p.legend[0]
    p.center.remove(legend)
    legend.label_text_font_size = "11px"
    p.add_layout(legend, "right")
    return p
