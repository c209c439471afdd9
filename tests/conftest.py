"""Shared test settings: the project root on sys.path and the real-data folder."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "data" / "real"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture
def real_data() -> Path:
    """The shared third-party data folder, or skip with the reason."""
    if not REAL.is_dir():
        pytest.skip(f"real third-party data not present at {REAL}")
    return REAL
