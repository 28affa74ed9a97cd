"""Targeted FGSM and its random-sign control, on a tiny softmax classifier of 4×4 images."""

import numpy as np
import pytest
import torch
from torch import nn

from tourlib.attack import (perturbation_norm, random_sign_control, step_norm, targeted_fgsm)

torch.set_num_threads(1)

PROTOTYPES = np.array([
    [[1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0], [0, 0, 0, 0]],  # class 0: top half
    [[1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0], [1, 1, 0, 0]],  # class 1: left half
    [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]],  # class 2: diagonal
], dtype=np.float32)


def make_images(n_per_class, seed):
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), n_per_class)
    x = 0.15 + 0.6 * PROTOTYPES[labels] + 0.12 * rng.standard_normal((len(labels), 4, 4))
    return np.clip(x, 0, 1).astype(np.float32)[:, None], labels


@pytest.fixture(scope="module")
def classifier():
    """A linear softmax classifier, trained here in well under a second."""
    torch.manual_seed(0)
    x, y = make_images(100, seed=1)
    linear = nn.Linear(16, 3)
    net = nn.Sequential(nn.Flatten(), linear)
    opt = torch.optim.Adam(net.parameters(), lr=0.1)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(150):
        opt.zero_grad()
        nn.functional.cross_entropy(net(xt), yt).backward()
        opt.step()
    with torch.no_grad():
        assert (net(xt).argmax(1) == yt).float().mean() > 0.95
    return net


@pytest.fixture(scope="module")
def eights(classifier):
    """Test images of class 0 that the model classifies correctly (the article's "8s")."""
    x, y = make_images(30, seed=2)
    x = x[y == 0]
    with torch.no_grad():
        ok = classifier(torch.from_numpy(x)).argmax(1).numpy() == 0
    return x[ok]


def test_attack_raises_the_target_probability(classifier, eights):
    rec = targeted_fgsm(classifier, eights, target=1, epsilon=0.03, steps=20, labels=0)
    p = rec.target_probability()
    assert np.mean(p[-1] > p[0]) >= 0.9
    assert np.mean(rec.reached_target()) >= 0.9
    # mostly monotone: across images, the median target probability never falls by much
    assert np.all(np.diff(np.median(p, axis=1)) > -1e-3)
    assert np.all(rec.preds[rec.steps_to_target[rec.reached_target()], rec.reached_target()] == 1)


def test_pixels_stay_valid_and_each_step_is_at_most_epsilon(classifier, eights):
    schedule = np.linspace(0.08, 0.02, 12)
    rec = targeted_fgsm(classifier, eights, target=2, epsilon=schedule, steps=12, stop_at_target=False)
    assert rec.images.min() >= 0 and rec.images.max() <= 1
    assert np.all(step_norm(rec, np.inf) <= schedule[:, None] + 1e-6)
    assert np.all(perturbation_norm(rec, np.inf)[-1] <= schedule.sum() + 1e-6)
    # unclipped pixels move by exactly ε_k (sign of a non-zero gradient)
    d = np.abs(np.diff(rec.images, axis=0))
    interior = (rec.images[:-1] > schedule.max()) & (rec.images[:-1] < 1 - schedule.max())
    moved = d[interior] / np.broadcast_to(schedule[:, None, None, None, None], d.shape)[interior]
    assert np.allclose(moved, 1, atol=1e-4)


def test_shapes_and_recorded_activations(classifier, eights):
    lin = classifier[1]

    def activations(x):
        return {"input": x, "logits": lin(x.flatten(1))}

    S, N = 6, len(eights)
    rec = targeted_fgsm(classifier, eights, target=1, epsilon=0.05, steps=S, activations=activations)
    assert rec.images.shape == (S + 1, N, 1, 4, 4) and rec.probs.shape == (S + 1, N, 3)
    assert rec.preds.shape == (S + 1, N) and rec.steps_to_target.shape == rec.steps_taken.shape == (N,)
    assert rec.activations["input"].shape == (S + 1, N, 16)
    assert rec.activations["logits"].shape == (S + 1, N, 3)
    assert np.allclose(rec.probs.sum(axis=2), 1, atol=1e-5)
    assert np.allclose(rec.images[0], eights)
    with torch.no_grad():
        for k in (0, S):
            logits = classifier(torch.from_numpy(rec.images[k])).numpy()
            assert np.allclose(rec.activations["logits"][k], logits, atol=1e-5)
            assert np.array_equal(rec.preds[k], logits.argmax(1))


def test_images_freeze_once_they_reach_the_target(classifier, eights):
    S = 30
    rec = targeted_fgsm(classifier, eights, target=1, epsilon=0.02, steps=S)
    reached = rec.reached_target()
    assert reached.any()
    for i in np.flatnonzero(reached):
        k = rec.steps_to_target[i]
        assert rec.steps_taken[i] == k
        assert np.all(rec.images[k:, i] == rec.images[k, i])
        assert np.all(rec.preds[k:, i] == 1)
    assert np.all(rec.steps_taken[~reached] == S)
    free = targeted_fgsm(classifier, eights, target=1, epsilon=0.02, steps=S, stop_at_target=False)
    assert np.all(free.steps_taken == S)
    assert np.array_equal(free.steps_to_target, rec.steps_to_target)  # same path until the stop


def test_models_returning_probabilities_are_attacked_the_same_way(classifier, eights):
    as_probs = nn.Sequential(classifier, nn.Softmax(dim=1))
    a = targeted_fgsm(classifier, eights, target=2, epsilon=0.04, steps=8)
    b = targeted_fgsm(as_probs, eights, target=2, epsilon=0.04, steps=8)  # output="auto" → probs
    c = targeted_fgsm(as_probs, eights, target=2, epsilon=0.04, steps=8, output="probs")
    assert np.allclose(a.probs, b.probs, atol=1e-4) and np.array_equal(b.images, c.images)
    assert np.mean(a.images == b.images) > 0.99


def test_random_control_has_the_same_step_size(classifier, eights):
    x = np.clip(eights, 0.3, 0.7)  # interior pixels: no clipping, so sizes are exact
    eps, S = 0.02, 5
    att = targeted_fgsm(classifier, x, target=1, epsilon=eps, steps=S, stop_at_target=False)
    ctl = random_sign_control(classifier, x, target=1, epsilon=eps, steps=S, seed=0)
    d = x[0].size
    assert np.allclose(step_norm(ctl, np.inf), eps, atol=1e-6)
    assert np.allclose(step_norm(ctl, 2), eps * np.sqrt(d), atol=1e-5)
    assert np.all(step_norm(att, 2) <= eps * np.sqrt(d) + 1e-5)  # equal unless a gradient is 0
    assert np.allclose(step_norm(att, np.inf), step_norm(ctl, np.inf), atol=1e-6)
    # the control does not do the attack's job: for every image the attack ends higher
    assert np.all(att.target_probability()[-1] > ctl.target_probability()[-1])


def test_control_can_follow_the_attacks_steps_per_image(classifier, eights):
    att = targeted_fgsm(classifier, eights, target=1, epsilon=0.03, steps=15)
    ctl = random_sign_control(classifier, eights, target=1, epsilon=0.03, steps=15, seed=3,
                              steps_per_image=att.steps_taken)
    assert np.array_equal(ctl.steps_taken, att.steps_taken)
    for i, k in enumerate(att.steps_taken):
        assert np.all(ctl.images[k:, i] == ctl.images[k, i])


def test_determinism(classifier, eights):
    kw = dict(target=1, epsilon=0.03, steps=5)
    a, b = targeted_fgsm(classifier, eights, **kw), targeted_fgsm(classifier, eights, **kw)
    assert np.array_equal(a.images, b.images)
    c1 = random_sign_control(classifier, eights, seed=7, **kw)
    c2 = random_sign_control(classifier, eights, seed=7, **kw)
    c3 = random_sign_control(classifier, eights, seed=8, **kw)
    assert np.array_equal(c1.images, c2.images) and not np.array_equal(c1.images, c3.images)


def test_single_step_attack_and_training_mode_is_restored(classifier, eights):
    classifier.train()
    rec = targeted_fgsm(classifier, torch.from_numpy(eights), target=2, epsilon=0.1)
    assert classifier.training
    classifier.eval()
    assert rec.n_steps == 1 and rec.images.shape[0] == 2
    p = rec.target_probability()
    assert np.all(p[1] > p[0])  # a linear model: one signed step always helps the target


def test_errors_name_the_problem(classifier, eights):
    ok = dict(target=1, epsilon=0.1)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        targeted_fgsm(classifier, eights, target=1, epsilon=0.0)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        targeted_fgsm(classifier, eights, target=1, epsilon=-0.1)
    with pytest.raises(ValueError, match="3 numbers"):
        targeted_fgsm(classifier, eights, target=1, epsilon=[0.1, 0.1], steps=3)
    with pytest.raises(ValueError, match="true class for images"):
        targeted_fgsm(classifier, eights, target=0, epsilon=0.1, labels=0)
    with pytest.raises(ValueError, match="N×C×H×W"):
        targeted_fgsm(classifier, eights[:, 0], **ok)
    bad = eights.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        targeted_fgsm(classifier, bad, **ok)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        targeted_fgsm(classifier, eights * 255, **ok)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        targeted_fgsm(classifier, eights, target=5, epsilon=0.1)
    with pytest.raises(ValueError, match="one int or"):
        targeted_fgsm(classifier, eights, target=[1, 2], epsilon=0.1)
    with pytest.raises(ValueError, match="not non-negative with sum 1"):
        targeted_fgsm(classifier, eights, output="probs", **ok)
    with pytest.raises(ValueError, match="steps must be"):
        targeted_fgsm(classifier, eights, steps=0, **ok)
    with pytest.raises(ValueError, match="steps_per_image"):
        random_sign_control(classifier, eights, seed=0, steps=2, steps_per_image=[5] * len(eights), **ok)
    with pytest.raises(TypeError, match="nn.Module"):
        targeted_fgsm(lambda x: x, eights, **ok)


@pytest.mark.parametrize("seed", [-1, 1.5, True, "0"])
def test_random_control_refuses_a_bad_seed_clearly(classifier, eights, seed):
    with pytest.raises(ValueError, match="seed must be a non-negative int"):
        random_sign_control(classifier, eights[:2], target=1, epsilon=0.01, steps=1, seed=seed)
