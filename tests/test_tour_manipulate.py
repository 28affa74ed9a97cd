"""Direct manipulation (tourlib.tour.manipulate): axis mode and data mode, as properties."""
import re

import numpy as np
import pytest
import scipy.linalg
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import ortho_group

from tourlib.tour import GrandTour, centroid_landing, drag_axis, drag_centroid, gram_schmidt_rows, orthogonality_error

SETTINGS = settings(max_examples=150, deadline=None)
coord = st.floats(-3.0, 3.0, allow_nan=False, allow_infinity=False)


@st.composite
def views(draw, min_dim=2, max_dim=8):
    d = draw(st.integers(min_dim, max_dim))
    return ortho_group.rvs(d, random_state=draw(st.integers(0, 2**32 - 1)))


def gram_schmidt_by_qr(M, order):
    """Independent reference: Q of the QR factorisation (positive diagonal) of the reordered rows."""
    q, r = scipy.linalg.qr(M[order].T, mode="economic")
    q = q * np.sign(np.diag(r))
    out = np.empty_like(M)
    out[order] = q.T
    return out


# ------------------------------------------------------------------ axis mode
@SETTINGS
@given(G=views(), data=st.data())
def test_drag_axis_properties(G, data):
    d = G.shape[0]
    i = data.draw(st.integers(0, d - 1))
    delta = np.array([data.draw(coord), data.draw(coord)])
    w = G[i].copy()
    w[:2] += delta                                                   # e_i G + δ~
    assume(w @ G[i] > 0.05)          # keep the reordered rows well conditioned for the QR comparison
    G_new = drag_axis(G, i, delta)
    assert orthogonality_error(G_new) < 1e-12
    assert np.allclose(G_new[i], w / np.linalg.norm(w), atol=1e-13)   # handle lands at normalize(e_i G + δ~)
    assert np.linalg.norm(G_new[i] - w) <= np.linalg.norm(delta) + 1e-12   # footnote 14: moved by <= |δ|
    assert np.linalg.norm(G_new[i, :2] - (G[i, :2] + delta)) <= np.linalg.norm(delta) + 1e-12
    M = G.copy()
    M[i] = w
    order = [i] + [k for k in range(d) if k != i]
    assert np.allclose(G_new, gram_schmidt_by_qr(M, order), atol=1e-11)


@SETTINGS
@given(G=views(), data=st.data())
def test_drag_axis_by_zero_keeps_the_view(G, data):
    i = data.draw(st.integers(0, G.shape[0] - 1))
    assert np.allclose(drag_axis(G, i, [0.0, 0.0]), G, atol=1e-13)


def test_drag_axis_degenerate_cases_stay_orthogonal():
    d = 5
    G = np.eye(d)[[1, 0, 2, 3, 4]]                # row 0 = e_2: handle at (0, 1)
    # collapse the dragged row to zero: no direction, the drag is ignored
    assert np.array_equal(drag_axis(G, 0, [0.0, -1.0]), G)
    # w ⟂ old row (δ · (e_i G)[:2] = -1): the other rows become dependent; basis still completed
    G_new = drag_axis(G, 0, [0.7, -1.0])
    assert orthogonality_error(G_new) < 1e-12
    assert np.allclose(G_new[0], [0.7, 0, 0, 0, 0] / np.float64(0.7))
    # d = 2 works as a plain rotation/reflection of the screen
    G2 = drag_axis(np.eye(2), 1, [0.5, -0.2])
    assert orthogonality_error(G2) < 1e-14


def test_gram_schmidt_matches_qr_and_completes_dependent_rows():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(6, 6))
    assert np.allclose(gram_schmidt_rows(M), gram_schmidt_by_qr(M, list(range(6))), atol=1e-12)
    assert np.allclose(gram_schmidt_rows(M, first=3), gram_schmidt_by_qr(M, [3, 0, 1, 2, 4, 5]), atol=1e-12)
    M[4] = 2 * M[1] - M[0]                         # dependent row → completed, still orthonormal
    M[5] = 0.0                                      # zero row → completed
    B = gram_schmidt_rows(M)
    assert orthogonality_error(B) < 1e-13
    assert np.allclose(B[:4], gram_schmidt_by_qr(M[:4], list(range(4)))[:4], atol=1e-12)


# ------------------------------------------------------------------ data mode
def plane_basis(a, b):
    """Orthonormal rows spanning span(a, b) (a, b not both zero)."""
    q = scipy.linalg.orth(np.stack([a, b]).T)
    return q.T


@SETTINGS
@given(G=views(), data=st.data())
def test_drag_centroid_properties(G, data):
    d = G.shape[0]
    c = np.array(data.draw(st.lists(coord, min_size=d, max_size=d)))
    delta = np.array([data.draw(coord), data.draw(coord)])
    y = c @ G
    r = np.linalg.norm(y)
    assume(r > 1e-3 and np.linalg.norm(delta) > 1e-9)
    G_new = drag_centroid(G, c, delta)
    y_new = c @ G_new
    assert orthogonality_error(G_new) < 1e-12
    assert np.isclose(np.linalg.norm(y_new), r, rtol=1e-12, atol=1e-12)          # |cG'| = |cG|
    target = y[:2] + delta
    dist_before, dist_after = np.linalg.norm(delta), np.linalg.norm(y_new[:2] - target)
    assert dist_after <= dist_before + 1e-10                                        # moves toward target
    reach = abs(np.linalg.norm(target) - r) if d == 2 else max(0.0, np.linalg.norm(target) - r)
    assert np.isclose(dist_after, reach, atol=1e-9)      # as close as reachable (d = 2: only the circle)
    if d > 2 and np.linalg.norm(target) < r:
        assert np.allclose(y_new[:2], target, atol=1e-10)                          # lands under the cursor
    # a single-plane rotation of the view: P = GᵀG' differs from I by rank <= 2, on span(y, y')
    P = G.T @ G_new
    assert np.sum(np.linalg.svd(P - np.eye(d), compute_uv=False) > 1e-9) <= 2
    x = np.random.default_rng(0).normal(size=(4, d)) @ G          # view vectors
    plane = plane_basis(y, y_new)
    x_perp = x - (x @ plane.T) @ plane
    assert np.allclose(x_perp @ P, x_perp, atol=1e-10)            # orthogonal to the plane: unchanged
    assert np.allclose((x_perp @ G.T) @ G_new, (x_perp @ G.T) @ G, atol=1e-10)   # same, in data space


@SETTINGS
@given(G=views(), data=st.data())
def test_drag_centroid_zero_delta_or_zero_centroid_keeps_the_view(G, data):
    d = G.shape[0]
    c = np.array(data.draw(st.lists(coord, min_size=d, max_size=d)))
    assert np.array_equal(drag_centroid(G, c, [0.0, 0.0]), G)
    assert np.array_equal(drag_centroid(G, np.zeros(d), [0.4, -1.0]), G)


def test_drag_centroid_degenerate_cases():
    d = 5
    G = ortho_group.rvs(d, random_state=3)
    # the point lies in the screen plane (no off-screen part) and is dragged inward: lands on target
    c = np.array([2.0, 0.0, 0, 0, 0]) @ G.T
    G_new = drag_centroid(G, c, [-0.5, 0.3])
    assert np.allclose((c @ G_new)[:2], [1.5, 0.3], atol=1e-12)
    assert orthogonality_error(G_new) < 1e-12
    # a rim point dragged to the opposite rim point: a half turn in the screen plane
    G_new = drag_centroid(G, c, [-4.0, 0.0])
    assert np.allclose((c @ G_new)[:2], [-2.0, 0.0], atol=1e-12)
    assert np.allclose(G_new[:, 2:], G[:, 2:], atol=1e-12)
    # target beyond reach: lands on the rim in the cursor's direction
    c = np.array([0.3, 0.4, 1.0, 0, 0]) @ G.T
    G_new = drag_centroid(G, c, [10.0, 0.0])
    r = np.linalg.norm(c)
    t = np.array([10.3, 0.4])
    assert np.allclose((c @ G_new)[:2], r * t / np.linalg.norm(t), atol=1e-12)
    # d = 2: only the circle is reachable; T = 0 leaves the view as it is
    G2 = ortho_group.rvs(2, random_state=1)
    c2 = np.array([1.0, 1.0]) @ G2.T
    assert np.allclose(drag_centroid(G2, c2, [-1.0, -1.0]), G2)
    assert np.allclose((c2 @ drag_centroid(G2, c2, [-1.0, 0.0]))[:2], [0.0, np.sqrt(2)], atol=1e-12)


def test_centroid_landing_keeps_the_norm_and_the_off_screen_direction():
    y = np.array([0.5, -0.2, 0.3, -0.6, 0.2])
    y_new = centroid_landing(y, [0.1, 0.1])
    assert np.isclose(np.linalg.norm(y_new), np.linalg.norm(y))
    assert np.allclose(y_new[:2], [0.6, -0.1])
    assert np.allclose(np.cross(y_new[2:], y[2:]), 0.0) and y_new[2:] @ y[2:] > 0


# ------------------------------------------------------------------ drift
def test_ten_thousand_alternating_drags_with_rebase_stay_orthogonal():
    """10⁴ drags, alternating axis and data mode, each followed by rebase; frames keep running."""
    d, dt = 6, 1 / 60
    tour = GrandTour(d, seed=77)
    rng = np.random.default_rng(77)
    deltas = rng.normal(scale=0.05, size=(10_000, 2))
    cs = rng.normal(size=(10_000, d))
    t, worst = 0.0, 0.0
    for k in range(10_000):
        t += dt
        G = tour.matrix(t)
        G = drag_axis(G, k % d, deltas[k]) if k % 2 == 0 else drag_centroid(G, cs[k], deltas[k])
        tour.rebase(G, t)
        if k % 97 == 0:
            worst = max(worst, orthogonality_error(G))
    worst = max(worst, orthogonality_error(tour.matrix(t)), orthogonality_error(tour.matrix(t + 1e6 * dt)))
    assert worst <= 1e-9


def test_ten_thousand_data_mode_drags_without_reorthonormalising_by_hand():
    G = np.eye(4)
    rng = np.random.default_rng(5)
    for delta, c in zip(rng.normal(scale=0.1, size=(10_000, 2)), rng.normal(size=(10_000, 4))):
        G = drag_centroid(G, c, delta)
    assert orthogonality_error(G) <= 1e-9


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("call, exc, words", [
    (lambda: drag_axis(np.eye(3), 3, [0, 0]), ValueError, "i = 3 is out of range for 3 rows; use 0 <= i < 3"),
    (lambda: drag_axis(np.eye(3), -1, [0, 0]), ValueError, "out of range"),
    (lambda: drag_axis(np.eye(3), 1.0, [0, 0]), TypeError, "integer row index"),
    (lambda: drag_axis(np.eye(3), 0, [0, 0, 0]), ValueError, "delta must be a 2-D screen displacement"),
    (lambda: drag_axis(np.eye(3), 0, [np.nan, 0]), ValueError, "delta contains NaN"),
    (lambda: drag_axis(np.ones((3, 3)), 0, [0, 0]), ValueError, "not orthogonal"),
    (lambda: drag_axis(np.eye(3)[:, :2], 0, [0, 0]), ValueError, "square d×d view"),
    (lambda: drag_centroid(np.eye(3), [1, 2], [0, 0]), ValueError, "c must be a point in the 3-dimensional data space"),
    (lambda: drag_centroid(np.eye(3), [1, np.inf, 0], [0, 0]), ValueError, "c contains NaN"),
    (lambda: drag_centroid(np.full((3, 3), np.nan), [1, 0, 0], [0, 0]), ValueError, "G contains NaN"),
])
def test_bad_input_names_the_problem(call, exc, words):
    with pytest.raises(exc, match=re.escape(words)):
        call()
