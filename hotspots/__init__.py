"""Hotspot detection on canonical incidents: grid, Gi*, FDR, named areas."""

from hotspots.detect import CELL_COLUMNS, detect_hotspots
from hotspots.params import HotspotParams
from hotspots.result import HotspotResult

__all__ = ["CELL_COLUMNS", "HotspotParams", "HotspotResult", "detect_hotspots"]
