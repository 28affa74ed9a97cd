"""The chapters as live notebooks, in a real JupyterLab started with the book's live settings
(``scripts/lab/``, what ``scripts/lab.sh`` and Binder's ``postBuild`` apply).

* ``book/*.md`` opens as a notebook by default (jupytext), its MyST prose rendered (jupyterlab-myst):
  admonitions are boxes, roles are not shown raw, exercise solutions are folded.
* Saving a chapter without edits leaves its file byte-identical; a real edit is saved.

The browser tests work on a copy of ``book/`` in a temporary folder, never on the sources.
"""

from __future__ import annotations

import runpy
import shutil
from pathlib import Path

import jupytext
import pytest
from jupyterlab_harness import LAB_CONFIG, open_notebook, start_lab

REPO = Path(__file__).resolve().parents[1]
CHAPTERS = sorted(p for p in (REPO / "book").glob("*.md") if "```{code-cell}" in p.read_text())
RAW_MYST = ["{glue:text}", "{cite}", "{admonition}", ":class:", "```{"]


def _cells_unchanged():
    ns = runpy.run_path(str(LAB_CONFIG / "jupyter_server_config.py"),
                        init_globals={"get_config": lambda: __import__("traitlets.config", fromlist=["Config"]).Config()})
    return ns["cells_unchanged"]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_an_unedited_chapter_counts_as_unchanged_and_an_edit_does_not(chapter):
    cells_unchanged = _cells_unchanged()
    text = chapter.read_text(encoding="utf-8")
    nb = jupytext.reads(text, fmt="md")
    assert cells_unchanged(text, chapter.name, nb)
    nb.cells[-1].source += "\n# a student's line"
    assert not cells_unchanged(text, chapter.name, nb)


@pytest.fixture
def book_lab(tmp_path):
    shutil.copytree(REPO / "book", tmp_path / "book")
    with start_lab(tmp_path, book_settings=True) as url:
        yield url, tmp_path


def _rendered_text(page) -> str:
    """The text of the rendered MyST (the cells' hidden editors hold the raw source)."""
    return page.evaluate("[...document.querySelectorAll('.jp-Notebook .jp-MarkdownCell .myst')]"
                         ".map(m => m.textContent).join('\\n')")


@pytest.mark.browser
@pytest.mark.slow
def test_a_chapter_opens_as_a_notebook_with_rendered_myst_and_folded_solutions(book_lab, browser, artifacts_dir):
    url, root = book_lab
    context, page, log = open_notebook(browser, url, "book/adversarial.md")
    try:
        assert page.locator(".jp-NotebookPanel").count() == 1, "a .md chapter must open as a notebook"
        page.wait_for_function("document.querySelectorAll('.jp-Notebook .jp-MarkdownCell .myst').length > 5",
                               timeout=60_000)
        text = _rendered_text(page)
        for raw in RAW_MYST:
            assert raw not in text, f"MyST shown raw in JupyterLab: {raw!r}"
        assert "Learning goals" in text and "Exercise 1" in text
        # admonitions are boxes; solutions are folded dropdowns
        assert page.locator(".jp-Notebook .myst aside.myst-admonition").count() >= 4
        solutions = page.evaluate("[...document.querySelectorAll('.jp-Notebook .myst details.dropdown')]"
                                  ".map(d => [d.querySelector('summary').textContent.trim(), d.open])")
        assert len(solutions) >= 4 and all(title == "Solution" and not is_open for title, is_open in solutions), solutions
        page.evaluate("document.querySelector('.jp-Notebook .myst details.dropdown').scrollIntoView()")
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "chapter_in_jupyterlab.png"))
    finally:
        context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


def _save(page):
    """Ctrl+S in the notebook; returns once the server has answered the save."""
    page.keyboard.press("Escape")
    with page.expect_response(lambda r: r.request.method == "PUT" and "/api/contents/book/" in r.url,
                              timeout=60_000) as saved:
        page.keyboard.press("Control+s")
    assert saved.value.ok, saved.value.status


@pytest.mark.browser
@pytest.mark.slow
def test_saving_a_chapter_without_edits_leaves_it_unchanged_and_an_edit_is_saved(book_lab, browser):
    """The issue's case: open book/softmax.md (the kernel starts and JupyterLab marks it modified), save."""
    url, root = book_lab
    chapter = REPO / "book" / "softmax.md"
    context, page, log = open_notebook(browser, url, f"book/{chapter.name}")
    try:
        page.locator(".jp-Notebook .jp-Cell").first.click()
        _save(page)
        assert (root / "book" / chapter.name).read_bytes() == chapter.read_bytes(), "saving rewrote the chapter"
        assert "book/softmax.md has no edits" in (root / "lab.log").read_text()
        # a real edit is saved: a new cell above the first one
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("a")
        page.keyboard.press("Enter")
        page.keyboard.type("print('a student was here')")
        _save(page)
    finally:
        context.close()
    assert "print('a student was here')" in (root / "book" / chapter.name).read_text()
    assert log.errors == [], log.errors


@pytest.mark.slow
def test_every_chapter_saved_back_unedited_through_the_server_is_unchanged(book_lab):
    """What JupyterLab sends on a save (the notebook it read, plus its kernel's language_info), for
    every chapter, through the running server's contents API."""
    import json
    import urllib.request

    url, root = book_lab
    for chapter in CHAPTERS:
        api = f"{url}/api/contents/book/{chapter.name}"
        with urllib.request.urlopen(api + "?type=notebook&content=1") as r:
            model = json.load(r)
        nb = model["content"]
        assert model["type"] == "notebook" and len(nb["cells"]) > 3
        nb["metadata"]["language_info"] = {"name": "python", "version": "3.11", "pygments_lexer": "ipython3"}
        body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
        req = urllib.request.Request(api, data=body, method="PUT", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req) as r:
            assert r.status == 200
        assert (root / "book" / chapter.name).read_bytes() == chapter.read_bytes(), f"saving rewrote {chapter.name}"


#: The tour instance shown in the output of the notebook cell whose source contains ``marker`` (in its first
#: lines: an editor draws only the lines near the screen): its index in ``tourlib.TourFigure.instances``
#: (-1 while there is none). A figure's element sits in Bokeh's shadow roots.
LIVE_INSTANCE_JS = """(marker) => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const cell = cells.find((c) => (c.querySelector('.jp-InputArea') || c).textContent.includes(marker));
  const tours = (window.tourlib && tourlib.TourFigure) ? tourlib.TourFigure.instances : [];
  for (let k = tours.length - 1; k >= 0; k--) {
    for (let n = tours[k].panels[0].pv.el; n; n = n.parentNode || n.host) if (n === cell) return k;
  }
  return -1;
}"""


# ------------------------------------------------------------------ the live sections ("Try it live")
LAST = "tourlib.TourFigure.instances[tourlib.TourFigure.instances.length - 1]"


def _run_all(page):
    """Run > Run All Cells, as a reader does."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _button(page, label):
    return page.locator(".jp-Notebook button.jupyter-button", has_text=label).last


def _live_output(page):
    """The output area of the last live section's run (its first widget Output)."""
    return page.locator(".jp-Notebook .widget-vbox:has(> .widget-output)").last.locator("> .widget-output").first


def _live_notes(page):
    """The output area of the last live section's action buttons (its second widget Output)."""
    return page.locator(".jp-Notebook .widget-vbox:has(> .widget-output)").last.locator("> .widget-output").last


def _wait_for_text(locator, text, timeout=300_000):
    locator.page.wait_for_function(
        "([el, t]) => el && el.innerText.includes(t)", arg=[locator.element_handle(timeout=timeout), text],
        timeout=timeout)


def _new_figure(page, before, timeout=600_000):
    """Wait until a tour figure beyond the first ``before`` ones is drawn."""
    page.wait_for_function(
        f"window.tourlib && tourlib.TourFigure && tourlib.TourFigure.instances.length > {before} "
        f"&& {LAST}.frameCount > 0", timeout=timeout)


def _figures(page) -> int:
    return page.evaluate("window.tourlib && tourlib.TourFigure ? tourlib.TourFigure.instances.length : 0")


def _drag_axis_handle(page, i=2):
    page.evaluate(f"{LAST}.pause()")                 # a playing tour moves its handles
    page.evaluate(f"tourlib.bridge.eventsElement({LAST}.panels[0].pv).scrollIntoView({{block: 'center'}})")
    page.wait_for_timeout(800)
    h = page.evaluate(f"""(() => {{ const I = {LAST}, P = I.panels[0], s = I.cfg.handle_scale, d = I.d;
        return P.toClient(s * I.B[2 * {i}], s * I.B[2 * {i} + 1]); }})()""")
    page.mouse.move(h["x"], h["y"])
    page.mouse.down()
    page.mouse.move(h["x"] + 40, h["y"] + 30, steps=4)
    page.mouse.up()
    page.wait_for_timeout(800)
    kind = page.evaluate(f"{LAST}.lastDrag && {LAST}.lastDrag.kind")
    if kind != "axis":
        page.screenshot(path=str(REPO / "test-artifacts" / "live_drag_failed.png"))
    assert kind == "axis", f"no axis drag from the handle at {h}"


def _page_basis(page):
    import numpy as np

    d = page.evaluate(f"{LAST}.d")
    return np.array(page.evaluate(f"Array.from({LAST}.G)")).reshape(d, d)[:, :2]


def _printed_basis(text, d):
    """The d×2 matrix ``np.round(G[:, :2], 3)`` printed in ``text`` (its last d rows of two numbers)."""
    import re

    import numpy as np

    rows = re.findall(r"\[\s*(-?[\d.]+(?:e-?\d+)?)\s+(-?[\d.]+(?:e-?\d+)?)\s*\]", text)
    assert len(rows) >= d, text
    return np.array(rows[-d:], dtype=float)


def _read_view_matches_page(page, label="read the view"):
    import numpy as np

    out = _live_notes(page)
    _button(page, label).click()
    _wait_for_text(out, "G[:, :2]", timeout=60_000)
    page.wait_for_timeout(500)
    G = _page_basis(page)
    np.testing.assert_allclose(_printed_basis(out.inner_text(), len(G)), np.round(G, 3), atol=1.5e-3)
    return G


def _open_chapter(book_lab, browser, name):
    url, root = book_lab
    return open_notebook(browser, url, f"book/{name}.md")


@pytest.mark.browser
@pytest.mark.slow
def test_softmax_live_section_measures_the_view_dragged_in_the_page(book_lab, browser, artifacts_dir):
    """The softmax chapter run top to bottom in a live kernel: its live section shows a tour, a handle
    dragged in the page moves the view, and **measure the view** prints the handle lengths of exactly
    the page's view (read back through ``TourView.matrix``)."""
    import numpy as np

    url, root = book_lab
    context, page, log = open_notebook(browser, url, "book/softmax.md")
    try:
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        marker = "from tourlib.book import live_section"
        try:
            page.wait_for_function(f"({LIVE_INSTANCE_JS})({marker!r}) >= 0", timeout=600_000)
        except Exception:
            page.screenshot(path=str(artifacts_dir / "softmax_live_in_jupyterlab_failed.png"), full_page=True)
            raise
        k = page.evaluate(LIVE_INSTANCE_JS, marker)
        inst = f"tourlib.TourFigure.instances[{k}]"
        page.evaluate(f"(() => {{ const I = {inst}; if (I.playing) I.pause(); I.panels[0].pv.el.scrollIntoView({{block: 'center'}}); }})()")
        page.wait_for_timeout(800)
        # drag the handle of class 3 in the page
        h = page.evaluate(f"""(() => {{ const I = {inst}, P = I.panels[0], s = I.cfg.handle_scale;
            return P.toClient(s * I.B[6], s * I.B[7]); }})()""")
        page.mouse.move(h["x"], h["y"])
        page.mouse.down()
        page.mouse.move(h["x"] + 50, h["y"] - 40, steps=5)
        page.mouse.up()
        page.wait_for_timeout(800)
        assert page.evaluate(f"{inst}.lastDrag && {inst}.lastDrag.kind") == "axis"
        G = np.array(page.evaluate(f"Array.from({inst}.G)")).reshape(10, 10)
        cell = page.locator(".jp-Notebook .jp-Cell", has_text=marker).first
        cell.locator("button", has_text="measure the view").click()
        out = cell.locator(".jp-OutputArea-output", has_text="handles, longest first").first
        out.wait_for(timeout=60_000)
        line = next(t for t in out.inner_text().splitlines() if t.startswith("handles, longest first:"))
        shown = {name: float(v) for name, v in (item.rsplit(" ", 1) for item in line.split(": ", 1)[1].split(", "))}
        lengths = np.linalg.norm(G[:, :2], axis=1)
        assert shown == {str(i): round(float(lengths[i]), 2) for i in range(10)}, (shown, lengths)
        page.screenshot(path=str(artifacts_dir / "softmax_live_in_jupyterlab.png"))
    finally:
        context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_intro_live_section_redraws_for_the_chosen_data_set(book_lab, browser, artifacts_dir):
    context, page, log = _open_chapter(book_lab, browser, "intro")
    try:
        _run_all(page)
        _button(page, "show").wait_for(timeout=300_000)
        page.locator(".jp-Notebook .widget-dropdown", has_text="data set").last.locator("select") \
            .select_option("fashion-mnist")
        _button(page, "show").click()
        out = _live_output(page)
        _wait_for_text(out, "fashion-mnist images")
        assert "of the variance of these 600 fashion-mnist images" in out.inner_text()
        page.wait_for_function("([el]) => el.querySelector('.bk-Figure, .bk-root, canvas')",
                               arg=[out.element_handle()], timeout=120_000)
        out.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "live_intro.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_grand_tour_live_section_reads_the_dragged_view_and_sets_the_pca_view(book_lab, browser, artifacts_dir):
    import numpy as np

    context, page, log = _open_chapter(book_lab, browser, "grand-tour")
    try:
        _run_all(page)
        _button(page, "show").wait_for(timeout=600_000)
        before = _figures(page)
        _button(page, "show").click()
        _new_figure(page, before)
        _drag_axis_handle(page, 2)
        G = _read_view_matches_page(page)
        assert np.abs(G - np.eye(10)[:, :2]).max() > 0.05, "the dragged view is not the PCA view"
        assert "no points brushed" in _live_notes(page).inner_text()
        _button(page, "PCA view").click()
        page.wait_for_function(f"Math.abs({LAST}.G[0] - 1) < 1e-9 && Math.abs({LAST}.G[11] - 1) < 1e-9",
                               timeout=60_000)
        _read_view_matches_page(page)
        assert "leans most on PC1 and PC2" in _live_notes(page).inner_text()
        page.screenshot(path=str(artifacts_dir / "live_grand_tour.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_training_live_section_trains_and_reads_the_view_back(book_lab, browser, artifacts_dir):
    context, page, log = _open_chapter(book_lab, browser, "training")
    try:
        _run_all(page)
        _button(page, "train and show").wait_for(timeout=900_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=900_000)
        page.locator(".jp-Notebook .widget-slider", has_text="epochs").last.locator(".widget-readout").fill("3")
        page.keyboard.press("Enter")
        before = _figures(page)
        _button(page, "train and show").click()
        _new_figure(page, before, timeout=900_000)
        _drag_axis_handle(page, 3)
        _read_view_matches_page(page)
        # the variable: the cell after the live section prints trained.shown.matrix[:, :2]
        cells = page.locator(".jp-Notebook .jp-Cell")
        k = next(i for i in range(cells.count()) if "view = trained.shown" in cells.nth(i).inner_text())
        from jupyterlab_harness import run_cell

        out = run_cell(page, k, "]]")
        import numpy as np

        np.testing.assert_allclose(_printed_basis(out, 10), np.round(_page_basis(page), 3), atol=1.5e-3)
        page.screenshot(path=str(artifacts_dir / "live_training.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_layers_live_section_syncs_its_sliders_and_reads_the_view(book_lab, browser, artifacts_dir):
    import numpy as np

    context, page, log = _open_chapter(book_lab, browser, "layers")
    try:
        before = 0
        _run_all(page)
        _button(page, "pull the group out").wait_for(timeout=1_200_000)
        _new_figure(page, before, timeout=600_000)
        page.wait_for_function(f"{LAST}.cfg.show_handles === true", timeout=60_000)

        def readouts():
            return [page.locator(".jp-Notebook .widget-slider", has_text=n).last.locator(".widget-readout")
                    .inner_text() for n in ("epoch index", "layer")]

        assert readouts() == ["3", "0.00"], readouts()
        _drag_axis_handle(page, 2)
        _read_view_matches_page(page)
        # a data-set switch: a new figure; the sliders take its range and position
        n = _figures(page)
        page.locator(".jp-Notebook .widget-dropdown", has_text="data set").last.locator("select").select_option("cifar10")
        _new_figure(page, n, timeout=600_000)
        page.wait_for_timeout(1000)
        assert readouts() == ["3", "0.00"], readouts()
        # the page's own layer position comes back to the kernel and moves the ipywidgets slider
        page.evaluate(f"{LAST}.setLayer(2.5)")        # what the figure's own layer slider calls
        _button(page, "read the view").click()
        _wait_for_text(_live_notes(page), "layer 2.50", timeout=60_000)
        page.wait_for_function("() => [...document.querySelectorAll('.jp-Notebook .widget-slider')]"
                               ".some(s => s.innerText.includes('layer') && s.querySelector('.widget-readout')"
                               ".innerText.trim() === '2.50')", timeout=60_000)
        page.screenshot(path=str(artifacts_dir / "live_layers.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_activation_atlas_live_section_rebuilds_a_class_atlas(book_lab, browser, artifacts_dir):
    """The atlas chapter run top to bottom in a live kernel; its live section rebuilds the atlas of one
    class at the chosen grid size and shows it as a new atlas figure."""
    context, page, log = _open_chapter(book_lab, browser, "activation-atlas")
    try:
        _run_all(page)
        _button(page, "rebuild").wait_for(timeout=1_200_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=1_200_000)
        before = page.evaluate("window.tourlib && tourlib.AtlasFigure ? tourlib.AtlasFigure.instances.length : 0")
        page.locator(".jp-Notebook .widget-dropdown", has_text="class").last.locator("select").select_option("ship")
        _button(page, "rebuild").click()
        out = _live_output(page)
        _wait_for_text(out, "seconds per stage", timeout=600_000)
        page.wait_for_function(f"tourlib.AtlasFigure.instances.length > {before} && "
                               "tourlib.AtlasFigure.instances.at(-1).levels.every(l => l.ready)", timeout=120_000)
        assert "conv3, ship: " in out.inner_text()           # the first layer of the menu, ship only
        out.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "live_activation_atlas.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"



def _set_slider(page, name, value):
    """Type ``value`` into the readout of the last slider named ``name``, as a reader does."""
    page.locator(".jp-Notebook .widget-slider", has_text=name).last.locator(".widget-readout").fill(str(value))
    page.keyboard.press("Enter")


@pytest.mark.browser
@pytest.mark.slow
def test_adversarial_live_section_reruns_the_attack_on_a_new_tour(book_lab, browser, artifacts_dir):
    """The adversarial chapter run top to bottom in a live kernel; **run** re-runs the targeted attack with
    the chosen settings and shows its softmax tour (one frame per attack step)."""
    import re

    context, page, log = _open_chapter(book_lab, browser, "adversarial")
    try:
        _run_all(page)
        _button(page, "run").wait_for(timeout=900_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=900_000)
        _set_slider(page, "steps", 12)
        before = _figures(page)
        _button(page, "run").click()
        out = _live_output(page)
        _wait_for_text(out, " reach 0", timeout=600_000)
        _new_figure(page, before)
        reached, attacked = map(int, re.search(r"(\d+) of (\d+) reach 0", out.inner_text()).groups())
        assert 0 <= reached <= attacked and attacked > 0
        # one tour point per attacked image, one stored step per attack step and the start
        assert page.evaluate(f"[{LAST}.panels[0].n, {LAST}.panels[0].T]") == [attacked, 13]
        out.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "live_adversarial.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_umap_tour_live_section_embeds_the_chosen_classes_and_reads_the_view(book_lab, browser, artifacts_dir):
    """The UMAP chapter run top to bottom in a live kernel; **embed and tour** re-embeds every layer for the
    chosen classes, and **read the view** prints the 15-D view dragged in the page."""
    context, page, log = _open_chapter(book_lab, browser, "umap-tour")
    try:
        _run_all(page)
        _button(page, "embed and tour").wait_for(timeout=900_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=900_000)
        page.locator(".jp-Notebook .widget-select-multiple", has_text="classes").last.locator("select") \
            .select_option(["cat", "dog"])
        _set_slider(page, "n_neighbors", 10)
        before = _figures(page)
        _button(page, "embed and tour").click()
        _new_figure(page, before, timeout=900_000)
        out = _live_output(page)
        assert "for 120 images" in out.inner_text()          # 60 test images of each of the two classes
        assert page.evaluate(f"{LAST}.panels[0].n") == 120 and page.evaluate(f"{LAST}.d") == 15
        _drag_axis_handle(page, 2)
        _read_view_matches_page(page)
        assert "handles: " in _live_notes(page).inner_text()
        page.screenshot(path=str(artifacts_dir / "live_umap_tour.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"


@pytest.mark.browser
@pytest.mark.slow
def test_feature_visualization_live_section_renders_four_images(book_lab, browser, artifacts_dir):
    """The feature-visualization chapter run top to bottom in a live kernel; **render** optimises four
    images for the chosen channel and shows them, with the objective of each."""
    import re

    context, page, log = _open_chapter(book_lab, browser, "feature-visualization")
    try:
        _run_all(page)
        _button(page, "render").wait_for(timeout=900_000)
        page.wait_for_function("document.body.innerText.includes('Idle')", timeout=900_000)
        _set_slider(page, "steps", 32)
        _button(page, "render").click()
        out = _live_output(page)
        _wait_for_text(out, "objective per image", timeout=600_000)
        values = re.search(r"objective per image: \[([^\]]*)\]", out.inner_text()).group(1).split()
        assert len(values) == 4 and all(float(x) == float(x) for x in values)
        page.wait_for_function("([el]) => el.querySelector('.bk-Figure, .bk-root, canvas, img')",
                               arg=[out.element_handle()], timeout=120_000)
        out.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "live_feature_visualization.png"))
    finally:
        context.close()
    assert log.blocked == [], f"outside requests: {log.blocked[:5]}"
