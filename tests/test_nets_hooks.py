"""Activations of named layers of any torch module (forward hooks), and the pretrained-model path."""

from __future__ import annotations

import sys
from collections import OrderedDict

import numpy as np
import pytest
import torch
from torch import nn

from tourlib.nets import layer_activations
from tourlib.nets.hooks import module_activations, module_layer_names, pool_for_cap
from tourlib.nets.pretrained import (ARCHITECTURES, PretrainedUnavailableError, imagenet_preprocess,
                                     load_pretrained, tour_layers)
from tourlib.nets.zoo import build_zoo_model


class Branchy(nn.Module):
    """Not a sequence: two branches concatenated, named like torchvision's GoogLeNet."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 4, 3, padding=1)
        self.inception3a = nn.ModuleDict({"b1": nn.Conv2d(4, 2, 1), "b2": nn.Conv2d(4, 3, 3, padding=1)})
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(5, 7)

    def forward(self, x):
        x = torch.relu(self.conv1(x))
        x = torch.cat([self.inception3a["b1"](x), self.inception3a["b2"](x)], 1)
        return self.fc(self.pool(x).flatten(1))


def test_hooks_on_any_module_match_a_manual_forward():
    torch.manual_seed(0)
    m = Branchy()
    x = torch.rand(6, 3, 8, 8)
    acts = module_activations(m, x, ["conv1", "inception3a.b2", "fc"], batch_size=4)
    assert list(acts) == ["conv1", "inception3a.b2", "fc"]
    with torch.no_grad():
        c1 = m.conv1(x)
        assert np.allclose(acts["conv1"], c1.flatten(1).numpy(), atol=1e-6)
        assert np.allclose(acts["inception3a.b2"], m.inception3a["b2"](torch.relu(c1)).flatten(1).numpy(), atol=1e-6)
        assert np.allclose(acts["fc"], m(x).numpy(), atol=1e-6)
    assert not m.conv1._forward_hooks, "hooks are removed afterwards"


def test_hooks_agree_with_the_layered_capture_on_zoo_models():
    model = build_zoo_model("cifar-resnet", seed=0).eval()
    images = np.random.default_rng(0).integers(0, 256, (5, 32, 32, 3)).astype(np.uint8)
    a = module_activations(model, images, ["block2", "fc"])
    b = layer_activations(model, images, ["block2", "fc"])
    for k in a:
        assert np.allclose(a[k], b[k], atol=1e-5)


def test_cap_pools_large_maps_and_keeps_small_ones():
    assert pool_for_cap((64, 32, 32), 2048) == (5, 5)  # 64·5·5 = 1600 ≤ 2048 < 64·6·6
    assert pool_for_cap((8, 4, 4), 2048) is None
    assert pool_for_cap((4096, 7, 7), 2048) == (1, 1)
    m = Branchy()
    acts = module_activations(m, torch.rand(3, 3, 8, 8), ["conv1"], cap=16, include_input=True)
    assert acts["conv1"].shape == (3, 16) and acts["input"].shape == (3, 12)  # 4·2·2, 3·2·2


def test_unknown_layers_are_named_with_the_model_layers():
    with pytest.raises(ValueError, match="'inception9'.*conv1"):
        module_activations(Branchy(), torch.rand(1, 3, 8, 8), ["inception9"])
    assert "inception3a.b1" in module_layer_names(Branchy())
    assert "inception3a" not in module_layer_names(Branchy(), leaves=True)


def test_imagenet_preprocess_resizes_crops_and_normalises():
    x = torch.full((2, 3, 32, 48), 0.5)
    y = imagenet_preprocess(x)
    assert y.shape == (2, 3, 224, 224)
    expected = (0.5 - torch.tensor([0.485, 0.456, 0.406])) / torch.tensor([0.229, 0.224, 0.225])
    assert torch.allclose(y[:, :, 100, 100], expected.expand(2, 3), atol=1e-5)
    with pytest.raises(ValueError, match="N×3×H×W"):
        imagenet_preprocess(torch.rand(2, 1, 8, 8))


def _fake_pretrained(arch):
    """A small random module with the same top-level layer names as torchvision's ``arch``."""
    names = OrderedDict()
    c = 3
    for name in ARCHITECTURES[arch][:-1]:
        top, _, sub = name.partition(".")
        layer = nn.Sequential(nn.Conv2d(c, 4, 3, stride=2 if len(names) % 3 == 0 else 1, padding=1), nn.ReLU())
        if sub:
            names.setdefault(top, nn.Sequential())
            names[top].add_module(sub, layer)
        else:
            names[top] = layer
        c = 4
    names["pool"] = nn.AdaptiveAvgPool2d(1)
    names["flat"] = nn.Flatten()
    names["fc"] = nn.Linear(4, 1000)
    return nn.Sequential(names)


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_the_pretrained_path_runs_on_a_module_with_the_same_layer_names(arch):
    model = _fake_pretrained(arch).eval()
    images = np.random.default_rng(1).integers(0, 256, (3, 40, 50, 3)).astype(np.uint8)
    acts = module_activations(model, images, tour_layers(arch), preprocess=imagenet_preprocess,
                              cap=256, include_input=True)
    assert list(acts)[0] == "input" and list(acts)[1:] == list(tour_layers(arch))
    assert all(a.shape[0] == 3 and a.shape[1] <= 1000 for a in acts.values())
    assert acts["fc"].shape == (3, 1000)


def test_missing_torchvision_gives_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "torchvision", None)
    monkeypatch.setitem(sys.modules, "torchvision.models", None)
    with pytest.raises(PretrainedUnavailableError, match="needs torchvision.*CPU index"):
        load_pretrained("googlenet")
    with pytest.raises(ValueError, match="googlenet, resnet50"):
        load_pretrained("alexnet")


def test_offline_weights_download_gives_a_clear_error(monkeypatch):
    import types

    def offline(**kwargs):
        raise OSError("[Errno -2] Name or service not known")

    fake = types.ModuleType("torchvision.models")
    fake.resnet50 = offline
    fake.googlenet = offline
    monkeypatch.setitem(sys.modules, "torchvision", types.ModuleType("torchvision"))
    monkeypatch.setitem(sys.modules, "torchvision.models", fake)
    with pytest.raises(PretrainedUnavailableError, match="internet once.*TORCH_HOME"):
        load_pretrained("resnet50")
