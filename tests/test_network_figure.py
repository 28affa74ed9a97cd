"""The "network opened" figure: structure in Python, the epoch slider in Chromium."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from bokeh.models import ColumnDataSource, Div, Slider

from tourlib.nets import build_model, layer_activations
from tourlib.nets.opened import OpenedNetwork, open_network
from tourlib.viz.embed import save_html
from tourlib.viz.network_figure import KIND_COLORS, layer_profile_figure, network_figure

from browser import open_page

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CLASSES = [f"c{k}" for k in range(10)]


def image(seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(28, 28), dtype=np.uint8)


def sources(layout):
    heat = next(m for m in layout.select({"type": ColumnDataSource}) if "img0" in m.data)
    bars = next(m for m in layout.select({"type": ColumnDataSource}) if "p0" in m.data)
    return heat, bars


def test_blocks_heatmaps_and_epochs():
    nets = [build_model("mnist", True, seed=s) for s in (0, 1, 2)]
    layout = network_figure(open_network(nets, image()), 3, classes=CLASSES, epochs=[0, 5, 30])
    heat, bars = sources(layout)
    assert heat.data["name"][0] == "input" and heat.data["name"][-1] == "softmax"
    assert len(heat.data["name"]) == 12  # input + 11 layers
    for e in range(3):
        assert len(heat.data[f"img{e}"]) == 12
        for a in heat.data[f"img{e}"]:
            assert np.nanmin(a) >= 0 and np.nanmax(a) <= 1
    # the shown epoch is the last; its probabilities are the network's softmax
    probs = layer_activations(nets[2], image()[None], layers="softmax")["softmax"][0]
    np.testing.assert_allclose(bars.data["p"], probs, rtol=1e-6)
    # the conv1 mosaic holds the 10 maps of 24×24: 5 rows × 2 columns with one-pixel gaps
    assert heat.data["img0"][1].shape == (5 * 25 - 1, 2 * 25 - 1)
    blocks = next(m for m in layout.select({"type": ColumnDataSource}) if "kind" in m.data)
    assert blocks.data["kind"][:3] == ["linear", "other", "component-wise"]
    assert blocks.data["color"][0] == KIND_COLORS["linear"]
    assert len(list(layout.select({"type": Slider}))) == 1
    one = network_figure(open_network(nets[0], image()), 3, classes=CLASSES)
    assert len(list(one.select({"type": Slider}))) == 0
    with pytest.raises(ValueError, match="label"):
        network_figure(open_network(nets, image()), 11, classes=CLASSES)
    with pytest.raises(TypeError, match="open_network"):
        network_figure(nets, 3, classes=CLASSES)
    with pytest.raises(ValueError, match="activations"):
        OpenedNetwork(names=["a"], kinds=["linear"], shapes=[(2,), (1,)], activations=[[np.zeros(2)]],
                      probabilities=[np.ones(1)])


def test_importing_viz_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, tourlib.viz, tourlib.viz.network_figure; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False", "import tourlib.viz pulled in torch"


def test_layer_profile_checks_lengths():
    p = layer_profile_figure(["a", "b", "c"], {"x": [1, 2, 3]}, highlight="b")
    assert p.x_range.factors == ["a", "b", "c"]
    with pytest.raises(ValueError, match="3 layers"):
        layer_profile_figure(["a", "b", "c"], {"x": [1, 2]})


@pytest.mark.browser
def test_epoch_slider_swaps_heatmaps_and_prediction(browser, tmp_path):
    nets = [build_model("mnist", True, seed=s) for s in (0, 1)]
    layout = network_figure(open_network(nets, image()), 3, classes=CLASSES, epochs=["0", "9"])
    path = save_html(layout, tmp_path / "net.html")
    context, page, log = open_page(browser, path.as_uri(), "file://", viewport=(1000, 700))
    try:
        page.wait_for_function("window.tourlib && tourlib.NetworkFigure && document.querySelector('.bk-Column') !== null")
        page.wait_for_timeout(300)
        find = """(key) => { for (const d of Bokeh.documents) for (const m of d.all_models)
                   if (m.data && key in m.data) return m; return null; }"""
        first = page.evaluate(f"(() => {{ const h = ({find})('img0'); return [h.data.image[1][0], h.data.img1[1][0]]; }})()")
        n = page.evaluate("""() => { let n = 0; for (const d of Bokeh.documents) for (const m of d.all_models)
                         if (m.type === 'Slider') { m.value = 0; n++; } return n; }""")
        assert n == 1
        page.wait_for_timeout(200)
        after = page.evaluate(f"(() => {{ const h = ({find})('img0'); return [h.data.image[1][0], h.data.img0[1][0]]; }})()")
        assert after[0] == pytest.approx(after[1])
        texts = page.evaluate("""() => { const t = []; for (const d of Bokeh.documents) for (const m of d.all_models)
                                 if (m.type === 'Div') t.push(m.text); return t.join(' '); }""")
        assert "<b>epoch 0</b>" in texts and "<b>epoch 9</b>" not in texts
        probs = page.evaluate(f"(() => {{ const b = ({find})('p0'); return [Array.from(b.data.p), Array.from(b.data.p0)]; }})()")
        assert probs[0] == probs[1]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "network_figure.png"))
        assert first is not None
    finally:
        context.close()
    assert log.errors == [] and log.blocked == []
