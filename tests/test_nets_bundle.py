"""Runs hand back their data: tourlib.nets.bundle (points joined to images, labels, predictions)."""

import numpy as np
import pytest

from tourlib.nets import record_training
from tourlib.nets.bundle import RunData, recorded_subset, run_data, tour_kwargs


def _data(n_train=200, n_test=60, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_train),
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), rng.integers(0, 10, n_test))


@pytest.fixture(scope="module")
def recorded():
    data = _data()
    run = record_training("mnist", seed=0, data=data, cache=False, epochs=2, train_size=120, n_record=30,
                          batch_size=32, device="cpu", progress=False)
    return run, data


def test_bundle_joins_points_to_their_images(recorded):
    run, (tr_x, _, te_x, te_y) = recorded
    d = run.data("test", images=te_x)
    assert isinstance(d, RunData) and len(d) == 30
    assert d.points.shape == (3, 30, 10) and d.predictions.shape == (3, 30) and d.times == [0, 1, 2]
    np.testing.assert_array_equal(d.images, te_x[run.indices["test"]])
    np.testing.assert_array_equal(d.labels, te_y[run.indices["test"]])
    one = run_data(run, "train", epochs=-1, images=tr_x)
    assert one.points.shape == (30, 10) and one.predictions.shape == (30,) and one.times == [2]
    np.testing.assert_array_equal(one.points, run.softmax["train"][-1])


def test_subsets_are_seeded_samples_and_where_keeps_rows_together(recorded):
    run, (_, _, te_x, _) = recorded
    a = run_data(run, n=10, seed=3, images=te_x)
    b = run_data(run, n=10, seed=3, images=te_x)
    np.testing.assert_array_equal(a.positions, b.positions)
    assert np.all(np.diff(a.positions) > 0)
    np.testing.assert_array_equal(a.positions, recorded_subset(run, 10, seed=3))
    sub = a.where(a.labels == a.labels[0])
    assert np.all(sub.labels == a.labels[0]) and sub.points.shape[1] == len(sub) == sub.images.shape[0]
    np.testing.assert_array_equal(sub.points, run.softmax["test"][:, sub.positions])


def test_tour_kwargs_for_one_bundle_and_panels(recorded):
    run, (tr_x, _, te_x, _) = recorded
    d = run_data(run, images=te_x, epochs=[0, 2])
    kw = tour_kwargs(d)
    assert kw["times"] == [0, 2] and kw["X"].shape == (2, 30, 10) and kw["classes"] == list(run.classes)
    panels = tour_kwargs({"train": run_data(run, "train", images=tr_x, epochs=[0, 2]), "test": d})
    assert set(panels["X"]) == {"train", "test"} and panels["times"] == [0, 2]
    with pytest.raises(ValueError, match="share one view"):
        tour_kwargs({"a": d, "b": run_data(run, images=te_x)})


def test_bad_requests_name_the_problem(recorded):
    run, (_, _, te_x, _) = recorded
    with pytest.raises(ValueError, match="no layer 'fc1'"):
        run_data(run, layer="fc1", images=te_x)
    with pytest.raises(ValueError, match="seed"):
        run_data(run, n=5, images=te_x)
    with pytest.raises(ValueError, match="outside"):
        run_data(run, epochs=7, images=te_x)
    with pytest.raises(ValueError, match="images hold"):
        run_data(run, images=te_x[:5])
    with pytest.raises(ValueError, match="split"):
        run_data(run, "valid", images=te_x)
