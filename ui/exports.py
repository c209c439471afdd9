"""Downloads: the panel pack (HTML, and PDF where Chromium is installed) and other
files, each made when its button is pressed and written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, time

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

import pipeline
from hotspots.result import HotspotResult
from i18n import t
from i18n.terms import long_date
from outreach.gaps import GAP_COLUMNS
from outreach.ics import rota_to_ics
from outreach.pack import render_pack
from outreach.pdf import html_to_pdf, pdf_available
from store import AuditEvent, list_snapshots, load_snapshot, record_event
from store.rotas import ROTA_COLUMNS
from ui import data, memory
from ui.changes import SinceLast
from ui.lang import current, tr
from ui.summary import result_line

log = logging.getLogger(__name__)


def audited(
    make: Callable[[], bytes | str], name: str, engine: Engine, user: str
) -> Callable[[], bytes | str]:
    """Return ``make`` wrapped so that calling it also writes an export event.

    Download buttons call it when pressed, outside the script run, so it takes
    the engine and user with it instead of reading the session.
    """

    def _make() -> bytes | str:
        content = make()
        record_event(engine, AuditEvent.EXPORT, user, name)
        return content

    return _make


def download(
    label: str, name: str, mime: str, make: Callable[[], bytes | str], key: str
) -> None:
    """Draw a download button whose file is made (and audited) when pressed."""
    st.download_button(
        label,
        data=audited(make, name, memory.engine(), memory.current_user()),
        file_name=name,
        mime=mime,
        on_click="ignore",
        icon=":material/download:",
        key=key,
    )


def calendar_file(
    files: dict[str, bytes], plan: pipeline.Plan, meeting: date, lang: str
) -> bytes:
    """Return the rota's calendar in ``lang`` (the pipeline's file in English).

    The rota id and stamp are those of ``pipeline.plan_outputs``, so every event
    keeps its UID whatever the language and re-publishing updates it.
    """
    if lang == "en":
        return files["rota.ics"]
    return rota_to_ics(
        plan.rota.rota,
        rota_id=f"cmet-{meeting.isoformat()}",
        stamp=datetime.combine(meeting, time(9, 0)),
        routes=plan.routes,
        lang=lang,
    )


def compared_sentence(since: SinceLast, lang: str) -> str:
    """Return what "since the last panel" compares against, in ``lang``."""
    if since.snapshot is not None:
        return t(
            "meeting.basis_snapshot",
            lang,
            date=long_date(since.snapshot.meeting_date, lang),
        )
    if since.compared_with:
        day = pd.Timestamp(since.compared_with).date()
        return t("meeting.basis_period", lang, date=long_date(day, lang))
    return t("meeting.basis_none", lang)


def decisions_on(engine: Engine, meeting: date) -> tuple[str, ...]:
    """Return the decisions of the latest snapshot saved for ``meeting``."""
    saved = list_snapshots(engine)
    same = saved[saved["meeting_date"] == meeting]
    if same.empty:
        return ()
    return load_snapshot(engine, int(same["snapshot_id"].iloc[0])).decisions


def build_pack(
    *,
    lang: str,
    meeting: date,
    result: HotspotResult,
    since: SinceLast,
    inputs: pipeline.Inputs,
    gaps: pipeline.Gaps | None,
    plan: pipeline.Plan | None,
    decisions: tuple[str, ...] = (),
) -> str:
    """Return the panel pack in ``lang`` from what the meeting page shows."""
    rota = plan.rota.rota if plan else pd.DataFrame(columns=list(ROTA_COLUMNS))
    empty_gaps = pd.DataFrame(columns=list(GAP_COLUMNS))
    return render_pack(
        title=t("pack.title", lang),
        meeting_date=meeting,
        hotspots=result.hotspots,
        cells=result.cells,
        gaps=gaps.hotspots if gaps else empty_gaps,
        rota=rota,
        explanations=plan.rota.explanations if plan else (),
        routes=plan.routes if plan else None,
        services=inputs.services,
        spaces=inputs.spaces,
        area=inputs.area,
        choices=result.choices,
        report=inputs.report,
        threshold=int(result.choices["disclosure_threshold"]),
        status_message=result_line(result, lang),
        changes=since.lines,
        lang=lang,
        area_gaps=gaps.areas if gaps else None,
        coverage=gaps.coverage if gaps else None,
        whatif=gaps.whatif if gaps else None,
        headlines=since.classes.to_dict(),
        compared_with=compared_sentence(since, lang),
        decisions=decisions,
    )


def render_pack_downloads(
    request: data.Request,
    result: HotspotResult,
    since: SinceLast,
    panel_date: date,
    gaps: pipeline.Gaps | None,
    planned: tuple | None,
) -> None:
    """Offer the panel pack in the chosen language, as HTML and (if possible) PDF."""
    lang = current()
    st.header(tr("pack.download_title"), anchor=False)
    plan, meeting = (planned[0], planned[2]) if planned else (None, panel_date)
    engine = memory.engine()

    def _html() -> str:
        return build_pack(
            lang=lang,
            meeting=meeting,
            result=result,
            since=since,
            inputs=data.inputs(request.sources, request.choice),
            gaps=gaps,
            plan=plan,
            decisions=decisions_on(engine, meeting),
        )

    stem = f"panel_pack_{meeting.isoformat()}_{lang}"
    left, right = st.columns(2)
    with left:
        download(tr("pack.html"), f"{stem}.html", "text/html", _html, "pack_html")
    with right:
        if pdf_available():
            download(
                tr("pack.pdf"),
                f"{stem}.pdf",
                "application/pdf",
                lambda: html_to_pdf(_html()),
                "pack_pdf",
            )
        else:
            st.caption(tr("pack.no_pdf"))
    st.caption(tr("pack.caption", k=request.params.threshold))
