"""Coordinate transforms: PROJ's results, with its state made once per process."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from pyproj import Transformer
from pyproj.transformer import TransformerFromCRS

from geodata.crs import BNG, WGS84, bng_to_lonlat, lonlat_to_bng

# Swansea Guildhall and Morriston Cross, roughly, in British National Grid metres.
X = np.array([264_900.0, 266_800.0])
Y = np.array([192_400.0, 198_200.0])


def test_transforms_agree_with_pyproj_both_ways():
    lon, lat = bng_to_lonlat(X, Y)
    expected = Transformer.from_crs(BNG, WGS84, always_xy=True).transform(X, Y)
    assert np.array_equal(lon, expected[0])
    assert np.array_equal(lat, expected[1])
    assert lon == pytest.approx([-3.953, -3.927], abs=0.001)
    back_x, back_y = lonlat_to_bng(lon, lat)
    assert np.allclose(back_x, X, atol=0.01)
    assert np.allclose(back_y, Y, atol=0.01)


def test_new_threads_do_not_make_the_transformers_again(calls):
    """Each Streamlit page runs in a new thread; PROJ's state must not follow it."""
    bng_to_lonlat(X, Y)
    lonlat_to_bng(np.array([-3.94]), np.array([51.62]))
    made = calls(TransformerFromCRS, "__call__")
    results: list = []

    def page() -> None:
        results.append(bng_to_lonlat(X, Y))
        results.append(lonlat_to_bng(np.array([-3.94]), np.array([51.62])))

    for _ in range(3):
        thread = threading.Thread(target=page)
        thread.start()
        thread.join()
    assert len(results) == 6
    assert made == []


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs os.fork")
def test_a_forked_child_still_transforms():
    import os

    parent, _ = bng_to_lonlat(X, Y)  # the parent's PROJ thread is running
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            lon, _ = bng_to_lonlat(X, Y)
            os.write(write, f"{lon[0]:.6f}".encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    assert os.read(read, 100).decode() == f"{parent[0]:.6f}"
