"""Convolutions in tourlib.align: explicit matrices, the FFT SVD, and zero padding."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tourlib.align import (ConvSVD, Conv2d, circular_padding_error, conv_geometry, conv_matrix,
                           layer_transition, linear_svd)

torch.set_num_threads(1)


def _rng(seed):
    return np.random.default_rng(seed)


def _groups(s, tol):
    """Index ranges of (descending) singular values that are equal within ``tol``."""
    cuts = np.flatnonzero(np.abs(np.diff(s)) > tol) + 1
    return np.split(np.arange(len(s)), cuts)


# --- the explicit matrix --------------------------------------------------------------

@pytest.mark.parametrize("kw", [
    dict(padding=1), dict(padding=0), dict(padding=2, stride=2), dict(padding="same", dilation=2),
    dict(padding=1, groups=2), dict(padding=1, padding_mode="circular"),
    dict(padding=1, padding_mode="reflect"),
])
def test_conv_matrix_matches_torch_in_chw_order(kw):
    rng = _rng(0)
    C, H, W, c_out = 4, 6, 5, 6
    groups = kw.get("groups", 1)
    w = rng.standard_normal((c_out, C // groups, 3, 3))
    geom = conv_geometry(w.shape, (C, H, W), **kw)
    M = conv_matrix(w, geom)
    x = rng.standard_normal((3, C, H, W))
    conv = torch.nn.Conv2d(C, c_out, 3, bias=False, dtype=torch.float64,
                           **{k: v for k, v in kw.items()})
    conv.weight.data = torch.from_numpy(w)
    with torch.no_grad():
        ref = conv(torch.from_numpy(x)).numpy()
    assert M.shape == (C * H * W, int(np.prod(ref.shape[1:])))
    assert np.allclose(x.reshape(3, -1) @ M, ref.reshape(3, -1), atol=1e-12)


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
def test_same_padding_of_even_kernels_follows_torch():
    rng = _rng(1)
    w = rng.standard_normal((2, 3, 4, 4))
    x = rng.standard_normal((2, 3, 7, 6))
    layer = Conv2d(w, None, (3, 7, 6), padding="same")
    ref = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), padding="same").numpy()
    assert np.allclose(layer.forward(x.reshape(2, -1)), ref.reshape(2, -1), atol=1e-12)


# --- FFT SVD against the dense SVD ----------------------------------------------------

@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("hw", [(5, 5), (6, 8), (7, 6)])
@pytest.mark.parametrize("cc", [(1, 1), (2, 3), (3, 2), (4, 4)])
def test_fft_svd_matches_dense_svd(cc, hw, k):
    (c_in, c_out), (H, W) = cc, hw
    rng = _rng(c_in * 100 + c_out * 10 + H + W + k)
    w = rng.standard_normal((c_out, c_in, k, k))
    p = (k - 1) // 2
    M = conv_matrix(w, conv_geometry(w.shape, (c_in, H, W), padding=p, padding_mode="circular"))
    dense = linear_svd(M)
    fft = ConvSVD(w, (c_in, H, W), offset=(p, p))
    n = min(M.shape)

    # singular values: the union of the per-frequency blocks' values
    assert len(fft.s) == n
    assert np.allclose(fft.s, dense.s[:n], rtol=1e-9, atol=1e-9 * dense.s[0])

    # orthogonality of both bases (formed densely here only because the layer is tiny)
    U, V = fft.U.matrix(), fft.V.matrix()
    assert np.allclose(U.T @ U, np.eye(len(U)), atol=1e-10)
    assert np.allclose(V.T @ V, np.eye(len(V)), atol=1e-10)

    # reconstruction: M = U Σ Vᵀ, and the operator applied without dense matrices
    X = rng.standard_normal((7, M.shape[0]))
    assert np.allclose(fft.apply(X), X @ M, atol=1e-10)
    assert np.allclose(fft.U.unrotate(fft.U.rotate(X)), X, atol=1e-10)

    # singular vectors are unique only within groups of equal singular values; the group
    # subspaces (projectors, and ‖X U_g‖ per point) must agree. Null space = last group.
    groups = _groups(dense.s[:n], 1e-7 * dense.s[0])
    if M.shape[0] > n:
        groups.append(np.arange(n, M.shape[0]))
    XU_d, XU_f = X @ dense.U, fft.U.rotate(X)
    for g in groups:
        assert np.allclose(U[:, g] @ U[:, g].T, dense.U[:, g] @ dense.U[:, g].T, atol=1e-8)
        assert np.allclose(np.linalg.norm(XU_f[:, g], axis=1), np.linalg.norm(XU_d[:, g], axis=1),
                           atol=1e-8)
    out_groups = _groups(dense.s[:n], 1e-7 * dense.s[0])
    if M.shape[1] > n:
        out_groups.append(np.arange(n, M.shape[1]))
    for g in out_groups:
        assert np.allclose(V[:, g] @ V[:, g].T, dense.V[:, g] @ dense.V[:, g].T, atol=1e-8)


def test_fft_and_dense_aligned_transitions_agree_up_to_rotations_within_groups():
    rng = _rng(5)
    C, H, W = 3, 6, 6
    w, b = rng.standard_normal((4, C, 3, 3)), rng.standard_normal(4)
    X = rng.standard_normal((12, C * H * W))
    kw = dict(padding=1, padding_mode="circular")
    tf = layer_transition(X, Conv2d(w, b, (C, H, W), method="fft", **kw))
    td = layer_transition(X, Conv2d(w, b, (C, H, W), method="dense", **kw))
    assert tf.alignment.exact and tf.scaling_residual() < 1e-12 and td.scaling_residual() < 1e-12
    groups = _groups(td.alignment.scales, 1e-7 * td.alignment.scales[0])
    groups.append(np.arange(len(td.alignment.scales), tf.width))
    for g in groups:
        for a, b_ in ((tf.start, td.start), (tf.end, td.end)):
            assert np.allclose(np.linalg.norm(a[:, g], axis=1), np.linalg.norm(b_[:, g], axis=1), atol=1e-9)
        assert np.isclose(np.linalg.norm(tf.alignment.shift[g]), np.linalg.norm(td.alignment.shift[g]))


def test_fft_svd_handles_dilation_groups_and_uncentred_offsets():
    rng = _rng(6)
    w = rng.standard_normal((4, 2, 3, 3))
    layer = Conv2d(w, None, (4, 8, 7), padding=(2, 1), dilation=(2, 1), groups=2,
                   padding_mode="circular", method="fft")
    M = conv_matrix(w, layer.geom)
    a = layer.alignment()
    assert np.allclose(a.scales, np.linalg.svd(M, compute_uv=False), atol=1e-9)
    X = rng.standard_normal((5, layer.in_dim))
    tr = layer_transition(X, layer)
    assert np.allclose(tr.end, tr.predicted_end(), atol=1e-10)
    assert np.allclose(a.out_basis.unrotate(tr.end[:, : a.aligned_out_dim]), X @ M, atol=1e-10)


def test_float32_rows_are_rotated_in_single_precision():
    rng = _rng(7)
    svd = ConvSVD(rng.standard_normal((3, 2, 3, 3)), (2, 8, 8), offset=(1, 1))
    X = rng.standard_normal((9, 128))
    Z64, Z32 = svd.U.rotate(X), svd.U.rotate(X.astype(np.float32))
    assert Z32.dtype == np.float32
    assert np.allclose(Z32, Z64, atol=1e-5 * np.abs(Z64).max())


def test_float32_activations_stay_float32_through_an_fft_transition():
    rng = _rng(14)
    layer = Conv2d(rng.standard_normal((3, 2, 3, 3)), rng.standard_normal(3), (2, 8, 8), padding=1,
                   padding_mode="circular", method="fft")
    X = rng.random((6, layer.in_dim))
    t64 = layer_transition(X, layer)
    a = layer.alignment()
    t32 = a.transition(X.astype(np.float32), layer.forward(X).astype(np.float32))
    assert t32.start.dtype == t32.end.dtype == np.float32
    for u, v in ((t32.start, t64.start), (t32.end, t64.end)):
        assert np.allclose(u, v, atol=1e-5 * np.abs(v).max())


# --- zero padding ---------------------------------------------------------------------

def test_zero_padded_same_conv_endpoints_stay_exact_and_residual_is_bounded():
    rng = _rng(8)
    C, H, W = 2, 7, 6
    layer = Conv2d(rng.standard_normal((3, C, 3, 3)), rng.standard_normal(3), (C, H, W),
                   padding=1, method="fft")
    X = rng.standard_normal((20, layer.in_dim))
    tr = layer_transition(X, layer)
    a = tr.alignment
    assert not a.exact
    assert np.allclose(a.in_basis.unrotate(tr.start[:, : a.in_dim]), X, atol=1e-10)
    assert np.allclose(a.out_basis.unrotate(tr.end[:, : a.aligned_out_dim]), layer.forward(X), atol=1e-10)
    err = circular_padding_error(layer)
    # end − (start·σ + shift) = (L_zero − L_circ) x, rotated: bounded by ‖D‖₂ ‖x‖
    gap = np.linalg.norm(tr.end - tr.predicted_end(), axis=1)
    assert np.all(gap <= err.operator * a.scales[0] * np.linalg.norm(X, axis=1) * (1 + 1e-6))
    assert 0 < tr.scaling_residual() < 1


def test_valid_conv_output_is_embedded_at_its_own_pixels():
    rng = _rng(9)
    C, H, W, k = 2, 8, 7, 3
    layer = Conv2d(rng.standard_normal((3, C, k, k)), rng.standard_normal(3), (C, H, W), method="fft")
    assert layer.out_shape == (3, H - 2, W - 2)
    X = rng.standard_normal((6, layer.in_dim))
    tr = layer_transition(X, layer)
    a = tr.alignment
    assert a.aligned_out_dim == 3 * H * W and a.out_dim == layer.out_dim
    raw = a.out_basis.unrotate(tr.end[:, : a.aligned_out_dim])
    assert np.allclose(a.restrict_output(raw), layer.forward(X), atol=1e-10)
    assert np.allclose(raw[:, a.out_embedding.unused], 0, atol=1e-10)
    # a 'valid' output equals the circular output (offset 0) at the kept pixels
    circ = ConvSVD(layer.weight, (C, H, W)).apply(X)
    assert np.allclose(circ[:, a.out_embedding.index], layer.forward(X) - np.repeat(layer.bias, 30), atol=1e-10)


@pytest.mark.parametrize("padding,mode", [(1, "zeros"), (0, "zeros"), (2, "zeros"), (0, "circular")])
def test_padding_error_formula_matches_dense_matrices(padding, mode):
    rng = _rng(10 + padding)
    C, H, W, k = 2, 7, 6, 5 if padding == 2 else 3
    layer = Conv2d(rng.standard_normal((3, C, k, k)), None, (C, H, W), padding=padding, padding_mode=mode)
    g = layer.geom
    M_circ = ConvSVD(layer.weight, (C, H, W), offset=(g.pad[0], g.pad[2])).apply(np.eye(layer.in_dim))
    M_emb = np.zeros_like(M_circ)
    keep = np.zeros((3, H, W), dtype=bool)
    keep[:, : g.out_shape[1], : g.out_shape[2]] = True
    M_emb[:, keep.ravel()] = conv_matrix(layer.weight, g)
    D = M_emb - M_circ
    err = circular_padding_error(layer)
    assert np.isclose(err.frobenius, np.linalg.norm(D) / np.linalg.norm(M_circ), rtol=1e-10)
    assert np.isclose(err.operator, np.linalg.norm(D, 2) / np.linalg.norm(M_circ, 2), rtol=1e-6)
    assert 0 < err.frobenius < 1


def test_circular_padding_has_no_error():
    layer = Conv2d(_rng(11).standard_normal((2, 2, 3, 3)), None, (2, 5, 5), padding=1,
                   padding_mode="circular")
    err = circular_padding_error(layer)
    assert err.frobenius == 0 and err.operator == 0


# --- choices and errors ---------------------------------------------------------------

def test_auto_method_uses_dense_for_small_layers_and_fft_for_large():
    rng = _rng(12)
    assert Conv2d(rng.standard_normal((2, 1, 3, 3)), None, (1, 6, 6), padding=1).resolved_method() == "dense"
    assert Conv2d(rng.standard_normal((8, 8, 3, 3)), None, (8, 20, 20), padding=1).resolved_method() == "fft"


def test_conv_errors_name_the_problem():
    rng = _rng(13)
    w = rng.standard_normal((2, 3, 3, 3))
    with pytest.raises(ValueError, match="stride 1"):
        Conv2d(w, None, (3, 8, 8), stride=2, padding=1, method="fft").alignment()
    with pytest.raises(ValueError, match="larger than"):
        ConvSVD(rng.standard_normal((2, 3, 5, 5)), (3, 4, 4))
    with pytest.raises(ValueError, match="input channels"):
        Conv2d(w, None, (2, 8, 8))
    with pytest.raises(ValueError, match="4-D"):
        Conv2d(w[0], None, (3, 8, 8))
    with pytest.raises(ValueError, match="C_out=2"):
        Conv2d(w, np.zeros(3), (3, 8, 8))
    with pytest.raises(ValueError, match="padding_mode"):
        Conv2d(w, None, (3, 8, 8), padding_mode="mirror")
    with pytest.raises(ValueError, match="method"):
        Conv2d(w, None, (3, 8, 8), method="magic")
    with pytest.raises(MemoryError, match="fft"):
        Conv2d(rng.standard_normal((64, 64, 3, 3)), None, (64, 32, 32), padding=1, method="dense").alignment()


@pytest.mark.parametrize("seed", [-1, True, 0.5])
def test_circular_padding_error_refuses_a_bad_seed_clearly(seed):
    layer = Conv2d(np.ones((1, 1, 3, 3)), None, (1, 6, 6), padding=1, method="fft")
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        circular_padding_error(layer, seed=seed)
