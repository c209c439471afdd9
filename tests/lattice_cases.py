"""A small square lattice and clusters on it, shared by the period tests."""

from __future__ import annotations

import numpy as np

from hotspots.gistar import lattice_weights

SIDE = 20  # cells per side of the test lattice


def lattice():
    """A full 20 x 20 lattice with queen weights and self."""
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    return lattice_weights(rows, cols)


def cluster(rng, centre: int, n: int) -> np.ndarray:
    """Cell indices of n incidents spread over a cell and its 8 neighbours."""
    r, c = divmod(centre, SIDE)
    dr = rng.integers(-1, 2, n)
    dc = rng.integers(-1, 2, n)
    return (r + dr) * SIDE + (c + dc)
