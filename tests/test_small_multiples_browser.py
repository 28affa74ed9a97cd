"""Linked brushing in headless Chromium: a box drawn in one panel selects the same points in all panels."""

from pathlib import Path

import numpy as np
import pytest

from browser import open_page, serve_directory
from tourlib.viz import save_html
from tourlib.viz.small_multiples import SOURCE_NAME, small_multiples

pytestmark = pytest.mark.browser

N_PER = 60
K = 3

# Page coordinates of a data-space point in a named panel, from the plot view's own scales.
TO_PAGE_JS = """([panel, x, y]) => {
  const doc = Bokeh.documents[0];
  const view = Bokeh.index.find_one(doc.get_model_by_name(panel));
  const box = view.canvas_view.el.getBoundingClientRect();
  return [box.left + view.frame.x_scale.compute(x), box.top + view.frame.y_scale.compute(y)];
}"""

# Mean "ink" (255 − brightness) of the composited canvas of a panel in a square around a data point.
INK_JS = """([panel, x, y, half]) => {
  const doc = Bokeh.documents[0];
  const view = Bokeh.index.find_one(doc.get_model_by_name(panel));
  const composed = view.canvas_view.compose();
  const canvas = composed.canvas || composed;
  const r = window.devicePixelRatio || 1;
  const sx = view.frame.x_scale.compute(x) * r, sy = view.frame.y_scale.compute(y) * r;
  const h = Math.round(half * r);
  const d = canvas.getContext("2d").getImageData(Math.round(sx) - h, Math.round(sy) - h, 2 * h, 2 * h).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) ink += 255 - (d[i] + d[i + 1] + d[i + 2]) / 3;
  return ink / (d.length / 4);
}"""

SELECTION_JS = """(name) => {
  const doc = Bokeh.documents[0];
  const out = {source: [...doc.get_model_by_name(name).selected.indices].sort((a, b) => a - b), panels: []};
  for (let j = 0; ; j++) {
    const r = doc.get_model_by_name('points-' + j);
    if (!r) break;
    out.panels.push([...r.data_source.selected.indices].sort((a, b) => a - b));
  }
  out.status = doc.get_model_by_name(name + '-status').text;
  return out;
}"""


def three_layouts():
    """Three layouts of the same K·N_PER points: class clusters along x, along −y, and random."""
    rng = np.random.default_rng(5)
    labels = np.repeat(np.arange(K), N_PER)
    jitter = rng.normal(scale=0.3, size=(len(labels), 2))
    along_x = np.column_stack([4.0 * labels, np.zeros(len(labels))]) + jitter
    along_y = np.column_stack([np.zeros(len(labels)), -4.0 * labels]) + jitter[::-1]
    scattered = rng.normal(size=(len(labels), 2))
    return labels, [("along x", along_x), ("along −y", along_y), ("random", scattered)]


def test_box_select_in_one_panel_selects_the_same_points_everywhere(browser, tmp_path, artifacts_dir):
    labels, panels = three_layouts()
    layout = small_multiples(panels, labels, ncols=3, panel_width=260, panel_height=260,
                             select_buttons=[2], predictions=labels)
    save_html(layout, tmp_path / "index.html", title="linked brushing")
    box = (2.0, 6.0, -2.0, 2.0)  # data-space box around class 1 in panel "along x"
    xy = panels[0][1]
    expected = np.flatnonzero((xy[:, 0] > box[0]) & (xy[:, 0] < box[1]) & (xy[:, 1] > box[2]) & (xy[:, 1] < box[3]))
    assert expected.tolist() == np.flatnonzero(labels == 1).tolist()  # the box holds exactly class 1

    with serve_directory(Path(tmp_path)) as base:
        context, page, log = open_page(browser, f"{base}/index.html", allowed_prefix=base)
        try:
            page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && "
                                   "Bokeh.index.find_one(Bokeh.documents[0].get_model_by_name('panel-2'))",
                                   timeout=20000)
            page.wait_for_timeout(500)
            before = {c: page.evaluate(INK_JS, ["panel-1", 0.0, -4.0 * c, 6]) for c in range(K)}
            assert page.evaluate(SELECTION_JS, SOURCE_NAME)["source"] == []

            x0, y0 = page.evaluate(TO_PAGE_JS, ["panel-0", box[0], box[3]])
            x1, y1 = page.evaluate(TO_PAGE_JS, ["panel-0", box[1], box[2]])
            page.mouse.move(x0, y0)
            page.mouse.down()
            page.mouse.move(x1, y1, steps=12)
            page.mouse.up()
            page.wait_for_timeout(500)

            sel = page.evaluate(SELECTION_JS, SOURCE_NAME)
            assert sel["source"] == expected.tolist()
            assert len(sel["panels"]) == 3 and all(p == expected.tolist() for p in sel["panels"])
            assert f"{len(expected)} selected" in sel["status"]
            # in ANOTHER panel, the selected cluster keeps its ink and the others fade to ghosts
            after = {c: page.evaluate(INK_JS, ["panel-1", 0.0, -4.0 * c, 6]) for c in range(K)}
            assert after[1] >= 0.95 * before[1], (before, after)
            assert after[0] < before[0] and after[2] < before[2], (before, after)
            page.screenshot(path=str(artifacts_dir / "small_multiples_linked_brush.png"), full_page=True)

            page.get_by_role("button", name="select 2").click()
            page.wait_for_timeout(300)
            sel = page.evaluate(SELECTION_JS, SOURCE_NAME)
            assert sel["source"] == np.flatnonzero(labels == 2).tolist()
        finally:
            context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], log.blocked
