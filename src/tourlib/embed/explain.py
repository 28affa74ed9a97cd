"""How much of a layout a set of features explains, and how class structure changes along layers.

* :func:`explained_variance` — the R² of the least-squares fit of a layout ``Y``
  (``N×p``) from features ``F`` (``N×m``) with an intercept:
  ``R² = 1 − ‖Y − Ŷ‖²_F / ‖Y − Ȳ‖²_F``, ``Ŷ = [1 F] β`` (row vectors). 1 means the
  features determine the layout linearly; 0, not at all. With ``m`` close to ``N``
  any features fit, so keep ``m ≪ N``.
* :func:`purity_dips` — in a per-layer class-purity table ``P`` (``L×K``), the
  classes that *form, dissolve and reform*: a layer ``j`` with a higher purity both
  before (``i < j``) and after (``k > j``), by at least ``min_dip`` each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["explained_variance", "mean_colour", "PurityDip", "purity_dips", "first_layer_at_least"]


def explained_variance(layout, features) -> float:
    """R² of a linear least-squares fit of ``layout`` (N×p) from ``features`` (N×m), with intercept."""
    y = np.asarray(layout, dtype=np.float64)
    f = np.asarray(features, dtype=np.float64)
    if y.ndim == 1:
        y = y[:, None]
    if f.ndim == 1:
        f = f[:, None]
    if y.ndim != 2 or f.ndim != 2 or len(y) != len(f):
        raise ValueError(f"layout and features must be N×p and N×m with the same N, got {y.shape} and {f.shape}")
    if len(y) <= f.shape[1] + 1:
        raise ValueError(f"need more points ({len(y)}) than features + 1 ({f.shape[1] + 1}) for a meaningful R²")
    a = np.column_stack([np.ones(len(f)), f])
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    ss_res = ((y - a @ beta) ** 2).sum()
    ss_tot = ((y - y.mean(axis=0)) ** 2).sum()
    if ss_tot == 0:
        raise ValueError("the layout has all points at one place")
    return float(1.0 - ss_res / ss_tot)


def mean_colour(images) -> np.ndarray:
    """Each RGB image's mean colour, ``N×3`` in ``[0, 1]`` (uint8 ``N×H×W×3`` in)."""
    im = np.asarray(images)
    if im.ndim != 4 or im.shape[-1] != 3:
        raise ValueError(f"images must be N×H×W×3 RGB, got shape {im.shape}")
    return im.reshape(len(im), -1, 3).mean(axis=1) / 255.0


@dataclass(frozen=True)
class PurityDip:
    """Class ``cls`` is pure at layer ``before``, loses purity at ``low``, and regains it at ``after``."""

    cls: int
    before: int
    low: int
    after: int
    drop: float   # P[before] − P[low]
    rise: float   # P[after] − P[low]


def purity_dips(purity, min_dip: float = 0.05) -> list[PurityDip]:
    """The deepest form–dissolve–reform pattern of each class, deepest first (see the module docstring).

    For class ``c`` and each candidate low layer ``j``, ``before`` is the purest layer
    before ``j`` and ``after`` the purest after it; the dip's depth is
    ``min(drop, rise)``. Classes whose best dip is shallower than ``min_dip`` are left out.
    """
    p = np.asarray(purity, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < 3:
        raise ValueError(f"purity must be an L×K table with L ≥ 3 layers, got shape {p.shape}")
    out = []
    for c in range(p.shape[1]):
        best = None
        for j in range(1, p.shape[0] - 1):
            i = int(np.argmax(p[:j, c]))
            k = j + 1 + int(np.argmax(p[j + 1:, c]))
            drop, rise = p[i, c] - p[j, c], p[k, c] - p[j, c]
            if min(drop, rise) >= min_dip and (best is None or min(drop, rise) > min(best.drop, best.rise)):
                best = PurityDip(c, i, j, k, float(drop), float(rise))
        if best is not None:
            out.append(best)
    return sorted(out, key=lambda d: -min(d.drop, d.rise))


def first_layer_at_least(values, threshold: float) -> int | None:
    """The first index from which ``values`` stay ≥ ``threshold`` to the end (``None`` if the last is below)."""
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1 or len(v) == 0:
        raise ValueError("values must be a non-empty 1-D sequence")
    below = np.nonzero(v < threshold)[0]
    if len(below) == 0:
        return 0
    return None if below[-1] == len(v) - 1 else int(below[-1] + 1)
