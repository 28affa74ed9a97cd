"""Orthogonal Procrustes alignment: R minimises ‖A R − B‖_F over orthogonal R."""

import numpy as np
import pytest
from scipy.stats import ortho_group

from tourlib.align import procrustes_align


def _rng(seed):
    return np.random.default_rng(seed)


def test_recovers_a_known_orthogonal_map():
    A = _rng(0).standard_normal((50, 4))
    R0 = ortho_group.rvs(4, random_state=1)
    fit = procrustes_align(A, A @ R0)
    assert np.allclose(fit.R, R0, atol=1e-10)
    assert fit.residual < 1e-10
    assert np.allclose(fit.R.T @ fit.R, np.eye(4), atol=1e-12)


def test_the_fit_is_no_worse_than_any_other_orthogonal_matrix():
    rng = _rng(2)
    A, B = rng.standard_normal((40, 3)), rng.standard_normal((40, 3))
    best = np.linalg.norm(procrustes_align(A, B).aligned - B)
    for seed in range(50):
        Q = ortho_group.rvs(3, random_state=seed)
        assert best <= np.linalg.norm(A @ Q - B) + 1e-12


def test_rotation_only_refuses_mirror_images():
    A = _rng(3).standard_normal((30, 2))
    mirror = np.diag([1.0, -1.0])
    assert procrustes_align(A, A @ mirror).residual < 1e-10
    fit = procrustes_align(A, A @ mirror, rotation_only=True)
    assert np.isclose(np.linalg.det(fit.R), 1.0) and fit.residual > 0.1


def test_centering_and_different_widths():
    rng = _rng(4)
    A = rng.standard_normal((25, 3))
    R0 = ortho_group.rvs(5, random_state=5)
    B = np.hstack([A, np.zeros((25, 2))]) @ R0 + np.arange(5.0)
    fit = procrustes_align(A, B, center=True)
    assert fit.R.shape == (5, 5) and fit.residual < 1e-10
    assert np.allclose(np.hstack([A, np.zeros((25, 2))]) @ fit.R + fit.translation, B, atol=1e-9)


def test_procrustes_errors():
    with pytest.raises(ValueError, match="same points"):
        procrustes_align(np.ones((3, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="at least 2"):
        procrustes_align(np.ones((1, 2)), np.ones((1, 2)))
