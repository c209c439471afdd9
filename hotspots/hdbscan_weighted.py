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

Only the union-find that turns the forest's edges into merges is a Python loop
over distinct locations (never over incidents); the condensed tree is built from
the merges with array operations, summing in the order of a top-down walk so
every figure is the walk's to the bit. 50,000 locations take about half a second.

``CondensedTree.select`` can vet the chosen clusters with a callback and replace a
refused one by the clusters excess of mass would choose inside it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import cKDTree

_GRAPH_NEIGHBOURS = 16


def _neighbours(xy: np.ndarray, k: int, within: float) -> tuple[np.ndarray, np.ndarray]:
    """Return each location's k nearest, as ``cKDTree(xy).query(xy, k)`` does.

    Neighbours beyond ``within`` may read ``np.inf`` (index ``len(xy)``): a
    search bounded just beyond it visits far fewer points. The tree's order
    among equally distant neighbours depends on how far it searched, so a
    location with two equal distances among those found (the k-th and the next
    included) is searched again unbounded; any other has one sorted order.
    """
    tree = cKDTree(xy)
    dist, idx = tree.query(xy, k=k + 1, distance_upper_bound=within * 1.01)
    tied = ((dist[:, 1:] == dist[:, :-1]) & np.isfinite(dist[:, 1:])).any(axis=1)
    dist, idx = dist[:, :k], idx[:, :k]
    if tied.any():
        dist[tied], idx[tied] = tree.query(xy[tied], k=k)
    return dist, idx


def _spanning_forest(
    xy: np.ndarray, weight: np.ndarray, min_samples: int, floor: float, cap: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return minimum-spanning-forest edges of mutual reachability, shortest first.

    Distances are floored at ``floor`` and edges longer than ``cap`` are left out.
    The fourth array is each location's distance to its nearest other location
    (``np.inf`` if none is within ``cap``).
    """
    m = len(xy)
    if m < 2:
        none = np.empty(0, np.int64)
        return none, none, np.empty(0), np.full(m, np.inf)
    k_graph = min(m - 1, _GRAPH_NEIGHBOURS)
    k = min(m, max(min_samples, k_graph + 1))
    # Neighbours beyond cap read as none (index m): they, and a core distance
    # beyond cap, only make mutual reachability exceed cap, which drops the edge
    # whatever its length.
    dist, idx = _neighbours(xy, k, cap)
    # Core distance: where the running total of incidents, nearest first and the
    # location itself included, reaches min_samples.
    enough = np.cumsum(np.append(weight, 0.0)[idx], axis=1) >= min_samples
    core = dist[np.arange(m), np.argmax(enough, axis=1)]
    core[~enough[:, -1]] = np.inf
    core = np.append(core, np.inf)
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
    nearest = np.where(dist[:, 1] <= cap, dist[:, 1], np.inf)
    return forest.row[order], forest.col[order], forest.data[order], nearest


def _single_linkage(
    weight: np.ndarray, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Merge along the forest's edges in order.

    Returns
    -------
    ndarray, ndarray
        The two children of each merge (t, 2) (merge t creates node m + t) and
        the incidents under every node, locations first.
    """
    m = len(weight)
    parent = list(range(m))
    node = list(range(m))
    mass = weight.tolist()
    children = []
    for t, (i, j) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        # Find both roots, pointing every other node on the way to its grandparent.
        while parent[i] != i:
            parent[i] = i = parent[parent[i]]
        while parent[j] != j:
            parent[j] = j = parent[parent[j]]
        left, right = node[i], node[j]
        children.append((left, right))
        mass.append(mass[left] + mass[right])
        parent[j] = i
        node[i] = m + t
    return np.array(children, np.int64).reshape(-1, 2), np.array(mass)


def _heads(parent: np.ndarray, joined: np.ndarray) -> np.ndarray:
    """Return each node's highest ancestor (or itself) reached by joined links.

    ``joined`` marks the nodes linked to their parent; the linked nodes form
    trees, each with one node not linked upwards, found as connected components.
    """
    n = len(parent)
    below = np.nonzero(joined)[0]
    links = sparse.coo_matrix(
        (np.ones(len(below)), (below, parent[below])), shape=(n, n)
    )
    _, part = connected_components(links, directed=False)
    tops = np.nonzero(~joined)[0]
    top_of = np.empty(len(tops), np.int64)
    top_of[part[tops]] = tops
    return top_of[part]


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
    a, b, dist, nearest = _spanning_forest(xy, weight, min_samples, same_place, max_gap)
    children, mass = _single_linkage(weight, a, b)
    n_merges = len(children)
    n_nodes = m + n_merges
    parent = np.full(n_nodes, -1)
    parent[children] = (m + np.arange(n_merges))[:, None]
    lam = 1.0 / dist
    lam_end = 1.0 / same_place
    # Incidents only grow towards the roots, so walking down, a node is inside a
    # cluster exactly when it holds min_cluster_size incidents. Clusters open at
    # big roots and at both children of a split into two big parts, parents
    # first: roots, then splits from the top down, left before right.
    big = mass >= min_cluster_size
    top_down = np.arange(n_merges)[::-1]
    splits = top_down[big[children[top_down]].all(axis=1)]
    roots = np.nonzero((parent < 0) & big)[0]
    opening = np.concatenate([roots, children[splits].ravel()])
    birth = np.concatenate([np.full(len(roots), 1.0 / max_gap), lam[splits].repeat(2)])
    opens = np.zeros(n_nodes, bool)
    opens[opening] = True
    # Any other node stays in its parent's cluster, or with its parent out of all.
    joined = (parent >= 0) & ~opens & (big == big[parent])
    number = np.full(n_nodes, -1)
    number[opening] = np.arange(len(opening))
    head = _heads(parent, joined)
    # The cluster each node is in and the level where it splits, with a last
    # entry read through a parent of -1 (a root's): no cluster, the end.
    cluster = np.append(np.where(big, number[head], -1), -1)
    node_lam = np.concatenate([np.full(m, lam_end), lam, [lam_end]])
    # Incidents leave a cluster where it splits (both parts), where a small part
    # falls out of it, and at the end (locations that are big on their own); the
    # sums run in the order of the top-down walk, so stability is the same float.
    active = top_down[big[m + top_down]]
    parts = children[active]
    leaves = ~(big[parts] & ~big[parts[:, ::-1]])
    source = np.broadcast_to(cluster[m + active, None], parts.shape)[leaves]
    at = np.broadcast_to(lam[active, None], parts.shape)[leaves]
    alone = np.nonzero(big[:m])[0]
    which = np.concatenate([source, cluster[alone]])
    when = np.concatenate([at, np.full(len(alone), lam_end)])
    gone = np.concatenate([mass[parts][leaves], weight[alone]])
    stability = np.bincount(
        which, weights=gone * (when - birth[which]), minlength=len(opening)
    )
    # A small location left with its small subtree, at the split of the big
    # node above that subtree's head (no cluster if the head is a root).
    above = parent[head[:m]]
    return CondensedTree(
        birth=birth,
        stability=stability,
        parent=cluster[parent[opening]],
        owner=np.where(big[:m], cluster[:m], cluster[above]),
        level=np.where(big[:m], lam_end, node_lam[above]),
        nearest=nearest,
    )


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

    Clusters are numbered parents first, with the density level (1 / distance)
    of their ``birth``, their ``stability`` and their ``parent`` cluster (-1 for
    none). ``owner`` is the cluster each location last belonged to (-1 if none),
    ``level`` the density level at which it left it and ``nearest`` its distance
    to the nearest other location (``np.inf`` if none within ``max_gap``), from
    the same search.
    """

    def __init__(
        self,
        *,
        birth: np.ndarray,
        stability: np.ndarray,
        parent: np.ndarray,
        owner: np.ndarray,
        level: np.ndarray,
        nearest: np.ndarray,
    ) -> None:
        self.birth = birth
        self.stability = stability
        self.parent = parent
        self.owner = owner
        self.level = level
        self.nearest = nearest
        self.kids: list[list[int]] = [[] for _ in range(len(parent))]
        for c, up in enumerate(parent.tolist()):
            if up >= 0:
                self.kids[up].append(c)

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
        best = self.stability.tolist()
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

        frontier = best_within(np.nonzero(self.parent < 0)[0].tolist())
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
        n = len(self.birth)
        label_of = np.full(n + 1, -1, np.int64)
        label_of[selected] = np.arange(len(selected))
        # Each cluster takes the label of its nearest labelled ancestor, looking
        # 1, 2, 4, ... generations up (the last entry stands for "no cluster").
        up = np.append(np.where(self.parent >= 0, self.parent, n), n)
        while (up < n).any():
            label_of = np.where(label_of >= 0, label_of, label_of[up])
            up = up[up]
        labels = label_of[self.owner]
        member = labels >= 0
        top = np.zeros(len(selected))
        np.maximum.at(top, labels[member], self.level[member])
        strength = np.zeros(len(labels))
        strength[member] = self.level[member] / top[labels[member]]
        return labels, strength
