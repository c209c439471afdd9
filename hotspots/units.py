"""Units of analysis: square cells, hexagons or the user's own areas, with weights."""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse

from geodata.crs import BNG
from hotspots.gistar import lattice_weights
from hotspots.grid import Grid, make_grid
from hotspots.memo import ArrayMemo, read_only

UNIT_KINDS = ("square", "hex", "areas")

# Axial-coordinate neighbours of a pointy-top hexagon, and the hexagon itself.
HEX_STEPS = [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)]


@dataclass(frozen=True)
class Units:
    """Analysis units with incident counts and contiguity weights (self included).

    ``incident_unit`` gives each incident's unit position (-1 when it falls in no
    unit). ``names`` holds the user's area names for ``areas`` units, else None;
    ``grid`` the square lattice for ``square`` units (used by the density
    surface), else None.
    """

    kind: str
    geometry: np.ndarray
    counts: np.ndarray
    weights: sparse.csr_matrix
    incident_unit: np.ndarray
    names: np.ndarray | None = None
    grid: Grid | None = None

    def frame(self) -> gpd.GeoDataFrame:
        """Return the units as a GeoDataFrame with ``cell_id`` (EPSG:27700)."""
        return gpd.GeoDataFrame(
            {"cell_id": np.arange(len(self.counts))}, geometry=self.geometry, crs=BNG
        )


# The cells' outlines and weights depend on the lattice only (with a study area,
# on the area and cell size): other incidents over the same area reuse them.
_LATTICES: ArrayMemo[tuple[np.ndarray, sparse.csr_matrix]] = ArrayMemo(size=4)


def _cells_and_weights(grid: Grid) -> tuple[np.ndarray, sparse.csr_matrix]:
    """Return the kept cells' boxes and queen weights (read-only, shared)."""
    weights = lattice_weights(grid.rows, grid.cols)
    weights.sum_duplicates()  # canonical now, so scipy never sorts it in place
    polygons = grid.polygons()
    read_only(polygons, weights.data, weights.indices, weights.indptr)
    return polygons, weights


def square_units(
    x: np.ndarray, y: np.ndarray, size: float, area: shapely.Geometry | None
) -> Units:
    """Square cells of side ``size`` metres over the study area."""
    grid = make_grid(x, y, size, area)
    polygons, weights = _LATTICES.get_or_make(
        (grid.rows, grid.cols),
        (grid.x0, grid.y0, grid.cell_size),
        lambda: _cells_and_weights(grid),
    )
    return Units(
        kind="square",
        geometry=polygons,
        counts=grid.counts,
        weights=weights,
        incident_unit=grid.cell_index(x, y),
        grid=grid,
    )


def _hex_radius(size: float) -> float:
    """Circumradius of the hexagon whose area equals a ``size`` x ``size`` square."""
    return size * math.sqrt(2.0 / (3.0 * math.sqrt(3.0)))


def hex_axial(
    x: np.ndarray, y: np.ndarray, radius: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the axial (q, r) coordinates of the hexagon holding each point."""
    qf = (math.sqrt(3.0) / 3.0 * x - y / 3.0) / radius
    rf = (2.0 / 3.0 * y) / radius
    sf = -qf - rf
    q, r, s = np.round(qf), np.round(rf), np.round(sf)
    dq, dr, ds = np.abs(q - qf), np.abs(r - rf), np.abs(s - sf)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    q = np.where(fix_q, -r - s, q)
    r = np.where(fix_r, -q - s, r)
    return q.astype(np.int64), r.astype(np.int64)


def _hex_centres(q: np.ndarray, r: np.ndarray, radius: float) -> np.ndarray:
    cx = radius * math.sqrt(3.0) * (q + r / 2.0)
    cy = radius * 1.5 * r
    return np.column_stack([cx, cy])


def _hexagons(centres: np.ndarray, radius: float) -> np.ndarray:
    angles = np.deg2rad(30 + 60 * np.arange(6))
    ring = np.column_stack([np.cos(angles), np.sin(angles)]) * radius
    coords = centres[:, None, :] + ring[None, :, :]
    return shapely.polygons(np.concatenate([coords, coords[:, :1]], axis=1))


def hex_units(
    x: np.ndarray, y: np.ndarray, size: float, area: shapely.Geometry | None
) -> Units:
    """Hexagons with the same area as ``size`` x ``size`` squares.

    The study area is the hexagons whose centre lies in ``area``; without it,
    hexagons in the incidents' convex hull next to an occupied hexagon (as for
    squares).
    """
    radius = _hex_radius(size)
    q, r = hex_axial(x, y, radius)
    if area is not None:
        minx, miny, maxx, maxy = area.bounds
        gx, gy = np.meshgrid(
            np.arange(minx - size, maxx + size, radius),
            np.arange(miny - size, maxy + size, radius),
        )
        cq, cr = hex_axial(gx.ravel(), gy.ravel(), radius)
        cand = np.unique(np.column_stack([cq, cr]), axis=0)
        centres = _hex_centres(cand[:, 0], cand[:, 1], radius)
        keep = shapely.contains_xy(area, centres[:, 0], centres[:, 1])
    else:
        occupied = np.unique(np.column_stack([q, r]), axis=0)
        steps = np.array(HEX_STEPS)
        cand = np.unique(
            (occupied[:, None, :] + steps[None, :, :]).reshape(-1, 2), axis=0
        )
        centres = _hex_centres(cand[:, 0], cand[:, 1], radius)
        hull = shapely.buffer(
            shapely.convex_hull(shapely.multipoints(np.column_stack([x, y]))), size / 2
        )
        keep = shapely.contains_xy(hull, centres[:, 0], centres[:, 1])
    cells = cand[keep]
    stride = int(cells[:, 1].max() - cells[:, 1].min()) + 3
    offset = cells.min(axis=0) - 1
    key = (cells[:, 0] - offset[0]) * stride + (cells[:, 1] - offset[1])
    order = np.argsort(key)
    sorted_key = key[order]

    def lookup(qq: np.ndarray, rr: np.ndarray) -> np.ndarray:
        k = (qq - offset[0]) * stride + (rr - offset[1])
        inside = (
            (qq - offset[0] >= 0) & (rr - offset[1] >= 0) & (rr - offset[1] < stride)
        )
        pos = np.clip(np.searchsorted(sorted_key, k), 0, len(key) - 1)
        return np.where(inside & (sorted_key[pos] == k), order[pos], -1)

    incident_unit = lookup(q, r)
    counts = np.bincount(incident_unit[incident_unit >= 0], minlength=len(cells))
    src, dst = [], []
    for dq, dr in HEX_STEPS:
        target = lookup(cells[:, 0] + dq, cells[:, 1] + dr)
        found = target >= 0
        src.append(np.nonzero(found)[0])
        dst.append(target[found])
    i, j = np.concatenate(src), np.concatenate(dst)
    weights = sparse.csr_matrix((np.ones(len(i)), (i, j)), shape=(len(cells),) * 2)
    return Units(
        kind="hex",
        geometry=_hexagons(_hex_centres(cells[:, 0], cells[:, 1], radius), radius),
        counts=counts,
        weights=weights,
        incident_unit=incident_unit,
    )


def _name_column(areas: gpd.GeoDataFrame) -> str | None:
    for column in areas.columns:
        lowered = str(column).lower()
        if lowered.endswith(("nm", "name")) and not lowered.endswith("nmw"):
            return str(column)
    return None


def area_units(x: np.ndarray, y: np.ndarray, areas: gpd.GeoDataFrame) -> Units:
    """The user's own polygons (LSOAs, wards) as units, with queen contiguity.

    An area with no neighbour (an island) keeps itself as its only neighbour.
    """
    # Imported here: libpysal takes about a second to import and only user areas
    # need it; square and hexagon cells build their weights directly.
    from libpysal.graph import Graph

    geoms = areas.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    pts, hit = tree.query(shapely.points(np.column_stack([x, y])), predicate="within")
    incident_unit = np.full(len(x), -1, dtype=np.int64)
    incident_unit[pts] = hit
    counts = np.bincount(hit, minlength=len(geoms))
    graph = Graph.build_contiguity(areas.geometry.reset_index(drop=True), rook=False)
    adjacency = graph.sparse.tocsr()
    adjacency.data[:] = 1.0
    weights = (adjacency + sparse.identity(len(geoms), format="csr")).tocsr()
    weights.data[:] = 1.0
    name = _name_column(areas)
    return Units(
        kind="areas",
        geometry=geoms,
        counts=counts,
        weights=weights,
        incident_unit=incident_unit,
        names=None if name is None else areas[name].astype(str).to_numpy(),
    )
