"""The built book as one PDF: every page of the table of contents, with its figures, in order.

    python scripts/book_pdf.py [--html _build/html] [--toc _toc.yml] [--out _build/pdf/tourbook.pdf]
                               [--frame SECONDS] [--paper A4|Letter]

(``bash scripts/book-pdf.sh`` builds the book first, then runs this.) Each page is opened from a
local server in Debian's Chromium through Playwright (``/usr/bin/chromium`` or
``$TOURBOOK_CHROMIUM``; nothing is downloaded, and every request to another host is blocked), laid
out for print (``book/_static/print.css``: no sidebars or navigation, figures not split across
pages), its figures stopped at the same frame (``--frame``: the tour's time, in seconds of play),
and printed with ``page.pdf()``. The pages are merged with pypdf, with one bookmark per page.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import yaml

from tourlib.localserve import serve_directory

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-quic", "--no-first-run"]
#: CSS px the page is laid out at; printed at SCALE, so it fills the paper's printable width.
LAYOUT_WIDTH = 980
PAPER = {"A4": ("210mm", "297mm"), "Letter": ("8.5in", "11in")}
MARGIN = "12mm"
PRINT_CSS = ROOT / "book" / "_static" / "print.css"

#: Wait until every figure on the page is drawn, then stop each tour at time ``t`` and draw it.
STOP_FIGURES_JS = """async (t) => {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const lib = (name) => window[name] || (window.tourlib && window.tourlib[name]) || null;
  const tourList = () => ((lib('TourFigure') || {}).instances || []);
  const items = document.querySelectorAll('script.tourlib-bokeh-item').length;
  let steady = 0, last = -1;
  for (let i = 0; i < 600 && steady < 8; i++) {        // up to 60 s for the figures to lay out
    const tours = tourList();
    // every figure's container filled (its canvases are in Bokeh's shadow roots, out of reach here)
    const laidOut = [...document.querySelectorAll('div.tourlib-figure')].every((d) => d.children.length > 0);
    const ready = laidOut && tours.every((I) => I.ready);
    steady = ready && tours.length === last ? steady + 1 : 0;
    last = tours.length;
    await sleep(100);
  }
  const tours = tourList();
  for (const I of tours) {
    try {
      if (typeof I.pause === 'function') I.pause();
      if (typeof I.followTour === 'function') { I.t = t; I.followTour(); }
      if (typeof I.render === 'function') I.render();
    } catch (e) { console.warn('book_pdf: could not stop a figure', e); }
  }
  const polytopes = Object.values((lib('TourPolytope') || {}).instances || {});
  for (const P of polytopes) P.playing = false;
  await sleep(300);
  return {items, tours: tours.length, polytopes: polytopes.length};
}"""


def toc_pages(toc_path: Path) -> list[str]:
    """The pages of a Jupyter Book ``_toc.yml`` (root first), as paths without a suffix."""
    toc = yaml.safe_load(toc_path.read_text())
    pages = [toc["root"]]

    def walk(entries):
        for e in entries or []:
            if "file" in e:
                pages.append(e["file"])
            walk(e.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return pages


def chromium_path() -> str:
    exe = os.environ.get("TOURBOOK_CHROMIUM") or shutil.which("chromium")
    if not exe:
        raise SystemExit("book_pdf: Chromium not found: install Debian's chromium (apt-get install chromium) "
                         "or set TOURBOOK_CHROMIUM=/path/to/chromium")
    return exe


def render_pages(html_dir: Path, pages: list[str], workdir: Path, *, frame: float = 2.0,
                 paper: str = "A4", log=print) -> list[tuple[str, Path]]:
    """Print each built page to its own PDF in ``workdir``; returns ``[(title, pdf path), ...]``."""
    from playwright.sync_api import sync_playwright

    missing = [p for p in pages if not (html_dir / f"{p}.html").exists()]
    if missing:
        raise SystemExit(f"book_pdf: not built: {', '.join(f'{p}.html' for p in missing)} in {html_dir}; "
                         "build the book first (bash scripts/build-book.sh)")
    width, height = PAPER[paper]
    out = []
    with serve_directory(html_dir) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=LAUNCH_ARGS, headless=True)
        try:
            for i, name in enumerate(pages):
                context = browser.new_context(viewport={"width": LAYOUT_WIDTH, "height": 1200})
                blocked = []

                def route(r, blocked=blocked):
                    u = r.request.url
                    if u.startswith(base) or u.startswith(("data:", "blob:")):
                        r.continue_()
                    else:
                        blocked.append(u)
                        r.abort()

                context.route("**/*", route)
                page = context.new_page()
                page.set_default_timeout(120_000)
                page.emulate_media(media="print")
                page.goto(f"{base}/{name}.html", wait_until="load")
                page.add_style_tag(path=str(PRINT_CSS))  # also for builds that do not list it
                counts = page.evaluate(STOP_FIGURES_JS, frame)
                title = page.evaluate("""(() => { const h = document.querySelector('main h1, article h1, h1');
                    return h ? h.textContent.replace(/[#¶]\\s*$/, '').trim() : document.title; })()""")
                pdf = workdir / f"{i:03d}.pdf"
                page.pdf(path=str(pdf), width=width, height=height, print_background=True,
                         scale=_scale(width), margin={k: MARGIN for k in ("top", "bottom", "left", "right")})
                context.close()
                log(f"book_pdf: {name}.html: {title!r}, {counts['tours']} tour figure(s) stopped at t = {frame:g}"
                    + (f", blocked {len(blocked)} outside request(s)" if blocked else ""))
                out.append((title, pdf))
        finally:
            browser.close()
    return out


def _scale(paper_width: str) -> float:
    """The print scale that fits a LAYOUT_WIDTH-px page into the paper's printable width."""
    mm = {"mm": 1.0, "in": 25.4}
    unit = paper_width[-2:]
    printable_mm = float(paper_width[:-2]) * mm[unit] - 2 * float(MARGIN[:-2])
    return round(min(1.0, printable_mm / 25.4 * 96 / LAYOUT_WIDTH), 3)


def merge(parts: list[tuple[str, Path]], out: Path) -> int:
    """Merge the page PDFs into ``out`` with one bookmark per page; returns the number of PDF pages."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for title, pdf in parts:
        start = len(writer.pages)
        writer.append(str(pdf))
        writer.add_outline_item(title=title, page_number=start)
    writer.add_metadata({"/Title": parts[0][0] if parts else "tourbook"})
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as f:
        writer.write(f)
    return len(writer.pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book (HTML)")
    ap.add_argument("--toc", type=Path, default=ROOT / "_toc.yml", help="the table of contents (page order)")
    ap.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "tourbook.pdf")
    ap.add_argument("--frame", type=float, default=2.0, help="stop every tour at this time (s of play)")
    ap.add_argument("--paper", choices=sorted(PAPER), default="A4")
    args = ap.parse_args(argv)
    pages = toc_pages(args.toc)
    with tempfile.TemporaryDirectory(prefix="tourbook-pdf-") as tmp:
        parts = render_pages(args.html, pages, Path(tmp), frame=args.frame, paper=args.paper)
        n = merge(parts, args.out)
    print(f"book_pdf: wrote {args.out} ({len(parts)} chapters, {n} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
