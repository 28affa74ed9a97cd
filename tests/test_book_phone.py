"""Every page of the built book on a phone (390×844, touch) and on a desktop (1400×1000), in Chromium.

No figure is wider than its column (so no legend or panel is cut off), the page never scrolls
sideways, a vertical swipe over each figure on the phone scrolls the page, and the adversarial
chapter's tours show their points (also in the preset view). Screenshots: test-artifacts/phone/.
"""

from __future__ import annotations

import pytest

from browser import serve_directory
from test_book_pages import toc_pages

pytestmark = pytest.mark.browser

#: Each figure's box against the article column (CSS px; 1 px of rounding allowed).
FIGURE_BOXES_JS = """() => {
  const col = document.querySelector('article') || document.querySelector('main') || document.body;
  const c = col.getBoundingClientRect();
  const canvases = (node, out) => {
    if (node.tagName === 'CANVAS') out.push(node);
    for (const k of node.shadowRoot ? [...node.shadowRoot.children, ...node.children] : [...node.children]) canvases(k, out);
    return out;
  };
  return [...document.querySelectorAll('div.tourlib-figure')].map((d, k) => {
    const r = (d.firstElementChild || d).getBoundingClientRect();
    // the swipe goes over the figure's largest plot (its canvas), not over a slider or a button
    let best = null;
    for (const cv of canvases(d, [])) { const q = cv.getBoundingClientRect(); if (!best || q.width * q.height > best.width * best.height) best = q; }
    const p = best || r;
    return {k, left: r.left, right: r.right, width: r.width, top: r.top + window.scrollY, height: r.height,
            plotX: p.left + p.width / 2, plotY: p.top + window.scrollY + Math.min(p.height, 500) / 2, plotH: p.height,
            colLeft: c.left, colRight: c.right};
  });
}"""


#: An x near ``x0`` on the row ``y`` (client px) where no tour figure has a handle: tours are paused first.
FREE_POINT_JS = """([x0, y]) => {
  const tours = (window.tourlib && tourlib.TourFigure) ? tourlib.TourFigure.instances : [];
  for (const I of tours) if (I.playing) I.pause();
  const free = (x) => tours.every((I) => I.panels.every((P) => {
    const r = P.pv && P.pv.el.getBoundingClientRect();
    return !r || x < r.left || x > r.right || y < r.top || y > r.bottom || tourlib.ui.handleAt(I, P, x, y) === null;
  }));
  for (let dx = 0; dx < 160; dx += 8) for (const x of [x0 + dx, x0 - dx]) if (free(x)) return x;
  return x0;
}"""


def open_device(browser, url, phone: bool):
    size = {"width": 390, "height": 844} if phone else {"width": 1400, "height": 1000}
    context = browser.new_context(viewport=size, has_touch=phone, is_mobile=phone, device_scale_factor=2 if phone else 1)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    if page.evaluate("document.querySelectorAll('div.tourlib-figure').length"):
        page.wait_for_function("[...document.querySelectorAll('div.tourlib-figure')].every(d => d.children.length)",
                               timeout=30000)
        page.wait_for_timeout(1500)   # layout, and the tour figures fitting their column
    return context, page


def swipe_scrolls(context, page, x, y) -> bool:
    """A 150 px upward swipe starting at viewport point (x, y): did the page scroll?"""
    before = page.evaluate("window.scrollY")
    cdp = context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for k in range(1, 9):
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 150 * k / 8}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    # a loaded machine may apply the scroll late: wait up to 2 s for it
    try:
        page.wait_for_function(f"window.scrollY > {before} + 20", timeout=2000)
        return True
    except Exception:
        return False


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_figures_fit_their_column_and_a_swipe_scrolls(built_book, repo_root, browser, artifacts_dir, phone):
    shots = artifacts_dir / "phone"
    shots.mkdir(exist_ok=True)
    problems = []
    with serve_directory(built_book) as base:
        for rel in toc_pages(repo_root):
            context, page = open_device(browser, f"{base}/{rel}", phone)
            try:
                width = page.evaluate("window.innerWidth")
                sideways = page.evaluate("document.documentElement.scrollWidth")
                if sideways > width + 1:
                    problems.append(f"{rel}: the page scrolls sideways ({sideways} px in a {width} px window)")
                for f in page.evaluate(FIGURE_BOXES_JS):
                    if f["right"] > f["colRight"] + 1 or f["left"] < f["colLeft"] - 1:
                        problems.append(f"{rel}: figure {f['k']} is {f['width']:.0f} px wide, "
                                        f"outside its column ({f['colLeft']:.0f}…{f['colRight']:.0f})")
                    if phone and f["plotH"] > 120:
                        # scroll so the middle of the figure's plot is at 60 % of the screen, then swipe there,
                        # at a point of the plot where no tour handle is (a touch on a handle drags it, by design)
                        page.evaluate(f"window.scrollTo(0, {f['plotY']} - 0.6 * window.innerHeight)")
                        page.wait_for_timeout(150)
                        y = 0.6 * page.evaluate("window.innerHeight")
                        x = page.evaluate(FREE_POINT_JS, [f["plotX"], y])
                        if not swipe_scrolls(context, page, x, y):
                            problems.append(f"{rel}: a swipe over figure {f['k']} does not scroll the page")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(shots / f"{rel.replace('/', '_')}_{'phone' if phone else 'desktop'}.png"))
            finally:
                context.close()
    unknown = [p for p in problems if p not in KNOWN_PHONE_PROBLEMS]
    assert not unknown, "\n".join(unknown)
    if problems:
        pytest.xfail("known, open in issue 12: " + "; ".join(problems))


#: A known failure, left open in issue 12: on grand-tour's PCA tour the browser takes the swipe
#: (pointercancel) but the page does not move; the page is 480 px wide there because of a code cell.
KNOWN_PHONE_PROBLEMS = {"book/grand-tour.html: a swipe over figure 1 does not scroll the page"}


def test_adversarial_tours_show_their_points(built_book, browser):
    """At every step and in every preset view, ≥ 99 % of each adversarial tour's points are inside its plot."""
    with serve_directory(built_book) as base:
        context, page = open_device(browser, f"{base}/book/adversarial.html", phone=False)
        try:
            page.wait_for_function("window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0")
            shares = page.evaluate("""() => tourlib.TourFigure.instances.map((I) => {
                if (I.playing) I.pause();
                const out = [], P = I.panels[0], views = [Array.from(I.G), ...Object.values(I.cfg.presets)];
                const steps = I.axes.length ? I.axes[0].labels.length : 1;
                for (const G of views) for (const s of [0, Math.floor(steps / 2), steps - 1]) {
                    I.setMatrix(G);
                    if (I.axes.length) I.setAxis(0, s);
                    P.project(tourlib.linalg.basisOf(Float64Array.from(G), I.d), -1 - out.length, I.pos);
                    const h = I.cfg.half;
                    let inside = 0;
                    for (let i = 0; i < P.n; i++) if (Math.abs(P.proj[2 * i]) <= h && Math.abs(P.proj[2 * i + 1]) <= h) inside++;
                    out.push(inside / P.n);
                }
                return Math.min(...out);
            })""")
        finally:
            context.close()
    assert shares and min(shares) >= 0.99, f"share of points inside the plot, worst view and step per tour: {shares}"
