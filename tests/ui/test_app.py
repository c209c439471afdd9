"""AppTest runs of every page on the demo data, uploads and the rota button."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import state

APP = Path(__file__).parents[2] / "app.py"
PAGES = ("ui/views/panel_map.py", "ui/views/gaps.py", "ui/views/rota.py")
DATA_PAGE = "ui/views/data.py"
TIMEOUT = 120  # the first run reads the demo data and imports the solver


@pytest.fixture
def at() -> AppTest:
    """The app after its first run on the demo data (default page: panel map)."""
    app = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    app.run()
    assert not app.exception
    return app


def _texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def _banner(app: AppTest) -> bool:
    return any("Synthetic demo data" in text for text in _texts(app.info))


def test_default_page_is_panel_map_with_banner(at):
    """The panel map opens first, says the data are synthetic and lists hotspots."""
    assert at.title[0].value == "Panel map"
    assert _banner(at)
    table = at.dataframe[0].value
    assert len(table) > 0
    assert list(table.columns[:3]) == ["Hotspot", "Near", "Incidents"]
    assert any(text.startswith("Method: cells of") for text in _texts(at.caption))


def test_hotspot_table_is_disclosure_safe(at):
    """Every incident count in the hotspot table is suppressed below the threshold."""
    counts = at.dataframe[0].value["Incidents"].astype(str)
    assert counts.str.fullmatch(r"0|<5|[5-9]|\d{2,}").all()


@pytest.mark.parametrize("page", [*PAGES, DATA_PAGE])
def test_every_page_runs_on_demo_data(at, page):
    """Each page runs without an exception or error and keeps the demo banner."""
    at.switch_page(page).run()
    assert not at.exception
    assert not at.error
    assert _banner(at)


def test_switching_pages_changes_title(at):
    """Switching pages shows each page's own title."""
    titles = []
    for page in (DATA_PAGE, "ui/views/gaps.py", "ui/views/panel_map.py"):
        at.switch_page(page).run()
        titles.append(at.title[0].value)
    assert titles == ["Data", "Services and gaps", "Panel map"]


def test_data_page_shows_validation_report(at):
    """The report lists each demo file with rows read and kept."""
    at.switch_page(DATA_PAGE).run()
    report = at.dataframe[0].value
    assert {"incidents.csv", "services.csv"} <= set(report["File"])
    assert (report["Rows kept"] <= report["Rows read"]).all()
    assert any("10 workers" in text for text in _texts(at.caption))


def test_bad_upload_shows_one_error(at):
    """A file without location columns gives one plain error naming the file."""
    at.switch_page(DATA_PAGE).run()
    bad = b"date,category,place\n2025-01-01,violence,Kingsway\n"
    at.file_uploader(key=state.uploader_key("incidents")).set_value(
        ("bad.csv", bad, "text/csv")
    ).run()
    assert not at.exception
    assert len(at.error) == 1
    assert re.search(r"bad\.csv", at.error[0].value)
    assert not _banner(at)


def test_upload_without_incidents_asks_for_them(at):
    """Uploading only a team file asks for an incidents file or the demo data."""
    at.switch_page(DATA_PAGE).run()
    team = b"worker,lead,max_hours,available,unavailable\nAled,yes,20,any,\n"
    at.file_uploader(key=state.uploader_key("workers")).set_value(
        ("team.csv", team, "text/csv")
    ).run()
    assert len(at.error) == 1
    assert "No incidents file" in at.error[0].value
    at.button(key=state.USE_DEMO).click().run()
    assert not at.error
    assert _banner(at)


def test_threshold_setting_reaches_the_page(at):
    """Changing the disclosure threshold in the sidebar changes the method note."""
    at.number_input(key=state.SB_THRESHOLD).set_value(10).run()
    assert not at.exception
    assert any('shown as "<10"' in text for text in _texts(at.caption))


def test_gaps_page_sorted_by_walk(at):
    """The gaps table is sorted longest walk first and offers a CSV download."""
    at.switch_page("ui/views/gaps.py").run()
    minutes = at.dataframe[0].value["Walk (min, est.)"].dropna().astype(int)
    assert len(minutes) > 0
    assert minutes.is_monotonic_decreasing
    assert [b.label for b in at.get("download_button")] == ["Download gaps table (CSV)"]


def test_rota_button_produces_rota(at):
    """Pressing Plan rota shows the rota table and the four downloads."""
    at.switch_page("ui/views/rota.py").run()
    assert not at.dataframe
    at.number_input(key=state.ROTA_TIME_LIMIT).set_value(3)
    at.button(key=state.ROTA_PLAN).click().run()
    assert not at.exception
    assert not at.error
    rota = at.dataframe[0].value
    assert len(rota) > 0
    assert {"Date", "Start", "Hotspot", "Workers"} <= set(rota.columns)
    labels = [b.label for b in at.get("download_button")]
    assert labels == [
        "Rota (CSV)",
        "Calendar (iCalendar)",
        "Walking routes (GeoJSON)",
        "Panel pack (HTML)",
    ]


def _small_incidents() -> bytes:
    """Twelve incidents in central Swansea: too few for a hotspot map."""
    rows = [
        f"2026-10-{day:02d} 19:00,violence,{51.618 + day * 1e-4:.5f},-3.94"
        for day in range(1, 13)
    ]
    return ("date,category,latitude,longitude\n" + "\n".join(rows) + "\n").encode()


def test_too_few_incidents_is_a_stated_result(at):
    """A small upload gives the 'too few incidents to say' state, not an empty map."""
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key=state.uploader_key("incidents")).set_value(
        ("small.csv", _small_incidents(), "text/csv")
    ).run()
    assert not at.error
    at.switch_page("ui/views/panel_map.py").run()
    assert not at.exception
    assert any("Too few incidents to say" in text for text in _texts(at.info))
    assert not at.dataframe


def test_gaps_filter_by_service_type(at):
    """Choosing a service type limits the gaps table to it."""
    at.switch_page("ui/views/gaps.py").run()
    at.multiselect(key=state.GAP_TYPES).set_value(["mental health"]).run()
    table = at.dataframe[0].value
    assert set(table["Service type"]) == {"mental health"}


def test_rota_page_without_hotspots_says_so(at):
    """With too few incidents the rota page explains there is nothing to plan."""
    at.switch_page(DATA_PAGE).run()
    at.file_uploader(key=state.uploader_key("incidents")).set_value(
        ("small.csv", _small_incidents(), "text/csv")
    ).run()
    at.switch_page("ui/views/rota.py").run()
    assert not at.exception
    assert any("no sessions to plan" in text for text in _texts(at.info))
    assert not at.button
