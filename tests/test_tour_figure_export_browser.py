"""An exported frame is the page's frame: the same points in the same places.

A tour figure is opened in headless Chromium (Debian's, offline), stopped at a fixed tour time,
and the page's own projected positions are read from its JavaScript state (``panels[k].proj``
and the view rectangle ``lastView``, i.e. canvas pixels ``(x − x0)·W/(x1 − x0)``). The same frame
is exported in Python (:func:`tourlib.viz.export.render_frame` at the same ``t``) at another size,
and its point positions, scaled back to the page's canvas, must agree; at the page's own size the
pixel under each point has the colour the page's raster has there.
"""

from __future__ import annotations

import numpy as np
import pytest

from tourlib.viz.embed import save_html
from tourlib.viz.export import render_frame
from tourlib.viz.palette import class_colors
from tourlib.viz.raster import hex_to_rgba
from tourlib.viz.tour_figure import tour_figure

from browser import open_page

pytestmark = pytest.mark.browser

INST = "tourlib.TourFigure.instances[0]"
T_FIXED = 3.7


def blobs(n, d, k, seed, spread=0.6):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    return 3.0 * rng.normal(size=(k, d))[y] + spread * rng.normal(size=(n, d)), y


def page_frame(browser, tmp_path, fig, name):
    """Open ``fig``, stop it at tour time T_FIXED, and read each panel's canvas positions and raster."""
    path = save_html(fig, tmp_path / f"{name}.html")
    context, page, log = open_page(browser, path.as_uri(), "file://", viewport=(1400, 1000))
    try:
        page.wait_for_function(f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 "
                               f"&& {INST}.frameCount > 0")
        out = page.evaluate(f"""() => {{
            const I = {INST};
            I.pause(); I.t = {T_FIXED}; I.followTour(); I.render();
            return {{ t: I.t, B: Array.from(I.B), panels: I.panels.map((p) => ({{
                view: p.lastView, proj: Array.from(p.proj), buf: Array.from(new Uint8Array(p.buf.buffer)) }})) }};
        }}""")
        assert log.errors == [] and log.blocked == [], (log.errors, log.blocked)
    finally:
        context.close()
    panels = []
    for p in out["panels"]:
        v = p["view"]
        xy = np.array(p["proj"]).reshape(-1, 2)
        px = np.column_stack([(xy[:, 0] - v["x0"]) * v["W"] / (v["x1"] - v["x0"]),
                              (v["y1"] - xy[:, 1]) * v["H"] / (v["y1"] - v["y0"])])
        buf = np.array(p["buf"], np.uint8).reshape(v["H"], v["W"], 4)
        panels.append(dict(px=px, W=v["W"], H=v["H"], buf=buf))
    return out["t"], panels


def free_points(px, reach):
    """Points with no later point (drawn on top) within ``reach`` pixels."""
    q = np.floor(px)
    dist = np.hypot(*(q[:, None, :] - q[None, :, :]).transpose(2, 0, 1))
    return ~np.triu(dist <= reach, 1).any(axis=1)


@pytest.mark.parametrize("case", ["one panel", "two panels"])
def test_exported_frame_has_the_pages_points_in_the_same_places(browser, tmp_path, case):
    if case == "one panel":
        X, y = blobs(150, 6, 3, seed=4)
        fig = tour_figure(X, y, seed=5, extent=4.0, autoplay=False, title="one panel, extent 4")
        data = [(X, y)]
    else:
        Xa, ya = blobs(120, 5, 4, seed=6)
        Xb, yb = blobs(90, 5, 4, seed=7)
        fig = tour_figure({"train": Xa, "test": Xb}, {"train": ya, "test": yb}, seed=8, extent=2.5,
                          autoplay=False, title="two panels, extent 2.5")
        data = [(Xa, ya), (Xb, yb)]
    t, page = page_frame(browser, tmp_path, fig, case.replace(" ", "_"))
    assert t == T_FIXED

    # 1. positions: the export at 1.5 × the page's size, scaled back to the page's canvas pixels
    side = page[0]["W"]
    big = render_frame(fig, t=t, size=int(1.5 * side))
    worst = 0.0
    for k, (p, (left, top, S)) in enumerate(zip(page, big.panels)):
        assert len(big.points[k]) == len(data[k][0])
        ours = (big.points[k] - [left, top]) * (p["W"] / S)
        err = np.abs(ours - p["px"]).max()
        worst = max(worst, err)
        # the extent was chosen smaller than the one estimated from the data: an export that ignored
        # it would draw these points at another scale
        assert np.all((p["px"] >= 0) & (p["px"] < side), axis=1).sum() > 20
    print(f"\n{case}: max |export − page| = {worst:.2e} canvas pixels over {sum(len(d[0]) for d in data)} points")
    assert worst < 0.05

    # 2. pixels: at the page's own size, the pixel under each point has the page's colour there
    same = render_frame(fig, t=t)
    K = 4 if case == "two panels" else 3
    colours = np.array([hex_to_rgba(c)[:3] for c in class_colors(K)])
    for k, (p, (left, top, S)) in enumerate(zip(page, same.panels)):
        assert S == p["W"] == p["H"]
        q = np.floor(p["px"]).astype(int)
        free = free_points(p["px"], reach=8) & np.all((q >= 0) & (q < S), axis=1)
        theirs = p["buf"][q[free, 1], q[free, 0]]
        # where the page shows the point's own class colour (not one of its axis labels) ...
        own = np.all(theirs[:, :3] == colours[data[k][1][free]], axis=1) & (theirs[:, 3] == 255)
        assert own.sum() > 0.8 * free.sum() and own.sum() > 20
        ours = same.image[top + q[free, 1], left + q[free, 0]]
        agree = np.all(ours[own] == theirs[own, :3], axis=1)
        # ... the export shows it too (it may put a label of its own over a few)
        print(f"panel {k}: {agree.sum()} of {own.sum()} points have the page's colour in the export")
        assert agree.mean() > 0.95, f"panel {k}: only {agree.mean():.3f} of the points agree"


@pytest.mark.parametrize("mode", ["dots", "images"])
def test_exported_panel_is_the_pages_raster(browser, tmp_path, mode):
    """Without handles (whose Bokeh glyphs and labels are not in the raster), an exported panel at the
    page's size is the page's raster composited over white, pixel for pixel: cross, dots, rings,
    ghosts of a hidden class, and in "images" mode the thumbnails over faint dots."""
    X, y = blobs(160, 5, 3, seed=9, spread=0.8)
    rng = np.random.default_rng(0)
    images = (rng.random((160, 10, 10, 3)) * 255).astype(np.uint8)
    fig = tour_figure(X, y, images=images, seed=2, extent=3.5, autoplay=False, axis_handles=False)
    path = save_html(fig, tmp_path / f"raster_{mode}.html")
    context, page, log = open_page(browser, path.as_uri(), "file://", viewport=(1400, 1000))
    try:
        page.wait_for_function(f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 "
                               f"&& {INST}.frameCount > 0")
        v, buf = page.evaluate(f"""() => {{
            const I = {INST};
            I.pause(); I.t = {T_FIXED}; I.followTour(); I.setMode({mode!r});
            I.hidden[1] = 1; I.updateFlags(); I.render();
            const p = I.panels[0];
            return [p.lastView, Array.from(new Uint8Array(p.buf.buffer))];
        }}""")
        assert log.errors == [] and log.blocked == [], (log.errors, log.blocked)
    finally:
        context.close()
    from tourlib.viz.raster import over_white

    theirs = over_white(np.array(buf, np.uint8).reshape(v["H"], v["W"], 4))
    frame = render_frame(fig, t=T_FIXED, hidden=[1], mode=mode)
    (left, top, S), = frame.panels
    ours = frame.image[top:top + S, left:left + S]
    assert ours.shape == theirs.shape
    same = np.all(ours == theirs, axis=2)
    print(f"\n{mode}: {(~same).sum()} of {same.size} pixels differ")
    assert same.mean() > 0.999
