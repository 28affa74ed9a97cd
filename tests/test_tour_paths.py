"""The path generators of tourlib.tour.paths: registry, planned (geodesic) and guided (pursuit) paths."""
import numpy as np
import pytest

from tourlib.tour import (GrandTour, GuidedPath, PlannedPath, drag_group, drag_centroid, group_centroid,
                          guided_tour, index_along, lda_index, orthogonality_error, path_from_params)
from tourlib.tour.paths import PATH_NAMES
from tourlib.tour.paths.geodesic import frame_at, geodesic_plan, svd2, view_at


def views(d, *seeds):
    return [GrandTour(d, seed=s).matrix(0.0) for s in seeds]


def blobs(n=600, d=6, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(size=(n, d))
    X[:, 2] += 3.0 * y
    X[:, 4] -= 2.5 * (y == 1)
    return X - X.mean(axis=0), y


def test_every_path_is_registered_by_name_and_rebuilds_from_its_params():
    assert set(PATH_NAMES()) == {"rotation", "torus", "planned", "guided"}
    G, H = views(5, 1, 2)
    X, y = blobs(d=5)
    paths = [GrandTour(5, seed=3).path_object, GrandTour(5, seed=3, path="torus").path_object,
             PlannedPath(G, H, duration=0.8, t0=0.5), guided_tour(X, y, seed=0, max_steps=5)]
    for p in paths:
        q = path_from_params(p.params())
        assert type(q) is type(p) and q.params()["path"] == p.name
        for t in (0.0, 0.41, 0.9, 3.0):
            np.testing.assert_allclose(q.matrix(t), p.matrix(t), atol=1e-12)
            np.testing.assert_allclose(q.screen_basis(t), p.screen_basis(t), atol=1e-12)
        tour = GrandTour.from_params(p.params())
        assert tour.path == p.name


def test_svd2_is_an_svd():
    rng = np.random.default_rng(4)
    for _ in range(50):
        M = rng.normal(size=(2, 2))
        U, s, V = svd2(M)
        np.testing.assert_allclose(U @ np.diag(s) @ V.T, M, atol=1e-12)
        np.testing.assert_allclose(U.T @ U, np.eye(2), atol=1e-12)
        np.testing.assert_allclose(V.T @ V, np.eye(2), atol=1e-12)
        assert s[0] >= abs(s[1]) - 1e-12


@pytest.mark.parametrize("d", [2, 3, 5, 10])
def test_geodesic_frames_are_orthonormal_and_join_the_two_frames(d):
    G, H = views(d, 5, 6)
    if np.linalg.det(G) * np.linalg.det(H) < 0 and d == 2:
        H = H[:, ::-1]                    # in d = 2 only a view of the same orientation is reachable
    plan = geodesic_plan(G[:, :2], H[:, :2])
    np.testing.assert_allclose(frame_at(plan, 0.0), G[:, :2], atol=1e-12)
    np.testing.assert_allclose(frame_at(plan, 1.0), H[:, :2], atol=1e-12)
    for s in np.linspace(0, 1, 11):
        F = frame_at(plan, s)
        np.testing.assert_allclose(F.T @ F, np.eye(2), atol=1e-12)
        V = view_at(plan, G, s)
        assert orthogonality_error(V) < 1e-12
        np.testing.assert_allclose(V[:, :2], F, atol=1e-12)
    # the plane moves along the Grassmann geodesic: principal angles to the start grow linearly
    s = 0.37
    ang = np.arccos(np.clip(np.linalg.svd(G[:, :2].T @ frame_at(plan, s), compute_uv=False), -1, 1))
    np.testing.assert_allclose(np.sort(ang), np.sort(np.abs(s * plan["theta"])), atol=1e-7)


def test_geodesic_with_a_reflected_target_and_a_plane_turned_by_pi():
    G = np.eye(4)
    H = np.eye(4)[:, [1, 0, 2, 3]]                  # same plane, opposite orientation
    plan = geodesic_plan(G[:, :2], H[:, :2])
    np.testing.assert_allclose(frame_at(plan, 1.0), H[:, :2], atol=1e-12)
    for s in np.linspace(0, 1, 7):
        F = frame_at(plan, s)
        np.testing.assert_allclose(F.T @ F, np.eye(2), atol=1e-12)


def test_planned_path_ends_at_the_target_and_eases_in_between():
    G, H = views(6, 1, 2)
    p = PlannedPath(G, H, duration=1.0, t0=2.0)
    np.testing.assert_allclose(p.screen_basis(2.0), G[:, :2], atol=1e-12)
    np.testing.assert_allclose(p.matrix(3.0), H, atol=0)
    np.testing.assert_allclose(p.screen_basis(3.0 - 1e-9), H[:, :2], atol=1e-7)   # continuous at the end
    for t in np.linspace(2.0, 3.5, 16):
        assert orthogonality_error(p.matrix(t)) < 1e-12
    # smoothstep: it starts and stops slowly
    d0 = np.linalg.norm(p.screen_basis(2.01) - G[:, :2])
    dm = np.linalg.norm(p.screen_basis(2.51) - p.screen_basis(2.5))
    assert d0 < dm
    # a d×2 target frame is reached too; rebase plans again to the same target
    p2 = PlannedPath(G, H[:, :2] * 3.0, duration=0.5)
    np.testing.assert_allclose(p2.screen_basis(0.5), H[:, :2], atol=1e-12)
    p2.rebase(views(6, 9)[0], 1.0)
    np.testing.assert_allclose(p2.screen_basis(1.5), H[:, :2], atol=1e-12)
    with pytest.raises(ValueError, match="target must be"):
        PlannedPath(G, np.ones(3))
    with pytest.raises(ValueError, match="duration"):
        PlannedPath(G, H, duration=0)


def test_lda_index_scores_class_separation():
    X, y = blobs()
    good = np.eye(6)[:, [2, 4]]
    bad = np.eye(6)[:, [0, 1]]
    assert 0.0 <= lda_index(X @ bad, y) < 0.1 < 0.8 < lda_index(X @ good, y) <= 1.0
    assert lda_index(np.zeros((10, 2)), np.arange(10) % 2) == 0.0


def test_guided_index_increases_at_every_accepted_step_and_the_path_reaches_each_keyframe():
    X, y = blobs()
    g = guided_tour(X, y, seed=1)
    v = np.array(g.index_values)
    assert len(v) == len(g.frames) + 1 >= 3
    assert np.all(np.diff(v) > 0)
    for k, F in enumerate(g.frames):
        np.testing.assert_allclose(g.screen_basis(g.base_time + g.times[k + 1]), F, atol=1e-9)
        assert lda_index(X @ F, y) == pytest.approx(v[k + 1])
    ts = np.linspace(0, g.end_time, 40)
    for t in ts:
        assert orthogonality_error(g.matrix(t)) < 1e-10
    vals = index_along(g, X, y, ts)
    assert vals[-1] == pytest.approx(v[-1]) and vals[-1] > vals[0]
    # it finds the two separating axes (2 and 4), and separates better than a random tour's views
    from tourlib.tour import top_axes
    assert sorted(top_axes(g.frames[-1], 2)) == [2, 4]
    rand = index_along(GrandTour(6, seed=1), X, y, np.linspace(0, 30, 120))
    assert v[-1] > rand.max()
    # rebase continues toward the keyframes not reached yet
    t = 0.5 * g.end_time
    G = g.matrix(t)
    g.rebase(G, t)
    np.testing.assert_allclose(g.matrix(t), G, atol=1e-12)
    np.testing.assert_allclose(g.screen_basis(g.end_time), np.array(g.frames[-1]), atol=1e-9)


def test_guided_tour_checks_its_inputs():
    X, y = blobs()
    with pytest.raises(ValueError, match="labels"):
        guided_tour(X, y[:-1])
    with pytest.raises(ValueError, match="index"):
        guided_tour(X, y, index="nope")
    with pytest.raises(ValueError, match="speed"):
        GuidedPath(np.eye(6), [], speed=0)


def test_group_handle_drags_the_groups_centroid_under_the_cursor():
    X, y = blobs()
    G = views(6, 3)[0]
    members = np.flatnonzero(y == 2)
    c = group_centroid(X, members)
    delta = np.array([0.3, -0.2])
    G2 = drag_group(G, X, members, delta)
    np.testing.assert_allclose(G2, drag_centroid(G, c, delta), atol=0)
    np.testing.assert_allclose((c @ G2)[:2], (c @ G)[:2] + delta, atol=1e-9)
    with pytest.raises(ValueError, match="indices"):
        group_centroid(X, [])
    with pytest.raises(ValueError, match="indices must lie"):
        group_centroid(X, [len(X)])
