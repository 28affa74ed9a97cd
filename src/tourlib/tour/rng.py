"""A tiny seeded generator shared, bit for bit, by Python and ``viz/js/tour_engine.js``.

The tour is built from random numbers (the initial view ``G0``, the rotation frame ``Q`` and the
plane speeds ``θ``). The book shows the same tour in Python and in the browser, so both languages
must draw *the same* numbers from the same seed. numpy's generators cannot be reproduced in
JavaScript, so the tour uses this small generator instead, implemented identically in both.

Generator (mulberry32, a Weyl sequence followed by an integer mixing function)
------------------------------------------------------------------------------
All arithmetic is on unsigned 32-bit integers (mod 2**32); ``imul(a, b) = (a·b) mod 2**32``.
The state starts at the seed ``s`` (an integer in ``[0, 2**32)``) and the k-th output
(k = 1, 2, …) is a pure function of ``a_k = s + k·0x6D2B79F5 (mod 2**32)``:

    t = imul(a ^ (a >> 15), a | 1)
    t = t ^ (t + imul(t ^ (t >> 7), t | 61))
    x = t ^ (t >> 14)

Because the state is a counter, the k-th output does not depend on the previous ones, which lets
numpy compute a whole block of outputs at once (``uint32s``); JavaScript steps one at a time.

Uniform doubles
    ``u = (⌊x₁ / 2**5⌋ · 2**26 + ⌊x₂ / 2**6⌋) / 2**53`` uses two outputs (27 + 26 bits) and is
    exactly representable, so ``u ∈ [0, 1)`` is identical in both languages.

Normal doubles (Box–Muller, in pairs)
    from two uniforms ``u₁, u₂``: ``r = sqrt(−2 ln(1 − u₁))``, ``z₁ = r cos(2π u₂)``,
    ``z₂ = r sin(2π u₂)``. ``normals(n)`` fills its output pair by pair; when ``n`` is odd the last
    ``z₂`` is dropped. (``ln``, ``cos``, ``sin`` may differ between libm implementations by an ulp,
    so normals agree across languages to ~1e-16 relative, not bit for bit.)

Seeds
    A seed is an integer in ``[0, 2**32)``. ``draw_seed()`` returns a fresh one from the operating
    system, for callers that were given ``seed=None`` and must record what they used.
"""
from __future__ import annotations

import numbers
import secrets

import numpy as np

__all__ = ["Mulberry32", "check_seed", "draw_seed"]

_MASK32 = 0xFFFFFFFF
_WEYL = 0x6D2B79F5
_TWO_POW_26 = 67108864.0
_TWO_POW_53 = 9007199254740992.0


def check_seed(seed) -> int:
    """Return ``seed`` as a Python int, or raise if it is not an integer in ``[0, 2**32)``."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer in [0, 2**32); got {seed!r} of type "
                        f"{type(seed).__name__}. Pass e.g. seed=0, or seed=None to draw one.")
    seed = int(seed)
    if not 0 <= seed <= _MASK32:
        raise ValueError(f"seed must be an integer in [0, 2**32) = [0, 4294967295]; got {seed}. "
                         "Reduce it, e.g. seed % 2**32.")
    return seed


def draw_seed() -> int:
    """A fresh seed in ``[0, 2**32)`` from the operating system's entropy source."""
    return secrets.randbits(32)


def _mix(a: np.ndarray) -> np.ndarray:
    """The mulberry32 output function applied elementwise to states ``a`` (uint64 holding uint32)."""
    m = np.uint64(_MASK32)
    t = ((a ^ (a >> np.uint64(15))) * (a | np.uint64(1))) & m
    t = t ^ ((t + (((t ^ (t >> np.uint64(7))) * (t | np.uint64(61))) & m)) & m)
    return (t ^ (t >> np.uint64(14))) & m


class Mulberry32:
    """Seeded mulberry32 stream of uint32 values, uniform doubles and normal doubles.

    Parameters
    ----------
    seed : int
        Integer in ``[0, 2**32)``.

    Examples
    --------
    >>> g = Mulberry32(1)
    >>> u = g.uniforms(3)      # three doubles in [0, 1)
    >>> z = g.normals(4)       # four standard normals (two Box–Muller pairs)
    """

    def __init__(self, seed: int):
        self.seed = check_seed(seed)
        self._count = 0  # number of uint32 outputs drawn so far

    def uint32s(self, n: int) -> np.ndarray:
        """The next ``n`` raw outputs as a uint64 array holding values in ``[0, 2**32)``."""
        k = np.arange(self._count + 1, self._count + n + 1, dtype=np.uint64)
        self._count += n
        a = (np.uint64(self.seed) + k * np.uint64(_WEYL)) & np.uint64(_MASK32)
        return _mix(a)

    def uniforms(self, n: int) -> np.ndarray:
        """The next ``n`` doubles in ``[0, 1)``, 53 random bits each (two outputs per double)."""
        x = self.uint32s(2 * n).reshape(n, 2)
        hi = (x[:, 0] >> np.uint64(5)).astype(np.float64)
        lo = (x[:, 1] >> np.uint64(6)).astype(np.float64)
        return (hi * _TWO_POW_26 + lo) / _TWO_POW_53

    def normals(self, n: int) -> np.ndarray:
        """The next ``n`` standard normal doubles by Box–Muller, generated in pairs."""
        pairs = (n + 1) // 2
        u = self.uniforms(2 * pairs).reshape(pairs, 2)
        r = np.sqrt(-2.0 * np.log(1.0 - u[:, 0]))
        ang = 2.0 * np.pi * u[:, 1]
        z = np.empty((pairs, 2))
        z[:, 0] = r * np.cos(ang)
        z[:, 1] = r * np.sin(ang)
        return z.reshape(-1)[:n]
