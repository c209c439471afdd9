"""The real police.uk Swansea violence months give a city-centre hotspot."""

from __future__ import annotations

import pytest
import shapely

from geodata.places import load_places
from geodata.read import read_area, read_incidents
from hotspots import HotspotParams, detect_hotspots

pytestmark = pytest.mark.real


def test_swansea_violence_has_a_city_centre_hotspot(real_data):
    """Violence in Swansea LSOAs, Oct 2018 - Feb 2019, peaks near Castle Square."""
    crime = real_data / "crime"
    files = sorted(crime.glob("201*-south-wales-street.csv"))
    sources = [(f.name, f.read_bytes()) for f in files]
    boundary = real_data / "boundaries" / "swansea_lsoa2011_W06000011.geojson"
    area = read_area((boundary.name, boundary.read_bytes()))
    incidents, reports = read_incidents(sources, area=area)
    for report in reports:
        assert report.rows_kept + sum(report.dropped.values()) == report.rows_read
        assert report.dropped["outside the study area"] > 5000
        assert report.dropped["no location"] > 100
    assert set(incidents["source"].astype(str)) == {"South Wales Police"}
    params = HotspotParams(categories=("violence and sexual offences",))
    result = detect_hotspots(incidents, params, area=area, places=load_places())
    assert result.status == "ok"
    assert len(result.hotspots) >= 1
    places = load_places().set_index("name")
    castle = places.geometry["Castle Square"]
    top = result.hotspots.iloc[0]
    assert top.geometry.distance(castle) < 600, top["name"]
    assert shapely.Point(top["label_x"], top["label_y"]).distance(castle) < 1000
