"""The panel pack's sections as HTML, in the panel's language (used by
:mod:`outreach.pack`). Every value from the data is HTML-escaped; counts are
printed only as the already-suppressed strings (or "<k" below the threshold).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping, Sequence
from html import escape

import geopandas as gpd
import pandas as pd

from i18n import t
from i18n.terms import breakdown, change_line, peak_times, short_date, term
from outreach.gaps import GAP_MINUTES, SERVICE_CATEGORIES
from outreach.wording import gap_sentences, long_walks

ARROWS = {"New": "▲", "Growing": "▲", "Steady": "●", "Fading": "▼", "Gone": "▼"}


def text(value: object) -> str:
    """Return a table value as text ("" for missing values)."""
    missing = value is None or value is pd.NA
    if missing or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def cell(value: object, cls: str = "") -> str:
    """Return one escaped table cell."""
    attr = f' class="{cls}"' if cls else ""
    return f"<td{attr}>{escape(text(value))}</td>"


def table(caption: str, headers: Sequence[str], rows: list[str], lang: str) -> str:
    """Return an HTML table with a caption and column headers."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    none = escape(t("pack.none", lang))
    body = "".join(rows) or f'<tr><td colspan="{len(headers)}">{none}</td></tr>'
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def small_count(value: object, threshold: int, lang: str = "en") -> str:
    """Show an integer count, with non-zero values below the threshold as "<k"."""
    if isinstance(value, bool):
        return t("word.yes" if value else "word.no", lang)
    if isinstance(value, numbers.Integral) and 0 < value < threshold:
        return f"<{threshold}"
    if isinstance(value, float):
        return f"{value:g}"
    return text(value)


def list_html(heading: str, lines: Sequence[str]) -> str:
    """Return a heading and a bullet list, or nothing for no lines."""
    if not lines:
        return ""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return f"<h3>{escape(heading)}</h3><ul>{items}</ul>"


def summary_section(
    lang: str,
    *,
    changes: Sequence[str],
    compared_with: str,
    decisions: Sequence[str],
    status_line: str,
    counts_line: str,
) -> str:
    """Return the meeting summary: what changed since the last panel, decisions."""
    items = []
    for line in changes:
        head, rest = change_line(line, lang)
        if head is None:
            items.append(f"<li>{escape(rest)}</li>")
            continue
        word = t(f"term.headline.{head}", lang)
        items.append(
            f'<li><span aria-hidden="true">{ARROWS[head]}</span> '
            f"<strong>{escape(word)}:</strong> {escape(rest)}</li>"
        )
    since = (
        f"<h3>{escape(t('pack.since_last', lang))}</h3>"
        + (f"<p>{escape(compared_with)}</p>" if compared_with else "")
        + (f"<ul>{''.join(items)}</ul>" if items else "")
    )
    contents = ", ".join(
        f'<a href="#{anchor}">{escape(t(f"pack.contents.{anchor}", lang))}</a>'
        for anchor in ("map", "hotspots", "gaps", "rota", "method", "report")
    )
    return (
        '<section class="first" id="summary">'
        f"<h2>{escape(t('pack.summary', lang))}</h2>"
        + since
        + list_html(t("pack.decisions", lang), decisions)
        + f"<p>{escape(status_line)}</p><p>{escape(counts_line)}</p>"
        f"<p>{escape(t('pack.contents', lang))}: {contents}.</p></section>"
    )


def hotspot_section(
    hotspots: gpd.GeoDataFrame,
    note: str,
    lang: str,
    headlines: Mapping[str, str] | None = None,
) -> str:
    """Return the hotspot table, the map's text twin."""
    headlines = headlines or {}
    rows = []
    for h in hotspots.itertuples(index=False):
        peak = getattr(h, "peak_times", "") or f"{h.peak_day} {h.peak_band}"
        head = headlines.get(str(h.hotspot_id))
        change = f"{ARROWS[head]} {t(f'term.headline.{head}', lang)}" if head else ""
        rows.append(
            "<tr>"
            + cell(h.hotspot_id)
            + cell(h.name)
            + (cell(change) if headlines else "")
            + cell(h.incidents, "num")
            + cell(peak_times(peak, lang))
            + cell(breakdown(h.categories, lang))
            + cell(f"{float(h.strength):.1f}", "num")
            + "</tr>"
        )
    headers = [t(f"pack.col.{k}", lang) for k in ("id", "place")]
    if headlines:
        headers.append(t("pack.col.change", lang))
    headers += [
        t(f"pack.col.{k}", lang) for k in ("incidents", "peak", "themes", "strength")
    ]
    return (
        f'<section id="hotspots"><h2>{escape(t("pack.hotspots", lang))}</h2>'
        f'<p class="note">{escape(note)}.</p>'
        f"<p>{escape(t('pack.hotspots_intro', lang))}</p>"
        + table(t("pack.hotspots_caption", lang), headers, rows, lang)
        + "</section>"
    )


def _nearest_table(gaps: pd.DataFrame, lang: str) -> str:
    rows = []
    for (hid, name), group in gaps.groupby(["hotspot_id", "hotspot_name"], sort=False):
        by_cat = group.set_index("category")
        cells = [cell(hid), cell(name)]
        for category in SERVICE_CATEGORIES:
            if category not in by_cat.index or pd.isna(
                by_cat.at[category, "walk_minutes"]
            ):
                cells.append(f"<td>{escape(t('pack.none_listed', lang))}</td>")
                continue
            minutes = int(by_cat.at[category, "walk_minutes"])
            flag = " ▲" if minutes > GAP_MINUTES else ""
            service = escape(text(by_cat.at[category, "nearest_service"]))
            cells.append(f"<td>{minutes} min{flag}<br><small>{service}</small></td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    headers = [
        t("pack.col.id", lang),
        t("pack.col.hotspot", lang),
        *(term("service", c, lang).capitalize() for c in SERVICE_CATEGORIES),
    ]
    return table(t("pack.nearest_caption", lang), headers, rows, lang)


def _coverage_table(coverage: pd.DataFrame, lang: str) -> str:
    rows = [
        "<tr>"
        + cell(term("service", r.category, lang))
        + cell(term("coverage", r.band, lang))
        + cell(r.within_5_min, "num")
        + cell(r.within_10_min, "num")
        + cell(r.within_15_min, "num")
        + "</tr>"
        for r in coverage.itertuples(index=False)
    ]
    headers = [
        t(f"pack.col.{k}", lang) for k in ("service", "when", "in5", "in10", "in15")
    ]
    return table(t("pack.coverage_caption", lang), headers, rows, lang)


def _whatif_table(whatif: pd.DataFrame, lang: str, top: int = 5) -> str:
    rows = [
        "<tr>"
        + cell(r.rank, "num")
        + cell(r.site)
        + cell(r.added_share, "num")
        + cell(r.covered_after, "num")
        + "</tr>"
        for r in whatif.head(top).itertuples(index=False)
    ]
    headers = [t(f"pack.col.{k}", lang) for k in ("rank", "site", "added", "after")]
    return table(t("pack.whatif_caption", lang), headers, rows, lang)


def _areas_table(areas: pd.DataFrame, lang: str, top: int = 10) -> str:
    chosen = areas.sort_values("gap_rank", kind="stable").head(top)
    rows = [
        "<tr>"
        + cell(r.gap_rank, "num")
        + cell(f"{r.area_name} ({r.area_id})")
        + cell(r.incidents, "num")
        + cell(f"{float(r.gap_score):.2f}", "num")
        + "</tr>"
        for r in chosen.itertuples(index=False)
    ]
    headers = [t(f"pack.col.{k}", lang) for k in ("rank", "area", "incidents", "gap")]
    return table(t("pack.areas_caption", lang), headers, rows, lang)


def gaps_section(
    gaps: pd.DataFrame,
    lang: str,
    *,
    gap_lines: Sequence[str] = (),
    areas: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    whatif: pd.DataFrame | None = None,
    note: str = "",
) -> str:
    """Return the service gaps: sentences, nearest services, areas, coverage and
    what-if."""
    tables_given = any(x is not None for x in (areas, coverage, whatif))
    if lang == "en" and gap_lines and not tables_given:
        sentences = list(gap_lines)
    else:
        sentences = gap_sentences(lang, gaps, areas, coverage, whatif)
    lines = "".join(
        f"<li>{escape(s)}</li>" for s in (*sentences, *long_walks(gaps, lang))
    )
    summary = (
        f"<ul>{lines}</ul>" if lines else f"<p>{escape(t('pack.no_gaps', lang))}</p>"
    )
    parts = [
        f'<section id="gaps"><h2>{escape(t("pack.gaps", lang))}</h2>',
        f'<p class="note">{escape(note)}.</p>' if note else "",
        f"<p>{escape(t('pack.gaps_intro', lang, minutes=GAP_MINUTES))}</p>",
        summary,
        _nearest_table(gaps, lang),
    ]
    if areas is not None and len(areas):
        parts.append(_areas_table(areas, lang))
    if coverage is not None and len(coverage):
        parts.append(_coverage_table(coverage, lang))
    if whatif is not None and len(whatif):
        parts.append(_whatif_table(whatif, lang))
    return "".join(parts) + "</section>"


def rota_section(
    rota: pd.DataFrame,
    routes: gpd.GeoDataFrame | None,
    explanations: Sequence[str],
    lang: str,
) -> str:
    """Return the rota table and the reasons any session is not covered."""
    route = {}
    if routes is not None and len(routes):
        values = zip(routes["stops"], routes["walk_minutes"], strict=True)
        route = dict(zip(routes["session_id"].astype(str), values, strict=True))
    rows = []
    ordered = (
        rota.sort_values(["date", "start", "session_id"], kind="stable")
        if len(rota)
        else rota
    )
    for r in ordered.itertuples(index=False):
        day = pd.Timestamp(r.date).date()
        stops, minutes = route.get(str(r.session_id), ("", None))
        walk = (
            t("pack.route", lang, stops=stops, minutes=minutes)
            if minutes is not None
            else stops
        )
        pair = t("pack.and", lang).join(
            w for w in text(r.workers).split(";") if w.strip()
        )
        staffed = bool(r.staffed) and pair
        uncovered = escape(t("pack.not_covered", lang))
        rows.append(
            "<tr>"
            + cell(short_date(day, lang))
            + cell(t("pack.time_range", lang, start=r.start, end=r.end))
            + cell(f"{r.hotspot_id} {r.hotspot_name}")
            + cell(term("band", r.band, lang))
            + cell(r.priority, "num")
            + (cell(pair) if staffed else f"<td><strong>{uncovered}</strong></td>")
            + cell(walk)
            + "</tr>"
        )
    reasons = "".join(f"<li>{escape(str(e))}</li>" for e in explanations)
    headers = [
        t(f"pack.col.{k}", lang)
        for k in ("date", "time", "hotspot", "band", "priority", "pair", "route")
    ]
    intro = t("pack.rota_intro" if len(rota) else "pack.no_rota", lang)
    return (
        f'<section id="rota"><h2>{escape(t("pack.rota", lang))}</h2>'
        f"<p>{escape(intro)}</p>"
        + table(t("pack.sessions", lang), headers, rows, lang)
        + (
            f"<h3>{escape(t('pack.uncovered', lang))}</h3><ul>{reasons}</ul>"
            if reasons
            else ""
        )
        + "</section>"
    )
