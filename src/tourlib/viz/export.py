"""Export a tour for slides: a GIF of the animation, a PNG of one view, drawn in Python.

The pictures use the same math as the browser figure (:func:`tourlib.viz.tour_figure`):

* the same tour, ``GrandTour(d, seed, speed, path=tour_path)``; frame ``k`` of a GIF shows time
  ``t_k = start + k / fps`` (tour seconds; the page plays one tour second per second at speed 1);
* the same centre ``μ`` and view square: half-width ``VIEW_MARGIN · E`` around the origin
  (:func:`tourlib.viz.tour_figure.view_geometry`);
* the same rasterisation rules (:mod:`tourlib.viz.raster`): pixel ``⌊(x − x0)·W/(x1 − x0)⌋``,
  the same dot shapes and outline, points drawn in index order over a white page.

A GIF stores frame durations in hundredths of a second, so ``fps`` is played back as
``100 / round(100 / fps)`` frames per second (exact for 10, 20, 25, 50).
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np
from PIL import Image

from tourlib.tour import GrandTour

from .palette import class_colors
from .raster import auto_dot_size, hex_to_rgba, over_white, rasterize_points
from .tour_figure import VIEW_MARGIN, view_geometry
from .tour_inputs import TourInputs, prepare_tour_inputs, view_matrix

__all__ = ["render_view", "export_png", "export_gif", "points_at"]


def points_at(X: np.ndarray, s: float) -> np.ndarray:
    """Points of a T×N×d array at time position ``s`` ∈ [0, T−1]: ``(1 − f) X_k + f X_{k+1}``."""
    T = X.shape[0]
    if not 0 <= s <= T - 1:
        raise ValueError(f"time position must lie in 0…{T - 1}, got {s}")
    if T == 1:
        return X[0]
    k = min(T - 2, int(np.floor(s)))
    f = s - k
    return X[k] if f == 0 else (1 - f) * X[k] + f * X[k + 1]


class _Scene:
    """Inputs, colours and the view square shared by all frames of one export."""

    def __init__(self, inputs: TourInputs, center, tour: GrandTour, size: int, dot_size: int | None):
        if not 16 <= int(size) <= 4096:
            raise ValueError(f"size must be 16…4096 pixels, got {size}")
        if len(inputs.panels) != 1:
            raise ValueError("export draws one data set; pass a single N×d or T×N×d array, not a list or dict")
        self.panel = inputs.panels[0]
        self.mu, self.radius, self.extent = view_geometry(inputs, center, tour)
        half = VIEW_MARGIN * self.extent
        self.box = (-half, half, -half, half)
        self.size = int(size)
        self.diameter = int(dot_size) if dot_size is not None else auto_dot_size(self.panel.n_points)
        palette = np.array([hex_to_rgba(c) for c in class_colors(len(inputs.classes))], np.uint8)
        self.colors = palette[self.panel.labels]
        self.palette = palette

    def draw(self, B: np.ndarray, epoch: float) -> np.ndarray:
        xy = (points_at(self.panel.X, epoch) - self.mu) @ B
        rgba = rasterize_points(xy, self.colors, self.box, self.size, self.size,
                                diameter=self.diameter, outline=self.diameter >= 3)
        return over_white(rgba)


def _scene(X, labels, classes, center, seed, speed, tour_path, size, dot_size):
    inputs = prepare_tour_inputs(X, labels, classes=classes)
    tour = GrandTour(inputs.dim, seed=seed, speed=speed, path=tour_path)
    return _Scene(inputs, center, tour, size, dot_size), tour


def render_view(
    X: Any, G: Any = None, labels: Any = None, *, classes: Sequence[str] | None = None,
    t: float = 0.0, epoch: float = 0.0, seed: int = 0, speed: float = 1.0, tour_path: str = "torus",
    center: bool | Sequence[float] = True, size: int = 600, dot_size: int | None = None,
) -> np.ndarray:
    """The picture (H×W×3 uint8, white page) of view ``G`` (d×d or d×2), or of the tour at ``t``."""
    scene, tour = _scene(X, labels, classes, center, seed, speed, tour_path, size, dot_size)
    B = tour.screen_basis(t) if G is None else view_matrix(G, scene.panel.X.shape[2], "G")[:, :2]
    return scene.draw(B, epoch)


def export_png(
    path: str | os.PathLike, X: Any, G: Any = None, labels: Any = None, **kwargs,
) -> Path:
    """Write :func:`render_view` as a PNG and return its path (keywords as in :func:`render_view`)."""
    path = Path(path)
    Image.fromarray(render_view(X, G, labels, **kwargs)).save(path, format="PNG", optimize=True)
    return path


def export_gif(
    path: str | os.PathLike, X: Any, labels: Any = None, *, classes: Sequence[str] | None = None,
    seconds: float = 5.0, fps: float = 20.0, start: float = 0.0, epoch: float = 0.0,
    seed: int = 0, speed: float = 1.0, tour_path: str = "torus", center: bool | Sequence[float] = True,
    size: int = 400, dot_size: int | None = None,
) -> Path:
    """Write the tour from ``start`` for ``seconds`` as an animated GIF (frame k at t = start + k/fps).

    Returns the path. The GIF loops forever; see the module doc for its frame timing.
    """
    for name, value in (("seconds", seconds), ("fps", fps), ("start", start), ("epoch", epoch)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"{name} must be a finite number, got {value!r}; e.g. {name}=5.0 (not a string)")
    if not seconds > 0:
        raise ValueError(f"seconds must be > 0, got {seconds}")
    if not 0 < fps <= 100:
        raise ValueError(f"fps must be in (0, 100], got {fps}")
    n_frames = max(1, int(round(seconds * fps)))
    if n_frames > 2000:
        raise ValueError(f"{n_frames} frames is too many for a GIF; lower seconds or fps")
    scene, tour = _scene(X, labels, classes, center, seed, speed, tour_path, size, dot_size)
    times = start + np.arange(n_frames) / fps
    bases = tour.screen_basis(times)
    frames = [_indexed(scene.draw(bases[k], epoch), scene.palette) for k in range(n_frames)]
    path = Path(path)
    frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                   duration=max(10, int(round(1000 / fps / 10)) * 10), loop=0, optimize=False)
    return path


def _indexed(rgb: np.ndarray, palette: np.ndarray) -> Image.Image:
    """An RGB frame as a palette image with the exact class colours (no dithering, no merging)."""
    colors = np.vstack([[255, 255, 255], palette[:, :3]]).astype(np.uint8)
    flat = rgb.reshape(-1, 3)
    key = (flat[:, 0].astype(np.int64) << 16) | (flat[:, 1].astype(np.int64) << 8) | flat[:, 2]
    ckey = (colors[:, 0].astype(np.int64) << 16) | (colors[:, 1].astype(np.int64) << 8) | colors[:, 2]
    uniq, first = np.unique(ckey, return_index=True)
    pos = np.searchsorted(uniq, key)
    pos = np.clip(pos, 0, len(uniq) - 1)
    if len(colors) > 256 or not np.all(uniq[pos] == key):
        return Image.fromarray(rgb).quantize(colors=256, dither=Image.Dither.NONE)
    index = np.ascontiguousarray(first[pos].astype(np.uint8).reshape(rgb.shape[:2]))
    img = Image.frombytes("P", (rgb.shape[1], rgb.shape[0]), index.tobytes())
    img.putpalette(colors.ravel().tolist())
    return img
