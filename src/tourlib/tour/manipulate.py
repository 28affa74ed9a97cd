r"""Direct manipulation of a view: drag an axis handle, or drag a data point (a group's centroid).

Conventions: row vectors; a view is an orthogonal d×d ``G``; the screen shows ``X @ G[:, :2]``; a
screen drag ``δ = (δx, δy)`` is in screen (projected-data) units and ``δ~ = (δx, δy, 0, …, 0)`` is
its lift to view space. Both functions return a new view, orthonormal to machine precision; to let
the tour continue from it, call ``tour.rebase(G_new, t)``. ``viz/js/tour_engine.js`` implements
the same two functions (``dragAxis``, ``dragCentroid``).

Axis mode: ``drag_axis(G, i, δ)``
---------------------------------
Row ``i`` of ``G`` is ``e_i G``, the image of data axis ``i``; its first two entries are the
axis's handle on screen. Dragging the handle by ``δ``:

1. ``w = e_i G + δ~`` (the handle moves by exactly ``δ``; the rest of the row is kept);
2. Gram–Schmidt the rows of ``G`` with row ``i`` replaced by ``w``, **processing row i first** and
   the others in their order (the article's footnote 12). Row ``i`` becomes ``w / |w|`` and the other
   rows are the closest-in-order orthonormal completion.

Normalising moves the dragged row by ``|w/|w| − w| = ||w| − 1| ≤ |δ|`` (triangle inequality, since
``|e_i G| = 1``; footnote 14), so the handle lands within ``|δ|`` of where it was dropped,
at ``(w/|w|)[:2]``. Degenerate drag: if ``|w| ≤ 1e-12`` there is no direction to normalise to and the
drag is ignored (``G`` is returned unchanged). If ``w`` is orthogonal to the old row ``e_i G``
(``δ · (e_i G)[:2] = −1``) the other rows become dependent; Gram–Schmidt then completes the basis
with a standard basis vector (see :mod:`tourlib.tour.orthonormal`). Cost: O(d³).

Data mode: ``drag_centroid(G, c, δ)``
-------------------------------------
``c`` is a point in data space (e.g. the centroid of a brushed group) shown at ``p = (cG)[:2]``.
Write its view coordinates ``y = cG = (p, z)`` with ``z ∈ R^{d−2}`` the off-screen part and
``r = |y| = |c|``. The drag asks the point to go to ``T = p + δ``. Rotating the view keeps ``r``,
so the reachable screen positions are the disc ``|T| ≤ r``. We choose the new view coordinates

    y' = (T, λ ẑ),  λ = sqrt(r² − |T|²),  ẑ = z / |z|      if |T| < r,
    y' = (r T / |T|, 0)                                      if |T| ≥ r,

i.e. the point lands exactly under the cursor when it can, and otherwise at the nearest reachable
point (on the rim, in the cursor's direction); the off-screen part keeps its direction, which makes
``y'`` the reachable point closest to ``y`` (largest ``y · y'``). The new view is the **single-plane
rotation** (the geodesic) taking ``y`` to ``y'``: with ``u = y/r``, ``u' = y'/r``,
``cos φ = u · u'``, ``w = (u' − cos φ u)/|u' − cos φ u|`` (unit, ``⊥ u``) and
``w' = −sin φ u + cos φ w``,

    G' = G P,   P = I + uᵀ(u' − u) + wᵀ(w' − w),

so ``u P = u'``, ``w P = w'`` and every view vector orthogonal to the plane ``span(y, y')`` is
unchanged; ``cG' = y'`` has norm ``|cG|`` and screen position ``T`` (or the rim point). The screen
point never moves away from the target: its distance to ``T`` becomes ``max(0, |T| − r) ≤ |δ|``.
After the rank-2 update (O(d²)) the rows are re-orthonormalised by Gram–Schmidt in natural order
(O(d³)), which removes rounding drift without moving the view by more than ~1e-15.

Scaling note: the plane is ``span(cG, cG')``, not ``span(cG, cG + |c|δ~)``; the latter contains the
same screen direction but, turning ``cG`` toward ``cG + sδ~`` for any fixed scale ``s``, a point whose
off-screen part is (nearly) zero stays on the rim when dragged inward, and never lands on the
cursor exactly. ``δ`` needs no scaling: it is in the same units as ``X @ G[:, :2]``.

Degenerate cases: ``δ = 0``, ``c = 0`` (or ``cG = 0``), or ``y' = y`` → ``G`` unchanged. If
``|z| ≤ 1e-12·r`` (the point lies in the screen plane) and ``|T| < r``, ``ẑ`` is the third view axis
``e_3``. For ``d = 2`` nothing is off screen: ``y' = r T/|T|`` (``|T| ≤ 1e-12·r``: unchanged). If ``y' = −y``
(a rim point dragged to the opposite rim point) the rotation is by π in the screen plane.
"""
from __future__ import annotations

import numpy as np

from .orthonormal import _check_index, as_view, gram_schmidt_rows

__all__ = ["drag_axis", "drag_centroid", "centroid_landing", "group_centroid", "drag_group"]

#: A dragged axis row shorter than this cannot be normalised; the drag is ignored.
COLLAPSED_ROW_TOL = 1e-12
#: Off-screen parts (and, in d = 2 or beyond reach, targets) shorter than this relative to |cG| count as zero.
OFF_SCREEN_TOL = 1e-12


def _as_vector(v, n: int, name: str, what: str) -> np.ndarray:
    v = np.asarray(v, dtype=np.float64)
    if v.shape != (n,):
        raise ValueError(f"{name} must be {what} of shape ({n},); got shape {v.shape}.")
    if not np.all(np.isfinite(v)):
        raise ValueError(f"{name} contains NaN or infinite values; pass finite numbers.")
    return v


def _as_drag_view(G) -> np.ndarray:
    G = as_view(G)
    if G.shape[0] < 2:
        raise ValueError(f"a drag needs a view of dimension d >= 2 (the screen shows two coordinates); got "
                         f"d = {G.shape[0]}. Pad 1-D data with a zero column.")
    return G


def drag_axis(G, i: int, delta) -> np.ndarray:
    """Drag axis ``i``'s screen handle by ``delta``; return the new orthogonal view.

    ``w = e_i G + (δx, δy, 0, …)``, then Gram–Schmidt of the rows with row ``i`` (= ``w``) first,
    so ``G'[i] = w / |w|``. See the module docstring for the bound and degenerate cases.

    Parameters
    ----------
    G : array_like (d, d)   orthogonal view (``‖GᵀG − I‖_F ≤ 1e-6``).
    i : int                 axis (row) index, ``0 <= i < d``.
    delta : array_like (2,) screen displacement of the handle.

    Returns
    -------
    ndarray (d, d), orthogonal.
    """
    G = _as_drag_view(G)
    d = G.shape[0]
    i = _check_index(i, d, "i")
    delta = _as_vector(delta, 2, "delta", "a 2-D screen displacement (dx, dy)")
    w = G[i].copy()
    w[:2] += delta
    top = np.max(np.abs(w))
    if not np.isfinite(top):     # e.g. 1e308 + 1e308: the row points along the drag
        w = np.zeros(d)
        w[:2] = delta / np.max(np.abs(delta))
        top = 1.0
    if top <= COLLAPSED_ROW_TOL or np.linalg.norm(w / top) * top <= COLLAPSED_ROW_TOL:
        return G
    M = G.copy()
    M[i] = w / top               # scaling row i changes nothing but keeps huge drags finite
    return gram_schmidt_rows(M, first=i)


def centroid_landing(y, delta) -> np.ndarray:
    """The view coordinates ``y'`` that ``drag_centroid`` moves ``y = cG`` to (module docstring).

    ``y'`` has ``|y'| = |y|`` and screen part ``p + δ`` when ``|p + δ| < |y|``, else the rim point
    ``|y| (p + δ)/|p + δ|``.
    """
    y = np.asarray(y, dtype=np.float64)
    delta = np.asarray(delta, dtype=np.float64)
    k = max(float(np.max(np.abs(y))), float(np.max(np.abs(delta))))
    if k > 1e150 or 0 < k < 1e-150:
        # the landing scales with (y, δ): compute it in units where both are moderate (no overflow)
        return centroid_landing(y / k, delta / k) * k
    r = np.linalg.norm(y)
    T = y[:2] + delta
    nT = np.linalg.norm(T)
    out = np.zeros_like(y)
    if nT >= r or y.size == 2:  # out of reach, or d = 2 (nothing off screen): nearest rim point
        out[:2] = T * (r / nT) if nT > OFF_SCREEN_TOL * r else y[:2]   # T ≈ 0: every rim point is as near
        return out
    out[:2] = T
    z = y[2:]
    nz = np.linalg.norm(z)
    lam = np.sqrt(max(r * r - nT * nT, 0.0))
    if nz > OFF_SCREEN_TOL * r:
        out[2:] = z * (lam / nz)
    else:
        out[2] = lam
    return out


def drag_centroid(G, c, delta) -> np.ndarray:
    """Drag the data point ``c`` (e.g. a group's centroid) on screen by ``delta``; return the new view.

    The view turns in the single plane ``span(cG, cG')`` that takes ``cG`` to the landing point
    ``cG' = centroid_landing(cG, delta)``: ``|cG'| = |cG|``, the screen position becomes
    ``(cG)[:2] + delta`` when reachable (else the nearest reachable point), and view vectors
    orthogonal to the plane are unchanged. See the module docstring.

    Parameters
    ----------
    G : array_like (d, d)   orthogonal view.
    c : array_like (d,)     point in data space.
    delta : array_like (2,) screen displacement, in the units of ``X @ G[:, :2]``.

    Returns
    -------
    ndarray (d, d), orthogonal.
    """
    G = _as_drag_view(G)
    d = G.shape[0]
    c = _as_vector(c, d, "c", f"a point in the {d}-dimensional data space")
    delta = _as_vector(delta, 2, "delta", "a 2-D screen displacement (dx, dy)")
    # The new view depends only on the directions of y = cG and of its landing point, and the
    # landing scales with (c, δ): work in units of max|c| (c = 1e200), and treat a drag far beyond
    # reach (δ = 1e308) as what it is, a drag to the rim point toward the cursor.
    kc = float(np.max(np.abs(c)))
    kd = float(np.max(np.abs(delta)))
    if kc == 0.0 or kd == 0.0:
        return G
    y = (c / kc) @ G
    r = np.linalg.norm(y)
    if r == 0.0:
        return G
    if kd / kc > 1e150:
        landing = np.zeros(d)
        landing[:2] = (delta / kd) * (r / np.linalg.norm(delta / kd))
    else:
        landing = centroid_landing(y, delta / kc)
    u = y / r
    u_new = landing / r
    cos_phi = float(np.clip(u @ u_new, -1.0, 1.0))
    v = u_new - cos_phi * u
    sin_phi = float(np.linalg.norm(v))
    if sin_phi <= 1e-15:
        if cos_phi > 0.0:
            return G  # already there
        # y' = −y, possible only on the rim: turn by π within the screen plane.
        w = np.zeros(d)
        w[0], w[1] = -u[1], u[0]
        w /= np.linalg.norm(w)
        cos_phi, sin_phi = -1.0, 0.0
    else:
        w = v / sin_phi
    u_rot = cos_phi * u + sin_phi * w
    w_rot = -sin_phi * u + cos_phi * w
    G_new = G + np.outer(G @ u, u_rot - u) + np.outer(G @ w, w_rot - w)
    return gram_schmidt_rows(G_new)


def group_centroid(X, indices) -> np.ndarray:
    """The centroid ``c = mean_{i ∈ group} x_i`` (data space) of the rows ``indices`` of ``X`` (N×d)."""
    X = np.asarray(X, dtype=np.float64)
    idx = np.asarray(indices)
    if X.ndim != 2:
        raise ValueError(f"X must be an N×d array; got shape {X.shape}.")
    if idx.ndim != 1 or idx.size == 0 or idx.dtype.kind not in "iu":
        raise ValueError("indices must be a non-empty 1-D array of point indices (the group's members).")
    if idx.min() < 0 or idx.max() >= len(X):
        raise ValueError(f"indices must lie in 0…{len(X) - 1}; got {idx.min()}…{idx.max()}.")
    return X[idx].mean(axis=0)


def drag_group(G, X, indices, delta) -> np.ndarray:
    """Drag the handle of a named point group: ``drag_centroid(G, group_centroid(X, indices), delta)``.

    The group's centroid follows the cursor (exactly while reachable). The figure's group handles
    (``tourlib.figure`` ``addGroupHandle`` / ``dragGroup`` in ``viz/js/fig_select.js``) do the same.
    """
    return drag_centroid(G, group_centroid(X, indices), delta)
