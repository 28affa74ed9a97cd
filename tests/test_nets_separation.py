"""Separation of a group of classes: the measures on synthetic data with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from tourlib.nets.separation import (centroid_separation, group_mask, linear_separability,
                                     separation_by_layer)


def two_groups(gap, n=200, d=20, seed=0):
    """Unit Gaussian groups whose centres are `gap` apart along the first axis."""
    rng = np.random.default_rng(seed)
    m = np.arange(n) < n // 2
    X = rng.normal(size=(n, d))
    X[m, 0] += gap
    return X, m


def test_centroid_separation_is_gap_over_spread():
    X, m = two_groups(6.0, n=4000, d=4)
    # spread: E‖x − μ‖² = d = 4 in both groups, so s = 2 and the measure is about 6 / 2
    assert centroid_separation(X, m) == pytest.approx(3.0, rel=0.05)
    # invariant under rotation, reflection, translation and global scaling
    Q = np.linalg.qr(np.random.default_rng(1).normal(size=(4, 4)))[0]
    assert centroid_separation(-2.5 * X @ Q + 7.0, m) == pytest.approx(centroid_separation(X, m), rel=1e-12)


def test_linear_separability_from_chance_to_perfect():
    X, m = two_groups(0.0)
    assert 0.3 < linear_separability(X, m, seed=0) < 0.7
    X, m = two_groups(12.0)
    assert linear_separability(X, m) == 1.0
    # a group set apart by a direction that is not a centroid shift: the classifier sees it
    rng = np.random.default_rng(2)
    Y = rng.normal(size=(300, 10))
    inside = Y[:, 3] > 0.5
    assert linear_separability(Y, inside) > 0.9


def test_separation_by_layer_orders_layers_and_grows_with_the_gap():
    labels = np.repeat([0, 1, 2, 3], 50)
    in_group = group_mask(labels, [1, 3])
    rng = np.random.default_rng(3)
    acts = {}
    for name, gap in (("input", 0.0), ("layer1", 1.0), ("layer2", 4.0)):
        X = rng.normal(size=(200, 30))
        X[in_group, :2] += gap
        acts[name] = X
    out = separation_by_layer(acts, labels, [1, 3])
    assert list(out["layer"]) == ["input", "layer1", "layer2"]
    assert np.all(np.diff(out["centroid"]) > 0)
    assert out["linear"][0] < 0.7 and out["linear"][2] > 0.95


def test_errors_say_what_is_wrong():
    X, m = two_groups(1.0)
    with pytest.raises(ValueError, match="boolean"):
        centroid_separation(X, m.astype(int))
    with pytest.raises(ValueError, match="at least 2"):
        centroid_separation(X, np.arange(len(X)) < 1)
    with pytest.raises(ValueError, match="N×d"):
        linear_separability(X[0], m)


def test_linear_separability_on_leading_principal_components():
    """dims=k fits on the top k principal components of each training fold only."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 12)) * np.r_[0.2, np.ones(11)]   # axis 0 has the smallest variance
    inside = np.arange(300) < 150
    X[inside, 0] += 1.5                                        # the groups differ along it only
    full = linear_separability(X, inside)
    top2 = linear_separability(X, inside, dims=2)             # the top 2 components miss axis 0
    assert full > 0.95 and top2 < 0.7


def test_cached_separation_equals_the_computed_one_and_follows_its_inputs(tmp_path, monkeypatch):
    import tourlib.nets.separation as sep

    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    labels = np.repeat([0, 1, 2, 3], 30)
    rng = np.random.default_rng(4)
    acts = {"input": rng.normal(size=(120, 8)), "layer1": rng.normal(size=(120, 5))}
    direct = separation_by_layer(acts, labels, [1, 3])
    first = separation_by_layer(acts, labels, [1, 3], cache=True)
    assert len(list((tmp_path / "separation").glob("*.npz"))) == 1
    calls = []
    real = sep.separation_by_layer
    monkeypatch.setattr(sep, "separation_by_layer", lambda *a, **k: calls.append(1) or real(*a, **k))
    again = sep._cached_separation(acts, labels, [1, 3], folds=5, C=1.0, dims=None, seed=0)
    assert calls == []                                             # loaded, not recomputed
    for out in (first, again):
        assert list(out["layer"]) == list(direct["layer"])
        assert np.array_equal(out["centroid"], direct["centroid"]) and np.array_equal(out["linear"], direct["linear"])
    acts["layer1"] = acts["layer1"].copy()
    acts["layer1"][0, 0] += 1e-9                                   # another activation: another entry
    sep._cached_separation(acts, labels, [1, 3], folds=5, C=1.0, dims=None, seed=0)
    assert calls == [1] and len(list((tmp_path / "separation").glob("*.npz"))) == 2
