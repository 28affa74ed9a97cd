"""The seeded generator shared with JavaScript (tourlib.tour.rng)."""
import re

import numpy as np
import pytest

from tourlib.tour.rng import Mulberry32, check_seed, draw_seed

M32 = 0xFFFFFFFF


def scalar_mulberry32(seed, n):
    """Step-by-step mulberry32, written as the JS engine runs it (state += C, then mix)."""
    out, a = [], seed
    for _ in range(n):
        a = (a + 0x6D2B79F5) & M32
        t = ((a ^ (a >> 15)) * (a | 1)) & M32
        t = t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32)
        out.append((t ^ (t >> 14)) & M32)
    return out


@pytest.mark.parametrize("seed", [0, 1, 12345, 2**31 - 1, 2**32 - 1])
def test_vectorised_stream_equals_the_step_by_step_definition(seed):
    g = Mulberry32(seed)
    first, second = g.uint32s(7).tolist(), g.uint32s(5).tolist()  # two blocks continue the stream
    assert first + second == scalar_mulberry32(seed, 12)


def test_streams_are_deterministic_and_seed_dependent():
    a = Mulberry32(5).uniforms(100)
    assert np.array_equal(a, Mulberry32(5).uniforms(100))
    assert not np.array_equal(a, Mulberry32(6).uniforms(100))


def test_uniforms_are_53_bit_doubles_in_unit_interval():
    u = Mulberry32(3).uniforms(20000)
    assert u.min() >= 0.0 and u.max() < 1.0
    assert np.all(u * 2.0**53 == np.floor(u * 2.0**53))      # exactly k / 2**53
    assert abs(u.mean() - 0.5) < 5 * np.sqrt(1 / 12 / u.size)   # 5 standard errors


def test_normals_have_standard_moments_and_come_in_pairs():
    g = Mulberry32(11)
    z = g.normals(40001)                                        # odd: last pair's sine dropped
    assert z.shape == (40001,) and np.all(np.isfinite(z))
    assert abs(z.mean()) < 5 / np.sqrt(z.size)
    assert abs(z.var() - 1.0) < 5 * np.sqrt(2 / z.size)
    # the pairing: 2 normals use 2 uniforms = 4 raw outputs, so an odd count still uses whole pairs
    assert g._count == 4 * 20001
    assert np.array_equal(Mulberry32(11).normals(6)[:5], Mulberry32(11).normals(5))


@pytest.mark.parametrize("bad, exc, words", [
    (-1, ValueError, "[0, 2**32)"), (2**32, ValueError, "[0, 2**32)"),
    (1.5, TypeError, "integer"), ("3", TypeError, "integer"), (True, TypeError, "integer"),
])
def test_bad_seeds_are_rejected_with_a_clear_message(bad, exc, words):
    with pytest.raises(exc, match=re.escape(words)):
        check_seed(bad)


def test_drawn_seeds_are_valid():
    for _ in range(20):
        assert check_seed(draw_seed()) >= 0
