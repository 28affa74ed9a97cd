"""tourlib.viz.show in a real JupyterLab: several figures of different kinds render and run, with
no console errors and no outside requests (BokehJS is loaded inline, once per kernel)."""

from __future__ import annotations

import pytest
from jupyterlab_harness import open_notebook, run_cell, start_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CELLS = [
    "import numpy as np\nfrom tourlib.tour.shapes import hypercube\n"
    "from tourlib.viz import image_scatter, polytope_tour, show, tour_figure\n"
    "rng = np.random.default_rng(0)\ny = rng.integers(0, 3, 200)\nX = rng.normal(size=(200, 4)) + 2 * np.eye(3, 4)[y]\n"
    "imgs = rng.integers(0, 255, (200, 8, 8), dtype=np.uint8)\n"
    "show(image_scatter(X[:, :2], y, imgs, ['a', 'b', 'c']))\n"
    "show(polytope_tour(*hypercube(3)))\n"
    "show(tour_figure(X, y, seed=1))\n"
    "show(tour_figure(X[:, :3], y, seed=2))\nprint('SHOWN')",
]

COUNT_CANVASES = """() => {
  const all = [];
  const walk = (n) => { if (n.tagName === 'CANVAS') all.push(n);
    for (const k of (n.shadowRoot ? [...n.shadowRoot.children, ...n.children] : [...n.children])) walk(k); };
  walk(document.body);
  return all.filter(c => c.width > 0).length;
}"""


@pytest.fixture
def lab(tmp_path):
    with start_lab(tmp_path, CELLS) as url:
        yield url


def test_show_renders_every_kind_of_figure_live(lab, browser):
    context, page, log = open_notebook(browser, lab)
    try:
        run_cell(page, 0, "SHOWN")
        page.wait_for_function("window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length >= 2", timeout=60_000)
        page.wait_for_function("window.tourlib && tourlib.TourPolytope && Object.keys(tourlib.TourPolytope.instances).length >= 1",
                               timeout=60_000)
        page.wait_for_timeout(1500)
        poly = page.evaluate("Object.values(tourlib.TourPolytope.instances)[0].t")
        assert poly > 0, "the polytope tour is animating"
        assert page.evaluate("tourlib.TourFigure.instances.every(I => I.frameCount > 0)")
        assert page.evaluate(COUNT_CANVASES) >= 4
        page.screenshot(path="test-artifacts/live_show.png", full_page=True)
    finally:
        context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


RELOAD_CELLS = [
    "import numpy as np\nfrom tourlib.viz import show, tour_figure\n"
    "rng = np.random.default_rng(0)\ny = rng.integers(0, 3, 200)\nX = rng.normal(size=(200, 4)) + 2 * np.eye(3, 4)[y]\n"
    "show(tour_figure(X, y, seed=1))\nprint('SHOWN')",
]


@pytest.fixture
def reload_lab(tmp_path):
    with start_lab(tmp_path, RELOAD_CELLS) as url:
        yield url


def test_a_figure_appears_after_a_browser_reload(reload_lab, browser):
    """Same kernel, new page: re-running a show cell must send the figure JavaScript again."""
    context, page, log = open_notebook(browser, reload_lab)
    try:
        run_cell(page, 0, "SHOWN")
        page.wait_for_function("window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length >= 1 && "
                               "tourlib.TourFigure.instances[0].frameCount > 0", timeout=60_000)
        kernel_before = page.evaluate("fetch('/api/sessions').then(r => r.json()).then(s => s[0].kernel.id)")
        page.on("dialog", lambda d: d.accept())  # "leave with unsaved changes?": yes, the cell was not saved
        page.reload(wait_until="load")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=120_000)
        assert page.evaluate("typeof window.tourlib") == "undefined", "a reload empties the page"
        kernel_after = page.evaluate("fetch('/api/sessions').then(r => r.json()).then(s => s[0].kernel.id)")
        assert kernel_after == kernel_before, "the test must reuse the same kernel"
        run_cell(page, 0, "SHOWN")
        page.wait_for_function("window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length >= 1 && "
                               "tourlib.TourFigure.instances[0].frameCount > 0", timeout=60_000)
        assert page.evaluate(COUNT_CANVASES) >= 1
        out = page.locator(".jp-Notebook .jp-Cell").nth(0).locator(".jp-OutputArea").inner_text()
        assert "Javascript Error" not in out, out
        page.screenshot(path="test-artifacts/live_show_after_reload.png")
    finally:
        context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"
