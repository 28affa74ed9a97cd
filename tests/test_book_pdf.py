"""The book as one PDF (scripts/book_pdf.py, run by scripts/book-pdf.sh): every page of the table of
contents, in order, each starting on a new sheet with a bookmark, printed by Debian's Chromium."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[1]


def _book_pdf():
    spec = importlib.util.spec_from_file_location("book_pdf", REPO / "scripts" / "book_pdf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_pdf(*args: str) -> None:
    """Run scripts/book_pdf.py as the README's command does, in its own process (its Playwright must not
    share the test session's event loop)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "book_pdf.py"), *args],
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _pdf(path: Path):
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    texts = [p.extract_text() or "" for p in reader.pages]
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    return reader, texts, outline


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="bd-sidebar-primary">NAVIGATION SIDEBAR</div>
<main><h1>{title}<a class="headerlink" href="#">#</a></h1>
<p>{body}</p><canvas id="c" width="300" height="200"></canvas>
<script>const g = document.getElementById('c').getContext('2d'); g.fillStyle = '#1f77b4'; g.fillRect(20, 20, 120, 80);</script>
{more}</main></body></html>"""


def test_a_small_built_tree_becomes_one_pdf_in_toc_order_without_navigation(tmp_path):
    html = tmp_path / "html"
    (html / "book").mkdir(parents=True)
    titles = {"book/first": "First page", "book/second": "The second chapter"}
    for name, title in titles.items():
        long = "<p>More text.</p>" * (200 if name == "book/second" else 1)  # the second spans sheets
        (html / f"{name}.html").write_text(PAGE.format(title=title, body=f"Body of {title}.", more=long))
    toc = tmp_path / "_toc.yml"
    toc.write_text(yaml.safe_dump({"format": "jb-book", "root": "book/first", "chapters": [{"file": "book/second"}]}))
    out = tmp_path / "out" / "book.pdf"
    _run_pdf("--html", str(html), "--toc", str(toc), "--out", str(out))
    reader, texts, outline = _pdf(out)
    assert len(reader.pages) >= 3
    assert [t for t, _ in outline] == list(titles.values())
    first_page_of = dict(outline)
    assert first_page_of["First page"] == 0 and first_page_of["The second chapter"] >= 1
    assert "First page" in _squash(texts[0])
    assert "The second chapter" in _squash(texts[first_page_of["The second chapter"]])
    everything = _squash(" ".join(texts))
    assert "NAVIGATION SIDEBAR" not in everything, "print.css must hide the sidebars"


def test_a_missing_page_is_named_with_the_fix(tmp_path):
    toc = tmp_path / "_toc.yml"
    toc.write_text(yaml.safe_dump({"format": "jb-book", "root": "book/nowhere"}))
    (tmp_path / "html").mkdir()
    with pytest.raises(SystemExit, match=r"book/nowhere\.html.*build-book\.sh"):
        _book_pdf().main(["--html", str(tmp_path / "html"), "--toc", str(toc), "--out", str(tmp_path / "x.pdf")])


def test_the_book_pdf_has_every_chapter(built_book, tmp_path, repo_root):
    """The whole built book: every page of _toc.yml has its bookmark, and its title on that sheet."""
    out = tmp_path / "tourbook.pdf"
    _run_pdf("--html", str(built_book), "--out", str(out))
    reader, texts, outline = _pdf(out)
    pages = _book_pdf().toc_pages(repo_root / "_toc.yml")
    assert len(outline) == len(pages)
    for (title, first), name in zip(outline, pages):
        heading = next(line[2:].strip() for line in (repo_root / f"{name}.md").read_text().splitlines()
                       if line.startswith("# "))
        assert _squash(title) == _squash(heading), (name, title)
        assert _squash(heading)[:40] in _squash(texts[first]), f"{name}: its title is not on its first sheet"
