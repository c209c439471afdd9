"""Service-gap sentences in the panel's language (English or Welsh).

The one place gap, coverage and what-if findings become sentences, for the
CLI's report, the panel pack and the app alike: built only from the
already-suppressed tables and worded through the string catalogues (keys
``gaps.sentence.*``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from i18n import t
from i18n.terms import term
from outreach.coverage import ANY_TIME, PERIODS
from outreach.gaps import GAP_MINUTES

FOCUS = ("youth and diversionary", "mental health")


def _names(names: pd.Series, lang: str, most: int = 5) -> str:
    shown = list(names.drop_duplicates())
    text = ", ".join(shown[:most])
    if len(shown) > most:
        text += t("gaps.sentence.and_more", lang, n=len(shown) - most)
    return text


def _pct(share: float) -> str:
    return f"{round(100 * share)}%"


def _period(band: str, lang: str) -> str:
    """Return a period as it reads before "incidents" ("weekday-evening")."""
    return term("period", band, lang)


def _or(categories: Sequence[str], lang: str) -> str:
    return t("gaps.sentence.or", lang).join(
        term("service", c, lang) for c in categories
    )


def _peak(gaps: pd.DataFrame, lang: str, focus: Sequence[str], over: int) -> list[str]:
    timed = gaps[gaps["checked_at"] != "unknown"]
    if gaps.empty:
        return []
    if timed.empty:
        return [t("gaps.sentence.no_peak", lang)]
    total = timed["hotspot_id"].nunique()
    lines = []
    for category in focus:
        rows = timed[timed["category"] == category]
        far = rows[~(rows["open_walk_minutes"] <= over).fillna(False)]
        if far.empty:
            continue
        lines.append(
            t(
                "gaps.sentence.peak",
                lang,
                n=far["hotspot_id"].nunique(),
                total=total,
                category=term("service", category, lang),
                minutes=over,
                names=_names(far["hotspot_name"], lang),
            )
        )
    return lines


def _coverage(table: pd.DataFrame, lang: str, minutes: int) -> list[str]:
    column = f"within_{minutes}_min_share"
    lines = []
    for category, rows in table.groupby("category", sort=False):
        words = term("service", category, lang)
        beyond = 1 - rows[column]
        overall = rows[rows["band"] == ANY_TIME]
        if len(overall) and overall[column].notna().all():
            lines.append(
                t(
                    "gaps.sentence.coverage_any",
                    lang,
                    share=_pct(beyond[overall.index[0]]),
                    minutes=minutes,
                    category=words,
                )
            )
        bands = rows[rows["band"].isin(PERIODS) & rows[column].notna()]
        if len(bands):
            worst = beyond[bands.index].idxmax()
            lines.append(
                t(
                    "gaps.sentence.coverage_open",
                    lang,
                    share=_pct(beyond[worst]),
                    period=_period(rows.at[worst, "band"], lang),
                    minutes=minutes,
                    category=words,
                )
            )
    return lines


def _whatif(table: pd.DataFrame, lang: str) -> list[str]:
    if table.empty or pd.isna(table["added_share_value"].iloc[0]):
        return []
    best = table.iloc[0]
    anytime = str(best["band"]).startswith("any time")
    return [
        t(
            "gaps.sentence.whatif_any" if anytime else "gaps.sentence.whatif",
            lang,
            category=term("service", best["category"], lang),
            site=best["site"],
            added=best["added_share"],
            period="" if anytime else _period(best["band"], lang),
            minutes=f"{best['minutes']:g}",
            before=best["covered_before"],
            after=best["covered_after"],
        )
    ]


def gap_sentences(
    lang: str,
    gaps: pd.DataFrame | None = None,
    areas: pd.DataFrame | None = None,
    coverage: pd.DataFrame | None = None,
    whatif: pd.DataFrame | None = None,
    *,
    focus: Sequence[str] = FOCUS,
    over_minutes: int = GAP_MINUTES,
    top: int = 3,
) -> list[str]:
    """Summarise service gaps in a few plain sentences in ``lang``.

    Parameters
    ----------
    lang
        "en" or "cy".
    gaps, areas, coverage, whatif
        The tables of :class:`pipeline.Gaps` (hotspot gaps, area gaps, coverage
        and the what-if ranking); any may be ``None``.
    focus
        Service kinds the hotspot and coverage sentences are about.
    over_minutes
        A walk longer than this many minutes is a gap.
    top
        How many of the biggest-gap areas to name.

    Returns
    -------
    list of str
        Sentences built only from already-suppressed values.
    """
    lines = [] if gaps is None else _peak(gaps, lang, focus, over_minutes)
    if areas is not None and len(areas):
        worst = areas.sort_values("gap_rank", kind="stable").head(top)
        lines.append(
            t(
                "gaps.sentence.areas_wimd"
                if "wimd_rank" in areas
                else "gaps.sentence.areas",
                lang,
                focus=_or(focus, lang),
                names=_names(
                    worst["area_name"] + " (" + worst["area_id"] + ")", lang, top
                ),
            )
        )
    if coverage is not None:
        lines.extend(
            _coverage(coverage[coverage["category"].isin(focus)], lang, over_minutes)
        )
    if whatif is not None:
        lines.extend(_whatif(whatif, lang))
    return lines


def long_walks(
    gaps: pd.DataFrame, lang: str, *, over_minutes: int = GAP_MINUTES
) -> list[str]:
    """Return one sentence per long walk, then one per kind with no service listed."""
    minutes = gaps["walk_minutes"]
    far = gaps[minutes.notna() & (minutes > over_minutes)]
    lines = [
        t(
            "gaps.sentence.long_walk",
            lang,
            name=name,
            category=term("service", category, lang),
            minutes=int(mins),
        )
        for name, category, mins in zip(
            far["hotspot_name"], far["category"], far["walk_minutes"], strict=True
        )
    ]
    missing = gaps.loc[minutes.isna(), "category"].drop_duplicates()
    lines.extend(
        t("gaps.sentence.not_listed", lang, category=term("service", c, lang))
        for c in missing
    )
    return lines
