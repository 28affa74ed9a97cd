"""A synthetic multi-level atlas for the atlas figure's tests: no network, no feature visualisation.

Points of ten classes in blobs over the unit square, attributions that fall off with the distance
to each class's blob centre, icons that are 1/f-noise textures tinted by each cell's top class.
"""

from __future__ import annotations

import numpy as np

from tourlib.atlas.grid import grid_cells
from tourlib.viz.palette import CLASS_COLORS

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def textures(n: int, S: int, seed: int) -> np.ndarray:
    """``n×S×S×3`` float textures with a 1/f amplitude spectrum, zero mean, unit spread."""
    rng = np.random.default_rng(seed)
    f = np.sqrt(np.fft.fftfreq(S)[:, None] ** 2 + np.fft.fftfreq(S)[None, :] ** 2)
    amp = 1.0 / np.maximum(f, 1.0 / S)
    z = rng.normal(size=(n, S, S, 3)) + 1j * rng.normal(size=(n, S, S, 3))
    x = np.real(np.fft.ifft2(z * amp[None, :, :, None], axes=(1, 2)))
    x = x[..., :1] + 0.35 * x                      # mostly luminance, some colour (as feature visualisations)
    x -= x.mean(axis=(1, 2, 3), keepdims=True)
    return x / (x.std(axis=(1, 2, 3), keepdims=True) + 1e-9)


def class_rgb(k: int) -> np.ndarray:
    h = CLASS_COLORS[k % len(CLASS_COLORS)].lstrip("#")
    return np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def fake_icons(grid, S: int = 32, seed: int = 0) -> np.ndarray:
    top = grid.top_classes(1)[:, 0]
    t = textures(len(top), S, seed)
    base = np.stack([class_rgb(k) for k in top])[:, None, None, :]
    return np.clip(base + 45 * t, 0, 255).astype(np.uint8)


def fake_atlas(sizes=(10, 20, 40), n: int = 20000, S: int = 32, seed: int = 0, K: int = 10, min_count: int = 3):
    """``(grids, icons, images, xy, attributions)``: one layout gridded at each size, coarse to fine."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0.15, 0.85, size=(K, 2))
    y = rng.integers(0, K, n)
    xy = np.clip(centres[y] + rng.normal(scale=0.09, size=(n, 2)), 0, 1)
    d2 = ((xy[:, None, :] - centres[None]) ** 2).sum(-1)
    att = np.exp(-d2 / 0.02) - 0.1 + 0.05 * rng.normal(size=(n, K))
    acts = rng.normal(size=(n, 4)).astype(np.float32)
    grids = [grid_cells(xy, acts, att, size=s, min_count=min_count) for s in sizes]
    icons = [fake_icons(g, S, seed + l) for l, g in enumerate(grids)]
    images = np.clip(np.stack([class_rgb(k) for k in y])[:, None, None, :] + 40 * textures(n, 16, seed + 9)[:, :, :, :],
                     0, 255).astype(np.uint8) if n <= 4000 else None
    return grids, icons, images, xy, att
