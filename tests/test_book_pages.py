"""Every page of the built book renders offline in Chromium: no console errors, no outside
requests, and every Bokeh figure has drawn pixels. Screenshots go to test-artifacts/pages/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from browser import FIGURE_PIXELS_JS, open_page, serve_directory

pytestmark = pytest.mark.browser


def toc_pages(repo: Path) -> list[str]:
    """The chapters named in _toc.yml, as paths of built pages (book/intro -> book/intro.html)."""
    toc = yaml.safe_load((repo / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                files.append(e["file"])
            walk(e.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [f + ".html" for f in files]


def test_every_toc_page_was_built(built_book, repo_root):
    missing = [p for p in toc_pages(repo_root) if not (built_book / p).exists()]
    assert not missing, f"pages in _toc.yml that the build did not write: {missing}"


def test_pages_reference_no_outside_scripts_or_styles(built_book):
    # Static check: no <script src> or <link href> pointing at another host.
    outside = re.compile(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//[^"]+"')
    offenders = {}
    for page in built_book.rglob("*.html"):
        hits = outside.findall(page.read_text(errors="replace"))
        if hits:
            offenders[str(page.relative_to(built_book))] = hits[:3]
    assert not offenders, f"pages that load scripts or styles from other hosts: {offenders}"


def test_pages_render_offline_without_errors(built_book, repo_root, browser, artifacts_dir):
    shots = artifacts_dir / "pages"
    shots.mkdir(exist_ok=True)
    problems = []
    with serve_directory(built_book) as base:
        for rel in toc_pages(repo_root):
            context, page, log = open_page(browser, f"{base}/{rel}", allowed_prefix=base)
            try:
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(1000)  # late requests (favicon, fonts) and their errors
                figures = page.evaluate("() => document.querySelectorAll('div.tourlib-figure').length")
                if figures:
                    page.wait_for_function(
                        "() => [...document.querySelectorAll('div.tourlib-figure')].every(d => d.children.length)",
                        timeout=20000,
                    )
                    page.wait_for_timeout(800)  # let Bokeh paint
                pixels = page.evaluate(FIGURE_PIXELS_JS)
                page.screenshot(path=str(shots / (rel.replace("/", "_") + ".png")), full_page=True)
            finally:
                context.close()
            if log.errors:
                problems.append(f"{rel}: console errors {log.errors}")
            if log.blocked:
                problems.append(f"{rel}: requests to outside hosts {log.blocked}")
            blank = [f["id"] for f in pixels if f["drawn"] < 50]
            if blank:
                problems.append(f"{rel}: figures that drew nothing: {blank} ({pixels})")
    assert not problems, "\n".join(problems)


#: Numbers written for a machine, which must not reach the prose (issue 12, item 8).
MACHINE_NUMBERS = re.compile(r"\d(?:\.\d+)?e[+-]\d{2}\b|np\.float\d\d|np\.int\d\d|\bnan\b")


def prose_text(html: str) -> str:
    """The reader's prose of a built page: paragraphs, list items, table cells and headings of the article,
    without code cells, their outputs, scripts and styles."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    main = soup.find("article") or soup.find("main") or soup
    for tag in main.select("script, style, pre, code, div.cell, div.cell_output, div.highlight, .tourlib-figure"):
        tag.decompose()
    return "\n".join(t.get_text(" ", strip=True) for t in main.find_all(["p", "li", "td", "th", "h1", "h2", "h3",
                                                                          "h4", "dt", "dd"]))


def test_prose_has_no_machine_notation(built_book, repo_root):
    offenders = {}
    for rel in toc_pages(repo_root):
        text = prose_text((built_book / rel).read_text(errors="replace"))
        hits = sorted({m.group(0) for m in MACHINE_NUMBERS.finditer(text)})
        if hits:
            offenders[rel] = hits[:5]
    assert not offenders, f"machine-formatted numbers in the prose (use tourlib.book's formatters): {offenders}"


def test_glued_values_read_as_the_text_around_them(built_book, repo_root, browser):
    """Glued text is not bold (only its figures may differ): computed font weight equals its paragraph's."""
    problems = []
    with serve_directory(built_book) as base:
        for rel in toc_pages(repo_root):
            if "pasted-text" not in (built_book / rel).read_text(errors="replace"):
                continue
            context, page, log = open_page(browser, f"{base}/{rel}", allowed_prefix=base)
            try:
                page.wait_for_load_state("networkidle")
                bold = page.evaluate("""() => [...document.querySelectorAll('p span.pasted-text')]
                    .filter(s => getComputedStyle(s).fontWeight !== getComputedStyle(s.closest('p')).fontWeight
                                 && !s.closest('strong, b'))
                    .map(s => s.textContent.slice(0, 40))""")
            finally:
                context.close()
            if bold:
                problems.append(f"{rel}: {len(bold)} glued spans heavier than their paragraph, e.g. {bold[:3]}")
    assert not problems, "\n".join(problems)
