"""The feature-visualization chapter in the built book: its step slider and its interpolation slider show the
stored frame they point at, the drawn image changes with them, and the page has no console errors."""

from __future__ import annotations

import pytest

from browser import open_page, serve_directory

pytestmark = pytest.mark.browser

PAGE = "book/feature-visualization.html"

#: Every image slider on the page: its document's index, the slider's title, the frame count.
SLIDERS_JS = """() => Bokeh.documents.map((d, i) => {
    const s = [...d.all_models].find(m => m.type === 'Slider' && (m.tags || []).includes('tourlib-image-slider'));
    const src = [...d.all_models].find(m => m.data && 'f0' in m.data && 'url' in m.data);
    return s && src ? {doc: i, title: s.title, frames: s.end + 1, value: s.value} : null;
}).filter(x => x)"""

#: Move slider ``doc`` to ``k``; return the drawn URL, the stored URL of frame k, and the title.
MOVE_JS = """([doc, k]) => {
    const d = Bokeh.documents[doc];
    const s = [...d.all_models].find(m => m.type === 'Slider' && (m.tags || []).includes('tourlib-image-slider'));
    const src = [...d.all_models].find(m => m.data && 'f0' in m.data && 'url' in m.data);
    s.value = k;
    const others = Object.keys(src.data).filter(c => /^f\\d+$/.test(c) && c !== 'f' + k)
                     .filter(c => src.data[c][0] === src.data.url[0]);
    const shown = Bokeh.index.find_one(s).title_el.textContent;   // what the reader sees: "name: label"
    return {drawn: src.data.url[0], stored: src.data['f' + k][0], title: shown, same_as_other: others};
}"""

#: A checksum of the pixels of every canvas of the figure whose Bokeh document is ``doc``.
CANVAS_SUM_JS = """(doc) => {
    const root = Bokeh.documents[doc].roots()[0];
    const views = Object.values(Bokeh.index).filter(v => v.model === root);
    function canvases(node, out) {
        if (node.tagName === 'CANVAS') out.push(node);
        const kids = node.shadowRoot ? [...node.shadowRoot.children, ...node.children] : [...node.children];
        for (const c of kids) canvases(c, out);
        return out;
    }
    let sum = 0;
    for (const v of views) for (const c of canvases(v.el, [])) {
        if (!c.width || !c.height) continue;
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 0; i < data.length; i += 7) sum = (sum * 31 + data[i]) % 1000000007;
    }
    return sum;
}"""


def test_step_and_interpolation_sliders_show_the_stored_frames(built_book, browser, artifacts_dir):
    assert (built_book / PAGE).exists(), f"{PAGE} was not built"
    with serve_directory(built_book) as base:
        context, page, log = open_page(browser, f"{base}/{PAGE}", allowed_prefix=base, viewport=(1400, 1000))
        try:
            page.wait_for_load_state("networkidle")
            page.wait_for_function("() => window.Bokeh && Bokeh.documents.length > 0 && window.tourlib"
                                   " && tourlib.ImageSlider", timeout=30000)
            page.wait_for_timeout(1500)
            sliders = page.evaluate(SLIDERS_JS)
            kinds = {("step" if s["title"].startswith("step") else "mix"): s for s in sliders}
            assert set(kinds) == {"step", "mix"}, f"expected a step and a mix slider, found {sliders}"
            for kind, s in kinds.items():
                assert s["frames"] >= 3
                for k in (0, s["frames"] // 2, s["frames"] - 1):
                    page.evaluate(MOVE_JS, [s["doc"], k])
                    page.wait_for_timeout(400)
                    got = page.evaluate(MOVE_JS, [s["doc"], k])
                    assert got["drawn"] == got["stored"], f"{kind} slider at {k} does not show frame {k}"
                    assert not got["same_as_other"], f"{kind} frame {k} is stored twice: {got['same_as_other']}"
                    if kind == "step":
                        assert got["title"].startswith("step: ")
                    else:
                        assert got["title"].startswith("mix: t = ")
                    if k == 0:
                        first = page.evaluate(CANVAS_SUM_JS, s["doc"])
                last = page.evaluate(CANVAS_SUM_JS, s["doc"])
                assert first != last, f"the {kind} figure drew the same pixels at the first and the last frame"
            for s in kinds.values():
                page.evaluate(MOVE_JS, [s["doc"], 0])
            page.wait_for_timeout(400)     # CustomJS callbacks run asynchronously
            titles = {k: page.evaluate(MOVE_JS, [s["doc"], 0])["title"] for k, s in kinds.items()}
            assert titles["step"] == "step: 0" and titles["mix"] == "mix: t = 0.00"
            page.screenshot(path=str(artifacts_dir / "feature_visualization_sliders.png"))
        finally:
            context.close()
    assert log.errors == [], log.errors
    assert log.blocked == [], log.blocked
