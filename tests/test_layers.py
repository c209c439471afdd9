"""One direction of flow: logic packages never import the front doors."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

FORBIDDEN = {
    "i18n": {
        "geodata",
        "hotspots",
        "outreach",
        "store",
        "streamlit",
        "ui",
        "pipeline",
        "cli",
    },
    "geodata": {
        "streamlit",
        "streamlit_folium",
        "ui",
        "hotspots",
        "outreach",
        "pipeline",
        "cli",
    },
    "hotspots": {"streamlit", "streamlit_folium", "ui", "outreach", "pipeline", "cli"},
    "outreach": {"streamlit", "streamlit_folium", "ui", "pipeline", "cli", "store"},
    "store": {"streamlit", "streamlit_folium", "ui", "pipeline", "cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_lower_layers(package):
    """geodata <- hotspots <- outreach <- pipeline <- (cli, app, ui)."""
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    bad = {
        str(f.relative_to(ROOT)): sorted(_imports(f) & FORBIDDEN[package])
        for f in files
        if _imports(f) & FORBIDDEN[package]
    }
    assert not bad, f"imports against the flow: {bad}"
