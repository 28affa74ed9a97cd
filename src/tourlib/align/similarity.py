"""How alike two layers are: linear centred kernel alignment (CKA, Kornblith et al. 2019).

For activations of the same ``N`` inputs at two layers, ``X`` (``N×p``) and ``Y``
(``N×q``) as row vectors, centre the columns (``X_c = H X`` with ``H = I − 11ᵀ/N``)
and take the Gram matrices ``K = X_c X_cᵀ``, ``L = Y_c Y_cᵀ``. Then

    CKA(X, Y) = ⟨K, L⟩_F / (‖K‖_F · ‖L‖_F)  =  ‖Y_cᵀ X_c‖²_F / (‖X_cᵀ X_c‖_F · ‖Y_cᵀ Y_c‖_F)

It lies in ``[0, 1]``, is 1 for ``Y = X Q s`` (any orthogonal ``Q``, scale ``s > 0``)
and is invariant to isotropic scaling and orthogonal maps of either side, but not
to arbitrary invertible linear maps, so layers of different widths compare.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .checks import as_rows

__all__ = ["linear_cka", "cka_matrix"]


def _centred_gram(x, name: str) -> np.ndarray:
    x = as_rows(x, name)
    if len(x) < 2:
        raise ValueError(f"{name} must have N ≥ 2 rows (points), got shape {x.shape}")
    xc = x - x.mean(axis=0)
    return xc @ xc.T


def _cka_from_grams(k: np.ndarray, l: np.ndarray) -> float:
    denom = np.linalg.norm(k) * np.linalg.norm(l)
    if denom == 0:
        raise ValueError("a layer is constant over the inputs (all rows equal): CKA is undefined")
    return float(np.clip(np.sum(k * l) / denom, 0.0, 1.0))


def linear_cka(x, y) -> float:
    """Linear CKA of two activation matrices of the same ``N`` inputs (see the module docstring)."""
    k, l = _centred_gram(x, "x"), _centred_gram(y, "y")
    if k.shape != l.shape:
        raise ValueError(f"x and y must hold the same inputs (rows), got {len(k)} and {len(l)}")
    return _cka_from_grams(k, l)


def cka_matrix(layers_a: Sequence, layers_b: Sequence | None = None) -> np.ndarray:
    """CKA of every pair of layers: ``out[i, j] = linear_cka(layers_a[i], layers_b[j])``.

    ``layers_b`` defaults to ``layers_a`` (a symmetric matrix with ones on the diagonal).
    Each layer's Gram matrix is computed once.
    """
    ga = [_centred_gram(x, f"layers_a[{i}]") for i, x in enumerate(layers_a)]
    gb = ga if layers_b is None else [_centred_gram(x, f"layers_b[{i}]") for i, x in enumerate(layers_b)]
    n = {len(g) for g in ga + gb}
    if len(n) != 1:
        raise ValueError(f"every layer must hold the same inputs (rows); got row counts {sorted(n)}")
    return np.array([[_cka_from_grams(a, b) for b in gb] for a in ga])
