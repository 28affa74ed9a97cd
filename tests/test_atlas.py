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


@pytest.mark.parametrize("relax", [True, False])
def test_forward_mode_attribution_equals_h_dot_reverse_mode_gradient(relax):
    """a_c = h · ∂z_c/∂h, with the gradient taken the other way (K backward passes)."""
    from tourlib.atlas.collect import layer_map
    from tourlib.nets.inputs import images_to_tensor
    model = build_zoo_model("cifar-vgg", seed=2).eval()
    images = _images(5)
    acts = collect(model, images, "conv3", seed=1)
    fast = attribute(model, images, acts, relax=relax, batch_size=2)
    kept = {}

    def leaf(_m, _i, y):
        kept["y"] = y.detach().requires_grad_(True)
        return kept["y"]

    h = model.conv3.register_forward_hook(leaf)
    ctx = relaxed_max_pooling(model) if relax else torch.enable_grad()
    with ctx:
        z = model.logits(images_to_tensor(images))
        rows = torch.arange(5)
        ys, xs = torch.from_numpy(acts.positions[:, 0]), torch.from_numpy(acts.positions[:, 1])
        slow = np.stack([
            (torch.autograd.grad(z[:, c].sum(), kept["y"], retain_graph=True)[0][rows, :, ys, xs]
             * kept["y"][rows, :, ys, xs]).sum(1).detach().numpy() for c in range(10)], axis=1)
    h.remove()
    assert np.allclose(fast, slow, rtol=1e-4, atol=1e-6 * np.abs(slow).max())


def test_attribution_rejects_activations_of_other_images():
    model = build_zoo_model("cifar-vgg", seed=0)
    acts = collect(model, _images(6), "conv5", seed=0)
    with pytest.raises(ValueError, match="pass the images the activations were collected from"):
        attribute(model, _images(3), acts)


def test_collect_layers_in_one_pass_equals_collect_one_at_a_time():
    from tourlib.atlas import collect_layers
    model = build_zoo_model("cifar-vgg", seed=0)
    images = _images(20)
    both = collect_layers(model, images, ["conv3", "conv6"], seed=5, batch_size=7)
    for name in ("conv3", "conv6"):
        one = collect(model, images, name, seed=5)
        assert np.array_equal(both[name].positions, one.positions)
        assert np.allclose(both[name].values, one.values, atol=1e-6)


def test_icons_improve_the_objective_and_keep_the_best_seed():
    from tourlib.atlas.icons import cell_icons, whitened_directions
    from tourlib.featvis import objectives as obj
    from tourlib.featvis.render import evaluate
    model = build_zoo_model("cifar-vgg", seed=0)
    acts = collect(model, _images(30), "conv3", seed=0)
    v = acts.values[:3]
    icons = cell_icons(model, "conv3", v, seeds=(0, 1), steps=16, chunk=2)
    assert icons.images.dtype == np.uint8 and icons.images.shape[0] == 3
    y0, y1, x0, x1 = icons.box
    assert icons.images.shape[1:3] == (max(y1 - y0, x1 - x0),) * 2 and (y1 - y0) < 32   # conv3 sees a patch
    assert np.all(icons.score > icons.start_score)
    single = [cell_icons(model, "conv3", v, seeds=(s,), steps=16, chunk=2).score for s in (0, 1)]
    assert np.allclose(icons.score, np.maximum(*single), rtol=1e-4)
    assert set(icons.seed) <= {0, 1}
    cov = np.cov(acts.values.T) + np.eye(acts.values.shape[1])
    w = whitened_directions(v, cov, eps=0)
    assert np.allclose(w @ cov, v, atol=1e-3)
    with pytest.raises(ValueError, match="non-empty M×C"):
        cell_icons(model, "conv3", np.zeros((0, 128)))


def test_class_masks_and_the_comparison_layout():
    from tourlib.atlas.classes import attribution_difference, class_mask, comparison_layout
    rng = np.random.default_rng(0)
    attr = rng.normal(size=(400, 10))
    top = class_mask(attr, 3)
    assert np.array_equal(top, attr.argmax(1) == 3)
    mag = class_mask(attr, 3, mode="magnitude", quantile=0.75)
    assert abs(mag.mean() - 0.25) < 0.01 and attr[mag, 3].min() >= attr[~mag, 3].max()
    d = attribution_difference(attr, 3, 5)
    assert np.all(np.abs(d) <= 1) and np.all(np.sign(d) == np.sign(attr[:, 5] - attr[:, 3]))
    values = rng.normal(size=(400, 8)).astype(np.float32)
    keep, xy = comparison_layout(values, attr, 3, 5, seed=0, cache=False)
    assert np.all(np.isin(attr[keep].argmax(1), [3, 5]))
    assert xy.shape == (len(keep), 2) and xy.min() >= 0 and xy.max() <= 1
    assert np.all((xy[:, 0] > 0.5) == (attr[keep, 5] > attr[keep, 3]))   # right of centre favours b
    with pytest.raises(ValueError, match="class 10 is not a class code"):
        class_mask(attr, 10)
    with pytest.raises(ValueError, match="'top' or 'magnitude'"):
        class_mask(attr, 1, mode="rank")


def test_paste_puts_the_patch_in_each_corner_and_nowhere_else():
    from tourlib.atlas.patch import CORNERS, paste, resize_patch
    images = np.zeros((2, 10, 12, 3), np.uint8)
    patch = np.ones((3, 3, 3), np.float32)
    where = {}
    for corner in CORNERS:
        out = paste(images, patch, corner)
        assert out.sum() == 2 * 27 and images.sum() == 0
        ys, xs = np.nonzero(out[0, :, :, 0])
        where[corner] = (ys.min(), xs.min())
    assert where == {"top left": (0, 0), "top right": (0, 9), "bottom left": (7, 0), "bottom right": (7, 9)}
    assert resize_patch(np.full((30, 30, 3), 255, np.uint8), 8).shape == (8, 8, 3)
    with pytest.raises(ValueError, match="corner must be one of"):
        paste(images, patch, "middle")


def test_patch_attack_counts_flips_to_the_target():
    """A network that says 'class 1' exactly when the top-left pixel is bright: the patch flips every
    image in the top-left corner only, and the best-setting rate is the fraction flipped anywhere."""
    from tourlib.atlas.patch import patch_attack

    class TopLeft(nn.Module):
        def forward(self, x):
            z = torch.zeros(len(x), 3)
            z[:, 0] = 0.5
            z[:, 1] = x[:, :, 0, 0].mean(1)
            return z

    images = np.zeros((20, 16, 16, 3), np.uint8)
    images[:5, 0, 0] = 255       # 5 images already say class 1
    res = patch_attack(TopLeft(), images, np.ones((4, 4, 3), np.float32), 1, sizes=(2, 4))
    assert res.clean_target.sum() == 5
    assert np.allclose(res.rates[:, 0], 15 / 20) and np.allclose(res.rates[:, 1:], 0)
    assert res.best_rate == pytest.approx(15 / 20) and res.mean_rate == pytest.approx(15 / 20 / 4)
    assert res.best_setting[1] == "top left"


def test_every_position_is_the_whole_map_row_major_and_boxes_cover_each_position():
    from tourlib.atlas import every_position, receptive_boxes
    from tourlib.atlas.collect import layer_map
    from tourlib.nets.inputs import images_to_tensor
    model = build_zoo_model("cifar-vgg", seed=0)
    image = _images(1)[0]
    acts = every_position(model, image, "conv5")
    full = layer_map(model, images_to_tensor(image[None]), "conv5")[0].numpy()
    assert acts.values.shape == (64, 256) and acts.map_size == (8, 8)
    k = 8 * 3 + 5
    assert tuple(acts.positions[k]) == (3, 5) and np.allclose(acts.values[k], full[:, 3, 5], atol=1e-6)
    boxes = receptive_boxes(model, "conv6", (4, 4))
    assert boxes.shape == (4, 4, 4)
    y0, y1, x0, x1 = boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]
    assert np.all((0 <= y0) & (y0 < y1) & (y1 <= 32) & (0 <= x0) & (x0 < x1) & (x1 <= 32))
    assert np.all(np.diff(y0, axis=0) >= 0) and np.all(np.diff(x0, axis=1) >= 0)   # boxes move with the position
    with pytest.raises(ValueError, match="vector layer"):
        every_position(model, image, "fc")


def test_measures_of_agreement_strength_and_dropped_share():
    from tourlib.atlas import attribution_strength, cell_agreement, dropped_fraction, favouring_cells, top_class_agreement
    rng = np.random.default_rng(1)
    labels = rng.integers(0, 10, 300)
    attr = rng.normal(size=(300, 10)) * 0.1
    attr[np.arange(300), labels] += 1.0          # every activation supports its own label
    assert top_class_agreement(attr, labels) == 1.0
    assert top_class_agreement(attr, (labels + 1) % 10) == 0.0
    xy = rng.random((300, 2))
    g = grid_cells(xy, rng.normal(size=(300, 4)), attr, size=4, min_count=1)
    assert 0 <= cell_agreement(g, labels) <= 1
    pure = np.zeros(300, np.int64)
    g2 = grid_cells(xy, rng.normal(size=(300, 4)), np.eye(10)[pure], size=4, min_count=1)
    assert cell_agreement(g2, pure) == 1.0
    assert attribution_strength(attr) == pytest.approx(np.median(np.abs(attr).max(1)))
    sparse = grid_cells(xy, rng.normal(size=(300, 4)), attr, size=12, min_count=4)
    assert dropped_fraction(sparse, 300) == pytest.approx(1 - sparse.count.sum() / 300) and dropped_fraction(sparse, 300) > 0
    best = favouring_cells(g, 2, 7, k=3)
    from tourlib.atlas import attribution_difference
    d = attribution_difference(g.mean_attribution, 2, 7)
    assert np.allclose(d[best], np.sort(d)[::-1][:3])
    with pytest.raises(ValueError, match="one label per activation"):
        top_class_agreement(attr, labels[:5])


def test_the_atlas_cache_returns_what_was_computed_and_keys_every_setting(tmp_path, monkeypatch):
    from tourlib.atlas import build_atlas, cached_icons
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    model = build_zoo_model("cifar-vgg", seed=0)
    images = _images(60)
    kw = dict(steps=4, seeds=(0,))
    a = build_atlas(model, images, "conv6", seed=0, levels=(2, 3), min_count=1, icon_kw=kw)
    b = build_atlas(model, images, "conv6", seed=0, levels=(2, 3), min_count=1, icon_kw=kw)
    assert np.array_equal(a.attributions, b.attributions) and np.array_equal(a.xy, b.xy)
    assert all(np.array_equal(x.images, y.images) for x, y in zip(a.icons, b.icons))
    assert [g.size for g in a.grids] == [2, 3]
    v = a.grids[0].mean_activation
    first = cached_icons(model, "conv6", v, **kw)
    assert np.array_equal(first.images, a.icons[0].images)                 # a hit
    other = cached_icons(model, "conv6", v, **kw, lr=0.2)                  # another setting: computed afresh
    assert not np.array_equal(other.images, first.images)
    assert len(list((tmp_path / "atlas").glob("icons-*.npz"))) == 3
    with pytest.raises(ValueError, match="coarse to fine"):
        build_atlas(model, images, "conv6", seed=0, levels=(3, 2))
