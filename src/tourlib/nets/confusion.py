"""How a network splits its belief among a few classes: vertices, edges and the inside of a simplex.

Take ``k`` classes of interest (2 or 3, say sandals / sneakers / ankle boots) and
softmax rows ``P`` (``n×K``, rows summing to 1). For point ``i``:

* its **mass** on the classes is ``m_i = Σ_{c ∈ classes} P[i, c]``; only points
  with ``m_i ≥ min_mass`` count (their prediction is "mostly one of these");
* its **barycentric coordinates** are ``b_i = P[i, classes] / m_i``: where the
  point sits in the segment / triangle spanned by the classes' one-hot vertices
  (what :func:`tourlib.tour.views.confusion_view` shows);
* its number of **ways** ``w_i`` is how many entries of ``b_i`` reach
  ``threshold``: 1 = next to a vertex (confident in one class), 2 = on an edge
  (confused between two classes, the third below ``threshold``), 3 = inside the
  triangle (three-way confusion). ``w_i = 0`` marks points that do not count.

:func:`confusion_ways` returns these per point and the shares among counted points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["ConfusionWays", "confusion_ways"]


@dataclass(frozen=True)
class ConfusionWays:
    """Per-point mass, barycentric coordinates and ways (see the module docstring) and their summary.

    Attributes
    ----------
    classes : tuple of int
        The classes of interest, in the order of the barycentric columns.
    min_mass, threshold : float
        The settings used.
    mass : (n,) float64
        Probability mass on the classes of interest.
    barycentric : (n, k) float64
        ``P[:, classes] / mass`` (rows sum to 1; NaN where the mass is 0).
    ways : (n,) int64
        0 (mass below ``min_mass``), or 1 … k.
    """

    classes: tuple[int, ...]
    min_mass: float
    threshold: float
    mass: np.ndarray
    barycentric: np.ndarray
    ways: np.ndarray

    @property
    def counted(self) -> int:
        """How many points have mass ≥ ``min_mass``."""
        return int((self.ways > 0).sum())

    def count(self, ways: int) -> int:
        """How many counted points are ``ways``-way (1 = vertex, 2 = edge, 3 = inside)."""
        return int((self.ways == ways).sum())

    def share(self, ways: int) -> float:
        """Fraction of the counted points that are ``ways``-way (NaN if no point counts)."""
        return self.count(ways) / self.counted if self.counted else float("nan")

    def share_of_confused(self, ways: int) -> float:
        """Among counted points that are *not* at a vertex (ways ≥ 2), the fraction that are ``ways``-way."""
        confused = int((self.ways >= 2).sum())
        return self.count(ways) / confused if confused else float("nan")


def confusion_ways(probabilities, classes: Sequence[int], *, min_mass: float = 0.9,
                   threshold: float = 0.05) -> ConfusionWays:
    """Where softmax rows sit in the segment / triangle of 2 or 3 classes (see the module docstring).

    Parameters
    ----------
    probabilities : array n×K
        Softmax rows (non-negative, each summing to 1 within 1e-3).
    classes : 2 or 3 distinct column indices
        The classes of interest.
    min_mass : float in (0, 1]
        Points count when their mass on ``classes`` is at least this.
    threshold : float in (0, 0.5)
        A barycentric coordinate below this counts as zero (the point is on the
        opposite edge, or at a vertex).

    Returns
    -------
    ConfusionWays
    """
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 2:
        raise ValueError(f"probabilities must be an n×K array of softmax rows, got shape {p.shape}")
    if not np.isfinite(p).all() or (p < 0).any():
        raise ValueError("probabilities must be finite and non-negative")
    if p.shape[0] and np.abs(p.sum(axis=1) - 1).max() > 1e-3:
        raise ValueError("every row of probabilities must sum to 1 (pass softmax outputs, not logits)")
    picked = [int(c) for c in classes]
    if len(picked) not in (2, 3) or len(set(picked)) != len(picked):
        raise ValueError(f"classes must be 2 or 3 distinct column indices, got {list(classes)!r}")
    if min(picked) < 0 or max(picked) >= p.shape[1]:
        raise ValueError(f"classes must lie in 0 … {p.shape[1] - 1}, got {picked}")
    if not (isinstance(min_mass, (int, float)) and 0 < min_mass <= 1):
        raise ValueError(f"min_mass must be in (0, 1], got {min_mass!r}")
    if not (isinstance(threshold, (int, float)) and 0 < threshold < 0.5):
        raise ValueError(f"threshold must be in (0, 0.5), got {threshold!r}")

    sub = p[:, picked]
    mass = sub.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bary = sub / mass[:, None]
    ways = np.where(mass >= min_mass, (bary >= threshold).sum(axis=1), 0).astype(np.int64)
    return ConfusionWays(classes=tuple(picked), min_mass=float(min_mass), threshold=float(threshold),
                         mass=mass, barycentric=bary, ways=ways)
