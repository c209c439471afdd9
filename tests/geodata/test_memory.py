"""Memory the readers freed goes back to the operating system."""

from __future__ import annotations

import sys

import numpy as np
import pyarrow as pa
import pytest

from geodata.memory import _rss_kb, release_free_memory


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_freed_arrow_memory_is_returned():
    """A freed 200 MB Arrow array no longer counts in the resident size."""
    release_free_memory()
    values = pa.array(np.arange(25_000_000, dtype=np.int64)).cast(pa.float64())
    assert values.nbytes == 200_000_000
    held = _rss_kb()
    del values
    released = release_free_memory()
    assert released > 100_000
    assert _rss_kb() < held - 100_000


def test_release_without_pyarrow_loaded(monkeypatch):
    """Without pyarrow imported the release still runs and reports a count."""
    monkeypatch.delitem(sys.modules, "pyarrow")
    assert release_free_memory() >= 0
