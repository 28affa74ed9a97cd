"""featvis measures: steps to reach a level, the lattice (checkerboard) contrast, layer activations, top indices."""

import numpy as np
import pytest
import torch

from featvis_tiny import one_thread, tiny_net  # noqa: F401 (fixture)
from tourlib.featvis.capture import activations, capture
from tourlib.featvis.examples import channel_means, layer_top_indices, unit_activations, unit_maps, units_maps
from tourlib.featvis.measures import lattice_contrast, lattice_profile, steps_to_reach

NET = tiny_net(dtype=torch.float32)


def test_steps_to_reach_counts_steps_from_one():
    c = np.array([0.0, 0.5, 0.4, 1.0, 2.0])
    assert steps_to_reach(c, 0.5) == 2          # curve[1] is the objective after step 2
    assert steps_to_reach(c, 0.45) == 2
    assert steps_to_reach(c, -1) == 1
    assert steps_to_reach(c, 2.0) == 5
    assert steps_to_reach(c, 2.1) is None
    with pytest.raises(ValueError, match="1-D"):
        steps_to_reach(np.zeros((2, 2)), 0)
    with pytest.raises(ValueError, match="finite"):
        steps_to_reach(c, np.nan)


def test_lattice_contrast_sees_a_checkerboard_and_not_a_flat_or_shifted_map():
    rng = np.random.default_rng(0)
    y, x = np.mgrid[:16, :16]
    checker = 1.0 + ((y % 2) & (x % 2))               # 2 on odd-odd pixels, 1 elsewhere
    prof = lattice_profile(checker, 2)
    np.testing.assert_allclose(prof, np.array([[1, 1], [1, 2]]) / 1.25)
    assert lattice_contrast(checker, 2) == pytest.approx(1 / 1.25)
    assert lattice_contrast(np.ones((3, 16, 16)), 2) == 0
    noise = rng.random((200, 16, 16))
    assert lattice_contrast(noise, 2) < 0.02       # stationary noise: no residue is special
    # shifting the pattern permutes the profile, the contrast stays
    assert lattice_contrast(np.roll(checker, 1, axis=0), 2) == pytest.approx(lattice_contrast(checker, 2))
    with pytest.raises(ValueError, match="multiples"):
        lattice_profile(np.ones((15, 16)), 2)
    with pytest.raises(ValueError, match="non-negative"):
        lattice_contrast(-np.ones((4, 4)), 2)
    with pytest.raises(ValueError, match="all tiles are zero"):
        lattice_contrast(np.zeros((4, 4)), 2)
    # a slow variation (a bright centre) is not a lattice
    smooth = np.exp(-((y - 7.5) ** 2 + (x - 7.5) ** 2) / 40.0)
    assert lattice_contrast(smooth, 2) < 0.15 * lattice_contrast(checker, 2)


def test_strided_convolution_gradient_has_a_lattice():
    """tiny_net's conv2 has stride 2: the gradient magnitude of a channel at the input depends on parity."""
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(16, 3, 16, 16, generator=gen).requires_grad_(True)
    capture(NET, x, ["conv2"])["conv2"][:, 0].sum().backward()
    g = x.grad.abs().sum(1).numpy()
    assert lattice_contrast(g, 2) > 0.2


def test_activations_match_capture_in_chunks():
    rng = np.random.default_rng(1)
    imgs = rng.integers(0, 256, (7, 12, 12, 3), dtype=np.uint8)
    a = activations(NET, imgs, "a1", batch_size=3)
    x = torch.as_tensor(imgs.astype(np.float32) / 255).permute(0, 3, 1, 2)
    with torch.no_grad():
        b = capture(NET, x, ["a1"])["a1"].numpy()
    assert a.shape == (7, 4, 12, 12) and a.dtype == np.float32
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert activations(NET, imgs, "fc").shape == (7, 3)
    with pytest.raises(ValueError, match="N×H×W×3"):
        activations(NET, imgs[0], "a1")
    with pytest.raises(ValueError, match="unknown layer"):
        activations(NET, imgs, "nope")


def test_channel_means_and_top_indices_agree_with_the_one_channel_path():
    rng = np.random.default_rng(2)
    imgs = rng.integers(0, 256, (40, 12, 12, 3), dtype=np.uint8)
    means = channel_means(NET, imgs, "a2", batch_size=16)
    assert means.shape == (40, 5)
    for c in range(5):
        np.testing.assert_allclose(means[:, c], unit_activations(unit_maps(NET, imgs, "a2", c)), rtol=1e-5, atol=1e-6)
    idx, vals = layer_top_indices(NET, imgs, "a2", k=3, means=means)
    assert idx.shape == vals.shape == (5, 3)
    for c in range(5):
        assert list(idx[c]) == list(np.argsort(-means[:, c], kind="stable")[:3])
        assert np.all(np.diff(vals[c]) <= 0)
    with pytest.raises(ValueError, match="k must"):
        layer_top_indices(NET, imgs, "a2", k=0)
    with pytest.raises(ValueError, match="N ≥ k"):
        layer_top_indices(NET, imgs, "a2", k=41, means=means)


def test_units_maps_is_unit_maps_for_every_unit_in_one_pass():
    rng = np.random.default_rng(3)
    imgs = rng.integers(0, 256, (9, 12, 12, 3), dtype=np.uint8)
    units = [("a1", 2), ("a2", 4), ("a1", 0)]
    many = units_maps(NET, imgs, units, batch_size=4)
    assert list(many) == units
    for layer, c in units:
        np.testing.assert_allclose(many[(layer, c)], unit_maps(NET, imgs, layer, c), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="valid channels are 0..4"):
        units_maps(NET, imgs, [("a2", 5)])
    with pytest.raises(ValueError, match="unknown layer"):
        units_maps(NET, imgs, [("nope", 0)])
    with pytest.raises(ValueError, match="at least one"):
        units_maps(NET, imgs, [])
