"""Objectives: gradients against finite differences (and closed forms), algebra, and clear errors."""

import numpy as np
import pytest
import torch

from featvis_tiny import one_thread, tiny_net  # noqa: F401 (fixture)
from tourlib.featvis import objectives as O
from tourlib.featvis.capture import capture

NET = tiny_net()


def values(obj, x, net=NET):
    acts = capture(net, x, obj.layers)
    acts["input"] = acts["image"] = x
    return obj(acts)


def x0(n=3, size=8, seed=0):
    return torch.rand(n, 3, size, size, dtype=torch.float64, generator=torch.Generator().manual_seed(seed))


V = np.random.default_rng(0).normal(size=5)

OBJECTIVES = {
    "neuron": O.neuron("a2", 1, x=2, y=1),
    "neuron per image": O.neuron("conv1", [0, 3, 2]),
    "channel": O.channel("a2", 4),
    "channel dense": O.channel("fc", 2),
    "layer": O.layer("a1"),
    "logit": O.class_logit(1, layer_name="fc"),
    "probability": O.class_probability([0, 1, 2], layer_name="fc"),
    "direction": O.direction("a2", V),
    "direction·cos²": O.direction_cosine("a2", V, 2.0, cos_floor=-1.0),
    "direction·cos per position": O.direction_cosine("a2", np.abs(V), 1.5, per_position=True),
    "diversity": O.diversity("a1"),
    "alignment": O.alignment("a2"),
    "tv (p=2)": O.total_variation(2.0),
    "blur": O.blur_penalty(1.0),
    "formula": 2 * O.channel("a2", 0) - O.neuron("a1", 1, batch=0) / 4 + [1.0, 0.5, 0.0] * O.layer("a2"),
}


@pytest.mark.parametrize("name", list(OBJECTIVES))
def test_gradient_matches_finite_differences(name):
    obj = OBJECTIVES[name]
    x = x0(size=6).requires_grad_(True)
    assert values(obj, x).shape == (3,)
    assert torch.autograd.gradcheck(lambda x: values(obj, x), (x,), eps=1e-6, atol=1e-5)


def test_closed_forms():
    x = x0()
    acts = {"conv1": NET.conv1(x).detach()}
    h = acts["conv1"]
    torch.testing.assert_close(O.channel("conv1", 2)(acts), h[:, 2].mean((1, 2)))
    torch.testing.assert_close(O.neuron("conv1", 1)(acts), h[:, 1, 4, 4])
    torch.testing.assert_close(O.layer("conv1")(acts), (h ** 2).mean((1, 2, 3)))
    v = np.ones(4)
    hb = h.mean((2, 3))
    dot = hb.sum(1)
    cos = dot / (hb.norm(dim=1) * 2)
    torch.testing.assert_close(O.direction_cosine("conv1", v, 3.0, cos_floor=-1)(acts), dot * cos ** 3)
    # the gradient of a channel objective w.r.t. its own layer is 1/(H·W) on that channel, 0 elsewhere
    hh = h.clone().requires_grad_(True)
    O.channel("conv1", 2)({"conv1": hh}).sum().backward()
    expect = torch.zeros_like(h)
    expect[:, 2] = 1 / 64
    torch.testing.assert_close(hh.grad, expect)
    # diversity of identical images is −(N−1) each; of a single image, 0
    same = {"a": h[:1].repeat(4, 1, 1, 1)}
    torch.testing.assert_close(O.diversity("a")(same), torch.full((4,), -3.0, dtype=h.dtype))
    assert O.diversity("a")({"a": h[:1]}).item() == 0
    torch.testing.assert_close(O.alignment("a")(same), torch.zeros(4, dtype=h.dtype))


def test_algebra():
    x = x0()
    a, b = O.channel("a2", 0), O.layer("a1")
    va, vb = values(a, x), values(b, x)
    torch.testing.assert_close(values(a + b, x), va + vb)
    torch.testing.assert_close(values(a - b, x), va - vb)
    torch.testing.assert_close(values(-a, x), -va)
    torch.testing.assert_close(values(3 * a / 2, x), 1.5 * va)
    torch.testing.assert_close(values(sum([a, b]), x), va + vb)
    torch.testing.assert_close(values(O.channel("a2", 0, batch=[0, 2]), x), va * torch.tensor([1.0, 0, 1], dtype=va.dtype))
    inter = values(O.interpolate(a, b, 3), x)
    torch.testing.assert_close(inter, torch.stack([va[0], (va[1] + vb[1]) / 2, vb[2]]))
    assert set((a + b).layers) == {"a2", "a1"}
    with pytest.raises(TypeError):
        a * b
    with pytest.raises(ValueError, match="non-zero"):
        a / 0


def test_clear_errors():
    x = x0()
    with pytest.raises(ValueError, match=r"channel 9 is beyond layer 'a2': valid channels are 0\.\.4"):
        values(O.channel("a2", 9), x)
    with pytest.raises(ValueError, match=r"unknown layer 'conv9'; valid layers: conv1, a1, conv2"):
        values(O.channel("conv9", 0), x)
    with pytest.raises(ValueError, match=r"valid y is 0\.\.3"):
        values(O.neuron("a2", 0, x=0, y=7), x)
    with pytest.raises(ValueError, match="2 channel indices for a batch of 3"):
        values(O.channel("a2", [0, 1]), x)
    with pytest.raises(ValueError, match="NaN"):
        values(O.direction("a2", [np.nan] * 5), x)
    with pytest.raises(ValueError, match="length 5"):
        values(O.direction("a2", [1.0, 2.0]), x)
    with pytest.raises(ValueError, match="valid indices are 0..2"):
        values(O.layer("a2", batch=5), x)
    with pytest.raises(ValueError, match="finite"):
        O.layer("a2") * float("nan")
    with pytest.raises(ValueError, match="logits_layer"):
        values(O.class_logit(0), x)
