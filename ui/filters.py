"""Which incidents the panel looks at: dates, themes, partners and times of day.

A pure function on the canonical incidents frame, applied before any analysis,
so hotspots, trends, contexts and gaps all see the same subset. No Streamlit here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geodata.categories import is_one_of
from geodata.errors import InputDataError
from hotspots.profiles import BANDS, time_band

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncidentFilter:
    """A frozen choice of incidents, safe to use as part of a cache key.

    Attributes
    ----------
    start, end
        First and last day kept (inclusive); ``None`` leaves that end open.
    categories
        Keep only these incident categories (lower-case); empty keeps all.
    sources
        Keep only records from these partners; empty keeps all.
    bands
        Keep only timed incidents in these time bands (``hotspots.profiles.BANDS``:
        after school, evening, late night, daytime); empty keeps all, untimed
        records included.
    """

    start: date | None = None
    end: date | None = None
    categories: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    bands: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.start is not None and self.end is not None and self.start > self.end:
            raise InputDataError(
                f"date range: the first day {self.start:%d/%m/%Y} is after the last "
                f"day {self.end:%d/%m/%Y}. Pick a first day on or before the last."
            )
        unknown = sorted(set(self.bands) - set(BANDS))
        if unknown:
            raise InputDataError(
                f"time bands: {', '.join(unknown)} is not a band. Use "
                f"{', '.join(BANDS)}."
            )

    @property
    def active(self) -> bool:
        """Return ``True`` when any incident could be left out."""
        return any((self.start, self.end, self.categories, self.sources, self.bands))


def filter_incidents(incidents: pd.DataFrame, choice: IncidentFilter) -> pd.DataFrame:
    """Return the incidents the filter keeps, same columns.

    Parameters
    ----------
    incidents
        Canonical incidents (``when``, ``has_time``, ``category``, ``source``,
        ``x``/``y`` in EPSG:27700).
    choice
        What to keep.

    Returns
    -------
    DataFrame
        The kept rows in their original order. With a time band chosen, records
        without a time of day are left out, since their band is not known.
    """
    keep = np.ones(len(incidents), dtype=bool)
    when = incidents["when"]
    if choice.start is not None:
        keep &= (when >= pd.Timestamp(choice.start)).to_numpy()
    if choice.end is not None:
        last = pd.Timestamp(choice.end) + pd.Timedelta(days=1)
        keep &= (when < last).to_numpy()
    if choice.categories:
        keep &= is_one_of(incidents["category"], choice.categories)
    if choice.sources:
        keep &= is_one_of(incidents["source"], choice.sources)
    if choice.bands:
        band = time_band(when, incidents["has_time"])
        keep &= band.isin(choice.bands).fillna(False).to_numpy(bool)
    log.info("filter kept %d of %d incidents", int(keep.sum()), len(incidents))
    return incidents[keep]


__all__ = ["BANDS", "IncidentFilter", "filter_incidents"]
