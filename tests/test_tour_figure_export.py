"""GIF and PNG export of a tour, and the rasteriser they share with the page."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tourlib.tour import GrandTour
from tourlib.viz.export import export_gif, export_png, points_at, render_view
from tourlib.viz.palette import class_colors
from tourlib.viz.raster import (
    hex_to_rgba,
    over_white,
    pixel_coords,
    rasterize_points,
    splat_offsets,
)
from tourlib.viz.tour_figure import VIEW_MARGIN, view_geometry
from tourlib.viz.tour_inputs import prepare_tour_inputs


def clusters(n=300, d=6, k=3, seed=0):
    """Tight, well separated clusters, so each class shows as one blob of its colour."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    centres = 4.0 * rng.normal(size=(k, d))
    return centres[y] + 0.15 * rng.normal(size=(n, d)), y


def class_centroids_px(rgb, k):
    """Mean pixel (column, row) of each class colour in an RGB picture."""
    out = []
    for c in class_colors(k):
        r, g, b, _ = hex_to_rgba(c)
        rows, cols = np.nonzero(np.all(rgb == [r, g, b], axis=2))
        out.append((cols.mean(), rows.mean()) if len(rows) else (np.nan, np.nan))
    return np.array(out)


def expected_centroids_px(X, y, k, t, size, seed=0, speed=1.0):
    """Where the tour at time t puts each class's mean, in pixels of the exported picture."""
    inputs = prepare_tour_inputs(X, y)
    tour = GrandTour(X.shape[1], seed=seed, speed=speed, path="torus")
    mu, _, E = view_geometry(inputs, True, tour)
    half = VIEW_MARGIN * E
    xy = (X - mu) @ tour.screen_basis(t)
    means = np.array([xy[y == c].mean(axis=0) for c in range(k)])
    return np.column_stack([(means[:, 0] + half) * size / (2 * half), (half - means[:, 1]) * size / (2 * half)])


# ---------------------------------------------------------------------------- raster rules
def test_pixel_formula_and_row_zero_at_the_top():
    px, py = pixel_coords(np.array([[0.0, 0.0], [-1.0, 1.0], [0.999, -0.999]]), (-1, 1, -1, 1), 10, 10)
    np.testing.assert_array_equal(px, [5, 0, 9])
    np.testing.assert_array_equal(py, [5, 0, 9])


def test_splat_shapes():
    assert splat_offsets(1).tolist() == [[0, 0]]
    assert sorted(map(tuple, splat_offsets(2))) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert len(splat_offsets(3)) == 9
    disc = splat_offsets(6)
    assert len(disc) < 36 and (0, 0) in map(tuple, disc)  # corners cut
    with pytest.raises(ValueError, match="≥ 1"):
        splat_offsets(0)


def test_later_points_are_drawn_on_top_and_ghosts_underneath():
    xy = np.array([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]])
    red, blue, grey = [255, 0, 0, 255], [0, 0, 255, 255], [9, 9, 9, 50]
    colors = np.array([red, blue, red], np.uint8)
    ghosts = np.array([grey] * 3, np.uint8)
    img = rasterize_points(xy, colors, (-1, 1, -1, 1), 8, 8, diameter=1)
    assert img[4, 4].tolist() == red  # point 2 wins
    img = rasterize_points(xy, colors, (-1, 1, -1, 1), 8, 8, diameter=1,
                           ghost=np.array([False, True, True]), ghost_colors=ghosts)
    assert img[4, 4].tolist() == red  # the only active point beats the ghosts drawn after it
    assert img.sum() == sum(red)


def test_outline_and_clipping():
    img = rasterize_points(np.array([[0.0, 0.0]]), np.array([[0, 0, 255, 255]], np.uint8), (-1, 1, -1, 1),
                           9, 9, diameter=3, outline=True)
    assert img[4, 4].tolist() == [0, 0, 255, 255]
    assert img[2, 4].tolist() == [255, 255, 255, 255]  # ring one pixel outside the 3×3 dot
    edge = rasterize_points(np.array([[-1.0, 1.0]]), np.array([[0, 0, 255, 255]], np.uint8), (-1, 1, -1, 1),
                            9, 9, diameter=3)
    assert (edge[..., 3] > 0).sum() == 4  # a dot at the corner keeps only its inside quarter


def test_over_white():
    rgba = np.array([[[0, 0, 0, 0], [0, 0, 0, 255], [255, 0, 0, 128]]], np.uint8)
    np.testing.assert_array_equal(over_white(rgba)[0], [[255, 255, 255], [0, 0, 0], [255, 127, 127]])


# ---------------------------------------------------------------------------- exports
def test_gif_has_the_frames_and_frame_k_shows_time_k_over_fps(tmp_path):
    X, y = clusters()
    fps, seconds, size = 10, 1.5, 200
    path = export_gif(tmp_path / "tour.gif", X, y, seconds=seconds, fps=fps, size=size, seed=0)
    gif = Image.open(path)
    assert gif.n_frames == 15 and gif.size == (size, size)
    assert gif.info["duration"] == 100 and gif.info.get("loop") == 0
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]
    for k in (0, 7, 14):
        # exactly the picture of the view at t = k / fps ...
        np.testing.assert_array_equal(frames[k], render_view(X, None, y, t=k / fps, size=size))
        # ... which puts each class blob where the tour projects that class at t = k / fps
        got = class_centroids_px(frames[k], 3)
        want = expected_centroids_px(X, y, 3, k / fps, size)
        seen = np.all((want > 10) & (want < size - 10), axis=1)  # blobs clear of the border
        assert seen.sum() >= 2
        np.testing.assert_allclose(got[seen], want[seen], atol=2.0)
    # and not where it was a second earlier
    assert np.nanmax(np.abs(class_centroids_px(frames[14], 3) - expected_centroids_px(X, y, 3, 0.4, size))) > 5


def test_png_of_a_given_view(tmp_path):
    X, y = clusters(d=5)
    B = np.linalg.qr(np.random.default_rng(3).normal(size=(5, 2)))[0]
    path = export_png(tmp_path / "view.png", X, B, y, size=240)
    img = np.asarray(Image.open(path).convert("RGB"))
    assert img.shape == (240, 240, 3)
    inputs = prepare_tour_inputs(X, y)
    mu, _, E = view_geometry(inputs, True, GrandTour(5, seed=0, path="torus"))
    half = VIEW_MARGIN * E
    xy = (X - mu) @ B
    means = np.array([xy[y == c].mean(axis=0) for c in range(3)])
    want = np.column_stack([(means[:, 0] + half) * 240 / (2 * half), (half - means[:, 1]) * 240 / (2 * half)])
    # A blob's centre is measured from its coloured pixels; where blobs overlap, the dots drawn on top
    # hide some of the others, which biases that measurement by a pixel or two.
    np.testing.assert_allclose(class_centroids_px(img, 3), want, atol=3.0)


def test_time_axis_export_interpolates():
    X = np.stack([np.zeros((4, 3)), np.ones((4, 3))])
    np.testing.assert_allclose(points_at(X, 0.25), np.full((4, 3), 0.25))
    with pytest.raises(ValueError, match="0…1"):
        points_at(X, 1.5)


@pytest.mark.parametrize("kwargs, message", [
    (dict(seconds=0), "seconds"), (dict(fps=0), "fps"), (dict(fps=500), "fps"), (dict(size=3), "size"),
    (dict(seconds="5"), "seconds must be a finite number, got '5'"), (dict(fps=float("nan")), "fps must be a finite"),
    (dict(seconds=True), "seconds must be a finite number"),
])
def test_gif_options_are_checked(tmp_path, kwargs, message):
    X, y = clusters(n=30)
    with pytest.raises(ValueError, match=message):
        export_gif(tmp_path / "x.gif", X, y, **kwargs)


def test_export_refuses_several_panels(tmp_path):
    X, y = clusters(n=30)
    with pytest.raises(ValueError, match="one data set"):
        export_png(tmp_path / "x.png", {"a": X, "b": X}, None, y)
