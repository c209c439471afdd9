"""When incidents happen: aoristic week-by-hour profiles, peak days and bands."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BANDS = ("after school", "evening", "late night", "daytime")
UNKNOWN = "unknown"
# A from-to window longer than this says little about when something happened.
MAX_WINDOW_HOURS = 72
# Hours before 06:00 belong to the night before: that is when a team goes out.
NIGHT_ENDS = 6


def _band_of_slot() -> np.ndarray:
    """Band index for each (outreach day, hour) slot of the 7 x 24 profile."""
    day = np.arange(7)[:, None]
    hour = np.arange(24)[None, :]
    # After shifting, hour h < 6 on outreach day d happened early on day d + 1.
    band = np.full((7, 24), BANDS.index("daytime"))
    band[(hour >= 15) & (hour < 18) & (day < 5)] = BANDS.index("after school")
    band = np.where((hour >= 18) & (hour < 22), BANDS.index("evening"), band)
    return np.where((hour >= 22) | (hour < NIGHT_ENDS), BANDS.index("late night"), band)


_SLOT_BAND = _band_of_slot()


def time_band(when: pd.Series, has_time: pd.Series) -> pd.Series:
    """Classify each timestamp into a band outreach teams plan by.

    after school 15:00-17:59 on weekdays; evening 18:00-21:59; late night
    22:00-05:59; daytime otherwise (weekend afternoons included). Records
    without a time get no band (NA).
    """
    day, hour = _outreach_slot(when)
    band = np.array(BANDS, dtype=object)[_SLOT_BAND[day, hour]]
    out = pd.Series(band, index=when.index, dtype="object")
    out[~has_time.to_numpy(bool)] = pd.NA
    return out


def _outreach_slot(when: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return each timestamp's outreach day (0 = Monday) and hour of the day."""
    hour = np.mod(np.asarray(when, "datetime64[h]").astype(np.int64), 24)
    # 1 January 1970, day 0, was a Thursday (3).
    day = np.asarray(when, "datetime64[D]").astype(np.int64) + 3 - (hour < NIGHT_ENDS)
    return np.mod(day, 7), hour


def weekly_profiles(
    group: np.ndarray,
    when: pd.Series | np.ndarray,
    has_time: pd.Series | np.ndarray,
    n_groups: int,
    when_end: pd.Series | np.ndarray | None = None,
) -> np.ndarray:
    """Return each group's incidents by outreach day and hour, shape (groups, 7, 24).

    Aoristic weighting: a record with a from-to window (``when`` to ``when_end``,
    such as a missing episode) spreads its weight of one evenly over the hours it
    covers, up to ``MAX_WINDOW_HOURS``; longer windows and untimed records are
    left out of the profile.
    """
    timed = np.asarray(has_time, bool)
    start = np.asarray(when, "datetime64[h]")
    if when_end is None:
        hours = np.ones(len(when), dtype=np.int64)
    else:
        end = np.asarray(when_end, "datetime64[h]")
        gap = (end - start).astype(np.int64)
        valid = ~np.isnat(end) & (gap >= 0)
        hours = np.where(valid, gap + 1, 1)
        timed = timed & (hours <= MAX_WINDOW_HOURS)
    hours = np.where(timed, hours, 0)
    record = np.repeat(np.arange(len(when)), hours)
    offset = np.arange(len(record)) - np.repeat(np.cumsum(hours) - hours, hours)
    day, hour = _outreach_slot(start[record] + offset.astype("timedelta64[h]"))
    weight = 1.0 / hours[record]
    flat = (np.asarray(group)[record] * 7 + day) * 24 + hour
    profile = np.bincount(flat, weights=weight, minlength=n_groups * 7 * 24)
    return profile.reshape(n_groups, 7, 24)


def peak_times(
    group: np.ndarray,
    when: pd.Series | np.ndarray,
    has_day: pd.Series | np.ndarray,
    has_time: pd.Series | np.ndarray,
    n_groups: int,
    when_end: pd.Series | np.ndarray | None = None,
    *,
    profile: np.ndarray | None = None,
) -> pd.DataFrame:
    """Return each group's peak day, peak band and a short summary.

    Days count every record with a known day (by the outreach night: 01:00 on
    Saturday is Friday night); bands come from the aoristic profile of timed
    records. A group with no day or time known says "unknown"; records with only
    a month (police.uk) count for neither. ``profile`` is the groups'
    ``weekly_profiles`` when already worked out.

    Returns
    -------
    DataFrame
        Indexed 0..n_groups-1 with ``peak_day``, ``peak_band``, ``peak_times``.
    """
    group = np.asarray(group)
    day, _ = _outreach_slot(when)
    known = np.asarray(has_day, bool)
    day_counts = np.bincount(
        group[known] * 7 + day[known], minlength=n_groups * 7
    ).reshape(n_groups, 7)
    if profile is None:
        profile = weekly_profiles(group, when, has_time, n_groups, when_end)
    band_counts = np.stack(
        [profile[:, np.equal(_SLOT_BAND, b)].sum(axis=1) for b in range(len(BANDS))],
        axis=1,
    )
    order = np.argsort(-day_counts, axis=1, kind="stable")
    top = day_counts[np.arange(n_groups), order[:, 0]]
    second = day_counts[np.arange(n_groups), order[:, 1]]
    peak_band = np.array(BANDS, dtype=object)[band_counts.argmax(axis=1)]
    peak_band[band_counts.sum(axis=1) == 0] = UNKNOWN
    peak_day = np.array(DAYS, dtype=object)[order[:, 0]]
    peak_day[top == 0] = UNKNOWN
    summary = []
    for i in range(n_groups):
        if top[i] == 0 and peak_band[i] == UNKNOWN:
            summary.append("times unknown (dates without day or time)")
            continue
        days = [DAYS[order[i, 0]]] if top[i] else []
        # The second-busiest day is named too when close, e.g. "Fri/Sat evening".
        if top[i] and second[i] >= 0.8 * top[i]:
            days = [DAYS[d] for d in sorted(order[i, :2])]
        band_text = "" if peak_band[i] == UNKNOWN else peak_band[i]
        summary.append(" ".join(p for p in ("/".join(days), band_text) if p))
    return pd.DataFrame(
        {"peak_day": peak_day, "peak_band": peak_band, "peak_times": summary}
    )


def profile_shares(
    profiles: np.ndarray, ids: Sequence[str], *, min_total: float
) -> dict[str, list[list[float]]]:
    """Return each group's 7 x 24 profile as percentages, rounded to 0.1.

    Groups with fewer than ``min_total`` timed records are left out: a profile
    of a handful of incidents would tell when each one happened.
    """
    out = {}
    for gid, profile in zip(ids, profiles, strict=True):
        total = profile.sum()
        if total >= min_total:
            out[str(gid)] = np.round(100.0 * profile / total, 1).tolist()
    return out
