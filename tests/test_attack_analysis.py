"""tourlib.attack.analysis: strict wins, detours through the centre, margins, the unclipped target."""

import numpy as np
import pytest
import torch

from tourlib.attack import targeted_fgsm
from tourlib.attack.analysis import (TargetLogitUnclipped, centre_distance, centroid_distances, detours,
                                     first_win, logit_margin)
from tourlib.nets import build_model

torch.set_num_threads(1)

U = [1 / 3] * 3  # the centre of the 3-class simplex


def probs_of(*paths):
    """Paths (lists of probability rows, one per step) → S+1 × N × K."""
    return np.stack([np.asarray(p, dtype=float) for p in paths], axis=1)


def test_first_win_is_strict_and_counts_from_step_zero():
    p = probs_of(
        [[0.1, 0.8, 0.1], [0.3, 0.4, 0.3], [0.6, 0.3, 0.1]],   # wins at step 2
        [[0.7, 0.2, 0.1], [0.7, 0.2, 0.1], [0.7, 0.2, 0.1]],   # target already wins at step 0
        [U, U, U],                                             # a tie: argmax says 0, strict says never
        [[0.2, 0.7, 0.1], [0.45, 0.45, 0.1], [0.2, 0.7, 0.1]],  # a tie with a rival is not a win
    )
    np.testing.assert_array_equal(first_win(p, 0), [2, 0, -1, -1])
    assert p[:, 2].argmax(axis=1).tolist() == [0, 0, 0]       # why argmax is not enough
    np.testing.assert_array_equal(first_win(p, [0, 1, 2, 1]), [2, -1, -1, 0])


def test_detour_means_the_centre_before_the_first_win():
    p = probs_of(
        [[0.1, 0.8, 0.1], U, [0.8, 0.1, 0.1]],                  # via the centre: detour
        [[0.1, 0.8, 0.1], [0.5, 0.4, 0.1], [0.8, 0.1, 0.1]],    # along the edge: direct
        [[0.1, 0.8, 0.1], [0.8, 0.1, 0.1], U],                  # the centre only after winning: direct
        [[0.1, 0.8, 0.1], U, U],                                # stuck at the centre: never wins, not a detour
        [[0.1, 0.8, 0.1], [0.32, 0.36, 0.32], [0.8, 0.1, 0.1]],  # near the centre
    )
    np.testing.assert_array_equal(detours(p, 0), [True, False, False, False, False])
    np.testing.assert_array_equal(detours(p, 0, tol=0.05), [True, False, False, False, True])
    d = centre_distance(p)
    assert d.shape == (3, 5) and d[1, 0] == pytest.approx(0) and d[0, 0] == pytest.approx(0.8 - 1 / 3)
    with pytest.raises(ValueError, match="tol"):
        detours(p, 0, tol=-1)
    with pytest.raises(ValueError, match="S\\+1 × N × K"):
        detours(p[0], 0)


def test_logit_margin_and_centroid_distances():
    z = np.array([[3.0, 1.0, 2.0], [0.0, 0.0, 0.0], [1.0, 4.0, 0.0]])
    np.testing.assert_allclose(logit_margin(z, 0), [1.0, 0.0, -3.0])
    np.testing.assert_allclose(logit_margin(np.stack([z, 2 * z]), 0), [[1, 0, -3], [2, 0, -6]])
    ref = np.array([[0.0, 0.0], [2.0, 0.0]])
    np.testing.assert_allclose(centroid_distances(np.array([[1.0, 0.0], [4.0, 4.0]]), ref), [0.0, 5.0])
    with pytest.raises(ValueError, match="same d"):
        centroid_distances(np.zeros((2, 3)), ref)
    with pytest.raises(ValueError, match="target"):
        logit_margin(z, 3)


@pytest.fixture(scope="module")
def net():
    return build_model("mnist", seed=0).eval()


def test_unclipped_target_matches_the_network_when_the_target_is_alive(net):
    x = torch.from_numpy(np.random.default_rng(0).uniform(0, 1, (16, 1, 28, 28)).astype(np.float32))
    with torch.no_grad():
        pre = dict(net.trace(x))["fc2"]
        probs = net(x)
        for t in range(10):
            scores = TargetLogitUnclipped(net, t)(x)
            alive = pre[:, t] >= 0
            torch.testing.assert_close(torch.softmax(scores, 1)[alive], probs[alive])
            torch.testing.assert_close(scores[:, t], pre[:, t])            # never clipped
            others = [j for j in range(10) if j != t]
            assert torch.all(scores[:, others] >= 0)                       # the rest still are
            # strict win in the network ⇔ strict win of the unclipped scores
            net_win = probs[:, t] > probs[:, others].max(1).values
            unclipped_win = scores[:, t] > scores[:, others].max(1).values
            assert torch.equal(net_win, unclipped_win)


def test_unclipped_target_gives_a_gradient_where_the_network_has_none():
    net = build_model("mnist", seed=0).eval()
    with torch.no_grad():
        net.fc2.bias -= 0.5 * net.fc2.bias.abs().max() + 0.2     # clip most logits
    x = torch.from_numpy(np.random.default_rng(1).uniform(0, 1, (64, 1, 28, 28)).astype(np.float32))
    with torch.no_grad():
        pre = dict(net.trace(x))["fc2"]
    dead = (pre < 0).all(dim=1)          # every logit clipped: the softmax is uniform
    assert dead.any(), "fixture should contain images whose logits are all clipped"
    xd = x[dead].clone().requires_grad_(True)
    (g_net,) = torch.autograd.grad(torch.log(net(xd)[:, 3]).sum(), xd)
    assert torch.count_nonzero(g_net) == 0
    (g_unc,) = torch.autograd.grad(torch.log_softmax(TargetLogitUnclipped(net, 3)(xd), 1)[:, 3].sum(), xd)
    assert torch.count_nonzero(g_unc) > 0


def test_attacking_the_unclipped_target_gives_strict_wins(net):
    x = np.random.default_rng(2).uniform(0, 1, (8, 1, 28, 28)).astype(np.float32)
    rec = targeted_fgsm(TargetLogitUnclipped(net, 5), x, 5, epsilon=0.05, steps=30, output="logits",
                        stop_at_target=False,
                        activations=lambda xx: {"softmax": net(xx)})
    real = rec.activations["softmax"]
    np.testing.assert_array_equal(first_win(real, 5), rec.steps_to_target)


def test_rejects_other_models():
    with pytest.raises(TypeError, match="LayeredNet"):
        TargetLogitUnclipped(torch.nn.Linear(3, 2), 0)
