"""Gluing values into a chapter's prose (``{glue:text}`name```) as text a reader expects.

:func:`glue_text` formats a value with :func:`tourlib.book.numbers.text` (or a formatter you pass)
and glues the string, never displayed in the cell (``display=False``). So a page shows ``0.77``,
not ``np.float64(0.77)``, and ``1,000``, not ``1000``. A sentence may choose between two phrasings
(``glue_text("x", "a" if cond else "b")``); paragraphs are prose in the chapter, not built in code.
"""

from __future__ import annotations

from typing import Callable, Mapping

from .numbers import text

__all__ = ["glue_text", "glue_all"]


def glue_text(name: str, value, fmt: Callable | None = None, **fmt_kwargs) -> str:
    """Glue ``fmt(value, **fmt_kwargs)`` (default :func:`~tourlib.book.numbers.text`) under ``name``;
    returns the string glued."""
    from myst_nb import glue

    if not isinstance(name, str) or not name:
        raise ValueError(f"a glue name must be a non-empty string, got {name!r}")
    s = (fmt or text)(value, **fmt_kwargs)
    if not isinstance(s, str):
        raise TypeError(f"the formatter for {name!r} returned {type(s).__name__}, not a string")
    glue(name, s, display=False)
    return s


def glue_all(values: Mapping[str, object], prefix: str = "", fmt: Callable | None = None) -> dict:
    """:func:`glue_text` for every ``name → value`` (names get ``prefix``); returns what was glued."""
    return {prefix + k: glue_text(prefix + k, v, fmt) for k, v in values.items()}
