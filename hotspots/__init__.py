"""Hotspot detection on canonical incidents: units, Gi*, FDR, areas, trends."""

from hotspots.detect import CELL_COLUMNS, detect_hotspots
from hotspots.panel import analyse
from hotspots.params import PERIOD_LENGTHS, HotspotParams
from hotspots.result import HotspotResult

__all__ = [
    "CELL_COLUMNS",
    "PERIOD_LENGTHS",
    "HotspotParams",
    "HotspotResult",
    "analyse",
    "detect_hotspots",
]
