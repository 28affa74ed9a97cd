"""Layer residuals, class separation, attack context, the trajectory and the run tours (from the chapters)."""

import numpy as np
import pytest
import torch

from tourlib.align import Dense, relu
from tourlib.align.residuals import layer_residuals
from tourlib.attack.context import layer_recorder, with_fixed
from tourlib.nets import build_model, record_training
from tourlib.nets.class_separation import best_layer, mean_class_separation
from tourlib.nets.trajectory import training_trajectory


def test_linear_layers_are_pure_scalings_and_axes_shares_are_bounded():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 6))
    layers = [Dense(rng.normal(size=(6, 5)), rng.normal(size=5), name="fc1"), relu("relu1"),
              Dense(rng.normal(size=(5, 3)), name="fc2")]
    r = layer_residuals(X, layers, k=2)
    assert r.names == ["fc1", "relu1", "fc2"]
    assert set(r.residual) == {"fc1", "fc2"} and r.largest() < 1e-10
    assert all(0 < s <= 1 + 1e-12 for s in r.axes_share.values())
    assert layer_residuals(X, layers, k=10).axes_share["fc1"] == pytest.approx(1)
    with pytest.raises(ValueError, match="k"):
        layer_residuals(X, layers, k=0)


def test_mean_class_separation_is_rotation_invariant_and_grows_with_the_gap():
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1, 2], 40)
    X = rng.normal(size=(120, 4)) + 3 * np.eye(4)[y]
    Q = np.linalg.qr(rng.normal(size=(4, 4)))[0]
    v = mean_class_separation({"a": X, "rot": X @ Q, "far": 3 * np.eye(4)[y] * 2 + rng.normal(size=(120, 4))}, y)
    assert v["a"] == pytest.approx(v["rot"]) and v["far"] > v["a"]
    assert best_layer(v) == "far" and best_layer(v, among=["a"]) == "a"
    with pytest.raises(ValueError, match="rows"):
        mean_class_separation({"a": X[:10]}, y)


def test_with_fixed_keeps_reference_points_still():
    moving = np.random.default_rng(0).random((4, 3, 2))
    fixed = np.ones((2, 2))
    out = with_fixed(moving, fixed, 2 * fixed)
    assert out.shape == (4, 7, 2)
    np.testing.assert_array_equal(out[:, :3], moving)
    assert np.all(out[:, 3:5] == 1) and np.all(out[:, 5:] == 2)
    with pytest.raises(ValueError, match="M×2"):
        with_fixed(moving, np.ones((2, 3)))


def test_layer_recorder_records_the_named_layers():
    model = build_model("mnist", True, seed=0)
    rec = layer_recorder(model, ["relu_logits", "softmax"])
    out = rec(torch.zeros(2, 1, 28, 28))
    assert set(out) == {"relu_logits", "softmax"} and out["softmax"].shape == (2, 10)
    with pytest.raises(ValueError):
        layer_recorder(model, ["nope"])


def test_trajectory_short_runs_are_the_start_of_the_long_one(tmp_path, monkeypatch):
    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    data = (rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), rng.integers(0, 10, 200),
            rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60))
    tr = training_trajectory("mnist", seed=0, early=(1,), data=data, epochs=3, train_size=120, n_record=30,
                             batch_size=16, device="cpu")
    assert tr.epochs == [0, 1, 3] and len(tr.models) == 3 and tr.gap == 0.0
    with pytest.raises(ValueError, match="strictly between"):
        training_trajectory("mnist", seed=0, early=(3,), data=data, epochs=3, train_size=120, n_record=30,
                            batch_size=16, device="cpu")


def test_run_tours_take_bundles(tmp_path, monkeypatch):
    from tourlib.viz.run_tours import attack_tour, softmax_tour, training_tour

    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    data = (rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), rng.integers(0, 10, 200),
            rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60))
    run = record_training("mnist", seed=0, data=data, cache=False, epochs=2, train_size=120, n_record=30,
                          batch_size=16, device="cpu", progress=False)
    train, test = run.data("train", images=data[0]), run.data("test", images=data[2])
    layout, parts = training_tour(train, test, title="t", return_parts=True)
    assert parts.widgets["time_slider"].value == len(train.points) - 1     # opens at the last epoch
    assert training_tour(train, test, title="t", time_start=0) is not None
    assert softmax_tour(run.data(epochs=-1, images=data[2]), title="s") is not None
    with pytest.raises(ValueError, match="one epoch"):
        softmax_tour(test)
    assert attack_tour(test.points, test.images, source=3, classes=run.classes) is not None


def test_layer_tour_inputs_follow_the_bundle(tmp_path, monkeypatch):
    from tourlib.nets.trajectory import layer_tour_inputs

    monkeypatch.setenv("TOURBOOK_CACHE", str(tmp_path))
    rng = np.random.default_rng(0)
    data = (rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), rng.integers(0, 10, 200),
            rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60))
    tr = training_trajectory("mnist", seed=0, early=(1,), data=data, epochs=2, train_size=120, n_record=30,
                             batch_size=16, device="cpu")
    import tourlib.nets.bundle as bundle

    monkeypatch.setattr(bundle, "_split_images", lambda ds, split: data[2] if split == "test" else data[0])
    lt = layer_tour_inputs(tr, n=12, k=4, seed=0)
    assert lt.X.shape == (12, 784) and len(lt.networks) == 3
    assert lt.sequence.n_epochs == 3 and lt.predictions.shape == (3, 12)
    np.testing.assert_allclose(lt.X, lt.data.images.reshape(12, -1) / 255.0)


def test_class_attack_attacks_one_class_and_records_the_real_layers():
    from types import SimpleNamespace

    from tourlib.attack.context import class_attack, final_images
    from tourlib.nets.bundle import RunData

    rng = np.random.default_rng(0)
    n = 6
    labels = np.array([8, 8, 3, 8, 1, 3])
    data = RunData(points=rng.random((n, 10)), labels=labels, classes=tuple(map(str, range(10))),
                   images=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), predictions=labels,
                   times=[0], positions=np.arange(n), indices=np.arange(n), split="test", layer="softmax")
    model = build_model("mnist", True, seed=0).eval()
    rec = class_attack(model, data, 8, 0, epsilon=0.01, steps=2)
    assert rec.activations["softmax"].shape == (3, 3, 10)
    assert final_images(rec).shape == (3, 28, 28) and final_images(rec).dtype == np.uint8
    np.testing.assert_array_equal(final_images(SimpleNamespace(images=rec.images[:1])), data.images[labels == 8])
    with pytest.raises(ValueError, match="different"):
        class_attack(model, data, 3, 3, epsilon=0.01, steps=1)
