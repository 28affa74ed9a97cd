"""The render loop: reproducible per seed, improves its objective, snapshots, diversity, clear errors."""

import numpy as np
import pytest
import torch
from torch import nn

from featvis_tiny import one_thread, tiny_net  # noqa: F401 (fixture)
from tourlib.featvis import evaluate, render
from tourlib.featvis import objectives as O
from tourlib.featvis import param, transform
from tourlib.featvis.capture import capture
from tourlib.featvis.measures import mean_gram_similarity

NET = tiny_net(dtype=torch.float32)


def test_reproducible_per_seed_and_improves():
    obj = O.channel("a2", [0, 1, 2, 3])
    kw = dict(batch=4, size=12, steps=30, transforms=transform.standard_transforms(12), thresholds=[0, 10])
    a = render(NET, obj, seed=3, **kw)
    b = render(NET, obj, seed=3, **kw)
    c = render(NET, obj, seed=4, **kw)
    assert np.array_equal(a.images, b.images) and np.array_equal(a.history, b.history)
    assert not np.array_equal(a.images, c.images)
    assert a.images.shape == (4, 12, 12, 3) and a.images.dtype == np.float32
    assert a.images.min() >= 0 and a.images.max() <= 1
    assert a.history.shape == (30, 4)
    start = evaluate(NET, obj, a.snapshots[0])
    assert np.all(a.final > start)                     # every image improved its own channel
    np.testing.assert_allclose(evaluate(NET, obj, a.images), a.final, rtol=1e-4, atol=1e-6)
    assert sorted(a.snapshots) == [0, 10]
    assert not np.array_equal(a.snapshots[10], a.images)


def test_pixel_param_uint8_and_model_left_as_it_was():
    NET.train()
    flags = [p.requires_grad for p in NET.parameters()]
    r = render(NET, O.neuron("conv2", 1), param=param.pixel_param(10, batch=2), steps=5, uint8=True)
    assert r.images.dtype == np.uint8 and r.images.shape == (2, 10, 10, 3)
    assert NET.training and [p.requires_grad for p in NET.parameters()] == flags
    assert all(p.grad is None for p in NET.parameters())


def layer_acts(images):
    x = torch.as_tensor(images).permute(0, 3, 1, 2)
    with torch.no_grad():
        return capture(NET, x, ["a1"])["a1"].numpy()


def test_diversity_term_decreases_gram_similarity():
    kw = dict(batch=4, size=12, steps=60, seed=0, lr=0.1)
    unit = O.channel("a2", 2)
    plain = render(NET, unit, **kw)
    diverse = render(NET, unit + 2.0 * O.diversity("a1"), **kw)
    s_plain, s_div = mean_gram_similarity(layer_acts(plain.images)), mean_gram_similarity(layer_acts(diverse.images))
    assert s_div < s_plain
    # optimising the diversity term alone lowers it along the way
    alone = render(NET, O.diversity("a1"), **kw)
    assert alone.history[-1].sum() > alone.history[0].sum()


def test_clear_errors():
    with pytest.raises(ValueError, match=r"unknown layer 'conv7'; valid layers: conv1"):
        render(NET, O.channel("conv7", 0), size=8, steps=1)
    with pytest.raises(ValueError, match=r"valid channels are 0\.\.4"):
        render(NET, O.channel("conv2", 5), size=8, steps=1)
    nan = O.Objective(lambda a: a["conv2"].mean((1, 2, 3)) * float("nan"), ["conv2"], "nan")
    with pytest.raises(ValueError, match="NaN or infinite at step 0"):
        render(NET, nan, size=8, steps=3)
    with pytest.raises(ValueError, match="steps"):
        render(NET, O.layer("a1"), steps=0)
    with pytest.raises(ValueError, match="thresholds"):
        render(NET, O.layer("a1"), steps=4, thresholds=[9])
    with pytest.raises(ValueError, match="Objective"):
        render(NET, lambda a: 0, steps=4)
    with pytest.raises(ValueError, match="NaN"):
        evaluate(NET, O.layer("a1"), np.full((1, 8, 8, 3), np.nan, np.float32))


def test_zoo_network_layers_by_name():
    from tourlib.nets.zoo import build_zoo_model

    m = build_zoo_model("cifar-resnet", seed=0)
    r = render(m, O.channel("block2", [0, 63]) + O.class_logit(3), batch=2, steps=2)
    assert r.history.shape == (2, 2) and np.all(np.isfinite(r.final))
    with pytest.raises(ValueError, match=r"channel 64 is beyond layer 'block2': valid channels are 0\.\.63"):
        render(m, O.channel("block2", 64), steps=1)
    with pytest.raises(ValueError, match="valid layers: stem, block1, block2, block3, block4, pool, fc, softmax"):
        render(m, O.channel("conv2", 0), steps=1)
