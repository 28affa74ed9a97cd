"""How well one group of classes is set apart from the rest, layer by layer.

Two measures of the separation between a group ``A`` (e.g. the shoes of Fashion-MNIST:
sandal, sneaker, ankle boot) and the other points ``B`` of an activation ``X`` (N×d rows):

``centroid_separation``
    ``‖μ_A − μ_B‖ / s`` with ``s² = ½ (s_A² + s_B²)`` and ``s_A² = mean_{x∈A} ‖x − μ_A‖²``:
    the distance between the two centroids in units of the groups' typical spread. It uses
    only distances, so it is unchanged by any rotation or reflection of the layer (and by a
    global scaling): exactly the freedom the aligned Grand Tour discards. It does not say
    whether some plane shows the groups apart; only that their centres are far apart
    relative to their size.

``linear_separability``
    Mean balanced accuracy of a logistic regression (features standardised, L2 penalty
    ``C``) over a stratified, shuffled k-fold cross-validation: how well *some* direction
    tells the groups apart on points it was not fitted on (0.5 = chance, 1 = perfect). In
    high dimensions with few points a linear classifier can separate almost anything it is
    trained on; the held-out folds are what keep this honest.

:func:`separation_by_layer` computes both for every layer of a network.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

__all__ = ["centroid_separation", "linear_separability", "group_mask", "separation_by_layer"]


def _rows(X, name="X") -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"{name} must be N×d rows, got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} has NaN or infinite values")
    return X


def _mask(mask, n) -> np.ndarray:
    m = np.asarray(mask)
    if m.dtype != bool or m.shape != (n,):
        raise ValueError(f"in_group must be a boolean array with one entry per point ({n}), got {m.dtype} {m.shape}")
    if m.sum() < 2 or (~m).sum() < 2:
        raise ValueError(f"need at least 2 points in and 2 out of the group, got {int(m.sum())} and {int((~m).sum())}")
    return m


def group_mask(labels, group: Sequence[int]) -> np.ndarray:
    """``True`` for the points whose label is one of ``group`` (class codes)."""
    return np.isin(np.asarray(labels), np.asarray(list(group)))


def centroid_separation(X, in_group) -> float:
    """``‖μ_A − μ_B‖ / sqrt(½ (s_A² + s_B²))`` (see module doc); 0 when the centres coincide."""
    X = _rows(X)
    m = _mask(in_group, len(X))
    A, B = X[m], X[~m]
    mu_a, mu_b = A.mean(axis=0), B.mean(axis=0)
    s2 = 0.5 * (((A - mu_a) ** 2).sum(axis=1).mean() + ((B - mu_b) ** 2).sum(axis=1).mean())
    gap = float(np.linalg.norm(mu_a - mu_b))
    if s2 <= 0:
        return float("inf") if gap > 0 else 0.0
    return gap / float(np.sqrt(s2))


def linear_separability(X, in_group, *, folds: int = 5, C: float = 1.0, dims: int | None = None,
                        seed: int = 0) -> float:
    """Cross-validated balanced accuracy of a logistic regression telling the group from the rest.

    ``dims``: first project on the top ``dims`` principal components of the training fold (the
    directions a Grand Tour of the layer's leading coordinates can show); default all features.
    """
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import StandardScaler

    X = _rows(X)
    m = _mask(in_group, len(X))
    if int(folds) != folds or folds < 2:
        raise ValueError(f"folds must be a whole number ≥ 2, got {folds}")
    if min(m.sum(), (~m).sum()) < folds:
        raise ValueError(f"each side needs at least folds = {folds} points")
    scores = []
    for train, test in StratifiedKFold(int(folds), shuffle=True, random_state=seed).split(X, m):
        Xtr, Xte = X[train], X[test]
        if dims is not None and dims < min(Xtr.shape):
            pca = PCA(n_components=int(dims), random_state=seed).fit(Xtr)
            Xtr, Xte = pca.transform(Xtr), pca.transform(Xte)
        scaler = StandardScaler().fit(Xtr)
        clf = LogisticRegression(C=C, max_iter=2000).fit(scaler.transform(Xtr), m[train])
        scores.append(balanced_accuracy_score(m[test], clf.predict(scaler.transform(Xte))))
    return float(np.mean(scores))


def separation_by_layer(activations: Mapping[str, np.ndarray], labels, group: Sequence[int], *,
                        folds: int = 5, C: float = 1.0, dims: int | None = None,
                        seed: int = 0, cache: bool = False) -> dict[str, np.ndarray]:
    """Both measures for every layer: ``{"layer": names, "centroid": …, "linear": …}`` (arrays, in order).

    ``activations`` maps layer names (in network order, e.g. ``{"input": X, "conv1": …}``) to
    N×d rows of the same N points; ``labels`` are their class codes and ``group`` the codes in
    the group. ``cache=True``: computed once, then loaded from ``<cache>/separation/`` (keyed by
    every activation's bytes, the labels, the group and the settings; written only when complete).
    """
    if cache:
        return _cached_separation(activations, labels, group, folds=folds, C=C, dims=dims, seed=seed)
    mask = group_mask(labels, group)
    names = list(activations)
    cen = np.array([centroid_separation(np.asarray(activations[k]).reshape(len(mask), -1), mask) for k in names])
    lin = np.array([linear_separability(np.asarray(activations[k]).reshape(len(mask), -1), mask,
                                        folds=folds, C=C, dims=dims, seed=seed) for k in names])
    return {"layer": np.array(names), "centroid": cen, "linear": lin}


#: Bump when a change here changes what separation_by_layer returns.
SEPARATION_VERSION = "separation-1"


def _cached_separation(activations, labels, group, **settings) -> dict[str, np.ndarray]:
    import json

    from ..store import array_fingerprint, cache_dir, config_hash, load_npz, try_save_npz

    names = [str(n) for n in activations]
    config = {"version": SEPARATION_VERSION, "layers": names,
              "activations": [array_fingerprint(np.ascontiguousarray(activations[n])) for n in activations],
              "labels": array_fingerprint(np.ascontiguousarray(labels)), "group": [int(g) for g in group],
              **{k: (None if v is None else float(v) if k == "C" else int(v)) for k, v in settings.items()}}
    path = cache_dir("separation") / f"layers-{config_hash(config)}.npz"
    stored = load_npz(path)
    if stored is not None and str(stored.get("config")) == json.dumps(config, sort_keys=True):
        cen, lin = stored.get("centroid"), stored.get("linear")
        if cen is not None and lin is not None and cen.shape == lin.shape == (len(names),):
            return {"layer": np.array(names), "centroid": cen, "linear": lin}
    out = separation_by_layer(activations, labels, group, **settings)
    try_save_npz(path, what="the separation by layer", config=np.array(json.dumps(config, sort_keys=True)),
                 centroid=out["centroid"], linear=out["linear"])
    return out
