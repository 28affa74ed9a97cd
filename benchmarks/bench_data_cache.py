"""First load (decode) vs cached load of the real data sets, and compressed vs uncompressed cache files.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_data_cache.py [--data DIR] [--full]

``--data`` defaults to ``$TOURBOOK_DATA`` or ``<repo>/../shared/data``. ``--full``
adds CIFAR-10 train (about 15 s to decode). Uses a throw-away cache folder, so
the first load really decodes. Each cached load is timed as the best of 3.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _best_of(fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("TOURBOOK_DATA") or str(Path(__file__).resolve().parents[2] / "shared" / "data")
    parser.add_argument("--data", default=default)
    parser.add_argument("--full", action="store_true", help="also CIFAR-10 train")
    args = parser.parse_args()
    data = Path(args.data)
    if not (data / "mnist").is_dir():
        print(f"no data under {data}; pass --data", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory() as cache:
        os.environ["TOURBOOK_CACHE"] = cache
        os.environ.pop("TOURBOOK_DATA", None)
        from tourlib.data import load_dataset  # after TOURBOOK_CACHE is set

        cases = [("mnist", "train"), ("fashion-mnist", "test"), ("cifar10", "test")]
        if args.full:
            cases.append(("cifar10", "train"))
        for name, split in cases:
            t = time.perf_counter()
            ds = load_dataset(name, split, root=data)
            first = time.perf_counter() - t
            cached = _best_of(lambda: load_dataset(name, split, root=data))
            print(f"{name:13s} {split:5s} {str(ds.images.shape):18s} first load {first:7.3f} s   "
                  f"cached {cached:6.3f} s   ratio {first / cached:7.1f}x")

        # Why the cache is stored uncompressed: load time of the same arrays both ways.
        ds = load_dataset("cifar10", "test", root=data)
        blobs = {}
        for label, saver in (("uncompressed", np.savez), ("compressed", np.savez_compressed)):
            buf = io.BytesIO()
            saver(buf, images=ds.images, labels=ds.labels)
            blobs[label] = buf.getvalue()

        def load(blob):
            with np.load(io.BytesIO(blob)) as z:
                return z["images"], z["labels"]

        t_u = _best_of(lambda: load(blobs["uncompressed"]))
        t_c = _best_of(lambda: load(blobs["compressed"]))
        print(f"cifar10 test npz: uncompressed {len(blobs['uncompressed']) / 1e6:.1f} MB loads in {t_u:.3f} s, "
              f"compressed {len(blobs['compressed']) / 1e6:.1f} MB in {t_c:.3f} s   ratio {t_c / t_u:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
