"""The CIFAR-10 model zoo: architectures, the training recipe, and the shipped weights."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from tourlib.nets import layer_shapes
from tourlib.nets.fit import RECIPES, Recipe, augment, evaluate, fit, recipe_for
from tourlib.nets.weights import load_weights, load_zoo_model, read_weights_info, save_weights, shipped_weights_path
from tourlib.nets.zoo import build_zoo_model, zoo_names


@pytest.mark.parametrize("name", zoo_names())
def test_zoo_models_have_named_layers_and_give_probabilities(name):
    model = build_zoo_model(name, seed=0).eval()
    assert model.layer_names[-1] == "softmax" and model.layer_names[-2] == "fc"
    shapes = layer_shapes(model)
    assert shapes["fc"] == (10,)
    maps = [s for s in shapes.values() if len(s) == 3]
    assert any(s[0] == 64 for s in maps), "featvis needs a 64-channel layer"
    assert any(s[1] >= 8 for s in maps[2:]), "atlases need a deeper layer with interior positions"
    x = torch.rand(4, 3, 32, 32)
    p = model(x)
    assert p.shape == (4, 10) and torch.allclose(p.sum(1), torch.ones(4), atol=1e-5)


def test_zoo_models_differ_in_kind():
    vgg, res = (build_zoo_model(n, seed=0) for n in ("cifar-vgg", "cifar-resnet"))
    kinds = lambda m: {type(c).__name__ for c in m.children()}  # noqa: E731
    assert "ResidualBlock" in kinds(res) and "ResidualBlock" not in kinds(vgg)


def test_zoo_seed_decides_the_weights_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    a, b, c = (build_zoo_model("cifar-resnet", seed=s) for s in (3, 3, 4))
    assert torch.equal(torch.random.get_rng_state(), state)
    sa, sb, sc = (m.state_dict()["fc.weight"] for m in (a, b, c))
    assert torch.equal(sa, sb) and not torch.equal(sa, sc)


@pytest.mark.parametrize("bad", ["vgg", "", None])
def test_unknown_zoo_model_names_the_zoo(bad):
    with pytest.raises(ValueError, match="cifar-vgg"):
        build_zoo_model(bad, seed=0)


def test_augment_keeps_shapes_translates_and_flips_deterministically():
    x = torch.rand(16, 3, 32, 32)
    a = augment(x, torch.Generator().manual_seed(1), 4, True)
    b = augment(x, torch.Generator().manual_seed(1), 4, True)
    assert a.shape == x.shape and torch.equal(a, b)
    # with no crop and no flip it is the identity
    assert torch.equal(augment(x, torch.Generator().manual_seed(1), 0, False), x)
    # a flip-only augmentation gives each image itself or its mirror
    f = augment(x, torch.Generator().manual_seed(2), 0, True)
    same = (f == x).flatten(1).all(1) | (f == x.flip(3)).flatten(1).all(1)
    assert bool(same.all())
    # a pure translation keeps the multiset of interior pixel values of a constant-border image
    g = torch.zeros(1, 1, 32, 32); g[0, 0, 10, 12] = 1.0
    t = augment(g, torch.Generator().manual_seed(3), 4, False)
    assert float(t.sum()) == 1.0


def _tiny_data(n=512, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n)
    images = rng.integers(0, 60, (n, 32, 32, 3)).astype(np.uint8)
    for c in range(10):  # each class a bright patch at its own place: learnable in a few steps
        images[labels == c, 3 * c:3 * c + 4, 3 * c:3 * c + 4, :] = 250
    return images, labels.astype(np.int64)


@pytest.mark.slow
def test_the_recipe_trains_a_short_run_lowers_the_loss():
    images, labels = _tiny_data()
    recipe = Recipe("cifar-resnet", seed=0, epochs=3, batch_size=64, lr=0.05)
    before = evaluate(build_zoo_model("cifar-resnet", seed=0).set_input_normalization([.5] * 3, [.5] * 3),
                      images, labels)["loss"]
    result = fit(recipe, (images, labels), (images, labels))
    assert result.history["train_loss"][-1] < result.history["train_loss"][0]
    assert result.history["test_loss"][-1] < before
    assert len(result.history["test_accuracy"]) == 3 and not result.model.training


def test_fit_stops_on_divergence_naming_the_epoch():
    images, labels = _tiny_data(128)
    with pytest.raises(FloatingPointError, match="epoch 1.*lower"):
        fit(Recipe("cifar-resnet", epochs=1, batch_size=64, lr=float("inf")), (images, labels))


def test_fit_is_reproducible_per_seed():
    images, labels = _tiny_data(128)
    r = Recipe("cifar-resnet", seed=5, epochs=1, batch_size=64, lr=0.05)
    a, b = fit(r, (images, labels), threads=1), fit(r, (images, labels), threads=1)
    for k, v in a.model.state_dict().items():
        assert torch.equal(v, b.model.state_dict()[k]), k


def test_weights_round_trip_with_their_recipe(tmp_path):
    model = build_zoo_model("cifar-vgg", seed=1).eval()
    model.set_input_normalization([0.4, 0.5, 0.6], [0.2, 0.25, 0.3])
    recipe = Recipe("cifar-vgg", seed=1, epochs=2)
    path = save_weights(tmp_path / "w.safetensors", model, recipe, {"test_accuracy": [0.1, 0.2]}, 12.5)
    info = read_weights_info(path)
    assert info["recipe"] == recipe and info["history"]["test_accuracy"] == [0.1, 0.2] and info["seconds"] == 12.5
    again = load_weights(path)
    x = torch.rand(3, 3, 32, 32)
    assert torch.allclose(again(x), model(x))
    assert not list(tmp_path.glob("*.part"))


def test_weights_of_another_shape_are_refused(tmp_path):
    from safetensors.torch import save_file
    import json
    save_file({"fc.weight": torch.zeros(2, 2)}, str(tmp_path / "bad.safetensors"),
              metadata={"zoo_name": "cifar-vgg", "recipe": json.dumps(Recipe("cifar-vgg").as_dict())})
    with pytest.raises(ValueError, match="does not fit zoo model 'cifar-vgg'.*retrain"):
        load_weights(tmp_path / "bad.safetensors")


def test_recipes_exist_for_every_zoo_model_at_both_scales():
    for scale in ("default", "full"):
        assert set(RECIPES[scale]) == set(zoo_names())
        for name in zoo_names():
            assert recipe_for(name, scale).model == name
    assert recipe_for("cifar-vgg", "full").epochs > recipe_for("cifar-vgg", "default").epochs


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo_names())
def test_shipped_weights_reach_their_recorded_test_accuracy(name):
    """The weights in the repository were trained by scripts/train-zoo.py with the recorded default recipe."""
    from tourlib.data import load_dataset

    path = shipped_weights_path(name)
    info = read_weights_info(path)
    assert info["recipe"] == recipe_for(name, "default"), "shipped weights come from the recorded default recipe"
    test = load_dataset("cifar10", "test")
    acc = evaluate(load_zoo_model(name), test.images, test.labels)["accuracy"]
    assert acc >= 0.75, f"{name}: test accuracy {acc:.3f} is below the 75 % floor"
    assert abs(acc - info["history"]["test_accuracy"][-1]) < 0.005, "the file's recorded accuracy is reproduced"
    assert len(info["history"]["test_accuracy"]) == info["recipe"].epochs


@pytest.mark.slow
def test_the_better_zoo_model_reaches_85_percent():
    accs = [read_weights_info(shipped_weights_path(n))["history"]["test_accuracy"][-1] for n in zoo_names()]
    assert max(accs) >= 0.85
