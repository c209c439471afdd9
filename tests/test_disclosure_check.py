"""The shared disclosure checker finds each kind of leak it promises, and only those."""

from __future__ import annotations

import json

import pytest

from geodata.crs import lonlat_to_bng
from tests.disclosure_check import incident_places, leaks

LAT, LON = 51.619537, -3.943118
X, Y = (float(v[0]) for v in lonlat_to_bng([LON], [LAT]))


@pytest.fixture
def places():
    """Two incidents in central Swansea, at 6 dp as partners send them."""
    rows = f"latitude,longitude\n{LAT},{LON}\n51.621001,-3.950002\n"
    return incident_places(rows.encode())


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("a.csv", f"id,lat,strength,lon\nH1,{LAT},2.5,{LON}\n"),
        ("a.geojson", json.dumps({"coordinates": [LON, LAT]})),
        ("a.html", f'<a href="https://maps/?q={LAT:.6f},{LON:.6f}">map</a>'),
        ("a.ics", f"GEO:{LAT};\r\n {LON}\r\n"),
        ("a.csv", f"label_x,label_y\n{X},{Y}\n"),
        ("a.csv", f"label_x,label_y\n{X:.2f},{Y:.2f}\n"),
    ],
)
def test_incident_location_is_found(places, name, content):
    """A lat/lon (either order, any columns between) or an easting/northing leaks."""
    problems = leaks(name, content, 5, places).problems
    assert len(problems) == 1
    assert "carries incident locations" in problems[0]


def test_nearby_numbers_are_not_locations(places):
    """Sharing an incident's rounded value but not its digits is no leak."""
    text = (
        f"lat,lon,x,y\n{LAT + 3e-7:.10f},{LON},{X + 0.3:.2f},{Y:.2f}\n51.6195,-3.9431"
    )
    assert leaks("a.csv", text, 5, places).problems == []


@pytest.mark.parametrize(
    ("k", "name", "content", "found"),
    [
        (5, "a.csv", "id,incidents\nH1,3\n", "row 1 'incidents' is 3, below 5"),
        (10, "a.csv", "id,incidents_shown\nH1,7.0\n", "is 7.0, below 10"),
        (10, "a.csv", "id,incidents\nH1,<5\n", "is '<5', not '<10'"),
        (5, "a.csv", "id,categories\nH1,drugs 12; violence 2\n", "'violence 2'"),
        (5, "a.geojson", '{"properties": {"n": 4}}', ".properties.n is 4"),
        (5, "r.json", '{"periods": [{"young_people": "3"}]}', "young_people is 3"),
        (5, "a.html", "<table><tr><th>Incidents</th></tr><tr><td>2</td></tr>", "is 2"),
        (5, "a.ics", "DESCRIPTION:Seen 3 incidents here\r\n", "'3 incidents'"),
        (10, "a.html", "<p>Counts below 5 are shown as &lt;5</p>", "'<5'"),
        (5, "a.txt", "2 o bobl ifanc", "is 2, below 5"),
    ],
)
def test_small_count_is_found(places, k, name, content, found):
    """Every place a count can hide is read, and a small one is reported."""
    problems = leaks(name, content, k, places).problems
    assert problems
    assert any(found in p for p in problems), problems


@pytest.mark.parametrize(
    ("k", "name", "content"),
    [
        (5, "a.csv", "id,incidents,categories\nH1,0,drugs 12; violence <5; theft *\n"),
        (10, "a.csv", "id,incidents,incidents_shown\nH1,<10,\nH2,10,10.0\n"),
        (5, "r.json", '{"files": {"x.csv": {"incidents": 3}}, "n": "<5"}'),
        (5, "a.html", "<p>0.5 to 3 incidents per km²; 1,544 incidents</p>"),
        (5, "a.csv", "rank,added_share\n1,20%\n"),
    ],
)
def test_safe_counts_pass(places, k, name, content):
    """Zero, '<k', '*', counts of at least k, rates and the files report pass."""
    finding = leaks(name, content, k, places)
    assert finding.problems == []
