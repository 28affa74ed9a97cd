"""A real JupyterLab for the tests: a local server (127.0.0.1 only) and helpers to run its cells.

Used by the live-kernel tests, which drive JupyterLab in headless Chromium with every other host
blocked (see browser.py).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The book's live settings, as scripts/lab.sh applies them: a jupyter_server config (no-op save
#: of unedited chapters) on JUPYTER_CONFIG_PATH, and JupyterLab settings overrides (open .md as
#: a notebook) as the app settings folder.
LAB_CONFIG = REPO / "scripts" / "lab"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def start_lab(tmp_path: Path, cells: list[str] | None = None, *, book_settings: bool = False):
    """Write ``cells`` as ``live.ipynb`` in ``tmp_path``, start JupyterLab there, yield its URL.

    With ``book_settings``, the server runs with the book's live settings (:data:`LAB_CONFIG`),
    as ``scripts/lab.sh`` starts it; its log is ``tmp_path / "lab.log"``.
    """
    import nbformat

    if cells is not None:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
        nbformat.write(nb, tmp_path / "live.ipynb")
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    extra = []
    if book_settings:
        env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(LAB_CONFIG), os.environ.get("JUPYTER_CONFIG_PATH")]))
        extra = [f"--LabApp.app_settings_dir={LAB_CONFIG / 'settings'}"]
    log = open(tmp_path / "lab.log", "w") if book_settings else subprocess.DEVNULL
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", *extra],
        stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a busy 2-core machine can take minutes
        while True:
            try:
                urllib.request.urlopen(url + "/api", timeout=2)
                break
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError(f"jupyter lab exited with code {server.returncode}")
                if time.monotonic() > deadline:
                    raise RuntimeError("jupyter lab did not start within 240 s")
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        if log is not subprocess.DEVNULL:
            log.close()


def run_cell(page, k, marker=None):
    """Run cell ``k`` (Shift+Enter); with ``marker``, wait for that text and return the cell's output."""
    page.locator(".jp-Notebook .jp-Cell").nth(k).click()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")
    if marker:
        # in the cell's output (its source usually prints the marker, so the page text has it at once)
        cell = page.locator(".jp-Notebook .jp-Cell").nth(k)
        cell.locator(".jp-OutputArea-output", has_text=marker).first.wait_for(timeout=120_000)
        return cell.locator(".jp-OutputArea").inner_text()
    return None




def open_notebook(browser, lab_url: str, path: str = "live.ipynb"):
    """Open the notebook ``path`` of a running lab (outside hosts blocked) and wait for an idle kernel.

    Returns ``(context, page, log)`` as :func:`browser.open_page` does.
    """
    from browser import open_page

    context, page, log = open_page(browser, "about:blank", lab_url, viewport=(1300, 1000))
    # JupyterLab's first load is ~10 MB of JavaScript: allow for a busy 2-core machine
    page.set_default_navigation_timeout(120_000)
    page.goto(f"{lab_url}/lab/tree/{path}", wait_until="load")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function("document.body.innerText.includes('Idle')", timeout=120_000)
    return context, page, log
