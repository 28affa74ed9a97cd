"""Shared fixtures: the repository, a headless Chromium, and the built book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser import LAUNCH_ARGS, chromium_path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, through Playwright (never a downloaded browser)."""
    exe = chromium_path()
    if not exe:
        pytest.fail("chromium not found: install Debian's chromium (scripts/run-tests.sh does) or set TOURBOOK_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The built HTML book: runs scripts/build-book.sh (execution is cached, so a rebuild is quick)."""
    if os.environ.get("TOURBOOK_REUSE_BUILD") == "1" and (REPO / "_build/html/index.html").exists():
        return REPO / "_build" / "html"
    result = subprocess.run(["bash", str(REPO / "scripts" / "build-book.sh")], cwd=REPO,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    return REPO / "_build" / "html"
