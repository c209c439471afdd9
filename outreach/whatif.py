"""What if: where one (or a few) new services would reach the most uncovered incidents.

A maximal covering location problem (Church & ReVelle 1974) with the existing
services fixed: an incident is *covered* when a service of the chosen kind is
within ``minutes``' walk (est.) and, when a time band is given, open at the
incident's time (unknown hours as in :mod:`outreach.coverage`). A new site is
assumed open throughout the band. For one new site the exact answer is to
count, for every candidate, the uncovered incidents within reach
(:func:`best_new_site`); for several, :func:`best_new_sites` solves the MCLP
with OR-Tools CP-SAT on incidents grouped by which candidates reach them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import date
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
from ortools.sat.python import cp_model

from geodata.disclosure import DEFAULT_THRESHOLD, suppress_counts
from hotspots.memo import ArrayMemo, read_only
from hotspots.profiles import BANDS
from outreach.coverage import (
    incident_periods,
    memo_key,
    nearest_minutes,
    open_allowed,
    point_coords,
    share_text,
)
from outreach.gaps import in_bng
from outreach.walking import DEFAULT_CIRCUITY, DEFAULT_SPEED_M_PER_MIN

log = logging.getLogger(__name__)

WHATIF_MINUTES = 10
SITE_COLUMNS = (
    "rank",
    "site",
    "site_kind",
    "category",
    "band",
    "minutes",
    "added_incidents",
    "added_share",
    "added_share_value",
    "covered_before",
    "covered_after",
    "covered_after_value",
    "reach_m",
)


def _population(
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    category: str,
    minutes: float,
    band: str | None,
    unknown_hours: str,
    public_holidays: Collection[date],
    settings: dict,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the incidents considered (coordinates) and whether each is covered."""
    points = point_coords(incidents)
    chosen = services[services["category"] == category]
    if band is None:
        reach = nearest_minutes(points, point_coords(chosen), **settings)
        return points, reach <= minutes
    period = incident_periods(incidents)
    wanted = {band} if band != "evening" else {"weekday evening", "weekend evening"}
    member = period.isin(wanted).to_numpy(bool)
    when = incidents["when"][member].reset_index(drop=True)
    allowed, _ = open_allowed(
        chosen, when, unknown_hours=unknown_hours, public_holidays=public_holidays
    )
    reach = nearest_minutes(points[member], point_coords(chosen), allowed, **settings)
    return points[member], reach <= minutes


class _Added(NamedTuple):
    """The uncovered incidents each candidate would reach, before any threshold."""

    added: np.ndarray  # per candidate
    before: int  # incidents already covered
    considered: int  # incidents considered


# The counts depend on the incidents, services, candidates and settings, not on
# the disclosure threshold, which only decides what is shown: a new threshold in
# the app reuses them.
_ADDED: ArrayMemo[_Added] = ArrayMemo(size=4)


def _reach(
    points: np.ndarray, sites: np.ndarray, minutes: float, settings: dict
) -> np.ndarray:
    """Return a boolean (points x sites) matrix: the site is within ``minutes``."""
    out = np.zeros((len(points), len(sites)), dtype=bool)
    for j in range(len(sites)):
        out[:, j] = nearest_minutes(points, sites[j : j + 1], **settings) <= minutes
    return out


def _demand_groups(reach: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the distinct rows of a boolean matrix and how often each occurs."""
    packed = np.ascontiguousarray(np.packbits(reach, axis=1))
    rows = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()
    _, first, counts = np.unique(rows, return_index=True, return_counts=True)
    return reach[first], counts


def _check(
    candidates: gpd.GeoDataFrame, band: str | None, minutes: float
) -> gpd.GeoDataFrame:
    periods = {"after school", "weekday evening", "weekend evening", "evening"}
    if band is not None and band not in periods | set(BANDS):
        raise ValueError(
            f"band must be one of {sorted(periods | set(BANDS))}; got {band!r}."
        )
    if not minutes > 0:
        raise ValueError(f"minutes must be above 0; got {minutes}.")
    if "name" not in candidates:
        raise ValueError("candidate sites need a 'name' column.")
    return in_bng(candidates, "candidate sites").reset_index(drop=True)


def best_new_site(
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    category: str,
    *,
    minutes: float = WHATIF_MINUTES,
    band: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    unknown_hours: str = "open",
    public_holidays: Collection[date] = (),
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> gpd.GeoDataFrame:
    """Rank candidate sites by the uncovered incidents one new service would reach.

    Parameters
    ----------
    incidents, services
        Canonical incidents and services.
    candidates
        Candidate sites (``name``, optional ``category``, point geometry), e.g.
        the community spaces.
    category
        Kind of the new service.
    minutes
        Walking-time limit (est.).
    band
        None for all incidents with hours ignored; else a period ("after school",
        "weekday evening", "weekend evening", "evening", "late night",
        "daytime"): incidents then, against services open then.
    threshold
        Disclosure threshold.
    unknown_hours
        "open" or "closed": how a service with unknown hours is counted.
    public_holidays
        Dates on which services' ``PH`` rules apply.
    speed_m_per_min, circuity
        Walking-time estimate settings.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per candidate, best first, columns :data:`SITE_COLUMNS`:
        ``added_incidents`` (str, suppressed), ``added_share`` /
        ``covered_before`` / ``covered_after`` (text shares of the incidents
        considered, withheld as in :func:`outreach.coverage.share_text`),
        ``added_share_value`` and ``covered_after_value`` (float, NaN where
        withheld), ``reach_m`` (straight-line radius of the walk, for a map
        circle); the candidate's point geometry; EPSG:27700. Candidates whose
        added count is withheld are ranked together, by name.
    """
    candidates = _check(candidates, band, minutes)
    incidents = in_bng(incidents, "incidents")
    services = in_bng(services, "services")
    settings = {"speed_m_per_min": speed_m_per_min, "circuity": circuity}
    sites = point_coords(candidates)

    def count() -> _Added:
        points, covered = _population(
            incidents, services, category, minutes, band, unknown_hours,
            public_holidays, settings,
        )  # fmt: skip
        added = _reach(points[~covered], sites, minutes, settings).sum(axis=0)
        read_only(added)
        return _Added(added, int(covered.sum()), len(points))

    arrays, described = memo_key(incidents, services)
    added, before, n = _ADDED.get_or_make(
        (*arrays, sites),
        (
            *described,
            category,
            minutes,
            band,
            unknown_hours,
            tuple(sorted(public_holidays)),
            speed_m_per_min,
            circuity,
        ),
        count,
    )
    added_text, added_value = share_text(added, np.full(len(added), n), threshold)
    after_text, after_value = share_text(
        before + added, np.full(len(added), n), threshold
    )
    before_text, _ = share_text(np.array([before]), np.array([n]), threshold)
    # Withheld counts tie, so the order cannot rank two counts below the threshold.
    sort_key = np.where((added > 0) & (added < threshold), threshold / 2, added)
    table = gpd.GeoDataFrame(
        {
            "site": candidates["name"].astype(str).to_numpy(),
            "site_kind": candidates.get(
                "category", pd.Series("", index=candidates.index)
            )
            .astype(str)
            .to_numpy(),
            "category": category,
            "band": band or "any time (hours ignored)",
            "minutes": minutes,
            "added_incidents": suppress_counts(added, threshold).to_numpy(),
            "added_share": added_text,
            "added_share_value": added_value,
            "covered_before": before_text[0],
            "covered_after": after_text,
            "covered_after_value": after_value,
            "reach_m": round(minutes * speed_m_per_min / circuity),
            "_key": sort_key,
        },
        geometry=candidates.geometry.to_numpy(),
        crs=candidates.crs,
    )
    table = table.sort_values(["_key", "site"], ascending=[False, True], kind="stable")
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    log.info(
        "best_new_site: %s, %s, %s min: %d incidents considered, %d candidates",
        category,
        band or "any time",
        minutes,
        n,
        len(candidates),
    )
    return table.drop(columns="_key").reset_index(drop=True)


def best_new_sites(
    incidents: pd.DataFrame,
    services: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
    category: str,
    *,
    sites: int = 2,
    minutes: float = WHATIF_MINUTES,
    band: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    unknown_hours: str = "open",
    public_holidays: Collection[date] = (),
    time_limit_s: float = 10.0,
    speed_m_per_min: float = DEFAULT_SPEED_M_PER_MIN,
    circuity: float = DEFAULT_CIRCUITY,
) -> tuple[gpd.GeoDataFrame, dict]:
    """Choose ``sites`` new sites together to reach the most uncovered incidents.

    Same settings as :func:`best_new_site`; the maximal covering location
    problem is solved with CP-SAT (deterministic: one worker, fixed seed).

    Returns
    -------
    chosen : geopandas.GeoDataFrame
        The chosen candidates (``site``, ``site_kind``, ``reach_m``, point
        geometry; EPSG:27700), in candidate order.
    summary : dict
        ``added_incidents`` (str, suppressed), ``added_share``,
        ``covered_before``, ``covered_after`` (text shares), ``status``
        ("OPTIMAL" or "FEASIBLE") and ``seconds``.
    """
    candidates = _check(candidates, band, minutes)
    if not 1 <= sites <= len(candidates):
        raise ValueError(f"sites must be 1..{len(candidates)}; got {sites}.")
    incidents = in_bng(incidents, "incidents")
    services = in_bng(services, "services")
    settings = {"speed_m_per_min": speed_m_per_min, "circuity": circuity}
    points, covered = _population(
        incidents, services, category, minutes, band, unknown_hours,
        public_holidays, settings,
    )  # fmt: skip
    reach = _reach(points[~covered], point_coords(candidates), minutes, settings)
    # Incidents reached by the same candidates are one demand node with a weight.
    patterns, weight = _demand_groups(reach[reach.any(axis=1)])
    model = cp_model.CpModel()
    pick = [model.new_bool_var(f"site{j}") for j in range(len(candidates))]
    hit = [model.new_bool_var(f"group{g}") for g in range(len(patterns))]
    for g, pattern in enumerate(patterns):
        model.add_bool_or([pick[j] for j in np.flatnonzero(pattern)]).only_enforce_if(
            hit[g]
        )
    model.add(sum(pick) == sites)
    model.maximize(sum(int(w) * h for w, h in zip(weight, hit, strict=True)))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 7
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"CP-SAT found no answer: {solver.status_name(status)}.")
    chosen = np.array([solver.boolean_value(p) for p in pick], dtype=bool)
    added = int(reach[:, chosen].any(axis=1).sum())
    n, before = len(points), int(covered.sum())
    share = {
        key: share_text(np.array([k]), np.array([n]), threshold)[0][0]
        for key, k in (("added_share", added), ("covered_before", before),
                       ("covered_after", before + added))
    }  # fmt: skip
    summary = {
        "added_incidents": suppress_counts([added], threshold).iloc[0],
        **share,
        "status": solver.status_name(status),
        "seconds": round(solver.wall_time, 3),
    }
    picked = candidates[chosen]
    frame = gpd.GeoDataFrame(
        {
            "site": picked["name"].astype(str).to_numpy(),
            "site_kind": picked.get("category", pd.Series("", index=picked.index))
            .astype(str)
            .to_numpy(),
            "reach_m": round(minutes * speed_m_per_min / circuity),
        },
        geometry=picked.geometry.to_numpy(),
        crs=candidates.crs,
    )
    log.info(
        "best_new_sites: %d of %d candidates, %d demand groups, %s in %.2f s",
        sites,
        len(candidates),
        len(patterns),
        summary["status"],
        solver.wall_time,
    )
    return frame, summary
