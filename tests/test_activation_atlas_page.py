"""The activation-atlas chapter in the built book: its main atlas zooms into the finer grid, class focus
sets the icons' opacities from the cells' attributions, hover shows a cell's classes, every atlas on the
page is ready, and the page has no console errors and asks no other host for anything."""

from __future__ import annotations

import pytest

from browser import open_page, serve_directory

pytestmark = pytest.mark.browser

PAGE = "book/activation-atlas.html"
MAIN = "tourlib.AtlasFigure.instances[0]"
READY = ("window.tourlib && tourlib.AtlasFigure && tourlib.AtlasFigure.instances.length > 0 && "
         "tourlib.AtlasFigure.instances.every(I => I.levels.every(l => l.ready))")


def settle(tab):
    tab.wait_for_function(f"!{MAIN}.anim && !{MAIN}.fading && !{MAIN}.pending", timeout=5000)
    tab.wait_for_timeout(50)


def test_the_chapter_atlases_zoom_focus_and_hover(built_book, browser):
    with serve_directory(built_book) as base:
        context, tab, log = open_page(browser, f"{base}/{PAGE}", allowed_prefix=base, viewport=(1400, 1000))
        try:
            tab.wait_for_function(READY, timeout=60000)
            n = tab.evaluate("tourlib.AtlasFigure.instances.length")
            assert n >= 8      # the atlas, three layers, two class atlases, two comparisons, two grid sizes
            levels = tab.evaluate(f"{MAIN}.levels.length")
            assert levels >= 2
            # zoom in with the figure's own + button (the page's first: the grid figure has none)
            plus = tab.get_by_role("button", name="+").first
            plus.scroll_into_view_if_needed()
            for _ in range(6):
                if tab.evaluate(f"{MAIN}.level") == levels - 1:
                    break
                plus.click()
                settle(tab)
            assert tab.evaluate(f"{MAIN}.drawnLevel") == levels - 1
            # class focus: opacities follow the cells' mean attribution to the class
            sel = tab.locator("select").first
            sel.select_option("ship")
            tab.wait_for_timeout(300)
            alphas = tab.evaluate(f"Array.from({MAIN}.alphas[{MAIN}.level])")
            assert min(alphas) < 0.5 < max(alphas) and max(alphas) <= 1
            sel.select_option("all")
            tab.wait_for_timeout(300)
            assert min(tab.evaluate(f"Array.from({MAIN}.alphas[{MAIN}.level])")) == 1
            # hover a drawn cell of the coarse level, with the figure on screen: a tooltip with three classes
            tab.get_by_role("button", name="reset").first.click()
            settle(tab)
            top = tab.evaluate(f"{MAIN}.frameRect().top")
            tab.evaluate(f"window.scrollBy(0, {top} - 80)")
            tab.wait_for_timeout(300)
            m = tab.evaluate(f"(() => {{ const I = {MAIN}; const d = I.drawn; return d[Math.floor(d.length / 2)]; }})()")
            c = tab.evaluate(f"(() => {{ const I = {MAIN}; const q = I.centre(I.level, {m}); return I.toClient(q.x, q.y); }})()")
            tab.mouse.move(c["x"], c["y"])
            tab.wait_for_function(f"{MAIN}.hovered >= 0", timeout=3000)
            names = tab.evaluate("[...document.querySelector('.tl-atlas-tip').querySelectorAll('.tl-atlas-class b')]"
                                 ".map(b => b.textContent)")
            assert len(names) == 3
        finally:
            context.close()
    assert log.errors == [] and log.blocked == [], (log.errors, log.blocked)
