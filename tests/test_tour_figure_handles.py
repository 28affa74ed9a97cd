"""The UMAP Tour's figure features in Chromium, checked against the Python math.

Group handles (class and coarse groups, at their centroid in the current layer; a drag turns the
view by ``drag_group``), handles of the reader's own (key ``d`` + brush, rename in the handles
box, ``x`` deletes), layer indicators and ``j`` / ``k`` (a morph to the chosen layer), and the
comparison of two data sets: the alignment toggle (panel 0 rotated by ``R[s, s']``) and a
heat-map click that shows layer i beside layer j. Python side: the config checks.
"""

from __future__ import annotations

import numpy as np
import pytest
from bokeh.layouts import column

from tourlib.embed.layers import normalize_embedding, pair_rotations
from tourlib.tour import drag_group
from tourlib.viz.heatmap import similarity_heatmap
from tourlib.viz.tour_figure import tour_figure
from tourlib.viz.tour_handles import class_groups, coarse_groups, handle_config

from test_tour_figure_browser import INST, FigurePage, open_figure  # noqa: F401 (fixture)

LAYERS = ["input", "a", "b", "c"]
CLASSES = ["cat", "dog", "car", "ship"]


def layered(n=160, d=6, seed=0):
    """4 layers × n × d: classes drift apart layer by layer."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    noise = rng.normal(size=(n, d))
    means = 3.0 * np.eye(4, d)
    return np.stack([noise + (t / 3) * means[y] for t in range(4)]), y


def handles_page(open_figure):
    X, y = layered()
    sets = {"classes": class_groups(y, CLASSES),
            "animals / vehicles": coarse_groups(y, CLASSES, {"animals": ["cat", "dog"], "vehicles": ["car", "ship"]})}
    layout = tour_figure(X, y, classes=CLASSES, times=LAYERS, time_name="layer", handles=sets,
                         time_indicators=True, autoplay=False, seed=2)
    return open_figure(layout, "handles"), X, y, sets


def shown(fp, k=0):
    return np.array(fp.inst(f"Array.from(I.panels[{k}].proj)")).reshape(-1, 2)


def centre(fp):
    return np.array(fp.inst("I.cfg.center"))


# ------------------------------------------------------------------------------ Python side
def test_handle_config_checks_and_colours():
    y = np.array([0, 1, 1, 2])
    groups, sets = handle_config({"c": class_groups(y, ["a", "b", "z"])}, 4, ["a", "b", "z"], ["#1", "#2", "#3"])
    assert [g["name"] for g in groups] == ["a", "b", "z"] and [g["color"] for g in groups] == ["#1", "#2", "#3"]
    assert groups[1]["indices"] == [1, 2]
    assert sets == [{"name": "c", "on": True}, {"name": "yours", "on": True}]
    with pytest.raises(ValueError, match="outside 0…3"):
        handle_config({"s": {"g": [0, 9]}}, 4, ["a"], ["#1"])
    with pytest.raises(ValueError, match="no points"):
        handle_config({"s": {"g": []}}, 4, ["a"], ["#1"])
    with pytest.raises(ValueError, match="unknown handle sets"):
        handle_config({"s": {"g": [0]}}, 4, ["a"], ["#1"], shown="t")
    with pytest.raises(ValueError, match="not classes"):
        coarse_groups(y, ["a", "b"], {"g": ["a", "q"]})


def test_alignment_is_checked():
    X, y = layered(n=20, d=3)
    R = np.broadcast_to(np.eye(3), (4, 4, 3, 3))
    tour_figure({"a": X, "b": X}, y, align={"panel": "a", "rotations": R})          # fine
    with pytest.raises(ValueError, match="S×S×d×d"):
        tour_figure({"a": X, "b": X}, y, align={"panel": 0, "rotations": np.eye(3)})
    with pytest.raises(ValueError, match="orthogonal"):
        tour_figure({"a": X, "b": X}, y, align={"panel": 0, "rotations": 2 * R})
    with pytest.raises(ValueError, match="two panels"):
        tour_figure(X, y, align={"panel": 0, "rotations": R})


def test_pair_rotations_recover_a_known_rotation():
    rng = np.random.default_rng(1)
    E = rng.normal(size=(3, 50, 4))
    Q = np.linalg.qr(rng.normal(size=(4, 4)))[0]
    R = pair_rotations(E, E @ Q)
    assert R.shape == (3, 3, 4, 4)
    for i in range(3):
        np.testing.assert_allclose(R[i, i], Q, atol=1e-8)
        for j in range(3):
            np.testing.assert_allclose(R[i, j].T @ R[i, j], np.eye(4), atol=1e-10)


# ------------------------------------------------------------------------------ in the browser
@pytest.mark.browser
def test_class_handles_sit_at_centroids_and_drag_by_drag_group(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    mu, G = centre(fp), fp.G()
    names = fp.inst("I.groups.filter(g => I.groupVisible(g)).map(g => g.name)")
    assert names == CLASSES                                    # the first set is on, the other off
    for lam in (0, 2):
        fp.js(f"() => {{ {INST}.widgets.time_slider.value = {lam}; }}")
        fp.settle()
        for k, name in enumerate(CLASSES):
            c = X[lam][y == k].mean(axis=0) - mu
            at = np.array(fp.inst(f"I.screenOf(I.groupCentroid(I.groups[{k}]))"))
            np.testing.assert_allclose(at, c @ G[:, :2], atol=1e-4)
    # drag the handle of "car" by a few pixels: the view turns as drag_group says
    c = X[2][y == 2].mean(axis=0) - mu
    p = c @ G[:, :2]
    upp = fp.units_per_pixel()
    fp.drag(fp.js("([x, y]) => tourlib.TourFigure.instances[0].panels[0].toClient(x, y)", list(p)), (40, -25))
    drag = fp.inst("I.lastDrag")
    assert drag["kind"] == "group"
    G2 = fp.G()
    # (the page's points are int16-encoded: its centroid differs from the exact one by ~1e-5)
    np.testing.assert_allclose(drag["c"], c, atol=1e-3 * np.abs(X).max())
    np.testing.assert_allclose(G2, drag_group(G, X[2] - mu, np.flatnonzero(y == 2), drag["delta"]), atol=2e-5)
    np.testing.assert_allclose(c @ G2[:, :2], p + np.array(drag["delta"]), atol=1e-4)
    assert abs(drag["delta"][0] - 40 * upp) < 2 * upp and abs(drag["delta"][1] - 25 * upp) < 2 * upp
    # switch the sets in the handles box
    fp.page.locator(".tl-set", has_text="animals / vehicles").click()
    fp.page.locator(".tl-set", has_text="classes").click()
    fp.settle()
    assert fp.inst("I.groups.filter(g => I.groupVisible(g)).map(g => g.name)") == ["animals", "vehicles"]
    state = fp.inst("I.state.handles.map(h => [h.name, h.indices.length])")
    assert state == [["animals", int(np.isin(y, [0, 1]).sum())], ["vehicles", int(np.isin(y, [2, 3]).sum())]]
    fp.screenshot("handles")


@pytest.mark.browser
def test_custom_handle_made_renamed_and_deleted_with_the_keys(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    mu, G = centre(fp), fp.G()
    P = (X[0] - mu) @ G[:, :2]
    lo, hi = np.quantile(P, 0.3, axis=0), np.quantile(P, 0.7, axis=0)
    a, b = fp.client(0, lo[0], hi[1]), fp.client(0, hi[0], lo[1])
    fp.page.mouse.move(a["x"], a["y"])                       # the keys go to the figure under the pointer
    fp.page.keyboard.press("d")
    assert fp.inst("I.armed") is True
    fp.drag(a, (b["x"] - a["x"], b["y"] - a["y"]))
    inside = np.flatnonzero((P[:, 0] >= lo[0]) & (P[:, 0] <= hi[0]) & (P[:, 1] >= lo[1]) & (P[:, 1] <= hi[1]))
    assert fp.inst("I.armed") is False and fp.inst("I.selection") is None   # the brush became a handle
    mine = fp.inst("I.groups.filter(g => g.set === 'yours').map(g => [g.name, Array.from(g.indices)])")
    assert mine[0][0] == "group 1"
    assert abs(len(mine[0][1]) - len(inside)) <= 2 and len(set(mine[0][1]) ^ set(inside)) <= 2  # edge pixels
    assert "group 1" in fp.inst("I.state.handles.map(h => h.name)")
    # its handle follows the same points at another layer
    fp.page.keyboard.press("j")
    fp.page.wait_for_function(f"{INST}.pos[0] === 1 && !{INST}.timePlaying")
    c = X[1][mine[0][1]].mean(axis=0) - mu
    np.testing.assert_allclose(fp.inst("I.screenOf(I.groupCentroid(I.groups.find(g => g.name === 'group 1')))"),
                               c @ G[:, :2], atol=1e-4)
    # rename it in the handles box
    box = fp.page.locator(".tl-mine input")
    box.fill("my cats")
    box.press("Enter")
    fp.settle()
    assert fp.inst("I.groups.filter(g => g.set === 'yours').map(g => g.name)") == ["my cats"]
    assert "my cats" in fp.inst("I.state.handles.map(h => h.name)")
    # a second one with the + button, then x deletes the newest
    fp.page.locator(".tl-new").click()
    assert fp.inst("I.armed") is True
    assert fp.page.locator(".tl-new").inner_text() == "brush some points…"
    fp.drag(a, (b["x"] - a["x"], b["y"] - a["y"]))
    assert fp.inst("I.lastDrag") is None, fp.inst("I.lastDrag")
    assert fp.inst("I.custom") == ["my cats", "group 2"]
    fp.page.mouse.move(a["x"], a["y"])
    fp.page.keyboard.press("x")
    assert fp.inst("I.custom") == ["my cats"]
    fp.page.keyboard.press("x")
    assert fp.inst("I.custom") == [] and fp.inst("I.state.handles.map(h => h.name)") == CLASSES


@pytest.mark.browser
def test_layer_indicators_and_keys_morph_between_layers(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    mu, G = centre(fp), fp.G()
    fp.page.locator(".tl-ind", has_text="b").click()
    assert fp.inst("I.timePlaying") is True                     # it morphs, not jumps
    fp.page.wait_for_function(f"!{INST}.timePlaying")
    assert fp.inst("I.pos[0]") == 2.0
    np.testing.assert_allclose(shown(fp), (X[2] - mu) @ G[:, :2], atol=2e-3 * fp.inst("I.cfg.half"))
    np.testing.assert_array_equal(fp.G(), G)                     # the view stays put across layers
    assert fp.page.locator(".tl-ind.tl-on").inner_text() == "b"
    # halfway through a morph the points are the linear blend of the two layers
    fp.js(f"() => {{ {INST}.setAxis(0, 2.5); }}")
    fp.settle()
    np.testing.assert_allclose(shown(fp), (0.5 * (X[2] + X[3]) - mu) @ G[:, :2], atol=2e-3 * fp.inst("I.cfg.half"))
    fp.page.mouse.move(*[fp.client(0, 0, 0)[k] for k in ("x", "y")])
    fp.page.keyboard.press("j")                                  # from 2.5 the next layer is 3
    fp.page.wait_for_function(f"!{INST}.timePlaying")
    assert fp.inst("I.pos[0]") == 3.0
    fp.page.keyboard.press("k")
    fp.page.keyboard.press("k")                                  # two presses: two layers back
    fp.page.wait_for_function(f"!{INST}.timePlaying")
    assert fp.inst("I.pos[0]") == 1.0 and fp.inst("I.state.positions") == [1.0]


def compare_page(open_figure):
    rng = np.random.default_rng(4)
    A, y = layered(n=120, d=5, seed=3)
    A = np.stack([normalize_embedding(a) for a in A])
    Q = [np.linalg.qr(rng.normal(size=(5, 5)))[0] for _ in range(4)]
    B = np.stack([normalize_embedding(A[t] @ Q[t] + 0.05 * rng.normal(size=A[t].shape)) for t in range(4)])
    R = pair_rotations(A, B)
    cka = rng.uniform(size=(4, 4))
    fig = tour_figure({"left": A, "right": B}, y, classes=CLASSES, times=LAYERS, time_name="layer", center=False,
                      align={"panel": 0, "rotations": R, "label": "align left onto right"}, figure_id="cmp",
                      autoplay=False, seed=1)
    heat = similarity_heatmap(cka, LAYERS, LAYERS, title="similarity", y_label="right", x_label="left",
                              target={"figure": "cmp", "rows": 1, "cols": 0})
    heat.name = "heat"
    return open_figure(column(fig, heat), "compare"), A, B, R


@pytest.mark.browser
def test_alignment_toggle_and_heat_map_cell(open_figure):
    fp, A, B, R = compare_page(open_figure)
    G = fp.G()
    tol = 2e-3 * fp.inst("I.cfg.half")
    fp.js(f"() => {{ {INST}.widgets.time_slider.value = 2; }}")
    fp.settle()
    np.testing.assert_allclose(shown(fp, 0), A[2] @ G[:, :2], atol=tol)
    fp.page.get_by_role("button", name="align left onto right: off").click()
    fp.page.wait_for_function(f"{INST}.alignment.alpha === 1")
    fp.settle()
    np.testing.assert_allclose(shown(fp, 0), A[2] @ R[2, 2] @ G[:, :2], atol=tol)
    np.testing.assert_allclose(shown(fp, 1), B[2] @ G[:, :2], atol=tol)
    assert fp.inst("I.state.alignment") == 1.0
    # aligned, the left layer lands close to the right one (what Procrustes minimises)
    assert np.abs(shown(fp, 0) - shown(fp, 1)).mean() < 0.2 * np.abs(shown(fp, 1)).mean()
    # click heat-map cell (row "a" = right panel's layer 1, column "c" = left panel's layer 3)
    at = fp.js("""([r, c]) => {
        const plot = Bokeh.documents[0].get_model_by_name("heat");
        const pv = Bokeh.index.find_one(plot);
        pv.el.scrollIntoView();
        const el = pv.canvas_view.events_el.getBoundingClientRect();
        return {x: el.left + pv.frame.x_scale.compute(c), y: el.top + pv.frame.y_scale.compute(r)};
    }""", ["a", "c"])
    fp.page.mouse.click(at["x"], at["y"])
    fp.page.wait_for_function(f"{INST}.pairPos !== null")
    fp.settle()
    assert fp.inst("I.state.pair") == [3, 1]
    np.testing.assert_allclose(shown(fp, 0), A[3] @ R[3, 1] @ G[:, :2], atol=tol)
    np.testing.assert_allclose(shown(fp, 1), B[1] @ G[:, :2], atol=tol)
    assert fp.inst("I.panels.map(p => p.plot.title.text)") == ["left · c", "right · a"]
    fp.screenshot("compare")
    # moving the slider puts the panels back in step
    fp.js(f"() => {{ {INST}.widgets.time_slider.value = 1; }}")
    fp.settle()
    assert fp.inst("I.pairPos") is None and fp.inst("I.panels.map(p => p.plot.title.text)") == ["left", "right"]
    np.testing.assert_allclose(shown(fp, 0), A[1] @ R[1, 1] @ G[:, :2], atol=tol)


@pytest.mark.browser
def test_labels_never_overlap_and_a_playing_tour_resumes_after_a_drag(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    # at the input the class centroids crowd the centre: labels are left out rather than piled up
    for lam in (0, 3):
        fp.js(f"() => {{ {INST}.widgets.time_slider.value = {lam}; }}")
        fp.settle()
        rects = fp.inst("I.panels[0].placedLabels")
        assert len(rects) >= 1
        for a in range(len(rects)):
            for b in range(a):
                r, q = rects[a], rects[b]
                assert not (r["x0"] < q["x1"] and q["x0"] < r["x1"] and r["y0"] < q["y1"] and q["y0"] < r["y1"])
    # drag a class handle while the tour plays: it pauses during the drag and plays on from the new view
    fp.inst("I.setRate(0.05)")                     # slow, so the handle is still where we press
    fp.page.get_by_role("button", name="Play").click()
    fp.page.wait_for_function(f"{INST}.t > 0.002")
    at = fp.inst("(() => { const c = I.screenOf(I.groupCentroid(I.groups[1])); return I.panels[0].toClient(c[0], c[1]); })()")
    m = fp.page.mouse
    m.move(at["x"], at["y"])
    m.down()
    m.move(at["x"] + 30, at["y"] + 20, steps=4)
    assert fp.inst("I.playing") is False
    m.up()
    assert fp.inst("I.lastDrag.kind") == "group"
    assert fp.inst("I.playing") is True
    t0 = fp.inst("I.t")
    fp.page.wait_for_function(f"{INST}.t > {t0} + 0.002")
    # Reset returns to dots
    fp.inst("I.setMode('images')")
    fp.page.get_by_role("button", name="Reset").click()
    assert fp.inst("I.mode") == "dots"


@pytest.mark.browser
def test_arrow_keys_on_a_slider_step_one_position(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    fp.page.locator(".noUi-handle").nth(1).focus()           # the layer slider (the first is speed)
    fp.page.keyboard.press("ArrowRight")
    fp.settle()
    assert fp.inst("I.pos[0]") == 1.0
    fp.js(f"() => {{ {INST}.setAxis(0, 1.4); }}")
    fp.page.keyboard.press("ArrowRight")
    assert fp.inst("I.pos[0]") == 2.0
    fp.page.keyboard.press("ArrowLeft")
    fp.page.keyboard.press("ArrowLeft")
    assert fp.inst("I.pos[0]") == 0.0
    assert fp.inst("tourlib.bridge.view(I.widgets.time_slider).title_el.textContent") == "layer: input"


@pytest.mark.browser
def test_drag_reach_circle_legend_focus_over_a_brush_and_solo(open_figure):
    fp, X, y, sets = handles_page(open_figure)
    mu = centre(fp)
    # while a group handle is dragged, the circle it can reach (radius |c|) is drawn around the origin
    at = fp.inst("(() => { const c = I.screenOf(I.groupCentroid(I.groups[0])); return I.panels[0].toClient(c[0], c[1]); })()")
    m = fp.page.mouse
    m.move(at["x"], at["y"])
    m.down()
    m.move(at["x"] + 15, at["y"] + 10, steps=3)
    c = X[0][y == 0].mean(axis=0) - mu
    assert fp.inst("I.dragReach(0)") == pytest.approx(np.linalg.norm(c), rel=1e-3)
    fp.settle()
    ring = fp.inst("""(() => { const P = I.panels[0], v = P.lastView, r = I.dragReach(0) * v.W / (v.x1 - v.x0);
        const ox = Math.floor(-v.x0 * v.W / (v.x1 - v.x0)), oy = Math.floor(v.y1 * v.H / (v.y1 - v.y0));
        let hits = 0, tries = 0;
        for (let k = 0; k < 64; k++) { const a = 2 * Math.PI * k / 64, x = Math.round(ox + r * Math.cos(a)), y = Math.round(oy + r * Math.sin(a));
          if (x < 1 || y < 1 || x >= v.W - 1 || y >= v.H - 1) continue; tries++;
          for (const [dx, dy] of [[0,0],[1,0],[-1,0],[0,1],[0,-1]]) if (P.buf[(y + dy) * v.W + x + dx] === I.crossColor) { hits++; break; } }
        return [hits, tries]; })()""")
    assert ring[1] > 10 and ring[0] >= 0.4 * ring[1]   # dashed, and dots drawn over it
    m.up()
    assert fp.inst("I.dragReach(0)") == 0
    # a brush is on; hovering a class in the legend still shows all of that class
    fp.inst("I.select(0, [0, 1, 2, 3])")
    fp.page.locator(".tl-item", has_text="car").hover()
    flags = np.array(fp.inst("Array.from(I.panels[0].flags)"))
    assert set(np.flatnonzero(flags == 2)) == set(np.flatnonzero(y == 2))
    fp.page.mouse.move(5, 5)
    fp.settle()
    assert set(np.flatnonzero(np.array(fp.inst("Array.from(I.panels[0].flags)")) == 2)) == {0, 1, 2, 3}
    fp.inst("I.clearBrush()")
    # double-click: that class alone, and the brush picks only its points; again: every class
    fp.page.locator(".tl-item", has_text="dog").dblclick()
    assert fp.inst("Array.from(I.hidden)") == [1, 0, 1, 1]
    fp.page.mouse.move(5, 5)
    P = (X[0] - mu) @ fp.G()[:, :2]
    lo, hi = P.min(axis=0), P.max(axis=0)
    fp.inst(f"I.brush(0, {{type: 'rect', x0: {lo[0]}, x1: {hi[0]}, y0: {lo[1]}, y1: {hi[1]}}}, true)")
    assert set(fp.inst("Array.from(I.selection.indices)")) == set(np.flatnonzero(y == 1))
    fp.page.locator(".tl-item", has_text="dog").dblclick()
    assert fp.inst("Array.from(I.hidden)") == [0, 0, 0, 0]


def test_the_cls_role_marks_a_class_name():
    from tourlib.sphinxext import class_role

    nodes_, msgs = class_role("cls", "{cls}`cat <b>`", "cat <b>", 1, None)
    assert msgs == [] and nodes_[0].astext() == '<span class="tl-cls" data-class="cat &lt;b&gt;">cat &lt;b&gt;</span>'


@pytest.mark.browser
def test_class_names_in_prose_take_the_class_colour_and_highlight_it(open_figure):
    from tourlib.viz.embed import require_js

    X, y = layered()
    layout = require_js(tour_figure(X, y, classes=CLASSES, times=LAYERS, autoplay=False), "prose_classes")
    fp = open_figure(layout, "prose")
    fp.js("""() => { const p = document.createElement('p');
        p.innerHTML = 'the <span class="tl-cls" data-class="car">car</span> and the <span class="tl-cls" data-class="truck">truck</span>';
        document.body.prepend(p); tourlib.prose.bind(); }""")
    fp.page.wait_for_function("document.querySelector('.tl-cls').style.color !== ''")
    colours = fp.inst("I.cfg.colors")
    rgb = fp.js("() => getComputedStyle(document.querySelector('.tl-cls')).color")
    r, g, b = (int(colours[2][k:k + 2], 16) for k in (1, 3, 5))
    assert rgb == f"rgb({r}, {g}, {b})"
    fp.page.locator(".tl-cls", has_text="car").hover()
    assert fp.inst("I.focus") == 2
    fp.page.mouse.move(900, 700)
    assert fp.inst("I.focus") == -1
    assert fp.js("() => document.querySelectorAll('.tl-cls')[1].style.color") == ""   # no figure has "truck"
