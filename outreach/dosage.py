"""Outreach "dosage" per hotspot from session debriefs: visits held, young people met.

The debrief file is read and checked by ``store.debriefs.read_debriefs`` (or
loaded from storage by ``store.debriefs.load_debriefs``); this module takes
that table, matches each debrief to the current hotspots by place name (the
name the rota printed) and counts per hotspot. Young-people counts are
suppressed below the disclosure threshold before anything leaves this module;
the panel sees them, and session priorities use the reach level
(`outreach.priority`).
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
import pandas as pd

from geodata.disclosure import shown_counts, suppress_counts

log = logging.getLogger(__name__)

DOSAGE_COLUMNS = (
    "hotspot_id",
    "hotspot_name",
    "debriefed",
    "held",
    "young_people",
    "young_people_shown",
    "held_per_fortnight",
    "reach_level",
)
# The same cut as hotspots.reach: under one visit a fortnight is "rare".
_RARE_PER_FORTNIGHT = 1.0


def _key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def dosage_table(
    debriefs: pd.DataFrame,
    hotspots: pd.DataFrame,
    *,
    threshold: int,
    start: date,
    end: date,
) -> pd.DataFrame:
    """Return visits held and young people contacted per hotspot, disclosure-safe.

    Parameters
    ----------
    debriefs
        Debriefs as from ``store.debriefs.read_debriefs``: ``date``,
        ``hotspot`` (place name), ``visited`` (bool), ``young_people`` (int).
    hotspots
        Current hotspots (``hotspot_id``, ``name``).
    threshold
        Disclosure threshold: young-people totals from 1 to ``threshold - 1``
        are shown as "<threshold".
    start, end
        The period counted (inclusive), e.g. the last 8 weeks.

    Returns
    -------
    DataFrame
        One row per hotspot, in the hotspots' order, columns `DOSAGE_COLUMNS`:
        ``debriefed`` and ``held`` (sessions debriefed, and held), young people
        (suppressed text, and the shown number or NaN), ``held_per_fortnight``
        and ``reach_level`` ("none", "rare" under one visit a fortnight,
        "regular").
    """
    if end < start:
        raise ValueError(f"dosage period ends ({end}) before it starts ({start}).")
    ids = hotspots["hotspot_id"].astype(str).to_numpy()
    names = hotspots["name"].astype(str).to_numpy()
    by_name = {_key(name): n for n, name in enumerate(names)}
    n = len(ids)
    debriefed = np.zeros(n, dtype=np.int64)
    held = np.zeros(n, dtype=np.int64)
    people = np.zeros(n, dtype=np.int64)
    if len(debriefs):
        days = pd.to_datetime(debriefs["date"].astype(str)).dt.date
        inside = debriefs[((days >= start) & (days <= end)).to_numpy()]
        where = inside["hotspot"].map(lambda text: by_name.get(_key(text), -1))
        matched = inside[(where >= 0).to_numpy()]
        spot = where[where >= 0].to_numpy(dtype=np.int64)
        visited = matched["visited"].astype(bool).to_numpy()
        debriefed = np.bincount(spot, minlength=n)
        held = np.bincount(spot, weights=visited, minlength=n).astype(np.int64)
        people = np.bincount(
            spot, weights=matched["young_people"].to_numpy(float), minlength=n
        ).astype(np.int64)
        log.info(
            "dosage: %d debriefs from %s to %s, %d at current hotspots, %d elsewhere",
            len(inside),
            start,
            end,
            len(matched),
            len(inside) - len(matched),
        )
    fortnights = max(((end - start).days + 1) / 14, 1 / 14)
    per_fortnight = held / fortnights
    level = np.where(
        held == 0,
        "none",
        np.where(per_fortnight < _RARE_PER_FORTNIGHT, "rare", "regular"),
    )
    return pd.DataFrame(
        {
            "hotspot_id": ids,
            "hotspot_name": names,
            "debriefed": debriefed,
            "held": held,
            "young_people": suppress_counts(people, threshold).to_numpy(),
            "young_people_shown": shown_counts(people, threshold).to_numpy(),
            "held_per_fortnight": np.round(per_fortnight, 2),
            "reach_level": level,
        },
        columns=list(DOSAGE_COLUMNS),
    )
