"""The torus path of the Grand Tour (GrandTour(..., path="torus"), tourlib.tour.torus) against its
references and its stated properties, above all: it comes close to every screen plane."""
import json
import re

import numpy as np
import pytest
import scipy.linalg

from tourlib.tour import GrandTour, Mulberry32, drag_axis, drag_centroid, gram_schmidt_rows, orthogonality_error
from tourlib.tour.givens import givens_rotation, torus_givens_product, torus_two_column_product
from tourlib.tour.planes import closest_approach, plane_distance, random_planes
from tourlib.tour.torus import (anti_diagonal_stages, pivot_chain, plane_count, plane_index, screen_angle_count,
                                times_torus_rotation, torus_frame_basis, torus_planes)

DIMS = [2, 3, 4, 5, 8, 11]
TIMES = [0.0, 0.05, 1.0, 7.3, -2.5, 123.4]


def givens_angles(V):
    """Angles φ (lexicographic) with P(φ) = V for V in SO(d): the Givens QR elimination of the docstring.

    Left-multiply by R_(i,j)(φ)ᵀ for (i, j) in lexicographic order, φ chosen so entry (j, i) becomes 0
    and entry (i, i) stays >= 0; what is left is the identity.
    """
    V = np.array(V, dtype=np.float64)
    d = V.shape[0]
    phi = []
    for i in range(d - 1):
        for j in range(i + 1, d):
            a, b = V[i, i], V[j, i]
            p = np.arctan2(-b, a)
            c, s = np.cos(p), np.sin(p)
            V[[i, j]] = np.array([[c, -s], [s, c]]) @ V[[i, j]]     # R_(i,j)(φ)ᵀ on rows i, j
            phi.append(p)
    return np.array(phi), V


# ------------------------------------------------------------------ structure
def test_plane_rotation_sign_convention_matches_the_rotation_path():
    """R_(i,j)(φ) = expm(φ(e_i e_jᵀ − e_j e_iᵀ)) turns the row vector e_i towards e_j, like R_k = expm(φ J)."""
    d, i, j, phi = 5, 1, 3, 0.7
    K = np.zeros((d, d))
    K[i, j], K[j, i] = 1.0, -1.0
    R = givens_rotation(d, i, j, phi)
    assert np.allclose(R, scipy.linalg.expm(phi * K), atol=1e-14)
    assert np.allclose(np.eye(d)[i] @ R, np.cos(phi) * np.eye(d)[i] + np.sin(phi) * np.eye(d)[j], atol=1e-15)
    # d = 2: one plane, P(φ) = [[cos, sin], [−sin, cos]], the rotation path's block.
    tour = GrandTour(2, seed=3, path="torus")
    w = tour.omega_planes[0]
    assert np.allclose(tour.matrix(1.3), tour.base_view @ scipy.linalg.expm(1.3 * w * np.array([[0, 1], [-1, 0]])),
                       atol=1e-14)


@pytest.mark.parametrize("d", DIMS)
def test_frames_are_orthogonal_and_agree_with_the_dense_givens_product(d):
    tour = GrandTour(d, seed=d, speed=0.8, path="torus")
    assert tour.path == "torus" and tour.theta_planes.shape == (d * (d - 1) // 2,)
    for t in TIMES:
        G = tour.matrix(t)
        assert orthogonality_error(G) < 1e-13
        assert np.allclose(G, torus_givens_product(tour.base_view, tour.omega_planes, t), atol=1e-12)
        assert np.allclose(G, torus_two_column_product(tour.base_view, tour.omega_planes, t), atol=1e-12)
        B = tour.screen_basis(t)
        assert np.allclose(B, G[:, :2], atol=1e-13)
        assert np.allclose(tour.frame() @ tour.frame_basis(t), B, atol=1e-13)


def test_screen_depends_only_on_the_first_2d_minus_3_angles():
    """Factors R_(i,j), i >= 2, only mix zero rows of E: changing their angles leaves columns 0, 1 of P alone."""
    d = 9
    rng = np.random.default_rng(0)
    phi = rng.uniform(-np.pi, np.pi, plane_count(d))
    other = phi.copy()
    other[screen_angle_count(d):] = rng.uniform(-np.pi, np.pi, plane_count(d) - screen_angle_count(d))
    P, P2 = times_torus_rotation(np.eye(d), phi), times_torus_rotation(np.eye(d), other)
    assert np.array_equal(P[:, :2], P2[:, :2]) and not np.allclose(P[:, 2:], P2[:, 2:])
    assert np.allclose(torus_frame_basis(phi, d), P[:, :2], atol=1e-14)
    assert np.array_equal(torus_planes(d)[:screen_angle_count(d)],
                          [(0, j) for j in range(1, d)] + [(1, j) for j in range(2, d)])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 8, 9, 17, 40])
def test_pivot_chain_scan_matches_the_sequential_loop(n):
    rng = np.random.default_rng(n)
    phi = rng.uniform(-4, 4, (n - 1, 3))                # 3 stacked chains (trailing axis)
    Y = rng.normal(size=(n, 2, 3))
    out = pivot_chain(np.cos(phi)[:, None], np.sin(phi)[:, None], Y)
    ref = Y.copy()
    for j in range(n - 1, 0, -1):                       # R_(0,n−1) first
        c, s = np.cos(phi[j - 1]), np.sin(phi[j - 1])
        ref[0], ref[j] = c * ref[0] + s * ref[j], -s * ref[0] + c * ref[j]
    assert np.allclose(out, ref, atol=1e-13)


@pytest.mark.parametrize("d", [2, 3, 4, 7, 12])
def test_anti_diagonal_stages_are_the_lexicographic_product_regrouped(d):
    """Every plane once; planes of a stage disjoint; planes sharing an index keep their lexicographic order."""
    stage_of = {}
    for s, (I, J, k) in enumerate(anti_diagonal_stages(d)):
        assert len(set(I) | set(J)) == 2 * len(I)
        assert np.array_equal(k, plane_index(d, I, J))
        stage_of.update({(int(i), int(j)): s for i, j in zip(I, J)})
    planes = [tuple(p) for p in torus_planes(d).tolist()]
    assert sorted(stage_of) == planes == sorted(planes)
    for a, p in enumerate(planes):
        for q in planes[a + 1:]:
            if set(p) & set(q):
                assert stage_of[p] < stage_of[q]


@pytest.mark.parametrize("d", [2, 3, 4, 5, 7])
def test_every_rotation_is_a_torus_point_givens_qr(d):
    """The map φ ↦ P(φ) is onto SO(d): the elimination of the docstring finds the angles of any rotation."""
    rng = np.random.default_rng(10 + d)
    for _ in range(5):
        V = np.linalg.qr(rng.normal(size=(d, d)))[0]
        if np.linalg.det(V) < 0:
            V[:, -1] *= -1
        phi, rest = givens_angles(V)
        assert np.allclose(rest, np.eye(d), atol=1e-12)
        assert np.allclose(times_torus_rotation(np.eye(d), phi), V, atol=1e-12)


def test_speed_rescales_time_and_seeds_reproduce():
    slow, fast = GrandTour(6, seed=9, path="torus"), GrandTour(6, seed=9, speed=2.5, path="torus")
    for t in (0.4, 3.0, 40.0):
        assert np.allclose(fast.matrix(t), slow.matrix(2.5 * t), atol=1e-12)
        assert np.allclose(fast.screen_basis(t), slow.screen_basis(2.5 * t), atol=1e-12)
    a, b = GrandTour(5, seed=42, path="torus"), GrandTour(5, seed=42, path="torus")
    assert np.array_equal(a.matrix(1.3), b.matrix(1.3))
    assert not np.allclose(a.matrix(1.3), GrandTour(5, seed=43, path="torus").matrix(1.3))
    drawn = GrandTour(5, path="torus")
    assert isinstance(drawn.seed, int) and 0 <= drawn.seed < 2**32
    assert np.array_equal(drawn.matrix(2.0), GrandTour(5, seed=drawn.seed, path="torus").matrix(2.0))


@pytest.mark.parametrize("d", [2, 3, 6])
def test_the_stream_gives_both_paths_the_same_start_and_torus_speeds_after_the_old_draws(d):
    rng = Mulberry32(77)
    G0 = gram_schmidt_rows(rng.normals(d * d).reshape(d, d))
    Q = gram_schmidt_rows(rng.normals(d * d).reshape(d, d))
    theta = 0.5 + rng.uniforms(d // 2)
    theta_planes = 0.5 + rng.uniforms(d * (d - 1) // 2)
    rot, tor = GrandTour(d, seed=77), GrandTour(d, seed=77, path="torus")
    assert np.array_equal(rot.base_view, G0) and np.array_equal(rot.Q, Q) and np.array_equal(rot.theta, theta)
    assert np.array_equal(tor.base_view, G0) and np.array_equal(tor.theta_planes, theta_planes)
    assert tor.Q is None and tor.theta is None and rot.theta_planes is None
    assert np.all((theta_planes >= 0.5) & (theta_planes < 1.5))
    assert np.array_equal(tor.matrix(0.0), G0) and np.allclose(rot.matrix(0.0), G0, atol=1e-14)


def test_stacked_plane_distances_match_the_single_target_formula():
    B = GrandTour(5, seed=1, path="torus").screen_basis(np.linspace(0, 50, 300))
    targets = np.concatenate([random_planes(5, 3, seed=0), B[7][None]])
    D = plane_distance(B, targets)
    for k, Tg in enumerate(targets):
        assert np.allclose(D[:, k], plane_distance(B, Tg), atol=1e-12)
        P = B @ B.transpose(0, 2, 1) - Tg @ Tg.T            # ‖B Bᵀ − T Tᵀ‖₂ by SVD
        # compare squares: near distance 0 (target k = 3 is one of the tour's own planes) a square root
        # turns rounding of order ε into an error of order √ε, which depends on the BLAS in use
        assert np.allclose(D[:, k] ** 2, np.linalg.norm(P, ord=2, axis=(1, 2)) ** 2, atol=1e-12)
    assert D[7, 3] < 1e-7


def test_many_times_at_once():
    tour = GrandTour(6, seed=2, path="torus")
    ts = np.array([0.0, 0.5, 9.0, -3.0])
    stacked, frames = tour.screen_basis(ts), tour.frame_basis(ts)
    assert stacked.shape == frames.shape == (4, 6, 2) and tour.angles(ts).shape == (4, 15)
    for k, t in enumerate(ts):
        assert np.allclose(stacked[k], tour.screen_basis(t), atol=1e-15)
        assert np.allclose(frames[k], tour.frame_basis(t), atol=1e-15)
    X = np.random.default_rng(0).normal(size=(20, 6))
    assert np.allclose(tour.project(X, 2.2), X @ tour.matrix(2.2)[:, :2], atol=1e-12)


@pytest.mark.parametrize("d", [2, 3, 6])
def test_rebase_continues_the_torus_from_the_new_view(d):
    tour = GrandTour(d, seed=8, path="torus")
    G = scipy.linalg.qr(np.random.default_rng(d).normal(size=(d, d)))[0]
    t1 = 4.2
    assert tour.rebase(G, t1) is tour
    assert np.allclose(tour.matrix(t1), G, atol=1e-13) and np.allclose(tour.screen_basis(t1), G[:, :2], atol=1e-13)
    for t in (t1 + 0.3, t1 + 11.0, t1 - 1.0):
        assert np.allclose(tour.matrix(t), torus_givens_product(G, tour.omega_planes, t - t1), atol=1e-12)
        assert np.allclose(tour.screen_basis(t), tour.matrix(t)[:, :2], atol=1e-13)


def test_params_round_trip_through_json_gives_the_same_torus():
    tour = GrandTour(7, seed=5, speed=0.6, path="torus")
    tour.rebase(tour.matrix(3.0), 3.0)
    p = json.loads(json.dumps(tour.params()))
    assert set(p) == {"dim", "seed", "speed", "path", "theta_planes", "G0", "t0"} and p["path"] == "torus"
    assert len(p["G0"]) == 49 and len(p["theta_planes"]) == 21
    copy = GrandTour.from_params(p)
    assert copy.path == "torus" and repr(copy) == "GrandTour(dim=7, seed=5, speed=0.6, path='torus')"
    for t in (3.0, 5.5, 100.0):
        assert np.array_equal(copy.matrix(t), tour.matrix(t))
        assert np.array_equal(copy.screen_basis(t), tour.screen_basis(t))


def test_frames_do_not_drift_up_to_the_millionth_frame_nor_after_many_drags():
    tour = GrandTour(16, seed=3, path="torus")
    for k in [0, 1, 59, 10_000, 123_457, 999_999, 1_000_000]:
        t = k / 60.0
        G = tour.matrix(t)
        assert orthogonality_error(G) <= 1e-9
        B = tour.screen_basis(t)
        assert np.linalg.norm(B.T @ B - np.eye(2)) <= 1e-9 and np.allclose(B, G[:, :2], atol=1e-12)
    assert np.all(np.abs(tour.angles(1e6 / 60.0)) < 2 * np.pi)
    d, dt = 6, 1 / 60
    tour, rng, t, worst = GrandTour(d, seed=77, path="torus"), np.random.default_rng(99), 0.0, 0.0
    for k in range(3000):
        t += dt
        G = tour.matrix(t)
        z = rng.normal(size=2 + d)
        G = drag_axis(G, k % d, 0.05 * z[:2]) if k % 2 == 0 else drag_centroid(G, z[2:], 0.05 * z[:2])
        tour.rebase(G, t)
        worst = max(worst, orthogonality_error(G))
    assert worst <= 1e-9 and orthogonality_error(tour.matrix(t + 1e6 * dt)) <= 1e-9


# --------------------------------------------------------------- tour property
# (d, tolerance ε, run length T, sampling step Δt). Why these run lengths (see the grand_tour docstring):
# the screen plane moves on a (2d−3)-torus; by Weyl the fraction p of time it spends within ε of a target
# plane is the torus measure of the angles that map there, which shrinks like ε^(2(d−2)) (2(d−2) is the
# dimension of the set of planes; the remaining angle only turns the picture within the plane). Measured
# fractions (16 Haar targets, two seeds, long runs): d=3, ε=0.1: p ≥ 8e-3; d=4, ε=0.15: p ≥ 5e-5; d=5,
# ε=0.3: p ≥ 1.5e-5. A pass through the ε-neighbourhood lasts ≈ ε/v, v ≈ 1.3, 1.6, 1.7 rad per unit time
# (measured speed of the screen plane, d = 3, 4, 5), so a run of T holds ≈ p·T·v/ε passes: ≈ 100 (d=3),
# ≈ 10 (d=4), ≈ 10 (d=5) even for the worst of those targets — a miss has probability ≈ e⁻¹⁰. Δt is below
# half a pass, and a sampled minimum can only overestimate the minimum over the run. ε = 0.15 in d = 5
# would need runs ~60× longer (p ∝ ε^6), far beyond a unit test.
PROPERTY_RUNS = [(3, 0.1, 1_000.0, 0.02), (4, 0.15, 2.0e4, 0.03), (5, 0.3, 1.2e5, 0.06)]


@pytest.mark.parametrize("d, eps, T, dt", PROPERTY_RUNS)
def test_torus_frames_come_close_to_random_target_planes(d, eps, T, dt):
    """THE Grand Tour property: over a long run the screen comes close to Haar-random target planes."""
    tour = GrandTour(d, seed=2024 + d, path="torus")
    best = closest_approach(tour, random_planes(d, 5, seed=d), T, dt)
    assert np.all(best < eps), best


def test_rotation_path_provably_misses_planes_that_the_torus_path_reaches():
    """Contrast, d = 3: the rotation path's screen normal n(t) keeps the angle α to the axis a (tested in
    test_tour_grand_tour.py), so a target with normal at angle β to a stays at line angle
    ≥ γ = min(|α − β|, |α + β − π|): distance ≥ sin γ. Same targets and run as the torus test."""
    d, eps, T, dt = PROPERTY_RUNS[0]
    targets = random_planes(d, 5, seed=d)
    rot = GrandTour(d, seed=2024 + d)
    a = rot.base_view @ rot.Q[:, 2]
    alpha = np.arccos(np.clip(rot.matrix(0.0)[:, 2] @ a, -1, 1))
    normals = [np.cross(Tg[:, 0], Tg[:, 1]) for Tg in targets]
    beta = np.array([np.arccos(np.clip(n @ a, -1, 1)) for n in normals])
    bound = np.sin(np.minimum(np.abs(alpha - beta), np.abs(alpha + beta - np.pi)))
    rot_best = closest_approach(rot, targets, T, dt)
    tor_best = closest_approach(GrandTour(d, seed=2024 + d, path="torus"), targets, T, dt)
    assert np.all(rot_best >= bound - 1e-9)
    missed = bound > eps
    assert missed.sum() >= 3, bound                     # most Haar targets are out of the rotation's reach
    assert np.all(rot_best[missed] > eps) and np.all(tor_best < eps), (rot_best, tor_best)


# ------------------------------------------------------------------ errors
def test_bad_path_and_torus_params_name_the_problem():
    with pytest.raises(ValueError, match=re.escape("path must be one of ('rotation', 'torus')")):
        GrandTour(4, seed=0, path="geodesic")
    with pytest.raises(TypeError, match="path must be one of"):
        GrandTour(4, seed=0, path=None)
    tour = GrandTour(4, seed=0, path="torus")
    with pytest.raises(ValueError, match="no constant generator"):
        tour.generator()
    p = tour.params()
    del p["theta_planes"]
    with pytest.raises(ValueError, match="missing the key 'theta_planes'"):
        GrandTour.from_params(p)
    p = tour.params()
    p["theta_planes"] = [1.0] * 5
    with pytest.raises(ValueError, match=re.escape("must hold 6 finite coordinate-plane speeds")):
        GrandTour.from_params(p)
    p = tour.params()
    p["path"] = "spiral"
    with pytest.raises(ValueError, match="path must be one of"):
        GrandTour.from_params(p)
    with pytest.raises(ValueError, match="not orthogonal"):
        tour.rebase(2 * np.eye(4), 0.0)
