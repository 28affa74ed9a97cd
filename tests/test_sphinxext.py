"""The Sphinx extension serves every browser asset from the book itself."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tourlib import sphinxext
from tourlib.viz.embed import STATIC_ENV, bokehjs_files, js_files


def test_asset_files_exist_and_engine_loads_first():
    for path in bokehjs_files() + js_files():
        assert path.exists(), path
    names = [p.name for p in js_files()]
    assert names[-1] == "embed_items.js", "figures must be defined before the embed script renders them"
    if "tour_engine.js" in names:
        assert names[0] == "tour_engine.js"


def test_offline_configuration_points_at_local_files(repo_root, tmp_path):
    config = SimpleNamespace(html_static_path=["book/_static"], mathjax_path=None, nb_ipywidgets_js=None)
    app = SimpleNamespace(confdir=str(repo_root))
    sphinxext._configure_offline(app, config)
    assert "://" not in config.mathjax_path
    assert (repo_root / "book/_static" / config.mathjax_path).exists()
    for url in config.nb_ipywidgets_js:
        assert "://" not in url and (repo_root / "book/_static" / url).exists()


def test_missing_vendor_files_give_a_clear_error(tmp_path):
    config = SimpleNamespace(html_static_path=["nowhere"], mathjax_path=None, nb_ipywidgets_js=None)
    with pytest.raises(FileNotFoundError, match="vendor-js.sh"):
        sphinxext._configure_offline(SimpleNamespace(confdir=str(tmp_path)), config)


def test_duplicate_scripts_are_dropped_keeping_order():
    from sphinx.builders.html._assets import _JavaScript

    thebe = "const THEBE_JS_URL = 1"
    ctx = {"script_files": [_JavaScript("a.js"), _JavaScript(None, body=thebe), _JavaScript("b.js"),
                            _JavaScript("", body=thebe, priority=800)]}
    sphinxext._dedupe_scripts(ctx)
    assert [(js.filename, js.attributes.get("body")) for js in ctx["script_files"]] == [
        ("a.js", None), (None, thebe), ("b.js", None)]


def test_static_mode_emits_json_item_not_script(monkeypatch):
    from bokeh.plotting import figure

    from tourlib.viz.embed import FigureOutput

    p = figure()
    p.scatter([1], [2])
    monkeypatch.setenv(STATIC_ENV, "1")
    html = FigureOutput(p)._repr_mimebundle_()["text/html"]
    assert 'class="tourlib-bokeh-item"' in html and "<script>" not in html
    assert "cdn.bokeh.org" not in html
    with pytest.raises(TypeError, match="Bokeh model"):
        FigureOutput("not a figure")
