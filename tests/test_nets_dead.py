"""tourlib.nets.dead: dead logits, tie-aware accuracy, dead episodes and late learners."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tourlib.nets import build_model
from tourlib.nets.dead import (alive_fraction, dead_classes, dead_episodes, late_learners, pre_logits,
                               tie_aware_accuracy_per_class)
from tourlib.nets.inputs import images_to_tensor

torch.set_num_threads(1)


def _images(n=64, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28), dtype=np.uint8)


def _net_with_dead_class(k, seed=0):
    """The MNIST network with class k's logit bias very negative (dead) and every other very positive."""
    model = build_model("mnist", True, seed=seed)
    with torch.no_grad():
        model.fc2.bias.fill_(1e3)
        model.fc2.bias[k] = -1e3
    return model


@pytest.mark.parametrize("k", [0, 7])
def test_constructed_dead_class_is_found_and_gets_no_gradient(k):
    model = _net_with_dead_class(k)
    images = _images()
    a = pre_logits(model, images)
    assert a.shape == (len(images), 10) and a.dtype == np.float32
    alive = alive_fraction(a)
    dead = dead_classes(alive)
    assert dead[k] and dead.sum() == 1
    assert np.all(alive[np.arange(10) != k] == 1.0)
    # the post-ReLU logit is exactly 0, and no gradient reaches the class's weights
    x = images_to_tensor(images, "cpu")
    model.train()
    z = model.logits(x)
    assert torch.all(z[:, k] == 0)
    loss = F.cross_entropy(z, torch.full((len(images),), k))
    loss.backward()
    assert torch.all(model.fc2.weight.grad[k] == 0) and model.fc2.bias.grad[k] == 0
    others = np.arange(10) != k
    assert torch.all(model.fc2.bias.grad[others] != 0)


def test_alive_class_with_positive_bias_is_not_dead():
    model = build_model("mnist", True, seed=0)
    with torch.no_grad():
        model.fc2.bias.fill_(1e3)
    assert not dead_classes(alive_fraction(pre_logits(model, _images()))).any()


def test_pre_logits_are_the_relu_input():
    model = build_model("mnist", True, seed=3)
    images = _images(20)
    a = pre_logits(model, images)
    with torch.no_grad():
        z = model.logits(images_to_tensor(images, "cpu")).numpy()
    np.testing.assert_allclose(np.maximum(a, 0), z, rtol=1e-6, atol=1e-6)


def test_alive_fraction_shapes_bounds_and_errors():
    a = np.random.default_rng(0).normal(size=(4, 30, 10))
    f = alive_fraction(a)
    assert f.shape == (4, 10) and f.min() >= 0 and f.max() <= 1
    with pytest.raises(ValueError, match="N ≥ 1"):
        alive_fraction(np.zeros(10))
    with pytest.raises(ValueError, match="diverged"):
        alive_fraction(np.full((3, 10), np.nan))
    with pytest.raises(ValueError, match="tolerance"):
        dead_classes(f, tolerance=1.5)


def test_tie_aware_accuracy_does_not_credit_the_tie_break():
    labels = np.repeat(np.arange(10), 3)
    zeros = np.zeros((len(labels), 10))
    tie = tie_aware_accuracy_per_class(zeros, labels, 10)
    assert np.all(tie == 0)                         # arg-max would give class 0 100 %
    assert np.all(zeros.argmax(axis=1) == 0)
    onehot = np.eye(10)[labels] * 5
    assert np.all(tie_aware_accuracy_per_class(onehot, labels, 10) == 1)
    stacked = tie_aware_accuracy_per_class(np.stack([zeros, onehot]), labels, 10)
    assert stacked.shape == (2, 10) and np.all(stacked[0] == 0) and np.all(stacked[1] == 1)
    missing = tie_aware_accuracy_per_class(onehot[labels != 4], labels[labels != 4], 10)
    assert np.isnan(missing[4]) and np.all(missing[np.arange(10) != 4] == 1)
    with pytest.raises(ValueError, match="len\\(labels\\)"):
        tie_aware_accuracy_per_class(zeros[:5], labels, 10)


def test_dead_episodes_on_a_constructed_history():
    d = np.zeros((8, 3), bool)
    d[0:3, 0] = True           # dead at the start, revives at 3
    d[5:8, 0] = True           # dies again at 5, still dead at the end
    d[2, 1] = True             # one dead snapshot, revives at 3
    eps = dead_episodes(d)
    assert [(e.class_index, e.died, e.last_dead, e.revived) for e in eps] == [
        (0, 0, 2, 3), (0, 5, 7, None), (1, 2, 2, 3)]
    assert dead_episodes(np.zeros((4, 2), bool)) == []
    with pytest.raises(ValueError, match="boolean"):
        dead_episodes(np.zeros((4, 2)))


def _history(E=25, K=3):
    a = np.full((E + 1, K), 0.95)
    a[0] = 0.1
    return a


def test_late_learner_found_on_a_synthetic_history():
    a = _history()
    a[1:15, 1] = 0.0            # 14 epochs at 0 %, then a jump at epoch 15
    a[15:, 1] = 0.9
    a[0, 2] = 1.0               # the untrained net predicting class 2 for everything is not "learning"
    found = late_learners(a)
    assert len(found) == 1
    ev = found[0]
    assert (ev.class_index, ev.quiet_from, ev.quiet_to, ev.epoch) == (1, 1, 14, 15)
    assert ev.quiet_epochs == 14 and ev.before == 0.0 and ev.after == 0.9


def test_late_learner_needs_a_long_quiet_stretch_and_a_jump():
    short = _history()
    short[1:9, 0] = 0.0         # 8 epochs at 0 %: not late
    assert late_learners(short) == []
    gradual = _history()
    gradual[1:13, 0] = 0.0
    gradual[13:, 0] = np.linspace(0.1, 0.95, len(gradual) - 13)   # no single jump of 30 points
    assert late_learners(gradual) == []
    never = _history()
    never[1:, 0] = 0.0
    assert late_learners(never) == []
    assert len(late_learners(short, min_quiet=5)) == 1
    with pytest.raises(ValueError, match="min_quiet"):
        late_learners(short, min_quiet=-1)
