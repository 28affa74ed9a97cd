"""Headless Chromium for the tests: Debian's chromium driven by Playwright, offline.

Never run ``playwright install``: the browser is ``/usr/bin/chromium`` (or $TOURBOOK_CHROMIUM).
Every request to a host other than the local test server is blocked and recorded.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from tourlib.localserve import serve_directory  # noqa: F401  (the browser tests import it from here)

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
