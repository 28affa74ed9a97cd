"""tourlib.nets: the networks, their named layers, input conversion and activation capture."""

import numpy as np
import pytest
import torch

from tourlib.nets import (
    build_model,
    images_to_tensor,
    layer_activations,
    layer_names,
    layer_shapes,
)
from tourlib.nets.inputs import channel_stats

torch.set_num_threads(1)

MNIST_SHAPES = {
    "conv1": (10, 24, 24), "pool1": (10, 12, 12), "relu1": (10, 12, 12),
    "conv2": (20, 8, 8), "pool2": (20, 4, 4), "relu2": (20, 4, 4),
    "fc1": (50,), "relu3": (50,), "fc2": (10,), "relu_logits": (10,), "softmax": (10,),
}
CIFAR_SHAPES = {
    "conv1": (10, 28, 28), "relu1": (10, 28, 28), "pool1": (10, 14, 14),
    "conv2": (20, 10, 10), "relu2": (20, 10, 10), "pool2": (20, 5, 5),
    "fc1": (120,), "relu3": (120,), "fc2": (84,), "relu4": (84,), "fc3": (10,), "softmax": (10,),
}


def _images(dataset, n, seed=0):
    shape = (n, 32, 32, 3) if dataset == "cifar10" else (n, 28, 28)
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("dataset, expected", [
    ("mnist", MNIST_SHAPES), ("fashion-mnist", MNIST_SHAPES), ("cifar10", CIFAR_SHAPES),
])
def test_every_named_layer_has_the_article_output_size(dataset, expected):
    model = build_model(dataset, seed=0)
    assert model.layer_names == tuple(expected)
    assert layer_shapes(model) == expected
    acts = layer_activations(model, _images(dataset, 7))
    assert list(acts) == list(expected)  # layer order
    for name, shape in expected.items():
        assert acts[name].dtype == np.float32
        assert acts[name].shape == (7, int(np.prod(shape)))


def test_parameter_shapes_match_the_article_networks():
    mnist = build_model("mnist", seed=0)
    assert mnist.conv1.weight.shape == (10, 1, 5, 5)
    assert mnist.conv2.weight.shape == (20, 10, 5, 5)
    assert mnist.fc1.weight.shape == (50, 320)
    assert mnist.fc2.weight.shape == (10, 50)
    cifar = build_model("cifar10", seed=0)
    assert cifar.conv1.weight.shape == (10, 3, 5, 5)
    assert cifar.fc1.weight.shape == (120, 500)
    assert cifar.fc2.weight.shape == (84, 120)
    assert cifar.fc3.weight.shape == (10, 84)


@pytest.mark.parametrize("dataset", ["mnist", "cifar10"])
def test_softmax_rows_are_probabilities_and_match_forward(dataset):
    model = build_model(dataset, seed=3)
    images = _images(dataset, 20, seed=1)
    acts = layer_activations(model, images, ["softmax"])
    p = acts["softmax"]
    assert np.all(p >= 0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
    with torch.no_grad():
        np.testing.assert_allclose(model(images_to_tensor(images)).numpy(), p, rtol=1e-5, atol=1e-7)


def test_logit_relu_is_present_by_default_and_absent_in_the_ablation():
    with_relu = build_model("mnist", seed=0)
    without = build_model("mnist", logit_relu=False, seed=0)
    assert "relu_logits" in with_relu.layer_names and with_relu.logits_layer == "relu_logits"
    assert "relu_logits" not in without.layer_names and without.logits_layer == "fc2"
    images = _images("mnist", 50)
    a = layer_activations(with_relu, images)
    np.testing.assert_array_equal(a["relu_logits"], np.maximum(a["fc2"], 0))
    # softmax takes the rectified logits: recompute it from relu_logits
    z = a["relu_logits"].astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(a["softmax"], p / p.sum(1, keepdims=True), rtol=1e-5)
    # same seed, same weights: without the ReLU, the softmax takes fc2 directly
    b = layer_activations(without, images)
    np.testing.assert_array_equal(a["fc2"], b["fc2"])
    z = b["fc2"].astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    np.testing.assert_allclose(b["softmax"], p / p.sum(1, keepdims=True), rtol=1e-5)
    assert layer_names("cifar10") == tuple(CIFAR_SHAPES)


def test_seeded_initialisation_is_reproducible_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.get_rng_state().clone()
    a, b, c = build_model("mnist", seed=5), build_model("mnist", seed=5), build_model("mnist", seed=6)
    assert torch.equal(torch.get_rng_state(), before)
    sa, sb, sc = a.state_dict(), b.state_dict(), c.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not torch.equal(sa["conv1.weight"], sc["conv1.weight"])
    layer_names("mnist")
    assert torch.equal(torch.get_rng_state(), before)


def test_capture_selects_layers_in_layer_order_and_rejects_unknown_names():
    model = build_model("mnist", seed=0)
    acts = layer_activations(model, _images("mnist", 3), ["fc1", "conv1"])
    assert list(acts) == ["conv1", "fc1"]
    with pytest.raises(ValueError, match="unknown layer.*'fc9'.*conv1"):
        layer_activations(model, _images("mnist", 3), ["fc9"])


def test_capture_batch_size_does_not_change_results():
    model = build_model("mnist", seed=0)
    images = _images("mnist", 23)
    a = layer_activations(model, images, "all", batch_size=23)
    b = layer_activations(model, images, "all", batch_size=4)
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-5, atol=1e-6)


def test_conv_activations_flatten_channel_major():
    model = build_model("mnist", seed=0)
    images = _images("mnist", 2)
    flat = layer_activations(model, images, ["conv1"])["conv1"]
    with torch.no_grad():
        direct = model.conv1(images_to_tensor(images)).numpy()
    np.testing.assert_allclose(flat.reshape(2, 10, 24, 24), direct, rtol=1e-6)


def test_images_to_tensor_scales_and_moves_channels_first():
    rgb = _images("cifar10", 4)
    x = images_to_tensor(rgb)
    assert x.dtype == torch.float32 and tuple(x.shape) == (4, 3, 32, 32)
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    np.testing.assert_allclose(x.numpy().transpose(0, 2, 3, 1) * 255, rgb, atol=1e-4)
    grey = images_to_tensor(_images("mnist", 2))
    assert tuple(grey.shape) == (2, 1, 28, 28)
    with pytest.raises(ValueError, match="uint8"):
        images_to_tensor(rgb.astype(np.float32))


def test_input_normalisation_equals_normalising_the_images_first():
    images = _images("cifar10", 6)
    mean, std = channel_stats(images)
    x = images.astype(np.float64) / 255
    np.testing.assert_allclose(mean, x.reshape(-1, 3).mean(0), rtol=1e-5)
    np.testing.assert_allclose(std, x.reshape(-1, 3).std(0), rtol=1e-4)
    plain = build_model("cifar10", seed=0)
    normed = build_model("cifar10", seed=0).set_input_normalization(mean, std)
    xt = images_to_tensor(images)
    with torch.no_grad():
        expected = plain((xt - torch.from_numpy(mean)[:, None, None]) / torch.from_numpy(std)[:, None, None])
        np.testing.assert_allclose(normed(xt).numpy(), expected.numpy(), rtol=1e-5, atol=1e-7)
    with pytest.raises(ValueError, match="one per input channel"):
        plain.set_input_normalization([0.5], [0.2])


def test_bad_model_requests_raise_clear_errors():
    with pytest.raises(ValueError, match="unknown data set 'svhn'.*mnist"):
        build_model("svhn", seed=0)
    with pytest.raises(ValueError, match="seed"):
        build_model("mnist", seed=None)
    model = build_model("mnist", seed=0)
    with pytest.raises(ValueError, match="N×1×H×W"):
        model(torch.zeros(2, 3, 28, 28))
