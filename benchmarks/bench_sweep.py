"""Cold cost of the seed sweep (tourlib.nets.sweep) against the book's default MNIST run.

Both sides run in this one process on one PyTorch thread, alternating (A B A B ...)
so machine load hits both alike, and are timed in CPU seconds of this process
(``time.process_time``: on a shared machine wall time mostly measures the other jobs):

* book run:  ``record_training("mnist", seed=0, cache=False)`` at the default preset
             (the run every MNIST chapter uses);
* sweep run: one run of ``run_sweep()``'s default preset (``sweep_run(..., cache=False)``,
             which records the pre-ReLU logits and derives the dead-class arrays).

Printed: CPU seconds of each, their ratio, and the extrapolated cold cost of the whole
sweep (seeds × 2 variants sweep runs) in CPU seconds and in wall minutes on 2 cores
(two worker processes). Target: ≤ 5 minutes on 2 free cores.

Usage::

    TOURBOOK_DATA=/work/shared/data python benchmarks/bench_sweep.py [--repeats 1]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

from tourlib.nets import record_training  # noqa: E402
from tourlib.nets.sweep import sweep_run, sweep_settings  # noqa: E402


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    settings = sweep_settings("default")
    book, sweep = [], []
    for _ in range(args.repeats):
        book.append(_cpu(lambda: record_training("mnist", seed=0, threads=1, cache=False, progress=False,
                                                 scale="default")))
        sweep.append(_cpu(lambda: sweep_run(0, True, settings, threads=1, cache=False)))
    b, s = min(book), min(sweep)
    runs = 2 * settings.seeds
    print(f"book default MNIST run: {b:6.1f} CPU s")
    print(f"one sweep run:          {s:6.1f} CPU s   ({settings.train_size} images × {settings.epochs} epochs, "
          f"{settings.n_record} recorded per split)")
    print(f"ratio sweep / book:     {s / b:6.2f}")
    print(f"whole sweep ({runs} runs): {runs * s:6.0f} CPU s = {runs * s / 2 / 60:.1f} min on 2 cores "
          f"(target ≤ 5 min)")


if __name__ == "__main__":
    main()
