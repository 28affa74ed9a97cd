"""Every page of the built book on a phone (390×844, touch) and on a desktop (1400×1000), in Chromium.

No figure is wider than its column (so no legend or panel is cut off), the page never scrolls
sideways and is never wider than the device (a phone zooms a wider page out: ``window.innerWidth``
then exceeds the device's 390 px, and the page's own scroll width follows it, so the two must be
checked against the device, not against each other), a vertical swipe over each figure on the phone
scrolls the page, and the adversarial chapter's tours show their points (also in the preset view).
Screenshots: test-artifacts/phone/.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from browser import serve_directory
from test_book_pages import toc_pages

#: Optional: built pages to check instead of the whole book, comma-separated HTML files (e.g. single-page
#: builds: ``jupyter-book build book/grand-tour.md --path-output /tmp/gt`` writes
#: ``/tmp/gt/_build/_page/grand-tour/html/grand-tour.html``); each is served from its own folder.
PAGES_ENV = "TOURBOOK_PHONE_PAGES"


def book_pages(request, repo_root) -> list[tuple[Path, str]]:
    """``(served folder, page path in it)`` for every page to check: $TOURBOOK_PHONE_PAGES, else the book's."""
    if os.environ.get(PAGES_ENV):
        files = [Path(f) for f in os.environ[PAGES_ENV].split(",") if f.strip()]
        missing = [str(f) for f in files if not f.is_file()]
        if missing:
            pytest.fail(f"{PAGES_ENV} names pages that do not exist: {missing}")
        return [(f.parent, f.name) for f in files]
    built_book = request.getfixturevalue("built_book")
    return [(built_book, rel) for rel in toc_pages(repo_root)]

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


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}


#: Elements (also inside Bokeh's shadow roots) that reach past the device's right edge while no
#: ancestor clips them: what makes a phone zoom the page out. For the failure message.
TOO_WIDE_JS = """(W) => {
  const out = [];
  const walk = (node, path) => {
    for (const k of [...(node.shadowRoot ? node.shadowRoot.children : []), ...node.children]) {
      const cs = getComputedStyle(k), r = k.getBoundingClientRect();
      const name = k.tagName.toLowerCase() + (typeof k.className === 'string' && k.className ? '.' + k.className.split(' ')[0] : '');
      if (cs.position !== 'fixed' && r.width > 0 && r.right > W + 1) out.push(`${path} > ${name} (right edge ${Math.round(r.right)} px)`);
      if (cs.overflowX === 'visible' && cs.position !== 'fixed') walk(k, name);
    }
  };
  walk(document.body, 'body');
  return out.slice(0, 3);   // the outermost first
}"""


def open_device(browser, url, phone: bool):
    size = PHONE if phone else DESKTOP
    context = browser.new_context(viewport=size, has_touch=phone, is_mobile=phone, device_scale_factor=2 if phone else 1)
    page = context.new_page()
    # a heavy page (training: 110 requests, ~10 s to load on a busy 2-core machine) may take a while
    page.goto(url, timeout=120_000)
    page.wait_for_load_state("networkidle", timeout=120_000)
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
def test_figures_fit_their_column_and_a_swipe_scrolls(request, repo_root, browser, artifacts_dir, phone):
    shots = artifacts_dir / "phone"
    shots.mkdir(exist_ok=True)
    problems = []
    for root, rel in book_pages(request, repo_root):
        with serve_directory(root) as base:
            context, page = open_device(browser, f"{base}/{rel}", phone)
            try:
                device = (PHONE if phone else DESKTOP)["width"]
                width = page.evaluate("window.innerWidth")
                sideways = page.evaluate("document.documentElement.scrollWidth")
                if sideways > device + 1 or width > device + 1:
                    problems.append(f"{rel}: the page is {max(sideways, width)} px wide on a {device} px screen "
                                    f"(zoomed out or scrolling sideways); too wide: "
                                    f"{page.evaluate(TOO_WIDE_JS, device)}")
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
    assert not problems, "\n".join(problems)


def test_adversarial_tours_show_their_points(request, repo_root, browser):
    """At every step and in every preset view, ≥ 99 % of each adversarial tour's points are inside its plot."""
    pages = [(root, rel) for root, rel in book_pages(request, repo_root) if rel.endswith("adversarial.html")]
    if not pages:
        pytest.skip(f"the adversarial chapter is not among the pages of {PAGES_ENV}")
    root, rel = pages[0]
    with serve_directory(root) as base:
        context, page = open_device(browser, f"{base}/{rel}", phone=False)
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
