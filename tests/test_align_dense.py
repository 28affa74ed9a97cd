"""Dense layers, component-wise maps, softmax and zero padding in tourlib.align."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from tourlib.align import (CompletedBasis, Componentwise, Dense, DenseBasis, Softmax, layer_transition,
                           linear_svd, pad_columns, relu)


def _rng(seed=0):
    return np.random.default_rng(seed)


def _orth(n, seed):
    return ortho_group.rvs(n, random_state=seed)


@pytest.mark.parametrize("p,r", [(6, 6), (8, 3), (3, 8)])
def test_linear_svd_bases_are_orthogonal_and_reconstruct(p, r):
    M = _rng(p * r).standard_normal((p, r))
    svd = linear_svd(M)
    assert np.allclose(svd.U.T @ svd.U, np.eye(p), atol=1e-12)
    assert np.allclose(svd.V.T @ svd.V, np.eye(r), atol=1e-12)
    assert np.all(np.diff(svd.s) <= 0) and np.all(svd.s >= 0) and len(svd.s) == min(p, r)
    assert np.allclose(svd.U @ svd.sigma() @ svd.V.T, M, atol=1e-12)


@pytest.mark.parametrize("n,k", [(7, 3), (40, 1), (5, 4)])
def test_completed_basis_keeps_the_given_columns_and_is_orthogonal(n, k):
    W = np.linalg.qr(_rng(n + k).standard_normal((n, k)))[0]
    B = CompletedBasis(W)
    Bm = B.matrix()
    assert np.allclose(Bm.T @ Bm, np.eye(n), atol=1e-12)
    assert np.allclose(Bm[:, :k], W, atol=1e-12)
    X = _rng(1).standard_normal((6, n))
    assert np.allclose(B.rotate(X), X @ Bm, atol=1e-12)
    assert np.allclose(B.unrotate(B.rotate(X)), X, atol=1e-12)
    with pytest.raises(ValueError, match="orthonormal"):
        CompletedBasis(2 * W)


@pytest.mark.parametrize("kind", ["rotation", "sign_flip", "permutation", "negation"])
def test_rotation_or_sign_flip_leaves_every_point_still(kind):
    d, rng = 5, _rng(1)
    M = {
        "rotation": _orth(d, 3),
        "sign_flip": np.diag([1.0, -1, -1, 1, -1]),
        "permutation": np.eye(d)[[2, 0, 4, 1, 3]],
        "negation": -np.eye(d),
    }[kind]
    X = rng.standard_normal((40, d))
    tr = layer_transition(X, Dense(M))
    for t in (0.0, 0.3, 0.5, 1.0):
        assert np.allclose(tr.at(t), tr.start, atol=1e-12)
    # ...whereas naive interpolation in the raw basis moves the points:
    assert np.linalg.norm(X @ M - X) > 1.0


def test_endpoints_are_the_true_activations_rotated():
    rng = _rng(2)
    M, b = rng.standard_normal((6, 4)), rng.standard_normal(4)
    X = rng.standard_normal((30, 6))
    layer = Dense(M, b)
    tr = layer_transition(X, layer)
    U = tr.alignment.in_basis.matrix()
    V = tr.alignment.out_basis.matrix()
    assert np.allclose(U.T @ U, np.eye(6), atol=1e-12) and np.allclose(V.T @ V, np.eye(4), atol=1e-12)
    assert tr.width == 6
    assert np.allclose(tr.start[:, :6] @ U.T, X, atol=1e-12)
    assert np.allclose(tr.end[:, :4] @ V.T, X @ M + b, atol=1e-12)
    assert np.all(tr.end[:, 4:] == 0)  # padded coordinates of the narrower output
    assert np.allclose(tr.at(0.0), tr.start) and np.allclose(tr.at(1.0), tr.end)


def test_aligned_linear_layer_is_a_scaling_plus_the_rotated_bias():
    rng = _rng(3)
    M, b = rng.standard_normal((5, 7)), rng.standard_normal(7)
    X = rng.standard_normal((25, 5))
    tr = layer_transition(X, Dense(M, b))
    V = tr.alignment.out_basis.matrix()
    assert np.allclose(tr.alignment.shift, b @ V)  # the bias is rotated by V, not scaled
    assert np.allclose(tr.end, tr.predicted_end(), atol=1e-12)
    assert tr.scaling_residual() < 1e-12
    # the first min(p, r) = 5 coordinates scale by σ; the 2 extra output coordinates only get the bias
    assert np.allclose(tr.end[:, :5], tr.start[:, :5] * tr.alignment.scales + tr.alignment.shift[:5])
    assert np.allclose(tr.end[:, 5:], tr.alignment.shift[5:])
    # each point moves on a straight, axis-parallel path: at(t) is linear in t
    assert np.allclose(tr.at(0.25), 0.75 * tr.start + 0.25 * tr.end)


@pytest.mark.parametrize("p,r", [(9, 4), (4, 9)])
def test_zero_padding_embeds_both_sides_isometrically(p, r):
    rng = _rng(4)
    X = rng.standard_normal((20, p))
    tr = layer_transition(X, Dense(rng.standard_normal((p, r))), width=12)
    assert tr.start.shape == tr.end.shape == (20, 12)
    assert np.all(tr.start[:, p:] == 0) and np.all(tr.end[:, r:] == 0)

    def dists(A):
        return np.linalg.norm(A[:, None] - A[None], axis=-1)

    assert np.allclose(dists(tr.start), dists(X))  # padding + rotation keep every distance
    assert np.allclose(pad_columns(X, 12)[:, p:], 0)


def test_componentwise_maps_interpolate_in_the_raw_basis():
    X = _rng(5).standard_normal((15, 6))
    tr = layer_transition(X, relu())
    assert tr.kind == "componentwise"
    assert np.array_equal(tr.start, X) and np.array_equal(tr.end, np.maximum(X, 0))
    assert np.allclose(tr.at(0.5), (X + np.maximum(X, 0)) / 2)
    # coordinates that ReLU leaves alone never move
    pos = X > 0
    assert np.allclose(tr.at(0.7)[pos], X[pos])
    tanh = layer_transition(X, Componentwise(np.tanh, name="tanh"))
    assert np.allclose(tanh.end, np.tanh(X))


def test_softmax_is_animated_on_the_shared_class_axes():
    L = _rng(6).standard_normal((12, 10)) * 3
    tr = layer_transition(L, Softmax())
    assert tr.kind == "softmax"
    assert np.array_equal(tr.start, L)
    assert np.allclose(tr.end.sum(axis=1), 1.0) and np.all(tr.end > 0)
    assert np.array_equal(tr.end.argmax(axis=1), L.argmax(axis=1))  # class axes are kept
    assert np.allclose(layer_transition(L, Softmax(log=True)).end, np.log(tr.end))


def test_at_accepts_several_times():
    X = _rng(7).standard_normal((8, 3))
    tr = layer_transition(X, Dense(_rng(8).standard_normal((3, 3))))
    ts = np.linspace(0, 1, 5)
    frames = tr.at(ts)
    assert frames.shape == (5, 8, 3)
    for k, t in enumerate(ts):
        assert np.allclose(frames[k], tr.at(t))


def test_errors_name_the_problem():
    rng = _rng(9)
    layer = Dense(rng.standard_normal((4, 3)))
    with pytest.raises(ValueError, match="4 inputs"):
        layer_transition(rng.standard_normal((5, 6)), layer)
    with pytest.raises(ValueError, match="2-D"):
        layer_transition(rng.standard_normal(4), layer)
    bad = rng.standard_normal((5, 4))
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        layer_transition(bad, layer)
    tr = layer_transition(rng.standard_normal((5, 4)), layer)
    for t in (-0.1, 1.5, np.nan):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            tr.at(t)
    with pytest.raises(ValueError, match="width"):
        layer_transition(rng.standard_normal((5, 4)), layer, width=3)
    with pytest.raises(ValueError, match="3 entries"):
        Dense(rng.standard_normal((4, 3)), b=np.zeros(4))
    with pytest.raises(ValueError, match="not orthogonal"):
        DenseBasis(rng.standard_normal((3, 3)))
    with pytest.raises(ValueError, match="keep the shape"):
        layer_transition(rng.standard_normal((5, 4)), Componentwise(lambda X: X[:, :2]))
