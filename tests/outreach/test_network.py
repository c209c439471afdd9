"""Tests for walking networks from OpenStreetMap XML or GraphML (outreach.network).

The fixture data/tiny_swansea.osm is a hand-written extract: a loop of streets
A-B-C (Castle Street), C->D (one-way lane), D-E (footpath), E-A, plus a
motorway shortcut B-D and a building. No network access is needed.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
import pytest

from geodata.crs import lonlat_to_bng
from geodata.errors import InputDataError
from outreach.network import read_walk_network

OSM = Path(__file__).with_name("data") / "tiny_swansea.osm"
# (lon, lat) of the corners A, B, C, D, E.
CORNERS = {
    "A": (-3.9440, 51.6200),
    "B": (-3.9420, 51.6200),
    "C": (-3.9400, 51.6200),
    "D": (-3.9400, 51.6210),
    "E": (-3.9440, 51.6210),
}


def _xy(*names: str) -> np.ndarray:
    """BNG metres of the named corners."""
    lon, lat = np.array([CORNERS[n] for n in names]).T
    return np.column_stack(lonlat_to_bng(lon, lat))


@pytest.fixture(scope="module")
def network():
    """The tiny extract read as a walking network."""
    return read_walk_network("tiny_swansea.osm", OSM.read_bytes())


def test_one_way_street_is_walked_both_ways(network) -> None:
    """D to C takes the one-way lane against the traffic (111 m), not the loop."""
    metres = network.metres(_xy("D", "C"))
    assert metres[0, 1] == pytest.approx(111.2, abs=1)
    assert metres[1, 0] == pytest.approx(metres[0, 1])
    directed = ox.graph_from_xml(OSM, bidirectional=False, simplify=False)
    assert not directed.has_edge(4, 3)  # osmnx alone keeps it one-way


def test_motorway_and_building_are_not_walkable(network) -> None:
    """B to D goes round by C (249 m), never along the 177 m motorway."""
    assert network.metres(_xy("B", "D"))[0, 1] == pytest.approx(249.3, abs=1)
    assert sorted(network.graph.nodes) == [1, 2, 3, 4, 5]
    assert network.graph.number_of_edges() == 5


def test_line_follows_the_streets(network) -> None:
    """The walked line from D to B turns the corner at C."""
    line = network.line(_xy("D", "B"))
    assert len(line.coords) == 3
    assert line.length == pytest.approx(249.3, abs=1)
    assert np.allclose(line.coords[1], _xy("C")[0], atol=0.5)


def test_graphml_is_read_and_made_bidirectional(tmp_path, network) -> None:
    """A GraphML file of the one-way graph still walks D to C directly."""
    path = tmp_path / "walk.graphml"
    ox.save_graphml(ox.graph_from_xml(OSM, simplify=False), path)
    again = read_walk_network("walk.graphml", path.read_bytes())
    assert isinstance(again.graph, nx.Graph)
    assert again.metres(_xy("D", "C"))[0, 1] == pytest.approx(111.2, abs=1)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("streets.shp", b"x", r"streets\.shp: a street network must be .*\(\.osm\)"),
        ("streets.osm", b"<osm><broken", r"streets\.osm: could not read a street"),
        (
            "streets.osm",
            b'<osm version="0.6"><node id="1" lat="51.6" lon="-3.9"/></osm>',
            r"streets\.osm: (could not read a street network|the file has no streets)",
        ),
    ],
)
def test_bad_network_files(name: str, data: bytes, message: str) -> None:
    """Wrong types, broken XML and extracts without streets name the file."""
    with pytest.raises(InputDataError, match=message):
        read_walk_network(name, data)
