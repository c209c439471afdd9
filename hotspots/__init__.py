"""Hotspot detection on canonical incidents: units, Gi*, FDR, areas, trends.

Names load on first use (PEP 562): the settings (``HotspotParams``) come without
scipy and the analysis modules, which ``pipeline`` imports in a second thread
while the files are read.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hotspots.detect import CELL_COLUMNS, detect_hotspots
    from hotspots.panel import analyse
    from hotspots.params import PERIOD_LENGTHS, HotspotParams
    from hotspots.result import HotspotResult

_HOME = {
    "CELL_COLUMNS": "hotspots.detect",
    "detect_hotspots": "hotspots.detect",
    "analyse": "hotspots.panel",
    "PERIOD_LENGTHS": "hotspots.params",
    "HotspotParams": "hotspots.params",
    "HotspotResult": "hotspots.result",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'hotspots' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME})


__all__ = [
    "CELL_COLUMNS",
    "PERIOD_LENGTHS",
    "HotspotParams",
    "HotspotResult",
    "analyse",
    "detect_hotspots",
]
