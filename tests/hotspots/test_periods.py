"""Panel periods and per-period Gi* against hand-computed values and known truth."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geodata.errors import InputDataError
from hotspots.gistar import gi_star, gi_star_z
from hotspots.periods import (
    PERIOD_COLUMNS,
    assign_periods,
    make_periods,
    period_counts,
    period_hot,
    pooled_z,
    previous_panel_date,
)
from tests.lattice_cases import SIDE, cluster, lattice


def test_last_fortnight_ends_on_the_panel_date_and_periods_tile_back_to_start():
    """Fortnights end at the panel date's midnight and reach back over the start."""
    periods = make_periods(pd.Timestamp("2026-01-10 09:30"), date(2026, 3, 3))
    assert list(periods.columns) == PERIOD_COLUMNS
    assert periods["end"].iloc[-1] == pd.Timestamp("2026-03-04")
    assert periods["start"].iloc[-1] == pd.Timestamp("2026-02-18")
    assert periods["start"].iloc[0] <= pd.Timestamp("2026-01-10 09:30")
    assert periods["start"].iloc[0] > pd.Timestamp("2025-12-27")
    assert (periods["end"].iloc[:-1].to_numpy() == periods["start"].iloc[1:]).all()
    assert list(periods["period"]) == list(range(len(periods)))
    assert ((periods["end"] - periods["start"]).dt.days == 14).all()


def test_28_day_periods():
    """'28 days' steps back four weeks at a time."""
    periods = make_periods(pd.Timestamp("2026-01-01"), date(2026, 3, 31), "28 days")
    assert ((periods["end"] - periods["start"]).dt.days == 28).all()
    assert periods["end"].iloc[-1] == pd.Timestamp("2026-04-01")
    assert len(periods) == 4


def test_months_are_calendar_months_when_the_panel_is_on_a_month_end():
    """A panel on 30 November gives 1 Nov-30 Nov, 1 Oct-31 Oct, ..."""
    periods = make_periods(pd.Timestamp("2026-08-15"), date(2026, 11, 30), "month")
    assert list(periods["start"].dt.strftime("%Y-%m-%d")) == [
        "2026-08-01",
        "2026-09-01",
        "2026-10-01",
        "2026-11-01",
    ]
    assert periods["end"].iloc[-1] == pd.Timestamp("2026-12-01")


def test_months_run_day_to_day_when_the_panel_is_mid_month():
    """A panel on 18 November gives 19 Oct-18 Nov, 19 Sep-18 Oct."""
    periods = make_periods(pd.Timestamp("2026-10-01"), date(2026, 11, 18), "month")
    assert list(periods["start"].dt.strftime("%m-%d")) == ["09-19", "10-19"]
    assert periods["end"].iloc[-1] == pd.Timestamp("2026-11-19")


def test_previous_panel_date_is_one_period_back():
    """The previous panel met one fortnight (or month) earlier."""
    assert previous_panel_date(date(2026, 11, 30)) == date(2026, 11, 16)
    assert previous_panel_date(date(2026, 3, 31), "month") == date(2026, 2, 28)


def test_bad_length_and_a_panel_before_the_data_are_refused():
    """Unknown lengths and panel dates before the first incident say how to fix."""
    with pytest.raises(InputDataError, match="period length must be one of"):
        make_periods(pd.Timestamp("2026-01-01"), date(2026, 2, 1), "week")
    with pytest.raises(InputDataError, match="before the first incident"):
        make_periods(pd.Timestamp("2026-03-01"), date(2026, 2, 1))


def test_assign_periods_puts_edges_in_the_right_period():
    """A period's first instant is in it; the day after the panel date is not."""
    periods = make_periods(pd.Timestamp("2026-02-05"), date(2026, 3, 3))
    when = pd.Series(
        pd.to_datetime(
            [
                "2026-02-18 00:00",  # first instant of the last period
                "2026-02-17 23:59",  # end of the one before
                "2026-03-03 23:59",  # the panel date itself
                "2026-03-04 00:00",  # after the panel date
                "2025-12-01 12:00",  # before every period
                None,
            ]
        )
    )
    last = len(periods) - 1
    np.testing.assert_array_equal(
        assign_periods(when, periods), [last, last - 1, last, -1, -1, -1]
    )


@pytest.mark.parametrize("length", ["fortnight", "28 days", "month"])
def test_assign_periods_equals_a_search_of_the_period_edges(length):
    """Random stamps, every edge, NaT and far-off dates get the period a binary
    search of the edges gives (arithmetic is used for periods of one length)."""
    rng = np.random.default_rng(7)
    periods = make_periods(pd.Timestamp("2024-03-05 10:00"), date(2026, 11, 30), length)
    edges = pd.DatetimeIndex(np.append(periods["start"], periods["end"].iloc[-1]))
    stamps = pd.to_datetime(
        rng.integers(edges[0].value - 10**16, edges[-1].value + 10**16, 3000)
    )
    when = pd.Series(
        [*stamps, *edges, *(edges - pd.Timedelta(1)), None, "1700-01-01", "2250-06-01"]
    ).astype("datetime64[ns]")
    stamps_ns = when.to_numpy().astype(np.int64)
    found = np.searchsorted(edges.as_unit("ns").asi8, stamps_ns, "right") - 1
    expected = np.where(when.isna() | (found >= len(periods)), -1, found)
    np.testing.assert_array_equal(assign_periods(when, periods), expected)


def test_period_counts_bins_cell_and_period_pairs():
    """Three incidents in (cell 1, period 0), one in (cell 2, period 1)."""
    counts = period_counts(
        np.array([1, 1, 1, 2, -1, 0]), np.array([0, 0, 0, 1, 0, -1]), 3, 2
    )
    np.testing.assert_array_equal(counts, [[0, 0], [3, 0], [0, 1]])


def test_gi_star_z_matches_esda_in_every_period():
    """The vectorised per-period z equals the main map's esda Gi* z column by column."""
    rng = np.random.default_rng(3)
    w = lattice()
    counts = rng.negative_binomial(2, 0.6, (SIDE * SIDE, 4))
    z = gi_star_z(counts, w)
    for p in range(4):
        np.testing.assert_allclose(z[:, p], gi_star(counts[:, p], w, alpha=0.05).z)


def test_pooled_z_of_one_period_is_the_period_z():
    """With a single period the space-time z is the ordinary Gi* z."""
    counts = np.random.default_rng(5).poisson(1.0, (SIDE * SIDE, 1))
    w = lattice()
    np.testing.assert_allclose(pooled_z(counts, w), gi_star_z(counts, w))


def test_period_hot_agrees_with_the_main_test_on_a_single_strong_context():
    """A strong context is hot in its period, as ``gi_star`` finds it."""
    rng = np.random.default_rng(8)
    w = lattice()
    bg = rng.integers(0, SIDE * SIDE, 150)
    cells = np.r_[bg, cluster(rng, 210, 40)]
    periods = np.zeros(len(cells), int)
    _, hot = period_hot(cells, periods, SIDE * SIDE, w, 1, 0.05)
    main = gi_star(np.bincount(cells, minlength=SIDE * SIDE), w, alpha=0.05)
    assert main.hot[210]
    assert hot[210, 0]
    assert (hot[:, 0] >= main.hot).all()


def test_refitted_null_finds_a_context_a_stronger_one_hides():
    """One fortnight: a 100-incident context hides a 20-incident one from the
    single-pass test; re-fitting the null outside the first finds both."""
    rng = np.random.default_rng(1)
    w = lattice()
    cells = np.r_[
        rng.integers(0, SIDE * SIDE, 120),
        cluster(rng, 5 * SIDE + 5, 100),
        cluster(rng, 14 * SIDE + 14, 20),
    ]
    counts = np.bincount(cells, minlength=SIDE * SIDE)
    single = gi_star(counts, w, alpha=0.05)
    _, hot = period_hot(cells, np.zeros(len(cells), int), SIDE * SIDE, w, 1, 0.05)
    assert not single.hot[14 * SIDE + 14]
    assert hot[5 * SIDE + 5, 0]
    assert hot[14 * SIDE + 14, 0]


def test_random_periods_have_no_hot_cells():
    """Complete spatial randomness in 10 fortnights x 5 seeds: nothing is hot."""
    w = lattice()
    for seed in range(5):
        rng = np.random.default_rng(seed)
        cells = rng.integers(0, SIDE * SIDE, 1500)
        periods = rng.integers(0, 10, 1500)
        _, hot = period_hot(cells, periods, SIDE * SIDE, w, 10, 0.05)
        assert hot.sum() == 0, f"seed {seed}"


def test_time_window_adds_the_previous_period():
    """With a 2-period window a context in period 0 is still hot in period 1."""
    rng = np.random.default_rng(2)
    w = lattice()
    cells = np.r_[rng.integers(0, SIDE * SIDE, 200), cluster(rng, 210, 40)]
    periods = np.r_[rng.integers(0, 2, 200), np.zeros(40, int)]
    _, alone = period_hot(cells, periods, SIDE * SIDE, w, 2, 0.05)
    _, smeared = period_hot(cells, periods, SIDE * SIDE, w, 2, 0.05, time_window=2)
    assert alone[210, 0]
    assert not alone[210, 1]
    assert smeared[210, 1]
    with pytest.raises(InputDataError, match="time window must be at least 1"):
        period_hot(cells, periods, SIDE * SIDE, w, 2, 0.05, time_window=0)
