"""The Grand Tour figure driven in headless Chromium: every interaction checked against the Python math.

Each test builds a small figure, saves it as a standalone page (no outside requests: every
non-file request is blocked and would fail the test), drives it with the mouse or its widgets, and compares what the page
shows (``tourlib.TourFigure.instances[0]``) with ``tourlib.tour`` and ``tourlib.viz.raster``.
Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bokeh.models import ColumnDataSource

from tourlib.tour import GrandTour, drag_axis, drag_centroid
from tourlib.viz.embed import save_html
from tourlib.viz.raster import auto_dot_size, hex_to_rgba, rasterize_points, splat_offsets
from tourlib.viz.palette import class_colors
from tourlib.viz.tour_figure import tour_figure

from browser import open_page

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
INST = "tourlib.TourFigure.instances[0]"


def mixture(n=400, d=6, k=4, seed=0, T=None):
    """A labelled Gaussian mixture (N×d, or T×N×d drifting from a blob to separated classes)."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    means = 3.0 * np.eye(k, d)
    noise = rng.normal(size=(n, d))
    if T is None:
        return noise + means[y], y
    return np.stack([noise * (1.0 - 0.1 * t) + (t / (T - 1)) * means[y] for t in range(T)]), y


class FigurePage:
    """A tour figure open in a browser tab; ``log`` collects console errors and blocked requests."""

    def __init__(self, page, log):
        self.page = page
        self.log = log

    def js(self, expr, arg=None):
        return self.page.evaluate(expr, arg)

    def inst(self, expr):
        """Evaluate ``expr`` with ``I`` bound to the figure instance."""
        return self.page.evaluate(f"(() => {{ const I = {INST}; return {expr}; }})()")

    def G(self):
        return np.array(self.inst("Array.from(I.G)")).reshape(self.d, self.d)

    @property
    def d(self):
        return self.inst("I.d")

    def wait_frames(self, n=1):
        start = self.inst("I.frameCount")
        self.page.wait_for_function(f"{INST}.frameCount >= {start + n}")

    def settle(self):
        """Two animation frames: lets pending renders happen."""
        self.page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def client(self, panel, x, y):
        """Client pixel of data point (x, y) in a panel."""
        return self.js("([k, x, y]) => tourlib.TourFigure.instances[0].panels[k].toClient(x, y)", [panel, x, y])

    def handle_client(self, i, panel=0):
        s = self.inst("I.cfg.handle_scale")
        B = np.array(self.inst("Array.from(I.B)")).reshape(-1, 2)
        return self.client(panel, s * B[i, 0], s * B[i, 1])

    def drag(self, start, delta, steps=5):
        m = self.page.mouse
        m.move(start["x"], start["y"])
        m.down()
        m.move(start["x"] + delta[0], start["y"] + delta[1], steps=steps)
        m.up()
        self.settle()

    def units_per_pixel(self, panel=0):
        return self.js("(k) => tourlib.TourFigure.instances[0].panels[k].unitsPerPixel()", panel)

    def screenshot(self, name):
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"tour_figure_{name}.png"))

    def pause(self):
        if self.inst("I.playing"):
            self.page.get_by_role("button", name="Pause").click()
        self.settle()
        assert self.inst("I.playing") is False


@pytest.fixture
def open_figure(browser, tmp_path):
    """Open a layout as a standalone page (only file: URLs load); fail the test on console errors."""
    opened = []

    def _open(layout, name="figure"):
        path = save_html(layout, tmp_path / f"{name}.html")
        context, page, log = open_page(browser, path.as_uri(), "file://", viewport=(1000, 760))
        page.wait_for_function(f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 && {INST}.frameCount > 0")
        fp = FigurePage(page, log)
        opened.append((context, fp))
        return fp

    yield _open
    for context, fp in opened:
        context.close()
        assert fp.log.errors == [], f"console errors: {fp.log.errors}"
        assert fp.log.blocked == [], f"outside requests: {fp.log.blocked}"


@pytest.mark.parametrize("d", [3, 10, 70])
def test_fast_projection_equals_the_engines(open_figure, d):
    """tour_project.js (unrolled for d ≤ 64) gives exactly tourlib.linalg.projectInto's numbers."""
    X = np.random.default_rng(d).normal(size=(257, d))
    fp = open_figure(tour_figure(X, autoplay=False), f"project_{d}")
    same = fp.js("""() => { const P = tourlib.TourFigure.instances[0].panels[0], B = tourlib.TourFigure.instances[0].B;
        const a = new Float32Array(2 * P.n), b = new Float32Array(2 * P.n);
        tourlib.project.project(a, P.step(0), P.n, P.d, B); tourlib.linalg.projectInto(b, P.step(0), P.n, P.d, B);
        return a.every((v, k) => v === b[k]); }""")
    assert same


def test_pause_stops_and_play_resumes(open_figure):
    X, y = mixture()
    fp = open_figure(tour_figure(X, y), "play_pause")
    fp.wait_frames(3)
    fp.pause()
    t0, f0 = fp.inst("I.t"), fp.inst("I.frameCount")
    fp.page.wait_for_timeout(300)
    assert fp.inst("I.t") == t0 and fp.inst("I.frameCount") == f0, "a paused tour must not move or redraw"
    assert fp.inst("I.state.playing") is False
    assert fp.inst("I.widgets.play.label").endswith("Play")
    fp.page.get_by_role("button", name="Play").click()
    fp.page.wait_for_function(f"{INST}.t > {t0} + 0.1")
    assert fp.inst("I.state.playing") is True
    assert fp.inst("I.widgets.play.label").endswith("Pause")


def test_speed_slider_scales_tour_time(open_figure):
    X, y = mixture()
    fp = open_figure(tour_figure(X, y), "speed")
    fp.pause()
    fp.inst("I.widgets.speed.value = 3")  # as the slider widget does
    assert fp.inst("I.rate") == 3
    fp.page.get_by_role("button", name="Play").click()
    t0, w0 = fp.inst("I.t"), fp.js("performance.now()")
    fp.page.wait_for_timeout(600)
    t1, w1 = fp.inst("I.t"), fp.js("performance.now()")
    rate = (t1 - t0) / ((w1 - w0) / 1000)
    assert 1.8 < rate < 3.3, f"tour time should run ~3× wall time, got {rate:.2f}×"


def test_axis_drag_is_drag_axis(open_figure):
    X, y = mixture()
    fp = open_figure(tour_figure(X, y, seed=1), "axis_drag")
    fp.pause()
    G_before = fp.G()
    i = 2
    start = fp.handle_client(i)
    fp.drag(start, (45, -30))
    drag = fp.inst("I.lastDrag")
    assert drag["kind"] == "axis" and drag["index"] == i
    np.testing.assert_array_equal(np.array(drag["G0"]).reshape(6, 6), G_before)
    # the applied delta is the mouse displacement in data units, over the handle scale
    s, upp = fp.inst("I.cfg.handle_scale"), fp.units_per_pixel()
    np.testing.assert_allclose(np.array(drag["delta"]) * s, [45 * upp, 30 * upp], atol=upp)
    G_expected = drag_axis(G_before, i, drag["delta"])
    np.testing.assert_allclose(fp.G(), G_expected, atol=1e-6)
    assert fp.inst("I.playing") is False
    # the handle ends where drag_axis puts row i: within |delta| of the cursor (article, fn. 14)
    end = fp.handle_client(i)
    assert np.hypot(end["x"] - start["x"] - 45, end["y"] - start["y"] + 30) <= np.hypot(45, 30) + 1
    # the browser wrote the view into the state model (what a live kernel reads)
    np.testing.assert_allclose(np.array(fp.inst("I.state.matrix")).reshape(6, 6), G_expected, atol=1e-12)
    fp.screenshot("axis_drag")
    # playing continues from the dragged view
    fp.page.get_by_role("button", name="Play").click()
    fp.wait_frames(2)
    fp.pause()
    t = fp.inst("I.t")
    tour = GrandTour(6, seed=1, path="torus").rebase(G_expected, drag_time := fp.inst("I.tour.baseTime"))
    np.testing.assert_allclose(fp.G(), tour.matrix(t), atol=1e-6)
    assert drag_time <= t


def test_brush_selects_and_centroid_drag_is_drag_centroid(open_figure):
    X, y = mixture(seed=2)
    fp = open_figure(tour_figure(X, y, seed=2, autoplay=False), "brush")  # a fixed view: the box must be on screen
    fp.pause()
    mu = X.mean(axis=0)
    G = fp.G()
    P = (X - mu) @ G[:, :2]
    # brush a box around the points of class 0
    lo, hi = P[y == 0].min(axis=0), P[y == 0].max(axis=0)
    a, b = fp.client(0, lo[0], hi[1]), fp.client(0, hi[0], lo[1])
    fp.drag({"x": a["x"] - 2, "y": a["y"] - 2}, (b["x"] - a["x"] + 4, b["y"] - a["y"] + 4))
    assert fp.inst("I.lastDrag") is None, "the brush must not have grabbed a handle"
    sel = np.array(fp.inst("Array.from(I.selection.indices)"))
    upp = fp.units_per_pixel()
    x0, x1, y0, y1 = lo[0] - 2 * upp, hi[0] + 2 * upp, lo[1] - 2 * upp, hi[1] + 2 * upp

    def in_box(m):  # the brushed box grown by m data units
        return (P[:, 0] >= x0 - m) & (P[:, 0] <= x1 + m) & (P[:, 1] >= y0 - m) & (P[:, 1] <= y1 + m)

    assert set(np.flatnonzero(in_box(-upp))) <= set(sel) <= set(np.flatnonzero(in_box(upp)))
    assert set(np.flatnonzero(y == 0)) <= set(sel)
    # the centroid is the brushed points' mean in (centred) data space
    c = np.array(fp.inst("Array.from(I.centroid)"))
    np.testing.assert_allclose(c, (X[sel] - mu).mean(axis=0), atol=1e-3)
    assert fp.inst("I.state.selected.length") == len(sel)
    fp.screenshot("brush")
    # drag the centroid handle halfway to the origin (reachable: |p/2| < |c|)
    p = c @ G[:, :2]
    start = fp.client(0, p[0], p[1])
    move = (-p[0] / 2 / upp, p[1] / 2 / upp)  # screen y points down
    fp.drag(start, move)
    drag = fp.inst("I.lastDrag")
    assert drag["kind"] == "centroid"
    np.testing.assert_allclose(drag["delta"], -p / 2, atol=upp)
    G_expected = drag_centroid(G, np.array(drag["c"]), drag["delta"])
    np.testing.assert_allclose(fp.G(), G_expected, atol=1e-6)
    # the group's centroid followed the cursor
    q = c @ fp.G()[:, :2]
    np.testing.assert_allclose(q, p + np.array(drag["delta"]), atol=1e-6)
    np.testing.assert_allclose(q, p / 2, atol=upp)
    fp.screenshot("centroid_drag")
    # a click on empty space clears the brush
    corner = fp.client(0, -0.95 * fp.inst("I.cfg.half"), 0.95 * fp.inst("I.cfg.half"))
    fp.page.mouse.click(corner["x"], corner["y"])
    fp.settle()
    assert fp.inst("I.selection") is None
    assert fp.inst("I.panels[0].ghostCount") == 0


def test_time_slider_interpolates_under_a_fixed_view(open_figure):
    X, y = mixture(T=4, seed=4)
    fp = open_figure(tour_figure(X, y, times=[0, 1, 5, 10], time_name="epoch"), "time")
    fp.pause()
    G = fp.G()
    # drag the slider's handle to the right
    handle = fp.page.locator(".noUi-handle").last
    box = handle.bounding_box()
    track = fp.page.locator(".noUi-base").last.bounding_box()
    fp.drag({"x": box["x"] + box["width"] / 2, "y": box["y"] + box["height"] / 2}, (0.6 * track["width"], 0))
    s = fp.inst("I.epoch")
    assert 1.0 < s < 3.0 and fp.inst("I.widgets.time_slider.value") == pytest.approx(s)
    np.testing.assert_array_equal(fp.G(), G)  # the projection stays fixed while the data change
    mu = X.reshape(-1, 6).mean(axis=0)
    k = int(np.floor(s))
    f = s - k
    expected = ((1 - f) * X[k] + f * X[k + 1] - mu) @ G[:, :2]
    proj = np.array(fp.inst("Array.from(I.panels[0].proj)")).reshape(-1, 2)
    np.testing.assert_allclose(proj, expected, atol=3e-3)
    assert fp.inst("I.axisTitle(0)") == f"epoch: {[0, 1, 5, 10][round(s)]}"
    # the slider reads the same, with no stray colon (title "epoch", its value the step's label)
    shown = fp.inst("tourlib.bridge.view(I.widgets.time_slider).title_el.textContent")
    assert shown == f"epoch: {[0, 1, 5, 10][round(s)]}"
    fp.screenshot("time")
    # playing the time axis runs to the last step and stops there
    fp.page.get_by_role("button", name="▶ epochs").click()
    fp.page.wait_for_function(f"{INST}.epoch === 3 && !{INST}.timePlaying", timeout=10_000)
    np.testing.assert_allclose(np.array(fp.inst("Array.from(I.panels[0].proj)")).reshape(-1, 2),
                               (X[3] - mu) @ G[:, :2], atol=3e-3)


def test_images_mode_draws_thumbnails(open_figure):
    X, y = mixture(n=300, seed=5)
    rng = np.random.default_rng(0)
    images = np.zeros((300, 10, 10), np.uint8)
    images[:, 2:8, 2:8] = 255  # a bright square per point
    preds = (y + (rng.random(300) < 0.2)) % 4
    fp = open_figure(tour_figure(X, y, images=images, predictions=preds, image_size=12), "images")
    fp.pause()
    dots = fp.inst("I.panels[0].buf.reduce((n, v) => n + (v !== 0), 0)")
    fp.page.get_by_text("images", exact=True).click()
    fp.settle()
    assert fp.inst("I.mode") == "images" and fp.inst("I.state.mode") == "images"
    with_images = fp.inst("I.panels[0].buf.reduce((n, v) => n + (v !== 0), 0)")
    assert with_images > dots
    # the last sprite (drawn on top) is centred on its point: its square of ink covers the point's pixel
    i = fp.inst("I.panels[0].imageIndex[I.panels[0].imageIndex.length - 1]")
    xy = fp.inst(f"[I.panels[0].proj[{2 * i}], I.panels[0].proj[{2 * i + 1}]]")
    v = fp.inst("I.panels[0].lastView")
    px = int(np.floor((xy[0] - v["x0"]) * v["W"] / (v["x1"] - v["x0"])))
    py = int(np.floor((v["y1"] - xy[1]) * v["H"] / (v["y1"] - v["y0"])))
    rgb = hex_to_rgba(class_colors(4)[y[i]])
    pix = fp.inst(f"I.panels[0].buf[{py * v['W'] + px}]")
    assert pix & 0xFFFFFF == rgb[0] | rgb[1] << 8 | rgb[2] << 16  # ink in the class colour
    # tooltip of that point: class, index and prediction, with its image
    c = fp.client(0, xy[0], xy[1])
    fp.page.mouse.move(c["x"], c["y"])
    fp.settle()
    h = fp.inst("I.hover.index")
    tip = fp.page.locator(".tourlib-tip")
    assert tip.is_visible()
    text = tip.inner_text()
    assert f"#{h}" in text and ["a", "b", "c", "d"][y[h]] in text.split() or str(y[h]) in text
    pred = ["0", "1", "2", "3"][preds[h]]
    assert f"predicted: {pred}" in text and ("✓" in text) == (preds[h] == y[h])
    assert tip.locator("canvas").count() == 1  # every point has an image here
    fp.screenshot("images_tooltip")
    fp.page.get_by_text("dots", exact=True).click()
    fp.settle()
    assert fp.inst("I.mode") == "dots"


def test_legend_hover_highlights_and_click_hides(open_figure):
    X, y = mixture(seed=6)
    fp = open_figure(tour_figure(X, y, classes=["a", "b", "c", "d"]), "legend")
    fp.pause()
    item = fp.page.locator(".tl-item", has_text="c")
    item.hover()
    fp.settle()
    assert fp.inst("I.panels[0].activeCount") == int((y == 2).sum())
    fp.screenshot("legend_hover")
    item.click()
    fp.page.mouse.move(5, 740)
    fp.settle()
    assert fp.inst("Array.from(I.hidden)") == [0, 0, 1, 0]
    assert fp.inst("I.panels[0].ghostCount") == int((y == 2).sum())
    assert fp.inst("Array.from(I.state.hidden_classes)") == [2]
    assert "tl-off" in item.get_attribute("class")
    fp.screenshot("legend_hidden")
    item.click()
    fp.page.mouse.move(5, 740)
    fp.settle()
    assert fp.inst("I.panels[0].ghostCount") == 0


def test_page_raster_is_the_python_raster(open_figure):
    X, y = mixture(n=500, seed=7)
    fp = open_figure(tour_figure(X, y, seed=7), "raster")
    fp.pause()
    fp.inst("(I.cfg.show_handles = false, I.requestFrame())")  # compare the points only, not the labels
    fp.settle()
    G, v = fp.G(), fp.inst("I.panels[0].lastView")
    buf = np.array(fp.inst("Array.from(I.panels[0].buf)"), dtype=np.uint32).reshape(v["H"], v["W"])
    page = buf.view(np.uint8).reshape(v["H"], v["W"], 4)
    xy = (X - X.mean(axis=0)) @ G[:, :2]
    colors = np.array([hex_to_rgba(c) for c in class_colors(4)], np.uint8)[y]
    D = auto_dot_size(len(X))
    assert fp.inst("I.cfg.fill") == splat_offsets(D).ravel().tolist()
    ours = rasterize_points(xy, colors, (v["x0"], v["x1"], v["y0"], v["y1"]), v["W"], v["H"],
                            diameter=D, outline=D >= 3)
    same = np.all(page == ours, axis=2).mean()
    assert same > 0.998, f"only {same:.4f} of the pixels agree"  # (the page also draws a 17-pixel origin cross)


def test_preset_button_moves_to_the_preset_view(open_figure):
    X, y = mixture()
    B = np.zeros((6, 2))
    B[0, 0] = B[1, 1] = 1.0
    fp = open_figure(tour_figure(X, y, presets={"axes 0 and 1": B}), "preset")
    fp.page.get_by_role("button", name="axes 0 and 1").click()
    fp.page.wait_for_function(f"{INST}.transition === null && !{INST}.playing", timeout=5000)
    fp.settle()
    G = fp.G()
    np.testing.assert_allclose(G[:, :2], B, atol=1e-12)
    np.testing.assert_allclose(G.T @ G, np.eye(6), atol=1e-12)
    mu = X.mean(axis=0)
    proj = np.array(fp.inst("Array.from(I.panels[0].proj)")).reshape(-1, 2)
    np.testing.assert_allclose(proj, (X - mu)[:, :2], atol=2e-3)
    fp.screenshot("preset")


def test_zoom_and_reset(open_figure):
    X, y = mixture()
    fp = open_figure(tour_figure(X, y), "zoom")
    fp.pause()
    half = fp.inst("I.cfg.half")
    fp.page.get_by_title("Zoom In", exact=False).first.click()
    fp.settle()
    v = fp.inst("I.panels[0].lastView")
    assert v["x1"] - v["x0"] < 2 * half * 0.95, "zoom in must narrow the view"
    # points are re-rasterised at the new scale: the view and the raster agree
    assert fp.inst("I.panels[0].placement").startswith(f"{v['x0']},{v['x1']}")
    fp.page.get_by_role("button", name="Reset").click()
    fp.settle()
    v = fp.inst("I.panels[0].lastView")
    assert v["x0"] == pytest.approx(-half) and v["x1"] == pytest.approx(half)
    G0 = GrandTour(6, seed=0, path="torus").matrix(0.0)
    np.testing.assert_allclose(fp.G(), G0, atol=1e-12)
    assert fp.inst("I.t") == 0


def test_panels_share_one_view(open_figure):
    Xa, ya = mixture(n=300, seed=8)
    Xb, yb = mixture(n=200, seed=9)
    fp = open_figure(tour_figure({"train": Xa, "test": Xb}, {"train": ya, "test": yb}), "panels")
    fp.pause()
    G = fp.G()
    mu = np.vstack([Xa, Xb]).mean(axis=0)
    for k, X in enumerate([Xa, Xb]):
        proj = np.array(fp.inst(f"Array.from(I.panels[{k}].proj)")).reshape(-1, 2)
        np.testing.assert_allclose(proj, (X - mu) @ G[:, :2], atol=2e-3)
    # dragging a handle in the second panel turns both
    fp.drag(fp.handle_client(0, panel=1), (30, 30))
    G2 = fp.G()
    assert not np.allclose(G2, G)
    for k, X in enumerate([Xa, Xb]):
        proj = np.array(fp.inst(f"Array.from(I.panels[{k}].proj)")).reshape(-1, 2)
        np.testing.assert_allclose(proj, (X - mu) @ G2[:, :2], atol=2e-3)
    fp.screenshot("panels")


def test_state_sync_round_trip_through_jupyter_bokeh(open_figure):
    """Browser → kernel and kernel → browser, with jupyter_bokeh's own Python side and BokehJS's own
    serialisation; only the comm transport between them is simulated."""
    from tourlib.viz.live import TourView

    X, y = mixture()
    layout = tour_figure(X, y, seed=4)
    fp = open_figure(layout, "sync")
    view = TourView(layout)
    widget = view.widget()  # jupyter_bokeh.BokehModel over the same models (same ids as the page)
    # record what jupyter_bokeh's front end would send: BokehJS-serialised change events
    fp.js("""() => { const doc = Bokeh.documents[0]; const S = Bokeh.require('core/serialization').Serializer;
        window.__sent = [];
        doc.on_change((ev) => { const refs = new Map(); for (const m of doc._all_models.values()) refs.set(m, m.ref());
            const msg = new S({references: refs}).encode(ev); msg.event = 'jsevent'; window.__sent.push(JSON.stringify(msg)); });
    }""")
    fp.pause()
    fp.drag(fp.handle_client(1), (25, 40))
    G_page = fp.G()
    sent = [json.loads(m) for m in fp.js("window.__sent")]
    assert any(m.get("kind") == "ModelChanged" and m.get("attr") == "matrix" for m in sent)
    assert not any(m.get("model", {}).get("id") in {s.id for s in layout.select({"type": ColumnDataSource})}
                   for m in sent), "per-frame sources must not be synced to the kernel"
    for m in sent:
        widget._sync_model(widget, m, [])
    np.testing.assert_allclose(view.matrix, G_page, atol=1e-15)
    assert view.playing is False
    # kernel → browser: the patch jupyter_bokeh sends when Python sets the matrix
    patches = []
    widget.send = lambda msg, buffers=None: patches.append(msg)
    Q = np.linalg.qr(np.random.default_rng(0).normal(size=(6, 6)))[0]
    view.matrix = Q
    content = json.loads(patches[2]["payload"])
    fp.js("(c) => Bokeh.documents[0].apply_json_patch(c, [])", content)
    fp.settle()
    np.testing.assert_allclose(fp.G(), Q, atol=1e-12)
    proj = np.array(fp.inst("Array.from(I.panels[0].proj)")).reshape(-1, 2)
    np.testing.assert_allclose(proj, (X - X.mean(axis=0)) @ Q[:, :2], atol=2e-3)
