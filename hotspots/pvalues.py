"""Tail probabilities and the Benjamini-Hochberg adjustment, from ``scipy.special``.

``scipy.stats`` computes these same functions by calling ``scipy.special``, but
importing it builds documentation for a hundred distributions and costs about a
second at every start of ``cli.py``; detection needs only these six. Each is
tested equal to its ``scipy.stats`` counterpart (tests/hotspots/test_pvalues.py).
"""

from __future__ import annotations

import numpy as np
from scipy import special


def poisson_sf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Return P(X > k) for X ~ Poisson(mu) (``scipy.stats.poisson.sf``)."""
    k = np.floor(np.asarray(k, float))
    return np.where(k < 0, 1.0, special.pdtrc(np.maximum(k, 0), mu))


def poisson_cdf(k: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Return P(X <= k) for X ~ Poisson(mu) (``scipy.stats.poisson.cdf``)."""
    k = np.floor(np.asarray(k, float))
    return np.where(k < 0, 0.0, special.pdtr(np.maximum(k, 0), mu))


def nbinom_sf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return P(X > k) for X ~ NegativeBinomial(n, p) (``scipy.stats.nbinom.sf``)."""
    k = np.floor(np.asarray(k, float))
    return np.where(k < 0, 1.0, special.betaincc(n, np.maximum(k, 0) + 1, p))


def nbinom_cdf(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Return P(X <= k) for X ~ NegativeBinomial(n, p) (``scipy.stats.nbinom.cdf``)."""
    k = np.floor(np.asarray(k, float))
    return np.where(k < 0, 0.0, special.betainc(n, np.maximum(k, 0) + 1, p))


def normal_sf(z: np.ndarray) -> np.ndarray:
    """Return P(Z > z) for a standard normal Z (``scipy.stats.norm.sf``)."""
    return special.ndtr(-np.asarray(z, float))


def bh_adjusted(p: np.ndarray) -> np.ndarray:
    """Return Benjamini-Hochberg adjusted p-values (q-values), in input order.

    The same as ``scipy.stats.false_discovery_control(p, method="bh")``: the
    i-th smallest p times n / i, made monotone from the largest down, capped at 1.
    """
    p = np.asarray(p, float)
    if p.size == 0:
        return p.copy()
    order = np.argsort(p, kind="stable")
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty_like(ranked)
    adjusted[order] = np.minimum(ranked, 1.0)
    return adjusted
