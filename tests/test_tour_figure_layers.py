"""The layer axis of the tour figure: `layer_sequence` (Python) and `layer_tour_figure` in Chromium.

The Python tests check the frames against tourlib.align's transitions (the page's points are the
aligned endpoints, linearly interpolated, seen through fixed frames) and the article's A = −I
example (a sign flip leaves every point still). The browser tests move the layer slider and
compare what the page draws with the Python numbers, switch epochs, and brush + drag a centroid
handle on a layer (the view must change as ``drag_centroid`` says).
"""

from __future__ import annotations

import numpy as np
import pytest

from tourlib.align import Dense, Softmax, layer_transition, relu
from tourlib.tour import drag_centroid
from tourlib.viz.tour_figure import layer_tour_figure
from tourlib.align import LayerSequence, layer_sequence

from test_tour_figure_browser import ARTIFACTS, FigurePage, open_figure  # noqa: F401 (fixture)


def small_net(seed, p=12):
    rng = np.random.default_rng(seed)
    return [
        Dense(rng.normal(size=(p, 9)) / 3, rng.normal(size=9) * 0.3, name="fc1"),
        relu("relu1"),
        Dense(rng.normal(size=(9, 6)) / 3, rng.normal(size=6) * 0.3, name="fc2"),
        relu("relu2"),
        Dense(rng.normal(size=(6, 3)), rng.normal(size=3) * 0.3, name="fc3"),
        Softmax(name="softmax"),
    ]


def data(n=150, p=12, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    return rng.normal(size=(n, p)) + 2.5 * np.eye(3, p)[y], y


def normalized(Z):
    Z = Z - Z.mean(axis=0)
    return Z / np.sqrt((Z ** 2).sum(axis=1).mean())


def expected_points(X, nets, seq, e, lam):
    """The N×k points at (epoch e, λ) computed from tourlib.align's transition endpoints."""
    i, t = seq.transition_at(lam)
    cur = X
    for layer in nets[e][:i]:
        cur = layer.forward(cur)
    tr = layer_transition(cur, nets[e][i])
    Ps, Pe = seq.aligned_frames(e, i, nets[e][i])
    return (1 - t) * normalized(tr.start) @ Ps + t * normalized(tr.end) @ Pe


# ------------------------------------------------------------------------------ Python side
def test_points_are_the_aligned_endpoints_through_the_frames():
    X, _ = data()
    nets = [small_net(1), small_net(2)]
    seq = layer_sequence(X, nets, k=5, epochs=["a", "b"])
    assert isinstance(seq, LayerSequence)
    assert seq.points.shape == (2, 7, 150, 5)
    assert seq.names[0] == "input → fc1" and seq.names[1] == "fc1 → relu1"
    assert seq.kinds == ["linear", "componentwise", "linear", "componentwise", "linear", "softmax"]
    for e in range(2):
        for lam in (0.0, 0.3, 1.0, 2.75, 5.5, 6.0):
            np.testing.assert_allclose(seq.at(e, lam), expected_points(X, nets, seq, e, lam), atol=1e-10)
    # the input frame is shared by every epoch
    np.testing.assert_array_equal(seq.points[0, 0], seq.points[1, 0])
    assert np.all((seq.retained > 0) & (seq.retained <= 1 + 1e-12))
    assert np.allclose(seq.retained[:, -2:], 1.0)  # 3 classes ≤ k = 5: nothing lost


def test_a_sign_flip_leaves_every_point_still():
    """The article's A = −I: naive interpolation sends points through the origin; aligned, nothing moves."""
    X, _ = data(p=6)
    seq = layer_sequence(X, [Dense(-np.eye(6), name="flip")], k=4)
    np.testing.assert_allclose(seq.points[0, 1], seq.points[0, 0], atol=1e-10)
    Q = np.linalg.qr(np.random.default_rng(3).normal(size=(6, 6)))[0]  # any rotation: the same
    seq = layer_sequence(X, [Dense(Q, name="rotate")], k=4)
    np.testing.assert_allclose(seq.points[0, 1], seq.points[0, 0], atol=1e-9)


def test_layer_tours_draw_axis_handles_on_request():
    X, y = data()
    seq = layer_sequence(X, [small_net(1), small_net(2)], k=4)
    for on in (False, True):
        _, parts = layer_tour_figure(seq, y, axis_handles=on, return_parts=True)
        cfg = parts.plots[0].js_property_callbacks["change:inner_width"][0].args["fig"]["config"]
        assert cfg["show_handles"] is on
        assert cfg["axis_labels"] == ["c1", "c2", "c3", "c4"]
    _, parts = layer_tour_figure(seq, y, axis_handles=True, axis_labels=list("abcd"), return_parts=True)
    assert parts.plots[0].js_property_callbacks["change:inner_width"][0].args["fig"]["config"]["axis_labels"] == list("abcd")


def test_layer_sequence_checks_its_inputs():
    X, _ = data()
    with pytest.raises(ValueError, match="k must be"):
        layer_sequence(X, small_net(0), k=1)
    with pytest.raises(ValueError, match="same layers"):
        layer_sequence(X, [small_net(0), small_net(0)[:3]])
    with pytest.raises(ValueError, match="layer position"):
        layer_sequence(X, small_net(0), k=3).at(0, 7.0)
    with pytest.raises(TypeError, match="LayerSequence"):
        layer_tour_figure(X)


# ------------------------------------------------------------------------------ in the browser

INST = "tourlib.TourFigure.instances[0]"


@pytest.fixture
def layer_page(open_figure):
    X, y = data()
    nets = [small_net(1), small_net(2)]
    seq = layer_sequence(X, nets, k=5, epochs=[0, 3])
    preds = np.stack([np.argmax(net_out(X, n), axis=1) for n in nets])
    layout = layer_tour_figure(seq, y, classes=["a", "b", "c"], predictions=preds, seed=1, start_epoch=0)
    fp = open_figure(layout, "layers")
    return fp, X, y, nets, seq


def net_out(X, net):
    for layer in net:
        X = layer.forward(X)
    return X


def shown(fp):
    return np.array(fp.inst("Array.from(I.panels[0].proj)")).reshape(-1, 2)


def upp_tol(fp):
    """What the int16 encoding and float32 projection may cost (data units)."""
    return 1e-3 * fp.inst("I.cfg.half")


@pytest.mark.browser
def test_layer_slider_shows_the_aligned_transition(layer_page):
    fp, X, y, nets, seq = layer_page
    assert fp.inst("I.playing") is False
    G = np.array(fp.inst("Array.from(I.G)")).reshape(5, 5)
    # drag the layer slider's handle (the second slider: speed, layer, epoch)
    handle = fp.page.locator(".noUi-handle").nth(1)
    box = handle.bounding_box()
    track = fp.page.locator(".noUi-base").nth(1).bounding_box()
    fp.drag({"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}, (0.45 * track["width"], 0))
    lam = fp.inst("I.layerPos")
    assert 1.5 < lam < 4.5
    assert fp.inst("I.widgets.time_slider.value") == pytest.approx(lam)
    i, t = seq.transition_at(lam)
    assert seq.names[i] in fp.inst("I.axisTitle(1)")
    np.testing.assert_allclose(shown(fp), expected_points(X, nets, seq, 0, lam) @ G[:, :2], atol=upp_tol(fp))
    np.testing.assert_array_equal(np.array(fp.inst("Array.from(I.G)")).reshape(5, 5), G)  # the view is kept
    # exact positions through the model, on both sides of every boundary: no jump
    for lam in (0.0, 0.999, 1.0, 1.001, 2.5, 5.0, 6.0):
        fp.js(f"() => {{ {INST}.widgets.time_slider.value = {lam}; }}")
        fp.settle()
        assert fp.inst("I.layerPos") == pytest.approx(lam)
        np.testing.assert_allclose(shown(fp), expected_points(X, nets, seq, 0, lam) @ G[:, :2], atol=upp_tol(fp))
    assert fp.inst("I.state.layer") == pytest.approx(6.0)
    ARTIFACTS.mkdir(exist_ok=True)
    fp.page.locator("div.bk-Column").first.screenshot(path=str(ARTIFACTS / "tour_figure_layers.png"))


@pytest.mark.browser
def test_epoch_slider_swaps_the_network_and_keeps_the_layer(layer_page):
    fp, X, y, nets, seq = layer_page
    G = np.array(fp.inst("Array.from(I.G)")).reshape(5, 5)
    fp.js(f"() => {{ {INST}.widgets.time_slider.value = 3.25; }}")
    fp.settle()
    fp.js(f"() => {{ {INST}.widgets.epoch_slider.value = 1; }}")
    fp.settle()
    assert fp.inst("I.epochIndex") == 1 and fp.inst("I.layerPos") == pytest.approx(3.25)
    assert fp.inst("I.axisTitle(0)") == "epoch: 3"
    np.testing.assert_allclose(shown(fp), expected_points(X, nets, seq, 1, 3.25) @ G[:, :2], atol=upp_tol(fp))
    # playing the layers runs to the end of this epoch's network, and stops there
    fp.js(f"() => {{ {INST}.widgets.time_slider.value = 5.6; }}")
    fp.settle()
    fp.page.get_by_role("button", name="▶ layers").click()
    fp.page.wait_for_function(f"!{INST}.timePlaying", timeout=30_000)  # a playing page can be throttled on a loaded machine
    assert fp.inst("I.epochIndex") == 1 and fp.inst("I.layerPos") == pytest.approx(6.0)
    # a position a hair short of the end (a slider's float dust, 5.6 + 0.01 + … ≠ 6) still plays to
    # the end and stops: it once stayed "playing" forever, each step too small to register
    fp.js(f"() => {{ {INST}.setAxis(1, 6 - 8e-15); }}")
    assert fp.inst("I.layerPos") == 6.0
    fp.js(f"() => {{ {INST}.setAxis(1, 5.2); {INST}.pos[1] = 6 - 8e-15; {INST}.playAxis(1); }}")
    fp.page.wait_for_function(f"!{INST}.timePlaying", timeout=30_000)
    assert fp.inst("I.layerPos") == pytest.approx(6.0)
    # the tooltips' predictions are this epoch's
    k = round(fp.inst("I.epoch"))
    preds = np.array(fp.inst(f"Array.from(I.panels[0].preds.slice({k} * 150, {k + 1} * 150))"))
    np.testing.assert_array_equal(preds, np.argmax(net_out(X, nets[1]), axis=1))


@pytest.mark.browser
def test_brush_and_centroid_drag_on_a_layer(layer_page):
    fp, X, y, nets, seq = layer_page
    lam = 4.0  # the output of relu2
    fp.js(f"() => {{ {INST}.widgets.time_slider.value = {lam}; }}")
    fp.settle()
    G = np.array(fp.inst("Array.from(I.G)")).reshape(5, 5)
    Z = seq.at(0, lam)
    P = Z @ G[:, :2]
    # brush a small box around the median point of class 1
    sel_class = P[y == 1]
    mid = np.median(sel_class, axis=0)
    half = 0.25 * np.std(sel_class, axis=0).max()
    a, b = fp.client(0, mid[0] - half, mid[1] + half), fp.client(0, mid[0] + half, mid[1] - half)
    fp.drag(a, (b["x"] - a["x"], b["y"] - a["y"]))
    assert fp.inst("I.lastDrag") is None
    sel = np.array(fp.inst("Array.from(I.selection.indices)"))
    assert len(sel) >= 2
    c = np.array(fp.inst("Array.from(I.centroid)"))
    np.testing.assert_allclose(c, Z[sel].mean(axis=0), atol=1e-3)
    # drag the centroid handle towards the origin by half its distance
    p = c @ G[:, :2]
    upp = fp.units_per_pixel()
    start = fp.client(0, p[0], p[1])
    fp.drag(start, (-p[0] / 2 / upp, p[1] / 2 / upp))
    drag = fp.inst("I.lastDrag")
    assert drag["kind"] == "centroid"
    G2 = fp.G()
    np.testing.assert_allclose(G2, drag_centroid(G, np.array(drag["c"]), drag["delta"]), atol=1e-6)
    np.testing.assert_allclose(c @ G2[:, :2], p / 2, atol=2 * upp)
    # the brushed points stay highlighted (and keep their identity) at every other layer and epoch
    for lam2, e in ((0.0, 0), (2.5, 0), (6.0, 1)):
        fp.js(f"() => {{ {INST}.widgets.epoch_slider.value = {e}; }}")
        fp.settle()
        fp.js(f"() => {{ {INST}.widgets.time_slider.value = {lam2}; }}")
        fp.settle()
        flags = np.array(fp.inst("Array.from(I.panels[0].flags)"))
        assert set(np.flatnonzero(flags == 2)) == set(sel)
        assert (fp.inst("I.epochIndex"), fp.inst("I.layerPos")) == (e, pytest.approx(lam2))
        np.testing.assert_array_equal(fp.G(), G2)
        np.testing.assert_allclose(shown(fp), seq.at(e, lam2) @ G2[:, :2], atol=upp_tol(fp))
    fp.page.locator("div.bk-Column").first.screenshot(path=str(ARTIFACTS / "tour_figure_layers_brush.png"))


@pytest.mark.browser
def test_opens_on_the_last_epoch(open_figure):
    X, y = data()
    seq = layer_sequence(X, [small_net(1), small_net(2)], k=5, epochs=[0, 3])
    fp = open_figure(layer_tour_figure(seq, y, seed=1), "layers_default")
    assert (fp.inst("I.epochIndex"), fp.inst("I.layerPos")) == (1, 0)
    assert fp.inst("I.axisTitle(0)") == "epoch: 3"
    G = fp.G()
    np.testing.assert_allclose(shown(fp), seq.at(1, 0.0) @ G[:, :2], atol=upp_tol(fp))
    fp.page.get_by_role("button", name="Reset").click()
    fp.settle()
    assert (fp.inst("I.epochIndex"), fp.inst("I.layerPos")) == (1, 0)
