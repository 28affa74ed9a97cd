"""A ``G×G`` grid over a 2-D layout in ``[0, 1]²``: which points fall in which cell, and their means.

Point ``(x, y)`` falls in cell ``(row, col) = (min(⌊y G⌋, G − 1), min(⌊x G⌋, G − 1))``, so
every point is in exactly one cell (the right and top edges belong to the last cells).
A cell with fewer than ``min_count`` points is dropped. For each kept cell: its
count (the density), the mean activation and the mean attribution of its points, and
the indices of its points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Grid", "grid_cells", "cell_of"]


def cell_of(xy, size: int) -> np.ndarray:
    """``N×2`` int ``(row, col)`` of each point of ``xy`` (``N×2`` in ``[0, 1]``) in a ``size×size`` grid."""
    xy = np.asarray(xy, dtype=np.float64)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"xy must be N×2, got shape {xy.shape}")
    if xy.size and (xy.min() < 0 or xy.max() > 1):
        raise ValueError("xy must lie in [0, 1]² (use tourlib.atlas.layout_2d)")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive int, got {size!r}")
    rc = np.floor(xy[:, ::-1] * size).astype(np.int64)
    return np.minimum(rc, size - 1)


@dataclass(frozen=True)
class Grid:
    """The kept cells of one grid: ``cells[k] = (row, col)`` with ``count[k]`` points and their means."""

    size: int
    cells: np.ndarray        # M×2 (row, col)
    count: np.ndarray        # M
    mean_activation: np.ndarray   # M×C
    mean_attribution: np.ndarray  # M×K
    members: list            # M arrays of point indices
    min_count: int

    @property
    def centres(self) -> np.ndarray:
        """``M×2`` cell centres ``(x, y)`` in ``[0, 1]²``."""
        return (self.cells[:, ::-1] + 0.5) / self.size

    def top_classes(self, k: int = 3) -> np.ndarray:
        """``M×k`` class codes of each cell's largest mean attributions, largest first."""
        return np.argsort(-self.mean_attribution, axis=1)[:, :k]


def grid_cells(xy, values, attributions, *, size: int, min_count: int = 3) -> Grid:
    """Grid ``xy`` (``N×2``) and average ``values`` (``N×C``) and ``attributions`` (``N×K``) per cell."""
    values, attributions = np.asarray(values), np.asarray(attributions)
    rc = cell_of(xy, size)
    if len(values) != len(rc) or len(attributions) != len(rc):
        raise ValueError(f"need one activation and attribution per point: {len(rc)} points, "
                         f"{len(values)} activations, {len(attributions)} attributions")
    flat = rc[:, 0] * size + rc[:, 1]
    order = np.argsort(flat, kind="stable")
    ids, starts, counts = np.unique(flat[order], return_index=True, return_counts=True)
    keep = counts >= min_count
    members = [order[s:s + c] for s, c, k in zip(starts, counts, keep) if k]
    ids, counts = ids[keep], counts[keep]
    cells = np.stack([ids // size, ids % size], axis=1) if len(ids) else np.zeros((0, 2), np.int64)
    mean_act = np.array([values[m].mean(axis=0) for m in members]).reshape(len(members), values.shape[1])
    mean_att = np.array([attributions[m].mean(axis=0) for m in members]).reshape(len(members), attributions.shape[1])
    return Grid(int(size), cells, counts, mean_act.astype(np.float32), mean_att.astype(np.float32), members,
                int(min_count))
