"""Tests for printable, phone-friendly session sheets (outreach.sheets)."""

from __future__ import annotations

import html
import re
from collections import Counter
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from i18n import t
from outreach.routes import plan_routes
from outreach.sheets import SAFETY_KEYS, session_sheets_html


@pytest.fixture
def hotspots() -> gpd.GeoDataFrame:
    """Two hotspots carrying incident detail that must never reach a sheet."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Castle Square", "Parc Tawe"],
            "label_x": [265250.0, 268250.0],
            "label_y": [193250.0, 193250.0],
            "categories": ["drugs 37; violence <5", "theft 12"],
        },
        geometry=[
            box(265000, 193000, 265500, 193500),
            box(268000, 193000, 268500, 193500),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def places() -> gpd.GeoDataFrame:
    """Three named places at Castle Square; none at Parc Tawe."""
    return gpd.GeoDataFrame(
        {"name": ["Castle Square", "Wind Street", "Kingsway"]},
        geometry=[Point(265260, 193240), Point(265450, 193100), Point(265050, 193450)],
        crs="EPSG:27700",
    )


@pytest.fixture
def rota() -> pd.DataFrame:
    """Two staffed sessions and one uncovered."""
    return pd.DataFrame(
        {
            "session_id": ["S1", "S2", "S3"],
            "date": [date(2026, 12, 11), date(2026, 12, 12), date(2026, 12, 13)],
            "start": ["18:30", "12:00", "18:30"],
            "end": ["21:30", "15:00", "21:30"],
            "hotspot_id": ["H01", "H02", "H01"],
            "hotspot_name": ["Castle Square", "Parc Tawe", "Castle Square"],
            "band": ["evening", "daytime", "evening"],
            "priority": [100, 60, 100],
            "workers": ["Dafydd;Sam", "Ceri;Rhian", ""],
            "staffed": [True, True, False],
        }
    )


def _html(rota, hotspots, places, lang="en") -> tuple[str, object]:
    routes = plan_routes(rota, hotspots, places)
    return session_sheets_html(rota, routes, hotspots, lang=lang), routes


def test_one_sheet_per_staffed_session_with_stops_and_link(rota, hotspots, places):
    """Two sheets, in time order, each with its stops, times and directions."""
    page, routes = _html(rota, hotspots, places)
    assert page.startswith('<!DOCTYPE html><html lang="en">')
    assert page.count('<section class="sheet"') == 2
    assert page.index("Fri 11 Dec, Castle Square evening") < page.index(
        "Sat 12 Dec, Parc Tawe daytime"
    )
    assert "Pair: Dafydd and Sam" in page
    url = routes.routes.loc[0, "directions_url"].replace("&", "&amp;")
    assert f'<a class="directions" href="{url}"' in page
    assert "<td>18:30\u201318:50</td><td>Castle Square</td>" in page
    assert "Phone the base at 18:30, 19:30, 20:30 and when you finish at 21:30." in page
    for key in SAFETY_KEYS:
        assert html.escape(t(key, "en")) in page
    assert 'name="viewport"' in page
    assert "@media (max-width: 600px)" in page


def test_map_has_the_route_and_unique_ids(rota, hotspots, places):
    """Each map carries the numbered walk; ids never repeat across sheets."""
    page, routes = _html(rota, hotspots, places)
    assert page.count('<g class="route">') == 2
    first = page[: page.index('<section class="sheet" aria-labelledby="s2-h"')]
    drawn = re.search(r'<g class="route">(.*?)</g>', first)[1]
    assert drawn.count("<circle") == routes.stops["session_id"].eq("S1").sum()
    assert "<polyline" in first
    ids = Counter(re.findall(r'\bid="([^"]+)"', page))
    assert ids
    assert max(ids.values()) == 1
    for ref in re.findall(r"url\(#([^)]+)\)", page):
        assert ref in ids


def test_no_incident_detail_and_welsh(rota, hotspots, places):
    """Sheets carry no categories or counts; lang='cy' writes them in Welsh."""
    page, _ = _html(rota, hotspots, places, lang="cy")
    for word in ("drugs", "violence", "theft", "&lt;5"):
        assert word not in page
    assert '<html lang="cy">' in page
    assert html.escape(t("sheet.safety.pair", "cy")) in page
    assert "Pâr: Dafydd a Sam" in page


def test_no_staffed_sessions(rota, hotspots, places):
    """An all-uncovered rota gives a page that says so."""
    empty = rota.assign(workers="", staffed=False)
    page, _ = _html(empty, hotspots, places)
    assert t("sheet.none", "en") in page
    with pytest.raises(ValueError, match="checkin_minutes"):
        session_sheets_html(
            empty, plan_routes(empty, hotspots, places), hotspots, checkin_minutes=5
        )
