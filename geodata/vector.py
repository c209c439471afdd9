"""Read GIS layers (GeoJSON, GeoPackage, zipped shapefile) from bytes."""

from __future__ import annotations

import io
import logging
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geodata.archive import extract_shapefile
from geodata.crs import BNG, WGS84
from geodata.errors import InputDataError

log = logging.getLogger(__name__)

# shapely.get_type_id: -1 missing, 0 Point, 1 LineString, ... 7 GeometryCollection.
_TYPES = (
    "none",
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence GDAL's notes that in-memory bytes have no file extension."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "File /vsimem/", RuntimeWarning)
        warnings.filterwarnings(
            "ignore", ".*non conformant file extension", RuntimeWarning
        )
        yield


def _reason(exc: Exception) -> str:
    """GDAL's complaint without in-memory paths or driver hints."""
    text = re.sub(r"'?/vsimem/\S+?'?(?=[\s:;.,]|$)", "the data", str(exc))
    return text.split("; It might help")[0].strip()[:200]


def layer_names(name: str, data: bytes) -> list[str]:
    """Return the layers of a GeoPackage or GeoJSON held in memory."""
    try:
        with _quiet():
            layers = pyogrio.list_layers(io.BytesIO(data))
    except Exception as exc:  # pyogrio raises several types for broken files
        raise InputDataError(
            f"{name}: could not read it as GeoJSON or GeoPackage ({_reason(exc)}). "
            "Export the layer again from your GIS."
        ) from exc
    return [str(layer) for layer in layers[:, 0]]


def _choose_layer(
    name: str, layers: list[str], part: str | None, gpkg: bool
) -> str | None:
    if part is None:
        if gpkg and len(layers) > 1:
            listed = ", ".join(f"'{layer}'" for layer in layers[:10])
            raise InputDataError(
                f"{name}: the GeoPackage has {len(layers)} layers ({listed}). Name "
                f"the one to read after '#', e.g. '{name}#{layers[0]}'."
            )
        return None
    for layer in layers:
        if layer.lower() == part.strip().lower():
            return layer
    listed = ", ".join(f"'{layer}'" for layer in layers[:10])
    raise InputDataError(
        f"{name}: there is no layer '{part}'. Its layers are: {listed}."
    )


def _guess_crs(
    frame: gpd.GeoDataFrame, name: str, notes: list[str]
) -> gpd.GeoDataFrame:
    """Give a CRS to a layer without one, or fix degrees-labelled metres."""
    if frame.empty or frame.geometry.isna().all():
        return frame if frame.crs is not None else frame.set_crs(WGS84)
    minx, miny, maxx, maxy = frame.total_bounds
    metres = max(abs(minx), abs(maxx), abs(miny), abs(maxy)) > 1000
    in_bng = minx >= 0 and miny >= 0 and maxx <= 700_000 and maxy <= 1_300_000
    if frame.crs is None:
        if metres and in_bng:
            notes.append(
                "the layer had no CRS; its values are metres, read as EPSG:27700"
            )
            return frame.set_crs(BNG)
        if not metres:
            notes.append(
                "the layer had no CRS; its values are degrees, read as EPSG:4326"
            )
            return frame.set_crs(WGS84)
        raise InputDataError(
            f"{name}: the layer has no coordinate reference system and its values "
            "are neither degrees nor British National Grid metres. Save it with a "
            "CRS (EPSG:4326 or EPSG:27700)."
        )
    if frame.crs.is_geographic and metres:
        if in_bng:
            notes.append(
                "the layer says degrees (EPSG:4326) but holds metres; read as "
                "British National Grid (EPSG:27700)"
            )
            return frame.set_crs(BNG, allow_override=True)
        raise InputDataError(
            f"{name}: the layer says it is in degrees but holds values such as "
            f"{maxx:.0f}, {maxy:.0f}. Save it with the right CRS (EPSG:27700 for "
            "British National Grid)."
        )
    return frame


def read_layer(
    name: str, data: bytes, part: str | None, suffix: str
) -> tuple[gpd.GeoDataFrame, str, list[str]]:
    """Read a GeoJSON, GeoPackage (layer ``part``) or zipped shapefile.

    Returns
    -------
    GeoDataFrame, str, list of str
        The layer with its CRS (guessed from the values, with a note, when
        missing), a description and notes.
    """
    notes: list[str] = []
    with _quiet():
        if suffix == ".zip":
            with tempfile.TemporaryDirectory() as folder:
                path, has_prj = extract_shapefile(name, data, part, Path(folder))
                frame = _read(name, path, None, "a zipped shapefile")
            if not has_prj:
                frame = frame.set_crs(None, allow_override=True)
            description = "zipped shapefile"
        else:
            gpkg = suffix == ".gpkg"
            layer = _choose_layer(name, layer_names(name, data), part, gpkg)
            frame = _read(name, io.BytesIO(data), layer, "GeoJSON or GeoPackage")
            kind = "GeoPackage" if gpkg else "GeoJSON"
            description = f"{kind}, layer '{layer}'" if layer else kind
    frame = _guess_crs(frame, name, notes)
    return frame, description, notes


def _read(name: str, target: object, layer: str | None, what: str) -> gpd.GeoDataFrame:
    try:
        return gpd.read_file(target, layer=layer)
    except InputDataError:
        raise
    except Exception as exc:  # pyogrio raises several types for broken files
        raise InputDataError(
            f"{name}: could not read it as {what} ({_reason(exc)}). "
            "Export the layer again from your GIS."
        ) from exc


def point_coordinates(
    frame: gpd.GeoDataFrame, name: str, notes: list[str], allow_areas: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Return BNG x, y for each feature (NaN for empty geometry).

    Single-part multipoints count as points. With ``allow_areas`` (places such as
    parks mapped as polygons) a point inside each polygon is used, with a note.
    """
    geo = frame.geometry.to_crs(BNG).to_numpy()
    kinds = np.asarray(shapely.get_type_id(geo))
    kinds = np.array(_TYPES, dtype=object)[kinds + 1]
    parts = shapely.get_num_geometries(geo)
    single_multi = (kinds == "MultiPoint") & (parts == 1)
    areas = np.isin(kinds, ("Polygon", "MultiPolygon"))
    usable = (
        (kinds == "Point") | single_multi | (areas & allow_areas) | (kinds == "none")
    )
    if not usable.all():
        found = sorted(set(kinds[~usable]))
        raise InputDataError(
            f"{name}: the layer holds {found} geometries; point locations are "
            "needed. Convert the features to points (e.g. centroids) in your GIS."
        )
    if areas.any():
        notes.append(
            f"{int(areas.sum())} area feature(s) placed at a point inside the area"
        )
    points = geo.copy()
    points[areas] = shapely.point_on_surface(geo[areas])
    points[single_multi] = shapely.get_geometry(geo[single_multi], 0)
    points[kinds == "none"] = None
    return shapely.get_x(points), shapely.get_y(points)
