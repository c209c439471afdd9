"""Turn hotspots into outreach sessions: where, which days and at what times."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import time, timedelta

import geopandas as gpd
import pandas as pd

from geodata.workers import DAY_NAMES
from outreach.facts import (
    SESSION_COLUMNS,
    SESSION_EXTRAS,
    SessionFacts,
    day_label,
    session_bounds,
    session_facts,
)
from outreach.params import RotaParams
from outreach.priority import hotspot_priorities
from outreach.term_dates import holiday_kind, in_tables

log = logging.getLogger(__name__)

# Where each time band's sessions start; late-night sessions are pulled earlier so
# that they end by midnight.
BAND_STARTS = {
    "after school": time(15, 30),
    "evening": time(18, 30),
    "late night": time(21, 0),
    "daytime": time(12, 0),
}
# On a school-holiday weekday young people are out in the day: an after-school
# peak becomes a daytime session.
_HOLIDAY_BAND = {"after school": "daytime"}
# Hotspots without a known peak (month-only dates) get evening sessions on these
# days in turn, so they do not all land on the same evening.
_FALLBACK_DAYS = ("Fri", "Sat", "Wed", "Thu", "Tue", "Mon", "Sun")
_FALLBACK_BAND = "evening"
# Weekday offsets from the peak day, nearest first: a Saturday peak with two
# sessions a week gives Saturday and Friday.
_OFFSETS = (0, -1, 1, -2, 2, -3, 3)


def _clock(minutes: int) -> str:
    return f"{(minutes // 60) % 24:02d}:{minutes % 60:02d}"


def _times(band: str, hours: float) -> tuple[str, str]:
    first = BAND_STARTS[band]
    begin = first.hour * 60 + first.minute
    length = round(hours * 60)
    begin = min(begin, 24 * 60 - length)
    return _clock(begin), _clock(begin + length)


def _peak(spot: pd.Series, column: str, known: Collection[str], fallback: str) -> str:
    value = spot[column]
    text = value.strip() if isinstance(value, str) else ""
    if text in known:
        return text
    log.info(
        "hotspot %s: %s '%s' is not known; planning sessions for '%s'",
        spot["hotspot_id"],
        column,
        value,
        fallback,
    )
    return fallback


def _wanted(hotspots: pd.DataFrame, chosen: Collection[str]) -> set[str]:
    """Return the ids of hotspots named in ``chosen`` by id or by name (any case)."""
    keys = {str(key).strip().casefold() for key in chosen}
    return {
        str(hid)
        for hid, name in zip(hotspots["hotspot_id"], hotspots["name"], strict=True)
        if str(hid).casefold() in keys or str(name).strip().casefold() in keys
    }


def make_sessions(
    hotspots: gpd.GeoDataFrame,
    params: RotaParams,
    *,
    gaps: pd.DataFrame | None = None,
    dosage: pd.DataFrame | None = None,
    welsh: Collection[str] = (),
    mixed: Collection[str] = (),
) -> pd.DataFrame:
    """Plan outreach sessions at the hotspots that need them most, at their peaks.

    The top ``params.max_hotspots`` hotspots by priority
    (`outreach.priority.hotspot_priorities`: strength, trend, missing services
    and how rarely outreach reached them) get ``params.sessions_per_hotspot``
    sessions in every 7-day block from ``params.start``: on their ``peak_day``
    and the days nearest it, in the time band of their ``peak_band`` (after
    school from 15:30, evening from 18:30, late night 21:00-00:00, daytime from
    12:00), each ``params.session_hours`` long. A late-night session starts
    earlier rather than run past midnight. With ``params.school_holidays``, an
    after-school session on a school-holiday weekday becomes a daytime one.

    Parameters
    ----------
    hotspots
        Hotspot areas as in `hotspots.result.HotspotResult.hotspots`; uses
        ``hotspot_id``, ``name``, ``strength``, ``peak_day``, ``peak_band`` and,
        when present, ``trend``, ``recent``, ``change_since_last`` and
        ``reach_level``. An unknown peak band (e.g. "unknown" for month-only
        dates) means evening sessions; unknown peak days are taken in turn from
        Fri, Sat, Wed, Thu, Tue, Mon, Sun (logged at INFO).
    params
        Rota settings (``priority_weights`` mix the priority).
    gaps
        Optional service gaps (`outreach.gaps.find_gaps`) for the priority.
    dosage
        Optional debriefed outreach per hotspot (`outreach.dosage.dosage_table`)
        for the priority.
    welsh, mixed
        Hotspots (ids or names) whose sessions ask for a Welsh speaker, or for a
        mixed pair.

    Returns
    -------
    DataFrame
        One row per session, ordered by date, start, priority (highest first) and
        hotspot. Columns: ``session_id`` (e.g. "S2026-12-07-H01-evening"),
        ``date`` (`datetime.date`), ``start``/``end`` ("HH:MM"; an ``end`` at or
        before ``start`` is after midnight, "00:00" is midnight), ``hotspot_id``,
        ``hotspot_name``, ``band``, ``priority`` (int 1-100), then
        `SESSION_EXTRAS`: ``holiday`` ("bank holiday", "school holiday" or ""),
        ``welsh`` and ``mixed`` (bool).
    """
    columns = [*SESSION_COLUMNS, *SESSION_EXTRAS]
    if len(hotspots) == 0:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})
    frame = pd.DataFrame(hotspots.drop(columns="geometry", errors="ignore"))
    scored = hotspot_priorities(
        frame, gaps=gaps, dosage=dosage, weights=params.priority_weights
    )
    chosen = (
        frame.reset_index(drop=True)
        .assign(
            _priority=scored["priority"].to_numpy(),
            _strength=pd.to_numeric(frame["strength"], errors="coerce").to_numpy(),
        )
        .sort_values(
            ["_priority", "_strength", "hotspot_id"],
            ascending=[False, False, True],
            kind="stable",
        )
        .head(params.max_hotspots)
    )
    wants_welsh, wants_mixed = _wanted(frame, welsh), _wanted(frame, mixed)
    blocks = -(-params.days // 7)
    rows = []
    unknown_days = 0
    for _, spot in chosen.iterrows():
        fallback_day = _FALLBACK_DAYS[unknown_days % 7]
        peak_day = _peak(spot, "peak_day", DAY_NAMES, fallback_day)
        unknown_days += peak_day != spot["peak_day"]
        day = DAY_NAMES.index(peak_day)
        peak_band = _peak(spot, "peak_band", BAND_STARTS, _FALLBACK_BAND)
        hid = str(spot["hotspot_id"])
        for block in range(blocks):
            first = params.start + timedelta(days=7 * block)
            for offset in _OFFSETS[: params.sessions_per_hotspot]:
                when = first + timedelta(days=(day + offset - first.weekday()) % 7)
                if (when - params.start).days >= params.days:
                    continue
                holiday = holiday_kind(when)
                band = peak_band
                if params.school_holidays and holiday and when.weekday() < 5:
                    band = _HOLIDAY_BAND.get(band, band)
                start, end = _times(band, params.session_hours)
                rows.append(
                    {
                        "session_id": f"S{when.isoformat()}-{hid}-"
                        f"{band.replace(' ', '-')}",
                        "date": when,
                        "start": start,
                        "end": end,
                        "hotspot_id": hid,
                        "hotspot_name": str(spot["name"]),
                        "band": band,
                        "priority": int(spot["_priority"]),
                        "holiday": holiday,
                        "welsh": hid in wants_welsh,
                        "mixed": hid in wants_mixed,
                    }
                )
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.sort_values(
        ["date", "start", "priority", "hotspot_id"],
        ascending=[True, True, False, True],
        kind="stable",
    ).reset_index(drop=True)
    outside = sorted({d for d in frame["date"] if not in_tables(d)})
    if outside:
        log.info(
            "sessions from %s to %s fall outside the holiday tables (2025-2027): "
            "no school or bank holidays are marked there",
            outside[0],
            outside[-1],
        )
    log.info(
        "%d sessions at %d hotspots over %d days (%d a week each, %.2g h long), "
        "%d on holidays",
        len(frame),
        len(chosen),
        params.days,
        params.sessions_per_hotspot,
        params.session_hours,
        int((frame["holiday"] != "").sum()),
    )
    return frame


__all__ = [
    "BAND_STARTS",
    "SESSION_COLUMNS",
    "SESSION_EXTRAS",
    "SessionFacts",
    "day_label",
    "make_sessions",
    "session_bounds",
    "session_facts",
]
