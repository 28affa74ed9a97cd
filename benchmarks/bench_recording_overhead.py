"""Recording overhead of tourlib.nets.record_training: training with vs without recording.

Both sides train the same network on the same images in the same order for the
same epochs, one core, in this one process, alternating (A B A B ...) so
machine load hits both alike; the best time of each side is compared:

* plain:    build the model, convert the training subset, run ``train_epoch`` E times;
* recorded: ``record_training(..., cache=False)``, which does all that plus the
            epoch-0 and per-epoch snapshots (softmax of n_record train + test images),
            metrics, the data fingerprint for the cache key, and the result arrays.

Target: overhead = recorded / plain - 1 ≤ 15 % at the default settings.

Usage::

    TOURBOOK_DATA=/work/shared/data python benchmarks/bench_recording_overhead.py [--epochs 5] [--repeats 2]

Without ``$TOURBOOK_DATA`` it uses random images of MNIST's size (timing does
not depend on pixel values).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tourlib.nets import build_model, images_to_tensor, record_training, scale_settings  # noqa: E402
from tourlib.nets import train as nets_train  # noqa: E402


def load(dataset: str):
    if os.environ.get("TOURBOOK_DATA"):
        from tourlib.data import load_dataset

        tr_i, tr_l, _ = load_dataset(dataset, "train")
        te_i, te_l, _ = load_dataset(dataset, "test")
        return (tr_i, tr_l, te_i, te_l), "real"
    rng = np.random.default_rng(0)
    shape = (32, 32, 3) if dataset == "cifar10" else (28, 28)
    n_train = 50_000 if dataset == "cifar10" else 60_000
    return (rng.integers(0, 256, (n_train, *shape), dtype=np.uint8), rng.integers(0, 10, n_train),
            rng.integers(0, 256, (10_000, *shape), dtype=np.uint8), rng.integers(0, 10, 10_000)), "synthetic"


def plain_training(dataset, data, settings, epochs, seed=0) -> float:
    """Seconds to train without any recording (same subset size, order source and optimiser)."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    train_idx = np.sort(rng.choice(len(data[1]), size=settings.train_size, replace=False))
    model = build_model(dataset, seed=seed)
    optimizer = nets_train.make_optimizer(model, settings.lr, settings.momentum)
    x = images_to_tensor(data[0][train_idx])
    y = torch.from_numpy(data[1][train_idx].astype(np.int64))
    for _ in range(epochs):
        nets_train.train_epoch(model, optimizer, x, y, rng.permutation(len(train_idx)), settings.batch_size)
    return time.perf_counter() - t0


def recorded_training(dataset, data, epochs, **kwargs) -> float:
    t0 = time.perf_counter()
    record_training(dataset, seed=0, data=data, epochs=epochs, cache=False, progress=False,
                    device="cpu", threads=1, **kwargs)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="mnist")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(1)

    data, kind = load(args.dataset)
    settings = scale_settings(args.dataset, "default")
    print(f"{args.dataset} ({kind} data), default settings: train_size={settings.train_size}, "
          f"n_record={settings.n_record} train + test, batch {settings.batch_size}, "
          f"{args.epochs} epochs, 1 thread; best of {args.repeats}")

    cases = {
        "softmax only (default)": {},
        "every layer, n_record=500": {"layers": "all", "n_record": 500},
    }
    plain, recorded = [], {name: [] for name in cases}
    for _ in range(args.repeats):
        plain.append(plain_training(args.dataset, data, settings, args.epochs))
        for name, kwargs in cases.items():
            recorded[name].append(recorded_training(args.dataset, data, args.epochs, **kwargs))

    base = min(plain)
    print(f"plain training:               {base:7.2f} s  ({base / args.epochs:.2f} s/epoch)")
    for name, times in recorded.items():
        t = min(times)
        print(f"recorded, {name:27s} {t:7.2f} s  ratio {t / base:.3f}  overhead {100 * (t / base - 1):+.1f} %")


if __name__ == "__main__":
    main()
