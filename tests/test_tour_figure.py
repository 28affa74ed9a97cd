"""The tour figure's Python side: input checks, compact encoding, presets, what the page embeds."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from bokeh.models import Button, Column, Div
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tourlib.tour import GrandTour
from tourlib.viz.embed import EMBED_MODULE, bokehjs_files, js_bundle, js_for_model, standalone_html
from tourlib.viz.encode import dequantize, quantize_columns, thumbnails_uint8
from tourlib.viz.live import find_state
from tourlib.viz.tour_figure import MAX_HANDLES, VIEW_MARGIN, tour_figure, view_geometry
from tourlib.viz.tour_inputs import prepare_tour_inputs, view_matrix


def mixture(n=200, d=5, k=3, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    return rng.normal(size=(n, d)) + 2.0 * np.eye(k, d)[y], y


# ---------------------------------------------------------------------------- input checks
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(X=np.zeros(5)), r"N×d .* or T×N×d"),
        (dict(X=np.zeros((2, 3, 4, 5))), r"N×d .* or T×N×d"),
        (dict(X=np.zeros((10, 1))), r"d ≥ 2"),
        (dict(X=np.zeros((0, 3))), r"empty"),
        (dict(X=np.array([[0.0, 1.0], [np.nan, 2.0]])), r"NaN/infinite values \(first at X\[1, 0\]\)"),
        (dict(X=np.zeros((4, 3)), labels=[0, 1, 2]), r"4 points but labels has shape \(3,\)"),
        (dict(X=np.zeros((3, 3)), labels=[0, 1, 5], classes=["a", "b"]), r"code 5 but only 2 classes"),
        (dict(X=np.zeros((3, 3)), labels=[0, -1, 1]), r"negative codes"),
        (dict(X=np.zeros((3, 3)), labels=[0.5, 1, 1]), r"whole numbers"),
        (dict(X=np.zeros((3, 3)), labels=["a", "b", "z"], classes=["a", "b"]), r"names not in classes: \['z'\]"),
        (dict(X={"a": np.zeros((3, 4)), "b": np.zeros((3, 5))}), r"same d"),
        (dict(X=[np.zeros((2, 3, 4)), np.zeros((3, 3, 4))]), r"same number of time steps"),
        (dict(X=[np.zeros((3, 4)), np.zeros((5, 4))], labels=[0, 1, 2]), r"different numbers of points"),
        (dict(X={"a": np.zeros((3, 4))}, labels={"b": [0, 1, 2]}), r"no entry for panel\(s\) \['a'\]"),
        (dict(X=np.zeros((2, 3, 4)), predictions=np.zeros((3, 3), int)), r"N or T×N = 2×3"),
        (dict(X=np.zeros((3, 4)), images=np.zeros((2, 8, 8))), r"3 points but 2 images"),
        (dict(X=np.zeros((3, 4)), images=np.zeros((3, 64))), r"N×h×w .* reshape"),
        (dict(X=np.zeros((3, 4)), images=np.full((3, 8, 8), 2.0)), r"\[0, 1\]"),
        (dict(X=np.zeros((2, 3, 4)), times=[1, 2, 3]), r"times has 3 labels but X has T = 2"),
    ],
)
def test_bad_inputs_say_what_is_wrong(kwargs, message):
    X = kwargs.pop("X")
    with pytest.raises((ValueError, TypeError), match=message):
        prepare_tour_inputs(X, **kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(presets={"p": np.ones((5, 3))}), r"d×d .* or d×2 .* d = 5"),
        (dict(presets={"p": np.ones((5, 5))}), r"not orthogonal"),
        (dict(presets={"p": np.ones((5, 2))}), r"parallel or zero"),
        (dict(axis_labels=["a", "b"]), r"2 names but the data has d = 5"),
        (dict(axis_labels="classes"), r"d = 5 but 3 classes"),
        (dict(axis_labels="names"), r"None, 'classes' or a list"),
        (dict(dot_size=0), r"dot_size"),
        (dict(center=[1.0, 2.0]), r"center must be"),
        (dict(speed=float("nan")), r"speed"),
    ],
)
def test_bad_figure_options_say_what_is_wrong(kwargs, message):
    X, y = mixture()
    with pytest.raises(ValueError, match=message):
        tour_figure(X, y, **kwargs)


def test_string_labels_become_classes_in_sorted_order():
    inp = prepare_tour_inputs(np.zeros((4, 3)), ["cat", "dog", "cat", "ant"])
    assert inp.classes == ["ant", "cat", "dog"]
    np.testing.assert_array_equal(inp.panels[0].labels, [1, 2, 1, 0])


def test_panels_from_dict_share_one_label_array_when_sizes_match():
    X = {"train": np.zeros((3, 4)), "test": np.ones((3, 4))}
    inp = prepare_tour_inputs(X, [0, 1, 1], predictions=[[1, 1, 0]])
    assert [p.name for p in inp.panels] == ["train", "test"]
    assert inp.panels[1].predictions.shape == (1, 3)


def test_images_are_kept_for_evenly_spaced_points():
    X = np.zeros((1000, 3))
    images = np.arange(1000, dtype=np.uint8)[:, None, None] * np.ones((1, 4, 4), np.uint8)
    panel = prepare_tour_inputs(X, images=images, max_images=10).panels[0]
    np.testing.assert_array_equal(panel.image_index, np.rint(np.linspace(0, 999, 10)).astype(int))
    np.testing.assert_array_equal(panel.images[:, 0, 0, 0], panel.image_index.astype(np.uint8))
    assert panel.images.shape == (10, 4, 4, 1)


# ---------------------------------------------------------------------------- encoding
@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 6)),
              elements=st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)))
def test_int16_encoding_error_is_at_most_half_a_step(X):
    qc = quantize_columns(X)
    assert qc.q.dtype == np.int16 and qc.q.shape == X.shape
    assert np.abs(qc.q.astype(int)).max() <= 32767
    err = np.abs(dequantize(qc) - X)
    bound = qc.max_error * (1 + 1e-9) + 1e-9 * np.abs(X).max(axis=0)
    assert np.all(err <= bound)
    # the step is the column range over 65534: nothing coarser than needed
    span = X.max(axis=0) - X.min(axis=0)
    step = span / 65534
    np.testing.assert_allclose(qc.scale[step > 0], step[step > 0])


def test_encoding_refuses_nan():
    with pytest.raises(ValueError, match="NaN"):
        quantize_columns(np.array([[1.0, np.inf]]))


def test_thumbnails_from_floats_and_greys():
    t = thumbnails_uint8(np.array([[[0.0, 0.5], [1.0, 0.25]]]))
    assert t.dtype == np.uint8 and t.shape == (1, 2, 2, 1)
    np.testing.assert_array_equal(t[0, :, :, 0], [[0, 128], [255, 64]])


# ---------------------------------------------------------------------------- presets
def test_preset_basis_is_completed_to_an_orthogonal_view():
    rng = np.random.default_rng(1)
    B = np.linalg.qr(rng.normal(size=(7, 2)))[0]
    G = view_matrix(B, 7)
    np.testing.assert_allclose(G.T @ G, np.eye(7), atol=1e-12)
    np.testing.assert_allclose(G[:, :2], B, atol=1e-12)
    # a non-orthonormal basis keeps its plane and the direction of its first column
    M = np.column_stack([np.arange(7.0), np.ones(7)])
    G = view_matrix(M, 7)
    P = G[:, :2] @ G[:, :2].T
    np.testing.assert_allclose(P @ M, M, atol=1e-12)
    assert G[:, 0] @ M[:, 0] > 0 and abs(G[:, 0] @ M[:, 0]) == pytest.approx(np.linalg.norm(M[:, 0]))


def test_presets_become_buttons_with_their_views():
    X, y = mixture()
    B = np.eye(5)[:, [3, 1]]
    layout, parts = tour_figure(X, y, presets={"3 vs 1": B}, return_parts=True)
    buttons = [b for b in layout.select({"type": Button}) if b.label == "3 vs 1"]
    assert len(buttons) == 1
    cb = parts.plots[0].js_property_callbacks["change:inner_width"][0]
    G = np.array(cb.args["fig"]["config"]["presets"]["3 vs 1"]).reshape(5, 5)
    np.testing.assert_allclose(G[:, :2], B, atol=1e-12)


# ---------------------------------------------------------------------------- the layout
def test_figure_embeds_the_tour_and_the_centred_encoded_data():
    X, y = mixture(n=300, d=6, seed=2)
    layout, parts = tour_figure(X, y, seed=5, speed=0.7, return_parts=True)
    assert isinstance(layout, Column)
    state = find_state(layout)
    np.testing.assert_allclose(np.array(state.matrix).reshape(6, 6), GrandTour(6, seed=5, speed=0.7, path="torus").matrix(0),
                               atol=1e-15)
    np.testing.assert_allclose(state.center, X.mean(axis=0))
    assert parts.tour_params == GrandTour(6, seed=5, speed=0.7, path="torus").params()
    data = parts.panels[0]["data"]
    assert data.points.dtype == np.int16 and data.shape == [1, 300, 6]
    decoded = data.points.astype(float) * data.scale + data.offset
    np.testing.assert_allclose(decoded[0], X - X.mean(axis=0), atol=np.max(data.scale) / 2 + 1e-12)
    np.testing.assert_array_equal(data.labels, y)


def test_view_fits_the_tour_and_handles_stay_inside():
    X, y = mixture(n=500, d=8, seed=3)
    inp = prepare_tour_inputs(X, y)
    tour = GrandTour(8, seed=0, path="torus")
    mu, R, E = view_geometry(inp, True, tour)
    assert 0 < E <= R
    np.testing.assert_allclose(R, np.linalg.norm(X - mu, axis=1).max())
    # in a typical view of the tour, 99% of the points are inside the square of half-width 1.15 E
    inside = np.mean([np.mean(np.abs((X - mu) @ tour.screen_basis(t)).max(axis=1) <= VIEW_MARGIN * E)
                      for t in np.linspace(0, 40, 9)])
    assert inside > 0.99
    # axis handles: the end s·G[i, :2] with s = E is inside the view for every unit row
    assert E < VIEW_MARGIN * E


def test_handles_only_for_up_to_twenty_dimensions():
    for d, shown in [(MAX_HANDLES, True), (MAX_HANDLES + 1, False)]:
        X = np.random.default_rng(0).normal(size=(50, d))
        layout, parts = tour_figure(X, return_parts=True)
        cfg = parts.plots[0].js_property_callbacks["change:inner_width"][0].args["fig"]["config"]
        assert cfg["show_handles"] is shown
        assert len(parts.plots[0].renderers) == (4 if shown else 2)


def test_axis_labels_from_classes_take_class_colours():
    X, y = mixture(n=90, d=3, k=3)
    _, parts = tour_figure(X, y, classes=["cat", "dog", "eel"], axis_labels="classes", return_parts=True)
    cfg = parts.plots[0].js_property_callbacks["change:inner_width"][0].args["fig"]["config"]
    assert cfg["axis_labels"] == ["cat", "dog", "eel"]
    assert cfg["axis_colors"] == cfg["colors"]


def test_legend_lists_classes_with_counts():
    X, y = mixture(n=120, k=3)
    layout = tour_figure(X, y, classes=["a<b", "c", "d"])
    legend = [d for d in layout.select({"type": Div}) if "tl-legend" in d.text][0]
    assert "a&lt;b" in legend.text  # names are escaped
    counts = [int(c) for c in re.findall(r'tl-count">(\d+)<', legend.text)]
    assert counts == np.bincount(y, minlength=3).tolist()
    # two panels: counted per panel, not added up
    layout = tour_figure({"train": X, "test": X[:50]}, {"train": y, "test": y[:50]}, classes=["a", "b", "c"])
    legend = [d for d in layout.select({"type": Div}) if "tl-legend" in d.text][0]
    pairs = re.findall(r'tl-count">(\d+) · (\d+)<', legend.text)
    assert [(int(a), int(b)) for a, b in pairs] == list(zip(np.bincount(y, minlength=3), np.bincount(y[:50], minlength=3)))
    assert "points: train · test" in legend.text
    layout = tour_figure({"a": X, "b": X}, y, classes=["a", "b", "c"])
    legend = [d for d in layout.select({"type": Div}) if "tl-legend" in d.text][0]
    assert [int(c) for c in re.findall(r'tl-count">(\d+)<', legend.text)] == np.bincount(y, minlength=3).tolist()
    assert "points per panel" in legend.text


def test_time_axis_adds_a_slider_over_the_steps():
    X = np.random.default_rng(0).normal(size=(5, 40, 4))
    layout, parts = tour_figure(X, times=["e0", "e1", "e2", "e5", "e9"], time_name="step", return_parts=True)
    slider = parts.widgets["time_slider"]
    assert slider.start == 0 and slider.end == 4 and slider.title == "step" and slider.show_value
    assert "segments" in slider.format.args and slider.format.args["labels"] == ["e0", "e1", "e2", "e5", "e9"]
    assert parts.panels[0]["data"].shape == [5, 40, 4]
    layout, parts = tour_figure(X, time_start=-1, return_parts=True)
    assert parts.widgets["time_slider"].value == 4
    with pytest.raises(ValueError, match="time_start"):
        tour_figure(X, time_start=5)


def test_ten_thousand_point_page_is_small():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(10_000, 10)), rng.integers(0, 10, 10_000)
    page = standalone_html(tour_figure(X, y))
    bokeh_bytes = sum(os.path.getsize(p) for p in bokehjs_files())
    our_js = sum(os.path.getsize(p) for p in js_bundle(js_for_model(tour_figure(X[:5], y[:5])) + [EMBED_MODULE]))
    data = len(page.encode("utf-8")) - bokeh_bytes - our_js
    # raw float64 would be 800 kB before base64; int16 codes are 200 kB (267 kB in base64)
    assert data < 330_000, f"{data} bytes besides BokehJS and the figure's JavaScript"
    assert our_js < 200_000, f"the figure's JavaScript is {our_js} bytes"


def test_a_preset_view_fits_its_data():
    """The extent covers what each preset shows (99.5 % of the points inside the view), not only random views."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 10)) * 0.1
    X[:200, 0] += 5.0                       # far out along axis 0: random views rarely show it whole
    plane = np.eye(10)[:, [0, 1]]
    layout, parts = tour_figure(X, presets={"axis 0": plane}, return_parts=True)
    half = parts.plots[0].x_range.end
    shown = np.abs((X - X.mean(axis=0)) @ plane)
    assert (shown.max(axis=1) <= half).mean() >= 0.995
