"""Headless Chromium for the tests: Debian's chromium driven by Playwright, offline.

Never run ``playwright install``: the browser is ``/usr/bin/chromium`` (or $TOURBOOK_CHROMIUM).
Every request to a host other than the local test server is blocked and recorded.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
FIGURE_PIXELS_JS = (Path(__file__).parent / "js" / "figure_pixels.js").read_text()


def chromium_path() -> str | None:
    return os.environ.get("TOURBOOK_CHROMIUM") or shutil.which("chromium")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_directory(root: Path):
    """Serve ``root`` on 127.0.0.1 (a free port) for the duration of the block; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


@dataclass
class PageLog:
    """What a page did: console errors, uncaught exceptions, blocked outside requests."""

    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def open_page(browser, url: str, allowed_prefix: str, viewport=(1280, 900)):
    """A new page in its own context that blocks every request not starting with ``allowed_prefix``.

    Returns ``(context, page, log)``; close the context when done.
    """
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    log = PageLog()

    def route(r):
        u = r.request.url
        if u.startswith(allowed_prefix) or u.startswith("data:") or u.startswith("blob:"):
            r.continue_()
        else:
            log.blocked.append(u)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: log.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(f"uncaught: {e}"))
    page.goto(url, wait_until="load")
    return context, page, log
