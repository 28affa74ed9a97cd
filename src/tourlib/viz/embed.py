"""Showing Bokeh figures: in the static book, in a live notebook, and as a standalone file.

Three audiences, one figure object:

* **The built book** (no kernel). The page loads BokehJS and tourlib's own
  JavaScript (``viz/js/*.js``) once, from the book's ``_static`` folder (see
  :mod:`tourlib.sphinxext`). Each figure output is only a ``<div>`` plus its
  Bokeh JSON in a ``<script type="application/json">``; ``embed_items.js`` renders
  them. The Sphinx extension sets ``TOURBOOK_STATIC_HTML=1`` before chapters
  execute, and kernels inherit it, so :func:`show` knows it is being built.
* **A live notebook** (Jupyter, Binder). :func:`show` loads tourlib's JavaScript
  into the page and hands the figure to Bokeh's own notebook machinery.
* **A standalone HTML file** (:func:`save_html`): everything inline, no outside
  requests; used for slides, tests and benchmarks.
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

#: Engine files load first; the figure scripts use them; embed_items.js renders last.
_JS_ORDER = ("tour_engine.js",)
_JS_LAST = ("embed_items.js",)

STATIC_ENV = "TOURBOOK_STATIC_HTML"


def js_files() -> list[Path]:
    """tourlib's browser JavaScript files, in the order a page must load them."""
    present = {p.name: p for p in sorted(JS_DIR.glob("*.js"))}
    first = [present.pop(n) for n in _JS_ORDER if n in present]
    last = [present.pop(n) for n in _JS_LAST if n in present]
    return first + list(present.values()) + last


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
    return (
        f'<div class="tourlib-figure" id="{target}"></div>'
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


def load_live() -> None:
    """Load BokehJS and tourlib's figure scripts into a live notebook page, once per page load.

    A browser reload empties the page but keeps the kernel, so "once per kernel" is not enough:
    the scripts are sent again whenever the running cell comes from a page (a front-end session)
    they were not sent to. Loading them twice is safe (each script keeps what is already running).
    """
    global _LIVE_LOADED_FOR
    session = _frontend_session()
    if _LIVE_LOADED_FOR == session:
        return
    from bokeh.io import output_notebook
    from IPython.display import Javascript, display

    output_notebook(INLINE, hide_banner=True)
    display(Javascript("\n".join(p.read_text() for p in js_files() if p.name not in _JS_LAST)))
    _LIVE_LOADED_FOR = session


def _show_live(model: Model) -> None:
    """Live notebook: :func:`load_live`, then Bokeh's own ``show``."""
    from bokeh.io import show as bokeh_show

    load_live()
    bokeh_show(model)


def show(model: Model) -> None:
    """Display a Bokeh figure or layout (book page, live notebook, or plain Python)."""
    from IPython.display import display

    display(FigureOutput(model))


def standalone_html(model: Model, title: str = "tourlib figure") -> str:
    """A complete HTML page with BokehJS and tourlib's JavaScript inline: no outside requests."""
    bokeh_js = "\n".join(f"<script>{p.read_text()}</script>" for p in bokehjs_files())
    ours = "\n".join(f"<script>{p.read_text()}</script>" for p in js_files())
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>{bokeh_js}</head>"
        f"<body>{_item_html(model)}{ours}</body></html>"
    )


def save_html(model: Model, path: str | os.PathLike, title: str = "tourlib figure") -> Path:
    """Write :func:`standalone_html` to ``path`` and return the path."""
    path = Path(path)
    path.write_text(standalone_html(model, title), encoding="utf-8")
    return path
