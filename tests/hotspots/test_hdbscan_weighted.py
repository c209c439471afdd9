"""Weighted HDBSCAN: agrees with scikit-learn, and a weight counts like repeats."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import cKDTree
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score

import hotspots.hdbscan_weighted as hw
from hotspots.hdbscan_weighted import condense, weighted_hdbscan


def _blobs(seed: int) -> np.ndarray:
    """Three 30 m blobs of 80 points and 150 scattered points (metres)."""
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [600.0, 100.0], [300.0, 700.0]])
    blobs = [c + rng.normal(0, 30, (80, 2)) for c in centres]
    return np.vstack([*blobs, rng.uniform(-300, 1000, (150, 2))])


@pytest.mark.parametrize(("seed", "size"), [(0, 10), (1, 20), (2, 5)])
def test_unit_weights_agree_with_scikit_learn(seed, size):
    """Without repeats the labels match sklearn.cluster.HDBSCAN's."""
    xy = _blobs(seed)
    ours, _ = weighted_hdbscan(
        xy,
        np.ones(len(xy)),
        min_cluster_size=size,
        min_samples=size,
        same_place=1e-9,
        max_gap=np.inf,
    )
    theirs = HDBSCAN(min_cluster_size=size, copy=True).fit(xy).labels_
    assert ours.max() == theirs.max()
    assert adjusted_rand_score(ours, theirs) > 0.95


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_weight_counts_like_repeated_rows(seed):
    """Locations with weights 1-3 cluster as their repeated rows do."""
    rng = np.random.default_rng(seed)
    xy = np.vstack(
        [
            rng.normal(0, 30, (40, 2)),
            rng.normal(400, 30, (40, 2)),
            rng.uniform(-300, 700, (60, 2)),
        ]
    ).round()
    weight = rng.integers(1, 4, len(xy))
    settings = {
        "min_cluster_size": 10,
        "min_samples": 10,
        "same_place": 1.0,
        "max_gap": np.inf,
    }
    weighted, _ = weighted_hdbscan(xy, weight.astype(float), **settings)
    rows = np.repeat(xy, weight, axis=0)
    repeated, _ = weighted_hdbscan(rows, np.ones(len(rows)), **settings)
    assert weighted.max() >= 1
    assert adjusted_rand_score(np.repeat(weighted, weight), repeated) > 0.99


def test_one_heavy_location_is_a_cluster_and_a_light_one_is_noise():
    """A lone location is a cluster only if it holds min_cluster_size incidents."""
    xy = np.array([[0.0, 0.0]])
    settings = {
        "min_cluster_size": 10,
        "min_samples": 10,
        "same_place": 25.0,
        "max_gap": 200.0,
    }
    labels, strength = weighted_hdbscan(xy, np.array([100.0]), **settings)
    assert labels.tolist() == [0]
    assert strength.tolist() == [1.0]
    labels, strength = weighted_hdbscan(xy, np.array([3.0]), **settings)
    assert labels.tolist() == [-1]
    assert strength.tolist() == [0.0]


def test_locations_beyond_the_maximum_gap_are_never_joined():
    """Two heavy spots 500 m apart stay two clusters with a 200 m maximum gap."""
    xy = np.array([[0.0, 0.0], [500.0, 0.0]])
    labels, _ = weighted_hdbscan(
        xy,
        np.array([20.0, 20.0]),
        min_cluster_size=10,
        min_samples=10,
        same_place=25.0,
        max_gap=200.0,
    )
    assert sorted(labels.tolist()) == [0, 1]


def test_a_refused_cluster_gives_way_to_the_clusters_inside_it():
    """Excess of mass keeps two nearby blobs as one; refusing it splits them."""
    rng = np.random.default_rng(0)
    offset = np.array([100.0, 0.0])
    xy = np.vstack([rng.normal(0, 5, (12, 2)), rng.normal(0, 5, (12, 2)) + offset])
    tree = condense(
        xy,
        np.full(24, 4.0),
        min_cluster_size=10,
        min_samples=10,
        same_place=60.0,
        max_gap=np.inf,
    )
    merged, _ = tree.select()
    assert set(merged.tolist()) == {0}

    def at_most_twelve(labels: np.ndarray, strength: np.ndarray) -> np.ndarray:
        return np.bincount(labels[labels >= 0]) <= 12

    split, strength = tree.select(accept=at_most_twelve)
    assert split[:12].tolist() == [0] * 12
    assert split[12:].tolist() == [1] * 12
    assert ((strength > 0) & (strength <= 1)).all()
    nothing, _ = tree.select(accept=lambda labels, s: np.zeros(labels.max() + 1, bool))
    assert (nothing == -1).all()


def _reference_forest(xy, weight, min_samples, floor, cap):
    """Spanning forest from an unbounded search of the k nearest (the original)."""
    m = len(xy)
    if m < 2:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    k_graph = min(m - 1, hw._GRAPH_NEIGHBOURS)
    k = min(m, max(min_samples, k_graph + 1))
    dist, idx = cKDTree(xy).query(xy, k=k)
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


def _reference_condense(xy, weight, *, min_cluster_size, same_place, max_gap):
    """The top-down walk over every merge that the vectorised condense replaced."""
    m = len(xy)
    a, b, dist = _reference_forest(xy, weight, min_cluster_size, same_place, max_gap)
    merges, mass = hw._single_linkage(weight, a, b)
    merges, mass = merges.tolist(), mass.tolist()
    n_nodes = m + len(merges)
    has_parent = np.zeros(n_nodes, bool)
    has_parent[np.ravel(merges).astype(np.int64)] = True
    lam_end = 1.0 / same_place
    birth, stability, parent = [], [], []

    def open_(lam, up):
        birth.append(lam)
        stability.append(0.0)
        parent.append(up)
        return len(birth) - 1

    def leave(c, gone, lam):
        stability[c] += gone * (lam - birth[c])

    active, fell_from, left_at = [-1] * n_nodes, [-1] * n_nodes, [lam_end] * n_nodes
    for root in np.nonzero(~has_parent)[0].tolist():
        if mass[root] >= min_cluster_size:
            active[root] = open_(1.0 / max_gap, -1)
    for t in range(len(merges) - 1, -1, -1):
        v, pair = m + t, merges[t]
        c = active[v]
        if c < 0:
            for child in pair:
                fell_from[child], left_at[child] = fell_from[v], left_at[v]
            continue
        lam = 1.0 / dist[t]
        big = [mass[child] >= min_cluster_size for child in pair]
        for child, is_big in zip(pair, big, strict=True):
            if all(big):
                leave(c, mass[child], lam)
                active[child] = open_(lam, c)
            elif is_big:
                active[child] = c
            else:
                leave(c, mass[child], lam)
                fell_from[child], left_at[child] = c, lam
    owner = np.array(active[:m])
    for i in np.nonzero(owner >= 0)[0].tolist():
        leave(int(owner[i]), float(weight[i]), lam_end)
    return {
        "birth": np.array(birth),
        "stability": np.array(stability),
        "parent": np.array(parent, np.int64),
        "owner": np.where(owner >= 0, owner, np.array(fell_from[:m])),
        "level": np.array(left_at[:m]),
    }


def _places(seed: int, lattice: bool) -> tuple[np.ndarray, np.ndarray]:
    """400 weighted locations in blobs and scatter; on a 5 m lattice, many ties."""
    rng = np.random.default_rng(seed)
    xy = np.vstack(
        [
            rng.normal(0, 25, (150, 2)),
            rng.normal([300, 0], 40, (150, 2)),
            rng.uniform(-300, 600, (100, 2)),
        ]
    )
    if lattice:
        xy = np.unique(np.round(xy / 5) * 5, axis=0)
    return xy, rng.integers(1, 12, len(xy)).astype(float)


@pytest.mark.parametrize("lattice", [False, True])
@pytest.mark.parametrize("max_gap", [60.0, np.inf])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_condense_is_exactly_the_walk_over_every_merge(seed, max_gap, lattice):
    """Clusters, stabilities, owners and levels equal the loop's, bit for bit."""
    xy, weight = _places(seed, lattice)
    settings = {"min_cluster_size": 40, "same_place": 5.0, "max_gap": max_gap}
    tree = condense(xy, weight, min_samples=40, **settings)
    expected = _reference_condense(xy, weight, **settings)
    assert len(expected["birth"]) > 3
    for name, value in expected.items():
        assert np.array_equal(getattr(tree, name), value), name


@pytest.mark.parametrize("lattice", [False, True])
def test_bounded_neighbour_search_gives_the_unbounded_forest(lattice):
    """Locations on a lattice tie often; the forest is still the unbounded one."""
    xy, weight = _places(3, lattice)
    a, b, dist, nearest = hw._spanning_forest(xy, weight, 30, 5.0, 40.0)
    ra, rb, rdist = _reference_forest(xy, weight, 30, 5.0, 40.0)
    assert np.array_equal(a, ra)
    assert np.array_equal(b, rb)
    assert np.array_equal(dist, rdist)
    d, _ = cKDTree(xy).query(xy, k=2)
    assert np.array_equal(nearest, np.where(d[:, 1] <= 40.0, d[:, 1], np.inf))


def test_neighbours_within_the_bound_are_the_unbounded_search():
    """Distances and indices up to the bound equal cKDTree's, ties included."""
    xy, _ = _places(4, lattice=True)
    dist, idx = hw._neighbours(xy, 30, 20.0)
    full_dist, full_idx = cKDTree(xy).query(xy, k=30)
    near = full_dist <= 20.0
    assert (~near).any()
    assert np.array_equal(dist[near], full_dist[near])
    assert np.array_equal(idx[near], full_idx[near])
    assert (dist[~near] > 20.0).all()


def _reference_labels(tree, selected):
    """Labels spread from each selected cluster to its descendants, one by one."""
    label_of = np.full(len(tree.birth) + 1, -1)
    label_of[selected] = np.arange(len(selected))
    for c in range(len(tree.birth)):
        if label_of[c] >= 0:
            for k in tree.kids[c]:
                label_of[k] = label_of[c]
    return label_of[tree.owner]


def test_labels_spread_to_every_descendant_cluster():
    """Labelling leaves, roots or the roots' children matches the loop."""
    xy, weight = _places(5, lattice=False)
    tree = condense(
        xy,
        weight,
        min_cluster_size=20,
        min_samples=20,
        same_place=5.0,
        max_gap=np.inf,
    )
    roots = np.nonzero(tree.parent < 0)[0].tolist()
    leaves = [c for c in range(len(tree.birth)) if not tree.kids[c]]
    below = sorted(k for c in roots for k in tree.kids[c])
    assert len(leaves) > 2
    for selected in (roots, leaves, below):
        labels, strength = tree._label(selected)
        assert np.array_equal(labels, _reference_labels(tree, selected))
        assert ((strength > 0) == (labels >= 0)).all()
