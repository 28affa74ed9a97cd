"""Data-visual correspondence: normalisation, alignment, and the per-step report, on synthetic data."""

import numpy as np
import pytest

from tourlib.embed import (align_screen, align_series, correspondence_report, correspondence_table,
                           fixed_linear_series, normalize_screen, normalize_series, rotate_onto)

RNG = np.random.default_rng(7)


def rotation2(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def plane_rotation(d, i, j, theta):
    """d×d rotation by ``theta`` in the (e_i, e_j) plane, identity elsewhere."""
    r = np.eye(d)
    r[np.ix_([i, j], [i, j])] = rotation2(theta)
    return r


def centred_data(n=400, d=6, seed=0):
    x = np.random.default_rng(seed).normal(size=(n, d))
    return x - x.mean(axis=0)


def first_two_axes(d):
    return np.eye(d)[:, :2]


# --- screen normalisation and alignment ------------------------------------------------------

def test_normalize_screen_gives_mean_zero_and_unit_rms_radius():
    y = RNG.normal(loc=5.0, scale=30.0, size=(200, 2))
    yn = normalize_screen(y)
    np.testing.assert_allclose(yn.mean(axis=0), 0, atol=1e-12)
    assert np.sqrt((yn ** 2).sum(axis=1).mean()) == pytest.approx(1.0)
    # shape-preserving: a similarity transform of y normalises to the same rotated picture
    np.testing.assert_allclose(normalize_screen(3.0 * y + 7.0), yn, atol=1e-12)


def test_normalize_screen_of_a_single_spot_is_zeros():
    assert np.array_equal(normalize_screen(np.full((5, 2), 3.0)), np.zeros((5, 2)))


@pytest.mark.parametrize("reflect", [False, True])
def test_align_screen_undoes_rotation_reflection_scale_and_shift(reflect):
    y = RNG.normal(size=(100, 2))
    q = rotation2(1.234) @ (np.diag([1.0, -1.0]) if reflect else np.eye(2))
    moved = 0.01 * y @ q + np.array([40.0, -3.0])
    np.testing.assert_allclose(align_screen(y, moved), normalize_screen(y), atol=1e-9)


def test_align_series_chains_rotated_copies_onto_the_first_layout():
    y0 = RNG.normal(size=(80, 2))
    series = np.stack([y0 @ rotation2(a) * s for a, s in [(0, 1), (0.7, 2), (2.5, 0.1), (-1.0, 9)]])
    aligned = align_series(series)
    for frame in aligned:
        np.testing.assert_allclose(frame, normalize_screen(y0), atol=1e-9)


def test_normalize_series_uses_one_centre_and_scale_for_all_layouts():
    series = RNG.normal(loc=3.0, scale=20.0, size=(3, 60, 2))
    series[:, :10] = series[0, :10]  # ten points that never move
    out = normalize_series(series)
    np.testing.assert_allclose(out.reshape(-1, 2).mean(axis=0), 0, atol=1e-12)
    assert np.sqrt((out ** 2).sum(axis=2).mean()) == pytest.approx(1.0)
    np.testing.assert_array_equal(out[1, :10], out[0, :10])  # still points stay still
    np.testing.assert_allclose(normalize_series(0.5 * series - 4.0), out, atol=1e-12)


def test_rotate_onto_finds_the_orthogonal_map_about_the_origin():
    y = RNG.normal(size=(40, 2))
    q = rotation2(-2.2) @ np.diag([1.0, -1.0])
    np.testing.assert_allclose(rotate_onto(y @ q, y), y, atol=1e-12)


# --- the report: linear projections ----------------------------------------------------------

@pytest.mark.parametrize("align", [False, True])
def test_linear_projection_of_a_subset_move_keeps_still_points_still(align):
    # Points 0..39 swap places in pairs (0<->1, 2<->3, ...): they move in data space, the
    # other 360 do not, and the layout's mean and RMS radius are unchanged, so after
    # normalisation (and alignment) the still points have exactly zero screen motion.
    x0 = centred_data()
    x1 = x0.copy()
    moved = np.arange(40)
    x1[moved] = x0[moved ^ 1]
    data = np.stack([x0, x1])
    screen = fixed_linear_series(data, first_two_axes(x0.shape[1]))
    rep = correspondence_report(data, screen, quantile=0.1, align=align)
    still = np.setdiff1d(np.arange(len(x0)), moved)
    np.testing.assert_allclose(rep.screen_move[0, still], 0, atol=1e-9)
    assert (rep.screen_move[0, moved] > 0).all()
    assert rep.still_move[0] == pytest.approx(0, abs=1e-9)
    assert rep.moved_move[0] > 0 and rep.ratio[0] == pytest.approx(0, abs=1e-9)
    assert rep.spearman[0] > 0


def test_subset_translation_moves_still_points_only_by_the_renormalisation():
    # A generic subset move shifts the layout's mean and RMS radius; still points then move
    # on screen by exactly ‖(y − m')/r' − (y − m)/r‖, which vanishes as the subset shrinks.
    x0 = centred_data(n=1000, d=4)
    b = first_two_axes(4)
    ratios = []
    for n_moved in (200, 100, 50, 20):
        x1 = x0.copy()
        x1[:n_moved] += np.array([3.0, -2.0, 1.0, 0.5])
        data = np.stack([x0, x1])
        screen = fixed_linear_series(data, b)
        rep = correspondence_report(data, screen, quantile=0.02, align=False)
        y0, y1 = screen[0].astype(float), screen[1].astype(float)
        m0, m1 = y0.mean(0), y1.mean(0)
        r0 = np.sqrt(((y0 - m0) ** 2).sum(1).mean())
        r1 = np.sqrt(((y1 - m1) ** 2).sum(1).mean())
        expected = np.linalg.norm((y1 - m1) / r1 - (y0 - m0) / r0, axis=1)
        np.testing.assert_allclose(rep.screen_move[0], expected, rtol=1e-6, atol=1e-9)
        assert rep.moved_move[0] > rep.still_move[0]
        ratios.append(rep.ratio[0])
    assert ratios == sorted(ratios, reverse=True), ratios  # fewer moved points → smaller ratio


def test_with_fixed_axes_a_subset_move_leaves_every_other_point_exactly_still():
    # normalize="series" (one centre and scale for all epochs, as with fixed axes): under a fixed
    # linear map a point that did not move in data does not move on screen, whatever the others do.
    x0 = centred_data(n=500, d=4)
    x1 = x0.copy()
    x1[:60] += np.array([3.0, -2.0, 1.0, 0.5])
    data = np.stack([x0, x1])
    screen = fixed_linear_series(data, first_two_axes(4))
    rep = correspondence_report(data, screen, quantile=0.1, normalize="series", align=False)
    np.testing.assert_array_equal(rep.screen_move[0, 60:], 0)
    assert rep.still_move[0] == 0 and rep.ratio[0] == 0 and rep.normalize == "series"
    assert (rep.screen_move[0, :60] > 0).all()
    # Alignment fits one rotation to all points, moved ones included, so the still points turn
    # rigidly with it: each moves by 2·sin(φ/2)·(its distance from the centre), one φ for all.
    aligned = correspondence_report(data, screen, quantile=0.1, normalize="series", align=True)
    radius = np.linalg.norm(normalize_series(screen)[0, 60:], axis=1)
    chord = aligned.screen_move[0, 60:] / radius
    np.testing.assert_allclose(chord, chord.mean(), rtol=1e-5)
    assert 0 < chord.mean() < aligned.moved_move[0]


def test_series_normalisation_sees_scale_changes_between_epochs_that_epoch_normalisation_ignores():
    data = random_walk(t=3)
    screen = fixed_linear_series(data, first_two_axes(5)).astype(float)
    grown = screen * np.array([1.0, 1.0, 3.0])[:, None, None]
    per_epoch = [correspondence_report(data, s, normalize="epoch") for s in (screen, grown)]
    series = [correspondence_report(data, s, normalize="series") for s in (screen, grown)]
    np.testing.assert_allclose(per_epoch[1].screen_move, per_epoch[0].screen_move, atol=1e-9)
    assert not np.allclose(series[1].screen_move[1], series[0].screen_move[1])
    # a common scale and shift of the whole series changes nothing in either mode
    same = correspondence_report(data, 7.0 * screen + 2.0, normalize="series")
    np.testing.assert_allclose(same.screen_move, series[0].screen_move, atol=1e-9)


def test_rotation_within_the_projected_plane_is_shown_in_proportion():
    # X_{t+1} = X_t R with R a rotation by θ in the plane of B = [e1 e2], data centred:
    # each point's data move is 2 sin(θ/2)·‖x_i B‖, and its screen move (normalised by the
    # RMS radius r of X B, which R keeps) is that divided by r. Spearman is then exactly 1.
    x0 = centred_data()
    theta = 0.4
    data = np.stack([x0, x0 @ plane_rotation(x0.shape[1], 0, 1, theta)])
    b = first_two_axes(x0.shape[1])
    screen = fixed_linear_series(data, b)
    rep = correspondence_report(data, screen, quantile=0.1, align=False)
    radius = np.linalg.norm(x0 @ b, axis=1)
    r = np.sqrt((radius ** 2).mean())
    np.testing.assert_allclose(rep.data_move[0], 2 * np.sin(theta / 2) * radius, rtol=1e-9)
    np.testing.assert_allclose(rep.screen_move[0], 2 * np.sin(theta / 2) * radius / r, rtol=1e-5)
    assert rep.spearman[0] == pytest.approx(1.0)
    order = np.argsort(radius)
    k = len(x0) // 10
    assert rep.ratio[0] == pytest.approx(radius[order[:k]].mean() / radius[order[-k:]].mean(), rel=1e-5)
    # with alignment the rigid rotation of the whole picture is factored out: no motion left
    aligned = correspondence_report(data, screen, quantile=0.1, align=True)
    np.testing.assert_allclose(aligned.screen_move[0], 0, atol=1e-5)


def test_rotation_orthogonal_to_the_projected_plane_is_invisible():
    x0 = centred_data()
    data = np.stack([x0, x0 @ plane_rotation(x0.shape[1], 2, 3, 0.9)])
    screen = fixed_linear_series(data, first_two_axes(x0.shape[1]))
    rep = correspondence_report(data, screen, align=False)
    assert (rep.data_move[0] > 0).any()
    np.testing.assert_array_equal(rep.screen_move[0], 0)
    assert np.isnan(rep.ratio[0]) and np.isnan(rep.spearman[0])  # 0/0 and constant input


# --- invariances and alignment ---------------------------------------------------------------

def random_walk(t=4, n=300, d=5, seed=3):
    rng = np.random.default_rng(seed)
    steps = rng.normal(scale=rng.uniform(0.01, 1.0, size=(1, n, 1)), size=(t - 1, n, d))
    return np.concatenate([rng.normal(size=(1, n, d)), steps]).cumsum(axis=0)


@pytest.mark.parametrize("align", [False, True])
def test_report_is_invariant_to_scaling_and_shifting_each_screen(align):
    data = random_walk()
    screen = fixed_linear_series(data, RNG.normal(size=(5, 2))).astype(float)
    scales = np.array([0.01, 5.0, 300.0, 2.0])[:, None, None]
    shifts = RNG.normal(scale=50, size=(4, 1, 2))
    a = correspondence_report(data, screen, align=align)
    b = correspondence_report(data, screen * scales + shifts, align=align)
    for field in ("screen_move", "still_move", "moved_move", "ratio", "spearman"):
        np.testing.assert_allclose(getattr(b, field), getattr(a, field), rtol=1e-7, atol=1e-10)


def test_alignment_removes_arbitrary_rotations_of_panels():
    data = random_walk()
    y0 = RNG.normal(size=(300, 2))
    # the "embedding" never changes shape, but each epoch's panel is spun and reflected at random
    spins = [rotation2(a) @ np.diag([1, s]) for a, s in [(0, 1), (2.0, -1), (-0.6, 1), (3.0, -1)]]
    screen = np.stack([y0 @ q for q in spins])
    aligned = correspondence_report(data, screen, align=True)
    np.testing.assert_allclose(aligned.screen_move, 0, atol=1e-9)
    raw = correspondence_report(data, screen, align=False)
    assert (raw.mean_move > 0.1).all()


def test_still_and_moved_groups_follow_data_ranks():
    # screen = data on a plane: the still group's screen move is the smallest k, the moved one's largest k
    data = random_walk(d=2)
    rep = correspondence_report(data, data, quantile=0.2, align=False)
    k = int(0.2 * data.shape[1])
    for s in range(rep.steps):
        order = np.argsort(rep.data_move[s], kind="stable")
        assert rep.still_move[s] == pytest.approx(rep.screen_move[s, order[:k]].mean())
        assert rep.moved_move[s] == pytest.approx(rep.screen_move[s, order[-k:]].mean())
        assert rep.ratio[s] == pytest.approx(rep.still_move[s] / rep.moved_move[s])
    assert rep.steps == data.shape[0] - 1
    np.testing.assert_allclose(rep.mean_move, rep.screen_move.mean(axis=1))


# --- the table -------------------------------------------------------------------------------

def test_correspondence_table_has_one_row_per_method_and_step():
    data = random_walk(t=4)
    screens = {"fixed": fixed_linear_series(data, first_two_axes(5)),
               "noise": RNG.normal(size=(4, 300, 2))}
    table = correspondence_table(data, screens, quantile=0.1, epochs=[10, 11, 12, 13])
    assert set(table) == {"method", "epoch_from", "epoch_to", "still_move", "moved_move", "ratio",
                          "spearman", "mean_move"}
    assert all(len(col) == 6 for col in table.values())
    assert table["method"].tolist() == ["fixed"] * 3 + ["noise"] * 3
    assert table["epoch_from"].tolist() == [10, 11, 12] * 2 and table["epoch_to"].tolist() == [11, 12, 13] * 2
    rep = correspondence_report(data, screens["noise"], quantile=0.1)
    np.testing.assert_allclose(table["ratio"][3:], rep.ratio)
    np.testing.assert_allclose(table["spearman"][:3], correspondence_report(data, screens["fixed"]).spearman)


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data_shape, screen_shape, kwargs, match", [
    ((3, 50, 4), (3, 40, 2), {}, "same epochs and points"),
    ((3, 50, 4), (2, 50, 2), {}, "same epochs and points"),
    ((1, 50, 4), (1, 50, 2), {}, "at least 2 epochs"),
    ((3, 50, 4), (3, 50, 3), {}, "T×n×2"),
    ((50, 4), (3, 50, 2), {}, "T×n×d"),
    ((3, 50, 4), (3, 50, 2), {"quantile": 0.6}, "quantile"),
    ((3, 50, 4), (3, 50, 2), {"quantile": 0}, "quantile"),
    ((3, 50, 4), (3, 50, 2), {"quantile": 0.01}, "less than one point"),
    ((3, 50, 4), (3, 50, 2), {"normalize": "frame"}, "normalize"),
])
def test_bad_input_raises_clear_errors(data_shape, screen_shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        correspondence_report(np.zeros(data_shape), np.zeros(screen_shape), **kwargs)


def test_nan_and_table_errors():
    data = np.zeros((2, 20, 3))
    screen = np.zeros((2, 20, 2))
    screen[1, 3, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        correspondence_report(data, screen)
    with pytest.raises(ValueError, match="non-empty mapping"):
        correspondence_table(data, {})
    with pytest.raises(ValueError, match="epochs must name"):
        correspondence_table(data, {"a": np.zeros((2, 20, 2))}, epochs=[1, 2, 3])
    with pytest.raises(ValueError, match="n×2"):
        normalize_screen(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="same points"):
        align_screen(np.ones((5, 2)), np.ones((6, 2)))
