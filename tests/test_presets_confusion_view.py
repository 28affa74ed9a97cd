"""confusion_view: the chosen classes' one-hot vertices land on a centred equilateral triangle / segment."""

import numpy as np
import pytest

from tourlib.tour.views import confusion_view


@pytest.mark.parametrize("d", [3, 5, 10, 17])
def test_three_classes_make_a_centred_equilateral_triangle(d):
    rng = np.random.default_rng(d)
    picked = rng.choice(d, size=3, replace=False)
    B = confusion_view(picked, d)
    assert B.shape == (d, 2)
    np.testing.assert_allclose(B.T @ B, np.eye(2), atol=1e-12)          # orthonormal basis
    V = np.eye(d)[picked] @ B                                            # the vertices on screen
    sides = [np.linalg.norm(V[i] - V[j]) for i, j in ((0, 1), (1, 2), (0, 2))]
    np.testing.assert_allclose(sides, np.sqrt(2.0), atol=1e-12)         # equilateral, one-hot distance kept
    np.testing.assert_allclose(V.mean(axis=0), 0.0, atol=1e-12)          # centred on the screen
    assert V[0, 1] > 0 and V[1, 0] < 0 < V[2, 0]                         # first on top, then left, right
    others = np.setdiff1d(np.arange(d), picked)
    np.testing.assert_allclose(np.eye(d)[others] @ B, 0.0, atol=1e-12)  # other vertices at the centre


def test_a_point_half_between_two_classes_lands_half_way():
    B = confusion_view([2, 4, 7], 10)
    p = np.zeros(10)
    p[[2, 4]] = 0.5
    np.testing.assert_allclose(p @ B, (B[2] + B[4]) / 2, atol=1e-12)


@pytest.mark.parametrize("d", [3, 10])
def test_two_classes_make_a_horizontal_centred_segment(d):
    B = confusion_view([0, 2], d)
    np.testing.assert_allclose(B.T @ B, np.eye(2), atol=1e-12)
    a, b = B[0], B[2]
    assert a[1] == pytest.approx(b[1]) and a[0] == pytest.approx(-b[0]) and b[0] > 0
    assert np.linalg.norm(a - b) == pytest.approx(np.sqrt(2.0))
    rest = np.eye(d)[[1] + list(range(3, d))] @ B
    assert (rest[:, 1] > a[1]).all()                                      # other classes above the segment


@pytest.mark.parametrize("bad, d", [([1], 10), ([1, 2, 3, 4], 10), ([1, 1], 10), ([0, 10], 10),
                                    ([0, 1], 2), ([0.5, 1], 10), ("ab", 10)])
def test_bad_arguments_are_refused(bad, d):
    with pytest.raises(ValueError):
        confusion_view(bad, d)


def test_tour_figure_extent_one_puts_handles_on_the_vertices():
    from tourlib.viz import tour_figure
    from tourlib.viz.tour_figure import VIEW_MARGIN

    P = np.random.default_rng(0).dirichlet(np.full(10, 0.2), size=50)
    _, parts = tour_figure(P, P.argmax(1), center=False, extent=1.0, axis_labels="classes",
                           presets={"0/1/2": confusion_view([0, 1, 2], 10)}, return_parts=True)
    assert parts.plots[0].x_range.end == pytest.approx(VIEW_MARGIN)
    np.testing.assert_allclose(parts.center, 0.0)
    with pytest.raises(ValueError):
        tour_figure(P, P.argmax(1), extent=0.0)
