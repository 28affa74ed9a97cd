"""A small table of results as HTML (no pandas needed), for chapters that show a measured table."""

from __future__ import annotations

import html
from typing import Sequence

__all__ = ["Table"]


class Table:
    """Rows of values under column names; shows as an HTML table in a notebook or the book.

    Floats are written with ``digits`` decimals; everything else with ``str``.
    """

    def __init__(self, rows: Sequence[Sequence], columns: Sequence[str], digits: int = 3):
        self.rows = [tuple(r) for r in rows]
        self.columns = tuple(columns)
        if any(len(r) != len(self.columns) for r in self.rows):
            raise ValueError(f"every row needs {len(self.columns)} values, one per column")
        self.digits = int(digits)

    def _cell(self, v) -> str:
        return f"{v:.{self.digits}f}" if isinstance(v, float) else str(v)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(self._cell(v))}</td>" for v in r) + "</tr>"
                       for r in self.rows)
        return f'<table class="tourlib-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def __repr__(self) -> str:
        widths = [max(len(c), *(len(self._cell(r[i])) for r in self.rows)) if self.rows else len(c)
                  for i, c in enumerate(self.columns)]
        lines = ["  ".join(c.ljust(w) for c, w in zip(self.columns, widths))]
        lines += ["  ".join(self._cell(v).ljust(w) for v, w in zip(r, widths)) for r in self.rows]
        return "\n".join(lines)
