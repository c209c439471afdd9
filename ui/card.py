"""A hotspot's card: counts (suppressed), themes, partners, times, trend, services,
planned sessions and reach, in the reader's language.
"""

from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

import pipeline
from i18n.terms import DAYS, breakdown, peak_times, reach, short_date, term
from ui.changes import ARROWS
from ui.lang import block, current, tr

# Hours of each band on the profile's outreach days (after school only Mon-Fri);
# the documented rule of hotspots.profiles.time_band.
_HOURS = np.arange(24)
BAND_HOURS = {
    "after school": (_HOURS >= 15) & (_HOURS < 18),
    "evening": (_HOURS >= 18) & (_HOURS < 22),
    "late night": (_HOURS >= 22) | (_HOURS < 6),
}


def band_table(profile: list[list[float]], lang: str) -> pd.DataFrame:
    """Return a 7-day by 4-band table of the profile's shares (percent, 0 dp).

    The text twin of the heatmap: rows Mon..Sun (late night counted with the
    evening before), columns after school, evening, late night, daytime.
    """
    shares = np.asarray(profile, dtype=float)
    weekday = (np.arange(7) < 5)[:, None]
    after = BAND_HOURS["after school"][None, :] & weekday
    evening = np.broadcast_to(BAND_HOURS["evening"], shares.shape)
    late = np.broadcast_to(BAND_HOURS["late night"], shares.shape)
    daytime = ~(after | evening | late)
    columns = {
        term("band", "after school", lang): (shares * after).sum(axis=1),
        term("band", "evening", lang): (shares * evening).sum(axis=1),
        term("band", "late night", lang): (shares * late).sum(axis=1),
        term("band", "daytime", lang): (shares * daytime).sum(axis=1),
    }
    table = pd.DataFrame(columns).round(0)
    table.insert(0, tr("card.day"), [term("day", d, lang) for d in DAYS])
    return table


def _heatmap(profile: list[list[float]], lang: str) -> alt.Chart:
    shares = np.asarray(profile, dtype=float)
    days = [term("day", d, lang) for d in DAYS]
    frame = pd.DataFrame(
        {
            "day": np.repeat(days, 24),
            "hour": np.tile(np.arange(24), 7),
            "share": shares.ravel().round(1),
        }
    )
    return (
        alt.Chart(frame, height=170, title=tr("card.profile_title"))
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title=tr("card.hour")),
            y=alt.Y("day:O", sort=days, title=None),
            color=alt.Color(
                "share:Q",
                scale=alt.Scale(scheme="viridis", reverse=True),
                title="%",
            ),
            tooltip=[
                alt.Tooltip("day:O", title=tr("card.day")),
                alt.Tooltip("hour:O", title=tr("card.hour")),
                alt.Tooltip("share:Q", title="%"),
            ],
        )
    )


def _services(gaps: pipeline.Gaps | None, hotspot_id: str, lang: str) -> None:
    if gaps is None:
        return
    rows = gaps.hotspots[gaps.hotspots["hotspot_id"].astype(str) == hotspot_id]
    if rows.empty:
        return
    yes, no = tr("word.yes"), tr("word.no")
    table = pd.DataFrame(
        {
            tr("col.service_type"): [
                term("service", c, lang) for c in rows["category"]
            ],
            tr("col.nearest_service"): rows["nearest_service"].fillna("-").to_numpy(),
            tr("col.walk_min"): rows["walk_minutes"].to_numpy(),
            tr("col.open_at_peak", when=rows["checked_at"].iloc[0]): [
                yes if v == "yes" else no if v == "no" else "-"
                for v in rows["open_at_peak"]
            ],
            tr("col.nearest_open"): rows["nearest_open_service"].fillna("-").to_numpy(),
            tr("col.open_walk_min"): rows["open_walk_minutes"].to_numpy(),
        }
    )
    st.markdown(f"**{tr('card.services')}**")
    st.dataframe(table, hide_index=True, width="stretch")


def _sessions(plan: pipeline.Plan | None, hotspot_id: str, lang: str) -> None:
    st.markdown(f"**{tr('card.sessions')}**")
    if plan is None:
        st.caption(tr("card.no_rota"))
        return
    rota = plan.rota.rota
    rows = rota[rota["hotspot_id"].astype(str) == hotspot_id]
    if rows.empty:
        st.caption(tr("card.no_sessions"))
        return
    lines = []
    for r in rows.itertuples(index=False):
        who = (
            tr("card.pair", workers=" & ".join(str(r.workers).split(";")))
            if bool(r.staffed)
            else tr("card.uncovered")
        )
        day = short_date(pd.Timestamp(r.date).date(), lang)
        lines.append(
            f"- {day} {r.start}-{r.end} ({term('band', r.band, lang)}): "
            f"{html.escape(who)}"
        )
    block("\n".join(lines))


def render_card(
    area: pd.Series,
    *,
    head: str,
    profiles: dict,
    threshold: int,
    gaps: pipeline.Gaps | None,
    plan: pipeline.Plan | None,
) -> None:
    """Draw one hotspot's (or emerging area's) card.

    Parameters
    ----------
    area
        A row of the hotspots (or emerging areas) table.
    head
        Its change since the last panel ("New", "Growing", "Steady", "Fading").
    profiles
        ``HotspotResult.profiles``.
    threshold
        Disclosure threshold, for the note on withheld profiles.
    gaps, plan
        Service gaps and the planned rota, when there are any.
    """
    lang = current()
    hid = str(area["hotspot_id"])
    name = html.escape(str(area["name"]))
    word = tr(f"term.headline.{head}")
    st.subheader(f"{hid} · {area['name']}  {ARROWS[head]} {word}", anchor=False)
    trend = str(area.get("trend", "") or "")
    recent = str(area.get("recent", "") or "")
    lines = [
        tr(
            "card.incidents",
            incidents=html.escape(str(area["incidents"])),
            cells=int(area["cells"]),
        ),
        tr("card.change", change=f"{ARROWS[head]} {word}"),
    ]
    if trend:
        lines.append(
            tr(
                "card.trend",
                trend=term("trend", trend, lang),
                recent=term("recent", recent, lang) if recent else "-",
            )
        )
    lines += [
        tr("card.themes", themes=html.escape(breakdown(area["categories"], lang))),
        tr(
            "card.sources",
            sources=html.escape(breakdown(area.get("sources", ""), lang, "source")),
        ),
        tr("card.peak", peak=html.escape(peak_times(area["peak_times"], lang))),
    ]
    if "reach" in area and pd.notna(area["reach"]):
        lines.append(tr("card.reach", reach=html.escape(reach(area["reach"], lang))))
    block("\n".join(f"- {line}" for line in lines))
    if hid.startswith("E"):
        st.caption(tr("card.emerging", name=name))
    profile = profiles.get(hid)
    if profile is not None:
        st.altair_chart(_heatmap(profile, lang), width="stretch")
        with st.expander(tr("card.profile_table")):
            st.dataframe(band_table(profile, lang), hide_index=True, width="stretch")
    else:
        st.caption(tr("card.no_profile", twice=2 * threshold))
    _services(gaps, hid, lang)
    _sessions(plan, hid, lang)
