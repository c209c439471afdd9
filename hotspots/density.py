"""Kernel density ("heat") surface of incidents on the analysis grid.

The surface follows sfhotspot's ``hotspot_kde`` (quartic kernel, as in SpatialKDE)
with two deliberate differences:

* The automatic bandwidth uses both axes. sfhotspot's ``bandwidth_nrd_sf`` calls
  ``mean(bw(x), bw(y))``, which R reads as ``mean(bw(x), trim = bw(y))``, so only
  the x axis counts (see /work/shared/notes/hotspot-methods.md). Here each axis gets
  MASS's ``bandwidth.nrd`` rule, ``4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5)``, and
  the two are averaged.
* Values are densities in incidents per km^2 (the kernel integrates to one), so the
  surface summed over cells times the cell area gives back the incidents.

It is computed on the lattice, not point by point: incidents are linearly binned
onto cell centres (each shares its weight among the four nearest centres), and the
binned counts are convolved once with the discretised kernel by FFT. That costs one
``bincount`` over the incidents plus an FFT of the grid, whatever the number of
incidents.

Disclosure control: a smooth surface can still show one incident as a round blob
centred on where it happened. So a cell's value is shown only where the
kernel-weighted effective number of incidents within the bandwidth,
``sum_i K(d_i) / K(0)`` (an incident at the cell centre counts 1, one at the
bandwidth's edge counts 0), reaches the disclosure threshold. Cells with some but too
few incidents nearby are NaN; cells with none within the bandwidth are 0, which is
structural and discloses nothing, as with counts in ``geodata.disclosure``.
"""

from __future__ import annotations

import logging
import math

import numpy as np
from scipy import fft

from geodata.errors import InputDataError
from hotspots.grid import Grid

log = logging.getLogger(__name__)

KERNEL = "quartic"
# FFT round-off leaves values of about 1e-13 where no kernel reaches; below this
# effective count a cell is treated as having no incident within the bandwidth.
_ZERO_EFFECTIVE = 1e-6
_M2_PER_KM2 = 1e6


def bandwidth_nrd(values: np.ndarray) -> float:
    """Return MASS's ``bandwidth.nrd`` rule of thumb for one axis, in metres.

    ``4 * 1.06 * min(sd, IQR / 1.34) * n^(-1/5)`` with the sample standard deviation
    (n - 1) and R's default (linear) quantiles, as sfhotspot uses it.
    """
    values = np.asarray(values, float)
    n = len(values)
    if n < 2:
        return 0.0
    q25, q75 = np.quantile(values, [0.25, 0.75])
    spread = min(float(np.std(values, ddof=1)), float(q75 - q25) / 1.34)
    return 4 * 1.06 * spread * n ** (-1 / 5)


def choose_bandwidth(x: np.ndarray, y: np.ndarray, cell_size: float) -> dict:
    """Choose a kernel bandwidth from the spread of incidents on both axes.

    The mean of the x and y rule-of-thumb bandwidths (``bandwidth_nrd``), never
    smaller than the cell size.

    Returns
    -------
    dict
        ``bandwidth_m``, ``bandwidth_rule`` and the per-axis figures.
    """
    bw_x, bw_y = bandwidth_nrd(x), bandwidth_nrd(y)
    raw = (bw_x + bw_y) / 2
    rule = "rule of thumb 4 x 1.06 x min(sd, IQR/1.34) x n^(-1/5), mean of x and y"
    return {
        **_at_least_cell(raw, cell_size, rule),
        "bandwidth_x_m": round(bw_x, 1),
        "bandwidth_y_m": round(bw_y, 1),
    }


def _at_least_cell(bandwidth: float, cell_size: float, rule: str) -> dict:
    if bandwidth >= cell_size:
        return {"bandwidth_m": float(bandwidth), "bandwidth_rule": rule}
    log.warning(
        "bandwidth %.0f m (%s) is smaller than the %.0f m cell; raised to the cell "
        "size",
        bandwidth,
        rule,
        cell_size,
    )
    return {
        "bandwidth_m": float(cell_size),
        "bandwidth_rule": f"{rule}, raised from {bandwidth:.0f} m to the cell size",
    }


def _quartic_stencil(bandwidth: float, cell: float) -> np.ndarray:
    """Return the quartic kernel at cell offsets, normalised to sum to one."""
    reach = math.ceil(bandwidth / cell)
    offsets = np.arange(-reach, reach + 1) * cell
    d2 = offsets[:, None] ** 2 + offsets[None, :] ** 2
    u2 = d2 / bandwidth**2
    stencil = np.where(u2 < 1, (1 - u2) ** 2, 0.0)
    # Normalising the sampled kernel (rather than using 3 / (pi h^2)) keeps the
    # total exact even when the bandwidth is only a cell or two wide.
    return stencil / stencil.sum()


def _linear_bin(
    x: np.ndarray, y: np.ndarray, x0: float, y0: float, cell: float, shape: tuple
) -> np.ndarray:
    """Share each point among the four nearest cell centres (bilinear weights)."""
    n_rows, n_cols = shape
    # Position in cell-centre units: centre (r, c) sits at (c + 0.5, r + 0.5) cells.
    gx = (x - x0) / cell - 0.5
    gy = (y - y0) / cell - 0.5
    c0 = np.floor(gx).astype(np.int64)
    r0 = np.floor(gy).astype(np.int64)
    fx = gx - c0
    fy = gy - r0
    binned = np.zeros(n_rows * n_cols)
    for dr, dc, w in (
        (0, 0, (1 - fy) * (1 - fx)),
        (0, 1, (1 - fy) * fx),
        (1, 0, fy * (1 - fx)),
        (1, 1, fy * fx),
    ):
        r, c = r0 + dr, c0 + dc
        ok = (r >= 0) & (r < n_rows) & (c >= 0) & (c < n_cols)
        binned += np.bincount(
            r[ok] * n_cols + c[ok], weights=w[ok], minlength=n_rows * n_cols
        )
    return binned.reshape(n_rows, n_cols)


def _convolve_same(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Convolve by FFT, keeping ``image``'s shape (``fftconvolve(mode="same")``).

    The few lines of ``scipy.signal.fftconvolve`` this needs, with ``scipy.fft``:
    importing ``scipy.signal`` also imports ``scipy.stats``, about a second at
    every start. Tested equal to ``fftconvolve``.
    """
    full = [a + b - 1 for a, b in zip(image.shape, kernel.shape, strict=True)]
    size = [fft.next_fast_len(n, real=True) for n in full]
    product = fft.rfft2(image, size) * fft.rfft2(kernel, size)
    out = fft.irfft2(product, size)[: full[0], : full[1]]
    top, left = ((k - 1) // 2 for k in kernel.shape)
    return out[top : top + image.shape[0], left : left + image.shape[1]]


def kernel_density(
    x: np.ndarray,
    y: np.ndarray,
    grid: Grid,
    *,
    bandwidth: float | None = None,
    threshold: int,
) -> tuple[np.ndarray, dict]:
    """Return a smoothed incident density for each kept cell of ``grid``.

    Parameters
    ----------
    x, y
        Incident coordinates in British National Grid metres (EPSG:27700).
    grid
        The analysis grid (``hotspots.grid.make_grid``); values follow its kept
        cells, in the order of ``grid.rows`` / ``grid.cols``.
    bandwidth
        Kernel radius in metres; ``None`` chooses it from the spread of incidents
        (``choose_bandwidth``). Never smaller than the cell size.
    threshold
        Disclosure threshold k: cells whose kernel-weighted effective number of
        incidents within the bandwidth is above zero but below k are NaN.

    Returns
    -------
    ndarray, dict
        Density in incidents per km^2 at each kept cell's centre (NaN where
        suppressed, 0 where no incident lies within the bandwidth), and the
        choices: ``bandwidth_m``, ``bandwidth_rule``, ``kernel``, ``density_units``,
        ``suppression`` and ``cells_suppressed``.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    cell = grid.cell_size
    if bandwidth is None:
        info = choose_bandwidth(x, y, cell)
    else:
        if not math.isfinite(bandwidth) or bandwidth <= 0:
            raise InputDataError(
                f"kernel bandwidth must be a positive number of metres; got "
                f"{bandwidth}. Leave it empty to choose it automatically."
            )
        info = _at_least_cell(float(bandwidth), cell, "set by the user")
    h = info["bandwidth_m"]
    stencil = _quartic_stencil(h, cell)
    reach = stencil.shape[0] // 2
    # Pad the lattice by the kernel's reach so incidents just outside the grid
    # still warm the cells inside it, and nothing wraps round.
    shape = (grid.n_rows + 2 * reach, grid.n_cols + 2 * reach)
    binned = _linear_bin(
        x, y, grid.x0 - reach * cell, grid.y0 - reach * cell, cell, shape
    )
    smooth = _convolve_same(binned, stencil)
    kept = smooth[grid.rows + reach, grid.cols + reach]
    effective = kept / stencil[reach, reach]
    density = kept * _M2_PER_KM2 / cell**2
    density[effective < _ZERO_EFFECTIVE] = 0.0
    hidden = (effective >= _ZERO_EFFECTIVE) & (effective < threshold)
    density[hidden] = np.nan
    info.update(
        kernel=KERNEL,
        density_units="incidents per km2",
        suppression=(
            f"hidden where fewer than {threshold} incidents, weighted by the "
            "kernel, lie within the bandwidth"
        ),
        cells_suppressed=int(hidden.sum()),
    )
    log.info(
        "kernel density: %s kernel, bandwidth %.0f m (%s), %d cells hidden",
        KERNEL,
        h,
        info["bandwidth_rule"],
        info["cells_suppressed"],
    )
    return density, info
