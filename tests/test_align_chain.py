"""Chaining layer transitions: the view is carried so the picture never jumps."""

import numpy as np
import pytest
import torch
from scipy.linalg import block_diag
from scipy.stats import ortho_group
from torch import nn

from tourlib.align import (Conv2d, Dense, IdentityBasis, MaxPool2d, Softmax, align_network,
                           carry_view, layer_transition, padded_input, relu)
from tourlib.nets.torch_layers import layers_from_torch

torch.set_num_threads(1)


def _rng(seed):
    return np.random.default_rng(seed)


def _assert_continuous(path, G0):
    views = path.views(G0)
    first = padded_input(path) @ G0
    assert np.allclose(path.transitions[0].start @ views[0], first, atol=1e-9)
    for i in range(len(views) - 1):
        a = path.transitions[i].end @ views[i]
        b = path.transitions[i + 1].start @ views[i + 1]
        assert np.allclose(a, b, atol=1e-9), f"jump between transition {i} and {i + 1}"
    return views


def test_views_are_continuous_and_orthogonal_through_an_mlp():
    rng = _rng(0)
    layers = [Dense(rng.standard_normal((5, 7)), rng.standard_normal(7)), relu(),
              Dense(rng.standard_normal((7, 3)), rng.standard_normal(3)), Softmax()]
    X = rng.standard_normal((30, 5))
    path = align_network(X, layers)
    assert path.width == 7 and len(path.transitions) == 4
    G0 = ortho_group.rvs(7, random_state=1)
    views = _assert_continuous(path, G0)
    for G in views:
        assert np.allclose(G.T @ G, np.eye(7), atol=1e-10)
    # the raw activations are shown by the carried raw view, again without a jump
    for i, tr in enumerate(path.transitions):
        Graw = path.raw_view(i, views[i])
        Xi = np.zeros((30, 7))
        Xi[:, : path.activations[i + 1].shape[1]] = path.activations[i + 1]
        assert np.allclose(Xi @ Graw, tr.end @ views[i], atol=1e-9)


def test_carry_view_is_the_derived_formula():
    """G' = blockdiag(U'ᵀ V, I) G, in row-vector convention."""
    rng = _rng(2)
    r, D = 4, 6
    M1, M2 = rng.standard_normal((6, r)), rng.standard_normal((r, 5))
    a1 = layer_transition(rng.standard_normal((3, 6)), Dense(M1)).alignment
    a2 = layer_transition(rng.standard_normal((3, r)), Dense(M2)).alignment
    V, U2 = a1.out_basis.matrix(), a2.in_basis.matrix()
    G = ortho_group.rvs(D, random_state=3)
    expected = block_diag(U2.T @ V, np.eye(D - r)) @ G
    assert np.allclose(carry_view(G, a1.out_basis, a2.in_basis), expected, atol=1e-12)
    # a D×2 frame gives the first two columns of the full result
    assert np.allclose(carry_view(G[:, :2], a1.out_basis, a2.in_basis), expected[:, :2], atol=1e-12)


def test_pure_rotation_layers_are_invisible_along_the_whole_chain():
    rng = _rng(4)
    Q1, Q2 = ortho_group.rvs(4, random_state=5), -np.eye(4)
    X = rng.standard_normal((20, 4))
    path = align_network(X, [Dense(Q1), Dense(Q2)])
    G0 = ortho_group.rvs(4, random_state=6)
    views = _assert_continuous(path, G0)
    picture = X @ G0[:, :2]
    for tr, G in zip(path.transitions, views, strict=True):
        for t in (0.0, 0.5, 1.0):
            assert np.allclose(tr.at(t) @ G[:, :2], picture, atol=1e-10)


def test_chain_with_fft_convolutions_valid_output_and_a_two_column_frame():
    rng = _rng(7)
    conv = Conv2d(rng.standard_normal((2, 1, 3, 3)), rng.standard_normal(2), (1, 6, 6), method="fft")
    assert conv.out_shape == (2, 4, 4)  # 'valid': embedded into 2×6×6 for the FFT bases
    layers = [conv, relu(), Dense(rng.standard_normal((32, 5)))]
    X = rng.standard_normal((15, 36))
    path = align_network(X, layers)
    assert path.width == 72
    G0 = ortho_group.rvs(72, random_state=8)
    views = _assert_continuous(path, G0)
    frame_views = path.views(G0[:, :2])
    for G, Gf in zip(views, frame_views, strict=True):
        assert np.allclose(G[:, :2], Gf, atol=1e-10)
        assert np.allclose(G.T @ G, np.eye(72), atol=1e-9)


def test_layers_from_torch_reproduces_the_model_and_stays_continuous():
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(3 * 3 * 3, 4), nn.Tanh(), nn.Linear(4, 3), nn.Softmax(dim=1),
    ).double()
    layers = layers_from_torch(model, (1, 6, 6))
    assert [type(layer).__name__ for layer in layers] == [
        "Conv2d", "Componentwise", "MaxPool2d", "Dense", "Componentwise", "Dense", "Softmax"]
    assert [layer.name for layer in layers] == ["0", "1", "2", "4", "5", "6", "7"]
    x = torch.rand(9, 1, 6, 6, dtype=torch.float64)
    path = align_network(x.reshape(9, -1).numpy(), layers)
    with torch.no_grad():
        assert np.allclose(path.activations[-1], model(x).numpy(), atol=1e-12)
    _assert_continuous(path, ortho_group.rvs(path.width, random_state=9))
    assert model.training  # the model's mode is restored


def test_layers_from_torch_handles_batchnorm_and_average_pooling():
    torch.manual_seed(1)
    model = nn.Sequential(nn.Conv2d(2, 2, 3, padding=1), nn.BatchNorm2d(2), nn.AvgPool2d(2),
                          nn.Flatten(), nn.Linear(8, 2)).double()
    model[1].running_mean.uniform_(-1, 1)
    model[1].running_var.uniform_(0.5, 2)
    model.eval()
    x = torch.rand(5, 2, 4, 4, dtype=torch.float64)
    path = align_network(x.reshape(5, -1).numpy(), layers_from_torch(model, (2, 4, 4)))
    with torch.no_grad():
        assert np.allclose(path.activations[-1], model(x).numpy(), atol=1e-12)
    assert not model.training


class _NormalisingNet(nn.Sequential):
    """Like tourlib.nets.LayeredNet: normalises in forward, a Linear flattens feature maps."""

    def __init__(self):
        super().__init__(nn.Conv2d(2, 3, 3), nn.ReLU(), nn.Linear(3 * 4 * 4, 4), nn.Softmax(dim=1))
        self.register_buffer("input_mean", torch.tensor([0.5, 0.2]))
        self.register_buffer("input_std", torch.tensor([0.25, 2.0]))

    def forward(self, x):
        x = (x - self.input_mean[:, None, None]) / self.input_std[:, None, None]
        for layer in self:
            x = layer(x.flatten(1) if isinstance(layer, nn.Linear) else x)
        return x


def test_layers_from_torch_follows_in_model_normalisation_and_implicit_flatten():
    torch.manual_seed(2)
    model = _NormalisingNet().double()
    layers = layers_from_torch(model, (2, 6, 6))
    assert layers[0].name == "input_normalization"
    x = torch.rand(4, 2, 6, 6, dtype=torch.float64)
    path = align_network(x.reshape(4, -1).numpy(), layers)
    with torch.no_grad():
        assert np.allclose(path.activations[-1], model(x).numpy(), atol=1e-12)


def test_layers_from_torch_rejects_unknown_modules():
    with pytest.raises(TypeError, match="LSTM"):
        layers_from_torch(nn.Sequential(nn.Flatten(), nn.LSTM(4, 4)), (4,))


def test_carry_view_errors():
    G = np.eye(5)
    with pytest.raises(ValueError, match="takes 3 inputs"):
        carry_view(G, IdentityBasis(4), IdentityBasis(3))
    with pytest.raises(ValueError, match="2-D"):
        carry_view(np.ones(5), IdentityBasis(4), IdentityBasis(4))
    path = align_network(np.ones((2, 3)), [relu()])
    with pytest.raises(ValueError, match="3×k"):
        path.views(np.eye(4))
    with pytest.raises(ValueError, match="empty"):
        align_network(np.ones((2, 3)), [])


def test_max_pool_in_a_chain_keeps_the_picture():
    rng = _rng(10)
    X = rng.random((8, 2 * 4 * 4))
    path = align_network(X, [MaxPool2d(2, (2, 4, 4)), Dense(rng.standard_normal((8, 3)))])
    _assert_continuous(path, ortho_group.rvs(32, random_state=11))
