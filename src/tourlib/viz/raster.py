"""Rasterise projected points into an RGBA image: the rules ``tour_raster.js`` follows in the page.

The browser figure draws each frame by writing the points into one RGBA pixel buffer; the GIF
and PNG exporters use this module to draw the same pictures in Python. The rules:

Pixel of a point
    For a view rectangle ``x0 ≤ x < x1``, ``y0 ≤ y < y1`` drawn as W×H pixels (row 0 at the top)

        px = ⌊(x − x0) · W / (x1 − x0)⌋,    py = ⌊(y1 − y) · H / (y1 − y0)⌋

Dot shape ("splat")
    A dot of diameter D covers the pixels ``(px + dx, py + dy)`` for the offsets of
    :func:`splat_offsets` (a D×D square for D ≤ 3, a disc for larger D); pixels outside the image
    are skipped. With an outline, each dot first writes a ring one pixel wider in the outline
    colour, so overlapping dots stay distinguishable.

Order ("last write wins", no blending)
    1. ghosts (hidden classes, points outside a brush) in index order;
    2. active points in index order, each as outline then fill.
    A pixel keeps the colour of the last write, so later points lie on top of earlier ones.

The page also marks the origin of the view with a small grey cross (nine pixels each way)
drawn before the points, and draws the axis handles' labels into the same pixels; exported
pictures (:mod:`tourlib.viz.export`) draw both too, the labels in the same places with Pillow's
text (another font rasteriser, so their pixels differ a little).

Colours
    RGBA bytes; the page packs them little-endian into one uint32 per pixel (``r | g<<8 |
    b<<16 | a<<24``), which is the byte order of canvas ImageData.
"""

from __future__ import annotations

import numpy as np

#: Alpha of ghost points (hidden classes, unbrushed points): faint on a white page.
GHOST_ALPHA = 56
#: Outline colour of dots (white), drawn when dots are few enough to be told apart.
OUTLINE_RGBA = (255, 255, 255, 255)


def auto_dot_size(n_points: int) -> int:
    """Default dot diameter in pixels: large for a few points, one pixel for a million."""
    if n_points <= 2_000:
        return 6
    if n_points <= 10_000:
        return 4
    if n_points <= 100_000:
        return 2
    return 1


def splat_offsets(diameter: int) -> np.ndarray:
    """Pixel offsets (k×2 int, columns dx, dy) of a dot of the given diameter.

    Offsets run over ``−⌊(D−1)/2⌋ … ⌈(D−1)/2⌉`` in each direction; for D ≥ 4 only those with
    ``(dx − c)² + (dy − c)² ≤ (D/2)² + 0.25`` are kept (c = ½ for even D, 0 for odd D).
    """
    D = int(diameter)
    if D < 1:
        raise ValueError(f"dot diameter must be ≥ 1 pixel, got {diameter}")
    lo = -((D - 1) // 2)
    r = np.arange(lo, lo + D)
    dx, dy = np.meshgrid(r, r)
    dx, dy = dx.ravel(), dy.ravel()
    if D >= 4:
        c = 0.5 if D % 2 == 0 else 0.0
        keep = (dx - c) ** 2 + (dy - c) ** 2 <= (D / 2) ** 2 + 0.25
        dx, dy = dx[keep], dy[keep]
    order = np.lexsort((dx, dy))
    return np.stack([dx[order], dy[order]], axis=1).astype(np.int32)


def hex_to_rgba(color: str, alpha: int = 255) -> tuple[int, int, int, int]:
    """``"#rrggbb"`` → (r, g, b, alpha)."""
    c = color.lstrip("#")
    if len(c) != 6:
        raise ValueError(f"expected a colour like '#1f77b4', got {color!r}")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), int(alpha)


def pixel_coords(xy: np.ndarray, extent: tuple[float, float, float, float], width: int, height: int):
    """Integer pixel column and row of each point (formula in the module doc)."""
    x0, x1, y0, y1 = extent
    xy = np.asarray(xy, dtype=np.float64)
    px = np.floor((xy[:, 0] - x0) * (width / (x1 - x0))).astype(np.int64)
    py = np.floor((y1 - xy[:, 1]) * (height / (y1 - y0))).astype(np.int64)
    return px, py


def rasterize_points(
    xy: np.ndarray,
    colors: np.ndarray,
    extent: tuple[float, float, float, float],
    width: int,
    height: int,
    *,
    diameter: int = 2,
    outline: bool = False,
    ghost: np.ndarray | None = None,
    ghost_colors: np.ndarray | None = None,
) -> np.ndarray:
    """Draw points (N×2 screen coordinates) as dots into a transparent H×W×4 uint8 image.

    ``colors`` is N×4 RGBA (uint8); ``ghost`` a boolean mask of points drawn first in
    ``ghost_colors`` (N×4) without outline. See the module doc for the exact rules.
    """
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must be N×2 screen coordinates, got shape {xy.shape}")
    n = len(xy)
    colors = np.asarray(colors, dtype=np.uint8)
    if colors.shape != (n, 4):
        raise ValueError(f"colors must be N×4 RGBA with N = {n}, got shape {colors.shape}")
    ghost = np.zeros(n, bool) if ghost is None else np.asarray(ghost, bool)
    if ghost.any() and (ghost_colors is None or np.shape(ghost_colors) != (n, 4)):
        raise ValueError("ghost points need ghost_colors, N×4 RGBA")
    px, py = pixel_coords(xy, extent, width, height)
    fill = splat_offsets(diameter)
    ring = ring_offsets(diameter) if outline else np.zeros((0, 2), np.int32)

    # Every pixel write as (pixel, key, colour); the largest key per pixel wins.
    idx = np.arange(n)
    writes_p, writes_k, writes_c = [], [], []

    def add(points, offsets, key, cols):
        if len(points) == 0 or len(offsets) == 0:
            return
        qx = (px[points][:, None] + offsets[None, :, 0]).ravel()
        qy = (py[points][:, None] + offsets[None, :, 1]).ravel()
        k = np.repeat(key, len(offsets))
        c = np.repeat(cols, len(offsets), axis=0)
        ok = (qx >= 0) & (qx < width) & (qy >= 0) & (qy < height)
        writes_p.append(qy[ok] * width + qx[ok])
        writes_k.append(k[ok])
        writes_c.append(c[ok])

    g = idx[ghost]
    add(g, fill, g - 3 * n, np.asarray(ghost_colors, np.uint8)[ghost] if g.size else colors[:0])
    a = idx[~ghost]
    add(a, ring, 2 * a, np.tile(np.array(OUTLINE_RGBA, np.uint8), (len(a), 1)))
    add(a, fill, 2 * a + 1, colors[a])

    image = np.zeros((height * width, 4), np.uint8)
    if writes_p:
        p = np.concatenate(writes_p)
        k = np.concatenate(writes_k)
        c = np.concatenate(writes_c)
        order = np.argsort(k, kind="stable")
        p, c = p[order], c[order]
        # last write per pixel: first occurrence in the reversed sequence
        _, first = np.unique(p[::-1], return_index=True)
        last = len(p) - 1 - first
        image[p[last]] = c[last]
    return image.reshape(height, width, 4)


def ring_offsets(diameter: int) -> np.ndarray:
    """Offsets of the outline: the dot of diameter D + 2 minus the dot of diameter D."""
    inner = {tuple(o) for o in splat_offsets(diameter)}
    # dots of diameter D and D + 2 share their centre, so the ring is the set difference
    ring = [o for o in splat_offsets(diameter + 2) if tuple(o) not in inner]
    return np.array(ring, np.int32).reshape(-1, 2)


def over_white(rgba: np.ndarray) -> np.ndarray:
    """Composite an RGBA image over a white page; returns RGB uint8."""
    rgba = np.asarray(rgba, dtype=np.float64)
    a = rgba[..., 3:4] / 255.0
    return np.rint(rgba[..., :3] * a + 255.0 * (1 - a)).astype(np.uint8)


def make_sprites(images: np.ndarray, rgb: np.ndarray, size: int) -> np.ndarray:
    """Thumbnails (M×S×S×4 RGBA) of images M×h×w×c (uint8), as ``makeSprites`` in tour_raster.js.

    Pixel ``(y, x)`` samples the image at ``(⌊(y + ½)·h/S⌋, ⌊(x + ½)·w/S⌋)``. A one-channel image
    is drawn in its point's class colour ``rgb[m]`` with the grey value as alpha (below 24:
    transparent); a colour image is opaque with a one-pixel frame in the class colour.
    """
    images = np.asarray(images, dtype=np.uint8)
    if images.ndim == 3:
        images = images[..., None]
    M, h, w, c = images.shape
    S = int(size)
    sy = np.minimum(h - 1, np.floor((np.arange(S) + 0.5) * h / S).astype(np.int64))
    sx = np.minimum(w - 1, np.floor((np.arange(S) + 0.5) * w / S).astype(np.int64))
    sampled = images[:, sy][:, :, sx]                      # M×S×S×c
    rgb = np.asarray(rgb, dtype=np.uint8).reshape(M, 1, 1, 3)
    out = np.zeros((M, S, S, 4), np.uint8)
    if c == 1:
        a = sampled[..., 0]
        out[..., :3] = rgb
        out[..., 3] = np.where(a < 24, 0, a)
        out[a < 24] = 0
    else:
        out[..., :3] = sampled[..., :3]
        out[..., 3] = 255
        edge = np.zeros((S, S), bool)
        edge[0, :] = edge[-1, :] = edge[:, 0] = edge[:, -1] = True
        out[:, edge, :3] = np.broadcast_to(rgb.reshape(M, 1, 3), (M, int(edge.sum()), 3))
    return out


def draw_sprites(image: np.ndarray, xy: np.ndarray, sprites: np.ndarray,
                 extent: tuple[float, float, float, float]) -> np.ndarray:
    """Copy sprite m centred on point ``xy[m]`` into the RGBA ``image`` (in order; transparent
    pixels skipped), as ``drawSprites`` in tour_raster.js: top-left at ``(px − ⌊S/2⌋, py − ⌊S/2⌋)``."""
    H, W = image.shape[:2]
    S = sprites.shape[1]
    px, py = pixel_coords(xy, extent, W, H)
    for m in range(len(sprites)):
        x0, y0 = int(px[m]) - S // 2, int(py[m]) - S // 2
        if x0 >= W or y0 >= H or x0 + S <= 0 or y0 + S <= 0:
            continue
        xa, xb, ya, yb = max(0, -x0), min(S, W - x0), max(0, -y0), min(S, H - y0)
        src = sprites[m, ya:yb, xa:xb]
        dst = image[y0 + ya:y0 + yb, x0 + xa:x0 + xb]
        keep = src[..., 3] != 0
        dst[keep] = src[keep]
    return image
