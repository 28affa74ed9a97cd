"""Activation atlases: collection, the max-pool relaxation, attribution and the grid."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tourlib.atlas import attribute, collect, grid_cells, relaxed_max_pooling, whiten
from tourlib.atlas.grid import cell_of
from tourlib.nets.models import LayeredNet
from tourlib.nets.zoo import build_zoo_model


def _images(n=12, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 32, 32, 3)).astype(np.uint8)


def test_collect_picks_interior_positions_only_and_is_seeded():
    model = build_zoo_model("cifar-vgg", seed=0)
    images = _images(40)
    a = collect(model, images, "conv4", seed=3, margin=1)
    b = collect(model, images, "conv4", seed=3, margin=1)
    c = collect(model, images, "conv4", seed=4, margin=1)
    assert a.values.shape == (40, 128) and a.map_size == (8, 8)
    assert np.array_equal(a.positions, b.positions) and np.array_equal(a.values, b.values)
    assert not np.array_equal(a.positions, c.positions)
    assert a.positions.min() >= 1 and a.positions.max() <= 6
    # the vector really is the layer's output at that position
    with torch.no_grad():
        y = dict(model.named_children())
        from tourlib.atlas.collect import layer_map
        from tourlib.nets.inputs import images_to_tensor
        full = layer_map(model, images_to_tensor(images[:3]), "conv4")
    for i in range(3):
        yy, xx = a.positions[i]
        assert np.allclose(a.values[i], full[i, :, yy, xx].numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="no interior"):
        collect(model, images, "conv6", seed=0, margin=2)  # 4×4 map


def test_relaxed_max_pool_backward_equals_average_pooling_and_forward_is_max():
    x = torch.randn(2, 3, 8, 8, requires_grad=True)
    g = torch.randn(2, 3, 4, 4)
    net = nn.Sequential(nn.MaxPool2d(2))
    with relaxed_max_pooling(net):
        y = net(x)
        (gx,) = torch.autograd.grad(y, x, g)
    assert torch.equal(y, F.max_pool2d(x, 2))
    x2 = x.detach().clone().requires_grad_(True)
    (g_avg,) = torch.autograd.grad(F.avg_pool2d(x2, 2), x2, g)
    assert torch.allclose(gx, g_avg)
    # outside the block the true max-pool gradient is back (one winner per window)
    (g_true,) = torch.autograd.grad(net(x), x, g)
    assert int((g_true != 0).sum()) == g.numel()


def test_attribution_is_exact_through_a_linear_head():
    """For z = W h + b after the collected layer, the attributions are z_c − b_c."""
    torch.manual_seed(0)
    layers = OrderedDict([("conv1", nn.Conv2d(3, 4, 3, padding=1)), ("relu1", nn.ReLU()),
                          ("fc", nn.Linear(4 * 32 * 32, 10)), ("softmax", nn.Softmax(dim=1))])
    model = LayeredNet(layers, in_channels=3, architecture="cifar10").eval()
    images = _images(6)
    acts = collect(model, images, "fc", seed=0)            # a vector layer: the logits themselves
    attr = attribute(model, images, acts)
    from tourlib.nets.inputs import images_to_tensor
    with torch.no_grad():
        z = model.logits(images_to_tensor(images)).numpy()
    # h = z, ∂z_c/∂h = e_c, so a_c = z_c
    assert np.allclose(attr, z, atol=1e-5)
    acts1 = collect(model, images, "relu1", seed=0)
    attr1 = attribute(model, images, acts1)
    # at one position, a_c = Σ_k h_k W_c[k, p]: check against the weights directly
    w = model.fc.weight.detach().numpy().reshape(10, 4, 32, 32)
    for i in range(3):
        y, x = acts1.positions[i]
        assert np.allclose(attr1[i], w[:, :, y, x] @ acts1.values[i], atol=1e-5)


def test_attribution_on_a_zoo_network_has_one_value_per_class_and_relaxation_matters():
    model = build_zoo_model("cifar-vgg", seed=1)
    images = _images(8)
    acts = collect(model, images, "conv3", seed=0)
    relaxed = attribute(model, images, acts)
    true = attribute(model, images, acts, relax=False)
    assert relaxed.shape == (8, 10) and np.isfinite(relaxed).all()
    assert not np.allclose(relaxed, true)


def test_grid_assigns_every_point_to_exactly_one_cell_and_means_are_right():
    rng = np.random.default_rng(0)
    xy = rng.random((500, 2)); xy[:3] = [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]]
    values, attr = rng.normal(size=(500, 6)), rng.normal(size=(500, 10))
    g = grid_cells(xy, values, attr, size=5, min_count=1)
    members = np.concatenate(g.members)
    assert np.array_equal(np.sort(members), np.arange(500))
    assert g.count.sum() == 500 and len(g.cells) == 25
    rc = cell_of(xy, 5)
    for k, (cell, m) in enumerate(zip(g.cells, g.members)):
        assert np.all(rc[m] == cell)
        assert np.allclose(g.mean_activation[k], values[m].mean(0), atol=1e-6)
        assert np.allclose(g.mean_attribution[k], attr[m].mean(0), atol=1e-6)
    sparse = grid_cells(xy[:30], values[:30], attr[:30], size=10, min_count=2)
    assert sparse.count.min() >= 2 and sparse.count.sum() < 30
    assert np.all((g.centres > 0) & (g.centres < 1))


def test_whitening_gives_identity_covariance():
    x = np.random.default_rng(0).normal(size=(2000, 4)) @ np.array([[3, 0, 0, 0], [1, 1, 0, 0], [0, 0, 2, 0], [0, 1, 0, .5]])
    w = whiten(x, eps=0)
    assert np.allclose(np.cov(w.T), np.eye(4), atol=1e-3)
