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
# UMAP in the test process (tourlib.embed.umap_process): many small fits, each child would reload UMAP's
# compiled code; tests/test_embed_umap_process.py checks the child gives the same layouts.
os.environ.setdefault("TOURBOOK_UMAP_IN_PROCESS", "1")
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


BOOK_GROUP = "built-book"


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks into the test ids
def pytest_collection_modifyitems(config, items):
    """The tests that read the built book run first, marked as one ``xdist_group`` for
    ``--dist loadgroup`` (``scripts/run-tests.sh`` runs two workers). In the runs measured so far xdist
    still gave them to both workers; the build's lock (``built_book``) keeps it to one build per run."""
    book = [item for item in items if "built_book" in getattr(item, "fixturenames", ())]
    for item in book:
        item.add_marker(pytest.mark.xdist_group(BOOK_GROUP))
    chosen = set(map(id, book))
    items[:] = book + [item for item in items if id(item) not in chosen]


@pytest.fixture(scope="session")
def built_book() -> Path:
    """The built HTML book: runs scripts/build-book.sh (execution is cached, so a rebuild is quick).

    One build per test run, also with several xdist workers: the build holds a lock, and a worker that
    finds this run's build finished (a stamp naming the run) reuses it instead of building again."""
    from filelock import FileLock

    html = REPO / "_build" / "html"
    if os.environ.get("TOURBOOK_REUSE_BUILD") == "1" and (html / "index.html").exists():
        return html
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or f"pid-{os.getpid()}"
    stamp = REPO / "_build" / ".tests-built-by"
    (REPO / "_build").mkdir(exist_ok=True)
    with FileLock(str(REPO / "_build" / ".tests-build.lock")):
        if stamp.exists() and stamp.read_text() == run and (html / "index.html").exists():
            return html
        stamp.unlink(missing_ok=True)
        result = subprocess.run(["bash", str(REPO / "scripts" / "build-book.sh")], cwd=REPO,
                                capture_output=True, text=True)
        if result.returncode != 0:
            pytest.fail(f"book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
        stamp.write_text(run)
    return html
