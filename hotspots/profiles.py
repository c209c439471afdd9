"""When incidents happen: time bands, peak day and peak band per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
BANDS = ("after school", "evening", "late night", "daytime")


def time_band(when: pd.Series, has_time: pd.Series) -> pd.Series:
    """Classify each timestamp into a band outreach teams plan by.

    after school 15:00-17:59 on weekdays; evening 18:00-21:59; late night
    22:00-05:59; daytime otherwise (weekend afternoons included). Records
    without a time get no band (NA).
    """
    hour = when.dt.hour.to_numpy()
    weekday = when.dt.day_of_week.to_numpy()
    band = np.full(len(when), "daytime", dtype=object)
    band[(hour >= 15) & (hour < 18) & (weekday < 5)] = "after school"
    band[(hour >= 18) & (hour < 22)] = "evening"
    band[(hour >= 22) | (hour < 6)] = "late night"
    out = pd.Series(band, index=when.index, dtype="object")
    out[~has_time.to_numpy(bool)] = pd.NA
    return out


UNKNOWN = "unknown"


def peak_times(
    group: np.ndarray,
    when: pd.Series,
    has_day: pd.Series,
    has_time: pd.Series,
    n_groups: int,
) -> pd.DataFrame:
    """Return each group's peak day, peak band and a short summary.

    Late-night incidents after midnight count towards the evening before, since
    that is the night a team would go out. Records with only a month (police.uk)
    count for neither; a group with no day or no time says "unknown".

    Returns
    -------
    DataFrame
        Indexed 0..n_groups-1 with ``peak_day``, ``peak_band``, ``peak_times``.
    """
    band = time_band(when, has_time)
    night_shift = (band == "late night") & (when.dt.hour < 6)
    day = when.dt.day_of_week.to_numpy() - night_shift.to_numpy(bool).astype(int)
    day = np.mod(day, 7)
    frame = pd.DataFrame({"group": group, "day": day, "band": band.to_numpy()})
    day_counts = (
        frame[has_day.to_numpy(bool)]
        .groupby(["group", "day"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=range(n_groups), columns=range(7), fill_value=0)
    )
    timed = frame.dropna(subset=["band"])
    band_counts = (
        timed.groupby(["group", "band"])
        .size()
        .unstack(fill_value=0)
        .reindex(index=range(n_groups), columns=list(BANDS), fill_value=0)
    )
    peak_day_idx = day_counts.to_numpy().argmax(axis=1)
    # The second-busiest day is named too when it is close, e.g. "Fri-Sat evening".
    order = np.argsort(-day_counts.to_numpy(), axis=1)
    top = day_counts.to_numpy()[np.arange(n_groups), order[:, 0]]
    second = day_counts.to_numpy()[np.arange(n_groups), order[:, 1]]
    peak_band = np.array(BANDS, dtype=object)[band_counts.to_numpy().argmax(axis=1)]
    peak_band[band_counts.to_numpy().sum(axis=1) == 0] = UNKNOWN
    peak_day = np.array(DAYS, dtype=object)[peak_day_idx]
    peak_day[top == 0] = UNKNOWN
    summary = []
    for i in range(n_groups):
        if top[i] == 0 and peak_band[i] == UNKNOWN:
            summary.append("times unknown (dates without day or time)")
            continue
        days = [DAYS[order[i, 0]]] if top[i] else []
        if top[i] and second[i] >= 0.8 * top[i]:
            days = [DAYS[d] for d in sorted(order[i, :2])]
        band_text = "" if peak_band[i] == UNKNOWN else peak_band[i]
        summary.append(" ".join(p for p in ("/".join(days), band_text) if p))
    return pd.DataFrame(
        {
            "peak_day": peak_day,
            "peak_band": peak_band,
            "peak_times": summary,
        }
    )
