"""The tour figure on a phone (390×844, touch) and in a narrow column, in Chromium.

Panels shrink to the column and the legend and controls wrap under them (nothing off-screen); a
vertical swipe over a plot scrolls the page; a touch that starts on a handle drags the handle and
does not scroll; "+ handle" brings the brush back for one brush. On a desktop the panels keep their
size and the brush stays the default drag.
"""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.layouts import column
from bokeh.models import Div

from tourlib.viz.embed import save_html
from tourlib.viz.tour_figure import tour_figure
from tourlib.viz.tour_handles import class_groups

from browser import open_page

pytestmark = pytest.mark.browser
INST = "tourlib.TourFigure.instances[0]"


def page_with_figure(tmp_path, **kw):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    X = rng.normal(size=(300, 5)) + 2 * np.eye(3, 5)[y]
    X = np.stack([X, 1.5 * X])                                  # two steps: an axis slider too
    fig = tour_figure({"train": X, "test": X[:, ::-1]}, {"train": y, "test": y[::-1]}, autoplay=False, seed=1,
                      handles={"classes": class_groups(y, ["a", "b", "c"])}, classes=["a", "b", "c"], **kw)
    return save_html(column(fig, Div(text="the rest of the chapter", height=1600)), tmp_path / "phone.html")


def open_touch(browser, path, width=390, height=844, touch=True):
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch, is_mobile=touch,
                                  device_scale_factor=2 if touch else 1)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri())
    page.wait_for_function(f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 && {INST}.frameCount > 0")
    page.wait_for_timeout(300)
    return context, page, errors


def swipe(context, page, x, y, dy, steps=10):
    cdp = context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, steps + 1):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y + dy * k / steps}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(400)


def rect(page, expr):
    return page.evaluate(f"(() => {{ const I = {INST}; const r = ({expr}).getBoundingClientRect(); "
                         "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; })()")


def test_on_a_phone_the_figure_fits_and_the_page_scrolls(browser, tmp_path):
    context, page, errors = open_touch(browser, page_with_figure(tmp_path))
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        frames = page.evaluate(f"{INST}.panels.map(p => p.plot.frame_width)")
        assert all(200 <= f <= 390 - 16 for f in frames)
        a, b = rect(page, "I.panels[0].pv.el"), rect(page, "I.panels[1].pv.el")
        legend = rect(page, "tourlib.bridge.view(I.fig.legend).el")
        assert b["top"] >= a["bottom"] - 1 and legend["top"] >= b["bottom"] - 1   # stacked, legend below
        assert max(a["right"], b["right"], legend["right"]) <= 390
        # the raster follows the smaller frame (square, no stretch)
        page.wait_for_function(f"{INST}.panels[0].W === 2 * {INST}.panels[0].plot.inner_width", timeout=5000)
        W, H, inner = page.evaluate(f"[{INST}.panels[0].W, {INST}.panels[0].H, {INST}.panels[0].plot.inner_width]")
        assert W == H and inner <= 390 - 16
        assert page.evaluate(f"{INST}.panels[0].plot.toolbar.active_drag") is None
        # a vertical swipe over the plot scrolls the page
        page.evaluate("window.scrollTo(0, 0)")
        x, y = (a["left"] + a["right"]) / 2, (a["top"] + a["bottom"]) / 2
        swipe(context, page, x, y + 100, -200)
        assert page.evaluate("window.scrollY") > 100
        # a vertical swipe over an axis slider scrolls too (a sideways drag would move it)
        page.evaluate(f"tourlib.bridge.view({INST}.widgets.time_slider).el.scrollIntoView({{block: 'center'}})")
        page.wait_for_timeout(200)
        sl = rect(page, "tourlib.bridge.view(I.widgets.time_slider).el")
        y_before = page.evaluate("window.scrollY")
        swipe(context, page, (sl["left"] + sl["right"]) / 2, sl["bottom"] - 8, -120)
        assert page.evaluate("window.scrollY") > y_before + 40
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(200)
        # a touch on an axis handle drags it, and the page stays put
        h = page.evaluate(f"""(() => {{ const I = {INST}, s = I.cfg.handle_scale;
            return I.panels[0].toClient(s * I.B[0], s * I.B[1]); }})()""")
        swipe(context, page, h["x"], h["y"], 40, steps=6)
        assert page.evaluate(f"{INST}.lastDrag && {INST}.lastDrag.kind") == "axis"
        assert page.evaluate("window.scrollY") == 0
        # "+ handle" arms the brush for one brush, then the page scrolls again
        page.locator(".tl-new").tap()
        assert page.evaluate(f"{INST}.armed") is True
        assert page.evaluate(f"{INST}.panels[0].plot.toolbar.active_drag !== null")
        page.evaluate(f"{INST}.armHandle(false)")
        assert page.evaluate(f"{INST}.panels[0].plot.toolbar.active_drag") is None
        page.screenshot(path=str(tmp_path / "phone.png"))
    finally:
        context.close()
    assert errors == []


def test_on_a_desktop_the_panels_keep_their_size_and_the_brush(browser, tmp_path):
    context, page, errors = open_touch(browser, page_with_figure(tmp_path), width=1400, height=1000, touch=False)
    try:
        frames = page.evaluate(f"{INST}.panels.map(p => p.plot.frame_width)")
        assert frames == [page.evaluate(f"{INST}.cfg.panel_size")] * 2
        assert page.evaluate(f"{INST}.panels[0].plot.toolbar.active_drag.type") == "BoxSelectTool"
        a, b = rect(page, "I.panels[0].pv.el"), rect(page, "I.panels[1].pv.el")
        assert abs(a["top"] - b["top"]) < 1                                     # side by side
        # a narrow window shrinks them, a wide one grows them back
        page.set_viewport_size({"width": 360, "height": 800})
        page.wait_for_function(f"{INST}.panels[0].plot.frame_width < 360")
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.wait_for_function(f"{INST}.panels[0].plot.frame_width === {INST}.cfg.panel_size")
    finally:
        context.close()
    assert errors == []


def test_other_figures_fit_a_phone_and_let_a_swipe_scroll(browser, tmp_path):
    from tourlib.viz.curves import line_chart
    from tourlib.viz.small_multiples import small_multiples

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 80)
    X = rng.normal(size=(80, 4))
    for name, fig in {"chart": line_chart(np.arange(6), {"loss": np.linspace(1, 0, 6)}),
                      "grid": small_multiples([("a", X[:, :2]), ("b", X[:, 2:]), ("c", X[:, 1:3])], y)}.items():
        path = save_html(column(fig, Div(text="more text", height=1600)), tmp_path / f"{name}.html")
        context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
        page = context.new_page()
        try:
            page.goto(path.as_uri())
            page.locator("canvas").first.wait_for()
            page.wait_for_timeout(800)
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
            plot = page.locator("canvas").first.bounding_box()
            x, y0 = plot["x"] + plot["width"] / 2, plot["y"] + plot["height"] / 2
            swipe(context, page, x, y0 + 50, -150)
            assert page.evaluate("window.scrollY") > 50, name
        finally:
            context.close()
