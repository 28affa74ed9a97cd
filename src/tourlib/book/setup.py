"""The setup every chapter runs first: threads, seeds and shared settings, in one place.

A chapter's first (hidden) cell is::

    import numpy as np
    from tourlib.book import chapter_setup

    SEED, THREADS, rng = chapter_setup()   # seed 0, one PyTorch thread, ≤ 2 BLAS threads

shown to the reader, so that every later visible cell and every solution runs when copied after it. ``threads`` is part of every
training run's cache key, so all chapters share it (and so share cached runs).
"""

from __future__ import annotations

import os
from typing import NamedTuple

#: BLAS / OpenMP threads (set before numpy loads when this module is imported first).
BLAS_THREADS = "2"
os.environ.setdefault("OMP_NUM_THREADS", BLAS_THREADS)

import numpy as np  # noqa: E402  (after the thread setting)

__all__ = ["BookSettings", "chapter_setup", "SEED", "THREADS"]

#: The book's seed for training runs, subsets and tours.
SEED = 0
#: PyTorch threads while training: part of every run's cache key (the same in every chapter).
THREADS = 1


class BookSettings(NamedTuple):
    """What :func:`chapter_setup` fixed: ``seed``, ``threads`` and a generator ``rng`` seeded by ``seed``
    (a tuple, so ``SEED, THREADS, rng = chapter_setup()``)."""

    seed: int
    threads: int
    rng: np.random.Generator


def chapter_setup(seed: int = SEED, threads: int = THREADS, *, torch_seed: bool = False) -> BookSettings:
    """Fix the chapter's randomness and threads; return the settings.

    ``torch_seed=True`` also calls ``torch.manual_seed(seed)`` and ``torch.set_num_threads(threads)``
    (chapters that run PyTorch outside :func:`tourlib.nets.record_training`, which seeds itself).
    """
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
        raise ValueError(f"threads must be a positive int, got {threads!r}")
    if torch_seed:
        import torch

        torch.manual_seed(int(seed))
        torch.set_num_threads(int(threads))
    return BookSettings(seed=int(seed), threads=int(threads), rng=np.random.default_rng(int(seed)))
