"""Benchmark: SVD of convolutions by FFT (tourlib.align.conv_svd) against the dense SVD.

Run:  OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_conv_svd.py  [--quick]

Prints, in one run:
1. The target layer (64→64 channels, 3×3, 32×32 maps, "same" padding): time of the FFT
   SVD plus rotating 500 input activations into U and their 500 outputs into V, in
   float32 (how networks record activations) and float64; the target is ≤ 3 s. The
   dense route would need a 65,536×65,536 matrix (34 GB in float64); it is not run.
2. A mid-size layer (16→16, 3×3, 12×12 maps, p = 2,304) where the dense SVD is feasible:
   both methods timed, their ratio, and how closely they agree (singular values, and
   the norms of the aligned activations per group of equal singular values).
3. How far zero padding is from the circular operator the FFT diagonalises: relative
   Frobenius and operator-norm size of (zero-padded conv − circular conv), and the
   relative departure of the aligned transition from a pure scaling on activations,
   for random (PyTorch default initialisation) and trained-like (centre-weighted,
   smooth) kernels.
Single-threaded (BLAS, FFT and torch); timings are wall-clock medians of 3 runs, with the
process CPU time beside them (the machine is shared: the load average is printed first).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from tourlib.align import (ConvSVD, Conv2d, circular_padding_error, conv_matrix,  # noqa: E402
                           layer_transition, linear_svd)

torch.set_num_threads(1)


def median_time(fn, repeats=3):
    """Median wall-clock time of ``repeats`` calls, the list of wall times, and the median
    process CPU time (less sensitive to other jobs on a shared machine)."""
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), times, statistics.median(cpu)


def default_init_kernel(rng, c_out, c_in, k):
    """PyTorch's default Conv2d initialisation: U(−b, b), b = 1/√(c_in·k²)."""
    bound = 1.0 / np.sqrt(c_in * k * k)
    return rng.uniform(-bound, bound, (c_out, c_in, k, k))


def trained_like_kernel(rng, c_out, c_in, k, sigma=0.7):
    """Smooth, centre-weighted kernels (a Gaussian spatial envelope on correlated taps), the
    shape trained convolution filters typically have. Synthetic: no trained weights used."""
    a = np.arange(k) - (k - 1) / 2
    env = np.exp(-(a[:, None] ** 2 + a[None, :] ** 2) / (2 * sigma ** 2))
    w = rng.standard_normal((c_out, c_in, 1, 1)) * env + 0.3 * rng.standard_normal((c_out, c_in, k, k)) * env
    return w / np.linalg.norm(w) * np.sqrt(c_out)


def target_layer(rng, n_points, repeats):
    print("== 1. target layer: 64→64 channels, 3×3, 32×32, 'same' padding, "
          f"{n_points} activations ==")
    C, H, W = 64, 32, 32
    w = default_init_kernel(rng, 64, C, 3)
    b = rng.uniform(-0.04, 0.04, 64)
    X32 = np.maximum(rng.standard_normal((n_points, C, H, W)), 0).astype(np.float32)  # post-ReLU-like
    with torch.no_grad():
        Y32 = torch.nn.functional.conv2d(torch.from_numpy(X32), torch.from_numpy(w.astype(np.float32)),
                                         torch.from_numpy(b.astype(np.float32)), padding=1).numpy()
    X32, Y32 = X32.reshape(n_points, -1), Y32.reshape(n_points, -1)

    for name, X, Y in (("float32", X32, Y32), ("float64", X32.astype(np.float64), Y32.astype(np.float64))):
        def run(X=X, Y=Y):
            svd = ConvSVD(w, (C, H, W), offset=(1, 1))
            return svd, svd.U.rotate(X), svd.V.rotate(Y)

        t_all, runs, cpu_all = median_time(run, repeats)
        svd = ConvSVD(w, (C, H, W), offset=(1, 1))
        t_svd, _, _ = median_time(lambda: ConvSVD(w, (C, H, W), offset=(1, 1)), repeats)
        verdict = (f"target ≤ 3 s: wall {'MET' if t_all <= 3 else 'MISSED'}, CPU {'MET' if cpu_all <= 3 else 'MISSED'}"
                   if n_points == 500 else "(quick run: the target is for 500 activations)")
        print(f"  {name}: SVD + rotate X into U + rotate Y into V: wall {t_all:.2f} s (median; runs "
              + ", ".join(f"{t:.2f}" for t in runs) + f"), CPU {cpu_all:.2f} s; SVD alone {t_svd:.2f} s; "
              + verdict)
    XU = svd.U.rotate(X32[:50].astype(np.float64))
    norm_err = np.abs(np.linalg.norm(XU, axis=1) / np.linalg.norm(X32[:50], axis=1) - 1).max()
    print(f"  check: ‖X U‖ = ‖X‖ to {norm_err:.1e}; "
          f"{len(svd.s)} singular values, σ_max = {svd.s[0]:.3f}, σ_min = {svd.s[-1]:.2e}")
    p = C * H * W
    print(f"  dense route: a {p}×{p} matrix ({p * p * 8 / 1e9:.0f} GB in float64) and an O(p³) SVD; not run")


def mid_layer(rng, repeats):
    print("== 2. FFT vs dense on a mid-size layer: 16→16 channels, 3×3, 12×12, circular (p = 2304) ==")
    C, H, W = 16, 12, 12
    w = default_init_kernel(rng, 16, C, 3)
    layer_kw = dict(padding=1, padding_mode="circular")
    geom = Conv2d(w, None, (C, H, W), **layer_kw).geom
    X = rng.standard_normal((200, C * H * W))

    def dense():
        M = conv_matrix(w, geom)
        svd = linear_svd(M)
        return svd, X @ svd.U, (X @ M) @ svd.V

    def fft():
        svd = ConvSVD(w, (C, H, W), offset=(1, 1))
        return svd, svd.U.rotate(X), svd.V.rotate(svd.apply(X))

    t_dense, _, _ = median_time(dense, repeats)
    t_fft, _, _ = median_time(fft, repeats)
    print(f"  dense (matrix + SVD + rotations): {t_dense:.3f} s   FFT: {t_fft:.3f} s   "
          f"speed-up ×{t_dense / t_fft:.0f}")
    (sd, XUd, YVd), (sf, XUf, YVf) = dense(), fft()
    s_err = np.abs(sd.s - sf.s).max() / sd.s[0]
    cuts = np.flatnonzero(np.abs(np.diff(sd.s)) > 1e-7 * sd.s[0]) + 1
    g_err = 0.0
    for g in np.split(np.arange(len(sd.s)), cuts):
        for A, B in ((XUd, XUf), (YVd, YVf)):
            na, nb = np.linalg.norm(A[:, g], axis=1), np.linalg.norm(B[:, g], axis=1)
            g_err = max(g_err, np.abs(na - nb).max() / np.linalg.norm(A, axis=1).max())
    print(f"  agreement: max|σ_fft − σ_dense|/σ_max = {s_err:.1e}; aligned activations, "
          f"max per-group norm difference (relative) = {g_err:.1e} over {len(cuts) + 1} groups")


def padding_errors(rng, quick):
    print("== 3. zero padding vs the circular operator (relative size of the difference) ==")
    cases = [
        ("64→64 3×3 'same' on 32×32", 64, 64, 3, 32, 1),
        ("16→16 3×3 'same' on 16×16", 16, 16, 3, 16, 1),
        ("1→10 5×5 'valid' on 28×28 (article-style first conv)", 10, 1, 5, 28, 0),
        ("10→20 5×5 'valid' on 12×12 (article-style second conv)", 20, 10, 5, 12, 0),
    ]
    if quick:
        cases = cases[1:]
    for label, c_out, c_in, k, n, pad in cases:
        for kind, make in (("random init", default_init_kernel), ("trained-like", trained_like_kernel)):
            w = make(rng, c_out, c_in, k)
            layer = Conv2d(w, None, (c_in, n, n), padding=pad, method="fft")
            t0 = time.perf_counter()
            err = circular_padding_error(layer, seed=0)
            t_err = time.perf_counter() - t0
            X = np.maximum(rng.standard_normal((100 if n * n * c_in > 10_000 else 300, c_in * n * n)), 0)
            res = layer_transition(X, layer).scaling_residual()
            print(f"  {label:55s} {kind:12s}  Frobenius {err.frobenius:6.1%}  operator {err.operator:6.1%}  "
                  f"on activations {res:6.1%}   ({t_err:.1f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer points and repeats (smoke run)")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"load average (1 min) at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    target_layer(rng, 100 if args.quick else 500, 1 if args.quick else 3)
    mid_layer(rng, 1 if args.quick else 3)
    padding_errors(rng, args.quick)


if __name__ == "__main__":
    main()
