"""The units of a finished map, rebuilt from its cells: weights and point lookup.

``rebuild_units`` gives the contiguity weights of a map's cells and the cell of
each point, from the cells' polygons alone (a ``HotspotResult`` keeps no
``Units``). Square cells and hexagons are recognised from their shape and
indexed by arithmetic on the lattice, as ``hotspots.units`` built them (0.05 s
of CPU for the 1M-incident benchmark on 12,581 cells, where an STRtree point
query took 2.4 s, with identical results); any other polygons (the user's
areas) go through an STRtree.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse

from hotspots.gistar import lattice_weights
from hotspots.grid import Grid

# hotspots.units owns the hexagon lattice; its axial rounding is reused so that
# points fall in exactly the hexagon the map counted them in.
from hotspots.units import HEX_STEPS, hex_axial

log = logging.getLogger(__name__)

_TOUCH_M = 0.001
# Relative tolerance for recognising a lattice from float polygon coordinates.
_SAME = 1e-6


def rebuild_units(
    cells: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return the map's contiguity weights and each point's unit (-1: none).

    Works for every unit kind (squares, hexagons, the user's areas): units that
    touch, corners included, are neighbours, and each unit is its own. Square
    cells and hexagons give the weights and units ``hotspots.units`` gave the
    map (a point on an edge goes where the map put it); other polygons touch
    to 1 mm (float coordinates of a shared corner can differ in the last
    digit), and a point on a shared edge goes to one of them.

    Parameters
    ----------
    cells
        The map's units (``HotspotResult.cells``), EPSG:27700.
    x, y
        Point coordinates in metres.

    Returns
    -------
    csr_matrix, ndarray
        Binary weights with self (cells x cells) and each point's cell position.
    """
    geoms = cells.geometry.to_numpy()
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    if len(geoms):
        square = _square_grid(geoms)
        if square is not None:
            log.debug("units rebuilt as %.0f m squares", square.cell_size)
            return lattice_weights(square.rows, square.cols), square.cell_index(x, y)
        hexes = _hex_lattice(geoms)
        if hexes is not None:
            log.debug("units rebuilt as hexagons of radius %.1f m", hexes[2])
            return _hex_units(*hexes, x, y)
    log.debug("units rebuilt from %d polygons with an STRtree", len(geoms))
    return _tree_units(geoms, x, y)


def _square_grid(geoms: np.ndarray) -> Grid | None:
    """Return the square lattice of axis-aligned equal squares, else None."""
    if not (shapely.get_num_coordinates(geoms) == 5).all():
        return None
    bounds = shapely.bounds(geoms)
    width, height = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    size = float(width[0])
    tolerance = _SAME * size
    if (
        size <= 0
        or np.abs(width - size).max() > tolerance
        or np.abs(height - size).max() > tolerance
        # A square turned on its corner has the same bounds and half the area.
        or np.abs(shapely.area(geoms) - size * size).max() > tolerance * size
    ):
        return None
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    cols = np.rint((bounds[:, 0] - x0) / size).astype(np.int64)
    rows = np.rint((bounds[:, 1] - y0) / size).astype(np.int64)
    return Grid(
        cell_size=size,
        x0=float(x0),
        y0=float(y0),
        n_rows=int(rows.max()) + 1,
        n_cols=int(cols.max()) + 1,
        rows=rows,
        cols=cols,
        counts=np.zeros(len(geoms), dtype=np.int64),
    )


def _hex_lattice(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Return the axial (q, r) of pointy-top regular hexagons and their radius."""
    if not (shapely.get_num_coordinates(geoms) == 7).all():
        return None
    coords = shapely.get_coordinates(geoms).reshape(len(geoms), 7, 2)
    centres = coords[:, :6].mean(axis=1)
    offsets = coords[:, :6] - centres[:, None, :]
    radius = float(np.hypot(*offsets[0, 0]))
    angles = np.deg2rad(30 + 60 * np.arange(6))
    expected = np.column_stack([np.cos(angles), np.sin(angles)]) * radius
    if radius <= 0 or np.abs(offsets - expected).max() > _SAME * radius:
        return None
    q, r = hex_axial(centres[:, 0], centres[:, 1], radius)
    return q, r, radius


def _hex_units(
    q: np.ndarray, r: np.ndarray, radius: float, x: np.ndarray, y: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return hexagon weights and each point's hexagon by axial arithmetic."""
    q0, r0 = q.min() - 1, r.min() - 1
    stride = int(r.max() - r0) + 2
    key = (q - q0) * stride + (r - r0)
    order = np.argsort(key)
    sorted_key = key[order]

    def lookup(qq: np.ndarray, rr: np.ndarray) -> np.ndarray:
        inside = (qq - q0 >= 0) & (rr - r0 >= 0) & (rr - r0 < stride)
        k = (qq - q0) * stride + (rr - r0)
        pos = np.clip(np.searchsorted(sorted_key, k), 0, len(key) - 1)
        return np.where(inside & (sorted_key[pos] == k), order[pos], -1)

    src, dst = [], []
    for dq, dr in HEX_STEPS:
        target = lookup(q + dq, r + dr)
        found = target >= 0
        src.append(np.nonzero(found)[0])
        dst.append(target[found])
    i, j = np.concatenate(src), np.concatenate(dst)
    weights = sparse.csr_matrix((np.ones(len(i)), (i, j)), shape=(len(q),) * 2)
    return weights, lookup(*hex_axial(x, y, radius))


def _tree_units(
    geoms: np.ndarray, x: np.ndarray, y: np.ndarray
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Return touching-polygon weights and each point's first polygon (STRtree)."""
    tree = shapely.STRtree(geoms)
    i, j = tree.query(geoms, predicate="dwithin", distance=_TOUCH_M)
    weights = sparse.csr_matrix(
        (np.ones(len(i)), (i, j)), shape=(len(geoms), len(geoms))
    )
    weights.data[:] = 1.0
    unit = np.full(len(x), -1, dtype=np.int64)
    if len(x) == 0 or len(geoms) == 0:
        return weights, unit
    pts, hit = tree.query(shapely.points(x, y), predicate="intersects")
    _, first = np.unique(pts, return_index=True)
    unit[pts[first]] = hit[first]
    return weights, unit
