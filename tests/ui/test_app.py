"""AppTest runs of every page in English and Welsh on the demo data, and the main
interactions: language switch, filters, upload, rota, downloads, decisions.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import date

import pytest

import pipeline
from store import AuditEvent, audit_log, open_store
from ui import state

MEETING = "ui/views/meeting.py"
PAGES = (MEETING, "ui/views/gaps.py", "ui/views/rota.py", "ui/views/data.py")
TITLES = {
    "en": ["Panel meeting", "Services and gaps", "Outreach rota", "Data"],
    "cy": ["Cyfarfod y panel", "Gwasanaethau a bylchau", "Rota allgymorth", "Data"],
}
BANNER = {"en": "Synthetic demo data", "cy": "Data demo synthetig"}
PANEL_DATE = date(2026, 11, 30)  # the demo data's last day


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _run(fresh, lang: str = "en"):
    app = fresh()
    app.session_state[state.LANG] = lang
    app.run()
    assert not app.exception, app.exception
    return app


def _analysed(app) -> int:
    """Return the number of incidents analysed, from the method note."""
    for text in _texts(app.caption):
        if found := re.search(r"(\d+) incidents analysed", text):
            return int(found.group(1))
    raise AssertionError("no method note")


def _events(url: str, event: AuditEvent):
    return audit_log(open_store(url), event=event)


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_meeting_page_opens_with_since_last_panel(fresh, lang):
    """The meeting page is first and starts with what changed since the last panel."""
    app = _run(fresh, lang)
    assert app.title[0].value == TITLES[lang][0]
    headers = _texts(app.header)
    assert (
        headers[0] == {"en": "Since the last panel", "cy": "Ers y panel diwethaf"}[lang]
    )
    assert headers.index("Map") < len(headers)
    since = app.markdown[0].value
    assert since.startswith(f'<div lang="{lang}">')
    new, growing, fading = {
        "en": ("▲ New:", "▲ Growing:", "▼ Fading:"),
        "cy": ("▲ Newydd:", "▲ Yn tyfu:", "▼ Yn pylu:"),
    }[lang]
    assert f"**{new}** Parc Tawe" in since
    assert f"**{growing}** Castle Square" in since
    assert f"**{fading}** Blaenymaes" in since
    assert any(BANNER[lang] in text for text in _texts(app.info))


@pytest.mark.parametrize("lang", ["en", "cy"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_in_both_languages(fresh, page, lang):
    """Each page runs without an exception or error, titled in the chosen language."""
    app = _run(fresh, lang)
    app.switch_page(page).run()
    assert not app.exception
    assert not app.error
    assert app.title[0].value == TITLES[lang][PAGES.index(page)]
    assert any(BANNER[lang] in text for text in _texts(app.info))


def test_language_switch_changes_every_heading(fresh):
    """The switch turns titles, headers and sidebar labels Welsh, and back."""
    app = _run(fresh)
    english = _texts(app.header)
    app.segmented_control(key=state.LANG).set_value("cy").run()
    assert not app.exception
    welsh = _texts(app.header)
    assert app.title[0].value == "Cyfarfod y panel"
    assert len(welsh) == len(english)
    assert not set(welsh) & (set(english) - {"Map", "Panel"})
    assert "Pa ddigwyddiadau" in welsh
    assert app.multiselect(key=state.SB_CATEGORIES).label == "Themâu digwyddiadau"
    app.segmented_control(key=state.LANG).set_value("en").run()
    assert _texts(app.header) == english


def test_a_rerun_with_kept_results_never_sleeps(fresh, monkeypatch):
    """Once the meeting page's results are kept, a rerun waits on nothing.

    ``st.status`` sleeps 0.05 s each time it is drawn: 0.1 s of a 0.18 s rerun
    on 100k incidents. The page shows ``st.spinner`` instead, which appears
    only after half a second of work.
    """
    app = _run(fresh)
    real, slept = time.sleep, []

    def sleep(seconds: float) -> None:
        # AppTest itself polls from the main thread; the page runs in another.
        if threading.current_thread() is not threading.main_thread():
            slept.append(seconds)
        real(seconds)

    monkeypatch.setattr(time, "sleep", sleep)
    app.run()
    assert not app.exception, app.exception
    assert app.title[0].value == TITLES["en"][0]
    assert slept == []


def test_hotspot_table_is_disclosure_safe(fresh):
    """Every count in the map's table twin is suppressed below the threshold."""
    app = _run(fresh)
    twin = app.dataframe[0].value
    assert list(twin.columns[:4]) == [
        "Hotspot",
        "Near",
        "Since last panel",
        "Incidents",
    ]
    assert twin["Incidents"].astype(str).str.fullmatch(r"0|<5|[5-9]|\d{2,}").all()
    assert "E01" in set(twin["Hotspot"])  # the emerging area is listed too
    assert set(twin["Since last panel"]).issubset(
        {"▲ New", "▲ Growing", "● Steady", "▼ Fading"}
    )


def test_card_shows_the_picked_hotspot(fresh):
    """Picking Castle Square shows its card: counts, themes, partners, times, reach."""
    app = _run(fresh)
    app.selectbox(key=state.HOTSPOT_PICK).set_value("H01").run()
    card = next(m.value for m in app.markdown if "**Incidents:**" in m.value)
    assert "**Partners' data it rests on:** police" in card
    assert "**Peak times:** Fri/Sat evening" in card
    assert "young people in the last 8 weeks" in card
    assert app.get("arrow_vega_lite_chart") or app.get("vega_lite_chart")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        (state.SB_CATEGORIES, ["drugs", "violence"]),
        (state.SB_SOURCES, ["police"]),
        (state.SB_BANDS, ["evening"]),
        (state.SB_DATES, (date(2026, 6, 1), date(2026, 11, 30))),
    ],
)
def test_filters_change_what_is_analysed(fresh, key, value):
    """Each filter leaves incidents out before the analysis, so fewer are analysed."""
    app = _run(fresh)
    everything = _analysed(app)
    if key == state.SB_DATES:
        app.date_input(key=key).set_value(value).run()
    else:
        app.multiselect(key=key).set_value(value).run()
    assert not app.exception
    assert not app.error
    assert 0 < _analysed(app) < everything


def test_threshold_setting_reaches_the_page(fresh):
    """Changing the disclosure threshold changes the method note and the table."""
    app = _run(fresh)
    app.number_input(key=state.SB_THRESHOLD).set_value(10).run()
    assert not app.exception
    assert any('shown as "<10"' in text for text in _texts(app.caption))


def test_decision_is_saved_and_read_back_after_restart(fresh, database):
    """A decision recorded at one panel is what the next session compares against."""
    first = _run(fresh)
    first.date_input(key=state.DECISION_DATE).set_value(date(2026, 11, 16))
    first.multiselect(key=state.DECISION_TARGETS).set_value(["H01", "E01"])
    first.text_area(key=state.DECISION_TEXT).set_value(
        "Outreach at Castle Square on Friday evenings"
    )
    first.button(key=state.DECISION_SAVE).click().run()
    assert not first.exception
    assert any(
        "Saved for the panel of Monday 16 November" in s for s in _texts(first.success)
    )
    assert len(_events(database, AuditEvent.SNAPSHOT_SAVED)) == 1

    again = _run(fresh)  # a new session on the same database: as after a restart
    captions = _texts(again.caption)
    assert any(
        "Compared with the panel of Monday 16 November 2026" in c for c in captions
    )
    decided = " ".join(_texts(again.markdown))
    assert "Outreach at Castle Square on Friday evenings" in decided
    assert "Target: H01 Castle Square, E01 Parc Tawe" in decided


def test_decision_naming_a_person_is_refused(fresh, database):
    """A decision with an e-mail address is refused with the store's message."""
    app = _run(fresh)
    app.text_area(key=state.DECISION_TEXT).set_value("Ask jo@example.org to visit")
    app.button(key=state.DECISION_SAVE).click().run()
    assert len(app.error) == 1
    assert re.search(r"e-mail address", app.error[0].value)
    assert len(_events(database, AuditEvent.SNAPSHOT_SAVED)) == 0


def test_gaps_page_sorted_and_filtered(fresh):
    """The gaps table is longest walk first, filters by type and offers CSVs."""
    app = _run(fresh)
    app.switch_page("ui/views/gaps.py").run()
    minutes = app.dataframe[0].value["Walk (min, est.)"].dropna().astype(int)
    assert minutes.is_monotonic_decreasing
    app.multiselect(key=state.GAP_TYPES).set_value(["mental health"]).run()
    assert set(app.dataframe[0].value["Service type"]) == {"mental health"}
    labels = [b.label for b in app.get("download_button")]
    assert labels == [
        "Download gaps table (CSV)",
        "Area gaps (CSV)",
        "Coverage (CSV)",
        "What-if (CSV)",
    ]
    assert any(
        "One new youth and diversionary service" in m.value for m in app.markdown
    )


def test_gaps_page_in_welsh_words_the_sentences(fresh):
    """In Welsh the gap sentences, service types and headers are Welsh."""
    app = _run(fresh, "cy")
    app.switch_page("ui/views/gaps.py").run()
    sentences = app.markdown[0].value
    assert sentences.startswith('<div lang="cy">')
    assert "munud o gerdded" in sentences
    assert "iechyd meddwl" in set(app.dataframe[0].value["Math o wasanaeth"])


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_rota_solve_saves_a_version_and_offers_downloads(fresh, database, lang):
    """Plan rota shows the rota, saves it (audited) and offers five downloads."""
    app = _run(fresh, lang)
    app.switch_page("ui/views/rota.py").run()
    assert not app.dataframe
    app.number_input(key=state.ROTA_TIME_LIMIT).set_value(3)
    app.button(key=state.ROTA_PLAN).click().run()
    assert not app.exception
    assert not app.error
    rota = app.dataframe[0].value
    assert len(rota) > 0
    assert {"en": "Workers", "cy": "Gweithwyr"}[lang] in rota.columns
    labels = [b.label for b in app.get("download_button")]
    assert (
        labels
        == {
            "en": [
                "Rota (CSV)",
                "Calendar (iCalendar)",
                "Walking routes (GeoJSON)",
                "Session sheets (printable, phone-friendly)",
                "Panel pack (HTML)",
            ],
            "cy": [
                "Rota (CSV)",
                "Calendr (iCalendar)",
                "Llwybrau cerdded (GeoJSON)",
                "Taflenni sesiwn (i'w hargraffu, addas i ffôn)",
                "Pecyn y panel (HTML)",
            ],
        }[lang]
    )
    assert len(_events(database, AuditEvent.ROTA_CHANGED)) == 1
    app.switch_page(MEETING).run()  # the planned rota now shows at the meeting
    assert any(
        "sessions planned" in m.value or "sesiynau" in m.value for m in app.markdown
    )


def test_meeting_offers_the_pack(fresh):
    """The meeting page offers the pack as HTML, and as PDF where Chromium exists."""
    from outreach.pdf import pdf_available

    app = _run(fresh)
    labels = [b.label for b in app.get("download_button")]
    assert labels[0] == "Panel pack (HTML)"
    if pdf_available():
        assert labels[1:] == ["Panel pack (PDF)"]
    else:
        assert any("PDF is not offered here" in c for c in _texts(app.caption))


def test_bad_upload_shows_one_error_and_is_audited(fresh, database):
    """A file without location columns gives one plain error; the upload is logged."""
    app = _run(fresh)
    app.switch_page("ui/views/data.py").run()
    bad = b"date,category,place\n2025-01-01,violence,Kingsway\n"
    app.file_uploader(key=state.uploader_key("incidents")).set_value(
        ("bad.csv", bad, "text/csv")
    ).run()
    assert not app.exception
    assert len(app.error) == 1
    assert re.search(r"bad\.csv", app.error[0].value)
    uploads = _events(database, AuditEvent.UPLOAD)
    assert uploads["object_id"].str.fullmatch(r"sha256:[0-9a-f]{16}").all()
    assert "bad.csv" not in uploads.to_string()


def test_upload_without_incidents_asks_for_them(fresh):
    """Uploading only a team file asks for an incidents file or the demo data."""
    app = _run(fresh)
    app.switch_page("ui/views/data.py").run()
    team = b"worker,lead,max_hours,available,unavailable\nAled,yes,20,any,\n"
    app.file_uploader(key=state.uploader_key("workers")).set_value(
        ("team.csv", team, "text/csv")
    ).run()
    assert len(app.error) == 1
    assert "No incidents file" in app.error[0].value
    app.button(key=state.USE_DEMO).click().run()
    assert not app.error


def _small_incidents() -> bytes:
    """Twelve incidents in central Swansea: too few for a hotspot map."""
    rows = [
        f"2026-10-{day:02d} 19:00,violence,{51.618 + day * 1e-4:.5f},-3.94"
        for day in range(1, 13)
    ]
    return ("date,category,latitude,longitude\n" + "\n".join(rows) + "\n").encode()


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_too_few_incidents_is_a_stated_result(fresh, lang):
    """A small upload gives the 'too few incidents to say' state on every page."""
    app = _run(fresh, lang)
    app.switch_page("ui/views/data.py").run()
    app.file_uploader(key=state.uploader_key("incidents")).set_value(
        ("small.csv", _small_incidents(), "text/csv")
    ).run()
    assert not app.error
    app.switch_page(MEETING).run()
    assert not app.exception
    words = {"en": "Too few incidents to say", "cy": "Rhy ychydig o ddigwyddiadau"}
    assert any(words[lang] in text for text in _texts(app.info))
    assert not app.dataframe
    app.switch_page("ui/views/rota.py").run()
    assert not app.exception
    assert not app.button


def test_period_setting_moves_the_comparison(fresh):
    """With 28-day periods, 'since the last panel' compares with 28 days earlier."""
    app = _run(fresh)
    assert any("Monday 16 November 2026" in c for c in _texts(app.caption))
    app.radio(key=state.SB_PERIOD).set_value("28 days").run()
    assert not app.exception
    assert any(
        "Monday 2 November 2026, one period earlier" in c for c in _texts(app.caption)
    )


def test_someone_off_sick_replans_only_what_must_change(fresh):
    """Scenario 4: a worker off for three days; re-planning lists the few changes."""
    app = _run(fresh)
    app.switch_page("ui/views/rota.py").run()
    app.number_input(key=state.ROTA_TIME_LIMIT).set_value(3)
    app.button(key=state.ROTA_PLAN).click().run()
    rota = app.dataframe[0].value
    worker_column = next(c for c in rota.columns if c.lower().startswith("worker"))
    busy = (
        rota[worker_column].astype(str).str.split(r"[;,&]| and ").explode().str.strip()
    )
    name = busy[busy != ""].value_counts().index[0]
    app.selectbox(key="replan_who").set_value(name)
    app.date_input(key="replan_from").set_value(date(2026, 12, 14))
    app.date_input(key="replan_to").set_value(date(2026, 12, 16))
    app.button(key="replan_go").click().run()
    assert not app.exception
    assert not app.error
    changes = [m.value for m in app.markdown if "→" in m.value]
    assert changes, "re-planning listed no changes"
    lines = changes[-1].splitlines()
    assert 1 <= len(lines) <= 6
    assert all(name in line for line in lines)


def test_files_read_after_a_failed_read_start_on_their_whole_date_range(fresh):
    """A study area alone (nothing to analyse) does not pin the dates to one day."""
    files = pipeline.demo_sources()
    app = fresh()
    app.session_state[state.UPLOADS] = {"area": tuple(files["area"])}
    app.run()
    assert app.error  # no incidents file: the page says so
    app.session_state[state.UPLOADS] = {
        "area": tuple(files["area"]),
        "incidents": tuple(files["incidents"]),
    }
    app.run()
    assert not app.exception
    first, last = app.date_input(key=state.SB_DATES).value
    incidents = pipeline.load_inputs(incidents=files["incidents"]).incidents
    assert first == incidents["when"].min().date()
    assert last == incidents["when"].max().date()
    assert _analysed(app) > 1000
