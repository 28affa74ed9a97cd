"""Numbers written the way a reader expects them in prose (for ``{glue:text}``).

Python's defaults write for a machine: ``f"{0.0:.0e}"`` is ``0e+00``, ``repr(np.float64(0.77))`` is
``np.float64(0.77)``, ``f"{0.6:.0e}"`` is ``6e-01``. These helpers return plain strings instead:

=====================  =========================================  =====================================
helper                 for                                        examples
=====================  =========================================  =====================================
:func:`number`         any number                                 ``10,000``; ``0.77``; ``3.2 × 10⁻⁵``
:func:`count`          counts                                     ``1,234``
:func:`percent`        a fraction shown as a percentage           ``12``, ``over 99``, ``under 1``
                       (the prose writes the ``%`` sign)
:func:`tiny`           a rounding-size difference                 ``0``, ``< 10⁻¹⁵``, ``2 × 10⁻⁹``
:func:`agreement`      "agree …"                                  ``exactly``, ``to within 2 × 10⁻⁹``
:func:`pvalue`         a test's p-value (after ``p =``)           ``0.6``, ``0.03``, ``2 × 10⁻⁵``
:func:`listing`        names in a sentence                        ``1, 4 and 7``
:func:`class_phrase`   classes named as classes                   ``class 3``, ``classes 1 and 7``
=====================  =========================================  =====================================

Powers of ten use Unicode superscripts, so no exponent notation (``e+00``, ``e-05``) reaches a page.
"""

from __future__ import annotations

import math
import numbers as _numbers
from typing import Iterable

import numpy as np

__all__ = ["number", "count", "percent", "tiny", "agreement", "pvalue", "listing", "class_phrase",
           "power_of_ten", "text"]

#: Below this, a difference is rounding error of float64 arithmetic on numbers of order one.
ROUNDING = 1e-15

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _real(x, name: str = "x") -> float:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be a number, got the boolean {x!r}; write the phrase for True/False yourself")
    if isinstance(x, np.ndarray) and x.ndim == 0:
        x = x.item()
    if not isinstance(x, (_numbers.Real, np.number)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__} {x!r}")
    return float(x)


def power_of_ten(exponent: int) -> str:
    """``10⁻⁵`` for ``exponent = -5``."""
    return "10" + str(int(exponent)).translate(_SUPERSCRIPT)


def _scientific(x: float, significant: int) -> str:
    """``3.2 × 10⁻⁵``: mantissa with ``significant`` digits, exponent as a superscript."""
    e = math.floor(math.log10(abs(x)))
    m = x / 10 ** e
    if round(abs(m), significant - 1) >= 10:      # 9.96 → 10.0: carry into the exponent
        e += 1
        m = x / 10 ** e
    mant = f"{m:.{max(significant - 1, 0)}f}"
    return power_of_ten(e) if mant in ("1", "1.0", "1.00") else f"{mant} × {power_of_ten(e)}"


def number(x, digits: int = 2, *, significant: int = 2) -> str:
    """A number for prose.

    Integers (and floats that are whole and large) get thousands separators: ``10,000``.
    Other numbers get ``digits`` decimals (``0.77``, ``12.35``) unless that would show fewer than
    ``significant`` significant digits of a small non-zero number, which is then written
    ``3.2 × 10⁻⁵``. Zero is ``0``. NaN is ``—``; infinities are ``∞`` / ``−∞``.
    """
    if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return f"{int(x):,}"
    v = _real(x)
    if math.isnan(v):
        return "—"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if abs(v) < 10 ** -digits:                    # would round to 0.00: show significant digits
        e = math.floor(math.log10(abs(v)))
        return f"{v:.{-e + significant - 1}f}" if e >= -4 else _scientific(v, significant)
    if abs(v) >= 1000 and float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:,.{digits}f}"


def count(n) -> str:
    """A count with thousands separators (``1,234``); refuses non-whole numbers."""
    v = _real(n, "n")
    if not float(v).is_integer():
        raise ValueError(f"count needs a whole number, got {n!r}; use number() for measurements")
    return f"{int(v):,}"


def percent(fraction, digits: int = 0) -> str:
    """``fraction`` (0.1234) as a percentage number (``12``); the prose writes the ``%`` after it.

    A value that only rounds to 100 or to 0 says so: ``over 99`` (or ``over 99.9`` with one digit),
    ``under 1``; exactly 1 and exactly 0 stay ``100`` and ``0``.
    """
    v = 100 * _real(fraction, "fraction")
    if math.isnan(v):
        return "—"
    s = f"{v:.{digits}f}"
    step = 10 ** -digits
    if float(s) == 100 and v < 100:
        return f"over {100 - step:.{digits}f}"
    if float(s) == 0 and v > 0:
        return f"under {step:.{digits}f}" if digits else "under 1"
    return s


def tiny(x, *, floor: float = ROUNDING, significant: int = 1) -> str:
    """A difference that is usually rounding error: ``0`` when exactly zero, ``< 10⁻¹⁵`` below
    ``floor``, else ``2 × 10⁻⁹`` (``significant`` digits). Never ``0e+00``."""
    v = abs(_real(x))
    if v == 0:
        return "0"
    if v < floor:
        return f"< {power_of_ten(round(math.log10(floor)))}"
    return number(v, digits=2, significant=significant) if v >= 0.01 else _scientific(v, significant)


def agreement(x, *, floor: float = ROUNDING) -> str:
    """How well two computations agree, given their largest difference: ``exactly`` (bit for bit),
    ``to within < 10⁻¹⁵`` or ``to within 2 × 10⁻⁹``. Reads after "agree" / "is reproduced"."""
    v = abs(_real(x))
    return "exactly" if v == 0 else f"to within {tiny(v, floor=floor)}"


def pvalue(p) -> str:
    """A p-value after "p =": ``0.6`` (one decimal from 0.1 up), ``0.03`` / ``0.004`` (one significant
    digit), ``2 × 10⁻⁵`` below 0.001, ``< 10⁻¹⁵`` below rounding."""
    v = _real(p, "p")
    if not 0 <= v <= 1:
        raise ValueError(f"a p-value lies in [0, 1], got {p!r}")
    if v >= 0.1:
        return f"{v:.1f}"
    if v >= 0.001:
        e = math.floor(math.log10(v))
        return f"{round(v, -e):.{-e}f}"
    if v < ROUNDING:
        return f"< {power_of_ten(-15)}"
    return _scientific(v, 1)


def listing(items: Iterable, *, empty: str = "none", conjunction: str = "and") -> str:
    """``1, 4 and 7`` (``empty`` when there are none)."""
    items = [str(i) for i in items]
    if not items:
        return empty
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def class_phrase(names: Iterable, *, noun: str = "class", plural: str | None = None,
                 empty: str | None = None) -> str:
    """Classes named as classes: ``class 3``, ``classes 1 and 7``, ``no class`` (or ``empty``).

    So that "3" in prose is read as the class 3, not as "three classes". ``noun`` may be
    ``"digit"`` (plural ``"digits"``).
    """
    names = [str(n) for n in names]
    plural = plural or (noun + "es" if noun.endswith("s") else noun + "s")
    if not names:
        return empty if empty is not None else f"no {noun}"
    return f"{noun if len(names) == 1 else plural} {listing(names)}"


def text(value, digits: int = 2) -> str:
    """Any glued value as prose: strings unchanged, integers with separators, other numbers by
    :func:`number`; numpy scalars as the Python numbers they hold. Booleans and other objects are
    refused (their ``repr`` is not prose)."""
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("a boolean is not prose; glue the phrase it stands for")
    if isinstance(value, (_numbers.Real, np.number)):
        return number(value, digits)
    raise TypeError(f"cannot write a {type(value).__name__} in prose: format it first ({value!r})")
