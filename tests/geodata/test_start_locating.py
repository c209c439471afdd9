"""Coordinates read in a second thread give the same rows, drops and messages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import geodata.location as location
from geodata.errors import InputDataError
from geodata.points import locate
from geodata.read import read_incidents


def _csv(lat: list[str], lon: list[str]) -> bytes:
    """Return an incident CSV with the given coordinate text."""
    rows = [
        f"2025-0{1 + i % 9}-1{i % 10},drugs,{la},{lo}"
        for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
    ]
    return ("date,category,latitude,longitude\n" + "\n".join(rows) + "\n").encode()


def test_small_tables_are_located_in_line():
    """Below the size limit no thread is started."""
    table = pd.DataFrame({"latitude": ["51.6"], "longitude": ["-3.9"]}, dtype="str")
    assert location.start_locating(table, "a.csv") is None


def test_the_thread_gives_what_locate_gives(monkeypatch):
    """The threaded result equals ``locate`` on the same table."""
    monkeypatch.setattr(location, "_THREAD_MIN_ROWS", 10)
    rng = np.random.default_rng(2)
    table = pd.DataFrame(
        {
            "latitude": [f"{v:.5f}" for v in rng.uniform(51.55, 51.7, 50)] + ["", "x"],
            "longitude": [f"{v:.5f}" for v in rng.uniform(-4.1, -3.8, 50)] + ["", "1"],
        },
        dtype="str",
    )
    threaded = location.start_locating(table, "a.csv").result()
    direct = locate(table, "a.csv")
    np.testing.assert_array_equal(threaded.x, direct.x)
    np.testing.assert_array_equal(threaded.y, direct.y)
    np.testing.assert_array_equal(threaded.outside_gb, direct.outside_gb)


@pytest.mark.parametrize("limit", [10, 10**9])
def test_reading_is_the_same_with_or_without_the_thread(monkeypatch, limit):
    """Kept rows, drop counts and coordinates do not depend on the thread."""
    monkeypatch.setattr(location, "_THREAD_MIN_ROWS", limit)
    lat = ["51.62", "51.63", "", "51.61", "55.9"] * 6
    lon = ["-3.94", "-3.95", "", "-3.96", "-3.2"] * 6
    frame, reports = read_incidents([("a.csv", _csv(lat, lon))])
    assert len(frame) == 24
    assert reports[0].dropped == {"no location": 6}
    assert (frame["x"] < 270_000).sum() == 18  # Swansea; 6 in Edinburgh


@pytest.mark.parametrize("limit", [10, 10**9])
def test_a_refusal_reads_the_same_from_the_thread(monkeypatch, limit):
    """Coordinates swapped in some rows only are refused with the same message."""
    monkeypatch.setattr(location, "_THREAD_MIN_ROWS", limit)
    lat = ["51.62", "-3.94"] * 10
    lon = ["-3.94", "51.62"] * 10
    with pytest.raises(InputDataError, match="look swapped in 10 of 20 rows"):
        read_incidents([("a.csv", _csv(lat, lon))])
