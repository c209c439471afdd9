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


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch):
    """Return ``count(owner, name)``: a list that grows by one at every later call
    of ``owner.name``, which still does its work (undone after the test).

    For the memo tests: how often something costly was worked out afresh.
    """

    def count(owner: object, name: str) -> list:
        made: list = []
        real = getattr(owner, name)

        def counted(*args, **kwargs):
            made.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)
        return made

    return count
