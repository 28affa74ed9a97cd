"""Feature-visualisation benchmark: batched rendering of a whole layer, and pixel vs Fourier vs Fourier+colour.

1. All channels of cifar-vgg ``conv2`` (64) rendered as one batch of 64 images,
   256 steps each (Fourier + decorrelated colours, the standard transformations);
   prints the wall time against the 3-minute target and the machine's load.
2. The same objective family (``--compare-channels`` channels of ``conv2``, one
   per image, no transformations, same lr and seed) optimised in the pixel,
   Fourier, and Fourier + decorrelated parameterisations; prints the mean
   objective at a few steps and the ratio ``steps to reach the pixel
   parameterisation's final objective / steps``.

Default network: randomly initialised (``build_zoo_model(name, seed=0)``);
``--trained`` loads the trained zoo weights (``tourlib.nets.weights.load_zoo_model``).

    python benchmarks/bench_featvis.py [--steps 256] [--threads 1] [--trained]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import torch

from tourlib.featvis import objectives as O
from tourlib.featvis import param, render, transform


def load(name: str, trained: bool):
    if trained:
        from tourlib.nets.weights import load_zoo_model
        return load_zoo_model(name)
    from tourlib.nets.zoo import build_zoo_model
    return build_zoo_model(name, seed=0)


def steps_to_reach(curve: np.ndarray, target: float) -> int | None:
    hit = np.nonzero(curve >= target)[0]
    return int(hit[0]) + 1 if len(hit) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="cifar-vgg")
    ap.add_argument("--layer", default="conv2")
    ap.add_argument("--steps", type=int, default=256)
    ap.add_argument("--threads", type=int, default=torch.get_num_threads())
    ap.add_argument("--compare-channels", type=int, default=16)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--trained", action="store_true")
    ap.add_argument("--skip-batch", action="store_true", help="only the parameterisation comparison")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = load(args.model, args.trained)
    print(f"model {args.model} ({'trained' if args.trained else 'random init, seed 0'}), layer {args.layer}, "
          f"{args.steps} steps, torch threads {torch.get_num_threads()}, cores {os.cpu_count()}, "
          f"load average before {os.getloadavg()[0]:.1f}")
    param.dataset_color_sqrt()            # colour statistics cached before timing

    if not args.skip_batch:
        width = {"conv1": 64, "conv2": 64}.get(args.layer, 64)
        t0, c0 = time.perf_counter(), time.process_time()
        res = render(model, O.channel(args.layer, list(range(width))), batch=width, steps=args.steps,
                     transforms=transform.standard_transforms(32), lr=args.lr, seed=0)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"[batch] {width} channels × {args.steps} steps in one batch: {dt:.1f} s wall "
              f"({1000 * dt / args.steps:.0f} ms/step; target ≤ 180 s → {'met' if dt <= 180 else 'NOT met'}), "
              f"{cpu:.1f} s of CPU time used by this process (≈ the wall time on an idle machine at this "
              f"thread count), load average after {os.getloadavg()[0]:.1f}")
        print(f"[batch] objective mean {res.history[0].mean():.4f} at step 1 → final {res.final.mean():.4f}; "
              f"images {res.images.shape}")

    k = args.compare_channels
    obj = O.channel(args.layer, list(range(k)))
    curves, times = {}, {}
    for name, (fft, dec) in {"pixel": (False, False), "fourier": (True, False),
                             "fourier+decorrelated": (True, True)}.items():
        t0 = time.perf_counter()
        r = render(model, obj, param=param.image_param(32, batch=k, fft=fft, decorrelate=dec, seed=0),
                   steps=args.steps, lr=args.lr, seed=0)
        times[name] = time.perf_counter() - t0
        curves[name] = r.history.mean(1)
    target = curves["pixel"][-1]
    marks = [m for m in (1, 8, 32, 64, 128, args.steps) if m <= args.steps]
    print(f"[compare] {k} channels of {args.layer}, one per image, no transformations, lr {args.lr}, Adam")
    print("[compare] mean objective at step " + ", ".join(map(str, marks)))
    for name, c in curves.items():
        n = steps_to_reach(c, target)
        ratio = "never" if n is None else f"{n}/{args.steps} = {n / args.steps:.3f}"
        print(f"[compare] {name:22s} " + " ".join(f"{c[m - 1]:8.4f}" for m in marks)
              + f"   steps to reach pixel's final {target:.4f}: {ratio}   ({times[name]:.1f} s)")
    try:
        import lucent  # noqa: F401
        print("[lucent] installed here, but the side-by-side run is not implemented in this benchmark")
    except ImportError:
        print("[lucent] torch-lucent 0.1.8 not installed: it imports torchvision (lucent.optvis.transform, "
              "lucent.modelzoo) and pins kornia<=0.4.1. The only torchvision for torch 2.13.0 on this machine's "
              "index is PyPI's CUDA build (0.28.0); in a separate venv with the CPU torch it fails at import with "
              "'operator torchvision::nms does not exist', so lucent cannot run here (tried 2026-12-02)")


if __name__ == "__main__":
    main()
