"""hotspots.pvalues agrees with scipy.stats, deep into the tails."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hotspots.pvalues import (
    bh_adjusted,
    nbinom_cdf,
    nbinom_sf,
    normal_sf,
    poisson_cdf,
    poisson_sf,
)

K = np.array([-3.0, -1.0, 0.0, 0.5, 1.0, 4.0, 17.0, 80.0, 400.0, 2_000.0])


@pytest.mark.parametrize("mu", [0.01, 0.7, 9.0, 79.1, 700.0])
def test_poisson_tails_equal_scipy_stats(mu):
    """Poisson sf and cdf equal scipy.stats, negative counts included."""
    np.testing.assert_allclose(poisson_sf(K, mu), stats.poisson.sf(K, mu), rtol=1e-12)
    np.testing.assert_allclose(poisson_cdf(K, mu), stats.poisson.cdf(K, mu), rtol=1e-12)


@pytest.mark.parametrize(
    ("n", "p"), [(0.3, 0.01), (0.77, 0.0096), (5.0, 0.4), (90, 0.9)]
)
def test_negative_binomial_tails_equal_scipy_stats(n, p):
    """Negative binomial sf and cdf equal scipy.stats, down to tiny tails."""
    np.testing.assert_allclose(
        nbinom_sf(K, n, p), stats.nbinom.sf(K, n, p), rtol=1e-10, atol=1e-300
    )
    np.testing.assert_allclose(
        nbinom_cdf(K, n, p), stats.nbinom.cdf(K, n, p), rtol=1e-10, atol=1e-300
    )
    assert nbinom_sf(np.array([-1.0]), n, p)[0] == 1.0


def test_normal_tail_equals_scipy_stats():
    """The normal upper tail equals scipy.stats.norm.sf."""
    z = np.linspace(-9, 38, 200)
    np.testing.assert_allclose(normal_sf(z), stats.norm.sf(z), rtol=1e-12, atol=0)


@pytest.mark.parametrize("seed", range(5))
def test_bh_equals_scipy_false_discovery_control(seed):
    """BH q-values equal scipy's, with ties, ones and very small p-values."""
    rng = np.random.default_rng(seed)
    p = np.concatenate(
        [rng.uniform(size=300), rng.uniform(0, 1e-6, 20), [1.0, 1.0, 0.02, 0.02]]
    )
    rng.shuffle(p)
    np.testing.assert_allclose(
        bh_adjusted(p), stats.false_discovery_control(p, method="bh"), rtol=1e-12
    )
    assert bh_adjusted(np.array([])).size == 0


@pytest.mark.parametrize(
    ("shape", "reach"), [((40, 55), 3), ((7, 9), 10), ((1, 30), 0)]
)
def test_density_convolution_equals_fftconvolve(shape, reach):
    """The density surface's FFT convolution equals scipy.signal.fftconvolve."""
    from scipy.signal import fftconvolve

    from hotspots.density import _convolve_same, _quartic_stencil

    image = np.random.default_rng(3).poisson(2.0, shape).astype(float)
    stencil = _quartic_stencil(100.0 * reach + 50.0, 100.0)
    np.testing.assert_allclose(
        _convolve_same(image, stencil),
        fftconvolve(image, stencil, mode="same"),
        atol=1e-12,
    )
