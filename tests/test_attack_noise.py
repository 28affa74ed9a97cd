"""Noise measures of perturbations: norms and the high-frequency share of their energy."""

import numpy as np
import pytest

from tourlib.attack import high_frequency_energy, perturbation_norm, step_norm, white_noise_share


def _record(perturbations, base=0.5):
    """Images S+1×N×C×H×W: a constant image plus cumulative perturbations."""
    d = np.concatenate([np.zeros_like(perturbations[:1]), perturbations])
    return base + d


def test_white_noise_spreads_energy_like_the_frequency_grid():
    rng = np.random.default_rng(0)
    signs = rng.choice([-0.01, 0.01], size=(1, 200, 1, 28, 28))
    hf = high_frequency_energy(_record(signs))  # default cutoff: 0.25 cycles per pixel
    assert np.isnan(hf[0]).all()  # no perturbation at step 0
    share = white_noise_share(28, 28, 0.25)
    assert 0.75 < share < 0.85
    assert abs(np.mean(hf[1]) - share) < 0.02


def test_smooth_perturbations_have_little_high_frequency_energy():
    yy, xx = np.mgrid[0:28, 0:28]
    blob = 0.05 * np.exp(-((yy - 14) ** 2 + (xx - 14) ** 2) / (2 * 5.0 ** 2))
    hf = high_frequency_energy(_record(blob[None, None, None]))
    assert hf[1, 0] < 0.01


def test_norms_of_perturbations_and_steps():
    rng = np.random.default_rng(1)
    steps = rng.choice([-0.02, 0.02], size=(3, 4, 2, 5, 5))
    imgs = _record(np.cumsum(steps, axis=0))
    assert np.allclose(step_norm(imgs, np.inf), 0.02)
    assert np.allclose(step_norm(imgs, 2), 0.02 * np.sqrt(50))
    pn = perturbation_norm(imgs, np.inf)
    assert pn.shape == (4, 4) and np.all(pn[0] == 0) and np.all(pn <= 0.06 + 1e-12)
    assert np.allclose(perturbation_norm(imgs, 2)[1], 0.02 * np.sqrt(50))


def test_noise_measure_errors():
    with pytest.raises(ValueError, match="S\\+1×N×C×H×W"):
        perturbation_norm(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="ord"):
        perturbation_norm(np.zeros((2, 1, 1, 3, 3)), ord=1)
    with pytest.raises(ValueError, match="cutoff"):
        high_frequency_energy(np.zeros((2, 1, 1, 3, 3)), cutoff=0.9)
