"""JupyterLab server settings for reading the book live (scripts/lab.sh, and Binder through postBuild).

The chapters (``book/*.md``) are MyST notebooks that JupyterLab opens through jupytext. Jupytext
writes a notebook back in its own canonical layout (for example a blank line after a cell's
``:tags:`` option), so a plain save of an unedited chapter would rewrite lines of the book's sources.
The contents manager below is jupytext's, except that saving a text notebook whose cells are
unchanged (same types, sources and cell metadata as the file on disk, compared through jupytext's
own writer) leaves the file untouched. Notebook-level metadata alone (JupyterLab's kernel name) is
not a reason to rewrite a chapter. A real edit is saved as usual.
"""

import os

import jupytext
import nbformat
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

_JupytextManager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)


def _text_format(path, notebook):
    """The jupytext format of a text notebook at ``path`` (``md:myst`` for the chapters)."""
    ext = os.path.splitext(path)[1].lstrip(".")
    name = notebook.metadata.get("jupytext", {}).get("text_representation", {}).get("format_name")
    return f"{ext}:{name}" if name else ext


def cells_unchanged(text, path, content):
    """True when notebook ``content`` (a JSON model) has the cells of the text notebook ``text``."""
    on_disk = jupytext.reads(text, fmt=os.path.splitext(path)[1].lstrip("."))
    edited = nbformat.from_dict(content)
    edited.metadata = on_disk.metadata
    fmt = _text_format(path, on_disk)
    return jupytext.writes(edited, fmt=fmt) == jupytext.writes(on_disk, fmt=fmt)


class BookContentsManager(_JupytextManager):
    """Jupytext's contents manager; saving an unedited text notebook is a no-op (see module doc)."""

    async def save(self, model, path=""):
        path = path.strip("/")
        if model.get("type") == "notebook" and model.get("content") and not path.endswith(".ipynb"):
            os_path = self._get_os_path(path)
            if os.path.isfile(os_path):
                with open(os_path, encoding="utf-8") as f:
                    text = f.read()
                try:
                    unchanged = cells_unchanged(text, path, model["content"])
                except Exception as e:  # an unreadable file on disk: let jupytext save as usual
                    self.log.warning("tourbook: could not compare %s with the file on disk: %s", path, e)
                    unchanged = False
                if unchanged:
                    self.log.info("tourbook: %s has no edits; the file on disk is left as it is", path)
                    return await self.get(path, content=False)
        return await super().save(model, path)


c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)
c.ServerApp.contents_manager_class = BookContentsManager
