"""tourlib.nets.record_training: shapes, snapshots, determinism, the run cache, and bad input.

Everything runs on tiny synthetic data (a few hundred random images, 2 epochs)."""

import os

import numpy as np
import pytest
import torch

import tourlib.nets.train as nets_train
from tourlib.nets import (
    TrainingRun,
    build_model,
    layer_activations,
    layer_names,
    layer_shapes,
    record_training,
    run_config,
    run_key,
    run_path,
)
from tourlib.nets.inputs import channel_stats

torch.set_num_threads(1)


def _data(dataset="mnist", n_train=240, n_test=80, seed=0):
    rng = np.random.default_rng(seed)
    shape = (32, 32, 3) if dataset == "cifar10" else (28, 28)
    return (rng.integers(0, 256, (n_train, *shape), dtype=np.uint8), rng.integers(0, 10, n_train),
            rng.integers(0, 256, (n_test, *shape), dtype=np.uint8), rng.integers(0, 10, n_test))


SMALL = dict(epochs=2, train_size=160, n_record=40, batch_size=32, device="cpu", progress=False)


def _cfg(**kwargs):
    """SMALL without the arguments run_config does not take, updated with kwargs."""
    return {**{k: v for k, v in SMALL.items() if k != "progress"}, **kwargs}


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOURBOOK_SCALE", raising=False)


@pytest.fixture(scope="module")
def data():
    return _data()


def _arrays_equal(a: TrainingRun, b: TrainingRun) -> bool:
    x, y = a.to_arrays(), b.to_arrays()
    return x.keys() == y.keys() and all(np.array_equal(x[k], y[k]) for k in x)


def test_run_shapes_and_indices(data):
    run = record_training("mnist", seed=0, data=data, cache=False, **SMALL)
    E, n = 2, 40
    assert run.epochs == E and list(run.layers) == ["softmax"]
    for split, n_split in (("train", 240), ("test", 80)):
        assert run.softmax[split].shape == (E + 1, n, 10) and run.softmax[split].dtype == np.float32
        np.testing.assert_allclose(run.softmax[split].sum(-1), 1.0, rtol=1e-5)
        assert run.predictions[split].shape == (E + 1, n)
        assert run.loss[split].shape == run.accuracy[split].shape == (E + 1,)
        assert run.loss_per_class[split].shape == run.accuracy_per_class[split].shape == (E + 1, 10)
        idx = run.indices[split]
        assert idx.shape == (n,) and np.all(np.diff(idx) > 0) and 0 <= idx[0] and idx[-1] < n_split
        labels = data[1] if split == "train" else data[3]
        np.testing.assert_array_equal(run.labels[split], labels[idx])
    assert run.batch_loss.shape == (E,)
    assert run.config["train_size"] == 160 and run.config["logit_relu"] is True


def test_snapshots_are_the_network_at_each_epoch(data):
    run = record_training("mnist", seed=4, data=data, cache=False, **SMALL)
    test_images = data[2][run.indices["test"]]
    # epoch 0 is the untrained network built from the same seed
    fresh = layer_activations(build_model("mnist", seed=4), test_images, ["softmax"])["softmax"]
    np.testing.assert_array_equal(run.softmax["test"][0], fresh)
    # the last snapshot is the final network
    final = layer_activations(run.model(), test_images, ["softmax"])["softmax"]
    np.testing.assert_array_equal(run.softmax["test"][-1], final)
    assert not np.array_equal(run.softmax["test"][0], run.softmax["test"][-1])  # it trained


def test_metrics_on_recorded_points_agree_with_predictions(data):
    run = record_training("mnist", seed=1, data=data, cache=False, logit_relu=False, **SMALL)
    for split in ("train", "test"):
        np.testing.assert_array_equal(run.predictions[split], run.softmax[split].argmax(-1))
        correct = run.predictions[split] == run.labels[split]
        np.testing.assert_allclose(run.accuracy[split], correct.mean(1))
        p_true = np.take_along_axis(run.softmax[split], run.labels[split][None, :, None], 2)[..., 0]
        np.testing.assert_allclose(run.loss[split], -np.log(p_true).mean(1), rtol=1e-4)
        for c in np.unique(run.labels[split]):
            np.testing.assert_allclose(run.accuracy_per_class[split][:, c],
                                       correct[:, run.labels[split] == c].mean(1))


def test_metrics_on_all_cover_whole_sets():
    data = _data(n_train=100, n_test=60)
    kw = dict(SMALL, train_size=60, n_record=60)  # record every training and every test image
    a = record_training("mnist", seed=2, data=data, cache=False, metrics_on="recorded", **kw)
    b = record_training("mnist", seed=2, data=data, cache=False, metrics_on="all", **kw)
    for split in ("train", "test"):
        np.testing.assert_allclose(a.loss[split], b.loss[split], rtol=1e-6)
        np.testing.assert_array_equal(a.accuracy_per_class[split], b.accuracy_per_class[split])
    c = record_training("mnist", seed=2, data=data, cache=False, metrics_on="all",
                        **dict(kw, n_record=10))
    np.testing.assert_allclose(c.loss["test"], b.loss["test"], rtol=1e-6)  # whole test split either way


def test_every_layer_can_be_recorded(data):
    run = record_training("mnist", seed=0, data=data, cache=False, layers="all", **SMALL)
    shapes = layer_shapes(build_model("mnist", seed=0))
    assert tuple(run.layers) == layer_names("mnist")
    for name, per_split in run.layers.items():
        for split in ("train", "test"):
            assert per_split[split].shape == (3, 40, int(np.prod(shapes[name])))
    some = record_training("mnist", seed=0, data=data, cache=False, layers=["fc1"], **SMALL)
    assert list(some.layers) == ["fc1", "softmax"]
    np.testing.assert_array_equal(some.layers["fc1"]["test"], run.layers["fc1"]["test"])


def test_cifar10_run_has_the_same_structure():
    data = _data("cifar10", n_train=120, n_test=40)
    run = record_training("cifar10", seed=0, data=data, cache=False,
                          **dict(SMALL, train_size=100, n_record=20))
    assert run.softmax["train"].shape == (3, 20, 10) and run.config["logit_relu"] is False
    assert "relu_logits" not in run.model().layer_names


def test_same_config_is_bit_identical_and_seeds_differ(data):
    a = record_training("mnist", seed=7, data=data, cache=False, **SMALL)
    b = record_training("mnist", seed=7, data=data, cache=False, **SMALL)
    c = record_training("mnist", seed=8, data=data, cache=False, **SMALL)
    assert _arrays_equal(a, b)
    assert not np.array_equal(a.softmax["train"], c.softmax["train"])
    assert not np.array_equal(a.indices["train"], c.indices["train"])


def test_second_call_loads_the_cache_without_training(data, monkeypatch):
    first = record_training("mnist", seed=3, data=data, **SMALL)
    path = run_path(first.config)
    assert path.exists() and path.name.startswith("mnist-")
    assert not [f for f in os.listdir(path.parent) if f.endswith(".part")]  # atomic write left nothing

    def no_training(*args, **kwargs):
        raise AssertionError("trained although the run is cached")

    monkeypatch.setattr(nets_train, "train_epoch", no_training)
    again = record_training("mnist", seed=3, data=data, **SMALL)
    assert _arrays_equal(first, again) and again.config == first.config
    with pytest.raises(AssertionError, match="trained although"):
        record_training("mnist", seed=3, data=data, **dict(SMALL, lr=0.02))  # a different config trains
    with pytest.raises(AssertionError, match="trained although"):
        record_training("mnist", seed=3, data=data, cache=False, **SMALL)  # cache=False always trains


def test_a_damaged_cache_file_is_recomputed(data):
    first = record_training("mnist", seed=3, data=data, **SMALL)
    run_path(first.config).write_bytes(b"not a zip file")
    again = record_training("mnist", seed=3, data=data, **SMALL)
    assert _arrays_equal(first, again)


def test_every_config_field_changes_the_key(data):
    base = run_config("mnist", seed=0, data=data, **{k: v for k, v in SMALL.items() if k != "progress"})
    key = run_key(base)
    for field, value in base.items():
        changed = dict(base)
        changed[field] = (not value if isinstance(value, bool) else value + 1 if isinstance(value, (int, float))
                          else value + ["x"] if isinstance(value, list) else value + "x")
        assert run_key(changed) != key, field


@pytest.mark.parametrize("change", [
    {"seed": 1}, {"epochs": 3}, {"train_size": 150}, {"n_record": 30}, {"lr": 0.05}, {"momentum": 0.9},
    {"batch_size": 16}, {"layers": "all"}, {"logit_relu": False}, {"normalize": True},
    {"metrics_on": "all"}, {"threads": 2}, {"classes": list("abcdefghij")},
])
def test_every_argument_reaches_the_key(data, change):
    kw = {k: v for k, v in SMALL.items() if k != "progress"}
    base = run_key(run_config("mnist", seed=0, data=data, **kw))
    assert run_key(run_config("mnist", **{"seed": 0, "data": data, **kw, **change})) != base


def test_the_data_identity_reaches_the_key(data):
    kw = {k: v for k, v in SMALL.items() if k != "progress"}
    base = run_key(run_config("mnist", seed=0, data=data, **kw))
    other = [a.copy() for a in data]
    other[2][0, 0, 0] ^= 1  # one test pixel
    assert run_key(run_config("mnist", seed=0, data=tuple(other), **kw)) != base
    assert run_key(run_config("fashion-mnist", seed=0, data=data, **kw)) != base


def test_normalize_uses_training_statistics():
    data = _data(n_train=100, n_test=40)
    run = record_training("mnist", seed=0, data=data, cache=False, normalize=True,
                          **dict(SMALL, train_size="all", n_record=20))
    mean, std = channel_stats(data[0])
    model = run.model()
    np.testing.assert_allclose(model.input_mean.numpy(), mean)
    np.testing.assert_allclose(model.input_std.numpy(), std)


def test_dataset_name_loads_data_lazily(monkeypatch):
    import tourlib.data

    train_i, train_l, test_i, test_l = _data(n_train=100, n_test=40)
    calls = []

    def fake_load(name, split):
        calls.append((name, split))
        images, labels = (train_i, train_l) if split == "train" else (test_i, test_l)
        return images, labels, tuple(f"class{k}" for k in range(10))

    monkeypatch.setattr(tourlib.data, "load_dataset", fake_load, raising=False)
    run = record_training("fashion-mnist", seed=0, **dict(SMALL, train_size=80, n_record=20))
    assert sorted(calls) == [("fashion-mnist", "test"), ("fashion-mnist", "train")]
    assert run.classes[3] == "class3" and run.config["dataset"] == "fashion-mnist"


def test_defaults_come_from_the_scale_preset(data, monkeypatch):
    monkeypatch.setenv("TOURBOOK_SCALE", "full")
    config = run_config("mnist", seed=0, data=data, n_record=10, device="cpu")
    assert config["epochs"] == 99 and config["train_size"] == 240  # all the (synthetic) training images


def test_progress_bar_is_shown(data, capsys):
    record_training("mnist", seed=0, data=data, cache=False, **dict(SMALL, progress=True))
    assert "training mnist" in capsys.readouterr().err


@pytest.mark.parametrize("kwargs, message", [
    ({"dataset": "svhn"}, "unknown data set 'svhn'"),
    ({"epochs": 0}, "epochs must be an int ≥ 1"),
    ({"epochs": 1.5}, "epochs must be an int ≥ 1"),
    ({"n_record": 200}, "n_record=200 .* use n_record ≤ 80"),
    ({"n_record": 100, "train_size": 90}, "n_record=100 .* use n_record ≤ 80"),
    ({"train_size": 1000}, "train_size=1000 but the train split has only 240"),
    ({"batch_size": 0}, "batch_size"),
    ({"lr": -1.0}, "lr must be a finite positive"),
    ({"lr": float("inf")}, "lr must be a finite positive"),
    ({"lr": float("nan")}, "lr must be a finite positive"),
    ({"lr": True}, "lr must be a finite positive"),
    ({"lr": np.bool_(True)}, "lr must be a finite positive"),
    ({"lr": "0.01"}, "lr must be a finite positive"),
    ({"momentum": True}, "momentum"),
    ({"momentum": float("nan")}, "momentum"),
    ({"classes": list("abcdefghia")}, "class names must be distinct.*'a'"),
    ({"device": "gpu"}, "unknown device 'gpu'"),
    ({"momentum": 1.0}, "momentum"),
    ({"layers": ["fc1", "fc7"]}, "unknown layer.*'fc7'"),
    ({"metrics_on": "some"}, "metrics_on"),
    ({"seed": -1}, "seed must be a non-negative int"),
    ({"threads": 0}, "threads"),
    ({"scale": "huge"}, "unknown scale 'huge'"),
    ({"max_record_bytes": 1000, "layers": "all"}, "needs .* GiB"),
    ({"classes": ["a", "b"]}, "need 10 class names"),
])
def test_bad_settings_raise_clear_errors(data, kwargs, message):
    args = {"dataset": "mnist", "seed": 0, "data": data, **SMALL, **kwargs}
    with pytest.raises(ValueError, match=message):
        record_training(args.pop("dataset"), **args)


def test_numpy_scalar_settings_are_accepted(data):
    config = run_config("mnist", seed=np.int64(3), data=data,
                        **_cfg(lr=np.float32(0.05), momentum=np.float64(0.5), epochs=np.int32(2)))
    assert config["lr"] == pytest.approx(0.05) and isinstance(config["lr"], float) and config["seed"] == 3


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a PyTorch without a usable GPU")
def test_cuda_on_a_cpu_only_torch_is_a_clear_error(data):
    with pytest.raises(ValueError, match="device='cuda' but .*use device='cpu'"):
        record_training("mnist", seed=0, data=data, **dict(SMALL, device="cuda"))


def test_a_diverging_run_stops_naming_the_epoch_and_is_not_cached(data):
    from tourlib.nets import TrainingDivergedError

    args = dict(SMALL, lr=1e12)
    with pytest.raises(TrainingDivergedError, match=r"diverged in epoch 1 of 2.*lr=1e\+12 is too high.*lr=1e\+11"):
        record_training("mnist", seed=0, data=data, **args)
    path = run_path(run_config("mnist", seed=0, data=data, **_cfg(lr=1e12)))
    assert not path.exists()
    assert not path.parent.exists() or not any(path.parent.iterdir()), "nothing of the run was written"


def test_a_malformed_cached_run_is_trained_again_and_replaced(data):
    from tourlib.store import save_npz

    run = record_training("mnist", seed=0, data=data, **SMALL)
    path = run_path(run.config)
    arrays = run.to_arrays()
    del arrays["loss__test"]                                    # a run missing an array
    save_npz(path, **arrays)
    again = record_training("mnist", seed=0, data=data, **SMALL)
    assert _arrays_equal(again, run)
    assert "loss__test" in np.load(path).files                  # the entry was replaced by a whole one
    arrays = run.to_arrays()
    arrays["layer__softmax__test"] = arrays["layer__softmax__test"][:, :5]   # wrong shape
    save_npz(path, **arrays)
    assert _arrays_equal(record_training("mnist", seed=0, data=data, **SMALL), run)
    path.unlink()
    path.mkdir()                                                # a folder where the file should be
    with pytest.warns(UserWarning, match="TOURBOOK_CACHE"):
        assert _arrays_equal(record_training("mnist", seed=0, data=data, **SMALL), run)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: (d[0], d[1][:-1], d[2], d[3]), "240 train images but 239 train labels"),
    (lambda d: (d[0], d[1], d[2][:5], d[3]), "5 test images but 80 test labels"),
    (lambda d: (d[0].astype(np.float32), d[1], d[2], d[3]), "uint8"),
    (lambda d: (_data("cifar10")[0], d[1], d[2], d[3]), "N×28×28 for this network, got 240×32×32×3"),
    (lambda d: (d[0], d[1] + 10, d[2], d[3]), "class indices 0..9"),
    (lambda d: (d[0], d[1].astype(float), d[2], d[3]), "integer array"),
    (lambda d: d[:2], "data must be"),
])
def test_bad_arrays_raise_clear_errors(data, mutate, message):
    with pytest.raises((ValueError, TypeError), match=message):
        record_training("mnist", seed=0, data=mutate(data), **SMALL)


@pytest.mark.slow
def test_real_mnist_learns(tmp_path):
    """A short run on the real MNIST files (skipped when $TOURBOOK_DATA is not set)."""
    if not os.environ.get("TOURBOOK_DATA"):
        pytest.skip("set TOURBOOK_DATA to the folder with the data sets")
    run = record_training("mnist", seed=0, epochs=2, train_size=3000, n_record=300, cache=False,
                          progress=False, device="cpu")
    assert run.softmax["test"].shape == (3, 300, 10)
    assert run.accuracy["test"][-1] > run.accuracy["test"][0]
