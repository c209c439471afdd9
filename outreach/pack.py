"""The printable panel pack: one self-contained HTML file for the CMET panel."""

from __future__ import annotations

import datetime as dt
import logging
import math
import numbers
from collections.abc import Mapping, Sequence
from html import escape

import geopandas as gpd
import pandas as pd

from outreach.gaps import GAP_MINUTES, SERVICE_CATEGORIES, gap_summary
from outreach.svgmap import render_map_svg

log = logging.getLogger(__name__)

_FONTS = '"DejaVu Sans", "Noto Sans", Arial, sans-serif'
_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 15mm;
  @top-center { content: %(title)s; font: 9pt %(fonts)s; color: #333; }
  @bottom-left { content: %(note)s; font: 9pt %(fonts)s; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 9pt %(fonts)s; } }
html { font-family: %(fonts)s; font-size: 11pt; line-height: 1.4; color: #111; }
body { max-width: 190mm; margin: 0 auto; padding: 0 4mm; }
header.pack { border-bottom: 2px solid #000; margin-bottom: 1em; }
h1 { font-size: 20pt; margin: 0.3em 0; } h2 { font-size: 15pt; margin: 0 0 0.4em; }
p.note { font-weight: bold; margin: 0.2em 0 0.8em; }
section { margin-top: 2em; }
table { border-collapse: collapse; width: 100%%; font-size: 9.5pt; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #777; padding: 3px 5px; text-align: left;
  vertical-align: top; }
th { background: #eee; } td.num { text-align: right; } small { color: #333; }
tr { break-inside: avoid; } thead { display: table-header-group; }
.map text { font: 12px %(fonts)s; }
.map text.hid { font-weight: bold; font-size: 13px; }
@media print {
  section { break-before: page; margin-top: 0; }
  section.first { break-before: auto; }
  svg.map { break-inside: avoid; max-height: 240mm; }
}
"""


def _css_string(text: str) -> str:
    """Return ``text`` as a quoted CSS string that cannot end the style element."""
    return (
        '"'
        + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text)
        + '"'
    )


def _cell(value: object, cls: str = "") -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(_text(value))}</td>"


def _text(value: object) -> str:
    missing = value is None or value is pd.NA
    return (
        ""
        if missing or (isinstance(value, float) and math.isnan(value))
        else str(value)
    )


def _table(caption: str, headers: Sequence[str], rows: list[str]) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(rows) or f'<tr><td colspan="{len(headers)}">None.</td></tr>'
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _small_count(value: object, threshold: int) -> str:
    """Show an integer count, with non-zero values below the threshold as "<k"."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, numbers.Integral) and 0 < value < threshold:
        return f"<{threshold}"
    if isinstance(value, float):
        return f"{value:g}"
    return _text(value)


def _hotspot_section(hotspots: gpd.GeoDataFrame, note: str) -> str:
    rows = []
    for h in hotspots.itertuples(index=False):
        peak = getattr(h, "peak_times", "") or f"{h.peak_day} {h.peak_band}"
        rows.append(
            "<tr>"
            + _cell(h.hotspot_id)
            + _cell(h.name)
            + _cell(h.incidents, "num")
            + _cell(peak)
            + _cell(h.categories)
            + _cell(f"{float(h.strength):.1f}", "num")
            + "</tr>"
        )
    return (
        '<section id="hotspots"><h2>Hotspot areas</h2>'
        f'<p class="note">{escape(note)}.</p>'
        "<p>Strongest first. Strength is the mean Gi* z-score of the area's cells; "
        "higher means a tighter cluster than chance would give.</p>"
        + _table(
            "Hotspot areas (text version of the map)",
            ["Id", "Named place", "Incidents", "Peak times", "Categories", "Strength"],
            rows,
        )
        + "</section>"
    )


def _list_html(heading: str, lines: Sequence[str]) -> str:
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<h3>{escape(heading)}</h3><ul>{items}</ul>"


def _gaps_section(gaps: pd.DataFrame, gap_lines: Sequence[str] = ()) -> str:
    lines = "".join(f"<li>{escape(s)}</li>" for s in (*gap_lines, *gap_summary(gaps)))
    summary = f"<ul>{lines}</ul>" if lines else "<p>No long walks to services.</p>"
    rows = []
    for (hid, name), group in gaps.groupby(["hotspot_id", "hotspot_name"], sort=False):
        by_cat = group.set_index("category")
        cells = [_cell(hid), _cell(name)]
        for category in SERVICE_CATEGORIES:
            if category not in by_cat.index or pd.isna(
                by_cat.at[category, "walk_minutes"]
            ):
                cells.append("<td>none listed</td>")
                continue
            minutes = int(by_cat.at[category, "walk_minutes"])
            flag = " ▲" if minutes > GAP_MINUTES else ""
            cells.append(
                f"<td>{minutes} min{flag}<br><small>"
                f"{escape(_text(by_cat.at[category, 'nearest_service']))}</small></td>"
            )
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<section id="gaps"><h2>Service gaps</h2>'
        "<p>Walking time from the edge of each hotspot area to the nearest service "
        "of each kind: straight line times a circuity factor at walking pace, "
        f"an estimate (±25 %). ▲ marks more than {GAP_MINUTES} minutes.</p>"
        + summary
        + _table(
            "Nearest service by kind (walking minutes, est.)",
            ["Id", "Hotspot", *(c.capitalize() for c in SERVICE_CATEGORIES)],
            rows,
        )
        + "</section>"
    )


def _rota_section(
    rota: pd.DataFrame, routes: gpd.GeoDataFrame | None, explanations: Sequence[str]
) -> str:
    route = {}
    if routes is not None and len(routes):
        values = zip(routes["stops"], routes["walk_minutes"], strict=True)
        route = dict(zip(routes["session_id"].astype(str), values, strict=True))
    rows = []
    for r in rota.sort_values(
        ["date", "start", "session_id"], kind="stable"
    ).itertuples(index=False):
        day = pd.Timestamp(r.date)
        stops, minutes = route.get(str(r.session_id), ("", None))
        walk = f"{stops} ({minutes} min walk, est.)" if minutes is not None else stops
        pair = " and ".join(w for w in _text(r.workers).split(";") if w.strip())
        staffed = bool(r.staffed) and pair
        rows.append(
            "<tr>"
            + _cell(f"{day:%a} {day.day} {day:%b}")
            + _cell(f"{r.start} to {r.end}")
            + _cell(f"{r.hotspot_id} {r.hotspot_name}")
            + _cell(r.band)
            + _cell(r.priority, "num")
            + (_cell(pair) if staffed else "<td><strong>Not covered</strong></td>")
            + _cell(walk)
            + "</tr>"
        )
    uncovered = "".join(f"<li>{escape(str(e))}</li>" for e in explanations)
    return (
        '<section id="rota"><h2>Outreach rota</h2>'
        "<p>Every session is worked by a pair; nobody works alone.</p>"
        + _table(
            "Sessions",
            ["Date", "Time", "Hotspot", "Band", "Priority", "Pair", "Route"],
            rows,
        )
        + (
            f"<h3>Sessions not covered, and why</h3><ul>{uncovered}</ul>"
            if uncovered
            else ""
        )
        + "</section>"
    )


_UNITS = (("_m", "m"), ("_km", "km"), ("_s", "s"), ("_min", "min"))
_UNITS += (("_minutes", "minutes"), ("_hours", "hours"), ("_days", "days"))
_UNITS += (("_km2", "km²"), ("_pct", "%"))
_COMPANIONS = ("rule", "reason", "source", "how", "auto")
# Values under these words may be counts of incidents, so small ones are suppressed.
_COUNT_WORDS = ("incident", "count", "rows", "dropped")


def _split_unit(key: str) -> tuple[str, str]:
    for suffix, name in _UNITS:
        if key.endswith(suffix):
            return key[: -len(suffix)], " " + name
    return key, ""


def _companions(choices: Mapping) -> set[str]:
    """Return keys that only qualify another choice (``cell_size_reason``)."""
    bases = {_split_unit(str(k))[0] for k in choices}
    return {
        k
        for k in map(str, choices)
        for word in _COMPANIONS
        if k.endswith(f"_{word}") and k.removesuffix(f"_{word}") in bases
    }


def _describe(key: str, value: object, choices: Mapping, threshold: int) -> str:
    base, unit = _split_unit(key)
    label = base.replace("_", " ").strip()
    if isinstance(value, Mapping):
        inner = "; ".join(
            _describe(str(k), v, value, threshold) for k, v in value.items()
        )
        return f"{label}: {inner}"
    if isinstance(value, list | tuple):
        text = ", ".join(map(str, value)) or "none"
    elif isinstance(value, numbers.Integral) and any(w in key for w in _COUNT_WORDS):
        text = _small_count(value, threshold)
    else:
        text = _small_count(value, threshold=0)
    joiner = ": " if isinstance(value, str) else " "
    sentence = f"{label}{joiner}{text}{unit}"
    for word in _COMPANIONS:
        extra = choices.get(f"{base}_{word}")
        if extra is True:
            sentence += ", chosen automatically"
        elif isinstance(extra, str) and extra:
            sentence += f", {extra}"
    return sentence[:1].upper() + sentence[1:]


def _method_section(choices: Mapping, threshold: int, note: str) -> str:
    companion = _companions(choices)
    items = "".join(
        f"<li>{escape(_describe(str(k), v, choices, threshold))}.</li>"
        for k, v in choices.items()
        if k not in companion
    )
    return (
        '<section id="method"><h2>Method</h2>'
        f'<p class="note">{escape(note)}.</p>'
        "<p>Incidents are counted on a square grid. Each cell is compared with its "
        "neighbours using the Getis-Ord Gi* statistic; cells that stay significant "
        "after controlling the false-discovery rate are hot (or cold), and touching "
        "hot cells form a hotspot area, named after the nearest public place. "
        "Walking times are estimates. Outreach routes use named public places only, "
        "never the location of an incident.</p>"
        f"<h3>Choices and settings</h3><ul>{items}</ul></section>"
    )


def _mapping_html(data: Mapping, threshold: int) -> str:
    items = []
    for key, value in data.items():
        label = escape(str(key).replace("_", " "))
        if isinstance(value, Mapping):
            items.append(f"<li>{label}:{_mapping_html(value, threshold)}</li>")
        elif isinstance(value, list | tuple):
            inner = "".join(
                f"<li>{escape(_small_count(v, threshold))}</li>" for v in value
            )
            items.append(
                f"<li>{label}:<ul>{inner}</ul></li>"
                if inner
                else f"<li>{label}: none</li>"
            )
        else:
            items.append(f"<li>{label}: {escape(_small_count(value, threshold))}</li>")
    return f"<ul>{''.join(items)}</ul>"


def render_pack(
    *,
    title: str,
    meeting_date: dt.date,
    hotspots: gpd.GeoDataFrame,
    cells: gpd.GeoDataFrame,
    gaps: pd.DataFrame,
    rota: pd.DataFrame,
    explanations: Sequence[str],
    routes: gpd.GeoDataFrame,
    services: gpd.GeoDataFrame,
    spaces: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame | None,
    choices: Mapping,
    report: Mapping,
    threshold: int,
    status_message: str,
    changes: Sequence[str] = (),
    gap_lines: Sequence[str] = (),
) -> str:
    """Render the panel pack as one self-contained, printable HTML document.

    No external resources and no script: the map is inline SVG, fonts are a system
    stack that renders ŵ and ŷ, and print CSS gives A4 pages with the title and the
    disclosure rule ("Counts below k are shown as <k") on every page. Every string
    from the data is HTML-escaped; counts are printed only as the already
    suppressed strings in ``hotspots`` (and integers in ``report`` below the
    threshold are shown as "<k").

    Parameters
    ----------
    title
        Pack title, e.g. "CMET panel: hotspots and outreach".
    meeting_date
        Date of the panel meeting.
    hotspots, cells
        Hotspot areas and grid cells from :class:`hotspots.result.HotspotResult`.
    gaps
        Output of :func:`outreach.gaps.find_gaps`.
    rota, explanations
        The rota and plain sentences explaining uncovered sessions.
    routes
        Output of :func:`outreach.routes.build_routes` (links are left out).
    services, spaces, area
        Map layers; ``area`` (study-area boundary) may be ``None``.
    choices
        Automatic choices and settings, with units in the key (``cell_size_m``) and
        an optional companion ``<name>_rule`` (or ``_reason``) phrase.
    report
        Validation report: counts of rows read and dropped, by reason.
    threshold
        Disclosure threshold k.
    status_message
        Plain-words summary of the hotspot result.

    Returns
    -------
    str
        The HTML document.
    """
    note = f"Counts below {threshold} are shown as <{threshold}"
    when = f"{meeting_date:%A} {meeting_date.day} {meeting_date:%B %Y}"
    css = _CSS % {
        "title": _css_string(f"{title} · {when}"),
        "note": _css_string(note),
        "fonts": _FONTS,
    }
    staffed = int(rota["staffed"].fillna(False).astype(bool).sum()) if len(rota) else 0
    svg = render_map_svg(
        hotspots=hotspots,
        cells=cells,
        services=services,
        spaces=spaces,
        area=area,
        title=f"Map of {len(hotspots)} hotspot areas",
    )
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{css}</style></head><body>",
        f'<header class="pack"><h1>{escape(title)}</h1>'
        f"<p>Panel meeting: {escape(when)}</p>"
        f'<p class="note">{escape(note)}.</p></header>',
        '<section class="first" id="summary"><h2>Summary</h2>'
        + _list_html("Since the last panel", changes)
        + f"<p>{escape(status_message)}</p>"
        f"<p>{len(hotspots)} hotspot areas; {len(rota)} outreach sessions planned, "
        f"{staffed} staffed and {len(rota) - staffed} not covered.</p>"
        '<p>Contents: <a href="#map">map</a>, <a href="#hotspots">hotspot areas</a>, '
        '<a href="#gaps">service gaps</a>, <a href="#rota">rota</a>, '
        '<a href="#method">method</a>, <a href="#report">data checks</a>.</p>'
        "</section>",
        '<section id="map"><h2>Map</h2>'
        f'<p class="note">{escape(note)}.</p>{svg}'
        "<p>The hotspot table is the text version of this map.</p></section>",
        _hotspot_section(hotspots, note),
        _gaps_section(gaps, gap_lines),
        _rota_section(rota, routes, explanations),
        _method_section(choices, threshold, note),
        '<section id="report"><h2>Data checks</h2>'
        f'<p class="note">{escape(note)}.</p>'
        "<p>Rows read from each file and rows left out, by reason.</p>"
        + _mapping_html(report, threshold)
        + "</section>",
        "</body></html>",
    ]
    log.info("render_pack: %d hotspots, %d sessions", len(hotspots), len(rota))
    return "".join(parts)
