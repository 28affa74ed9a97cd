"""Measurements of softmax rows, dead classes and learning-event reports (moved out of the chapters)."""

import numpy as np
import pytest

from tourlib.nets import record_training
from tourlib.nets.dead_class import dead_class_report
from tourlib.nets.event_report import event_report, event_shifts, first_epoch_over
from tourlib.nets.softmax_stats import (at_centre, dead_classes, distance_to_corner, mean_step, median_top,
                                        two_way_splits, variance_shares)
from tourlib.tour import GrandTour


def softmax(n=200, K=10, seed=0, scale=3.0):
    z = np.random.default_rng(seed).normal(size=(n, K)) * scale
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_distance_to_corner_bounds_the_screen_distance_in_every_view():
    P = softmax()
    d = distance_to_corner(P)
    corners = np.eye(10)[P.argmax(1)]
    for s in range(5):
        B = GrandTour(10, seed=s).matrix(1.0)[:, :2]
        assert np.all(np.linalg.norm((P - corners) @ B, axis=1) <= d + 1e-12)
    assert np.allclose(distance_to_corner(np.eye(10)), 0)


def test_centre_dead_classes_and_splits():
    P = softmax()
    P[:5] = 0.1
    assert at_centre(P)[:5].all() and not at_centre(P)[5:].any()
    Q = P.copy()
    others = np.arange(10) != 3
    Q[:, others] *= 0.95 / Q[:, others].sum(1, keepdims=True)
    Q[:, 3] = 0.05
    assert 3 in dead_classes(np.vstack([Q, np.full((1, 10), 0.1)]))
    half = np.zeros((1, 10))
    half[0, [2, 7]] = 0.5
    mask, dist = two_way_splits(np.vstack([half, np.eye(10)[:1]]))
    assert mask.tolist() == [True, False] and dist[0] == pytest.approx(0)
    with pytest.raises(ValueError, match="low"):
        two_way_splits(P, 0.7, 0.6)


def test_variance_shares_sum_to_one_and_see_the_simplex_plane():
    s = variance_shares(softmax())
    assert s.sum() == pytest.approx(1) and np.all(np.diff(s) <= 1e-12)
    assert s[-1] < 1e-12                        # rows sum to one: a nine-dimensional plane
    assert np.all(variance_shares(np.ones((4, 3))) == 0)


def test_mean_step_and_median_top():
    S = np.stack([softmax(seed=0), softmax(seed=0), softmax(seed=1)])
    m = mean_step(S)
    assert m.shape == (2,) and m[0] == 0 and m[1] > 0
    assert median_top(S).shape == (3,) and np.all(median_top(S) >= 0.1)
    with pytest.raises(ValueError, match="T×n×K"):
        mean_step(softmax())


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(0)
    data = (rng.integers(0, 256, (200, 28, 28), dtype=np.uint8), rng.integers(0, 10, 200),
            rng.integers(0, 256, (60, 28, 28), dtype=np.uint8), rng.integers(0, 10, 60))
    return record_training("mnist", seed=0, data=data, cache=False, epochs=3, train_size=120, n_record=40,
                           batch_size=16, device="cpu", progress=False)


def test_dead_class_report_is_consistent_with_the_run(run):
    r = dead_class_report(run, 0)
    S, y = run.softmax["test"], run.labels["test"]
    assert r.max_probability == pytest.approx(S[1:, :, 0].max())
    assert r.centre_share_by_epoch.shape == (run.epochs + 1,) and 0 <= r.centre_share <= 1
    assert r.centre_share == pytest.approx(at_centre(S[-1][y == 0]).mean())
    assert r.dead == (r.max_probability <= 0.101)
    with pytest.raises(ValueError, match="class"):
        dead_class_report(run, 12)


def test_event_report_and_shifts(run):
    rep = event_report(run)
    assert set(rep.by_class) | set(rep.no_event) == set(run.classes)
    assert rep.first is None or rep.first <= rep.last
    assert all(ev.epoch < 2 for ev in rep.before(2))
    assert rep.describe("not a class") == "no event"
    earlier, later = event_shifts(rep, rep)
    assert earlier == [] and later == []
    assert first_epoch_over([0.1, 0.4, 0.6, 0.9]) == 2 and first_epoch_over([0.1]) is None
