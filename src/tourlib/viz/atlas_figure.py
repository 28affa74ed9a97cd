"""The activation atlas as an interactive figure, and one image's activation grid.

:func:`atlas_figure` draws the icons of one or several grids of the same 2-D layout (``grids[l]``, a
:class:`tourlib.atlas.Grid`, and ``icons[l]``, one ``S×S×3`` uint8 icon per kept cell), coarse to
fine, on a square canvas (``viz/js/atlas_figure.js``; static HTML, no kernel):

* **Cells.** Cell ``(row, col)`` of a ``G×G`` grid is drawn centred at ``((col + ½)/G, (row + ½)/G)``
  of the unit square, ``x`` to the right and ``y`` up (row 0 at the bottom). Its icon's side is
  ``cell × (0.35 + 0.65 · min(1, √(count / q90)))``, ``q90`` the 90th percentile of the level's
  counts: dense cells fill their cell, sparse ones are smaller.
* **Labels.** Each icon is labelled with the class of its largest mean attribution, in that class's
  colour (:mod:`tourlib.viz.palette`), once a cell is at least ``label_px`` CSS px wide.
* **Levels.** The page shows the finest grid whose cells are at least ``min_icon_px`` CSS px wide
  at the current zoom (the coarsest when none is): zooming in switches to finer grids.
* **Zoom and pan.** +/−/reset buttons, double-click (double-tap) to zoom in, ctrl/⌘ + wheel and a
  two-finger pinch zoom around the pointer; a mouse drag (a sideways finger) pans. A plain wheel
  and a vertical one-finger swipe scroll the page.
* **Hover / tap** on a cell: its top 3 classes with their mean attributions, its count and up to
  ``n_examples`` training images whose activations fall in it (the members with the smallest
  activation indices: deterministic, and shared across levels, see :func:`example_choice`).
* **Class focus** (the select "focus"): icon ``m``'s opacity becomes
  ``α_m = 0.06 + 0.94 · clip(a_mc / max_m' a_m'c, 0, 1)``, ``a_mc`` the cell's mean attribution to
  class ``c`` and the maximum taken over the cells of the same level (so the cell that supports
  ``c`` most is opaque, cells with no positive attribution to ``c`` nearly vanish); "all" sets
  every ``α = 1``.

Icons are embedded as one sprite sheet per level (WebP q70 by default, base64 in the page; a level
of more than 1,000 icons is stored at 24 px, see ``icon_px``; the encoded bytes per level are in
:func:`atlas_payload`'s ``bytes``, :func:`atlas_bytes` gives a layout's); the example images (at most
``max_examples`` = 1,000 distinct ones) as one more sheet; the arrays are int16/uint8 codes. With
these defaults a 10/20/40 atlas of 32 px icons with CIFAR-10 examples is a figure output of about
1.0 MB (``benchmarks/bench_atlas_zoom.py``), so five fit the chapter's 6 MB. :class:`AtlasState` is the live state the page writes (focus, zoom, centre, level), so a
kernel can read it back through jupyter_bokeh.

:func:`atlas_grid_figure`: one image beside the ``H×W`` grid of icons of its activations at one
layer; hovering (tapping) a position outlines the image patch that position sees (its receptive
field box) and shows the position's top classes.
"""

from __future__ import annotations

import base64
import html
import io
import json
import uuid
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from bokeh.core.properties import Float, Int, List, String
from bokeh.model import DataModel

from .palette import class_colors

__all__ = ["atlas_figure", "atlas_grid_figure", "atlas_payload", "atlas_state", "atlas_bytes", "example_choice", "focus_alpha", "icon_scale",
           "AtlasState", "sprite_sheet"]

_HAS = "window.tourlib && tourlib.AtlasFigure"
_NO_JS = "console.error('tourlib: atlas_figure.js is not loaded on this page.')"
ALPHA_FLOOR = 0.06
FORMATS = {"webp": "WEBP", "jpeg": "JPEG", "png": "PNG"}


class AtlasState(DataModel):
    """Live state of an atlas figure, written by the page when the view settles; in a live kernel
    (jupyter_bokeh) it reads back into Python, and setting ``focus``, ``zoom`` or ``center`` from
    Python moves the page's view."""

    focus = String("", help="the focused class name ('' for all)")
    zoom = Float(1.0, help="zoom factor (1: the whole atlas)")
    center = List(Float, default=[0.5, 0.5], help="the view's centre (x, y) in the unit square")
    level = Int(0, help="the grid level drawn (0: coarsest)")
    hovered = Int(-1, help="the hovered cell of the drawn level (-1: none)")


# ----------------------------------------------------------------------------------------- math

def icon_scale(count) -> np.ndarray:
    """Icon side as a fraction of the cell: ``0.35 + 0.65 · min(1, √(count / q90(count)))``."""
    c = np.asarray(count, dtype=np.float64)
    if c.size == 0:
        return c
    q = max(float(np.percentile(c, 90)), 1e-12)
    return 0.35 + 0.65 * np.minimum(1.0, np.sqrt(np.maximum(c, 0) / q))


def focus_alpha(mean_attribution, c: int) -> np.ndarray:
    """Opacity of each cell when class ``c`` is focused (module docstring); the page computes the same."""
    a = np.asarray(mean_attribution, dtype=np.float64)[:, c]
    top = a.max() if a.size else 0.0
    share = np.clip(a / top, 0, 1) if top > 0 else np.zeros_like(a)
    return ALPHA_FLOOR + (1 - ALPHA_FLOOR) * share


def example_choice(grids, n_examples: int, max_examples: int | None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Which activations each cell shows as examples: ``(pool, per_level)``.

    A cell's examples are its members with the smallest activation indices, up to ``n_examples``.
    Because a coarse cell's members are the union of its finer cells' members (grids of one
    layout), its smallest indices are among its children's, so the levels share images. The pool
    (distinct activation indices, sorted) holds at most ``max_examples``: round ``r`` = 1, 2, …
    gives every cell of every level (coarse first) its ``r``-th example while room is left.
    ``per_level[l]`` is ``M_l × n_examples`` int32 positions into ``pool`` (−1: none).
    """
    sorted_members = [[np.sort(np.asarray(m, dtype=np.int64)) for m in g.members] for g in grids]
    chosen: dict[int, None] = {}
    cap = np.inf if max_examples is None else int(max_examples)
    for r in range(n_examples):
        for members in sorted_members:
            for m in members:
                if len(chosen) >= cap:
                    break
                if len(m) > r:
                    chosen.setdefault(int(m[r]), None)
    pool = np.array(sorted(chosen), dtype=np.int64)
    where = {int(a): i for i, a in enumerate(pool)}
    per_level = []
    for members in sorted_members:
        out = np.full((len(members), n_examples), -1, dtype=np.int32)
        for k, m in enumerate(members):
            picks = [where[int(a)] for a in m if int(a) in where][:n_examples]
            out[k, :len(picks)] = picks
        per_level.append(out)
    return pool, per_level


# ------------------------------------------------------------------------------------- encoding

def sprite_sheet(images: np.ndarray, *, fmt: str = "webp", quality: int = 70, cols: int | None = None):
    """``(data_uri, cols, n_bytes)``: ``images`` (``M×S×S×3`` uint8) tiled row-major, ``cols`` per row."""
    images = np.asarray(images)
    M, h, w = images.shape[:3]
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}; use one of {sorted(FORMATS)}")
    cols = int(cols or max(1, int(np.ceil(np.sqrt(max(M, 1))))))
    rows = max(1, -(-M // cols))
    sheet = np.full((rows * h, cols * w, 3), 255, dtype=np.uint8)
    for i in range(M):
        r, c = divmod(i, cols)
        sheet[r * h:(r + 1) * h, c * w:(c + 1) * w] = images[i]
    from PIL import Image

    buf = io.BytesIO()
    kw = {"quality": int(quality)} if fmt in ("webp", "jpeg") else {"optimize": True}
    if fmt == "webp":
        kw["method"] = 6
    Image.fromarray(sheet).save(buf, format=FORMATS[fmt], **kw)
    raw = buf.getvalue()
    mime = "image/" + fmt
    return f"data:{mime};base64," + base64.b64encode(raw).decode("ascii"), cols, len(raw)


@dataclass
class _Checked:
    grids: list
    icons: list
    images: np.ndarray | None
    image_index: np.ndarray | None
    K: int


def _check(grids, icons, class_names, images, image_index) -> _Checked:
    if isinstance(grids, (str, bytes)) or not isinstance(grids, Sequence) or len(grids) == 0:
        raise ValueError("grids must be a non-empty list of tourlib.atlas.Grid, one per zoom level (coarse to fine)")
    if isinstance(icons, np.ndarray) or not isinstance(icons, Sequence):
        raise ValueError("icons must be a list of M×S×S×3 uint8 arrays, one per grid (a list even for one level)")
    if len(icons) != len(grids):
        raise ValueError(f"need one icon array per grid: {len(grids)} grids but {len(icons)} icon arrays")
    K = len(class_names)
    if K == 0:
        raise ValueError("class_names must name the classes of the attributions (one per column)")
    sizes = []
    out_icons = []
    for l, (g, ic) in enumerate(zip(grids, icons)):
        for attr in ("size", "cells", "count", "mean_attribution", "members"):
            if not hasattr(g, attr):
                raise TypeError(f"grids[{l}] is a {type(g).__name__}, not a tourlib.atlas.Grid (no {attr!r})")
        M = len(g.cells)
        if M == 0:
            raise ValueError(f"grids[{l}] ({g.size}×{g.size}) has no kept cells; lower min_count or use fewer cells")
        att = np.asarray(g.mean_attribution)
        if att.shape != (M, K):
            raise ValueError(f"grids[{l}].mean_attribution is {att.shape}, expected (M={M}, K={K}): "
                             f"one column per class name ({K} class_names)")
        if len(g.count) != M or len(g.members) != M:
            raise ValueError(f"grids[{l}] has {M} cells but {len(g.count)} counts and {len(g.members)} member lists")
        ic = np.asarray(ic)
        if ic.ndim != 4 or ic.shape[3] != 3 or ic.shape[1] != ic.shape[2]:
            raise ValueError(f"icons[{l}] has shape {ic.shape}; expected M×S×S×3 (square RGB icons, one per cell)")
        if ic.shape[0] != M:
            raise ValueError(f"icons[{l}] has {ic.shape[0]} icons but grids[{l}] has {M} kept cells: one icon per cell")
        if ic.dtype != np.uint8:
            raise ValueError(f"icons[{l}] are {ic.dtype}; pass uint8 0…255 (e.g. (x * 255).round().astype('uint8'))")
        sizes.append(int(g.size))
        out_icons.append(ic)
    if any(b <= a for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"grids must go from coarse to fine (sizes increasing), got sizes {sizes}")
    if image_index is not None and images is None:
        raise ValueError("image_index maps activations to rows of images: pass images too")
    if images is not None:
        images = np.asarray(images)
        if images.ndim != 4 or images.shape[3] != 3 or images.dtype != np.uint8:
            raise ValueError(f"images must be N×h×w×3 uint8, got shape {images.shape} and dtype {images.dtype}")
        n_act = 1 + max(int(np.max(m)) for g in grids for m in g.members if len(m))
        if image_index is None:
            if n_act > len(images):
                raise ValueError(f"members index activations up to {n_act - 1} but there are {len(images)} images: "
                                 "pass image_index (activation row → image row)")
            image_index = np.arange(len(images))
        image_index = np.asarray(image_index)
        if image_index.ndim != 1 or not np.issubdtype(image_index.dtype, np.integer):
            raise ValueError(f"image_index must be a 1-D integer array (activation row → image row), "
                             f"got shape {image_index.shape} and dtype {image_index.dtype}")
        if len(image_index) < n_act:
            raise ValueError(f"image_index has {len(image_index)} entries but members index activations up to "
                             f"{n_act - 1}: one image row per activation")
        if image_index.size and (image_index.min() < 0 or image_index.max() >= len(images)):
            raise ValueError(f"image_index must point at rows 0…{len(images) - 1} of images")
    return _Checked(list(grids), out_icons, images, image_index, K)


#: ``icon_px="auto"``: a level with more icons than this is stored at AUTO_PX px (the page budget).
AUTO_MANY, AUTO_PX = 1000, 24


def _resized(icons: np.ndarray, px: int | None) -> np.ndarray:
    if px is None or px == icons.shape[1]:
        return icons
    from PIL import Image

    return np.stack([np.asarray(Image.fromarray(ic).resize((px, px), Image.LANCZOS)) for ic in icons])


def _icon_sides(icon_px, icons) -> list:
    if icon_px == "auto":
        return [min(AUTO_PX, ic.shape[1]) if len(ic) > AUTO_MANY else None for ic in icons]
    if icon_px is None or isinstance(icon_px, (int, np.integer)):
        return [None if icon_px is None else int(icon_px)] * len(icons)
    sides = list(icon_px)
    if len(sides) != len(icons):
        raise ValueError(f"icon_px has {len(sides)} sides for {len(icons)} levels: give one int, one per level, "
                         "None or 'auto'")
    return [None if v is None else int(v) for v in sides]


def atlas_payload(grids, icons, *, class_names, images=None, image_index=None, n_examples: int = 3,
                  max_examples: int | None = 1000, icon_format: str = "webp", icon_quality: int = 70,
                  icon_px="auto", example_quality: int = 70) -> dict:
    """The plain data the page reads (checked): one dict per level plus the example sheet.

    ``levels[l]``: ``size`` G, ``cells`` (flat row, col int16), ``count``, ``scale`` (icon side /
    cell, :func:`icon_scale`, as uint8 codes ``round(255 · scale)``), ``top`` (M×3 class codes),
    ``attribution`` (the M×K mean attributions as int16 codes ``q``: ``a = q · attribution_scale``,
    ``attribution_scale = max|a| / 32767``, so the error is at most ``max|a| / 65534``), ``sheet`` (the icons' data URI), ``cols``, ``icon`` (S), ``bytes`` (encoded
    bytes of the sheet), ``examples`` (M×n_examples positions into the example sheet, −1 none).
    ``icon_px``: the stored side of the icons, one int, one per level (None: as given) or ``"auto"``
    (levels of more than 1,000 icons at 24 px, the others as given: the chapter's budget of 6 MB for
    five 3-level atlases, see ``benchmarks/bench_atlas_zoom.py``).
    """
    chk = _check(grids, icons, class_names, images, image_index)
    if isinstance(n_examples, bool) or not isinstance(n_examples, (int, np.integer)) or n_examples < 0:
        raise ValueError(f"n_examples must be an int ≥ 0, got {n_examples!r}")
    use_examples = chk.images is not None and n_examples > 0
    pool, per_level = example_choice(chk.grids, n_examples, max_examples) if use_examples else (None, None)
    levels = []
    ex_type = np.int16 if pool is None or len(pool) < 32767 else np.int32
    sides = _icon_sides(icon_px, chk.icons)
    for l, (g, ic) in enumerate(zip(chk.grids, chk.icons)):
        if sides[l] is not None and sides[l] < 4:
            raise ValueError(f"icon_px must be at least 4 px, got {sides[l]}")
        ic = _resized(ic, sides[l])
        att = np.asarray(g.mean_attribution, dtype=np.float64)
        amax = float(np.abs(att).max()) or 1.0
        uri, cols, nbytes = sprite_sheet(ic, fmt=icon_format, quality=icon_quality)
        k = min(3, chk.K)
        levels.append(dict(
            size=int(g.size), cells=np.asarray(g.cells, dtype=np.int16).reshape(-1), count=np.asarray(g.count, dtype=np.int32),
            scale=np.round(255 * icon_scale(g.count)).astype(np.uint8),
            top=np.argsort(-att, axis=1, kind="stable")[:, :k].astype(np.int8).reshape(-1),
            attribution=np.round(att / amax * 32767).astype(np.int16).reshape(-1), attribution_scale=amax / 32767,
            sheet=uri, cols=int(cols), icon=int(ic.shape[1]), bytes=int(nbytes),
            examples=(per_level[l].reshape(-1).astype(ex_type) if use_examples else np.zeros(0, np.int16)),
        ))
    out = dict(levels=levels, classes=[str(c) for c in class_names], colors=class_colors(chk.K),
               n_examples=int(n_examples) if use_examples else 0, examples=None)
    if use_examples:
        ex = chk.images[chk.image_index[pool]]
        uri, cols, nbytes = sprite_sheet(ex, fmt=icon_format, quality=example_quality)
        out["examples"] = dict(sheet=uri, cols=int(cols), h=int(ex.shape[1]), w=int(ex.shape[2]), bytes=int(nbytes),
                               count=int(len(pool)), activations=pool.astype(np.int32))
    return out


# --------------------------------------------------------------------------------------- figure

_TEXT = {"font": "13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "color": "#444", "max-width": "100%"}


def _call(state, method: str, extra: str = "") -> "CustomJS":
    from bokeh.models import CustomJS

    args = f", {extra}" if extra else ""
    return CustomJS(args=dict(state=state),
                    code=f"if ({_HAS}) {{ tourlib.AtlasFigure.call(state, {json.dumps(method)}{args}); }} else {{ {_NO_JS} }}")


def atlas_figure(grids, icons, *, class_names, images=None, image_index=None, n_examples: int = 3,
                 title: str | None = None, axis_labels=None, figure_id: str | None = None, size: int = 640,
                 min_icon_px: float = 44, label_px: float = 58, max_examples: int | None = 1000,
                 icon_format: str = "webp", icon_quality: int = 70, icon_px="auto", example_quality: int = 70):
    """An interactive, multi-resolution activation atlas (see the module docstring); a Bokeh layout.

    ``grids``: :class:`tourlib.atlas.Grid` per zoom level, coarse to fine (e.g. 10×10, 20×20, 40×40
    of one layout); ``icons``: one ``M_l×S×S×3`` uint8 array per grid, icon ``k`` for cell ``k``;
    ``class_names``: one per attribution column. ``images`` (``N×h×w×3`` uint8) and ``image_index``
    (activation row → image row; default: the identity) give the hover's examples, ``n_examples``
    per cell (``max_examples`` distinct images at most, see :func:`example_choice`).
    ``axis_labels``: text under the x axis, a string (centred) or ``(left, right)``, e.g.
    ``("← more cat", "more dog →")``. ``figure_id``: a name for ``tourlib.AtlasFigure.byId``.
    ``size``: the canvas side in px (it shrinks with a narrower column). ``min_icon_px``: the
    smallest cell (CSS px) a level is drawn at; ``label_px``: the smallest cell that gets a label.
    ``icon_format`` ``"webp"`` / ``"jpeg"`` / ``"png"``, the qualities and ``icon_px`` (see
    :func:`atlas_payload`) set the embedded bytes.
    """
    from bokeh.layouts import column, row
    from bokeh.models import Button, ColumnDataSource, CustomJS, Div, Select
    from bokeh.plotting import figure

    from .embed import on_ready, require_js

    payload = atlas_payload(grids, icons, class_names=class_names, images=images, image_index=image_index,
                            n_examples=n_examples, max_examples=max_examples, icon_format=icon_format,
                            icon_quality=icon_quality, icon_px=icon_px, example_quality=example_quality)
    if axis_labels is None:
        labels = None
    elif isinstance(axis_labels, str):
        labels = ["", axis_labels, ""]
    else:
        axis_labels = [str(s) for s in axis_labels]
        if len(axis_labels) != 2:
            raise ValueError(f"axis_labels is a string or a pair (left, right), got {len(axis_labels)} texts")
        labels = [axis_labels[0], "", axis_labels[1]]
    size = int(size)
    if size < 200:
        raise ValueError(f"size is the canvas side in px, at least 200; got {size}")
    state = AtlasState()
    cfg = dict(payload, figure_id=str(figure_id or ""), min_icon_px=float(min_icon_px), label_px=float(label_px),
               size=size, uid=uuid.uuid4().hex[:8])
    for lev in cfg["levels"]:
        lev.pop("bytes")

    p = figure(width=size, height=size, x_range=(0, 1), y_range=(0, 1), tools="", toolbar_location=None,
               min_border=1, sizing_mode="scale_width", max_width=size, match_aspect=True,
               tags=["tourlib-atlas-plot"])
    p.toolbar.active_drag = None      # the page's own gestures (atlas_figure.js); a swipe scrolls the page
    p.toolbar.active_scroll = None    # a plain wheel scrolls the page; ctrl/⌘ + wheel zooms
    p.axis.visible = False
    p.grid.visible = False
    p.outline_line_color = "#dddddd"
    p.background_fill_color = "#ffffff"
    raster = ColumnDataSource(dict(image=[np.zeros((1, 1), dtype=np.uint32)], x=[0.0], y=[1.0], dw=[1.0], dh=[1.0]),
                              syncable=False)
    r = p.image_rgba(image="image", x="x", y="y", dw="dw", dh="dh", source=raster, origin="top_left", anchor="top_left")
    status = Div(text="", styles={**_TEXT, "color": "#666", "font-size": "12px"})
    plus = Button(label="+", width=38, tags=["tl-atlas-plus"])
    minus = Button(label="−", width=38, tags=["tl-atlas-minus"])
    reset = Button(label="reset", width=64, tags=["tl-atlas-reset"])
    focus = Select(title="", value="all", options=["all"] + list(payload["classes"]), width=130,
                   tags=["tl-atlas-focus"])
    fig = dict(state=state, config=cfg, plot=p, renderer=r, source=raster, status=status, focus=focus)
    attach = CustomJS(args=dict(fig=fig),
                      code=f"if ({_HAS}) {{ tourlib.AtlasFigure.attach(fig, cb_obj); }} else {{ {_NO_JS} }}")
    p.js_on_change("inner_height", attach)
    on_ready(p, attach)
    plus.js_on_event("button_click", _call(state, "zoomBy", "2"))
    minus.js_on_event("button_click", _call(state, "zoomBy", "0.5"))
    reset.js_on_event("button_click", _call(state, "reset"))
    focus.js_on_change("value", _call(state, "setFocus", "cb_obj.value"))
    for prop in ("focus", "zoom", "center"):
        state.js_on_change(prop, _call(state, "stateChanged", json.dumps(prop)))

    wrap = {"flex-wrap": "wrap", "max-width": "100%", "align-items": "center", "gap": "4px"}
    hint = Div(text="zoom: + / −, double-click (double-tap), ctrl + wheel (pinch) · drag: pan · "
                    "hover (tap) a cell: its classes and examples",
               styles={**_TEXT, "color": "#777", "font-size": "12px"})
    items = []
    if title:
        items.append(Div(text=html.escape(str(title)), sizing_mode="stretch_width",
                         styles={**_TEXT, "font-weight": "600"}))
    picker = row(Div(text="focus:", styles={**_TEXT, "align-self": "center"}), focus, styles={"align-items": "center"})
    items.append(row(minus, plus, reset, picker, status, styles=wrap, sizing_mode="stretch_width"))
    items.append(p)
    if labels is not None:
        parts = [Div(text=html.escape(t), styles={**_TEXT, "text-align": a}, tags=["tl-atlas-axis"])
                 for t, a in zip(labels, ("left", "center", "right")) if t]
        items.append(row(*parts, sizing_mode="stretch_width",
                         styles={"justify-content": "space-between" if len(parts) > 1 else "center",
                                 "flex-wrap": "wrap", "max-width": f"{size}px"}))
    items.append(hint)
    layout = column(*items, sizing_mode="stretch_width", styles={"max-width": f"{size}px"},
                    tags=["tourlib-atlas", state])
    return require_js(layout, "atlas_figure")


def atlas_state(layout) -> AtlasState:
    """The :class:`AtlasState` of an :func:`atlas_figure` layout (in a live kernel: what the page shows)."""
    for t in getattr(layout, "tags", []):
        if isinstance(t, AtlasState):
            return t
    raise ValueError("not an atlas_figure layout (it carries no AtlasState)")


def atlas_bytes(layout) -> dict:
    """Bytes of the embedded sheets of an :func:`atlas_figure` layout: ``{"levels": [...], "examples": n}``."""
    for m in layout.references():
        cfg = getattr(m, "args", {}).get("fig", {}).get("config") if hasattr(m, "args") else None
        if cfg:
            lv = [len(l["sheet"]) for l in cfg["levels"]]
            ex = len(cfg["examples"]["sheet"]) if cfg.get("examples") else 0
            return {"levels": lv, "examples": ex}
    raise ValueError("not an atlas_figure layout")


# ------------------------------------------------------------------------- one image's grid

def atlas_grid_figure(image, icons, boxes, *, attributions, class_names, title: str | None = None,
                      size: int = 300, top: int = 3):
    """One image beside the ``H×W`` grid of icons of its activations (one per spatial position).

    ``image``: ``h×w×3`` uint8; ``icons``: ``H×W×S×S×3`` uint8; ``boxes``: ``H×W×4`` receptive-field
    boxes ``(y0, y1, x0, x1)`` in image pixels (``y`` down, ``y1``/``x1`` exclusive; the order of
    :func:`tourlib.featvis.examples.receptive_field` and :func:`tourlib.atlas.receptive_boxes`);
    ``attributions``: ``H×W×K`` (each position's attribution to each class). Hovering or tapping a
    position outlines its box on the image and lists its ``top`` classes. A Bokeh layout.
    """
    from bokeh.layouts import column, row
    from bokeh.models import ColumnDataSource, CustomJS, Div, HoverTool, TapTool
    from bokeh.plotting import figure

    from .embed import require_js
    from .thumbnails import png_data_uri

    image, icons = np.asarray(image), np.asarray(icons)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"image must be h×w×3 uint8, got shape {image.shape} and dtype {image.dtype}")
    if icons.ndim != 5 or icons.shape[4] != 3 or icons.shape[2] != icons.shape[3] or icons.dtype != np.uint8:
        raise ValueError(f"icons must be H×W×S×S×3 uint8 (one square icon per position), got shape {icons.shape} "
                         f"and dtype {icons.dtype}")
    H, W, S = icons.shape[:3]
    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.shape != (H, W, 4):
        raise ValueError(f"boxes must be H×W×4 = {(H, W, 4)} (y0, y1, x0, x1 per position), got {boxes.shape}")
    boxes = boxes[..., [0, 2, 1, 3]]        # → (y0, x0, y1, x1), the order drawn below
    att = np.asarray(attributions, dtype=np.float64)
    K = len(class_names)
    if att.shape != (H, W, K):
        raise ValueError(f"attributions must be H×W×K = {(H, W, K)} (one per class name), got {att.shape}")
    h, w = image.shape[:2]
    if (boxes[..., 0] < 0).any() or (boxes[..., 1] < 0).any() or (boxes[..., 2] > h).any() or (boxes[..., 3] > w).any() \
            or (boxes[..., 2] <= boxes[..., 0]).any() or (boxes[..., 3] <= boxes[..., 1]).any():
        raise ValueError(f"boxes must lie inside the {h}×{w} image with y0 < y1 and x0 < x1")
    names, colors = [str(c) for c in class_names], class_colors(K)
    k = min(top, K)
    order = np.argsort(-att, axis=2, kind="stable")[..., :k]
    texts = []
    for i in range(H):
        for j in range(W):
            lines = "".join(f'<div><span style="color:{colors[c]};font-weight:600">{html.escape(names[c])}</span> '
                            f'{att[i, j, c]:+.3g}</div>' for c in order[i, j])
            texts.append(f"<b>position ({i}, {j})</b>{lines}")
    mosaic = icons.transpose(0, 2, 1, 3, 4).reshape(H * S, W * S, 3)
    left = figure(width=size, height=size, x_range=(0, w), y_range=(h, 0), tools="", toolbar_location=None,
                  min_border=2, tags=["tl-atlas-grid-image"])
    left.image_url(url=[png_data_uri(image, scale=max(1, 128 // max(h, w)))], x=0, y=0, w=w, h=h, anchor="top_left")
    box = ColumnDataSource(dict(x=[0.0], y=[0.0], w=[0.0], h=[0.0]))
    left.rect("x", "y", "w", "h", source=box, fill_alpha=0.12, fill_color="#ffcc00", line_color="#ff9900", line_width=3)
    right = figure(width=size, height=size, x_range=(0, W), y_range=(H, 0), tools="", toolbar_location=None,
                   min_border=2, tags=["tl-atlas-grid-icons"])
    right.image_url(url=[png_data_uri(mosaic, scale=1)], x=0, y=0, w=W, h=H, anchor="top_left")
    ii, jj = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    cells = ColumnDataSource(dict(x=(jj.ravel() + 0.5).tolist(), y=(ii.ravel() + 0.5).tolist()))
    r = right.rect("x", "y", 1, 1, source=cells, fill_alpha=0, line_alpha=0, hover_line_alpha=1, hover_line_color="#ff9900",
                   hover_fill_alpha=0, line_width=2, nonselection_fill_alpha=0, selection_fill_alpha=0,
                   selection_line_alpha=1, selection_line_color="#ff9900", nonselection_line_alpha=0)
    for p in (left, right):
        p.axis.visible = False
        p.grid.visible = False
        p.outline_line_color = "#dddddd"
    info = Div(text="hover (tap) an icon: the patch it sees and its top classes", styles={**_TEXT, "min-height": "4.5em"},
               tags=["tl-atlas-grid-info"])
    flat = boxes.reshape(-1, 4)
    args = dict(box=box, info=info, texts=texts, boxes=flat.tolist(), cells=cells)
    code = ("if (window.tourlib && tourlib.AtlasGrid) { tourlib.AtlasGrid.show({box, info, texts, boxes, cells}, IDX); }"
            f" else {{ {_NO_JS} }}")
    right.add_tools(HoverTool(renderers=[r], tooltips=None,
                              callback=CustomJS(args=args, code=code.replace("IDX", "cb_data.index.indices"))))
    right.add_tools(TapTool(renderers=[r], callback=CustomJS(args=args, code=code.replace("IDX", "cells.selected.indices"))))
    wrap = {"flex-wrap": "wrap", "max-width": "100%", "gap": "8px"}
    items = [row(left, right, styles=wrap), info]
    if title:
        items.insert(0, Div(text=html.escape(str(title)), styles={**_TEXT, "font-weight": "600"}))
    layout = column(*items, sizing_mode="stretch_width", styles={"max-width": f"{2 * size + 16}px"})
    return require_js(layout, "atlas_figure")


def atlas_row(figures, *, min_width: int = 240):
    """Atlas figures side by side that wrap, one under the other, where the column is too narrow.

    Each figure may shrink to ``min_width`` CSS pixels (its own ``size`` is its widest); below that
    the row wraps, so on a phone the figures stack and the page stays as wide as the screen.
    """
    from bokeh.layouts import row

    figures = list(figures)
    if not figures:
        raise ValueError("atlas_row needs at least one figure")
    if isinstance(min_width, bool) or not isinstance(min_width, int) or min_width < 100:
        raise ValueError(f"min_width must be an int ≥ 100 (CSS pixels), got {min_width!r}")
    for f in figures:
        f.styles = {**(f.styles or {}), "flex": f"1 1 {min_width}px", "min-width": f"{min_width}px"}
    return row(*figures, sizing_mode="stretch_width", styles={"flex-wrap": "wrap", "gap": "8px"})
