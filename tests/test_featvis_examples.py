"""Dataset examples (top-k, across the spectrum), receptive fields, measures, steepest directions."""

import numpy as np
import pytest
import torch
from torch import nn

from featvis_tiny import one_thread, tiny_net  # noqa: F401 (fixture)
from tourlib.featvis import examples as E
from tourlib.featvis import measures as M
from tourlib.featvis import objectives as O
from tourlib.featvis import precondition as P

NET = tiny_net(dtype=torch.float32)
IMAGES = np.random.default_rng(0).integers(0, 256, size=(60, 8, 8, 3), dtype=np.uint8)


def brute(layer, c):
    x = torch.as_tensor(IMAGES.astype(np.float32) / 255).permute(0, 3, 1, 2)
    with torch.no_grad():
        h = x
        for name, m in NET.named_children():
            h = m(h)
            if name == layer:
                return h[:, c].numpy()


def test_top_examples_are_the_strongest():
    ex = E.top_examples(NET, IMAGES, "a2", 3, k=5)
    vals = brute("a2", 3).mean((1, 2))
    assert np.array_equal(ex.indices, np.argsort(-vals, kind="stable")[:5])
    np.testing.assert_allclose(ex.values, vals[ex.indices], rtol=1e-5)
    assert np.all(np.diff(ex.values) <= 0)
    assert ex.images.shape == (5, 8, 8, 3) and np.array_equal(ex.images, IMAGES[ex.indices])
    for (y0, y1, x0, x1), patch, i in zip(ex.boxes, ex.patches, ex.indices):
        assert np.array_equal(patch, IMAGES[i, y0:y1, x0:x1])
    neuron = E.top_examples(NET, IMAGES, "a2", 3, k=3, position=(1, 2))
    assert np.array_equal(neuron.indices, np.argsort(-brute("a2", 3)[:, 1, 2], kind="stable")[:3])


def test_spectrum_examples_span_the_activations():
    q = (0.0, 0.5, 1.0)
    ex = E.spectrum_examples(NET, IMAGES, "a2", 1, quantiles=q, per_quantile=2)
    vals = brute("a2", 1).mean((1, 2))
    assert len(ex.indices) == 6 and list(ex.quantiles) == [0, 0, 0.5, 0.5, 1, 1]
    assert np.all(np.diff(ex.values) >= 0)
    assert ex.values[0] == pytest.approx(vals.min()) and ex.values[-1] == pytest.approx(vals.max())


def test_receptive_field_of_two_convolutions():
    # 3×3 (pad 1) then 3×3 stride 2 (pad 1): output (y, x) sees input rows 2y−2 .. 2y+2
    assert E.receptive_field(NET, "conv2", (2, 1), size=8) == (2, 7, 0, 5)
    assert E.receptive_field(NET, "conv1", (0, 0), size=8) == (0, 2, 0, 2)


def test_examples_errors():
    with pytest.raises(ValueError, match=r"valid channels are 0\.\.4"):
        E.top_examples(NET, IMAGES, "a2", 5)
    with pytest.raises(ValueError, match="unknown layer"):
        E.top_examples(NET, IMAGES, "b2", 0)
    with pytest.raises(ValueError, match="quantiles"):
        E.spectrum_examples(NET, IMAGES, "a2", 0, quantiles=(2,))


def test_high_frequency_energy():
    yy, xx = np.mgrid[:16, :16]
    checker = np.repeat(((yy + xx) % 2)[None, :, :, None], 3, axis=3).astype(np.float32)
    smooth = np.repeat((0.5 + 0.5 * np.cos(2 * np.pi * xx / 16))[None, :, :, None], 3, axis=3)
    flat = np.full((1, 16, 16, 3), 0.3)
    e = M.high_frequency_energy(np.concatenate([checker, smooth, flat]), cutoff=0.25)
    np.testing.assert_allclose(e, [1.0, 0.0, 0.0], atol=1e-12)
    noise = np.random.default_rng(1).random((4, 32, 32, 3))
    e = M.high_frequency_energy(noise, cutoff=0.25)
    # white noise: the share of frequencies above the cutoff (≈ 1 − π·0.25²)
    assert np.all(np.abs(e - (1 - np.pi * 0.25 ** 2)) < 0.06)
    with pytest.raises(ValueError, match="cutoff"):
        M.high_frequency_energy(noise, cutoff=0.9)


def test_gram_similarity():
    h = np.random.default_rng(2).random((3, 4, 5, 5))
    s = M.gram_similarity(h)
    np.testing.assert_allclose(np.diag(s), 1)
    np.testing.assert_allclose(s, s.T)
    assert M.mean_gram_similarity(np.repeat(h[:1], 3, 0)) == pytest.approx(1)


def test_steepest_directions():
    x = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(0))
    obj = O.neuron("a2", 2)
    d = P.steepest_directions(NET, obj, x, decorrelate=np.diag([0.3, 0.2, 0.1]))
    assert set(d) == set(P.METRICS) and all(v.shape == (2, 16, 16, 3) for v in d.values())
    xg = x.clone().requires_grad_(True)
    NET.eval()
    O.neuron("a2", 2)({"a2": NET.a2(NET.conv2(NET.a1(NET.conv1(xg))))}).sum().backward()
    np.testing.assert_allclose(d["l2"], xg.grad.permute(0, 2, 3, 1).numpy(), rtol=1e-5, atol=1e-7)
    np.testing.assert_array_equal(d["linf"], np.sign(d["l2"]))
    # the Fourier metric damps high frequencies
    hf = {k: M.high_frequency_energy(v, 0.25) for k, v in d.items()}
    assert np.all(hf["fourier"] < 0.5 * hf["l2"]) and np.all(hf["fourier_decorrelated"] < 0.5 * hf["l2"])
    shown = P.direction_to_image(d["l2"])
    assert shown.min() >= 0 and shown.max() <= 1
    with pytest.raises(ValueError, match="unknown metric"):
        P.steepest_directions(NET, obj, x, metrics=["l1"])
