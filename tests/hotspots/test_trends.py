"""Trend classes and tests against hand-computed values and planted histories."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspots.gistar import gi_star, lattice_weights
from hotspots.periods import period_counts
from hotspots.timeline import cell_trends
from hotspots.trends import (
    TREND_CLASSES,
    classify_trends,
    recent_change,
    trend_note,
    trend_of_area,
)

SIDE, CELL = 20, 250.0  # a 5 km square of 250 m cells


def _pattern(text: str) -> np.ndarray:
    return np.array([c == "#" for c in text])


def test_classify_trends_follows_the_rule_table():
    """One hand-made 12-period history per class (z rising or falling where
    needed; 10 incidents where hot, 1 where not), against a flat map."""
    flat, rising = np.zeros(12), np.arange(12.0)
    cases = {
        "none": ("............", flat),
        "new": ("...........#", flat),
        "emerging": (".........###", flat),
        "intensifying": ("############", rising),
        "diminishing": ("############", -rising),
        "persistent": ("##########.#", flat),
        "historical": ("#######.....", flat),
        "intermittent": ("#..#..#..#.#", flat),
    }
    hot = np.array([_pattern(p) for p, _ in cases.values()])
    z = np.array([zz for _, zz in cases.values()])
    counts = np.where(hot, 10.0, 1.0)
    got = classify_trends(hot, z, counts, reference=np.ones(12))
    assert list(got) == list(cases)
    assert set(got) <= set(TREND_CLASSES)


def test_hot_flags_without_a_change_in_counts_claim_no_change():
    """The new, emerging and historical hot patterns with steady counts (5 a
    period) are on-and-off ('intermittent'): the flags alone prove no change."""
    hot = np.array(
        [_pattern(p) for p in ("...........#", ".........###", "#######.....")]
    )
    steady = np.full((3, 12), 5.0)
    got = classify_trends(hot, np.zeros((3, 12)), steady, reference=np.ones(12))
    assert list(got) == ["intermittent"] * 3


def test_a_single_hot_period_long_ago_is_no_pattern():
    """Hot once, ten periods ago, in 12: below 10% and not recent, so 'none'."""
    hot = _pattern("..#.........")[None, :]
    assert classify_trends(hot, np.zeros((1, 12)), np.ones((1, 12)))[0] == "none"


def test_recent_change_by_hand():
    """Flat 10 a period is 'same'; 30 in each of the last 3 'up'; 0 'down';
    a small, noisy row needs more than a doubling to count."""
    flat = np.full(20, 10.0)
    up = flat.copy()
    up[-3:] = 30
    down = flat.copy()
    down[-3:] = 0
    small = np.full(20, 1.0)
    small[-3:] = 2
    got = recent_change(np.array([flat, up, down, small]))
    assert list(got) == ["same", "up", "down", "same"]


def test_an_area_is_hot_when_its_hot_cells_hold_half_its_incidents():
    """Area A: its busy cell is hot (hot); area B: only a quiet cell is (not)."""
    always, never = _pattern("#" * 8), _pattern("." * 8)
    hot = np.array([always, never, always, never, never, never])
    per_period = np.array([5, 1, 1, 5, 5, 9])[:, None] * np.ones(8, int)
    cell_area = np.array(["A", "A", "B", "B", "B", ""], dtype=object)
    got = trend_of_area(hot, per_period, cell_area)
    assert list(got.index) == ["A", "B"]
    assert list(got.columns) == ["trend", "recent"]
    assert got.loc["A", "trend"] == "persistent"
    assert got.loc["B", "trend"] == "none"


def test_trend_note_warns_about_short_or_thin_series():
    """Fewer than 6 periods or thin periods give a caution; small counts hidden."""
    assert "tentative" in trend_note(4, 100, "fortnight")
    assert trend_note(20, 100, "fortnight") == ""
    thin = trend_note(20, 3, "fortnight", threshold=5)
    assert "Fewer than 5 incidents a fortnight" in thin
    assert "3" not in thin


def _world(seed: int, n_periods: int, rate: int = 15):
    """Uniform background plus five planted contexts with known histories."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_periods)
    histories = {
        "new": ((1000, 1000), np.where(t == n_periods - 1, 2 * rate, 0)),
        "growing": ((4000, 1000), np.round(np.linspace(1, 2 * rate, n_periods))),
        "persistent": ((2500, 2500), np.full(n_periods, rate)),
        "historical": ((1000, 4000), np.where(t < n_periods // 2, rate, 0)),
        "emerging": ((4000, 4000), np.where(t >= n_periods - 3, rate, 0)),
    }
    xs, ys, ps = [], [], []
    for (cx, cy), per_period in histories.values():
        n = rng.poisson(per_period)
        xs.append(cx + rng.normal(0, 60, n.sum()))
        ys.append(cy + rng.normal(0, 60, n.sum()))
        ps.append(np.repeat(t, n))
    bg = rng.poisson(100, n_periods)
    xs.append(rng.uniform(0, SIDE * CELL, bg.sum()))
    ys.append(rng.uniform(0, SIDE * CELL, bg.sum()))
    ps.append(np.repeat(t, bg))
    x = np.clip(np.concatenate(xs), 0, SIDE * CELL - 1e-6)
    y = np.clip(np.concatenate(ys), 0, SIDE * CELL - 1e-6)
    cells = (y // CELL).astype(int) * SIDE + (x // CELL).astype(int)
    centres = {
        k: int(cy // CELL) * SIDE + int(cx // CELL)
        for k, ((cx, cy), _) in histories.items()
    }
    return cells, np.concatenate(ps), centres


def _classes(cells: np.ndarray, periods: np.ndarray, n_periods: int) -> pd.Series:
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    w = lattice_weights(rows, cols)
    total = period_counts(cells, periods, SIDE * SIDE, n_periods).sum(axis=1)
    main_hot = gi_star(total, w, alpha=0.05).hot
    got = cell_trends(cells, periods, w, n_periods, 0.05, main_hot=main_hot)
    return pd.Series(got.trend)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_histories_get_their_classes(seed):
    """20 fortnights: new, growing, steady, stopped-halfway and last-6-weeks
    contexts come out new, intensifying/emerging, persistent, historical and
    emerging; cells far from every context are almost all 'none'."""
    cells, periods, centres = _world(seed, 20)
    got = _classes(cells, periods, 20)
    assert got[centres["new"]] == "new"
    assert got[centres["growing"]] in {"intensifying", "emerging"}
    assert got[centres["persistent"]] == "persistent"
    assert got[centres["historical"]] == "historical"
    assert got[centres["emerging"]] == "emerging"
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    far = np.ones(SIDE * SIDE, bool)
    for centre in centres.values():
        r, c = divmod(centre, SIDE)
        far &= (np.abs(rows - r) > 3) | (np.abs(cols - c) > 3)
    assert (got[far] == "none").mean() >= 0.95


def test_planted_changes_are_recalled_in_20_seeds():
    """Over 20 seeds the change tests keep the recall the hot flags alone had:
    new 19/20, growing 20/20, steady 'persistent' 19/20 (now 20), stopped
    'historical' 20/20, last-6-weeks 'emerging' 20/20."""
    wanted = {
        "new": {"new"},
        "growing": {"intensifying", "emerging"},
        "persistent": {"persistent"},
        "historical": {"historical"},
        "emerging": {"emerging"},
    }
    hits = dict.fromkeys(wanted, 0)
    for seed in range(20):
        cells, periods, centres = _world(seed, 20)
        got = _classes(cells, periods, 20)
        for name, classes in wanted.items():
            hits[name] += got[centres[name]] in classes
    assert hits["new"] >= 19, hits
    assert hits["persistent"] >= 19, hits
    assert hits["growing"] == hits["historical"] == hits["emerging"] == 20, hits


def test_random_histories_have_no_classes():
    """Complete spatial randomness over 20 fortnights: every cell is 'none'."""
    for seed in range(3):
        rng = np.random.default_rng(100 + seed)
        n = rng.poisson(150, 20)
        cells = rng.integers(0, SIDE * SIDE, n.sum())
        got = _classes(cells, np.repeat(np.arange(20), n), 20)
        assert (got == "none").all(), got.value_counts().to_dict()
