"""Tests for the most valuable walk that fits a session (outreach.orienteering)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from outreach.orienteering import best_walk


def _brute_force(minutes, value, dwell, budget, start=0) -> tuple[float, int]:
    """Best (value, walking minutes) over every ordered subset, by enumeration."""
    n = len(minutes)
    best = (-1.0, 0)
    others = [i for i in range(n) if i != start]
    for size in range(len(others) + 1):
        for chosen in itertools.permutations(others, size):
            path = [start, *chosen]
            walk = sum(minutes[a][b] for a, b in itertools.pairwise(path))
            if walk + dwell * len(path) <= budget:
                got = (sum(value[i] for i in path), -walk)
                best = max(best, got)
    return best[0], -best[1]


def _walk_of(walk, minutes) -> int:
    return sum(minutes[a][b] for a, b in itertools.pairwise(walk.order))


@pytest.mark.parametrize("seed", range(6))
def test_matches_brute_force_on_small_random_cases(seed: int) -> None:
    """Seven stops, random walks and values: the best value, then the least walk."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 800, size=(7, 2))
    minutes = np.ceil(np.hypot(*(xy[:, None] - xy[None, :]).transpose(2, 0, 1)) / 80)
    minutes = minutes.astype(int)
    value = rng.integers(5, 100, size=7)
    walk = best_walk(minutes, value, 20, 100, time_limit_s=0.3)
    want_value, want_walk = _brute_force(minutes, value, 20, 100)
    assert sum(value[i] for i in walk.order) == want_value
    assert _walk_of(walk, minutes) == want_walk
    assert walk.order[0] == 0
    assert walk.arrive[-1] + 20 <= 100
    assert sorted(walk.order + walk.skipped) == list(range(7))


def test_more_stops_than_brute_force_uses_routing() -> None:
    """Twelve stops in a line 3 minutes apart, 5 minutes each, 40 minutes: five fit."""
    xs = np.arange(12) * 3
    minutes = np.abs(xs[:, None] - xs[None, :])
    walk = best_walk(minutes, [10] * 12, 5, 40, time_limit_s=0.3)
    assert walk.order == [0, 1, 2, 3, 4]
    assert walk.arrive == [0, 8, 16, 24, 32]
    everything = best_walk(minutes, [10] * 12, 5, None, time_limit_s=0.3)
    assert everything.order == list(range(12))


def test_too_short_for_even_the_first_stop() -> None:
    """A session shorter than one dwell visits only its start."""
    walk = best_walk(np.zeros((3, 3), dtype=int), [1, 1, 1], 30, 20, start=1)
    assert walk.order == [1]
    assert walk.skipped == [0, 2]
    with pytest.raises(ValueError, match="start must be an index below 3"):
        best_walk(np.zeros((3, 3), dtype=int), [1, 1, 1], 30, 20, start=3)
