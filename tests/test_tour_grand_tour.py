"""The Grand Tour engine (tourlib.tour.grand_tour) against its references and its stated properties."""
import json
import re

import numpy as np
import pytest
import scipy.linalg

from tourlib.tour import GrandTour, orthogonality_error
from tourlib.tour.givens import expm_rotation, plane_rotation_product
from tourlib.tour.grand_tour import rotate_row_pairs
from tourlib.tour.planes import plane_distance

DIMS = [2, 3, 4, 5, 8, 11]
TIMES = [0.0, 0.05, 1.0, 7.3, -2.5, 123.4]


# ------------------------------------------------------------------ structure
@pytest.mark.parametrize("d", DIMS)
def test_frames_are_orthogonal_and_agree_with_both_references(d):
    tour = GrandTour(d, seed=d, speed=0.8)
    A = tour.generator()
    for t in TIMES:
        G = tour.matrix(t)
        assert orthogonality_error(G) < 1e-13
        assert np.allclose(G, plane_rotation_product(tour.base_view, tour.Q, tour.omega, t), atol=1e-12)
        assert np.allclose(G, expm_rotation(tour.base_view, A, t), atol=1e-11)
        assert np.allclose(tour.screen_basis(t), G[:, :2], atol=1e-13)


@pytest.mark.parametrize("d", DIMS)
def test_generator_is_skew_with_the_plane_speeds_as_eigenvalues(d):
    tour = GrandTour(d, seed=100 + d, speed=1.7)
    A = tour.generator()
    assert np.allclose(A, -A.T, atol=1e-14)
    assert np.all((tour.theta >= 0.5) & (tour.theta < 1.5)) and np.allclose(tour.omega, 1.7 * tour.theta)
    eig = np.sort(np.abs(np.linalg.eigvals(A).imag))
    expected = np.sort(np.r_[tour.omega, tour.omega, np.zeros(d % 2)])
    assert np.allclose(eig, expected, atol=1e-12)


def test_angular_velocity_is_constant():
    tour = GrandTour(6, seed=4)
    A, s = tour.generator(), 0.37
    steps = [tour.matrix(t).T @ tour.matrix(t + s) for t in (0.0, 3.1, 50.0, 999.0)]
    for step in steps:  # G(t)ᵀ G(t+s) = expm(sA), whatever t
        assert np.allclose(step, scipy.linalg.expm(s * A), atol=1e-12)
    h, t = 1e-5, 2.0  # dG/dt = G A
    deriv = (tour.matrix(t + h) - tour.matrix(t - h)) / (2 * h)
    assert np.allclose(deriv, tour.matrix(t) @ A, atol=1e-8)


def test_speed_rescales_time():
    slow, fast = GrandTour(7, seed=9, speed=1.0), GrandTour(7, seed=9, speed=2.5)
    for t in (0.4, 3.0, 40.0):
        assert np.allclose(fast.matrix(t), slow.matrix(2.5 * t), atol=1e-12)


def test_seed_reproduces_and_none_draws_a_stored_seed():
    a, b = GrandTour(5, seed=42), GrandTour(5, seed=42)
    assert np.array_equal(a.matrix(1.3), b.matrix(1.3))
    assert not np.allclose(a.matrix(1.3), GrandTour(5, seed=43).matrix(1.3))
    drawn = GrandTour(5)
    assert isinstance(drawn.seed, int) and 0 <= drawn.seed < 2**32
    assert np.array_equal(drawn.matrix(2.0), GrandTour(5, seed=drawn.seed).matrix(2.0))


def test_project_and_prerotated_path_match_the_definition():
    tour = GrandTour(9, seed=1)
    X = np.random.default_rng(0).normal(size=(50, 9))
    for t in (0.0, 2.2):
        expected = X @ tour.matrix(t)[:, :2]
        assert tour.project(X, t).shape == (50, 2)
        assert np.allclose(tour.project(X, t), expected, atol=1e-12)
        Y = X @ tour.frame()                       # pre-rotated once, O(N·d) per frame after
        assert np.allclose(Y @ tour.frame_basis(t), expected, atol=1e-12)


def test_screen_basis_accepts_many_times():
    tour = GrandTour(5, seed=2)
    ts = np.array([0.0, 0.5, 9.0])
    stacked = tour.screen_basis(ts)
    assert stacked.shape == (3, 5, 2)
    for k, t in enumerate(ts):
        assert np.allclose(stacked[k], tour.screen_basis(t), atol=1e-15)


# -------------------------------------------------------------------- rebase
@pytest.mark.parametrize("d", [2, 3, 6])
def test_rebase_continues_the_same_rotation_from_the_new_view(d):
    tour = GrandTour(d, seed=8)
    A = tour.generator()
    G = scipy.linalg.qr(np.random.default_rng(d).normal(size=(d, d)))[0]
    t1 = 4.2
    tour.rebase(G, t1)
    assert np.allclose(tour.matrix(t1), G, atol=1e-13)
    for t in (t1 + 0.3, t1 + 11.0, t1 - 1.0):
        assert np.allclose(tour.matrix(t), G @ scipy.linalg.expm((t - t1) * A), atol=1e-11)
        assert np.allclose(tour.matrix(t), plane_rotation_product(G, tour.Q, tour.omega, t - t1), atol=1e-12)


def test_params_round_trip_through_json_gives_the_same_tour():
    tour = GrandTour(7, seed=5, speed=0.6)
    tour.rebase(tour.matrix(3.0), 3.0)
    p = json.loads(json.dumps(tour.params()))
    assert set(p) == {"dim", "seed", "speed", "path", "theta", "Q", "G0", "t0"} and p["path"] == "rotation"
    assert len(p["G0"]) == len(p["Q"]) == 49 and len(p["theta"]) == 3
    copy = GrandTour.from_params(p)
    del p["path"]                                   # parameters saved before `path` existed
    old = GrandTour.from_params(p)
    assert old.path == copy.path == "rotation"
    for t in (3.0, 5.5, 100.0):
        assert np.array_equal(copy.matrix(t), tour.matrix(t))
        assert np.array_equal(old.matrix(t), tour.matrix(t))


# --------------------------------------------------------------- tour property
@pytest.mark.parametrize("d", [3, 4, 5, 6])
def test_frames_come_close_to_every_view_the_rotation_can_reach(d):
    """The tour property: frames approach random targets G_b Q R(φ*) Qᵀ, φ* uniform on the torus T^m.

    Plane distance ≤ 2·‖R(φ) − R(φ*)‖ ≤ 2·max_k |φ_k − φ*_k| (mod 2π), so distance < 0.2 follows once the
    angles enter the cube of half-width 0.1 around φ*. With rationally independent speeds the
    angles equidistribute (Weyl): the fraction of time spent in that cube is (0.2/2π)^m, at most
    3.2e-5 (m = 3); a pass through it lasts about (2/3)(0.2)/|ω| ≈ 0.08 time units (mean chord of a
    cube over |ω| ≈ √3), so passes come every ≈ 2.5e3 time units. A run of 2.5e4 units (≈ 10
    expected passes; a miss has probability ≈ e⁻¹⁰ per target) sampled every 0.05 (each plane
    turns by < 0.075 rad, less than the cube's width) cannot miss them.
    """
    tour = GrandTour(d, seed=2024 + d)
    m = d // 2
    rng = np.random.default_rng(d)
    targets = [tour.frame() @ rotate_row_pairs(rng.uniform(0, 2 * np.pi, m), tour.Q.T[:, :2])
               for _ in range(5)]
    best = np.ones(len(targets))
    for start in np.arange(0.0, 2.5e4, 5e3):
        B = tour.screen_basis(start + 0.05 * np.arange(100_000))
        best = np.minimum(best, [plane_distance(B, T).min() for T in targets])
    assert np.all(best < 0.2), best


def test_in_3d_the_rotation_keeps_an_axis_so_not_every_plane_is_reached():
    """d = 3: the screen normal G(t)e₃ keeps a constant angle to the rotation axis G_b (Q e₃).

    This is the limitation stated in the module docstring: a constant-velocity rotation visits a
    torus of views, not every 2-plane.
    """
    tour = GrandTour(3, seed=7)
    axis = tour.base_view @ tour.Q[:, 2]
    cosines = [tour.matrix(t)[:, 2] @ axis for t in np.linspace(0, 500, 301)]
    assert np.ptp(cosines) < 1e-12


# ------------------------------------------------------------------- drift
def test_frames_do_not_drift_up_to_the_millionth_frame():
    """Frames are closed form, so a sample including frame 10⁶ (t = 10⁶/60) stands for all of them."""
    tour = GrandTour(16, seed=3)
    frames = [0, 1, 59, 10_000, 123_457, 654_321, 999_999, 1_000_000]
    for k in frames:
        t = k / 60.0
        G = tour.matrix(t)
        assert orthogonality_error(G) <= 1e-9
        B = tour.screen_basis(t)
        assert np.linalg.norm(B.T @ B - np.eye(2)) <= 1e-9
        assert np.allclose(G, plane_rotation_product(tour.base_view, tour.Q, tour.omega, t), atol=1e-9)
    assert np.all(np.abs(tour.angles(1e6 / 60.0)) < 2 * np.pi)


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("kwargs, exc, words", [
    (dict(dim=1), ValueError, "dim must be >= 2"),
    (dict(dim=2.5), TypeError, "dim must be an integer"),
    (dict(dim=4, seed=-3), ValueError, "seed must be an integer in [0, 2**32)"),
    (dict(dim=4, seed="x"), TypeError, "seed must be an integer"),
    (dict(dim=4, speed=float("nan")), ValueError, "speed must be finite"),
])
def test_bad_construction_arguments(kwargs, exc, words):
    with pytest.raises(exc, match=re.escape(words)):
        GrandTour(**kwargs)


def test_bad_call_arguments_name_the_problem():
    tour = GrandTour(4, seed=0)
    with pytest.raises(ValueError, match=re.escape("X must be an N×4 array")):
        tour.project(np.ones((3, 5)), 0.0)
    with pytest.raises(ValueError, match="NaN"):
        tour.project(np.full((2, 4), np.nan), 0.0)
    with pytest.raises(ValueError, match="t must be finite"):
        tour.matrix(float("inf"))
    with pytest.raises(ValueError, match="must be 4×4"):
        tour.rebase(np.eye(5), 0.0)
    with pytest.raises(ValueError, match="not orthogonal"):
        tour.rebase(2 * np.eye(4), 0.0)
    with pytest.raises(ValueError, match="NaN"):
        tour.rebase(np.full((4, 4), np.nan), 0.0)
    p = tour.params()
    del p["Q"]
    with pytest.raises(ValueError, match="missing the key 'Q'"):
        GrandTour.from_params(p)
    p = tour.params()
    p["theta"] = [1.0]
    with pytest.raises(ValueError, match="2 finite plane speeds"):
        GrandTour.from_params(p)
