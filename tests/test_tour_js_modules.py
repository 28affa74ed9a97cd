"""The JavaScript modules: declared dependencies, one namespace, small files, and a page that
loads only what its figures declare (static book page, standalone file, live notebook)."""
import re
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import pytest

from tourlib import sphinxext
from tourlib.viz.embed import (EMBED_MODULE, JS_DIR, _item_html, js_bundle, js_for_model, js_modules, live_js,
                               require_js, standalone_html)
from tourlib.viz.polytope import polytope_tour
from tourlib.viz.small_multiples import small_multiples
from tourlib.viz.tour_figure import tour_figure
from tourlib.tour.shapes import hypercube

NODE = shutil.which("node")


def test_every_file_declares_a_module_and_its_requirements_exist():
    manifest = js_modules()
    assert {p.name for p in JS_DIR.glob("*.js")} == {m["path"].name for m in manifest.values()}
    for name, m in manifest.items():
        for dep in m["requires"]:
            assert dep in manifest, f"{name} requires unknown {dep}"
        assert len(m["path"].read_text().splitlines()) <= 350, f"{m['path'].name} is over 350 lines"


def test_bundles_put_every_module_after_what_it_requires():
    manifest = js_modules()
    order = [p.stem for p in js_bundle(["tour_figure", EMBED_MODULE])]
    names = {m["path"].stem: n for n, m in manifest.items()}
    seen = set()
    for stem in order:
        for dep in manifest[names[stem]]["requires"]:
            assert manifest[dep]["path"].stem in seen, f"{stem} loads before {dep}"
        seen.add(stem)
    with pytest.raises(ValueError, match="unknown JavaScript module"):
        js_bundle(["no_such_module"])


@pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
def test_all_modules_define_only_the_tourlib_global_and_loading_twice_is_harmless(tmp_path):
    files = [str(p) for p in js_bundle([m for m in js_modules() if m not in ("embed_items",)])]
    driver = tmp_path / "g.js"
    driver.write_text(
        "globalThis.window = globalThis; const before = new Set(Object.keys(globalThis));\n"
        "const files = JSON.parse(process.argv[2]);\n"
        "for (const f of files) require(f);\n"
        "const A = globalThis.tourlib.TourFigure.instances;\n"
        "for (const f of files) { delete require.cache[require.resolve(f)]; require(f); }\n"
        "const added = Object.keys(globalThis).filter((k) => !before.has(k));\n"
        "console.log(JSON.stringify({added, same: globalThis.tourlib.TourFigure.instances === A}));\n")
    import json
    out = json.loads(subprocess.run([NODE, str(driver), json.dumps(files)], capture_output=True, text=True,
                                    check=True).stdout)
    assert out["added"] == ["tourlib"]
    assert out["same"], "a second load must keep the running figures"


def _figures():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 4)), rng.integers(0, 2, 50)
    V, E = hypercube(3)
    return {
        "tour": tour_figure(X, y, seed=0),
        "polytope": polytope_tour(V, E, seed=0),
        "small_multiples": small_multiples([("a", X[:, :2]), ("b", X[:, 2:])], y),
    }


def test_each_figure_declares_its_javascript():
    figs = _figures()
    assert js_for_model(figs["tour"]) == ["tour_figure"]
    assert js_for_model(figs["polytope"]) == ["polytope_tour"]
    assert js_for_model(figs["small_multiples"]) == []
    with pytest.raises(ValueError, match="unknown JavaScript module"):
        require_js(figs["tour"], "nope")


def test_a_page_with_one_kind_of_figure_loads_only_its_declared_javascript():
    figs = _figures()
    for kind, fig in figs.items():
        body = _item_html(fig)
        needed = js_bundle(js_for_model(fig) + [EMBED_MODULE])
        added = []
        app = SimpleNamespace(add_js_file=lambda name, priority=None: added.append(name))
        sphinxext._page_scripts(app, "p", "page.html", {"body": body, "script_files": []}, None)
        ours = [a.split("/", 1)[1] for a in added if a.split("/", 1)[1].startswith(tuple(p.stem for p in JS_DIR.glob("*.js")))
                and not a.endswith(".min.js")]
        assert ours == [p.name for p in needed], kind
        page = standalone_html(fig)
        inline = set(re.findall(r"@module (\w+)", page))
        assert inline == {m for m, v in js_modules().items() if v["path"] in needed}, kind
    # a polytope page has no tour figure code, a small-multiples page none of tourlib's engine
    assert "fig_instance" not in standalone_html(figs["polytope"])
    assert "@module paths" not in standalone_html(figs["small_multiples"])


def test_live_javascript_is_only_what_the_figure_needs():
    code = live_js(js_for_model(_figures()["polytope"]))
    assert "@module polytope_tour" in code and "@module fig_instance" not in code
