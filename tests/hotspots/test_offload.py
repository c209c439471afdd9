"""Work offloaded to a second process or thread gives the answer it gives in line."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import hotspots.offload as offload_module
from hotspots.contexts import find_contexts
from hotspots.offload import offload


def _die_in_child(value: int) -> int:
    """Return ``value``, but kill the process if it is the offload worker."""
    if sys.argv[0].endswith("offload.py"):
        os._exit(3)
    return value


def _fail(message: str) -> None:
    """Raise a ValueError carrying ``message``."""
    raise ValueError(message)


def _clustered(seed: int = 5) -> tuple[np.ndarray, np.ndarray]:
    """Return 600 incidents: a tight group of 200 in a 2 km square of noise."""
    rng = np.random.default_rng(seed)
    x = np.r_[rng.uniform(0, 2000, 400), rng.normal(1000, 15, 200)] + 260_000
    y = np.r_[rng.uniform(0, 2000, 400), rng.normal(1000, 15, 200)] + 192_000
    return x, y


def test_small_work_runs_in_a_thread():
    """Below the size limit no process is started."""
    job = offload(sum, [1, 2, 3], items=3)
    assert job.where == "thread"
    assert job.result() == 6


def test_large_work_in_a_process_gives_the_same_contexts(monkeypatch):
    """Contexts found in a second process equal those found in line."""
    monkeypatch.setattr(offload_module, "PROCESS_MIN_ITEMS", 100)
    x, y = _clustered()
    job = offload(find_contexts, x, y, items=len(x), threshold=5, places=None)
    assert job.where == "process"
    contexts, choices = job.result()
    expected, expected_choices = find_contexts(x, y, threshold=5, places=None)
    assert len(expected) >= 1
    assert choices == expected_choices
    assert contexts.drop(columns="geometry").equals(expected.drop(columns="geometry"))
    assert contexts.geometry.geom_equals_exact(expected.geometry, 1e-9).all()


def test_a_dead_process_is_replaced_by_a_thread(monkeypatch):
    """If the worker process dies the call is run again in a thread."""
    monkeypatch.setattr(offload_module, "PROCESS_MIN_ITEMS", 1)
    job = offload(_die_in_child, 7, items=10)
    assert job.where == "process"
    assert job.result() == 7
    assert job.where == "thread"


@pytest.mark.parametrize("limit", [1, 10**9])
def test_errors_reach_the_caller(monkeypatch, limit):
    """An error raised by the work is raised by ``result()``, process or thread."""
    monkeypatch.setattr(offload_module, "PROCESS_MIN_ITEMS", limit)
    job = offload(_fail, "no incidents", items=10)
    with pytest.raises(ValueError, match="no incidents"):
        job.result()
