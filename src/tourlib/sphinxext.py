"""Sphinx extension that makes the built book self-contained and quiet.

Add ``tourlib.sphinxext`` to the book's Sphinx extensions. It

* marks the build as static (``TOURBOOK_STATIC_HTML=1``) before any chapter runs;
  kernels inherit the variable, so :func:`tourlib.viz.show` emits a figure as a
  ``<div>`` plus its Bokeh JSON instead of notebook JavaScript;
* copies BokehJS (from the installed ``bokeh`` package) and tourlib's own
  ``viz/js/*.js`` into ``_static/tourlib/``; a page that carries a figure loads BokehJS
  and only the tourlib modules its figures declare (each figure's ``data-tourlib-js``,
  see :func:`tourlib.viz.embed.require_js`), with what they require, in that order;
* serves MathJax and the ipywidgets HTML manager from ``_static/vendor`` (see
  ``scripts/vendor-js.sh``) instead of a CDN;
* adds the role ``{cls}`name```: a class name in the prose, drawn in the colour the page's tour
  figures give that class; hovering it highlights the class in them (``viz/js/prose_classes.js``);
* removes the causes of the stock Jupyter Book 1 console errors: the thebe
  configuration script that re-declares ``const THEBE_JS_URL`` on every page load
  of a page that includes it twice, and the theme-mode value that the
  pydata theme rejects.

Nothing on a built page asks another host for anything; ``tests/test_book_pages.py``
checks that in Chromium with every outside request blocked.
"""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

import re

from docutils import nodes

from .viz.embed import EMBED_MODULE, STATIC_ENV, bokehjs_files, js_bundle, js_files

_NEEDS = re.compile(r'data-tourlib-js="([^"]*)"')

#: Where the vendored third-party files live, relative to ``_static``.
VENDOR = "vendor"


def _copy_assets(app) -> None:
    target = Path(app.doctreedir).parent / "tourlib_static"
    sub = target / "tourlib"
    if sub.exists():
        shutil.rmtree(sub)
    sub.mkdir(parents=True)
    for path in bokehjs_files() + js_files():
        shutil.copy2(path, sub / path.name)
    app.config.html_static_path.append(str(target))


def _configure_offline(app, config) -> None:
    static_paths = [Path(app.confdir) / p for p in config.html_static_path]
    if not any((p / VENDOR / "mathjax" / "tex-chtml.js").exists() for p in static_paths):
        raise FileNotFoundError(
            "tourlib.sphinxext: no vendor/mathjax/tex-chtml.js in html_static_path "
            f"{config.html_static_path}; run scripts/vendor-js.sh or add book/_static to html_static_path"
        )
    config.mathjax_path = f"{VENDOR}/mathjax/tex-chtml.js"
    config.nb_ipywidgets_js = {
        f"{VENDOR}/require.js": {},
        f"{VENDOR}/html-manager/embed-amd.js": {"data-jupyter-widgets-cdn-only": "false"},
    }


def _dedupe_scripts(context) -> None:
    """Drop repeated script entries from a page.

    sphinx-thebe registers its inline configuration (``const THEBE_JS_URL = …``) from an
    ``env-before-read-docs`` handler; under Sphinx 7 that reaches the page twice, and the second
    ``const`` throws a SyntaxError. A page never needs the same script twice.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (str(getattr(js, "filename", js) or ""), tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def page_modules(body: str) -> list[str]:
    """The tourlib JavaScript modules the figures of a page's HTML ``body`` declare (first-seen order)."""
    names: list[str] = []
    for found in _NEEDS.findall(body):
        for m in found.split():
            if m not in names:
                names.append(m)
    return names


def class_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{cls}`cat```: the class name, marked for ``prose_classes.js`` (colour and hover)."""
    label = text.strip()
    if not label:
        msg = inliner.reporter.error("the cls role needs a class name, e.g. {cls}`cat`", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    safe = html.escape(label, quote=True)
    return [nodes.raw(rawtext, f'<span class="tl-cls" data-class="{safe}">{safe}</span>', format="html")], []


def _page_scripts(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    if "tourlib-bokeh-item" in body:
        # Only pages with a figure load BokehJS, and only the modules their figures declare.
        wanted = page_modules(body) + (["prose_classes"] if 'class="tl-cls"' in body else [])
        for i, path in enumerate(bokehjs_files() + js_bundle(wanted + [EMBED_MODULE])):
            app.add_js_file(f"tourlib/{path.name}", priority=600 + i)
    _dedupe_scripts(context)


def setup(app):
    os.environ[STATIC_ENV] = "1"
    app.connect("config-inited", _configure_offline, priority=900)
    app.connect("builder-inited", _copy_assets)
    app.connect("html-page-context", _page_scripts)
    app.add_role("cls", class_role)
    app.add_css_file("tourbook.css")   # book/_static/tourbook.css: glued values read as the text around them
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
