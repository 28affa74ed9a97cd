"""15-D layer embeddings, their two alignments, and the neighbourhood measures."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import ortho_group

from tourlib.align.similarity import cka_matrix, linear_cka
from tourlib.embed.layers import layer_umaps, normalize_embedding, procrustes_chain
from tourlib.embed.neighbors import knn_class_purity, knn_preservation, movement, trustworthiness


def _blobs(n=120, d=20, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, n)
    centres = rng.normal(0, 6, (3, d))
    return centres[labels] + rng.normal(0, 1, (n, d)), labels


def test_procrustes_chain_recovers_a_known_rotation():
    x, _ = _blobs()
    y = normalize_embedding(x[:, :15])
    q = ortho_group.rvs(15, random_state=3)
    aligned, rotations = procrustes_chain(np.stack([y, y @ q, (y @ q) @ q]))
    for layer in aligned:
        assert np.allclose(layer, y, atol=1e-5)
    for r in rotations:
        assert np.allclose(r @ r.T, np.eye(15), atol=1e-9)
    assert np.allclose(rotations[1], q.T, atol=1e-6)


def test_normalize_embedding_has_mean_zero_and_unit_rms_radius():
    y = normalize_embedding(np.random.default_rng(0).normal(5, 3, (50, 4)))
    assert np.allclose(y.mean(0), 0, atol=1e-12)
    assert np.isclose(np.sqrt((y ** 2).sum(1).mean()), 1.0)


@pytest.mark.slow
def test_layer_umaps_are_deterministic_per_seed_and_chaining_keeps_points_closer():
    x, labels = _blobs(150, 30)
    rng = np.random.default_rng(1)
    layers = [x, np.tanh(x @ rng.normal(size=(30, 25)) / 5), np.maximum(x @ rng.normal(size=(30, 12)), 0)]
    a = layer_umaps(layers, seed=0, n_components=5, cache=False)
    b = layer_umaps(layers, seed=0, n_components=5, cache=False)
    assert a.shape == (3, 150, 5) and a.dtype == np.float32
    assert np.array_equal(a, b)
    indep = layer_umaps(layers, seed=0, n_components=5, chained=False, cache=False)
    assert np.array_equal(indep[0], a[0])  # layer 0 has no predecessor either way
    # class structure survives the embedding
    assert knn_class_purity(a[0], labels, k=5).min() > 0.9


def test_layer_umaps_check_their_input():
    x, _ = _blobs(20, 4)
    with pytest.raises(ValueError, match="same images"):
        layer_umaps([x, x[:10]], seed=0)
    with pytest.raises(ValueError, match="n_components"):
        layer_umaps([x], seed=0, n_components=30)
    with pytest.raises(ValueError, match="seed"):
        layer_umaps([x], seed=-1)


def test_knn_preservation_and_trustworthiness_are_one_for_isometries_and_drop_for_noise():
    x, _ = _blobs(100, 10)
    q = ortho_group.rvs(10, random_state=0)
    assert knn_preservation(x, x @ q, k=5) == pytest.approx(1.0)
    assert trustworthiness(x, x @ q, k=5) == pytest.approx(1.0)
    noise = np.random.default_rng(2).normal(size=(100, 2))
    assert knn_preservation(x, noise, k=5) < 0.3
    assert trustworthiness(x, noise, k=5) < trustworthiness(x, x[:, :2], k=5)


def test_knn_class_purity_bounds():
    x, labels = _blobs(90, 6)
    pure = knn_class_purity(x, labels, k=5)
    assert pure.shape == (3,) and np.all((0 <= pure) & (pure <= 1)) and pure.min() > 0.95
    shuffled = knn_class_purity(x, np.random.default_rng(0).permutation(labels), k=5, n_classes=4)
    assert np.isnan(shuffled[3]) and np.nanmax(shuffled) < 0.7


def test_movement_is_zero_for_the_same_layout_and_scale_free():
    y = np.random.default_rng(0).normal(size=(40, 15))
    assert movement(y, y) == 0.0
    z = np.random.default_rng(1).normal(size=(40, 15))
    assert movement(3 * z, 3 * y) == pytest.approx(movement(z, y))
    with pytest.raises(ValueError, match="same shape"):
        movement(y, y[:, :3])


def test_linear_cka_is_invariant_to_rotation_and_scale_and_bounded():
    x, _ = _blobs(80, 12)
    q = ortho_group.rvs(12, random_state=1)
    assert linear_cka(x, 3.0 * x @ q + 5.0) == pytest.approx(1.0)
    other = np.random.default_rng(3).normal(size=(80, 7))
    assert 0.0 <= linear_cka(x, other) < 0.5
    m = cka_matrix([x, other, x[:, :4]])
    assert m.shape == (3, 3) and np.allclose(np.diag(m), 1.0) and np.allclose(m, m.T)
    assert cka_matrix([x], [other, x]).shape == (1, 2)
    with pytest.raises(ValueError, match="same inputs"):
        linear_cka(x, other[:10])
    with pytest.raises(ValueError, match="constant"):
        linear_cka(x, np.ones((80, 3)))


@pytest.mark.slow
def test_alignment_report_measures_all_four_combinations():
    from tourlib.embed.layers import alignment_report

    x, _ = _blobs(100, 12)
    rng = np.random.default_rng(4)
    layers = [x, x @ rng.normal(size=(12, 12)), np.maximum(x @ rng.normal(size=(12, 8)), 0)]
    rep = alignment_report(layers, seed=0, k=5, n_components=4, cache=False)
    assert set(rep.movement) == {(i, r) for i in ("independent", "chained") for r in ("none", "procrustes")}
    for (init, rotate), m in rep.movement.items():
        assert m.shape == (2,) and np.all(m >= 0)
        # Procrustes can only bring consecutive layouts closer (it minimises their distance)
        if rotate == "procrustes":
            assert np.all(m <= rep.movement[(init, "none")] + 1e-6)
    assert all(f.shape == (3,) and np.all((0 <= f) & (f <= 1)) for f in rep.faithfulness.values())
    assert len(rep.table()) == 4


def test_group_labels_and_layer_journey_measures():
    from tourlib.embed.explain import explained_variance, first_layer_at_least, mean_colour, purity_dips
    from tourlib.nets.groups import CIFAR10_GROUPS, group_labels

    classes = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
    codes, names = group_labels(np.arange(10), classes)
    assert names == tuple(CIFAR10_GROUPS) and codes.tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 0, 0]
    with pytest.raises(ValueError, match="in no group"):
        group_labels([0], ("airplane", "zebra"), {"vehicles": ("airplane",)})
    rng = np.random.default_rng(0)
    f = rng.normal(size=(200, 3))
    assert explained_variance(f @ rng.normal(size=(3, 2)) + 1.0, f) == pytest.approx(1.0)
    assert explained_variance(rng.normal(size=(200, 2)), f) < 0.1
    im = np.zeros((2, 4, 4, 3), np.uint8); im[1] = 255
    assert np.allclose(mean_colour(im), [[0, 0, 0], [1, 1, 1]])
    p = np.array([[0.5, 0.2], [0.9, 0.3], [0.6, 0.5], [0.95, 0.9]])
    dips = purity_dips(p, min_dip=0.1)
    assert [(d.cls, d.before, d.low, d.after) for d in dips] == [(0, 1, 2, 3)]
    assert first_layer_at_least([0.1, 0.95, 0.5, 0.92, 0.97], 0.9) == 3
    assert first_layer_at_least([0.95, 0.96], 0.9) == 0 and first_layer_at_least([0.95, 0.1], 0.9) is None
