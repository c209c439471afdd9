"""Tests for outreach.pack: the self-contained printable panel pack."""

from __future__ import annotations

import datetime as dt
import html
import re
from html.parser import HTMLParser

import geopandas as gpd
import pandas as pd
import pytest
from shapely import Point, box

from outreach.gaps import find_gaps
from outreach.pack import render_pack
from outreach.routes import build_routes

HOSTILE = "<script>alert('x')</script>"


@pytest.fixture
def hotspots() -> gpd.GeoDataFrame:
    """Two hotspots, one with a hostile name; incidents already suppressed."""
    return gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": [HOSTILE, "Gŵyl Square"],
            "incidents": ["23", "<7"],
            "incidents_shown": [23.0, float("nan")],
            "cells": [2, 1],
            "strength": [3.14159, 2.2],
            "categories": ["violence 15; drugs <7", "violence <7"],
            "peak_day": ["Sat", "Fri"],
            "peak_band": ["evening", "late night"],
            "peak_times": ["Sat evening", "Fri late night"],
            "label_x": [265250.0, 268250.0],
            "label_y": [193250.0, 193250.0],
        },
        geometry=[
            box(265000, 193000, 265500, 193500),
            box(268000, 193000, 268250, 193250),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def cells() -> gpd.GeoDataFrame:
    """Three 250 m cells: strong hot, hot and cold."""
    return gpd.GeoDataFrame(
        {
            "cell_id": [1, 2, 3],
            "n": ["31", "<7", "0"],
            "gistar": [3.5, 2.1, -2.4],
            "significant": [True, True, True],
            "hotspot_id": ["H01", "H02", ""],
        },
        geometry=[
            box(265000, 193000, 265250, 193250),
            box(268000, 193000, 268250, 193250),
            box(266500, 194000, 266750, 194250),
        ],
        crs="EPSG:27700",
    )


@pytest.fixture
def layers() -> dict:
    """Services, spaces and a study area around both hotspots."""
    services = gpd.GeoDataFrame(
        {"name": ["Clinic", "Youth Hub"], "category": ["health", "education"]},
        geometry=[Point(265700, 193300), Point(267000, 192500)],
        crs="EPSG:27700",
    )
    spaces = gpd.GeoDataFrame(
        {"name": ["Tŷ Hapus"], "category": ["youth"]},
        geometry=[Point(266000, 193800)],
        crs="EPSG:27700",
    )
    area = gpd.GeoDataFrame(geometry=[box(264000, 191000, 270000, 196000)], crs=27700)
    return {"services": services, "spaces": spaces, "area": area}


@pytest.fixture
def pack(hotspots, cells, layers) -> str:
    """A pack with threshold 7, a rota of two sessions (one uncovered) and routes."""
    rota = pd.DataFrame(
        {
            "session_id": ["S1", "S2"],
            "date": [dt.date(2026, 4, 14), dt.date(2026, 4, 15)],
            "start": ["18:00", "21:00"],
            "end": ["21:00", "23:59"],
            "hotspot_id": ["H01", "H02"],
            "hotspot_name": [HOSTILE, "Gŵyl Square"],
            "band": ["evening", "late night"],
            "priority": [1, 2],
            "workers": ["Ann;Bob", ""],
            "staffed": [True, False],
        }
    )
    places = pd.concat([layers["services"], layers["spaces"]])[["name", "geometry"]]
    routes = build_routes(rota, hotspots, gpd.GeoDataFrame(places, crs=27700))
    return render_pack(
        title="CMET panel <April>",
        meeting_date=dt.date(2026, 4, 14),
        hotspots=hotspots,
        cells=cells,
        gaps=find_gaps(hotspots, layers["services"]),
        rota=rota,
        explanations=["Wed 15 Apr H02 uncovered (nobody available)"],
        routes=routes,
        **layers,
        choices={
            "cell_size_m": 250,
            "cell_size_rule": "chosen automatically from the spacing of incidents",
            "alpha_fdr": 0.05,
            "study_area_km2": 12.5,
            "incidents_analysed": 3,
        },
        report={"incidents.csv": {"rows_read": 120, "dropped": {"no location": 3}}},
        threshold=7,
        status_message="2 hotspot areas found.",
    )


def test_pack_is_self_contained(pack):
    """No external src/href and no script at all."""
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", pack, re.I)
    assert "<script" not in pack.lower()
    assert "<link" not in pack.lower()


def test_threshold_sentence_on_every_page(pack):
    """The rule is in the header, in sections with counts and in the page footer."""
    assert "Counts below 7 are shown as &lt;7." in pack
    assert pack.count("Counts below 7 are shown as &lt;7") >= 4
    assert re.search(r"@bottom-left \{ content: \"Counts below 7 are shown as", pack)


def test_hostile_names_are_escaped(pack):
    """A hotspot named like a script tag is printed as text."""
    assert HOSTILE not in pack
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in pack
    assert "CMET panel &lt;April&gt;" in pack


def test_map_and_every_hotspot_id(pack):
    """An inline SVG map, with legend and scale bar, and every hotspot id."""
    assert "<svg" in pack
    assert pack.count("</svg>") == 1
    assert "Study area outline" in pack
    assert re.search(r">\d+(?:\.\d+)? k?m</text>", pack)
    for hid in ("H01", "H02"):
        assert f">{hid}</text>" in pack
        assert f"<td>{hid}</td>" in pack


def test_tables_carry_only_suppressed_counts(pack):
    """Incidents come as given; small report and choice counts become <k."""
    assert '<td class="num">&lt;7</td>' in pack
    assert "no location: &lt;7" in pack
    assert "Incidents analysed &lt;7." in pack
    assert "Study area 12.5 km²." in pack
    assert (
        "Cell size 250 m, chosen automatically from the spacing of incidents." in pack
    )
    assert "cell size rule" not in pack.lower()


def test_rota_gaps_and_explanations(pack):
    """Rota rows, uncovered sessions and their reasons, and service gaps appear."""
    assert "Ann and Bob" in pack
    assert "Not covered" in pack
    assert "Wed 15 Apr H02 uncovered (nobody available)" in pack
    assert "none listed" in pack  # no mental health service in the fixture
    assert "maps/dir" not in pack  # directions links are for phones, not paper


def test_document_shell(pack):
    """English lang, UTF-8, a font stack with ŵ/ŷ, A4 print CSS; parses cleanly."""
    assert pack.startswith('<!DOCTYPE html><html lang="en">')
    assert '<meta charset="utf-8">' in pack
    assert '"DejaVu Sans", "Noto Sans", Arial, sans-serif' in pack
    assert "size: A4" in pack
    assert "break-before: page" in pack
    parser = HTMLParser()
    parser.feed(pack)
    parser.close()


@pytest.fixture
def welsh_pack(hotspots, cells, layers) -> str:
    """The same pack in Welsh, with no rota, a decision and change headlines."""
    return render_pack(
        title="Pecyn panel CMET",
        meeting_date=dt.date(2026, 4, 14),
        hotspots=hotspots,
        cells=cells,
        gaps=find_gaps(hotspots, layers["services"]),
        rota=pd.DataFrame(
            columns=[
                "session_id",
                "date",
                "start",
                "end",
                "hotspot_id",
                "hotspot_name",
                "band",
                "priority",
                "workers",
                "staffed",
            ]
        ),
        explanations=(),
        routes=None,
        **layers,
        choices={"cell_size_m": 250, "incidents_analysed": 3},
        report={"incidents.csv": {"rows_read": 120, "dropped": {"no location": 3}}},
        threshold=7,
        status_message="Canfuwyd 2 o fannau problemus.",
        changes=["New: Gŵyl Square (Fri late night)", "Growing: Castle Square"],
        lang="cy",
        headlines={"H01": "Growing", "H02": "New"},
        compared_with="O'i gymharu â phanel Dydd Mawrth 31 Mawrth 2026.",
        decisions=["Targedu: H02 Gŵyl Square"],
    )


def test_welsh_pack_is_welsh(welsh_pack):
    """Welsh lang, headings, dates, change arrows and the rule on every page."""
    assert welsh_pack.startswith('<!DOCTYPE html><html lang="cy">')
    for words in (
        "Ers y panel diwethaf",
        "Cyfarfod y panel: Dydd Mawrth 14 Ebrill 2026",
        "Newydd:</strong> Gŵyl Square (Gwe hwyr y nos)",
        "▲ Yn tyfu",
        "Penderfyniadau a gofnodwyd",
        "Targedu: H02 Gŵyl Square",
        "Ni chynlluniwyd rota ar gyfer y pecyn hwn.",
        "Bylchau mewn gwasanaethau",
    ):
        assert words in welsh_pack, words
    assert welsh_pack.count("Dangosir cyfrifon o dan 7 fel &lt;7") >= 5
    assert re.search(
        r"@bottom-left \{ content: \"Dangosir cyfrifon o dan 7 fel", welsh_pack
    )
    assert "Hotspot areas" not in welsh_pack
    assert "Counts below" not in welsh_pack


def test_welsh_pack_marks_technical_english(welsh_pack):
    """Settings and file checks stay English, marked lang="en" for screen readers."""
    assert '<ul lang="en"><li>Cell size 250 m.</li>' in welsh_pack
    assert '<div lang="en"><ul><li>incidents.csv:' in welsh_pack
    assert "Incidents analysed &lt;7." in welsh_pack


def test_pack_prints_coverage_whatif_and_area_tables(hotspots, cells, layers):
    """Given the gap tables, the pack prints them and words the sentences from them."""
    coverage = pd.DataFrame(
        {
            "category": ["youth and diversionary"] * 2,
            "band": ["any time (hours ignored)", "weekend evening"],
            "within_5_min": ["10%", "<7 incidents"],
            "within_5_min_share": [0.1, float("nan")],
            "within_10_min": ["30%", "0%"],
            "within_10_min_share": [0.3, 0.0],
            "within_15_min": ["60%", "0%"],
            "within_15_min_share": [0.6, 0.0],
        }
    )
    whatif = pd.DataFrame(
        {
            "rank": [1],
            "site": ["Tŷ Hapus"],
            "category": ["youth and diversionary"],
            "band": ["evening"],
            "minutes": [10],
            "added_share": ["20%"],
            "added_share_value": [0.2],
            "covered_before": ["16%"],
            "covered_after": ["36%"],
        }
    )
    areas = pd.DataFrame(
        {
            "area_id": ["X1"],
            "area_name": ["Townhill"],
            "incidents": ["<7"],
            "gap_score": [0.8],
            "gap_rank": [1],
        }
    )
    page = render_pack(
        title="CMET panel pack",
        meeting_date=dt.date(2026, 4, 14),
        hotspots=hotspots,
        cells=cells,
        gaps=find_gaps(hotspots, layers["services"]),
        rota=pd.DataFrame(
            columns=[
                "session_id",
                "date",
                "start",
                "end",
                "hotspot_id",
                "hotspot_name",
                "band",
                "priority",
                "workers",
                "staffed",
            ]
        ),
        explanations=(),
        routes=None,
        **layers,
        choices={},
        report={},
        threshold=7,
        status_message="2 hotspot areas found.",
        area_gaps=areas,
        coverage=coverage,
        whatif=whatif,
    )
    assert "Share of incidents within a walk of each kind of service" in page
    assert "<td>Tŷ Hapus</td>" in page
    assert "Townhill (X1)" in page
    text = html.unescape(page)
    assert (
        "One new youth and diversionary service at Tŷ Hapus would bring a further "
        "20% of evening incidents within 10 minutes' walk (est.): from 16% to 36%."
    ) in text
    assert "40% of incidents are more than 15 minutes' walk (est.)" in text
    assert "No rota was planned for this pack." in page
