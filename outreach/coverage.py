"""Coverage: the share of incidents within a few minutes' walk of each service kind.

Walking minutes are estimated as straight line x circuity at walking pace
(:mod:`outreach.walking`). Two questions are answered:

- *hours ignored*: is any service of the kind within reach of the incident?
- *open services*: for incidents with a day and time, is a service of the kind
  that is **open at the incident's time** within reach? A service whose hours
  are missing or unreadable counts as open by default (``unknown_hours="open"``),
  so a gap shown is never an artefact of missing hours; pass ``"closed"`` for
  the strict reading. The table says how many services had unknown hours.

Disclosure: the table carries shares only, no counts, and a share is shown only
when it rests on at least ``threshold`` incidents on each side (within reach and
beyond it); otherwise it reads "<5 incidents" or "all but <5 incidents".
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from datetime import date
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd

from geodata.disclosure import DEFAULT_THRESHOLD
from geodata.points import point_xy
from hotspots.memo import ArrayMemo, read_only
from hotspots.profiles import time_band
from outreach.gaps import SERVICE_CATEGORIES, in_bng
from outreach.hours import open_matrix
from outreach.walking import DEFAULT_CIRCUITY, DEFAULT_SPEED_M_PER_MIN

log = logging.getLogger(__name__)

COVERAGE_MINUTES: tuple[int, ...] = (5, 10, 15)
ANY_TIME = "any time (hours ignored)"
ALL_TIMES = "all times (open services)"
# Time bands of hotspots.profiles, with evenings split into weekday and weekend.
PERIODS: tuple[str, ...] = (
    "after school",
    "weekday evening",
    "weekend evening",
    "late night",
    "daytime",
)
UNKNOWN_HOURS = ("open", "closed")
# As walking.walk_minutes: 6.5 minutes of float noise must not cross a boundary.
_DECIMALS = 6


def incident_periods(incidents: pd.DataFrame) -> pd.Series:
    """Return each incident's period (one of :data:`PERIODS`), NA when untimed.

    An incident is timed when it has a time (``has_time``) and, where the
    column exists, a day (``has_day``). Evenings on Saturday and Sunday are
    weekend evenings.
    """
    timed = incidents["has_time"].astype(bool)
    if "has_day" in incidents:
        timed &= incidents["has_day"].astype(bool)
    band = time_band(incidents["when"], timed)
    weekend = incidents["when"].dt.day_of_week >= 5
    evening = band == "evening"
    period = band.astype("object").copy()
    period[evening & weekend] = "weekend evening"
    period[evening & ~weekend] = "weekday evening"
    return period


def nearest_minutes(
    points: np.ndarray,
    sites: np.ndarray,
    allowed: np.ndarray | None = None,
    *,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> np.ndarray:
    """Return the estimated walking minutes from each point to its nearest site.

    Parameters
    ----------
    points, sites
        Coordinates in metres, shapes (n, 2) and (m, 2).
    allowed
        Optional boolean (n, m): only these sites count for each point.
    speed_m_per_min, circuity
        Walking-time estimate settings.

    Returns
    -------
    numpy.ndarray
        Float minutes (not rounded up), NaN where no site is allowed.
    """
    walk = {"speed_m_per_min": speed_m_per_min, "circuity": circuity}
    if allowed is None:
        return reach_minutes(points, sites, **walk)[0]
    return reach_minutes(points, sites, None, allowed, **walk)[1]


def reach_minutes(
    points: np.ndarray,
    sites: np.ndarray,
    timed: np.ndarray | None = None,
    allowed: np.ndarray | None = None,
    *,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> tuple[np.ndarray, np.ndarray]:
    """Return walking minutes to the nearest site, and to the nearest open one.

    Each point's distances to the sites are worked out once for both answers
    (worked out twice, they were most of ``coverage_table``'s time).

    Parameters
    ----------
    points, sites
        Coordinates in metres, shapes (n, 2) and (m, 2).
    timed
        Optional boolean (n,): the points ``allowed`` has a row for (all of
        them when ``None``).
    allowed
        Boolean (timed.sum(), m): the sites that count for each timed point.
    speed_m_per_min, circuity
        Walking-time estimate settings.

    Returns
    -------
    any_site : numpy.ndarray
        Float minutes to the nearest site, NaN when there are no sites.
    allowed_site : numpy.ndarray
        Float minutes to the nearest allowed site; NaN where the point is not
        timed or no site is allowed (all NaN without ``allowed``).
    """
    any_site = np.full(len(points), np.inf)
    allowed_site = np.full(len(points), np.inf)
    if len(sites) == 0:
        return np.full(len(points), np.nan), np.full(len(points), np.nan)
    if timed is None:
        timed = np.ones(len(points), dtype=bool)
    allows = np.zeros(len(points), dtype=bool)  # one site's, over every point
    # Site by site over every point: the same distances as a points x sites
    # matrix without making one (100k points, 8 sites: 65 -> 26 ms).
    for j, (site_x, site_y) in enumerate(sites):
        metres = np.hypot(points[:, 0] - site_x, points[:, 1] - site_y)
        np.minimum(any_site, metres, out=any_site)
        if allowed is not None:
            allows[timed] = allowed[:, j]  # untimed points allow none
            np.minimum(allowed_site, np.where(allows, metres, np.inf), out=allowed_site)
    any_site[np.isinf(any_site)] = np.nan
    allowed_site[np.isinf(allowed_site)] = np.nan
    return (
        np.round(any_site * circuity / speed_m_per_min, _DECIMALS),
        np.round(allowed_site * circuity / speed_m_per_min, _DECIMALS),
    )


def share_text(
    within: np.ndarray, total: np.ndarray, threshold: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return shares as text and as floats, suppressing those that disclose.

    A share is withheld when its total is below ``threshold``, or when the
    count within it, or the count outside it, is between 1 and threshold - 1.

    Returns
    -------
    text : numpy.ndarray
        "62%", "no incidents", "<5 incidents" or "all but <5 incidents".
    value : numpy.ndarray
        The share in 0-1, NaN where withheld.
    """
    within = np.asarray(within, dtype=float)
    total = np.asarray(total, dtype=float)
    value = np.divide(within, total, out=np.full(within.shape, np.nan), where=total > 0)
    text = np.char.add(
        np.round(100 * np.nan_to_num(value)).astype(int).astype(str), "%"
    )
    text = text.astype(object)
    small = f"<{threshold} incidents"
    few_in = (within > 0) & (within < threshold)
    few_out = (total - within > 0) & (total - within < threshold)
    text[few_out] = f"all but {small}"
    text[few_in | (total < threshold)] = small
    text[total == 0] = "no incidents"
    value[few_in | few_out | (total < threshold)] = np.nan
    return text, value


def point_coords(frame: pd.DataFrame) -> np.ndarray:
    """Return point coordinates as an (n, 2) array of metres."""
    return np.column_stack(point_xy(frame))


def open_allowed(
    services: gpd.GeoDataFrame,
    when: pd.Series,
    *,
    unknown_hours: str = "open",
    public_holidays: Collection[date] = (),
) -> tuple[np.ndarray, int]:
    """Return which services count as open at each time, and how many are unknown.

    Returns
    -------
    allowed : numpy.ndarray
        Boolean (len(when), len(services)).
    unknown : int
        Services whose hours are missing or unreadable.
    """
    if unknown_hours not in UNKNOWN_HOURS:
        raise ValueError(
            f"unknown_hours must be one of {UNKNOWN_HOURS}; got {unknown_hours!r}."
        )
    hours = services.get("opening_hours", pd.Series("", index=services.index))
    allowed, known = open_matrix(
        list(hours.fillna("")), when, public_holidays=public_holidays
    )
    if unknown_hours == "open":
        allowed |= ~known[None, :]
    return allowed, int((~known).sum())


def memo_key(
    incidents: pd.DataFrame, services: gpd.GeoDataFrame
) -> tuple[tuple[np.ndarray, ...], tuple]:
    """Return what tells these incidents and services apart, for an ``ArrayMemo``.

    The arrays: incident positions, times and time flags, service positions; the
    rest: the services' kinds and opening hours. Counts kept on them need only
    the disclosure threshold applied again (both in EPSG:27700).
    """
    when = incidents["when"].to_numpy("datetime64[ns]").view("int64")
    flags = [
        incidents[c].to_numpy(bool) for c in ("has_time", "has_day") if c in incidents
    ]
    hours = services.get("opening_hours", pd.Series("", index=services.index))
    arrays = (point_coords(incidents), when, *flags, point_coords(services))
    described = (
        tuple(services["category"].astype(str)),
        tuple(hours.fillna("").astype(str)),
    )
    return arrays, described


class _Counted(NamedTuple):
    """Incidents per band, and within each limit of each kind of service."""

    bands: tuple[str, ...]
    totals: np.ndarray  # incidents per band
    timed: int  # incidents with a day and time
    # (category, services, services with unknown hours, limits x bands within)
    categories: tuple[tuple[str, int, int, np.ndarray], ...]


# The counts depend on the incidents, the services and the settings, not on the
# disclosure threshold, which only decides which shares are shown: a new
# threshold in the app reuses them (at 1M incidents 2.1 s of its 4.5 s rerun).
_COUNTS: ArrayMemo[_Counted] = ArrayMemo(size=4)


def _counted(
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    points: np.ndarray,
    *,
    minutes: Sequence[int],
    by_band: bool,
    unknown_hours: str,
    public_holidays: Collection[date],
    categories: Sequence[str],
    speed_m_per_min: float,
    circuity: float,
) -> _Counted:
    """Count ``coverage_table``'s incidents per band and within each limit."""
    period = incident_periods(incidents)
    timed = period.notna().to_numpy()
    bands = [ANY_TIME, ALL_TIMES]
    members = [np.ones(len(points), dtype=bool), timed]
    if by_band:
        codes = pd.Categorical(period, categories=PERIODS).codes
        bands += PERIODS
        members += [codes == i for i in range(len(PERIODS))]
    open_only = np.array([band != ANY_TIME for band in bands])
    membership = np.vstack(members)  # bands x incidents
    when = incidents["when"][timed].reset_index(drop=True)
    per_category = []
    for category in categories:
        chosen = services[services["category"] == category]
        allowed, unknown = open_allowed(
            chosen, when, unknown_hours=unknown_hours, public_holidays=public_holidays
        )
        reach_any, reach_open = reach_minutes(
            points,
            point_coords(chosen),
            timed,
            allowed,
            speed_m_per_min=speed_m_per_min,
            circuity=circuity,
        )
        within = np.array(
            [
                np.where(
                    open_only,
                    np.count_nonzero(membership & (reach_open <= limit), axis=1),
                    np.count_nonzero(membership & (reach_any <= limit), axis=1),
                )
                for limit in minutes
            ]
        ).reshape(len(minutes), len(bands))
        read_only(within)
        per_category.append((category, len(chosen), unknown, within))
    totals = np.count_nonzero(membership, axis=1)
    read_only(totals)
    return _Counted(tuple(bands), totals, int(timed.sum()), tuple(per_category))


def coverage_table(
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    *,
    minutes: Sequence[int] = COVERAGE_MINUTES,
    by_band: bool = True,
    threshold: int = DEFAULT_THRESHOLD,
    unknown_hours: str = "open",
    public_holidays: Collection[date] = (),
    categories: Sequence[str] = SERVICE_CATEGORIES,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> pd.DataFrame:
    """Measure the share of incidents within a walk of each kind of service.

    Parameters
    ----------
    incidents, services
        Canonical incidents and services.
    minutes
        Walking-time limits in minutes (est.).
    by_band
        Add one row per period in :data:`PERIODS`.
    threshold
        Disclosure threshold.
    unknown_hours
        "open" or "closed": how a service with unknown hours is counted.
    public_holidays
        Dates on which services' ``PH`` rules apply.
    categories
        Service kinds to measure.
    speed_m_per_min, circuity
        Walking-time estimate settings.

    Returns
    -------
    pandas.DataFrame
        One row per category and period: ``category``, ``band`` (``ANY_TIME``,
        ``ALL_TIMES`` or a period), ``open_services_only`` (bool),
        ``services`` (int), ``services_unknown_hours`` (int), then for each
        limit ``m``: ``within_{m}_min`` (text) and ``within_{m}_min_share``
        (float 0-1, NaN where withheld).
    """
    incidents = in_bng(incidents, "incidents")
    services = in_bng(services, "services")
    points = point_coords(incidents)
    arrays, described = memo_key(incidents, services)
    settings = (
        tuple(minutes),
        by_band,
        unknown_hours,
        tuple(sorted(public_holidays)),
        tuple(categories),
        speed_m_per_min,
        circuity,
        *described,
    )
    counted = _COUNTS.get_or_make(
        arrays,
        settings,
        lambda: _counted(
            incidents,
            services,
            points,
            minutes=minutes,
            by_band=by_band,
            unknown_hours=unknown_hours,
            public_holidays=public_holidays,
            categories=categories,
            speed_m_per_min=speed_m_per_min,
            circuity=circuity,
        ),
    )
    rows = []
    for category, n_services, unknown, within in counted.categories:
        shares = [
            share_text(within[j], counted.totals, threshold)
            for j in range(len(minutes))
        ]
        for i, band in enumerate(counted.bands):
            row = {
                "category": category,
                "band": band,
                "open_services_only": band != ANY_TIME,
                "services": n_services,
                "services_unknown_hours": unknown,
            }
            for limit, (text, value) in zip(minutes, shares, strict=True):
                row[f"within_{limit}_min"] = text[i]
                row[f"within_{limit}_min_share"] = value[i]
            rows.append(row)
    table = pd.DataFrame(rows)
    log.info(
        "coverage_table: %d incidents (%d with day and time), %d categories, "
        "limits %s min, services with unknown hours counted as %s",
        len(points),
        counted.timed,
        len(categories),
        list(minutes),
        unknown_hours,
    )
    return table
