"""Printable, phone-friendly session sheets: one page per staffed session.

Each sheet has what the pair needs at 7 pm outside the bus station: where and
when, with whom, a one-tap walking-directions link, a small map of the walk
(the panel pack's SVG renderer, `outreach.svgmap`, with the route drawn over
it), the stops in walking order with times and the walk between them,
check-in times and the safety reminders. No incident, count or young person
appears on a sheet.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Sequence
from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.crs import BNG
from i18n import t
from outreach.facts import session_bounds
from outreach.labels import band_label, day_label, names_label, place_label
from outreach.routes import RoutePlan
from outreach.svgmap import render_map_svg

log = logging.getLogger(__name__)

SAFETY_KEYS = (
    "sheet.safety.pair",
    "sheet.safety.phone",
    "sheet.safety.checkin",
    "sheet.safety.risk",
    "sheet.safety.concern",
)
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  margin: 0; color: #111; background: #fff; line-height: 1.45; font-size: 16px; }
.sheet { max-width: 46rem; margin: 0 auto; padding: 1rem 1rem 2rem;
  break-after: page; page-break-after: always; }
.sheet:last-of-type { break-after: auto; page-break-after: auto; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; }
h2 { font-size: 1.1rem; margin: 1.25rem 0 .5rem; }
.when { font-size: 1.15rem; font-weight: 600; margin: 0; }
.pair { margin: .25rem 0 .75rem; }
a.directions { display: inline-block; min-height: 44px; min-width: 44px;
  box-sizing: border-box; padding: .7rem 1.1rem; border-radius: .4rem;
  background: #0b4f8a; color: #fff; font-weight: 700; text-decoration: none; }
a.directions:focus { outline: 3px solid #f9a800; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid #bbb; padding: .45rem .35rem; text-align: left;
  vertical-align: top; }
th { background: #f2f2f2; }
.map svg { width: 100%; height: auto; border: 1px solid #999; }
.note { color: #333; font-size: .95rem; }
ul.safety li { margin: .3rem 0; }
@media (max-width: 600px) {
  body { font-size: 18px; }
  .sheet { padding: .75rem .75rem 1.5rem; }
  a.directions { display: block; text-align: center; font-size: 1.15rem; }
  th, td { padding: .55rem .3rem; }
}
@media print {
  @page { size: A4; margin: 12mm; }
  body { font-size: 11pt; }
  a.directions { background: none; color: #000; border: 1px solid #000; }
  a.directions::after { content: " " attr(href); font-weight: 400;
    font-size: 8pt; word-break: break-all; }
}
"""
_OUTLINE = re.compile(
    r'<path d="(M[^"]+)" fill="none" stroke="#000" stroke-width="2\.2"'
)
_CLIP = re.compile(r'<clipPath id="([^"]+)">')
_ID = re.compile(r'\bid="([^"]+)"')


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _frame(svg: str, bounds: np.ndarray):
    """Return a BNG -> pixel function read from the drawn outline of the hotspot.

    The renderer draws the hotspot's outline; its pixel extent against the
    polygon's known BNG bounds gives exactly where BNG coordinates land (the
    map is a linear, axis-aligned projection of the grid).
    """
    found = _OUTLINE.search(svg)
    if found is None:
        return None
    pixels = np.array(re.findall(r"(-?[\d.]+),(-?[\d.]+)", found[1]), dtype=float)
    minx, miny, maxx, maxy = (float(v) for v in bounds)
    if len(pixels) < 2 or maxx <= minx or maxy <= miny:
        return None
    (left, top), (right, bottom) = pixels.min(axis=0), pixels.max(axis=0)
    sx, sy = (right - left) / (maxx - minx), (bottom - top) / (maxy - miny)

    def to_px(xy: np.ndarray) -> np.ndarray:
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        return np.column_stack(
            [left + (xy[:, 0] - minx) * sx, top + (maxy - xy[:, 1]) * sy]
        )

    return to_px


def _overlay(line, stops: pd.DataFrame, to_px) -> str:
    parts = ['<g class="route">']
    coords = np.asarray(line.coords) if line.geom_type == "LineString" else None
    if coords is not None and len(coords) > 1:
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in to_px(coords))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="#fff" '
            'stroke-width="7" stroke-linejoin="round"/>'
            f'<polyline points="{points}" fill="none" stroke="#0b4f8a" '
            'stroke-width="4" stroke-linejoin="round" stroke-dasharray="10 4"/>'
        )
    for (x, y), order in zip(
        to_px(stops[["x", "y"]].to_numpy()), stops["order"], strict=True
    ):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11" fill="#0b4f8a" '
            f'stroke="#fff" stroke-width="2"/><text x="{x:.1f}" y="{y + 5:.1f}" '
            f'text-anchor="middle" fill="#fff" font-weight="700">{int(order)}</text>'
        )
    parts.append("</g>")
    return "".join(parts)


def _unique_ids(svg: str, prefix: str) -> str:
    """Prefix every id (and its references), so several maps share one page."""
    for name in sorted(set(_ID.findall(svg)), key=len, reverse=True):
        svg = re.sub(
            rf'(id="|url\(#|href="#|aria-labelledby="[^"]*?\b){re.escape(name)}\b',
            rf"\g<1>{prefix}{name}",
            svg,
        )
    return svg


def _map(
    hotspot: gpd.GeoDataFrame,
    route: pd.Series,
    stops: pd.DataFrame,
    services: gpd.GeoDataFrame | None,
    cells: gpd.GeoDataFrame | None,
    title: str,
    prefix: str,
    lang: str,
) -> str:
    """Return the sheet's map: the hotspot (and its hot cells), services, the walk."""
    hid = str(hotspot["hotspot_id"].iloc[0])
    own = None
    if cells is not None and "hotspot_id" in cells.columns:
        own = cells[cells["hotspot_id"].astype(str) == hid]
    svg = render_map_svg(
        hotspots=hotspot,
        cells=own if own is not None else gpd.GeoDataFrame(geometry=[], crs=BNG),
        services=services,
        title=title,
        lang=lang,
    )
    to_px = _frame(svg, hotspot.total_bounds)
    clip = _CLIP.search(svg)
    if to_px is None:
        log.warning("session sheet: hotspot outline not found; route not drawn")
    else:
        drawn = _overlay(route.geometry, stops, to_px)
        if clip is not None:
            drawn = f'<g clip-path="url(#{clip[1]})">{drawn}</g>'
        marker = '<g class="scale">'
        at = svg.find(marker)
        at = at if at >= 0 else svg.rfind("</svg>")
        svg = svg[:at] + drawn + svg[at:]
    return _unique_ids(svg, prefix)


def _checkins(start: datetime, end: datetime, every: int) -> list[str]:
    times, clock = [], start
    while clock < end:
        times.append(clock.strftime("%H:%M"))
        clock += timedelta(minutes=every)
    return times


def _stops_table(stops: pd.DataFrame, lang: str) -> str:
    rows = []
    for stop in stops.itertuples(index=False):
        walk = (
            t("sheet.walk_leg", lang, minutes=stop.walk_minutes, metres=stop.walk_m)
            if stop.order > 1
            else t("sheet.start_here", lang)
        )
        rows.append(
            f"<tr><td>{int(stop.order)}</td><td>{_e(stop.arrive)}\u2013"
            f"{_e(stop.leave)}</td><td>{_e(stop.name)}</td><td>{_e(walk)}</td></tr>"
        )
    keys = ("sheet.col.order", "sheet.col.time", "sheet.col.place", "sheet.col.walk")
    head = "".join(f'<th scope="col">{_e(t(key, lang))}</th>' for key in keys)
    return (
        f"<table><caption>{_e(t('sheet.stops', lang))}</caption><thead><tr>{head}"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _sheet(
    n: int,
    row: pd.Series,
    bounds: tuple[datetime, datetime],
    route: pd.Series,
    stops: pd.DataFrame,
    hotspot: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame | None,
    cells: gpd.GeoDataFrame | None,
    lang: str,
    checkin_minutes: int,
) -> str:
    start, end = bounds
    place = place_label(str(row["hotspot_name"]), str(row["band"]), lang)
    names = sorted(w.strip() for w in str(row["workers"]).split(";") if w.strip())
    heading = f"{day_label(start.date(), lang)}, {place}"
    source = (
        t("sheet.walk_network", lang)
        if route["walk_source"] == "street network"
        else t("sheet.walk_estimate", lang)
    )
    checkins = _checkins(start, end, checkin_minutes)
    skipped = (
        f'<p class="note">{_e(t("sheet.skipped", lang, stops=route["skipped"]))}</p>'
        if route["skipped"]
        else ""
    )
    safety = "".join(f"<li>{_e(t(key, lang))}</li>" for key in SAFETY_KEYS)
    walk_total = t(
        "sheet.walk_total",
        lang,
        minutes=route["walk_minutes"],
        metres=route["walk_m"],
        dwell=route["dwell_minutes"],
    )
    pair = t("sheet.pair", lang, names=names_label(names, lang))
    checkin = t(
        "sheet.checkin_times", lang, times=", ".join(checkins), end=f"{end:%H:%M}"
    )
    drawn = _map(
        hotspot,
        route,
        stops,
        services,
        cells,
        t("sheet.map_title", lang, place=place),
        f"s{n}-",
        lang,
    )
    return (
        f'<section class="sheet" aria-labelledby="s{n}-h">'
        f'<h1 id="s{n}-h">{_e(heading)}</h1>'
        f'<p class="when">{start:%H:%M}\u2013{end:%H:%M} \u00b7 '
        f"{_e(band_label(row['band'], lang))}</p>"
        f'<p class="pair">{_e(pair)}</p>'
        f'<p><a class="directions" href="{_e(route["directions_url"])}" '
        f'target="_blank" rel="noopener">{_e(t("sheet.directions", lang))}</a></p>'
        f"<h2>{_e(t('sheet.route', lang))}</h2>"
        f"{_stops_table(stops, lang)}"
        f'<p class="note">{_e(walk_total)} {_e(source)}</p>{skipped}'
        f'<div class="map">{drawn}</div>'
        f"<h2>{_e(t('sheet.checkins', lang))}</h2>"
        f"<p>{_e(checkin)}</p>"
        f"<h2>{_e(t('sheet.safety', lang))}</h2>"
        f'<ul class="safety">{safety}</ul>'
        f'<p class="note">{_e(t("sheet.debrief", lang))}</p>'
        "</section>"
    )


def session_sheets_html(
    rota: pd.DataFrame,
    routes: RoutePlan,
    hotspots: gpd.GeoDataFrame,
    *,
    services: gpd.GeoDataFrame | None = None,
    cells: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    title: str | None = None,
    checkin_minutes: int = 60,
    sessions: Sequence[str] | None = None,
) -> str:
    """Return an HTML page with one printable, phone-friendly sheet per session.

    Parameters
    ----------
    rota
        Rota (``session_id``, ``date``, ``start``, ``end``, ``hotspot_id``,
        ``hotspot_name``, ``band``, ``workers``, ``staffed``); uncovered
        sessions get no sheet.
    routes
        `outreach.routes.plan_routes` for the same rota.
    hotspots
        Hotspot areas (``hotspot_id``, polygon), drawn on each map.
    services
        Optional services, drawn as triangles where they fall on a map.
    cells
        Optional grid cells (``gistar``, ``significant``) to shade hot cells.
    lang
        Language of the sheets ("en" or "cy").
    title
        Page title (default "Outreach session sheets" in ``lang``).
    checkin_minutes
        Minutes between check-in calls to the base (15-180).
    sessions
        Only these session ids (e.g. one worker's); all staffed ones by default.

    Returns
    -------
    str
        A complete HTML document (inline CSS and SVG, no external resources).
    """
    if not 15 <= checkin_minutes <= 180:
        raise ValueError(f"checkin_minutes must be 15-180; got {checkin_minutes}.")
    staffed = rota[rota["staffed"].fillna(False).astype(bool)]
    if sessions is not None:
        staffed = staffed[staffed["session_id"].astype(str).isin(set(sessions))]
    staffed = staffed.sort_values(["date", "start", "session_id"], kind="stable")
    route_rows = routes.routes.set_index(routes.routes["session_id"].astype(str))
    stop_groups = dict(list(routes.stops.groupby("session_id", sort=False)))
    spots = hotspots.to_crs(BNG) if hotspots.crs != BNG else hotspots
    starts, ends = session_bounds(staffed) if len(staffed) else ([], [])
    pages = []
    for n, ((_, row), start, end) in enumerate(
        zip(staffed.iterrows(), starts, ends, strict=True), start=1
    ):
        sid = str(row["session_id"])
        if sid not in route_rows.index:
            raise ValueError(f"session {sid} has no route; plan routes for this rota.")
        hotspot = spots[spots["hotspot_id"].astype(str) == str(row["hotspot_id"])]
        pages.append(
            _sheet(
                n,
                row,
                (start, end),
                route_rows.loc[sid],
                stop_groups.get(sid, routes.stops.iloc[:0]),
                hotspot[["hotspot_id", "geometry"]],
                services,
                cells,
                lang,
                checkin_minutes,
            )
        )
    heading = title or t("sheet.title", lang)
    body = "".join(pages) or f"<p>{_e(t('sheet.none', lang))}</p>"
    log.info("session sheets: %d pages (%s)", len(pages), lang)
    return (
        f'<!DOCTYPE html><html lang="{_e(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )
