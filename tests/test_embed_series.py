"""Embedding series: t-SNE / UMAP per epoch (independent or chained), PCA per epoch, fixed linear map."""

import numpy as np
import pytest

from tourlib.embed import (correspondence_report, fixed_linear_series, pca_basis, pca_series,
                           tsne_series, umap_series)
from tourlib.embed import embeddings as emb
from tourlib.embed.cache import embedding_path


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test writes its cached embeddings to its own temporary folder."""
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))


def clusters(t=2, per=20, k=5, d=6, seed=0, spread=0.05):
    """T epochs of k well separated Gaussian blobs (the same points, jittered per epoch); and labels."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=3.0, size=(k, d))
    labels = np.repeat(np.arange(k), per)
    base = centres[labels] + rng.normal(scale=spread, size=(len(labels), d))
    x = np.stack([base + rng.normal(scale=spread / 5, size=base.shape) for _ in range(t)])
    return x.astype(np.float32), labels


def nearest_neighbour_agreement(y, labels):
    """Fraction of points whose nearest other point on screen has the same label."""
    dist = ((y[:, None, :] - y[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    return float((labels[dist.argmin(axis=1)] == labels).mean())


# --- t-SNE -----------------------------------------------------------------------------------

def test_tsne_series_shape_dtype_and_clusters_kept_apart():
    x, labels = clusters()
    y = tsne_series(x, seed=0, perplexity=10, max_iter=400)
    assert y.shape == (2, 100, 2) and y.dtype == np.float32
    for frame in y:
        assert nearest_neighbour_agreement(frame, labels) == 1.0


def test_tsne_series_is_reproducible_and_seed_dependent():
    x, _ = clusters()
    a = tsne_series(x, seed=1, perplexity=10, max_iter=250, cache=False)
    b = tsne_series(x, seed=1, perplexity=10, max_iter=250, cache=False)
    c = tsne_series(x, seed=2, perplexity=10, max_iter=250, cache=False)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_chained_tsne_keeps_the_layout_of_unchanged_data():
    # The same data at every epoch: independent runs start from different random layouts and
    # land in different arrangements; chained runs start from the last result and stay there.
    x, _ = clusters(t=3, k=8, per=15)
    x[:] = x[0]
    indep = tsne_series(x, seed=0, perplexity=10, max_iter=250, cache=False)
    chain = tsne_series(x, seed=0, perplexity=10, max_iter=250, chained=True, cache=False)
    np.testing.assert_array_equal(indep[0], chain[0])  # epoch 0 is computed the same way
    move_indep = correspondence_report(x, indep, align=True).mean_move
    move_chain = correspondence_report(x, chain, align=True).mean_move
    assert (move_chain < move_indep).all(), (move_chain, move_indep)


def test_tsne_series_is_cached_by_inputs_and_parameters(monkeypatch):
    x, _ = clusters()
    first = tsne_series(x, seed=0, perplexity=10, max_iter=250)
    config_files = list(embedding_path("tsne", {}).parent.glob("tsne-*.npz"))
    assert len(config_files) == 1

    def fail(*args, **kwargs):
        raise AssertionError("recomputed although cached")

    monkeypatch.setattr(emb, "_tsne_epoch", fail)
    np.testing.assert_array_equal(tsne_series(x, seed=0, perplexity=10, max_iter=250), first)
    with pytest.raises(AssertionError, match="recomputed"):  # another parameter is another entry
        tsne_series(x, seed=0, perplexity=11, max_iter=250)
    with pytest.raises(AssertionError, match="recomputed"):  # other data is another entry
        tsne_series(x + 1e-3, seed=0, perplexity=10, max_iter=250)


# --- UMAP ------------------------------------------------------------------------------------

@pytest.mark.slow
def test_umap_series_shape_reproducible_clusters_and_chaining():
    # slow: umap-learn's numba compilation takes 10-30 s in a fresh process
    x, labels = clusters(t=2, k=5, per=20)
    a = umap_series(x, seed=0, n_neighbors=8, cache=False)
    b = umap_series(x, seed=0, n_neighbors=8, cache=False)
    assert a.shape == (2, 100, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    for frame in a:
        assert nearest_neighbour_agreement(frame, labels) == 1.0
    # unchanged data: chained epochs start from the previous layout and move less than independent ones
    same, _ = clusters(t=3, k=8, per=15)
    same[:] = same[0]
    indep = umap_series(same, seed=0, n_neighbors=8, cache=False)
    chain = umap_series(same, seed=0, n_neighbors=8, chained=True, cache=False)
    np.testing.assert_array_equal(chain[0], indep[0])
    move_indep = correspondence_report(same, indep, align=True).mean_move
    move_chain = correspondence_report(same, chain, align=True).mean_move
    assert (move_chain < move_indep).all(), (move_chain, move_indep)


# --- linear ----------------------------------------------------------------------------------

def test_pca_basis_is_orthonormal_sign_fixed_and_spans_the_top_variance_plane():
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    x = (rng.normal(size=(300, 6)) * [5.0, 3.0, 0.5, 0.2, 0.1, 0.05]) @ q.T + 4.0
    b = pca_basis(x)
    np.testing.assert_allclose(b.T @ b, np.eye(2), atol=1e-12)
    # spans the same plane as the two directions of largest spread, q[:, :2]
    np.testing.assert_allclose(b @ b.T, q[:, :2] @ q[:, :2].T, atol=0.05)
    assert (b[np.abs(b).argmax(axis=0), [0, 1]] > 0).all()
    np.testing.assert_allclose(pca_basis(-x), b, atol=1e-12)  # sign convention, not data sign


def test_pca_series_of_planar_data_preserves_distances():
    rng = np.random.default_rng(1)
    q, _ = np.linalg.qr(rng.normal(size=(5, 2)))
    x = np.stack([rng.normal(size=(50, 2)) @ q.T for _ in range(3)])  # 3 epochs, each in a 2-D plane
    y = pca_series(x)
    assert y.shape == (3, 50, 2) and y.dtype == np.float32
    for xt, yt in zip(x, y):
        dx = np.linalg.norm(xt[:, None] - xt[None], axis=-1)
        dy = np.linalg.norm(yt[:, None] - yt[None], axis=-1)
        np.testing.assert_allclose(dy, dx, atol=1e-5)


def test_fixed_linear_series_is_one_map_for_all_epochs():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(4, 30, 5))
    b = rng.normal(size=(5, 2))
    y = fixed_linear_series(x, b)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, x @ b, rtol=1e-5, atol=1e-5)
    x[2, :10] = x[1, :10]  # points that do not move in data do not move on screen
    y = fixed_linear_series(x, b)
    np.testing.assert_array_equal(y[2, :10], y[1, :10])


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: tsne_series(np.zeros((50, 4)), seed=0), "for a single epoch pass x\\[None\\]"),
    (lambda: tsne_series(np.zeros((2, 50, 4, 1)), seed=0), "T×n×d"),
    (lambda: tsne_series(np.full((2, 50, 4), np.nan), seed=0), "NaN"),
    (lambda: tsne_series(np.zeros((2, 50, 4)), seed=-1), "seed"),
    (lambda: tsne_series(np.zeros((2, 50, 4)), seed=None), "seed"),
    (lambda: tsne_series(np.zeros((2, 20, 4)), seed=0), "perplexity"),
    (lambda: tsne_series(np.zeros((2, 50, 4)), seed=0, max_iter=100), "max_iter"),
    (lambda: tsne_series(np.array([[["a", "b"]] * 5]), seed=0), "numeric"),
    (lambda: umap_series(np.zeros((2, 10, 4)), seed=0), "n_neighbors"),
    (lambda: umap_series(np.zeros((2, 50, 4)), seed=0, min_dist=-1), "min_dist"),
    (lambda: pca_series(np.zeros((2, 50, 1))), "≥ 2 features"),
    (lambda: fixed_linear_series(np.zeros((2, 50, 4)), np.zeros((3, 2))), "4×2"),
    (lambda: fixed_linear_series(np.zeros((2, 50, 4)), np.ones((4, 2))), "rank 2"),
    (lambda: pca_basis(np.zeros(5)), "n×d"),
])
def test_bad_input_raises_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_series_take_n_components_and_share_one_skeleton(monkeypatch, tmp_path):
    """Both non-linear series embed in k dimensions (the UMAP Tour needs 15) and 2-D cache keys
    are those of before (n_components only enters the key when it is not 2)."""
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(size=(30, 20)), rng.normal(size=(30, 20)) + 6])[None].repeat(2, axis=0)
    u = umap_series(x, seed=0, n_components=15, n_neighbors=10)
    assert u.shape == (2, 60, 15) and u.dtype == np.float32 and np.isfinite(u).all()
    t3 = tsne_series(x[:1], seed=0, n_components=3, perplexity=10)
    assert t3.shape == (1, 60, 3)
    with pytest.raises(ValueError, match="at most 3"):
        tsne_series(x, seed=0, n_components=4)
    with pytest.raises(ValueError, match="n_components"):
        umap_series(x, seed=0, n_components=0)
    import tourlib.embed.embeddings as emb

    seen = []
    monkeypatch.setattr(emb, "cached_series", lambda method, config, compute, cache: seen.append(config))
    emb.umap_series(x, seed=0, n_neighbors=10)
    emb.umap_series(x, seed=0, n_neighbors=10, n_components=5)
    assert "n_components" not in seen[0] and seen[1]["n_components"] == 5
