"""Named views of a probability simplex: screen bases that put chosen classes' vertices in a regular shape.

A softmax layer with ``d`` classes maps every input to a point of the probability
simplex, whose vertices are the one-hot rows ``e_0 … e_{d−1}`` (100 % confidence in
one class). Under a linear view with screen basis ``B`` (``d×2``, orthonormal
columns; row vectors, the screen shows ``x @ B``) vertex ``e_i`` lands on row
``B[i]``, and a point ``p`` lands on ``Σ_i p_i B[i]``: the probability-weighted
mean of the vertices' screen positions.

:func:`confusion_view` picks ``B`` so that the vertices of 2 or 3 classes form a
centred segment or equilateral triangle. Points whose probability sits on those
classes then fill the segment or triangle, and where they sit in it says how the
network splits its belief between them. (Use the figure without centring,
``tour_figure(..., center=False)``, so that the origin of the data is the centre
of the screen.)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

__all__ = ["confusion_view"]


def confusion_view(classes_of_interest: Sequence[int], d: int) -> np.ndarray:
    """A ``d×2`` screen basis showing 2 or 3 classes' one-hot vertices as a centred segment / triangle.

    Parameters
    ----------
    classes_of_interest : 2 or 3 distinct ints in ``0 … d−1``
        The classes (axes) to bring onto the screen.
    d : int ≥ 3
        Number of classes (the data's dimension).

    Returns
    -------
    B : (d, 2) float64 with orthonormal columns (``B.T @ B = I``)
        Three classes ``(a, b, c)``: rows ``B[a], B[b], B[c]`` are
        ``sqrt(2/3)·(cos φ, sin φ)`` for ``φ = 90°, 210°, 330°`` (``a`` on top,
        ``b`` bottom left, ``c`` bottom right), an equilateral triangle centred on
        the origin with side ``sqrt(2)`` (the distance between two one-hot
        vectors, unchanged); all other rows are 0, so the other classes'
        vertices land at the centre.

        Two classes ``(a, b)``: the first column is ``(e_b − e_a)/√2``, so ``a``
        and ``b`` sit at ``x = ∓1/√2`` (a horizontal segment centred on
        ``x = 0``); the second column points from the segment's midpoint toward
        the centroid of the other classes' vertices, so those sit above it.

    Raises
    ------
    ValueError
        If ``d`` is not an int ≥ 3, or the classes are not 2 or 3 distinct ints in range.
    """
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 3:
        raise ValueError(f"d must be an int ≥ 3 (the number of classes), got {d!r}")
    try:
        picked = [int(k) for k in classes_of_interest]
    except (TypeError, ValueError):
        raise ValueError(f"classes_of_interest must be 2 or 3 class indices, got {classes_of_interest!r}") from None
    if any(not isinstance(k, (int, np.integer)) or isinstance(k, bool) for k in classes_of_interest):
        raise ValueError(f"classes_of_interest must be ints (class indices), got {classes_of_interest!r}")
    if len(picked) not in (2, 3) or len(set(picked)) != len(picked):
        raise ValueError(f"classes_of_interest must be 2 or 3 distinct class indices, got {picked}")
    if min(picked) < 0 or max(picked) >= d:
        raise ValueError(f"class indices must lie in 0 … {d - 1}, got {picked}")

    B = np.zeros((int(d), 2))
    if len(picked) == 3:
        angles = np.deg2rad([90.0, 210.0, 330.0])
        B[picked] = np.sqrt(2.0 / 3.0) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
        return B
    a, b = picked
    B[a, 0], B[b, 0] = -1 / np.sqrt(2.0), 1 / np.sqrt(2.0)
    others = [k for k in range(d) if k not in picked]
    up = np.zeros(d)
    up[others] = 1.0 / len(others)
    up[picked] -= 0.5
    B[:, 1] = up / np.linalg.norm(up)
    return B
