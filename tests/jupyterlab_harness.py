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


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def start_lab(tmp_path: Path, cells: list[str]):
    """Write ``cells`` as ``live.ipynb`` in ``tmp_path``, start JupyterLab there, yield its URL."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nbformat.write(nb, tmp_path / "live.ipynb")
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--allow-root", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", "--ServerApp.token=", "--ServerApp.password=",
         "--ServerApp.disable_check_xsrf=True", f"--ServerApp.root_dir={tmp_path}",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/api", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            raise RuntimeError("jupyter lab did not start within 60 s")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def run_cell(page, k, marker=None):
    """Run cell ``k`` (Shift+Enter); with ``marker``, wait for that text and return the cell's output."""
    page.locator(".jp-Notebook .jp-Cell").nth(k).click()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")
    if marker:
        page.wait_for_function(f"document.body.innerText.includes({json.dumps(marker)})", timeout=60_000)
        return page.locator(".jp-Notebook .jp-Cell").nth(k).locator(".jp-OutputArea").inner_text()
    return None




def open_notebook(browser, lab_url: str):
    """Open ``live.ipynb`` of a running lab (outside hosts blocked) and wait for an idle kernel.

    Returns ``(context, page, log)`` as :func:`browser.open_page` does.
    """
    from browser import open_page

    context, page, log = open_page(browser, lab_url + "/lab/tree/live.ipynb", lab_url, viewport=(1300, 1000))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
    page.wait_for_function("document.body.innerText.includes('Idle')", timeout=120_000)
    return context, page, log
