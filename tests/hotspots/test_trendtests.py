"""Mann-Kendall, rise and fall tests against hand-computed values and simulation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special, stats

from hotspots.trendtests import binomial_tails, discovered, mann_kendall, shift_p_values


def test_mann_kendall_matches_a_hand_computed_example():
    """x = 1 3 2 5 4: S = 4 + 1 + 2 - 1 = 6, Var = 5*4*15/18, z = 5/sqrt(Var)."""
    mk = mann_kendall(np.array([1, 3, 2, 5, 4]), autocorrelation=False)
    assert mk.s[0] == 6
    assert mk.var[0] == pytest.approx(50 / 3)
    assert mk.z[0] == pytest.approx(5 / np.sqrt(50 / 3))
    assert mk.p[0] == pytest.approx(0.22067136, abs=1e-6)


def test_mann_kendall_tie_correction_by_hand():
    """x = 1 2 2 3: S = 5; one tie of 2 removes 2*1*9 from 4*3*13: Var = 138/18."""
    mk = mann_kendall(np.array([[1, 2, 2, 3], [3, 2, 2, 1]]), autocorrelation=False)
    np.testing.assert_array_equal(mk.s, [5, -5])
    np.testing.assert_allclose(mk.var, [138 / 18, 138 / 18])
    np.testing.assert_allclose(mk.z, [4 / np.sqrt(138 / 18), -4 / np.sqrt(138 / 18)])


def test_autocorrelation_correction_calms_ar1_noise_but_keeps_real_trends():
    """AR(1) noise (rho 0.5, 26 steps): plain MK finds 'trends' in ~23% of series;
    corrected, under half that; a real trend is still found in >= 70%."""
    rng = np.random.default_rng(0)
    e = rng.normal(size=(1000, 26))
    x = np.zeros_like(e)
    x[:, 0] = e[:, 0]
    for t in range(1, 26):
        x[:, t] = 0.5 * x[:, t - 1] + e[:, t]
    plain = (mann_kendall(x, autocorrelation=False).p <= 0.05).mean()
    corrected = (mann_kendall(x).p <= 0.05).mean()
    assert plain > 0.15
    assert corrected < plain / 2 + 0.01
    white = rng.normal(size=(1000, 26))
    assert (mann_kendall(white).p <= 0.05).mean() <= 0.06
    trend = white + 0.08 * np.arange(26)
    assert (mann_kendall(trend).p <= 0.05).mean() >= 0.7


def test_shift_p_values_by_hand():
    """Row 2 2 2 6 against a flat map: K = 6 of N = 12 in the last period,
    Binomial(12, 1/4): P(K >= 6) = 0.0544, P(K <= 6) = 0.9857; with the map
    twice as busy in the last period the share is 2/5."""
    rise, fall = shift_p_values(np.array([[2, 2, 2, 6]]), 1, np.ones(4))
    assert rise[0] == pytest.approx(stats.binom.sf(5, 12, 0.25))
    assert rise[0] == pytest.approx(0.0544, abs=1e-4)
    assert fall[0] == pytest.approx(stats.binom.cdf(6, 12, 0.25))
    busy_end, _ = shift_p_values(np.array([[2, 2, 2, 6]]), 1, np.array([1, 1, 1, 2]))
    assert busy_end[0] == pytest.approx(stats.binom.sf(5, 12, 0.4))
    none, never = shift_p_values(np.zeros((1, 4)), 1)
    assert none[0] == 1.0
    assert never[0] == 1.0


def test_shift_p_values_scale_by_pooled_over_dispersion():
    """Rows 6 14 6 14 against a flat map (expected 10 a period): successive
    differences 8, -8, 8 give phi = 3 * 64 / (3 * 20) = 3.2, and K = 14, N = 40
    are divided by it before the binomial tail."""
    rows = np.tile([6.0, 14.0, 6.0, 14.0], (5, 1))
    phi = 3 * 64 / (3 * 20)
    rise, _ = shift_p_values(rows, 1, np.ones(4))
    k, n = 14 / phi, 40 / phi
    assert rise[0] == pytest.approx(special.betainc(k, n - k + 1, 1 / 4))
    assert rise[0] > stats.binom.sf(13, 40, 1 / 4)


def test_a_stop_or_a_trend_barely_inflates_the_dispersion():
    """Steady Poisson rows plus rows that stopped halfway or doubled in a
    line: the pooled dispersion stays near 1, so the stop keeps its binomial
    p-value; measured around each row's mean it would be about 13."""
    rng = np.random.default_rng(0)
    steady = rng.poisson(25, (3, 16)).astype(float)
    stopped = np.r_[np.full(8, 25.0), np.zeros(8)]
    rising = np.round(np.linspace(20, 40, 16))
    rows = np.vstack([steady, stopped, stopped, rising])
    _, fall = shift_p_values(rows, 3, np.ones(16))
    assert fall[3] == pytest.approx(stats.binom.cdf(0, 200, 3 / 16), rel=1e-6)
    pearson = ((stopped - 12.5) ** 2 / 12.5).sum() / 15
    assert pearson > 13


def test_binomial_tails_interpolate_between_whole_counts():
    """At whole numbers the tails are the binomial's; between, they lie between."""
    k = np.array([0.0, 3.0, 3.5, 4.0, 10.0])
    n = np.full(5, 10.0)
    rise, fall = binomial_tails(k, n, 0.3)
    np.testing.assert_allclose(
        rise[[0, 1, 3, 4]], stats.binom.sf([-1, 2, 3, 9], 10, 0.3)
    )
    np.testing.assert_allclose(
        fall[[0, 1, 3, 4]], stats.binom.cdf([0, 3, 4, 10], 10, 0.3)
    )
    assert rise[3] < rise[2] < rise[1]
    assert fall[1] < fall[2] < fall[3]


def test_discovered_is_benjamini_hochberg():
    """p = .001 .02 .03 .5 at 5%: BH passes the first three (.03 <= 3 x .05 / 4)."""
    got = discovered(np.array([0.03, 0.5, 0.001, 0.02]), 0.05)
    assert got.tolist() == [True, False, True, True]
    assert discovered(np.array([]), 0.05).shape == (0,)


def test_mann_kendall_equals_the_textbook_double_loop_on_tied_data():
    """S and the tie-corrected Var(S) equal pair-by-pair and group-by-group sums
    on small-integer rows full of ties (and constant rows)."""
    rng = np.random.default_rng(11)
    x = rng.integers(0, 4, (60, 9)).astype(float)
    x[:3] = 2.0
    mk = mann_kendall(x, autocorrelation=False)
    n = x.shape[1]
    for row, got_s, got_var in zip(x, mk.s, mk.var, strict=True):
        s = sum(np.sign(row[j] - row[i]) for i in range(n) for j in range(i + 1, n))
        _, t = np.unique(row, return_counts=True)
        var = (n * (n - 1) * (2 * n + 5) - (t * (t - 1) * (2 * t + 5)).sum()) / 18
        assert got_s == s
        assert got_var == var


def test_binomial_tails_of_repeated_pairs_equal_each_computed_alone():
    """Rows sharing a (k, n) pair get exactly the tails computed one row at a time."""
    rng = np.random.default_rng(2)
    n = rng.integers(0, 6, 200).astype(float) / 1.3
    k = np.minimum(rng.integers(0, 6, 200) / 1.3, n)
    rise, fall = binomial_tails(k, n, 0.3)
    for i in range(len(k)):
        one_rise, one_fall = binomial_tails(k[i : i + 1], n[i : i + 1], 0.3)
        assert (rise[i], fall[i]) == (one_rise[0], one_fall[0])
    assert rise[k == 0].tolist() == [1.0] * int((k == 0).sum())


def test_mann_kendall_with_a_missing_value_keeps_the_other_rows():
    """A NaN makes its own row's S NaN (as the sign sums do); the rest are exact."""
    rng = np.random.default_rng(12)
    x = rng.integers(0, 4, (20, 8)).astype(float)
    clean = mann_kendall(x, autocorrelation=False)
    x[5, 3] = np.nan
    mk = mann_kendall(x, autocorrelation=False)
    assert np.isnan(mk.s[5])
    others = np.arange(20) != 5
    assert np.array_equal(mk.s[others], clean.s[others])
