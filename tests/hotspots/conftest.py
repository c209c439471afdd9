"""Hotspot tests start from scratch: nothing remembered from an earlier test."""

from __future__ import annotations

import pytest

from hotspots import contexts, detect, timeline, units


@pytest.fixture(autouse=True)
def _fresh_context_trees() -> None:
    """Empty the memos of trees, units, cell lattices and cell trends.

    So spies and patches see every step.
    """
    contexts._TREES.clear()
    detect._UNITS.clear()
    units._LATTICES.clear()
    timeline._CELL_TRENDS.clear()
