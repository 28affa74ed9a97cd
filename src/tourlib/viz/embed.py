"""Showing Bokeh figures: in the static book, in a live notebook, and as a standalone file.

Three audiences, one figure object:

* **The built book** (no kernel). The page loads BokehJS and, from the book's
  ``_static`` folder (see :mod:`tourlib.sphinxext`), only the tourlib JavaScript
  that its figures declare. Each figure output is only a ``<div>`` (whose
  ``data-tourlib-js`` lists the modules it needs) plus its Bokeh JSON in a
  ``<script type="application/json">``; ``embed_items.js`` renders them. The Sphinx extension sets ``TOURBOOK_STATIC_HTML=1`` before chapters
  execute, and kernels inherit it, so :func:`show` knows it is being built.
* **A live notebook** (Jupyter, Binder). :func:`show` loads tourlib's JavaScript
  into the page and hands the figure to Bokeh's own notebook machinery.
* **A standalone HTML file** (:func:`save_html`): everything inline, no outside
  requests; used for slides, tests and benchmarks.

Which JavaScript a figure needs
-------------------------------
Every file in ``viz/js/`` starts with a header that declares its module name and what it needs::

    // @module fig_panel
    // @requires engine_linalg tour_project tour_raster

(the manifest: :func:`js_modules`). A figure builder names the modules it uses with
:func:`require_js` (a tag on the Bokeh model); :func:`js_for_model` collects them and
:func:`js_bundle` resolves the dependencies, each module after what it requires. A page loads only
that list, in that order. Every file adds to the one JavaScript namespace ``globalThis.tourlib``
and returns at once if its part is already there, so loading a file again (a re-run cell, a
reloaded notebook page) is harmless: *whether the JavaScript is already in the page is decided by
the page itself*, never by Python.
"""

from __future__ import annotations

import html
import json
import os
import uuid
from pathlib import Path

from bokeh.embed import json_item
from bokeh.model import Model
from bokeh.models import CustomJS
from bokeh.resources import INLINE

JS_DIR = Path(__file__).parent / "js"
#: The module that renders a static page's figures; it loads after every figure's modules.
EMBED_MODULE = "embed_items"
#: Tag prefix on a Bokeh model naming a JavaScript module it needs (see :func:`require_js`).
JS_TAG = "tourlib-js:"

STATIC_ENV = "TOURBOOK_STATIC_HTML"


def js_modules() -> dict[str, dict]:
    """The manifest: ``{module: {"path": Path, "requires": [modules]}}`` from the files' headers."""
    out = {}
    for path in sorted(JS_DIR.glob("*.js")):
        head = path.read_text(encoding="utf-8").split("\n", 6)[:6]
        name = next((ln.split("@module", 1)[1].strip() for ln in head if "@module" in ln), None)
        if name is None:
            raise ValueError(f"{path.name} has no '// @module <name>' header; every viz/js file declares one")
        req = next((ln.split("@requires", 1)[1].split() for ln in head if "@requires" in ln), [])
        out[name] = {"path": path, "requires": req}
    return out


def js_bundle(modules) -> list[Path]:
    """The files of ``modules`` and everything they require, each after its requirements."""
    manifest = js_modules()
    order: list[str] = []

    def visit(name, trail):
        if name in order:
            return
        if name not in manifest:
            raise ValueError(f"unknown JavaScript module {name!r}; known: {sorted(manifest)}")
        if name in trail:
            raise ValueError(f"circular @requires between JavaScript modules: {' → '.join(trail + [name])}")
        for dep in manifest[name]["requires"]:
            visit(dep, trail + [name])
        order.append(name)

    for m in modules:
        visit(m, [])
    return [manifest[m]["path"] for m in order]


def require_js(model: Model, *modules: str) -> Model:
    """Declare that ``model`` needs the JavaScript ``modules`` (names from :func:`js_modules`)."""
    known = js_modules()
    for m in modules:
        if m not in known:
            raise ValueError(f"unknown JavaScript module {m!r}; known: {sorted(known)}")
        tag = JS_TAG + m
        if tag not in model.tags:
            model.tags = list(model.tags) + [tag]
    return model


def js_for_model(model: Model) -> list[str]:
    """The JavaScript modules that ``model`` and the models it holds declare (first-seen order)."""
    names: list[str] = []
    for m in [model, *model.references()]:
        for tag in getattr(m, "tags", []) or []:
            if isinstance(tag, str) and tag.startswith(JS_TAG) and tag[len(JS_TAG):] not in names:
                names.append(tag[len(JS_TAG):])
    return names


def js_files(modules=None) -> list[Path]:
    """JavaScript files in load order: of ``modules`` (and their requirements), or all of them."""
    if modules is None:
        modules = [m for m in js_modules() if m != EMBED_MODULE] + [EMBED_MODULE]
    return js_bundle(modules)


def bokehjs_files() -> list[Path]:
    """The BokehJS bundles (minified) of the installed Bokeh, in load order."""
    from bokeh.util.paths import bokehjs_path

    base = Path(bokehjs_path()) / "js"
    names = ["bokeh.min.js", "bokeh-gl.min.js", "bokeh-widgets.min.js", "bokeh-tables.min.js"]
    return [base / n for n in names]


def static_mode() -> bool:
    """True while the book is being built into static HTML."""
    return os.environ.get(STATIC_ENV) == "1"


def on_ready(model: Model, callback: CustomJS) -> Model:
    """Run ``callback`` in the browser once ``model`` (a figure or a layout holding one) is laid out.

    The callback is attached to the first figure's ``inner_width``, which BokehJS sets when it lays
    the figure out: that happens in every way a figure is shown (static book, standalone file, live
    notebook, jupyter_bokeh widget) without needing a Bokeh document, and again on resizes, so the
    callback must be idempotent (initialise once, then return). Returns ``model``.
    """
    from bokeh.models import Plot

    if not isinstance(callback, CustomJS):
        raise TypeError(f"on_ready needs a bokeh.models.CustomJS, got {type(callback).__name__}")
    plots = [m for m in model.references() if isinstance(m, Plot)]
    if not plots:
        raise ValueError("on_ready needs a figure, or a layout that contains one, to attach to")
    plots[0].js_on_change("inner_width", callback)
    return model


def _item_html(model: Model) -> str:
    target = f"tourlib-{uuid.uuid4().hex[:12]}"
    item = json.dumps(json_item(model, target), separators=(",", ":"))
    # A JSON payload inside <script> must not contain "</": escape it.
    item = item.replace("</", "<\\/")
    needs = html.escape(" ".join(js_for_model(model)), quote=True)
    return (
        f'<div class="tourlib-figure" id="{target}" data-tourlib-js="{needs}"></div>'
        f'<script type="application/json" class="tourlib-bokeh-item" data-target="{target}">'
        f"{item}</script>"
    )


class FigureOutput:
    """A Bokeh model that displays itself correctly in every setting (see module doc)."""

    def __init__(self, model: Model):
        if not isinstance(model, Model):
            raise TypeError(f"expected a Bokeh model (figure or layout), got {type(model).__name__}")
        self.model = model

    def _repr_mimebundle_(self, include=None, exclude=None):
        if static_mode():
            return {"text/html": _item_html(self.model)}
        _show_live(self.model)
        return {"text/plain": ""}


#: The front-end session (page) the figure JavaScript was last sent to; None: never sent.
_LIVE_LOADED_FOR: str | None = None


def _frontend_session() -> str:
    """An id of the page that sent the running cell: the ``session`` of its Jupyter message header.

    JupyterLab gives every page load a new kernel connection with a new client session id, so a
    browser reload shows up here as a new id (outside a kernel: ``"-"``, one page for ever).
    """
    try:
        from IPython import get_ipython

        parent = get_ipython().get_parent() or {}
    except Exception:  # not in IPython, or a shell without message parents
        return "-"
    header = parent.get("header", parent) if isinstance(parent, dict) else {}
    return str(header.get("session") or "-")


def live_js(modules) -> str:
    """The JavaScript a live page needs for ``modules``; each file skips itself if already loaded."""
    return "\n".join(p.read_text(encoding="utf-8") for p in js_bundle(modules))


def load_live(modules=None) -> None:
    """Load BokehJS (once per page load) and tourlib's ``modules`` (default: all) into a live notebook page.

    A browser reload empties the page but keeps the kernel, so "once per kernel" is not enough:
    BokehJS is sent again whenever the running cell comes from a page (a front-end session) it was
    not sent to. The tourlib JavaScript is sent every time: the page itself decides whether it
    already has it (each file checks the ``tourlib`` namespace).
    """
    global _LIVE_LOADED_FOR
    from bokeh.io import output_notebook
    from IPython.display import Javascript, display

    session = _frontend_session()
    if _LIVE_LOADED_FOR != session:
        output_notebook(INLINE, hide_banner=True)
        _LIVE_LOADED_FOR = session
    if modules is None:
        modules = [m for m in js_modules() if m != EMBED_MODULE]
    if modules:
        display(Javascript(live_js(modules)))


def _show_live(model: Model) -> None:
    """Live notebook: :func:`load_live` with the model's JavaScript, then Bokeh's own ``show``."""
    from bokeh.io import show as bokeh_show

    load_live(js_for_model(model))
    bokeh_show(model)


def show(model: Model) -> None:
    """Display a Bokeh figure or layout (book page, live notebook, or plain Python)."""
    from IPython.display import display

    display(FigureOutput(model))


def standalone_html(model: Model, title: str = "tourlib figure") -> str:
    """A complete HTML page with BokehJS and the JavaScript ``model`` declares inline: no outside requests."""
    bokeh_js = "\n".join(f"<script>{p.read_text()}</script>" for p in bokehjs_files())
    ours = "\n".join(f"<script>{p.read_text()}</script>" for p in js_bundle(js_for_model(model) + [EMBED_MODULE]))
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)}</title>{bokeh_js}</head>"
        f"<body>{_item_html(model)}{ours}</body></html>"
    )


def save_html(model: Model, path: str | os.PathLike, title: str = "tourlib figure") -> Path:
    """Write :func:`standalone_html` to ``path`` and return the path."""
    path = Path(path)
    path.write_text(standalone_html(model, title), encoding="utf-8")
    return path
