"""The code a reader sees runs on its own: every name a visible cell uses is bound by that cell or an earlier
visible one (hidden cells only glue numbers), and chapter code defines no helpers the library should hold."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest

BOOK = Path(__file__).resolve().parents[1] / "book"
CHAPTERS = sorted(p.stem for p in BOOK.glob("*.md") if "code-cell" in p.read_text())
CELL = re.compile(r"```\{code-cell\} ipython3\n(.*?)\n```", re.S)


def cells(chapter: str) -> list[tuple[str, str]]:
    """``(tags line, source)`` of each code cell, in order."""
    out = []
    for body in CELL.findall((BOOK / f"{chapter}.md").read_text()):
        first, _, rest = body.partition("\n")
        out.append((first, rest) if first.startswith(":tags:") else ("", body))
    return out


def bound_and_used(src: str) -> tuple[set, set]:
    tree = ast.parse(src)
    bound, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            bound |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else used).add(node.id)
    return bound, used


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_visible_code_uses_only_names_bound_in_visible_code(chapter):
    known = set(dir(builtins)) | {"display", "get_ipython"}
    problems = []
    for i, (tags, src) in enumerate(cells(chapter)):
        if "remove-cell" in tags:
            continue
        bound, used = bound_and_used(src)
        missing = used - bound - known
        if missing:
            problems.append(f"cell {i}: {sorted(missing)}")
        known |= bound
    assert not problems, f"{chapter}: visible code uses names defined only in hidden cells: {problems}"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_hidden_cells_define_no_functions(chapter):
    defs = [n.name for tags, src in cells(chapter) if "remove-cell" in tags
            for n in ast.walk(ast.parse(src)) if isinstance(n, ast.FunctionDef)]
    assert not defs, f"{chapter}: measurements belong in the library, not in hidden cells: {defs}"


def test_chapters_use_the_shared_setup():
    for chapter in CHAPTERS:
        first = next(src for tags, src in cells(chapter))
        assert "chapter_setup(" in first, f"{chapter}: the first code cell should be tourlib.book.chapter_setup"
