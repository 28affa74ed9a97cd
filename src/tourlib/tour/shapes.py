"""Small geometric objects to tour: hypercubes (square, cube, tesseract, ...) as vertices and edges."""

from __future__ import annotations

import itertools

import numpy as np


def hypercube(dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Vertices and edges of the ``dim``-dimensional cube ``[-1, 1]^dim``.

    Returns ``(V, E)``: ``V`` is ``2**dim × dim`` (rows are vertices, all sign patterns, in binary
    order), ``E`` is ``dim * 2**(dim-1) × 2`` pairs of vertex indices that differ in one coordinate.
    A square has 4 vertices and 4 edges, a cube 8 and 12, a tesseract 16 and 32.
    """
    if not isinstance(dim, (int, np.integer)) or not 1 <= dim <= 12:
        raise ValueError(f"dim must be an integer from 1 to 12 (2**dim vertices), got {dim!r}")
    V = np.array(list(itertools.product((-1.0, 1.0), repeat=dim)))
    E = [(a, b) for a in range(len(V)) for b in range(a + 1, len(V)) if np.sum(V[a] != V[b]) == 1]
    return V, np.array(E, dtype=np.int64)
