"""tourlib.memory: freed heap memory goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tourlib.memory import release_memory, resident_mb

# Freed but kept: after a 16 MB block is freed, glibc serves 1 MB blocks from the heap, and one live
# block at the heap's top keeps the 199 freed ones below it resident.
SCRIPT = """
import numpy as np
from tourlib.memory import release_memory, resident_mb
big = np.ones(16 * 2**20 // 8); del big
blocks = [np.ones(2**20 // 8) for _ in range(200)]
keep = blocks[-1]
del blocks
before = resident_mb()
print(release_memory(), before, resident_mb())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's")
def test_freed_heap_blocks_are_given_back_and_live_ones_kept():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True).stdout.split()
    trimmed, before, after = out[0] == "True", float(out[1]), float(out[2])
    assert trimmed
    assert before - after > 150, (before, after)       # about 199 MB freed but resident before the trim


def test_release_memory_is_safe_to_call_and_collects_cycles():
    import gc
    import weakref

    class Node:
        pass

    a, b = Node(), Node()
    a.other, b.other = b, a                           # a reference cycle: only the collector frees it
    ref = weakref.ref(a)
    gc.disable()
    try:
        del a, b
        assert ref() is not None
        assert release_memory() in (True, False)
        assert ref() is None
    finally:
        gc.enable()
    rss = resident_mb()
    assert rss is None or rss > 0
