"""GIF and PNG export of a tour figure, and the rasteriser they share with the page.

The comparison of an exported frame with the page's own frame in Chromium is
``test_tour_figure_export_browser.py``."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageSequence

from tourlib.viz import TourView, tour_figure, tour_view
from tourlib.viz.export import export_gif, export_png, figure_spec, points_at, render_frame
from tourlib.viz.palette import class_colors
from tourlib.viz.raster import (
    hex_to_rgba,
    over_white,
    pixel_coords,
    rasterize_points,
    splat_offsets,
)


def clusters(n=300, d=6, k=3, seed=0):
    """Tight, well separated clusters, so each class shows as one blob of its colour."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    centres = 4.0 * rng.normal(size=(k, d))
    return centres[y] + 0.15 * rng.normal(size=(n, d)), y


def class_pixels(rgb, k):
    """Boolean masks (k×H×W) of the pixels of each class colour in an RGB picture."""
    return np.stack([np.all(rgb == hex_to_rgba(c)[:3], axis=2) for c in class_colors(k)])


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


def test_sprites_follow_the_page_rules():
    from tourlib.viz.raster import draw_sprites, make_sprites

    grey = np.array([[[0, 23], [24, 255]]], np.uint8)            # one 2×2 one-channel image
    sp = make_sprites(grey, [[10, 20, 30]], 4)                    # nearest sampling up to 4×4
    assert sp.shape == (1, 4, 4, 4)
    assert sp[0, 0, 0].tolist() == [0, 0, 0, 0] and sp[0, 0, 3].tolist() == [0, 0, 0, 0]   # below 24: none
    assert sp[0, 3, 0].tolist() == [10, 20, 30, 24] and sp[0, 3, 3].tolist() == [10, 20, 30, 255]
    rgb = make_sprites(np.full((1, 3, 3, 3), 200, np.uint8), [[1, 2, 3]], 5)
    assert rgb[0, 0, 2].tolist() == [1, 2, 3, 255] and rgb[0, 2, 2].tolist() == [200, 200, 200, 255]  # framed
    img = draw_sprites(np.zeros((8, 8, 4), np.uint8), np.array([[0.0, 0.0]]), rgb, (-1, 1, -1, 1))
    assert img[4, 4].tolist() == [200, 200, 200, 255] and img[2, 2].tolist() == [1, 2, 3, 255]  # top-left (4−2, 4−2)


def test_over_white():
    rgba = np.array([[[0, 0, 0, 0], [0, 0, 0, 255], [255, 0, 0, 128]]], np.uint8)
    np.testing.assert_array_equal(over_white(rgba)[0], [[255, 255, 255], [0, 0, 0], [255, 127, 127]])


# ---------------------------------------------------------------------------- exports
def test_export_takes_the_figures_extent_and_centre():
    """The issue's case: with extent=1, center=False (a softmax), every point lands in the picture
    where the figure's view square puts it, not in a square fitted to the data."""
    rng = np.random.default_rng(1)
    y = np.arange(89) % 4
    P = rng.dirichlet(np.full(4, 0.3), size=89)
    fig = tour_figure(P, y, extent=1.0, center=False, seed=2)
    B = np.linalg.qr(rng.normal(size=(4, 2)))[0]
    frame = render_frame(fig, G=B)
    (left, top, S), = frame.panels
    half = 1.15 * 1.0                                   # VIEW_MARGIN · extent
    xy = P @ B
    want = np.column_stack([left + (xy[:, 0] + half) * S / (2 * half), top + (half - xy[:, 1]) * S / (2 * half)])
    # the embedded points are int16 codes: a few thousandths of a pixel
    np.testing.assert_allclose(frame.points[0], want, atol=0.05)
    inside = np.all((frame.points[0] >= [left, top]) & (frame.points[0] < [left + S, top + S]), axis=1)
    assert inside.all(), f"{(~inside).sum()} of {len(P)} points outside the picture"
    # and each point's pixel has its class colour, unless a later dot (drawn on top) is within reach
    bare = render_frame(tour_figure(P, y, extent=1.0, center=False, seed=2, axis_handles=False), G=B)
    px = np.floor(bare.points[0]).astype(int)
    colours = np.array([hex_to_rgba(c)[:3] for c in class_colors(4)])
    got = bare.image[px[:, 1], px[:, 0]]
    D = figure_spec(fig).config["dot_size"]
    near = np.hypot(*(px[:, None, :] - px[None, :, :]).transpose(2, 0, 1)) <= D + 1
    free = ~np.triu(near, 1).any(axis=1)                 # no later point close by
    assert free.sum() > 20
    np.testing.assert_array_equal(got[free], colours[y[free]])


def test_png_has_title_legend_and_every_panel(tmp_path):
    X, y = clusters(k=3)
    fig = tour_figure({"train": X, "test": X + 0.3}, {"train": y, "test": y}, classes=["cat", "dog", "bird"],
                      title="Three blobs", seed=1, extent=6.0)
    path = export_png(fig, tmp_path / "f.png", t=2.0)
    img = np.asarray(Image.open(path).convert("RGB"))
    frame = render_frame(fig, t=2.0)
    np.testing.assert_array_equal(img, frame.image)
    (l0, t0, S0), (l1, t1, S1) = frame.panels
    assert S0 == S1 == figure_spec(fig).config["panel_size"] and t0 == t1 and l1 >= l0 + S0  # side by side
    assert img.shape[1] > l1 + S1                       # the legend to the right of the last panel
    # the legend: a swatch of each class colour in its box, none of it in the panels' region
    lx0, ly0, lx1, ly1 = frame.legend
    assert lx0 >= l1 + S1
    masks = class_pixels(img, 3)
    for c in range(3):
        assert masks[c, ly0:ly1, lx0:lx1].sum() > 50, f"no swatch of class {c} in the legend"
    # the title: dark text above the panels
    band = img[:t0 - 20, : l1 + S1]
    assert (band.sum(axis=2) < 300).sum() > 30
    # both panels drew points of every class
    for left, top, S in frame.panels:
        assert all(masks[c, top:top + S, left:left + S].sum() > 20 for c in range(3))


def test_axis_handles_and_their_labels_as_on_the_page():
    X, y = clusters(n=60, d=4, k=2)
    B = np.zeros((4, 2))
    B[1, 0] = B[2, 1] = 1.0                              # axis 0 and 3 point nowhere (length 0)
    def frame(names):
        return render_frame(tour_figure(X, y, axis_labels=names, seed=0), G=B).image
    base = frame(["x0", "x1", "x2", "x3"])
    # a short handle gets no label: renaming it changes nothing
    np.testing.assert_array_equal(base, frame(["a long name", "x1", "x2", "x3"]))
    # a long one is labelled: renaming it changes the picture near its end, nowhere else
    diff = np.any(base != frame(["x0", "a long name", "x2", "x3"]), axis=2)
    assert diff.any()
    fig = tour_figure(X, y, seed=0)
    cfg = figure_spec(fig).config
    (left, top, S), = render_frame(fig, G=B).panels
    end = np.array([left + (cfg["handle_scale"] + cfg["half"]) * S / (2 * cfg["half"]), top + S / 2])
    rows, cols = np.nonzero(diff)
    assert np.hypot(cols - end[0], rows - end[1]).max() < 60
    # without handles the picture has no handle markers (a plain figure of the same points)
    assert np.any(frame(["x0", "x1", "x2", "x3"]) != render_frame(tour_figure(X, y, axis_handles=False), G=B).image)


def test_group_handles_are_drawn_at_their_centroid():
    X, y = clusters(n=90, d=5)
    groups = {"classes": {"blob one": np.flatnonzero(y == 1)}}
    B = np.linalg.qr(np.random.default_rng(0).normal(size=(5, 2)))[0]
    with_h = render_frame(tour_figure(X, y, handles=groups, axis_handles=False), G=B)
    without = render_frame(tour_figure(X, y, axis_handles=False), G=B)
    changed = np.any(with_h.image != without.image, axis=2)
    rows, cols = np.nonzero(changed)
    c = with_h.points[0][y == 1].mean(axis=0)            # the group's centroid, in pixels
    assert len(rows) > 30
    assert np.hypot(cols - c[0], rows - c[1]).min() < 3  # the marker is there, the name beside it
    assert np.hypot(cols - c[0], rows - c[1]).max() < 120


def test_gif_has_the_frames_and_frame_k_shows_time_k_over_fps(tmp_path):
    X, y = clusters()
    fig = tour_figure(X, y, title="a tour", seed=3)
    fps, seconds = 10, 1.5
    path = export_gif(fig, tmp_path / "tour.gif", seconds=seconds, fps=fps, size=200)
    gif = Image.open(path)
    one = render_frame(fig, t=0.0, size=200)
    assert gif.n_frames == 15 and gif.size == one.image.shape[1::-1]
    assert gif.info["duration"] == 100 and gif.info.get("loop") == 0
    frames = [np.asarray(f.convert("RGB")) for f in ImageSequence.Iterator(gif)]
    for k in (0, 7, 14):
        want = render_frame(fig, t=k / fps, size=200).image
        # the class colours are exact in the GIF's palette: the same dots in the same pixels
        np.testing.assert_array_equal(class_pixels(frames[k], 3), class_pixels(want, 3))
    assert not np.array_equal(class_pixels(frames[0], 3), class_pixels(frames[14], 3))


def test_tour_view_png_keeps_the_figures_extent(tmp_path):
    """The issue's TourView case: 89 softmax rows with extent=1, center=False all in the picture."""
    rng = np.random.default_rng(2)
    y = np.arange(89) % 4
    P = rng.dirichlet(np.full(4, 0.3), size=89)
    view = tour_view(P, y, extent=1.0, center=False, seed=3, axis_handles=False)
    img = np.asarray(Image.open(view.export_png(tmp_path / "v.png")).convert("RGB"))
    frame = render_frame(view.layout, G=view.matrix)
    np.testing.assert_array_equal(img, frame.image)
    (left, top, S), = frame.panels
    pts = frame.points[0]
    assert np.all((pts >= [left, top]) & (pts < [left + S, top + S]))
    half = 1.15                                         # VIEW_MARGIN · extent, around the origin
    want = P @ view.matrix[:, :2]
    np.testing.assert_allclose((pts - [left, top]) * (2 * half / S),
                               np.column_stack([want[:, 0] + half, half - want[:, 1]]), atol=1e-3)


def test_layer_and_time_position():
    T = np.stack([np.zeros((40, 3)), np.ones((40, 3))])
    T[1] += np.random.default_rng(0).normal(size=(40, 3))
    fig = tour_figure(T, np.arange(40) % 2, extent=3.0, center=False)
    B = np.eye(3)[:, :2]
    f = render_frame(fig, G=B, positions=[0.25])
    (left, top, S), = f.panels
    xy = points_at(T, 0.25)[:, :2]
    half = 1.15 * 3.0
    want = np.column_stack([left + (xy[:, 0] + half) * S / (2 * half), top + (half - xy[:, 1]) * S / (2 * half)])
    np.testing.assert_allclose(f.points[0], want, atol=0.05)


def test_tour_view_exports_the_view_on_screen(tmp_path):
    X, y = clusters(n=120, d=4)
    view = tour_view(X, y, seed=1)
    G = np.linalg.qr(np.random.default_rng(5).normal(size=(4, 4)))[0]
    view.matrix = G
    png = np.asarray(Image.open(view.export_png(tmp_path / "now.png")).convert("RGB"))
    np.testing.assert_array_equal(png, render_frame(view.layout, G=G).image)
    # a TourView of any tour figure exports (no data kept on the side)
    assert TourView(tour_figure(X, y)).export_png(tmp_path / "x.png").exists()
    gif = Image.open(view.export_gif(tmp_path / "now.gif", seconds=0.5, fps=10))
    assert gif.n_frames == 5
    first = np.asarray(gif.convert("RGB"))
    np.testing.assert_array_equal(class_pixels(first, 3), class_pixels(png, 3))   # frame 0 is the view on screen


def test_time_axis_export_interpolates():
    X = np.stack([np.zeros((4, 3)), np.ones((4, 3))])
    np.testing.assert_allclose(points_at(X, 0.25), np.full((4, 3), 0.25))
    with pytest.raises(ValueError, match="0…1"):
        points_at(X, 1.5)


@pytest.mark.parametrize("kwargs, message", [
    (dict(seconds=0), "seconds"), (dict(fps=0), "fps"), (dict(fps=500), "fps"), (dict(size=3), "size"),
    (dict(seconds="5"), "seconds must be a finite number, got '5'"), (dict(fps=float("nan")), "fps must be a finite"),
    (dict(seconds=True), "seconds must be a finite number"),
    (dict(positions=[0.5]), "no data axes, leave positions out"),
])
def test_gif_options_are_checked(tmp_path, kwargs, message):
    X, y = clusters(n=30)
    with pytest.raises(ValueError, match=message):
        export_gif(tour_figure(X, y), tmp_path / "x.gif", **kwargs)


def test_bad_arguments_name_the_fix(tmp_path):
    X, y = clusters(n=30)
    with pytest.raises(TypeError, match=r"figure comes first.*export_png\(tour_figure\(X, labels"):
        export_png(tmp_path / "x.png", X)                # the old call: data, not the figure
    with pytest.raises(TypeError, match=r"export_gif takes the figure, then the file.*tour\.gif"):
        export_gif(tour_figure(X, y), X)
    with pytest.raises(TypeError, match="needs a tour figure"):
        export_png(X, tmp_path / "x.png")
    T = np.stack([X, X])
    with pytest.raises(ValueError, match=r"one number per data axis \['epoch'\]"):
        export_png(tour_figure(T, y), tmp_path / "x.png", positions=[0, 1])
    with pytest.raises(ValueError, match=r"axis 'epoch' must lie in 0…1"):
        export_png(tour_figure(T, y), tmp_path / "x.png", positions=[3])
    with pytest.raises(ValueError, match="G must be"):
        export_png(tour_figure(X, y), tmp_path / "x.png", G=np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"needs a figure with images: build it with tour_figure\(..., images=...\)"):
        export_png(tour_figure(X, y), tmp_path / "x.png", mode="images")
    with pytest.raises(ValueError, match=r"selection must be \(panel index 0…0, point indices\)"):
        export_png(tour_figure(X, y), tmp_path / "x.png", selection=(2, [1]))


def test_a_brush_leaves_the_other_points_faint():
    X, y = clusters(n=90)
    fig = tour_figure(X, y, axis_handles=False)
    brushed = np.flatnonzero(y == 0)
    full = render_frame(fig, t=1.0)
    some = render_frame(fig, t=1.0, selection=(0, brushed))
    (left, top, S), = full.panels
    masks_full, masks_some = (class_pixels(f.image[top:top + S, left:left + S], 3) for f in (full, some))
    assert masks_some[0].sum() > 0.3 * masks_full[0].sum()      # the brushed class in its colour (the
    assert masks_some[1].sum() == masks_some[2].sum() == 0       # centroid handle covers some); the others faint
    assert masks_full[1].sum() > 100 and masks_full[2].sum() > 100
