"""The atlas figure in headless Chromium, offline: zoom switches the grid level, class focus sets the
opacities, hover shows a cell's classes and examples, no console errors, no outside request; it fits a
360 px and a 1400 px column; on a phone a swipe scrolls the page, a pinch zooms, a tap shows a cell."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from atlas_fake import CLASSES, fake_atlas
from browser import open_page, serve_directory
from tourlib.viz.atlas_figure import atlas_figure, atlas_grid_figure, focus_alpha
from tourlib.viz.embed import standalone_html

pytestmark = pytest.mark.browser
INST = "tourlib.AtlasFigure.instances[0]"
READY = (f"window.tourlib && tourlib.AtlasFigure && tourlib.AtlasFigure.instances.length > 0 && "
         f"{INST}.drawnLevel >= 0 && {INST}.levels.every(l => l.ready)")


def chapter_page(layout, path: Path) -> Path:
    """The figure as a book page has it: a column of prose, the figure, more prose below."""
    html = standalone_html(layout)
    head, _, body = html.rpartition("</head><body>")
    html = head + ("</head><body style='margin:0 auto;max-width:760px;padding:0 12px'>"
                   "<p>Some prose before the figure.</p>") + body
    head, _, tail = html.rpartition("</body>")
    path.write_text(head + "<div style='height:1800px'>the rest of the chapter</div></body>" + tail, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def atlas():
    return fake_atlas(sizes=(8, 16, 32), n=3000, S=24, seed=2)


@pytest.fixture(scope="module")
def page(atlas, tmp_path_factory):
    grids, icons, images, *_ = atlas
    fig = atlas_figure(grids, icons, class_names=CLASSES, images=images, title="a synthetic atlas",
                       axis_labels=("← more cat", "more dog →"), figure_id="atlas-test")
    d = tmp_path_factory.mktemp("atlas")
    chapter_page(fig, d / "index.html")
    return d


def state(page):
    return page.evaluate(f"(() => {{ const I = {INST}; return {{level: I.level, drawnLevel: I.drawnLevel, zoom: I.zoom,"
                         "cx: I.cx, cy: I.cy, drawn: I.drawn.slice(), focus: I.state.focus, szoom: I.state.zoom,"
                         "slevel: I.state.level}; })()")


def settle(page):
    page.wait_for_function(f"!{INST}.anim && !{INST}.fading && !{INST}.pending", timeout=5000)
    page.wait_for_timeout(50)


def cell_client(page, m):
    return page.evaluate(f"(() => {{ const I = {INST}; const q = I.centre(I.level, {m}); return I.toClient(q.x, q.y); }})()")


def test_zoom_switches_levels_focus_sets_opacity_hover_shows_classes(browser, page, atlas):
    grids, icons, images, *_ = atlas
    with serve_directory(page) as base:
        context, tab, log = open_page(browser, f"{base}/index.html", allowed_prefix=base, viewport=(1400, 1000))
        try:
            tab.wait_for_function(READY, timeout=20000)
            s = state(tab)
            assert s["level"] == 0 and s["zoom"] == 1
            assert sorted(s["drawn"]) == list(range(len(grids[0].cells)))       # the whole coarse grid
            assert tab.evaluate("document.documentElement.scrollWidth") <= 1400
            # + zooms in: the finer levels' cells are drawn
            plus = tab.get_by_role("button", name="+")
            levels = []
            for _ in range(3):
                plus.click()
                settle(tab)
                levels.append(state(tab)["level"])
            assert levels == sorted(levels) and levels[-1] == 2 and levels[0] >= 0
            s = state(tab)
            assert s["drawnLevel"] == 2 and 0 < len(s["drawn"]) < len(grids[2].cells)   # off-screen cells culled
            assert s["szoom"] == pytest.approx(s["zoom"]) and s["slevel"] == 2          # written to the state model
            drawn_centres = tab.evaluate(f"{INST}.drawn.map(m => {INST}.centre(2, m))")
            half = 0.5 / s["zoom"] + 1.0 / 32
            assert all(abs(q["x"] - s["cx"]) <= half and abs(q["y"] - s["cy"]) <= half for q in drawn_centres)
            tab.get_by_role("button", name="reset").click()
            settle(tab)
            assert state(tab)["level"] == 0 and state(tab)["zoom"] == pytest.approx(1)
            # double-click zooms in at the pointer; ctrl + wheel zooms; a plain wheel scrolls the page
            box = tab.evaluate(f"(() => {{ const f = {INST}.frameRect(); return [f.left, f.top, f.width, f.height]; }})()")
            x, y = box[0] + box[2] * 0.3, box[1] + box[3] * 0.4
            tab.mouse.dblclick(x, y)
            settle(tab)
            assert state(tab)["zoom"] == pytest.approx(2)
            tab.mouse.move(x, y)
            tab.keyboard.down("Control")
            tab.mouse.wheel(0, -300)
            tab.keyboard.up("Control")
            settle(tab)
            z = state(tab)["zoom"]
            assert z > 2.5
            tab.mouse.wheel(0, 300)
            tab.wait_for_timeout(300)
            assert state(tab)["zoom"] == pytest.approx(z) and tab.evaluate("window.scrollY") > 0
            tab.evaluate("window.scrollTo(0, 0)")
            tab.wait_for_timeout(200)
            # a mouse drag pans
            s0 = state(tab)
            x, y = box[0] + box[2] * 0.5, box[1] + box[3] * 0.5
            tab.mouse.move(x, y)
            tab.mouse.down()
            tab.mouse.move(x + 60, y + 40, steps=6)
            tab.mouse.up()
            s1 = state(tab)
            assert s1["cx"] < s0["cx"] and s1["cy"] > s0["cy"]
            tab.get_by_role("button", name="reset").click()
            settle(tab)

            # class focus: each icon's opacity is its share of the level's strongest attribution to the class
            tab.select_option("select", "cat")
            tab.wait_for_timeout(200)
            alphas = tab.evaluate(f"{INST}.alphas.map(a => Array.from(a))")
            for g, a in zip(grids, alphas):
                # (the page holds the attributions as int16 codes: an error of at most max|a| / 65534)
                np.testing.assert_allclose(a, focus_alpha(g.mean_attribution, CLASSES.index("cat")), atol=2e-4)
            assert state(tab)["focus"] == "cat"
            tab.select_option("select", "all")
            tab.wait_for_timeout(200)
            assert all(np.allclose(a, 1) for a in tab.evaluate(f"{INST}.alphas.map(a => Array.from(a))"))
            assert state(tab)["focus"] == ""

            # hover a cell: its top classes, its count and examples from its own members
            g = grids[0]
            m = int(np.argmax(g.count))
            c = cell_client(tab, m)
            tab.mouse.move(c["x"], c["y"])
            tab.wait_for_function(f"{INST}.hovered === {m}", timeout=3000)
            tip = tab.evaluate("(() => { const t = document.querySelector('.tl-atlas-tip'); return {shown: t.style.display,"
                               "text: t.innerText, classes: [...t.querySelectorAll('.tl-atlas-class b')].map(b => b.textContent),"
                               "ex: [...t.querySelectorAll('canvas')].map(c => +c.dataset.activation)}; })()")
            assert tip["shown"] == "block"
            assert tip["classes"] == [CLASSES[k] for k in g.top_classes(3)[m]]
            assert f"{g.count[m]} activations" in tip["text"]
            assert 1 <= len(tip["ex"]) <= 3 and set(tip["ex"]) <= set(np.asarray(g.members[m]).tolist())
            tab.screenshot(path=str(page / "desktop.png"))
            tab.mouse.move(5, 5)
            tab.wait_for_function(f"{INST}.hovered === -1", timeout=3000)
            assert tab.evaluate("tourlib.AtlasFigure.byId('atlas-test') === " + INST)
            # writes into the state model (what a kernel does) move the view and set the focus
            tab.evaluate(f"{INST}.state.setv({{zoom: 3, center: [0.4, 0.6]}}); {INST}.state.focus = 'dog'")
            settle(tab)
            s = state(tab)
            assert s["zoom"] == pytest.approx(3) and (s["cx"], s["cy"]) == (pytest.approx(0.4), pytest.approx(0.6))
            assert s["focus"] == "dog" and tab.evaluate(f"{INST}.focus") == CLASSES.index("dog")
        finally:
            context.close()
    assert log.errors == []
    assert log.blocked == []


@pytest.mark.parametrize("width", [360, 1400])
def test_fits_its_column(browser, page, width):
    with serve_directory(page) as base:
        context, tab, log = open_page(browser, f"{base}/index.html", allowed_prefix=base, viewport=(width, 900))
        try:
            tab.wait_for_function(READY, timeout=20000)
            assert tab.evaluate("document.documentElement.scrollWidth") <= width
            f = tab.evaluate(f"(() => {{ const f = {INST}.frameRect(); return [f.left, f.width, f.height]; }})()")
            assert f[0] >= 0 and f[0] + f[1] <= width and abs(f[1] - f[2]) < 2     # square, inside the page
            assert f[1] >= min(width - 40, 600)                                     # and it uses its column
            right = tab.evaluate("Math.max(...[...document.querySelectorAll('.tourlib-figure *')].map(e => "
                                 "e.getBoundingClientRect().right))")
            assert right <= width + 0.5
        finally:
            context.close()
    assert log.errors == [] and log.blocked == []


def test_on_a_phone_swipe_scrolls_pinch_zooms_tap_shows(browser, page, atlas):
    grids = atlas[0]
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True,
                                  device_scale_factor=2)
    tab = context.new_page()
    errors = []
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto((page / "index.html").as_uri())
        tab.wait_for_function(READY, timeout=20000)
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        f = tab.evaluate(f"(() => {{ const f = {INST}.frameRect(); return [f.left, f.top, f.width, f.height]; }})()")
        x, y = f[0] + f[2] / 2, f[1] + f[3] * 0.7
        cdp = context.new_cdp_session(tab)

        def touch(kind, points):
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": a, "y": b} for a, b in points]})

        # a vertical one-finger swipe scrolls the page and leaves the view alone
        touch("touchStart", [(x, y)])
        for k in range(1, 11):
            touch("touchMove", [(x, y - 25 * k)])
        touch("touchEnd", [])
        tab.wait_for_function("window.scrollY > 100", timeout=2000)
        assert state(tab)["zoom"] == 1
        tab.wait_for_function("""() => { const y = window.scrollY, w = window.__lastY; window.__lastY = y;
                                 return w === y; }""", polling=250, timeout=5000)     # the fling is over
        tab.evaluate("window.scrollTo(0, 0)")
        tab.wait_for_timeout(300)
        assert tab.evaluate("window.scrollY") == 0
        # a two-finger pinch zooms
        cx, cy = f[0] + f[2] / 2, f[1] + f[3] / 2
        touch("touchStart", [(cx - 30, cy), (cx + 30, cy)])
        for k in range(1, 11):
            touch("touchMove", [(cx - 30 - 8 * k, cy), (cx + 30 + 8 * k, cy)])
        touch("touchEnd", [])
        tab.wait_for_timeout(300)
        assert state(tab)["zoom"] > 1.8
        assert tab.evaluate("window.scrollY") == 0
        # zoomed in, a sideways finger pans and an upright swipe still scrolls the page
        z = state(tab)
        touch("touchStart", [(cx, cy)])
        for k in range(1, 9):
            touch("touchMove", [(cx - 10 * k, cy + k)])
        touch("touchEnd", [])
        tab.wait_for_timeout(200)
        moved = state(tab)
        assert moved["cx"] > z["cx"] and tab.evaluate("window.scrollY") == 0
        touch("touchStart", [(cx, cy + 100)])
        for k in range(1, 11):
            touch("touchMove", [(cx, cy + 100 - 25 * k)])
        touch("touchEnd", [])
        tab.wait_for_function("window.scrollY > 100", timeout=2000)
        assert state(tab)["cy"] == pytest.approx(moved["cy"])
        tab.wait_for_function("""() => { const y = window.scrollY, w = window.__lastY; window.__lastY = y;
                                 return w === y; }""", polling=250, timeout=5000)
        tab.evaluate("window.scrollTo(0, 0)")
        tab.wait_for_timeout(300)
        # a tap on a cell shows its classes
        tab.evaluate(f"{INST}.reset()")
        settle(tab)
        g = grids[0]
        m = int(np.argmax(g.count))
        c = cell_client(tab, m)
        tab.touchscreen.tap(c["x"], c["y"])
        tab.wait_for_function(f"{INST}.hovered === {m}", timeout=3000)
        names = tab.evaluate("[...document.querySelectorAll('.tl-atlas-tip .tl-atlas-class b')].map(b => b.textContent)")
        assert names == [CLASSES[k] for k in g.top_classes(3)[m]]
        tab.screenshot(path=str(page / "phone.png"))
        # a double tap zooms in there
        tab.wait_for_timeout(400)
        tab.touchscreen.tap(c["x"], c["y"])
        tab.touchscreen.tap(c["x"], c["y"])
        settle(tab)
        assert state(tab)["zoom"] == pytest.approx(2)
    finally:
        context.close()
    assert errors == []


def test_activation_grid_hover_outlines_the_patch(browser, tmp_path):
    rng = np.random.default_rng(0)
    H = W = 4
    image = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
    icons = rng.integers(0, 255, (H, W, 12, 12, 3), dtype=np.uint8)
    boxes = np.zeros((H, W, 4))
    for i in range(H):
        for j in range(W):
            boxes[i, j] = (max(0, 8 * i - 4), min(32, 8 * i + 12), max(0, 8 * j - 4), min(32, 8 * j + 12))
    att = rng.normal(size=(H, W, 10))
    fig = atlas_grid_figure(image, icons, boxes, attributions=att, class_names=CLASSES, title="one image")
    chapter_page(fig, tmp_path / "index.html")
    with serve_directory(tmp_path) as base:
        context, tab, log = open_page(browser, f"{base}/index.html", allowed_prefix=base, viewport=(1400, 900))
        try:
            tab.wait_for_function("window.tourlib && tourlib.AtlasGrid && Bokeh.documents.length > 0", timeout=20000)
            tab.wait_for_timeout(500)
            i, j = 2, 1
            xy = tab.evaluate(f"""(() => {{
                const doc = Bokeh.documents[0];
                const p = [...doc.all_models].find(m => m.tags && m.tags.includes('tl-atlas-grid-icons'));
                const v = Bokeh.index.find_one(p);
                const r = v.canvas_view.el.getBoundingClientRect();
                return [r.left + v.frame.x_scale.compute({j} + 0.5), r.top + v.frame.y_scale.compute({i} + 0.5)];
            }})()""")
            tab.mouse.move(xy[0], xy[1])
            tab.wait_for_function(f"tourlib.AtlasGrid.shown === {i * W + j}", timeout=3000)
            box = tab.evaluate("""(() => { const doc = Bokeh.documents[0];
                const info = [...doc.all_models].find(m => m.tags && m.tags.includes('tl-atlas-grid-info'));
                const src = [...doc.all_models].find(m => m.data && m.data.w && m.data.x && m.data.x.length === 1);
                return {info: info.text, x: src.data.x[0], y: src.data.y[0], w: src.data.w[0], h: src.data.h[0]}; })()""")
            y0, y1, x0, x1 = boxes[i, j]
            assert box["x"] == pytest.approx((x0 + x1) / 2) and box["w"] == pytest.approx(x1 - x0)
            assert box["y"] == pytest.approx((y0 + y1) / 2) and box["h"] == pytest.approx(y1 - y0)
            assert CLASSES[int(np.argmax(att[i, j]))] in box["info"]
            tab.screenshot(path=str(tmp_path / "grid.png"))
            tab.set_viewport_size({"width": 360, "height": 800})          # a phone: the panels stack
            tab.wait_for_timeout(400)
            assert tab.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            context.close()
    assert log.errors == [] and log.blocked == []


def test_without_the_glyph_canvas_the_pixels_go_through_the_data_source(browser, page):
    with serve_directory(page) as base:
        context, tab, log = open_page(browser, f"{base}/index.html", allowed_prefix=base, viewport=(1000, 900))
        try:
            tab.wait_for_function(READY, timeout=20000)
            tab.evaluate(f"tourlib.bridge.imageCanvas = () => null; {INST}.zoomBy(2)")
            settle(tab)
            out = tab.evaluate(f"""(() => {{ const I = {INST}; const img = I.fig.source.data.image[0];
                const px = I.cv.getContext('2d').getImageData(0, 0, I.W, I.H).data, mine = new Uint32Array(px.buffer);
                let same = img.length === mine.length, ink = 0;
                for (let i = 0; i < img.length; i += 97) {{ if (img[i] !== mine[i]) same = false; if (img[i] !== 0xffffffff) ink++; }}
                return {{direct: I.direct, same, ink, shape: img.shape}}; }})()""")
            assert out["direct"] is False and out["same"] and out["ink"] > 100
        finally:
            context.close()
    assert log.errors == [] and log.blocked == []


def test_two_atlases_on_one_page_are_independent(browser, atlas, tmp_path):
    """A chapter shows several atlases, each its own Bokeh document, as the built book embeds them."""
    from tourlib.viz.atlas_figure import atlas_state
    from tourlib.viz.embed import EMBED_MODULE, _item_html, bokehjs_files, js_bundle

    grids, icons, images, *_ = atlas
    a = atlas_figure(grids, icons, class_names=CLASSES, figure_id="first")
    b = atlas_figure(grids[:2], icons[:2], class_names=CLASSES, images=images, figure_id="second")
    assert atlas_state(a) is not atlas_state(b)
    bokeh = "".join(f"<script>{p.read_text()}</script>" for p in bokehjs_files())
    ours = "".join(f"<script>{p.read_text()}</script>" for p in js_bundle(["atlas_figure", EMBED_MODULE]))
    html = (f"<!DOCTYPE html><html><head><meta charset='utf-8'>{bokeh}</head><body>"
            f"<p>one</p>{_item_html(a)}<p>two</p>{_item_html(b)}{ours}</body></html>")
    (tmp_path / "index.html").write_text(html, encoding="utf-8")
    with serve_directory(tmp_path) as base:
        context, tab, log = open_page(browser, f"{base}/index.html", allowed_prefix=base, viewport=(1000, 900))
        try:
            tab.wait_for_function("window.tourlib && tourlib.AtlasFigure && tourlib.AtlasFigure.instances.length === 2 && "
                                  "tourlib.AtlasFigure.instances.every(I => I.drawnLevel >= 0)", timeout=20000)
            tab.evaluate("tourlib.AtlasFigure.byId('second').zoomBy(2); tourlib.AtlasFigure.byId('first').setFocus('dog')")
            tab.wait_for_timeout(600)
            z = tab.evaluate("['first', 'second'].map(id => { const I = tourlib.AtlasFigure.byId(id); "
                             "return [I.zoom, I.focus, I.levels.length]; })")
            assert z[0] == [1, CLASSES.index("dog"), 3] and z[1][0] == pytest.approx(2) and z[1][1:] == [-1, 2]
        finally:
            context.close()
    assert log.errors == [] and log.blocked == []
