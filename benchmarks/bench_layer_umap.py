"""Embedding time per layer for the UMAP Tour: 15-D against 2-D UMAP, side by side in one run.

    python benchmarks/bench_layer_umap.py [n_images]

Embeds the input and every tour layer of the (untrained or shipped) cifar-vgg for n_images CIFAR-10 test
images (default 1000), once to 2 and once to 15 dimensions, and prints seconds per layer and their ratio.
The first UMAP call includes numba's compilation and is reported separately.
"""
import sys
import time

import numpy as np

import tourlib
from tourlib.data.sample import stratified_indices
from tourlib.embed.layers import layer_umaps
from tourlib.nets.hooks import module_activations
from tourlib.nets.weights import load_zoo_model

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
test = tourlib.load_dataset("cifar10", "test")
images = test.images[stratified_indices(test.labels, n // 10, seed=0)]
model = load_zoo_model("cifar-vgg")
t = time.perf_counter()
acts = module_activations(model, images, ["conv1", "conv2", "conv3", "conv4", "conv5", "conv6", "fc"],
                          cap=2048, include_input=True)
print(f"activations of {len(acts)} layers for {len(images)} images: {time.perf_counter() - t:.1f} s")
t = time.perf_counter()
layer_umaps([acts["fc"]], n_components=2, seed=1, cache=False)
print(f"first UMAP call (numba compilation included): {time.perf_counter() - t:.1f} s")
print(f"{'layer':8s} {'width':>6s} {'2-D s':>7s} {'15-D s':>7s} {'15-D / 2-D':>10s}")
for name, a in acts.items():
    t0 = time.perf_counter(); layer_umaps([a], n_components=2, seed=0, cache=False)
    t1 = time.perf_counter(); layer_umaps([a], n_components=15, seed=0, cache=False)
    t2 = time.perf_counter()
    print(f"{name:8s} {a.shape[1]:6d} {t1 - t0:7.1f} {t2 - t1:7.1f} {(t2 - t1) / (t1 - t0):10.2f}")
