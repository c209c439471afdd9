"""The printable panel pack: one self-contained HTML file for the CMET panel."""

from __future__ import annotations

import datetime as dt
import logging
import numbers
from collections.abc import Mapping, Sequence
from html import escape

import geopandas as gpd
import pandas as pd

from i18n import t
from i18n.terms import long_date
from outreach.packparts import (
    gaps_section,
    hotspot_section,
    rota_section,
    small_count,
    summary_section,
)
from outreach.svgmap import render_map_svg

log = logging.getLogger(__name__)

_FONTS = '"DejaVu Sans", "Noto Sans", Arial, sans-serif'
_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 15mm;
  @top-center { content: %(title)s; font: 9pt %(fonts)s; color: #333; }
  @bottom-left { content: %(note)s; font: 9pt %(fonts)s; }
  @bottom-right { content: %(page)s counter(page) %(of)s counter(pages);
    font: 9pt %(fonts)s; } }
html { font-family: %(fonts)s; font-size: 11pt; line-height: 1.4; color: #111; }
body { max-width: 190mm; margin: 0 auto; padding: 0 4mm; }
header.pack { border-bottom: 2px solid #000; margin-bottom: 1em; }
h1 { font-size: 20pt; margin: 0.3em 0; } h2 { font-size: 15pt; margin: 0 0 0.4em; }
p.note { font-weight: bold; margin: 0.2em 0 0.8em; }
section { margin-top: 2em; }
table { border-collapse: collapse; width: 100%%; font-size: 9.5pt; margin-bottom: 1em; }
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
_UNITS = (("_m", "m"), ("_km", "km"), ("_s", "s"), ("_min", "min"))
_UNITS += (("_minutes", "minutes"), ("_hours", "hours"), ("_days", "days"))
_UNITS += (("_km2", "km²"), ("_pct", "%"))
_COMPANIONS = ("rule", "reason", "source", "how", "auto")
# Values under these words may be counts of incidents, so small ones are suppressed.
_COUNT_WORDS = ("incident", "count", "rows", "dropped")


def _css_string(text: str) -> str:
    """Return ``text`` as a quoted CSS string that cannot end the style element."""
    return (
        '"'
        + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):06x} " for c in text)
        + '"'
    )


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
        shown = ", ".join(map(str, value)) or "none"
    elif isinstance(value, numbers.Integral) and any(w in key for w in _COUNT_WORDS):
        shown = small_count(value, threshold)
    else:
        shown = small_count(value, threshold=0)
    joiner = ": " if isinstance(value, str) else " "
    sentence = f"{label}{joiner}{shown}{unit}"
    for word in _COMPANIONS:
        extra = choices.get(f"{base}_{word}")
        if extra is True:
            sentence += ", chosen automatically"
        elif isinstance(extra, str) and extra:
            sentence += f", {extra}"
    return sentence[:1].upper() + sentence[1:]


def _english(lang: str) -> str:
    """Return the attribute marking technical English inside a Welsh pack."""
    return ' lang="en"' if lang != "en" else ""


def _method_section(choices: Mapping, threshold: int, note: str, lang: str) -> str:
    companion = _companions(choices)
    items = "".join(
        f"<li>{escape(_describe(str(k), v, choices, threshold))}.</li>"
        for k, v in choices.items()
        if k not in companion
    )
    technical = t("pack.in_english", lang) if lang != "en" else ""
    return (
        f'<section id="method"><h2>{escape(t("pack.method", lang))}</h2>'
        f'<p class="note">{escape(note)}.</p>'
        f"<p>{escape(t('pack.method_intro', lang))}</p>"
        f"<h3>{escape(t('pack.choices', lang))}</h3>"
        + (f"<p>{escape(technical)}</p>" if technical else "")
        + f"<ul{_english(lang)}>{items}</ul></section>"
    )


def _mapping_html(data: Mapping, threshold: int) -> str:
    items = []
    for key, value in data.items():
        label = escape(str(key).replace("_", " "))
        if isinstance(value, Mapping):
            items.append(f"<li>{label}:{_mapping_html(value, threshold)}</li>")
        elif isinstance(value, list | tuple):
            inner = "".join(
                f"<li>{escape(small_count(v, threshold))}</li>" for v in value
            )
            items.append(
                f"<li>{label}:<ul>{inner}</ul></li>"
                if inner
                else f"<li>{label}: none</li>"
            )
        else:
            items.append(f"<li>{label}: {escape(small_count(value, threshold))}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _report_section(report: Mapping, threshold: int, note: str, lang: str) -> str:
    technical = t("pack.in_english", lang) if lang != "en" else ""
    return (
        f'<section id="report"><h2>{escape(t("pack.report", lang))}</h2>'
        f'<p class="note">{escape(note)}.</p>'
        f"<p>{escape(t('pack.report_intro', lang))}</p>"
        + (f"<p>{escape(technical)}</p>" if technical else "")
        + f"<div{_english(lang)}>{_mapping_html(report, threshold)}</div></section>"
    )


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
    lang: str = "en",
    area_gaps: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    whatif: pd.DataFrame | None = None,
    headlines: Mapping[str, str] | None = None,
    compared_with: str = "",
    decisions: Sequence[str] = (),
) -> str:
    """Render the panel pack as one self-contained, printable HTML document.

    No external resources and no script: the map is inline SVG (zoomed to the
    hotspots, with an overview of the study area), fonts are a system stack that
    renders ŵ and ŷ, and print CSS gives A4 pages with the title and the
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
        The rota (may be empty) and plain sentences explaining uncovered sessions.
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
        Plain-words summary of the hotspot result (in ``lang``).
    changes
        "Since the last panel" lines (``HotspotResult.changes``).
    gap_lines
        English gap sentences, used when no gap tables are given.
    lang
        Language of the pack: "en" or "cy" (technical settings stay in English,
        marked ``lang="en"``).
    area_gaps, coverage, whatif
        Tables of :class:`pipeline.Gaps`; when given they are printed and the
        gap sentences are worded from them in ``lang``.
    headlines
        Change since the last panel per hotspot id ("New", "Growing", ...).
    compared_with
        Sentence saying what "since the last panel" compares against.
    decisions
        The panel's recorded decisions.

    Returns
    -------
    str
        The HTML document.
    """
    note = t("pack.note", lang, k=threshold)
    when = long_date(meeting_date, lang)
    css = _CSS % {
        "title": _css_string(f"{title} · {when}"),
        "note": _css_string(note),
        "page": _css_string(t("pack.page", lang) + " "),
        "of": _css_string(" " + t("pack.of", lang) + " "),
        "fonts": _FONTS,
    }
    staffed = int(rota["staffed"].fillna(False).astype(bool).sum()) if len(rota) else 0
    svg = render_map_svg(
        hotspots=hotspots,
        cells=cells,
        services=services,
        spaces=spaces,
        area=area,
        title=t("pack.map_title", lang, n=len(hotspots)),
        lang=lang,
    )
    counts = t(
        "pack.counts",
        lang,
        hotspots=len(hotspots),
        sessions=len(rota),
        staffed=staffed,
        uncovered=len(rota) - staffed,
    )
    parts = [
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{css}</style></head><body>",
        f'<header class="pack"><h1>{escape(title)}</h1>'
        f"<p>{escape(t('pack.meeting', lang, date=when))}</p>"
        f'<p class="note">{escape(note)}.</p></header>',
        summary_section(
            lang,
            changes=changes,
            compared_with=compared_with,
            decisions=decisions,
            status_line=status_message,
            counts_line=counts,
        ),
        f'<section id="map"><h2>{escape(t("pack.map", lang))}</h2>'
        f'<p class="note">{escape(note)}.</p>{svg}'
        f"<p>{escape(t('pack.map_twin', lang))}</p></section>",
        hotspot_section(hotspots, note, lang, headlines),
        gaps_section(
            gaps,
            lang,
            gap_lines=gap_lines,
            areas=area_gaps,
            coverage=coverage,
            whatif=whatif,
            note=note,
        ),
        rota_section(rota, routes, explanations, lang),
        _method_section(choices, threshold, note, lang),
        _report_section(report, threshold, note, lang),
        "</body></html>",
    ]
    log.info(
        "render_pack (%s): %d hotspots, %d sessions", lang, len(hotspots), len(rota)
    )
    return "".join(parts)
