"""Each chapter in a live kernel: how long until its controls appear, how long its live button takes,
and the kernel's peak memory.

For every ``book/*.md`` (or the chapters named on the command line) this converts the chapter to a
notebook (jupytext), starts a fresh ``python3`` kernel in ``book/`` (not the static build: the live
sections build their widgets) and runs the cells one by one with nbclient, as a reader pressing
"Run all" does. Then it presses the first button of every live section (``LiveSection.buttons``, the
run button) from the kernel, as a reader would, and waits for it. It prints per chapter

* ``to controls``: seconds from the first cell to the end of the last cell that builds a live section
  (what a reader waits before the controls appear),
* ``all cells``: seconds for the whole chapter,
* ``button``: seconds the live sections' run buttons take (summed),
* ``peak MB``: the kernel's peak resident memory, the kernel process's own high-water mark
  (``VmHWM`` in ``/proc/<pid>/status``) plus the largest memory seen in its child processes
  (polled every 0.2 s with psutil).

Run from the repository root (with ``TOURBOOK_DATA`` and the cache as the chapters use them)::

    python benchmarks/bench_live_memory.py                # every chapter
    python benchmarks/bench_live_memory.py layers intro   # some
    python benchmarks/bench_live_memory.py --cells layers # and the cells that take > 10 s or raise the peak

    # a cold layer-sequence cache: a copy of the cache without its layers/ folder
    TOURBOOK_CACHE=/tmp/cold python benchmarks/bench_live_memory.py layers

Times depend on the cache: a first run trains and aligns, later runs load. Binder gives ~2 GB; the
book's target is under 1.5 GB per chapter.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOOK = REPO / "book"
LIMIT_MB = 1500

PRESS = """
import gc as _gc, time as _time
from tourlib.book.live import LiveSection as _LS
_t0 = _time.perf_counter()
_n = 0
def _is_section(o):
    try:
        return isinstance(o, _LS)
    except ReferenceError:       # a weak proxy whose object is gone
        return False
for _s in [o for o in _gc.get_objects() if _is_section(o)]:
    next(iter(_s.buttons.values())).click()
    _n += 1
print("PRESSED", _n, _time.perf_counter() - _t0)
"""


def chapters(names):
    found = sorted(p for p in BOOK.glob("*.md") if "```{code-cell}" in p.read_text(encoding="utf-8"))
    if not names:
        return found
    by = {p.stem: p for p in found}
    missing = [n for n in names if n not in by]
    if missing:
        raise SystemExit(f"no chapter named {missing}; the chapters are {sorted(by)}")
    return [by[n] for n in names]


def _hwm_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class ChildPeak(threading.Thread):
    """Polls the kernel's child processes' total RSS (the kernel's own peak is its VmHWM)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0.0, threading.Event()

    def run(self):
        import psutil

        proc = psutil.Process(self.pid)
        while not self.stop.wait(0.2):
            try:
                rss = sum(c.memory_info().rss for c in proc.children(recursive=True))
            except psutil.Error:
                continue
            self.peak = max(self.peak, rss / 2 ** 20)


def measure(chapter: Path, timeout: int, cells: bool = False) -> dict:
    import jupytext
    import nbformat
    from nbclient import NotebookClient

    nb = jupytext.read(chapter)
    nb.cells.append(nbformat.v4.new_code_cell(PRESS))
    env = {k: v for k, v in os.environ.items() if k != "TOURBOOK_STATIC_HTML"}
    os.environ.pop("TOURBOOK_STATIC_HTML", None)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(BOOK)}})
    out = {"chapter": chapter.stem, "error": ""}
    with client.setup_kernel(env=env, cwd=str(BOOK)):
        pid = client.km.provisioner.process.pid
        kids = ChildPeak(pid)
        kids.start()
        t0 = time.perf_counter()
        to_controls = None
        try:
            for i, cell in enumerate(nb.cells[:-1]):
                if cell.cell_type != "code":
                    continue
                hwm, t1 = _hwm_mb(pid), time.perf_counter()
                client.execute_cell(cell, i)
                if cells and (_hwm_mb(pid) - hwm > 50 or time.perf_counter() - t1 > 10):
                    first = next((ln for ln in cell.source.splitlines() if ln.strip() and not ln.startswith(("#", ":"))), "")
                    print(f"    cell {i}: {time.perf_counter() - t1:6.1f} s, peak {hwm:6.0f} → {_hwm_mb(pid):6.0f} MB"
                          f"  {first[:60]}", flush=True)
                if "live_section(" in cell.source:
                    to_controls = time.perf_counter() - t0
            out["all cells"] = time.perf_counter() - t0
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
            text = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
            pressed = [line for line in text.splitlines() if line.startswith("PRESSED")]
            n, secs = pressed[0].split()[1:] if pressed else (0, "nan")
            out["buttons"], out["button"] = int(n), float(secs)
        except Exception as exc:  # report and go on with the next chapter
            lines = [ln for ln in str(exc).splitlines() if ln.strip()]
            out["error"] = f"{type(exc).__name__}: {lines[-1] if lines else ''}"[:200]   # the error, not the cell
        out["to controls"] = to_controls
        kids.stop.set()
        out["peak MB"] = _hwm_mb(pid) + kids.peak
        out["kernel MB"], out["children MB"] = _hwm_mb(pid), kids.peak
    return out


def fmt(v, spec="7.1f"):
    return format(v, spec) if isinstance(v, (int, float)) and v == v else "      —"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("chapters", nargs="*", help="chapter names (default: all with code cells)")
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    ap.add_argument("--cells", action="store_true", help="also print the cells that take > 10 s or raise the peak > 50 MB")
    args = ap.parse_args(argv)
    print(f"{'chapter':<24}{'to controls s':>14}{'all cells s':>13}{'button s':>10}{'peak MB':>9}  note", flush=True)
    worst = 0.0
    for ch in chapters(args.chapters):
        r = measure(ch, args.timeout, args.cells)
        worst = max(worst, r["peak MB"])
        note = r["error"] or (f"{r.get('buttons', 0)} live section(s)" if r.get("buttons") else "no live section")
        if r["peak MB"] > LIMIT_MB:
            note += f"; over {LIMIT_MB} MB"
        print(f"{r['chapter']:<24}{fmt(r['to controls']):>14}{fmt(r.get('all cells')):>13}{fmt(r.get('button')):>10}"
              f"{fmt(r['peak MB'], '9.0f')}  {note}", flush=True)
    print(f"largest peak: {worst:.0f} MB (target: under {LIMIT_MB} MB)")


if __name__ == "__main__":
    sys.exit(main())
