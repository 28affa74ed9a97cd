"""Hostile inputs to the tour engine (issue 13, items 6, 10, 11): each builds its bad input itself."""
import time

import numpy as np
import pytest

from tourlib.tour import GrandTour, drag_axis, drag_centroid, orthogonality_error
from tourlib.tour.paths.common import MAX_DIM


@pytest.mark.parametrize("path", ["rotation", "torus"])
def test_huge_times_are_refused_not_returned_as_nan(path):
    tour = GrandTour(5, seed=0, path=path)
    for t in (1e300, 1.7e308, -1e308):
        with pytest.raises(ValueError, match="rebase the tour|Rebase the tour"):
            tour.matrix(t)
        with pytest.raises(ValueError, match="Rebase"):
            tour.screen_basis(t)
    # large but meaningful times still work and stay orthogonal
    assert orthogonality_error(tour.matrix(1e9)) < 1e-12


@pytest.mark.parametrize("speed", [1e308, -1e300, 1e7])
def test_huge_speeds_are_refused(speed):
    with pytest.raises(ValueError, match="speed"):
        GrandTour(4, seed=0, speed=speed)


def test_a_drag_of_1e308_is_applied_not_ignored():
    G = GrandTour(5, seed=1).matrix(0.0)
    for delta in ([1e308, 0.0], [1e308, 1e308], [-1.7e308, 3.0]):
        H = drag_axis(G, 2, delta)
        assert orthogonality_error(H) < 1e-12
        assert not np.allclose(H, G)
        d = np.asarray(delta) / np.linalg.norm(np.asarray(delta) / 1e308) / 1e308
        np.testing.assert_allclose(H[2, :2], d, atol=1e-9)      # the axis points along the drag
        C = drag_centroid(G, np.ones(5), delta)
        assert orthogonality_error(C) < 1e-12 and not np.allclose(C, G)
        y = np.ones(5) @ C
        np.testing.assert_allclose(y[:2] / np.linalg.norm(y[:2]), d, atol=1e-9)   # on the rim, toward the cursor


def test_a_centroid_of_1e200_gives_a_correct_view():
    G = GrandTour(4, seed=2).matrix(0.0)
    c = np.full(4, 1e200)
    H = drag_centroid(G, c, [1.0, 2.0])            # a tiny drag of a far point: the view hardly moves
    assert orthogonality_error(H) < 1e-12
    np.testing.assert_allclose(H, G, atol=1e-12)
    H = drag_centroid(G, c, [1e200, -1e200])
    assert orthogonality_error(H) < 1e-12 and not np.allclose(H, G)
    np.testing.assert_allclose((c / 1e200 @ H)[:2], (c / 1e200 @ G)[:2] + [1, -1], atol=1e-9)


def test_one_dimensional_views_are_refused_clearly():
    for call in (lambda: drag_axis(np.eye(1), 0, [0.1, 0.0]), lambda: drag_centroid(np.eye(1), [1.0], [0.1, 0.0])):
        with pytest.raises(ValueError, match="d >= 2"):
            call()


def test_a_tour_in_3072_dimensions_builds_and_20000_is_refused_before_allocating():
    t = time.perf_counter()
    tour = GrandTour(1024, seed=0)
    built = time.perf_counter() - t
    B = tour.screen_basis(0.5)
    np.testing.assert_allclose(B.T @ B, np.eye(2), atol=1e-10)
    assert built < 120   # a generous sanity bound only; benchmarks/ measure speed
    with pytest.raises(ValueError, match="limit of 4096"):
        GrandTour(20000)
    with pytest.raises(ValueError, match="GB"):
        GrandTour(MAX_DIM + 1)
