"""Weighted HDBSCAN: agrees with scikit-learn, and a weight counts like repeats."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import HDBSCAN
from sklearn.metrics import adjusted_rand_score

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
