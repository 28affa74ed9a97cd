"""Export a tour figure for slides: a GIF of its animation, a PNG of one view, drawn in Python.

An export takes the figure itself (the layout :func:`tourlib.viz.tour_figure` returns, or a
:class:`~tourlib.viz.live.TourView`) and reads everything from what the page reads: the config
(:class:`~tourlib.viz.tour_models.TourConfig`: centre ``μ``, extent ``E`` and view half-width,
colours, dot shape, axis labels, group handles, panel size), each panel's embedded points
(the same int16 codes, decoded as the page decodes them, ``x = q·scale + offset``), the plot
ranges, and the title. So an exported frame is the page's frame:

* the view: ``B = G[:, :2]`` of a view ``G`` you give, or ``B = G(t)[:, :2]`` of the figure's own
  tour at time ``t`` (``GrandTour.from_params(config.tour)``, the matrices the page computes);
* the points at axis positions ``p`` (outermost axis first; default: where the figure starts),
  the multilinear blend of neighbouring steps the page draws (``fig_panel.js``), then
  ``xy = (X(p) − μ) @ B`` (the embedded points are already centred);
* pixels: a panel of side ``S`` pixels shows the plot's ranges ``x0…x1``, ``y0…y1`` (at first
  ``±VIEW_MARGIN·E``), point ``(x, y)`` at ``⌊(x − x0)·S/(x1 − x0)⌋``, ``⌊(y1 − y)·S/(y1 − y0)⌋``
  (:mod:`tourlib.viz.raster`, the rules of ``tour_raster.js``), ``S = size`` (default the figure's
  ``panel_size`` CSS pixels); dots, rings, ghosts (hidden classes) and the origin cross as the page;
* on top, as the page: axis handles (a segment from the origin to ``E·B[i]`` with its end marker,
  a label just beyond it unless the handle is shorter than 6 pixels or the label would overlap
  one already placed, longest first), group handles with their names, the panels' names, the
  figure's title above, the legend (classes, colours, counts) to the right, and under the panels
  where each data axis is ("epoch: 5"). Every panel of a multi-panel figure, side by side.

Optionally as the reader left the page: classes switched off (``hidden``, drawn as ghosts), brushed
points (``selection``: the others as ghosts, a handle at their centroid), the thumbnails of "images"
mode (``mode="images"``, ``tour_raster.js``'s sprites). Left out (controls, not the picture):
buttons, sliders, the handles box, tooltips, the brush rectangle; the alignment toggle's rotation
is not applied.

A GIF stores frame durations in hundredths of a second, so ``fps`` is played back as
``100 / round(100 / fps)`` frames per second (exact for 10, 20, 25, 50). Frame ``k`` shows tour
time ``start + k / fps`` (tour seconds; the page plays one per second at speed 1).
"""

from __future__ import annotations

import html
import numbers
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from tourlib.tour import GrandTour

from .raster import draw_sprites, make_sprites, over_white, rasterize_points
from .tour_inputs import view_matrix

__all__ = ["FigureSpec", "Frame", "figure_spec", "render_frame", "export_png", "export_gif", "points_at"]

# Sizes in CSS pixels of the page (multiplied by size / panel_size in an export).
_PAD, _GAP, _LEGEND_W = 8, 10, 150
_TITLE_H, _NAME_H, _CAPTION_H, _ROW_H = 24, 20, 18, 19
_MIN_LABEL_PX = 6            # fig_draw.js: a shorter handle gets no label
_CROSS = (170, 170, 170, 255)
_TEXT, _HEAD, _MUTED, _OUTLINE = (51, 51, 51), (68, 68, 68), (153, 153, 153), (221, 221, 221)
_HOW = ("export_png(tour_figure(X, labels, seed=1), 'view.png') or, for a figure kept in a variable, "
        "view.export_png('view.png')")


def points_at(X: np.ndarray, s: float) -> np.ndarray:
    """Points of a T×N×d array at time position ``s`` ∈ [0, T−1]: ``(1 − f) X_k + f X_{k+1}``."""
    T = X.shape[0]
    if not 0 <= s <= T - 1:
        raise ValueError(f"time position must lie in 0…{T - 1}, got {s}")
    return _blend(X, [T], [s])


def _blend(X: np.ndarray, sizes: Sequence[int], pos: Sequence[float]) -> np.ndarray:
    """Points at axis positions ``pos`` of steps ``X`` (S×N×d, row-major over ``sizes``):
    ``Σ_corners Π_a w_a X[corner]`` with ``w_a = 1 − f_a`` (lower step) or ``f_a`` (upper), as fig_panel.js."""
    corners = [(0, 1.0)]
    stride = 1
    for a in range(len(sizes) - 1, -1, -1):
        n = int(sizes[a])
        k = 0 if n == 1 else min(n - 2, int(np.floor(pos[a])))
        f = 0.0 if n == 1 else float(pos[a]) - k
        nxt = []
        for step, w in corners:
            if f < 1:
                nxt.append((step + k * stride, w * (1 - f)))
            if f > 0:
                nxt.append((step + (k + 1) * stride, w * f))
        corners = nxt
        stride *= n
    if len(corners) == 1:
        return X[corners[0][0]]
    return sum(w * X[step] for step, w in corners)


# ---------------------------------------------------------------------------- the figure's settings
@dataclass
class FigureSpec:
    """What an export reads from a tour figure (see module doc); made by :func:`figure_spec`."""

    config: dict
    panels: list                      # [{name, X: steps×N×d float64 (centred), labels}]
    sizes: list                       # the data axes' sizes, outermost first
    ranges: list                      # per panel (x0, x1, y0, y1): the plot's ranges
    title: str | None = None
    state: Any = None                 # the figure's TourState
    tour: GrandTour = field(default=None, repr=False)

    @property
    def dim(self) -> int:
        return int(self.config["tour"]["dim"])


def figure_spec(figure: Any) -> FigureSpec:
    """The settings and data of a figure made by :func:`~tourlib.viz.tour_figure` (or a TourView)."""
    if isinstance(figure, FigureSpec):
        return figure
    from bokeh.models import CustomJS, Div, LayoutDOM

    from .live import TourView, find_state

    if isinstance(figure, TourView):
        figure = figure.layout
    if isinstance(figure, tuple) and figure and isinstance(figure[0], LayoutDOM):
        figure = figure[0]                      # tour_figure(..., return_parts=True)
    if isinstance(figure, (str, os.PathLike)):
        raise TypeError(f"the figure comes first, then the file: {_HOW}")
    if not isinstance(figure, LayoutDOM):
        raise TypeError(f"export needs a tour figure (the layout tour_figure returns, or a TourView), got "
                        f"{type(figure).__name__}; e.g. {_HOW}")
    state = find_state(figure)
    fig = None
    for m in figure.references():
        if isinstance(m, CustomJS) and isinstance(m.args.get("fig"), dict) and m.args["fig"].get("state") is state:
            fig = m.args["fig"]
            break
    if fig is None:
        raise ValueError("this layout has the state of a tour figure but not its config; export the layout "
                         "tour_figure returned, unchanged")
    cfg = fig["config"]
    panels, ranges, sizes = [], [], None
    for pm in fig["panels"]:
        data = pm["data"]
        shape = list(data.shape)
        sizes = shape[:-2]
        n, d = shape[-2:]
        q = np.asarray(data.points).reshape(-1, n, d)
        # decoded as the page decodes (fig_panel.js step): x = q·scale + offset, kept as float32
        X = (q * np.asarray(data.scale, np.float64) + np.asarray(data.offset, np.float64)).astype(np.float32)
        panels.append(dict(name=data.name or "", X=X.astype(np.float64), labels=np.asarray(data.labels, np.int64),
                           images=None if data.images is None else np.asarray(data.images, np.uint8),
                           image_index=None if data.image_index is None else np.asarray(data.image_index, np.int64)))
        p = pm["plot"]
        ranges.append((float(p.x_range.start), float(p.x_range.end), float(p.y_range.start), float(p.y_range.end)))
    first = figure.children[0] if getattr(figure, "children", None) else None
    title = html.unescape(first.text) if isinstance(first, Div) else None
    return FigureSpec(config=cfg, panels=panels, sizes=sizes or [], ranges=ranges, title=title, state=state,
                      tour=GrandTour.from_params(cfg["tour"]))


# ---------------------------------------------------------------------------- one frame
@dataclass
class Frame:
    """An exported picture and where it put things (pixel coordinates of the whole image).

    image : H×W×3 uint8; panels : per panel its box ``(left, top, side)``; points : per panel the
    N×2 continuous pixel positions ``(left + (x − x0)·S/(x1 − x0), top + (y1 − y)·S/(y1 − y0))``
    of its points (a dot covers the pixel ``⌊·⌋``); legend : its box ``(left, top, right, bottom)`` or None."""

    image: np.ndarray
    panels: list
    points: list
    legend: tuple | None


def _number(value, name, example):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}; e.g. {name}={example}")
    return float(value)


def _positions(spec: FigureSpec, positions) -> list[float]:
    axes = spec.config.get("axes") or []
    if positions is None:
        return [float(a.get("start", 0.0)) for a in axes]
    pos = [positions] if np.ndim(positions) == 0 else list(np.asarray(positions, dtype=np.float64).ravel())
    if len(pos) != len(axes):
        names = [a["name"] for a in axes]
        raise ValueError(f"positions needs one number per data axis {names} (outermost first), got {len(pos)}"
                         + ("; this figure has no data axes, leave positions out" if not axes else ""))
    for a, (ax, v) in enumerate(zip(axes, pos)):
        n = len(ax["labels"])
        if not (np.isfinite(v) and 0 <= v <= n - 1):
            raise ValueError(f"position of axis {ax['name']!r} must lie in 0…{n - 1}, got {v}")
        pos[a] = float(v) if ax.get("interpolate", True) else float(round(v))
    return pos


def _basis(spec: FigureSpec, G, t) -> np.ndarray:
    if G is not None:
        return view_matrix(G, spec.dim, "G")[:, :2]
    return np.asarray(spec.tour.screen_basis(_number(t, "t", "2.0")), dtype=np.float64)


@lru_cache(maxsize=32)
def _font(px: int, bold: bool = False):
    """DejaVu Sans (the page's fallback font) if the system has it, else Pillow's own."""
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf", px)
    except OSError:
        return ImageFont.load_default(size=px)


def _text_width(font, text: str) -> float:
    return float(font.getlength(text))


def _rgba(color: str, alpha: int = 255) -> tuple:
    c = str(color).lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), int(alpha)


def _draw_points(xy, p, cfg, box, S, k, hidden, selected, mode):
    """The panel's raster (S×S×4) as fig_draw.js: the origin cross, ghosts (hidden classes, points
    outside a brush), then the active points: dots with rings, or in "images" mode faint dots under
    the points' thumbnails. The figure's dot (``dot_size``); at ``k`` ≠ 1 the dot of k × that diameter."""
    labels = p["labels"]
    colors = np.array([_rgba(c) for c in cfg["colors"]], np.uint8)
    ghosts = np.array([_rgba(c, cfg["ghost_alpha"]) for c in cfg["colors"]], np.uint8)
    ghost = np.isin(labels, list(hidden)) if hidden else np.zeros(len(labels), bool)
    if selected is not None:
        ghost |= ~selected
    images = mode == "images" and p.get("images") is not None
    D = max(1, int(round(int(cfg["dot_size"]) * k)))
    img = rasterize_points(xy, (ghosts if images else colors)[labels], box, S, S, diameter=D,
                           outline=len(cfg["ring"]) > 0 and not images,
                           ghost=ghost if ghost.any() else None, ghost_colors=ghosts[labels] if ghost.any() else None)
    if images:
        idx = p["image_index"]
        show = ~ghost[idx]
        size = max(1, int(round(int(cfg["image_size"]) * k)))
        sprites = make_sprites(p["images"], colors[labels[idx], :3], size)
        draw_sprites(img, xy[idx][show], sprites[show], box)
    x0, x1, y0, y1 = box
    ox, oy = int(np.floor(-x0 * S / (x1 - x0))), int(np.floor(y1 * S / (y1 - y0)))
    arm = max(4, int(round(4 * k)))
    cross = np.zeros_like(img)
    for j in range(-arm, arm + 1):
        if 0 <= ox + j < S and 0 <= oy < S:
            cross[oy, ox + j] = _CROSS
        if 0 <= oy + j < S and 0 <= ox < S:
            cross[oy + j, ox] = _CROSS
    under = img[..., 3] == 0
    img[under] = cross[under]   # the cross is drawn first: points cover it
    return img


class _Labels:
    """Label chips placed in one panel this frame (axis and group labels share them), as fig_draw.js."""

    def __init__(self, draw: ImageDraw.ImageDraw, k: float):
        self.draw, self.k, self.placed = draw, k, []
        self.font = _font(max(6, int(round(11 * k))))
        self.pad = int(round(2 * k))
        self.h = int(round(11 * k * 1.35)) + self.pad

    def size(self, text):
        return int(np.ceil(_text_width(self.font, text))) + 2 * self.pad, self.h

    def place(self, text, cx, cy) -> bool:
        w, h = self.size(text)
        r = (cx - w / 2, cx + w / 2, cy - h / 2, cy + h / 2)
        for q in self.placed:
            if r[0] < q[1] and q[0] < r[1] and r[2] < q[3] and q[2] < r[3]:
                return False
        self.placed.append(r)
        x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
        self.draw.rectangle([x0, y0, x0 + w - 1, y0 + h - 1], fill=(255, 255, 255, 255))
        self.draw.text((x0 + self.pad, y0 + h / 2), text, fill=_TEXT + (255,), font=self.font, anchor="lm")
        return True


def _groups(spec: FigureSpec, handles):
    """Visible group handles: ``[(name, color, indices)]`` from the config (sets switched on), or ``handles``."""
    cfg = spec.config
    if handles is not None:
        colors = {g["name"]: g["color"] for g in cfg.get("groups") or []}
        return [(str(h["name"]), colors.get(str(h["name"]), "#222222"), np.asarray(h["indices"], np.int64),
                 h.get("panel")) for h in handles]
    on = {s["name"]: bool(s["on"]) for s in cfg.get("handle_sets") or []}
    return [(g["name"], g["color"], np.asarray(g["indices"], np.int64), None)
            for g in cfg.get("groups") or [] if on.get(g.get("set"), True)]


def _square_pin(draw, cx, cy, size, color, width):
    """Bokeh's square_pin marker (a square whose sides bow inwards) of the given size."""
    r = size / 2
    corners = [(-r, -r), (r, -r), (r, r), (-r, r)]
    pts = []
    for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
        mx, my = (ax + bx) / 2, (ay + by) / 2
        nx, ny = -mx / r, -my / r                         # inward normal of this side
        for s in np.linspace(0, 1, 7)[:-1]:
            bow = 0.35 * r * np.sin(np.pi * s)
            pts.append((cx + ax + s * (bx - ax) + bow * nx, cy + ay + s * (by - ay) + bow * ny))
    draw.polygon(pts, fill=(255, 255, 255, 217), outline=_rgba(color), width=width)


def _draw_panel(spec, p, k_panel, B, pos, S, k, hidden, handles, selection, mode):
    """One panel as an RGB image S×S and its points' continuous pixel positions."""
    cfg = spec.config
    box = spec.ranges[k_panel]
    x0, x1, y0, y1 = box
    X = _blend(p["X"], spec.sizes, pos) if spec.sizes else p["X"][0]
    xy = X @ B
    kx, ky = S / (x1 - x0), S / (y1 - y0)
    pix = np.column_stack([(xy[:, 0] - x0) * kx, (y1 - xy[:, 1]) * ky])
    selected = None
    if selection is not None and int(selection[0]) == k_panel:
        selected = np.zeros(len(X), bool)
        selected[np.asarray(selection[1], np.int64)] = True
    raster = _draw_points(xy, p, cfg, box, S, k, hidden, selected, mode)
    img = Image.fromarray(raster, "RGBA")
    draw = ImageDraw.Draw(img)
    labels = _Labels(draw, k)
    groups = [g for g in _groups(spec, handles) if g[3] in (None, k_panel)]
    centroids = []
    for name, color, idx, _ in groups:            # group labels first: an axis label never covers one
        c = X[idx].mean(axis=0) @ B
        gx, gy = (c[0] - x0) * kx, (y1 - c[1]) * ky
        centroids.append((gx, gy, color))
        w, _h = labels.size(name)
        labels.place(name, gx + 10 * k + w / 2, gy - 9 * k)
    s = float(cfg["handle_scale"])
    ends = []
    if cfg.get("show_handles"):
        lengths = np.hypot(s * B[:, 0] * kx, s * B[:, 1] * ky)
        for i in np.argsort(-lengths, kind="stable"):
            ex, ey = (s * B[i, 0] - x0) * kx, (y1 - s * B[i, 1]) * ky
            ends.append((i, ex, ey))
            L = lengths[i]
            if L < _MIN_LABEL_PX * k:
                continue
            ux, uy = s * B[i, 0] * kx / L, -s * B[i, 1] * ky / L
            text = str(cfg["axis_labels"][i])
            w, h = labels.size(text)
            out = 9 * k + 0.5 * abs(ux) * w + 0.5 * abs(uy) * h
            labels.place(text, ex + ux * out, ey + uy * out)
    page = Image.fromarray(over_white(np.asarray(img)), "RGB").convert("RGBA")
    # the Bokeh glyphs over the raster: handle segments, their end markers, then group handles
    over = Image.new("RGBA", page.size, (0, 0, 0, 0))
    od = ImageDraw.Draw(over)
    ox, oy = -x0 * kx, y1 * ky
    for i, ex, ey in ends:
        od.line([(ox, oy), (ex, ey)], fill=_rgba(cfg["axis_colors"][i], 204), width=max(1, int(round(1.6 * k))))
    page = Image.alpha_composite(page, over)
    od = ImageDraw.Draw(page)
    r = 4.5 * k
    for i, ex, ey in ends:
        od.ellipse([ex - r, ey - r, ex + r, ey + r], fill=(255, 255, 255, 255), outline=_rgba(cfg["axis_colors"][i]),
                   width=max(1, int(round(2 * k))))
    if selected is not None and selected.any():      # the brushed points' centroid handle (circle_cross)
        c = X[selected].mean(axis=0) @ B
        cx, cy, r = (c[0] - x0) * kx, (y1 - c[1]) * ky, 9 * k
        od.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 255, 255, 204), outline=(34, 34, 34, 255),
                   width=max(1, int(round(2 * k))))
        od.line([(cx - r, cy), (cx + r, cy)], fill=(34, 34, 34, 255), width=max(1, int(round(2 * k))))
        od.line([(cx, cy - r), (cx, cy + r)], fill=(34, 34, 34, 255), width=max(1, int(round(2 * k))))
    for gx, gy, color in centroids:
        _square_pin(od, gx, gy, 16 * k, color, max(1, int(round(2 * k))))
    return np.asarray(page.convert("RGB")), pix


def _caption(spec, pos) -> str:
    """Where each data axis is, as its slider reads: "name: label" (between two: "a → b")."""
    parts = []
    for ax, v in zip(spec.config.get("axes") or [], pos):
        labels = ax["labels"]
        k = int(np.floor(v + 1e-9))
        f = v - k
        if f < 1e-6 or k >= len(labels) - 1:
            text = str(labels[min(k, len(labels) - 1)])
        else:
            seg = ax.get("segment_labels")
            text = (str(seg[k]) if seg else f"{labels[k]} → {labels[k + 1]}") + f"  (t = {f:.2f})"
        parts.append(f"{ax['name']}: {text}")
    return "   ·   ".join(parts)


def _legend_counts(spec):
    K = len(spec.config["classes"])
    counts = np.stack([np.bincount(p["labels"], minlength=K)[:K] for p in spec.panels])
    same = bool((counts == counts[0]).all())
    return [str(int(counts[0, c])) if same else " · ".join(str(int(v)) for v in counts[:, c]) for c in range(K)]


def _check_size(size):
    if size is None:
        return None
    if isinstance(size, (bool, np.bool_)) or not isinstance(size, numbers.Integral) or not 16 <= int(size) <= 4096:
        raise ValueError(f"size (the side of each panel in pixels) must be a whole number 16…4096, got {size!r}; "
                         "leave it out for the figure's own panel size")
    return int(size)


def render_frame(
    figure: Any, *, G: Any = None, t: float = 0.0, positions: Sequence[float] | float | None = None,
    size: int | None = None, hidden: Sequence[int] = (), handles: Sequence[dict] | None = None,
    selection: tuple[int, Sequence[int]] | None = None, mode: str = "dots",
) -> Frame:
    """The picture of a tour figure at view ``G`` (d×d or d×2), or at its tour's time ``t``.

    ``positions``: one number per data axis (default where the figure starts); ``size``: each panel's
    side in pixels (default the figure's own panel size); ``hidden``: class codes drawn as ghosts
    (as when toggled off in the legend); ``handles``: group handles ``[{name, indices, panel}]`` to
    draw instead of the figure's own (a live figure's, :attr:`TourView.handles`); ``selection``:
    ``(panel, indices)`` of brushed points (the others of that panel drawn as ghosts, a handle at their
    centroid); ``mode``: ``"dots"`` or ``"images"`` (the points' thumbnails, as the page's toggle).
    See the module doc.
    """
    spec = figure_spec(figure)
    cfg = spec.config
    side0 = int(cfg.get("panel_size") or 470)
    S = _check_size(size) or side0
    k = S / side0
    B = _basis(spec, G, t)
    pos = _positions(spec, positions)
    hidden = {int(h) for h in (hidden or ())}
    if mode not in ("dots", "images"):
        raise ValueError(f"mode must be 'dots' or 'images', got {mode!r}")
    if mode == "images" and all(p["images"] is None for p in spec.panels):
        raise ValueError("mode='images' needs a figure with images: build it with tour_figure(..., images=...)")
    if selection is not None and (len(selection) != 2 or not 0 <= int(selection[0]) < len(spec.panels)):
        raise ValueError(f"selection must be (panel index 0…{len(spec.panels) - 1}, point indices), got {selection!r}")
    classes = list(cfg["classes"])
    show_legend = len(classes) > 1
    named = any(p["name"] for p in spec.panels)
    caption = _caption(spec, pos)

    pad, gap = int(round(_PAD * k)), int(round(_GAP * k))
    top = pad + (int(round(_TITLE_H * k)) if spec.title else 0)
    name_h = int(round(_NAME_H * k)) if named else 0
    P = len(spec.panels)
    legend_w = int(round(_LEGEND_W * k)) if show_legend else 0
    width = pad + P * S + (P - 1) * gap + (gap + legend_w if show_legend else 0) + pad
    legend_h = int(round((_ROW_H * (len(classes) + 1) + 6) * k)) if show_legend else 0
    body = max(name_h + S + 2, legend_h)
    height = top + body + (int(round(_CAPTION_H * k)) if caption else 0) + pad
    page = Image.new("RGB", (width, height), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    if spec.title:
        draw.text((pad, pad + _TITLE_H * k / 2), spec.title, fill=_HEAD, font=_font(int(round(13 * k)), True),
                  anchor="lm")
    boxes, points = [], []
    for j, p in enumerate(spec.panels):
        left = pad + j * (S + gap)
        ptop = top + name_h
        if p["name"]:
            draw.text((left, top + name_h / 2), p["name"], fill=_HEAD, font=_font(int(round(13 * k)), True),
                      anchor="lm")
        rgb, pix = _draw_panel(spec, p, j, B, pos, S, k, hidden, handles, selection, mode)
        page.paste(Image.fromarray(rgb), (left, ptop))
        draw.rectangle([left - 1, ptop - 1, left + S, ptop + S], outline=_OUTLINE)
        boxes.append((left, ptop, S))
        points.append(pix + [left, ptop])
    legend = None
    if show_legend:
        lx = pad + P * S + (P - 1) * gap + gap
        ly = top
        row = _ROW_H * k
        draw.text((lx + 2 * k, ly + row / 2), "classes", fill=_HEAD, font=_font(int(round(13 * k)), True), anchor="lm")
        counts = _legend_counts(spec)
        fname, fcount = _font(int(round(13 * k))), _font(int(round(11 * k)))
        for c, name in enumerate(classes):
            cy = ly + row * (c + 1.5)
            off = c in hidden
            col = _rgba(cfg["colors"][c])[:3]
            if off:    # the page fades a hidden class's item to 35 %
                col = tuple(int(round(0.35 * v + 0.65 * 255)) for v in col)
            r = 6 * k
            sx = lx + 6 * k + r
            draw.ellipse([sx - r, cy - r, sx + r, cy + r], fill=col)
            tc = tuple(int(round(0.35 * v + 0.65 * 255)) for v in _TEXT) if off else _TEXT
            draw.text((sx + r + 7 * k, cy), str(name), fill=tc, font=fname, anchor="lm")
            draw.text((lx + legend_w - 4 * k, cy), counts[c], fill=_MUTED, font=fcount, anchor="rm")
        legend = (lx, ly, lx + legend_w, int(round(ly + row * (len(classes) + 1) + 6 * k)))
    if caption:
        draw.text((pad, top + body + _CAPTION_H * k / 2), caption, fill=(85, 85, 85),
                  font=_font(int(round(12 * k))), anchor="lm")
    return Frame(image=np.asarray(page), panels=boxes, points=points, legend=legend)


# ---------------------------------------------------------------------------- files
def _path_arg(path, what, suffix):
    if isinstance(path, np.ndarray) or not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what} takes the figure, then the file to write (a str or Path), got a "
                        f"{type(path).__name__} as the file; e.g. {what}(tour_figure(X, labels, seed=1), "
                        f"'tour{suffix}')")
    return Path(path)


def export_png(figure: Any, path: str | os.PathLike, *, G: Any = None, t: float = 0.0,
               positions: Sequence[float] | float | None = None, size: int | None = None,
               hidden: Sequence[int] = (), handles: Sequence[dict] | None = None,
               selection: tuple[int, Sequence[int]] | None = None, mode: str = "dots") -> Path:
    """Write :func:`render_frame` of ``figure`` as a PNG and return its path (keywords as there)."""
    spec = figure_spec(figure)
    path = _path_arg(path, "export_png", ".png")
    frame = render_frame(spec, G=G, t=t, positions=positions, size=size, hidden=hidden, handles=handles,
                         selection=selection, mode=mode)
    Image.fromarray(frame.image).save(path, format="PNG", optimize=True)
    return path


def export_gif(figure: Any, path: str | os.PathLike, *, seconds: float = 5.0, fps: float = 20.0,
               start: float = 0.0, positions: Sequence[float] | float | None = None, size: int | None = None,
               hidden: Sequence[int] = (), handles: Sequence[dict] | None = None,
               selection: tuple[int, Sequence[int]] | None = None, mode: str = "dots", tour: GrandTour | None = None,
               ) -> Path:
    """Write the figure's tour from ``start`` for ``seconds`` as a looping GIF and return its path.

    Frame k is :func:`render_frame` at ``t = start + k / fps``; ``tour``: another path to follow
    (e.g. the figure's own, rebased on the view a reader dragged to); other keywords as there.
    """
    spec = figure_spec(figure)
    path = _path_arg(path, "export_gif", ".gif")
    seconds = _number(seconds, "seconds", "5.0")
    fps = _number(fps, "fps", "20")
    start = _number(start, "start", "0.0")
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0, got {seconds}")
    if not 0 < fps <= 100:
        raise ValueError(f"fps must be in (0, 100], got {fps}")
    n_frames = max(1, int(round(seconds * fps)))
    if n_frames > 2000:
        raise ValueError(f"{n_frames} frames is too many for a GIF; lower seconds or fps")
    path_tour = spec.tour if tour is None else tour
    if path_tour.dim != spec.dim:
        raise ValueError(f"tour has dimension {path_tour.dim} but the figure's data has d = {spec.dim}")
    bases = np.asarray(path_tour.screen_basis(start + np.arange(n_frames) / fps), dtype=np.float64)
    bases = bases.reshape(n_frames, spec.dim, 2)
    palette = None
    frames = []
    for b in bases:
        rgb = render_frame(spec, G=b, positions=positions, size=size, hidden=hidden, handles=handles,
                           selection=selection, mode=mode).image
        if palette is None:
            palette = _palette(spec.config, rgb)
        frames.append(Image.fromarray(rgb).quantize(palette=palette, dither=Image.Dither.NONE))
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                   duration=max(10, int(round(1000 / fps / 10)) * 10), loop=0, optimize=False)
    return path


def _palette(cfg: dict, rgb: np.ndarray) -> Image.Image:
    """A fixed GIF palette: the figure's exact colours (page, classes, ghosts over white, handles, text)
    first, then the most common other colours of the first frame, then a colour cube."""
    a = cfg["ghost_alpha"] / 255
    exact = [(255, 255, 255), _CROSS[:3], _TEXT, _HEAD, _MUTED, _OUTLINE, (85, 85, 85)]
    for c in cfg["colors"]:
        r = _rgba(c)[:3]
        exact += [r, tuple(int(round(v * a + 255 * (1 - a))) for v in r),
                  tuple(int(round(0.35 * v + 0.65 * 255)) for v in r)]
    exact += [_rgba(c)[:3] for c in cfg["axis_colors"]] + [_rgba(g["color"])[:3] for g in cfg.get("groups") or []]
    seen, colors = set(), []
    for c in exact:
        if c not in seen and len(colors) < 256:
            seen.add(c)
            colors.append(c)
    flat = rgb.reshape(-1, 3)
    uniq, counts = np.unique(flat, axis=0, return_counts=True)
    for i in np.argsort(-counts):
        c = tuple(int(v) for v in uniq[i])
        if len(colors) >= 216:
            break
        if c not in seen:
            seen.add(c)
            colors.append(c)
    cube = [(r, g, b) for r in range(0, 256, 51) for g in range(0, 256, 51) for b in range(0, 256, 51)]
    for c in cube:
        if len(colors) >= 256:
            break
        if c not in seen:
            seen.add(c)
            colors.append(c)
    pal = Image.new("P", (1, 1))
    pal.putpalette([v for c in colors for v in c] + [0] * (3 * (256 - len(colors))))
    return pal
