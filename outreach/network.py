"""Walking distances along streets, from an OpenStreetMap extract or a GraphML file.

When the user supplies a street network (an ``.osm`` XML extract, e.g. from
the OSM export or Overpass, or a GraphML file saved by osmnx), routes follow it:
the graph is read with osmnx, made **bidirectional** (a one-way street is
one-way for cars only), cut to ways a person may walk (no motorways, no
``foot=no`` or private access), kept to its largest connected part and
projected to British National Grid. Stops snap to the nearest junction or
street node; the straight hop from the stop to that node is added to the
walk. Without a network, `outreach.walking` estimates (straight line x 1.3).
Street data (c) OpenStreetMap contributors, ODbL.
"""

from __future__ import annotations

import itertools
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import osmnx as ox
from scipy.spatial import cKDTree
from shapely import LineString

from geodata.crs import BNG
from geodata.errors import InputDataError

log = logging.getLogger(__name__)

NETWORK_SUFFIXES = (".osm", ".xml", ".graphml")
# Ways nobody may walk along (the osmnx "walk" filter, for extracts read as is).
_NOT_WALKABLE = {
    "motorway",
    "motorway_link",
    "bus_guideway",
    "construction",
    "proposed",
    "planned",
    "abandoned",
    "raceway",
    "razed",
}
_PRIVATE = {"private", "no"}
_EXTRA_TAGS = ("foot", "lit")


@dataclass(frozen=True)
class WalkNetwork:
    """A walkable street graph in EPSG:27700 with a lookup of its nodes.

    Attributes
    ----------
    graph
        Undirected networkx graph; edge ``length`` in metres, node ``x``/``y``
        in BNG metres, optional edge ``geometry`` (LineString in BNG).
    name
        The user's file name, for messages and the ``walk_source`` column.
    nodes, tree
        Node ids and a KD-tree over their coordinates, for snapping.
    """

    graph: nx.Graph
    name: str
    nodes: np.ndarray
    tree: cKDTree

    def snap(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the nearest node of each point and the straight metres to it."""
        metres, index = self.tree.query(np.asarray(xy, dtype=float).reshape(-1, 2))
        return self.nodes[index], np.asarray(metres, dtype=float)

    def metres(self, xy: np.ndarray) -> np.ndarray:
        """Return walking metres between every two points (row to column)."""
        points = np.asarray(xy, dtype=float).reshape(-1, 2)
        nodes, hop = self.snap(points)
        n = len(points)
        out = np.zeros((n, n))
        for a in range(n):
            reach = nx.single_source_dijkstra_path_length(
                self.graph, nodes[a], weight="length"
            )
            for b in range(n):
                if a != b:
                    out[a, b] = reach.get(nodes[b], np.inf) + hop[a] + hop[b]
        return out

    def line(self, xy: np.ndarray) -> LineString:
        """Return the walked line through the points in order, along the streets."""
        points = np.asarray(xy, dtype=float).reshape(-1, 2)
        nodes, _ = self.snap(points)
        coords: list[tuple[float, float]] = [tuple(points[0])]
        for a, b, target in zip(nodes[:-1], nodes[1:], points[1:], strict=True):
            path = nx.shortest_path(self.graph, a, b, weight="length")
            coords.extend(self._path_coords(path))
            coords.append(tuple(target))
        return LineString(_dedupe(coords))

    def _path_coords(self, path: list) -> list[tuple[float, float]]:
        graph = self.graph
        if len(path) == 1:
            node = graph.nodes[path[0]]
            return [(node["x"], node["y"])]
        coords = []
        for u, v in itertools.pairwise(path):
            start = (graph.nodes[u]["x"], graph.nodes[u]["y"])
            end = (graph.nodes[v]["x"], graph.nodes[v]["y"])
            geometry = graph.edges[u, v].get("geometry")
            part = [start, end]
            if geometry is not None:
                part = list(geometry.coords)
                # Stored geometry runs u->v or v->u; walk it from u.
                if np.hypot(*np.subtract(part[0], start)) > np.hypot(
                    *np.subtract(part[-1], start)
                ):
                    part.reverse()
            coords.extend(part)
        return coords


def _dedupe(coords: list[tuple[float, float]]) -> list[tuple[float, float]]:
    kept = [coords[0]]
    for point in coords[1:]:
        if point != kept[-1]:
            kept.append(point)
    if len(kept) == 1:
        kept.append(kept[0])
    return kept


def _walkable(data: dict) -> bool:
    highway = data.get("highway", "")
    kinds = set(highway if isinstance(highway, list) else [highway])
    foot = str(data.get("foot", "")).lower()
    access = str(data.get("access", "")).lower()
    if foot in {"yes", "designated", "permissive"}:
        return not kinds & {"motorway", "motorway_link"}
    return not kinds & _NOT_WALKABLE and foot != "no" and access not in _PRIVATE


def _read_graph(name: str, data: bytes) -> nx.MultiDiGraph:
    suffix = Path(name).suffix.lower()
    if suffix not in NETWORK_SUFFIXES:
        raise InputDataError(
            f"{name}: a street network must be an OpenStreetMap extract (.osm) or a "
            f"GraphML file (.graphml); got '{suffix or 'no extension'}'. Export the "
            "area from openstreetmap.org (Export > Manually select a different "
            "area) or save an osmnx graph with save_graphml."
        )
    saved = list(ox.settings.useful_tags_way)
    try:
        if suffix == ".graphml":
            return ox.load_graphml(graphml_str=data.decode("utf-8"))
        ox.settings.useful_tags_way = list(dict.fromkeys([*saved, *_EXTRA_TAGS]))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "extract.osm"
            path.write_bytes(data)
            return ox.graph_from_xml(path, bidirectional=True, simplify=False)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise InputDataError(
            f"{name}: could not read a street network from this file ({exc}). "
            "Use an OpenStreetMap XML extract with streets in it, or a GraphML "
            "file saved by osmnx."
        ) from exc
    except Exception as exc:
        # osmnx raises its own errors (e.g. an empty graph) and XML parse errors.
        raise InputDataError(
            f"{name}: could not read a street network from this file "
            f"({type(exc).__name__}: {exc}). Check it is a complete .osm or "
            ".graphml file."
        ) from exc
    finally:
        ox.settings.useful_tags_way = saved


def read_walk_network(name: str, data: bytes) -> WalkNetwork:
    """Read a walking network from an OpenStreetMap XML extract or GraphML bytes.

    Parameters
    ----------
    name
        The user's file name (``.osm``/``.xml`` or ``.graphml``), for messages.
    data
        The file's bytes.

    Returns
    -------
    WalkNetwork
        Bidirectional, walkable ways only, largest connected part, EPSG:27700.

    Raises
    ------
    InputDataError
        If the file is not a street network or has no walkable streets.
    """
    graph = _read_graph(name, data)
    if graph.number_of_edges() == 0:
        raise InputDataError(
            f"{name}: the file has no streets. Export a larger area that includes "
            "the hotspots' streets."
        )
    if graph.graph.get("crs") is None:
        graph.graph["crs"] = "EPSG:4326"
    projected = ox.project_graph(graph, to_crs=BNG)
    walk = nx.Graph()
    for node, attrs in projected.nodes(data=True):
        walk.add_node(node, x=float(attrs["x"]), y=float(attrs["y"]))
    dropped = 0
    for u, v, attrs in projected.edges(data=True):
        if not _walkable(attrs):
            dropped += 1
            continue
        length = float(attrs.get("length", 0.0)) or float(
            np.hypot(
                walk.nodes[u]["x"] - walk.nodes[v]["x"],
                walk.nodes[u]["y"] - walk.nodes[v]["y"],
            )
        )
        # An undirected graph: every street can be walked both ways.
        if not walk.has_edge(u, v) or walk.edges[u, v]["length"] > length:
            walk.add_edge(u, v, length=length, geometry=attrs.get("geometry"))
    walk.remove_nodes_from([n for n in list(walk.nodes) if walk.degree(n) == 0])
    if walk.number_of_edges() == 0:
        raise InputDataError(
            f"{name}: the file has no streets a person may walk along. Export a "
            "larger area that includes the hotspots' streets."
        )
    largest = max(nx.connected_components(walk), key=len)
    walk = walk.subgraph(largest).copy()
    nodes = np.array(list(walk.nodes))
    xy = np.array([[walk.nodes[n]["x"], walk.nodes[n]["y"]] for n in nodes])
    log.info(
        "%s: walking network of %d nodes and %d streets (%d non-walkable edges "
        "dropped), EPSG:27700",
        name,
        walk.number_of_nodes(),
        walk.number_of_edges(),
        dropped,
    )
    return WalkNetwork(graph=walk, name=name, nodes=nodes, tree=cKDTree(xy))


def network_bounds(network: WalkNetwork) -> tuple[float, float, float, float]:
    """Return the network's extent in BNG metres (minx, miny, maxx, maxy)."""
    xy = network.tree.data
    return tuple(float(v) for v in (*xy.min(axis=0), *xy.max(axis=0)))


__all__ = ["NETWORK_SUFFIXES", "WalkNetwork", "network_bounds", "read_walk_network"]
