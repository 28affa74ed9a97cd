"""TourView in a real JupyterLab (local server, headless Chromium): the view goes both ways.

Starts ``jupyter lab`` on 127.0.0.1 (every other host is blocked), runs a notebook that shows
``tour_view(...)``, drags an axis handle in the page, and checks that the kernel's
``view.matrix`` is exactly the page's ``G``; then sets ``view.matrix`` in the kernel and checks
that the page shows it. This is jupyter_bokeh's real front end and comm, not a simulation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from jupyterlab_harness import open_notebook, run_cell, start_lab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

INST = "tourlib.TourFigure.instances[0]"

CELLS = [
    "import numpy as np\nfrom tourlib.viz.live import tour_view\nrng = np.random.default_rng(0)\n"
    "y = rng.integers(0, 3, 300)\nX = rng.normal(size=(300, 5)) + 2 * np.eye(3, 5)[y]\n"
    "v = tour_view(X, y, autoplay=False, seed=1)\nv",
    "print('MATRIX', v.matrix.ravel().tolist())",
    "v.matrix = np.eye(5)[:, [3, 1]]\nprint('SET')",
]


@pytest.fixture
def lab(tmp_path):
    with start_lab(tmp_path, CELLS) as url:
        yield url


def test_view_matrix_syncs_between_page_and_kernel(lab, browser):
    context, page, log = open_notebook(browser, lab)
    try:
        run_cell(page, 0)
        page.wait_for_function(f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > 0 && {INST}.frameCount > 0",
                               timeout=120_000)
        # drag axis handle 2 in the page
        h = page.evaluate(f"""(() => {{ const I = {INST}, P = I.panels[0], s = I.cfg.handle_scale;
            return P.toClient(s * I.B[4], s * I.B[5]); }})()""")
        page.mouse.move(h["x"], h["y"])
        page.mouse.down()
        page.mouse.move(h["x"] + 40, h["y"] + 30, steps=4)
        page.mouse.up()
        page.wait_for_timeout(500)
        assert page.evaluate(f"{INST}.lastDrag.kind") == "axis"
        G_page = np.array(page.evaluate(f"Array.from({INST}.G)"))
        out = run_cell(page, 1, "MATRIX")
        G_kernel = np.array(json.loads(re.search(r"MATRIX (\[.*\])", out.replace("\n", "")).group(1)))
        np.testing.assert_array_equal(G_kernel, G_page)
        # and back: the kernel sets a view, the page shows it
        run_cell(page, 2, "SET")
        page.wait_for_function(f"Math.abs({INST}.G[3 * 5] - 1) < 1e-12", timeout=30_000)
        G = np.array(page.evaluate(f"Array.from({INST}.G)")).reshape(5, 5)
        np.testing.assert_allclose(G[:, :2], np.eye(5)[:, [3, 1]], atol=1e-12)
        page.screenshot(path=str(Path(__file__).resolve().parents[1] / "test-artifacts" / "tour_figure_jupyterlab.png"))
    finally:
        context.close()
    assert log.errors == []
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"
