"""A small printable SVG map drawn straight from British National Grid geometries."""

from __future__ import annotations

import html
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geodata.crs import BNG
from i18n import t

WIDTH = 680  # px; about 180 mm, the printable width of A4 portrait
MAX_MAP_HEIGHT = 760
_MARGIN = 10
_LEGEND_HEIGHT = 118
_PAD = 0.04
_NICE_LENGTHS_M = (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000)

# Colour and a pattern for every class, so nothing is told by colour alone (WCAG 1.4.1).
_DEFS = """<defs>
<pattern id="pat-hot-strong" patternUnits="userSpaceOnUse" width="6" height="6">
<rect width="6" height="6" fill="#e34a33"/>
<path d="M0,0 L6,6 M6,0 L0,6" stroke="#7f0000" stroke-width="1.2"/></pattern>
<pattern id="pat-hot" patternUnits="userSpaceOnUse" width="6" height="6">
<rect width="6" height="6" fill="#fdbb84"/>
<path d="M-1,1 L1,-1 M0,6 L6,0 M5,7 L7,5" stroke="#b30000" stroke-width="1"/>
</pattern>
<pattern id="pat-cold" patternUnits="userSpaceOnUse" width="6" height="6">
<rect width="6" height="6" fill="#9ecae1"/>
<circle cx="3" cy="3" r="1.2" fill="#08519c"/></pattern>
</defs>"""

_CELL_CLASSES = ("hot-strong", "hot", "cold")
_OVERVIEW_W = 180  # px, the inset showing the whole study area
_ZOOM_PAD = 0.12  # share of the hotspots' extent added on each side


@dataclass(frozen=True)
class _Frame:
    """Linear map from BNG metres to SVG pixels, y flipped."""

    minx: float
    maxy: float
    scale: float  # px per metre

    def xy(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (
            (np.asarray(x) - self.minx) * self.scale + _MARGIN,
            (self.maxy - np.asarray(y)) * self.scale + _MARGIN,
        )


def _in_bng(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    return frame if frame.crs == BNG else frame.to_crs(BNG)


def _extent(
    layers: list[gpd.GeoDataFrame | None], pad_share: float = _PAD
) -> tuple[float, ...] | None:
    boxes = [f.total_bounds for f in layers if f is not None and not f.empty]
    boxes = [b for b in boxes if np.isfinite(b).all()]
    if not boxes:
        return None
    b = np.array(boxes)
    minx, miny, maxx, maxy = b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()
    # At least 500 m across, so a single point still gets a readable map.
    hx, hy = max((maxx - minx) / 2, 250.0), max((maxy - miny) / 2, 250.0)
    pad = pad_share * max(hx, hy)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    return cx - hx - pad, cy - hy - pad, cx + hx + pad, cy + hy + pad


def _covers(extent: tuple[float, ...], bounds: np.ndarray) -> bool:
    """Return ``True`` when the map's extent shows the whole of ``bounds``."""
    minx, miny, maxx, maxy = extent
    return bool(
        minx <= bounds[0]
        and miny <= bounds[1]
        and maxx >= bounds[2]
        and maxy >= bounds[3]
    )


def _path(geom: BaseGeometry, frame: _Frame) -> str:
    """Return SVG path data for a (multi)polygon or (multi)line."""
    parts = []
    for part in shapely.get_parts(geom):
        rings = (
            [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        )
        for ring in rings:
            xy = shapely.get_coordinates(ring)
            if len(xy) < 2:
                continue
            px, py = frame.xy(xy[:, 0], xy[:, 1])
            points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{points}" + ("Z" if part.geom_type == "Polygon" else ""))
    return "".join(parts)


def _cell_class(cells: gpd.GeoDataFrame) -> np.ndarray:
    sig = cells["significant"].fillna(False).astype(bool).to_numpy()
    z = cells["gistar"].astype(float).to_numpy()
    return np.select(
        [sig & (z >= 2.58), sig & (z > 0), sig & (z < 0)],
        ["hot-strong", "hot", "cold"],
        default="",
    )


def _cells_svg(cells: gpd.GeoDataFrame | None, frame: _Frame) -> str:
    if cells is None:
        return ""
    kind = _cell_class(cells)
    out = []
    for key in _CELL_CLASSES:
        chosen = cells.geometry[kind == key]
        if chosen.empty:
            continue
        merged = shapely.union_all(chosen.to_numpy())
        out.append(
            f'<path d="{_path(merged, frame)}" fill="url(#pat-{key})" '
            'fill-rule="evenodd" stroke="#555" stroke-width="0.6"/>'
        )
    return "".join(out)


def _marker(kind: str, x: float, y: float) -> str:
    if kind == "service":
        return (
            f'<path class="service" d="M{x:.1f},{y - 5:.1f} L{x + 5:.1f},{y + 4:.1f} '
            f'L{x - 5:.1f},{y + 4:.1f}Z" fill="#6a3d9a" stroke="#fff" '
            'stroke-width="1"/>'
        )
    return (
        f'<rect class="space" x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" '
        'fill="#1b7837" stroke="#fff" stroke-width="1"/>'
    )


def _points_svg(
    points: gpd.GeoDataFrame | None, kind: str, frame: _Frame, size: tuple[float, float]
) -> str:
    if points is None:
        return ""
    xy = shapely.get_coordinates(points.geometry.representative_point().to_numpy())
    px, py = frame.xy(xy[:, 0], xy[:, 1])
    w, h = size
    inside = (
        (px >= _MARGIN) & (px <= w - _MARGIN) & (py >= _MARGIN) & (py <= h - _MARGIN)
    )
    return "".join(
        _marker(kind, a, b) for a, b in zip(px[inside], py[inside], strict=True)
    )


def _hotspots_svg(hotspots: gpd.GeoDataFrame | None, frame: _Frame) -> str:
    if hotspots is None:
        return ""
    out = []
    # Labels sit inside their own outline, so neighbouring ids never swap.
    reps = shapely.get_coordinates(hotspots.geometry.representative_point().to_numpy())
    px, py = frame.xy(reps[:, 0], reps[:, 1])
    for hid, geom, x, y in zip(
        hotspots["hotspot_id"], hotspots.geometry, px, py, strict=True
    ):
        out.append(
            f'<path d="{_path(geom, frame)}" fill="none" stroke="#000" '
            'stroke-width="2.2" fill-rule="evenodd"/>'
            f'<text x="{x:.1f}" y="{y:.1f}" class="hid" text-anchor="middle" '
            'dominant-baseline="middle" paint-order="stroke" stroke="#fff" '
            f'stroke-width="3.5">{html.escape(str(hid))}</text>'
        )
    return "".join(out)


def _scale_bar(frame: _Frame, map_h: float) -> str:
    target_m = (WIDTH - 2 * _MARGIN) / 5 / frame.scale
    length = max(n for n in _NICE_LENGTHS_M if n <= max(target_m, 50))
    px = length * frame.scale
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length} m"
    x0, y0 = _MARGIN + 12, map_h - _MARGIN - 14
    return (
        f'<g class="scale"><rect x="{x0 - 6}" y="{y0 - 18}" width="{px + 60:.1f}" '
        'height="28" fill="#fff" fill-opacity="0.85"/>'
        f'<path d="M{x0},{y0} h{px:.1f} M{x0},{y0 - 5} v10 M{x0 + px:.1f},{y0 - 5} '
        f'v10" stroke="#000" stroke-width="2"/>'
        f'<text x="{x0 + px + 6:.1f}" y="{y0 + 4}">{label}</text></g>'
    )


def _north_arrow(map_w: float) -> str:
    x, y = map_w - _MARGIN - 22, _MARGIN + 12
    return (
        f'<g class="north"><path d="M{x},{y} l9,26 l-9,-7 l-9,7Z" fill="#000"/>'
        f'<text x="{x}" y="{y + 40}" text-anchor="middle">N</text></g>'
    )


def _legend(top: float, lang: str) -> str:
    items = [
        (
            '<path d="M0,-6 h18 v12 h-18Z" fill="#f4f4f4" stroke="#666" '
            'stroke-dasharray="4 2"/>',
            t("svg.area", lang),
        ),
        (
            '<path d="M0,-6 h18 v12 h-18Z" fill="none" stroke="#000" '
            'stroke-width="2.2"/>',
            t("svg.hotspot", lang),
        ),
        *(
            (
                f'<rect x="0" y="-6" width="18" height="12" fill="url(#pat-{k})" '
                'stroke="#555"/>',
                t(f"svg.cell.{k}", lang),
            )
            for k in _CELL_CLASSES
        ),
        (_marker("service", 9, 0), t("svg.service", lang)),
        (_marker("space", 9, 0), t("svg.space", lang)),
    ]
    out = [f'<g class="legend" transform="translate({_MARGIN},{top + 14})">']
    for i, (swatch, label) in enumerate(items):
        x, y = (i % 2) * (WIDTH / 2), (i // 2) * 24
        out.append(
            f'<g transform="translate({x:.0f},{y})">{swatch}'
            f'<text x="26" y="4">{html.escape(label)}</text></g>'
        )
    out.append("</g>")
    return "".join(out)


def _overview(
    area: gpd.GeoDataFrame,
    hotspots: gpd.GeoDataFrame | None,
    shown: tuple[float, ...],
    size: tuple[float, float],
    lang: str,
) -> str:
    """Return an inset of the whole study area (bottom right) with the view marked."""
    minx, miny, maxx, maxy = area.total_bounds
    scale = (_OVERVIEW_W - 2 * 4) / max(maxx - minx, maxy - miny)
    frame = _Frame(minx=minx, maxy=maxy, scale=scale)
    width = (maxx - minx) * scale + 8
    height = (maxy - miny) * scale + 8
    outline = shapely.simplify(shapely.union_all(area.geometry.to_numpy()), 2 / scale)
    x0, y0 = frame.xy(np.array([shown[0], shown[2]]), np.array([shown[3], shown[1]]))
    spots = (
        ""
        if hotspots is None
        else "".join(
            f'<path d="{_path(g, frame)}" fill="#000" stroke="#000" stroke-width="1"/>'
            for g in hotspots.geometry
        )
    )
    label = html.escape(t("svg.overview", lang))
    # frame.xy puts the drawing _MARGIN px in from the group's origin.
    left = size[0] - width - 2 * _MARGIN
    top = size[1] - height - 18 - 2 * _MARGIN
    return (
        f'<g class="overview" transform="translate({left:.1f},{top:.1f})">'
        f'<rect x="{_MARGIN - 4}" y="{_MARGIN - 4}" width="{width:.1f}" '
        f'height="{height + 18:.1f}" '
        'fill="#fff" stroke="#333"/>'
        f'<path d="{_path(outline, frame)}" fill="#f4f4f4" stroke="#666" '
        'stroke-width="0.8" fill-rule="evenodd"/>'
        f"{spots}"
        f'<rect x="{x0[0]:.1f}" y="{y0[0]:.1f}" width="{x0[1] - x0[0]:.1f}" '
        f'height="{y0[1] - y0[0]:.1f}" fill="none" stroke="#b2182b" '
        'stroke-width="2"/>'
        f'<text x="{_MARGIN}" y="{_MARGIN + height + 6:.1f}" font-size="11">'
        f"{label}</text></g>"
    )


def render_map_svg(
    *,
    hotspots: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame | None = None,
    spaces: gpd.GeoDataFrame | None = None,
    area: gpd.GeoDataFrame | None = None,
    title: str = "Map of hotspot areas",
    lang: str = "en",
) -> str:
    """Return an inline SVG map of the hotspot areas for the printed panel pack.

    The map is zoomed to the hotspot areas (the whole study area makes them
    tiny); when a study area is given and reaches beyond the view, an inset
    overview shows all of it with the view marked. Draws the study-area outline,
    significant cells (colour and pattern by Gi*), hotspot outlines labelled with
    their ids, services (triangles) and community spaces (squares), with a legend,
    a scale bar and a north arrow (grid north, within 1° of true north in
    Swansea). No basemap and no external resources.

    Parameters
    ----------
    hotspots
        Hotspot areas with ``hotspot_id``; ids are placed inside each outline.
    cells
        Grid cells with ``gistar`` and ``significant``.
    services, spaces
        Point layers drawn where they fall inside the map's extent.
    area
        Study-area boundary; it sets the extent only when there are no hotspots.
    title
        Accessible title of the map.
    lang
        Language of the legend and description ("en" or "cy").

    Returns
    -------
    str
        An ``<svg>`` element (no XML declaration), sized to the A4 text width.
    """
    hotspots, cells = _in_bng(hotspots), _in_bng(cells)
    services, spaces, area = _in_bng(services), _in_bng(spaces), _in_bng(area)
    sig_cells = None if cells is None else cells[_cell_class(cells) != ""]
    sig_cells = None if sig_cells is None or sig_cells.empty else sig_cells
    hot_cells = None
    if sig_cells is not None and hotspots is not None:
        hot_cells = sig_cells[sig_cells["gistar"].astype(float) > 0]
    extent = _extent([hotspots, hot_cells], _ZOOM_PAD) if hotspots is not None else None
    extent = extent or _extent([area] if area is not None else [sig_cells])
    extent = extent or _extent([services, spaces])
    desc = t("svg.desc", lang, n=0 if hotspots is None else len(hotspots))
    if extent is None:
        return (
            f'<svg role="img" aria-label="{html.escape(title)}" '
            f'viewBox="0 0 {WIDTH} 40" width="100%"><text x="10" y="25">'
            f"{html.escape(t('svg.nothing', lang))}</text></svg>"
        )
    minx, miny, maxx, maxy = extent
    scale = min(
        (WIDTH - 2 * _MARGIN) / (maxx - minx),
        (MAX_MAP_HEIGHT - 2 * _MARGIN) / (maxy - miny),
    )
    frame = _Frame(minx=minx, maxy=maxy, scale=scale)
    inset = area is not None and not _covers(extent, area.total_bounds)
    map_w = WIDTH
    map_h = (maxy - miny) * scale + 2 * _MARGIN
    height = map_h + _LEGEND_HEIGHT
    body = [
        f'<svg role="img" aria-labelledby="map-title map-desc" viewBox="0 0 {map_w} '
        f'{height:.0f}" width="100%" class="map">',
        f'<title id="map-title">{html.escape(title)}</title>',
        f'<desc id="map-desc">{html.escape(desc)}</desc>',
        _DEFS,
        f'<clipPath id="map-clip"><rect width="{map_w}" height="{map_h:.1f}"/>'
        "</clipPath>",
        f'<rect x="0" y="0" width="{map_w}" height="{map_h:.1f}" fill="#fff" '
        'stroke="#999"/><g clip-path="url(#map-clip)">',
    ]
    if area is not None:
        outline = shapely.simplify(
            shapely.union_all(area.geometry.to_numpy()), 1 / scale
        )
        body.append(
            f'<path d="{_path(outline, frame)}" fill="#f4f4f4" stroke="#666" '
            'stroke-dasharray="4 2" fill-rule="evenodd"/>'
        )
    body += [
        _cells_svg(sig_cells, frame),
        _hotspots_svg(hotspots, frame),
        _points_svg(spaces, "space", frame, (map_w, map_h)),
        _points_svg(services, "service", frame, (map_w, map_h)),
        "</g>",
        _overview(area, hotspots, extent, (map_w, map_h), lang) if inset else "",
        _scale_bar(frame, map_h),
        _north_arrow(map_w),
        _legend(map_h, lang),
        "</svg>",
    ]
    return "".join(body)
