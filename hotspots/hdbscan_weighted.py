"""HDBSCAN for weighted locations: each location counts as its number of incidents.

scikit-learn's ``HDBSCAN.fit(X, y=None)`` has no ``sample_weight`` (``DBSCAN.fit``
has one) and counts rows in both ``min_samples`` and ``min_cluster_size``. This is
HDBSCAN (Campello, Moulavi and Sander 2013; McInnes and Healy 2017) with a weight
wherever it counts points, which is what it would compute on the repeated rows:

* a location's core distance is the distance within which ``min_samples``
  incidents lie, its own included (so a location holding that many has core
  distance 0);
* mutual reachability is ``max(core_i, core_j, d_ij)``, floored at ``same_place``
  metres: below that scale everything is one place, so coincident incidents have a
  finite density rather than the infinite one that lets duplicates split clusters
  (scikit-learn-contrib/hdbscan#198);
* the hierarchy is the minimum spanning forest of mutual reachability over each
  location's ``_GRAPH_NEIGHBOURS`` nearest locations, without edges longer than
  ``max_gap``; each tree of the forest is a candidate cluster born at
  ``1 / max_gap``. Restricting edges to near neighbours is an approximation: two
  groups with no location among each other's nearest stay apart, which can split
  but never merge places; on ordinary data it agrees with scikit-learn's exact
  tree (see the tests);
* a split-off group is a cluster only if it holds ``min_cluster_size`` incidents,
  and stability sums incidents times the density levels they persist over;
  clusters are chosen by excess of mass (scikit-learn's default).

The walk over the hierarchy is a Python loop over distinct locations (never over
incidents); 50,000 locations take about two seconds.

``CondensedTree.select`` can vet the chosen clusters with a callback and replace a
refused one by the clusters excess of mass would choose inside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import cKDTree

_GRAPH_NEIGHBOURS = 16


def _spanning_forest(
    xy: np.ndarray, weight: np.ndarray, min_samples: int, floor: float, cap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return minimum-spanning-forest edges of mutual reachability, shortest first.

    Distances are floored at ``floor`` and edges longer than ``cap`` are left out.
    """
    m = len(xy)
    if m < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    k_graph = min(m - 1, _GRAPH_NEIGHBOURS)
    k = min(m, max(min_samples, k_graph + 1))
    dist, idx = cKDTree(xy).query(xy, k=k)
    # Core distance: where the running total of incidents, nearest first and the
    # location itself included, reaches min_samples.
    enough = np.cumsum(weight[idx], axis=1) >= min_samples
    core = dist[np.arange(m), np.argmax(enough, axis=1)]
    core[~enough[:, -1]] = np.inf
    rows = np.repeat(np.arange(m), k_graph)
    cols = idx[:, 1 : k_graph + 1].ravel()
    reach = np.maximum.reduce(
        [core[rows], core[cols], dist[:, 1 : k_graph + 1].ravel()]
    )
    reach = np.maximum(reach, floor)
    ok = reach <= cap
    graph = sparse.csr_matrix((reach[ok], (rows[ok], cols[ok])), shape=(m, m))
    forest = minimum_spanning_tree(graph).tocoo()
    order = np.argsort(forest.data, kind="stable")
    return forest.row[order], forest.col[order], forest.data[order]


def _single_linkage(
    weight: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[list[list[int]], list[float]]:
    """Merge along the forest's edges in order.

    Returns
    -------
    list, list
        The two children of each merge (merge t creates node m + t) and the
        incidents under every node, locations first.
    """
    m = len(weight)
    parent = list(range(m))
    node = list(range(m))
    mass = weight.tolist()
    children = []

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    for t, (i, j) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        ri, rj = find(i), find(j)
        left, right = node[ri], node[rj]
        children.append([left, right])
        mass.append(mass[left] + mass[right])
        parent[rj] = ri
        node[ri] = m + t
    return children, mass


def condense(
    xy: np.ndarray,
    weight: np.ndarray,
    *,
    min_cluster_size: int,
    min_samples: int,
    same_place: float,
    max_gap: float,
) -> CondensedTree:
    """Build HDBSCAN's condensed cluster tree, counting incidents rather than rows.

    Parameters
    ----------
    xy
        Distinct locations (m, 2) in metres.
    weight
        Incidents at each location.
    min_cluster_size
        Fewest incidents in a cluster.
    min_samples
        Incidents (the location's own included) within its core distance.
    same_place
        Distances below this are treated as equal (no finer structure).
    max_gap
        Locations further apart than this, in mutual reachability, are never
        joined; ``np.inf`` gives plain HDBSCAN with every component selectable.

    Returns
    -------
    CondensedTree
        The clusters, their stability, and where each location left them.
    """
    m = len(xy)
    a, b, dist = _spanning_forest(xy, weight, min_samples, same_place, max_gap)
    merges, mass = _single_linkage(weight, a, b)
    n_nodes = m + len(merges)
    has_parent = np.zeros(n_nodes, bool)
    has_parent[np.ravel(merges).astype(np.int64)] = True
    lam_end = 1.0 / same_place
    tree = CondensedTree()
    # Walk top-down: each node either carries a cluster or has fallen out of one
    # (at ``left_at``), so no subtree is ever enumerated.
    active = [-1] * n_nodes
    fell_from = [-1] * n_nodes
    left_at = [lam_end] * n_nodes
    for root in np.nonzero(~has_parent)[0].tolist():
        if mass[root] >= min_cluster_size:
            active[root] = tree.open(1.0 / max_gap, None)
    for t in range(len(merges) - 1, -1, -1):
        v = m + t
        pair = merges[t]
        c = active[v]
        if c < 0:
            for child in pair:
                fell_from[child], left_at[child] = fell_from[v], left_at[v]
            continue
        lam = 1.0 / dist[t]
        big = [mass[child] >= min_cluster_size for child in pair]
        if all(big):
            for child in pair:
                tree.leave(c, mass[child], lam)
                active[child] = tree.open(lam, c)
            continue
        for child, is_big in zip(pair, big, strict=True):
            if is_big:
                active[child] = c
            else:
                tree.leave(c, mass[child], lam)
                fell_from[child], left_at[child] = c, lam
    owner = np.array(active[:m], dtype=np.int64)
    for i in np.nonzero(owner >= 0)[0].tolist():
        tree.leave(int(owner[i]), float(weight[i]), lam_end)
    tree.owner = np.where(owner >= 0, owner, np.array(fell_from[:m], np.int64))
    tree.level = np.array(left_at[:m])
    return tree


def weighted_hdbscan(
    xy: np.ndarray,
    weight: np.ndarray,
    *,
    min_cluster_size: int,
    min_samples: int,
    same_place: float,
    max_gap: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster weighted locations by HDBSCAN (excess of mass).

    Parameters are those of ``condense``.

    Returns
    -------
    ndarray, ndarray
        A cluster number per location (-1 noise) and its membership strength in
        (0, 1], as scikit-learn's ``probabilities_`` (0 for noise).
    """
    tree = condense(
        xy,
        weight,
        min_cluster_size=min_cluster_size,
        min_samples=min_samples,
        same_place=same_place,
        max_gap=max_gap,
    )
    return tree.select()


Accept = Callable[[np.ndarray, np.ndarray], np.ndarray]


class CondensedTree:
    """HDBSCAN's condensed tree over weighted locations.

    Clusters are numbered parents first. ``owner`` is the cluster each location
    last belonged to (-1 if none) and ``level`` the density level (1 / distance)
    at which it left it.
    """

    def __init__(self) -> None:
        self.birth: list[float] = []
        self.stability: list[float] = []
        self.kids: list[list[int]] = []
        self.owner = np.empty(0, np.int64)
        self.level = np.empty(0)

    def open(self, lam: float, parent: int | None) -> int:
        """Open a cluster born at density level ``lam``; return its number."""
        self.birth.append(lam)
        self.stability.append(0.0)
        self.kids.append([])
        if parent is not None:
            self.kids[parent].append(len(self.birth) - 1)
        return len(self.birth) - 1

    def leave(self, c: int, mass: float, lam: float) -> None:
        """Record ``mass`` incidents leaving cluster ``c`` at level ``lam``."""
        self.stability[c] += mass * (lam - self.birth[c])

    def select(self, accept: Accept | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Choose clusters by excess of mass, optionally vetted by ``accept``.

        Parameters
        ----------
        accept
            Called with a candidate labelling (labels 0..k-1 per location, -1
            elsewhere) and membership strengths; returns which of the k
            candidates to keep. A refused cluster is replaced by the best
            clusters below it, as excess of mass would choose them there, so a
            large diffuse cluster does not hide the places inside it.

        Returns
        -------
        ndarray, ndarray
            A cluster number per location (-1 noise) and its membership strength.
        """
        n = len(self.birth)
        best = list(self.stability)
        chosen = [True] * n
        # Children come after their parents, so reverse order is bottom-up.
        for c in range(n - 1, -1, -1):
            below = sum(best[k] for k in self.kids[c])
            if self.kids[c] and below > best[c]:
                chosen[c], best[c] = False, below

        def best_within(clusters: list[int]) -> list[int]:
            found, stack = [], list(clusters)
            while stack:
                k = stack.pop()
                if chosen[k]:
                    found.append(k)
                else:
                    stack.extend(self.kids[k])
            return sorted(found)

        has_parent = {k for ks in self.kids for k in ks}
        frontier = best_within([c for c in range(n) if c not in has_parent])
        kept: list[int] = []
        while frontier:
            if accept is None:
                ok = np.ones(len(frontier), bool)
            else:
                ok = np.asarray(accept(*self._label(frontier)), bool)
            kept += [c for c, good in zip(frontier, ok, strict=True) if good]
            refused = [c for c, good in zip(frontier, ok, strict=True) if not good]
            frontier = best_within([k for c in refused for k in self.kids[c]])
        return self._label(sorted(kept))

    def _label(self, selected: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Label locations by the selected (disjoint) clusters, numbered 0.."""
        label_of = np.full(len(self.birth) + 1, -1, np.int64)
        label_of[selected] = np.arange(len(selected))
        for c in range(len(self.birth)):
            if label_of[c] >= 0:
                for k in self.kids[c]:
                    label_of[k] = label_of[c]
        labels = label_of[self.owner]
        member = labels >= 0
        top = np.zeros(len(selected))
        np.maximum.at(top, labels[member], self.level[member])
        strength = np.zeros(len(labels))
        strength[member] = self.level[member] / top[labels[member]]
        return labels, strength
