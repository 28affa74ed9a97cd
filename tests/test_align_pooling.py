"""Pooling layers in tourlib.align: the average-pooling SVD and the article's max-pooling treatment."""

import numpy as np
import pytest

from tourlib.align import AvgPool2d, MaxPool2d, PoolWindowBasis, layer_transition, linear_svd
from tourlib.align.pooling import avgpool_matrix, maxpool_forward


def _rng(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("shape,k", [((2, 4, 6), 2), ((3, 5, 7), 2), ((1, 6, 6), (3, 2))])
def test_window_basis_is_orthogonal_and_is_the_svd_of_average_pooling(shape, k):
    U = PoolWindowBasis(shape, k)
    B = U.matrix()
    assert np.allclose(B.T @ B, np.eye(U.dim), atol=1e-12)
    A = avgpool_matrix(shape, k)
    m = A.shape[1]
    # A = U[:, :m] · (1/√w) · I: every singular value is 1/√w and V = I
    assert np.allclose(B[:, :m] / np.sqrt(U.w), A, atol=1e-12)
    assert np.allclose(linear_svd(A).s, 1 / np.sqrt(U.w))
    X = _rng(0).standard_normal((4, U.dim))
    assert np.allclose(U.unrotate(U.rotate(X)), X, atol=1e-12)
    assert np.allclose(U.rotate(X), X @ B, atol=1e-12)


def test_maxpool_transition_goes_from_scaled_mean_to_max():
    shape, k = (2, 4, 4), 2
    X = _rng(1).standard_normal((10, 32))
    tr = layer_transition(X, MaxPool2d(k, shape))
    m = 8
    assert tr.kind == "maxpool" and not tr.alignment.exact
    assert np.allclose(tr.end[:, :m], maxpool_forward(X, shape, k))
    assert np.allclose(tr.start[:, :m], 2.0 * (X @ avgpool_matrix(shape, k)))  # √w · mean, w = 4
    assert np.all(tr.end[:, m:] == 0)  # within-window contrasts shrink to zero
    assert np.allclose(tr.alignment.in_basis.unrotate(tr.start), X)


def test_maxpool_credits_every_pixel_of_the_window_the_articles_artefact():
    x = np.array([[0.9, 0.9, 0.9, 1.0]])  # one 2×2 window
    tr = layer_transition(x, MaxPool2d(2, (1, 2, 2)))
    assert np.isclose(tr.start[0, 0], 2 * 0.925) and np.isclose(tr.end[0, 0], 1.0)


def test_overlapping_maxpool_uses_the_dense_average_pooling_svd():
    shape = (1, 5, 5)
    X = _rng(2).standard_normal((6, 25))
    tr = layer_transition(X, MaxPool2d(3, shape, stride=2))
    a = tr.alignment
    assert np.allclose(a.in_basis.unrotate(tr.start), X)
    assert np.allclose(a.out_basis.unrotate(tr.end[:, :4]), maxpool_forward(X, shape, 3, 2))
    assert np.allclose(a.scales, linear_svd(avgpool_matrix(shape, 3, 2)).s)


def test_average_pooling_is_an_exact_scaling():
    X = _rng(3).standard_normal((7, 3 * 6 * 6))
    tr = layer_transition(X, AvgPool2d(3, (3, 6, 6)))
    assert tr.alignment.exact and tr.scaling_residual() < 1e-12
    assert np.allclose(tr.end[:, :12], X @ avgpool_matrix((3, 6, 6), 3))


def test_pooling_errors():
    with pytest.raises(ValueError, match="larger than"):
        PoolWindowBasis((1, 2, 2), 3)
    with pytest.raises(ValueError, match="larger than"):
        MaxPool2d(5, (1, 4, 4))
    with pytest.raises(ValueError, match="32 inputs"):
        MaxPool2d(2, (2, 4, 4)).alignment(30)


# ---------------------------------------------------------------- bad layer descriptions (issue 13)

@pytest.mark.parametrize("make, message", [
    (lambda: MaxPool2d(0, (1, 4, 4)), "MaxPool2d kernel must be a positive int .* got 0"),
    (lambda: MaxPool2d((2, 0), (1, 4, 4)), "MaxPool2d kernel must be .* got \\(2, 0\\)"),
    (lambda: MaxPool2d(2, (1, 4, 4), stride=0), "MaxPool2d stride must be a positive int"),
    (lambda: MaxPool2d(True, (1, 4, 4)), "MaxPool2d kernel must be"),
    (lambda: AvgPool2d(0, (1, 4, 4)), "AvgPool2d kernel must be a positive int"),
])
def test_a_zero_or_bad_pooling_window_is_a_clear_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_layers_from_torch_names_the_layer_that_does_not_fit_its_input():
    from torch import nn

    from tourlib.nets.torch_layers import layers_from_torch

    cases = [
        (nn.Sequential(nn.MaxPool2d(0)), (1, 4, 4), "layer '0': MaxPool2d kernel_size must be a positive int"),
        (nn.Sequential(nn.Conv2d(3, 2, 3)), (1, 8, 8),
         r"layer '0': Conv2d expects 3 input channels but the activation reaching it has 1 \(shape \(1, 8, 8\)\)"),
        (nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(3)), (1, 8, 8),
         r"layer '1': BatchNorm2d expects 3 input channels .* has 2 \(shape \(2, 6, 6\)\)"),
        (nn.Sequential(nn.Flatten(), nn.Linear(10, 2)), (1, 2, 2),
         "layer '1': Linear takes 10 input features but the activation reaching it has 4"),
        (nn.Sequential(nn.Conv2d(1, 2, 9)), (1, 8, 8), "layer '0': Conv2d cannot take the activation of shape"),
    ]
    for model, shape, message in cases:
        with pytest.raises(ValueError, match=message):
            layers_from_torch(model, shape)
    ok = layers_from_torch(nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                         nn.Linear(18, 3)), (1, 8, 8))
    assert [type(layer).__name__ for layer in ok] == ["Conv2d", "Componentwise", "MaxPool2d", "Dense"]
