"""The store sits below the front doors: it never imports them."""

from __future__ import annotations

import ast
from pathlib import Path

STORE = Path(__file__).resolve().parents[2] / "store"
FORBIDDEN = {"streamlit", "streamlit_folium", "ui", "app", "pipeline", "cli"}


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_store_never_imports_a_front_door():
    """store/ (migrations included) imports no streamlit, ui, pipeline or cli."""
    files = sorted(STORE.rglob("*.py"))
    assert len(files) >= 8
    bad = {str(f.name): sorted(_imports(f) & FORBIDDEN) for f in files}
    assert not {k: v for k, v in bad.items() if v}
