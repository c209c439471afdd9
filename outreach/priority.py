"""How much each hotspot's outreach sessions matter: a visible, documented weighting.

Four scores between 0 and 1, mixed by `outreach.params.PriorityWeights`
(default strength 55, trend 20, services 15, reach 10):

- **strength**: the hotspot's Gi* strength divided by the strongest one's.
- **trend**: from the trend class (new 1.0, emerging 0.9, intensifying 0.9,
  persistent 0.7, intermittent 0.5, none 0.4, diminishing 0.25, historical 0.1),
  plus 0.2 when incidents went up in the last 6 weeks (``recent`` "up", minus
  0.2 for "down"), plus 0.1 for a hotspot that is new or grew since the last
  panel (minus 0.1 when it shrank); kept between 0 and 1.
- **services**: the share of key services (youth and diversionary, mental
  health, substance misuse) with nothing open within 15 minutes' walk at the
  hotspot's peak time (any such service within 15 minutes when the peak time is
  unknown).
- **reach**: 1 when outreach has not reached the hotspot lately, 0.5 when it
  rarely has (less than once a fortnight), 0 when it regularly has; the better
  of the contacts-based ``reach_level`` and the debriefs (`outreach.dosage`).

Priority = round(100 x sum(weight x score) / sum(weight)), between 1 and 100.
A score without data (no trends, no gaps table, no reach) is left out, and the
others count proportionally more; with strength alone, priority is
proportional to strength as before.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from i18n import t
from outreach.gaps import GAP_MINUTES
from outreach.params import PriorityWeights

log = logging.getLogger(__name__)

PRIORITY_COLUMNS = (
    "hotspot_id",
    "name",
    "strength_score",
    "trend_score",
    "services_score",
    "reach_score",
    "priority",
    "why",
)
TREND_SCORES = {
    "new": 1.0,
    "emerging": 0.9,
    "intensifying": 0.9,
    "persistent": 0.7,
    "intermittent": 0.5,
    "none": 0.4,
    "diminishing": 0.25,
    "historical": 0.1,
}
RECENT_SHIFT = {"up": 0.2, "down": -0.2}
CHANGE_SHIFT = {"new": 0.1, "grew": 0.1, "shrank": -0.1}
KEY_SERVICES = ("youth and diversionary", "mental health", "substance misuse")
REACH_SCORES = {"none": 1.0, "rare": 0.5, "regular": 0.0}
# A neutral trend score for a hotspot that has a recent change but no class.
_NEUTRAL_TREND = 0.5


def _strength(hotspots: pd.DataFrame) -> np.ndarray:
    strength = pd.to_numeric(hotspots["strength"], errors="coerce").to_numpy(float)
    top = np.nanmax(strength) if np.isfinite(strength).any() else np.nan
    if np.isfinite(strength).all() and top > 0:
        return np.clip(strength / top, 0.0, 1.0)
    # No usable strengths: rank order, strongest (first) highest.
    rank = np.arange(len(strength))
    return 1 - rank * 0.9 / max(len(strength) - 1, 1)


def _text(hotspots: pd.DataFrame, column: str) -> pd.Series | None:
    if column not in hotspots:
        return None
    return hotspots[column].fillna("").astype(str).str.strip().str.lower()


def _trend(hotspots: pd.DataFrame) -> np.ndarray | None:
    trend, recent = _text(hotspots, "trend"), _text(hotspots, "recent")
    change = _text(hotspots, "change_since_last")
    if trend is None and recent is None and change is None:
        return None
    score = (
        np.full(len(hotspots), _NEUTRAL_TREND)
        if trend is None
        else trend.map(TREND_SCORES).fillna(_NEUTRAL_TREND).to_numpy(float)
    )
    for column, shift in ((recent, RECENT_SHIFT), (change, CHANGE_SHIFT)):
        if column is not None:
            score = score + column.map(shift).fillna(0.0).to_numpy(float)
    return np.clip(score, 0.0, 1.0)


def _services(hotspots: pd.DataFrame, gaps: pd.DataFrame | None) -> np.ndarray | None:
    if gaps is None or len(gaps) == 0:
        return None
    key = gaps[gaps["category"].isin(KEY_SERVICES)]
    open_walk = pd.to_numeric(key["open_walk_minutes"], errors="coerce").astype(float)
    any_walk = pd.to_numeric(key["walk_minutes"], errors="coerce").astype(float)
    unknown_peak = (key["checked_at"].astype(str) == "unknown").to_numpy(bool)
    served = (open_walk.to_numpy() <= GAP_MINUTES) | (
        unknown_peak & (any_walk.to_numpy() <= GAP_MINUTES)
    )
    missing = pd.Series(~served, index=key.index).groupby(key["hotspot_id"]).mean()
    ids = hotspots["hotspot_id"].astype(str)
    score = ids.map(missing.rename(index=str))
    if score.isna().all():
        return None
    return score.fillna(0.0).to_numpy(float)


def _reach(hotspots: pd.DataFrame, dosage: pd.DataFrame | None) -> np.ndarray | None:
    levels = []
    level = _text(hotspots, "reach_level")
    if level is not None:
        levels.append(level.map(REACH_SCORES))
    if dosage is not None and len(dosage):
        by_id = dosage.set_index(dosage["hotspot_id"].astype(str))["reach_level"]
        ids = hotspots["hotspot_id"].astype(str)
        levels.append(ids.map(by_id).map(REACH_SCORES).set_axis(hotspots.index))
    if not levels:
        return None
    # The better-reached of the two sources wins: a visit recorded either way
    # counts as a visit.
    score = pd.concat(levels, axis=1).min(axis=1, skipna=True)
    if score.isna().all():
        return None
    return score.fillna(REACH_SCORES["none"]).to_numpy(float)


def _why(row: pd.Series, lang: str) -> str:
    parts = [t("rota.why.strength", lang, score=f"{row['strength_score']:.2f}")]
    if pd.notna(row["trend_score"]):
        parts.append(t("rota.why.trend", lang, score=f"{row['trend_score']:.2f}"))
    if pd.notna(row["services_score"]):
        parts.append(t("rota.why.services", lang, score=f"{row['services_score']:.2f}"))
    if pd.notna(row["reach_score"]):
        parts.append(t("rota.why.reach", lang, score=f"{row['reach_score']:.2f}"))
    return "; ".join(parts)


def hotspot_priorities(
    hotspots: pd.DataFrame,
    *,
    gaps: pd.DataFrame | None = None,
    dosage: pd.DataFrame | None = None,
    weights: PriorityWeights | None = None,
    lang: str = "en",
) -> pd.DataFrame:
    """Score every hotspot's need for outreach, with the parts shown.

    Parameters
    ----------
    hotspots
        Hotspot areas (``hotspot_id``, ``name``, ``strength``; optionally
        ``trend``, ``recent``, ``change_since_last``, ``reach_level``).
    gaps
        Optional `outreach.gaps.find_gaps` table (nearest services per hotspot).
    dosage
        Optional `outreach.dosage.dosage_table` (debriefed visits per hotspot).
    weights
        How the scores mix; `PriorityWeights()` by default.
    lang
        Language of ``why``.

    Returns
    -------
    DataFrame
        In the hotspots' order, columns `PRIORITY_COLUMNS`: the four scores
        (0-1, NaN when there is no data for that score), ``priority`` (int,
        1-100) and ``why`` (the scores in words).
    """
    weights = weights or PriorityWeights()
    frame = pd.DataFrame(hotspots.drop(columns="geometry", errors="ignore"))
    n = len(frame)
    if n == 0:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PRIORITY_COLUMNS})
    scores = {
        "strength": _strength(frame),
        "trend": _trend(frame),
        "services": _services(frame, gaps),
        "reach": _reach(frame, dosage),
    }
    total = np.zeros(n)
    weight_sum = 0.0
    for name, score in scores.items():
        weight = getattr(weights, name)
        if score is not None and weight > 0:
            total += weight * score
            weight_sum += weight
    priority = np.clip(np.rint(100 * total / weight_sum), 1, 100).astype(int)
    out = pd.DataFrame(
        {
            "hotspot_id": frame["hotspot_id"].astype(str).to_numpy(),
            "name": frame["name"].astype(str).to_numpy(),
            **{
                f"{name}_score": np.full(n, np.nan) if score is None else score
                for name, score in scores.items()
            },
            "priority": priority,
        }
    )
    out["why"] = [_why(row, lang) for _, row in out.iterrows()]
    log.info(
        "session priorities from %s (weights %s)",
        ", ".join(k for k, v in scores.items() if v is not None),
        weights,
    )
    return out[list(PRIORITY_COLUMNS)]
