"""Plane angles ``φ = fmod(ω τ, 2π)`` with a clear error where they would lose all precision.

``fmod`` is exact in IEEE arithmetic (identical in Python and JavaScript), but the product
``ω τ`` is rounded: beyond ``MAX_ANGLE`` = 2⁵⁰ rad (≈ 1.1·10¹⁵) one ulp of it exceeds 0.1 rad, and
beyond ~1.8·10³⁰⁸ it overflows to inf, whose ``fmod`` is NaN. Rather than return such views, the
tour refuses: :func:`plane_angles` raises a ValueError that names the cause and the fix
(``rebase`` the tour, or a smaller time or speed). ``planeAngle`` in ``viz/js/engine_linalg.js``
applies the same bound.
"""
from __future__ import annotations

import numpy as np

TWO_PI = 2.0 * np.pi
#: Largest |ω τ| (radians) accepted before reduction modulo 2π.
MAX_ANGLE = 2.0 ** 50
#: Largest |speed| accepted by the tour (radians per unit time).
MAX_SPEED = 1.0e6


def check_speed(speed: float) -> float:
    """``speed`` if ``|speed| <= MAX_SPEED``, else a ValueError (the views would be noise)."""
    if abs(speed) > MAX_SPEED:
        raise ValueError(f"speed = {speed:g} is beyond {MAX_SPEED:g} radians per unit time: frames would be "
                         "unrelated random views (and large times would overflow). Use a speed of order 1.")
    return speed


def plane_angles(tau, omega) -> np.ndarray:
    """``fmod(outer(τ, ω), 2π)`` for times ``τ`` (scalar or 1-D) and plane speeds ``ω``.

    Raises ValueError if some ``|ω τ| > MAX_ANGLE`` (or is not finite).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        a = np.multiply.outer(tau, omega)
    if a.size and not np.all(np.abs(a) <= MAX_ANGLE):
        worst = float(np.max(np.abs(np.asarray(tau))))
        raise ValueError(f"tour time t − t_b = {worst:g} times the plane speeds exceeds {MAX_ANGLE:g} rad: the "
                         "angle would keep no precision (or overflow to NaN). Rebase the tour "
                         "(tour.rebase(tour.matrix(t_now), t_now)) or use smaller times or speed.")
    return np.fmod(a, TWO_PI)
