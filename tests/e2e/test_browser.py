"""Drive the running app in headless Chromium: the meeting map with its legend and
layers, a map click, a filter, the language switch, uploads and downloads.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import pipeline

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).parents[2]
ARTIFACTS = Path(__file__).with_name("artifacts")
README_SHOT = ROOT / "docs" / "meeting.png"
# The README's picture is refreshed only on request, so a test run leaves the
# working tree as it found it: CMET_UPDATE_README_SHOT=1 make test.
UPDATE_README_SHOT = os.environ.get("CMET_UPDATE_README_SHOT") == "1"
README_SHOT_MAX_BYTES = 400_000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 90_000
AREAS = 10  # nine hotspots and one emerging area in the demo

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian chromium at /usr/bin/chromium (apt-get install chromium)",
    ),
]


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit is connected and has finished running the script."""
    page.wait_for_timeout(210)  # let a rerun that was just triggered start
    app = page.get_by_test_id("stApp")
    expect(app).to_have_attribute(
        "data-test-connection-state", "CONNECTED", timeout=TIMEOUT_MS
    )
    expect(app).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=TIMEOUT_MS
    )
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=TIMEOUT_MS)


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def _map_ready(page: Page):
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container")).to_have_count(1, timeout=TIMEOUT_MS)
    expect(frame.locator(".cmet-label")).to_have_count(AREAS, timeout=TIMEOUT_MS)
    return frame


def _analysed(page: Page) -> int:
    note = page.get_by_text(re.compile(r"\d+ incidents analysed")).first
    return int(re.search(r"(\d+) incidents analysed", note.inner_text()).group(1))


def test_meeting_map_draws_hotspots_legend_and_layers(page: Page, app_url: str):
    """The meeting page opens with what changed, then a map of hotspots, legend and
    layers; a screenshot of it is the README's.
    """
    page.set_viewport_size({"width": 1400, "height": 1500})
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Panel meeting")).to_be_visible()
    expect(page.get_by_role("heading", name="Since the last panel")).to_be_visible()
    expect(page.get_by_text("Synthetic demo data.")).to_be_visible()
    expect(page.get_by_text("Growing:", exact=False).first).to_be_visible()
    frame = _map_ready(page)
    assert frame.locator("path.leaflet-interactive").count() > AREAS
    expect(frame.locator(".cmet-legend")).to_contain_text("growing (thick outline)")
    layers = frame.locator(".leaflet-control-layers-selector")
    assert layers.count() >= 8  # basemap, area, density, cells, contexts, areas...
    expect(frame.locator(".leaflet-control-layers")).to_contain_text("Hotspot areas")
    page.wait_for_timeout(500)  # let the tiles' placeholders settle
    _screenshot(page, "meeting")
    shot = README_SHOT if UPDATE_README_SHOT else ARTIFACTS / "readme-meeting.png"
    page.screenshot(path=shot, type="png")
    assert shot.stat().st_size < README_SHOT_MAX_BYTES


def test_clicking_a_hotspot_label_opens_its_card(page: Page, app_url: str):
    """Clicking a hotspot's label on the map shows that hotspot's card."""
    page.goto(app_url)
    wait_for_app(page)
    frame = _map_ready(page)
    frame.locator(".cmet-label", has_text="H03").click()
    wait_for_app(page)
    picker = page.get_by_role("combobox", name="Hotspot details")
    expect(picker).to_have_value("H03: Fforestfach Retail Park")
    expect(
        page.get_by_role("heading", name=re.compile("H03 · Fforestfach Retail Park"))
    ).to_be_visible()


def test_a_filter_changes_what_is_shown(page: Page, app_url: str):
    """Choosing one theme in the sidebar re-runs the analysis on fewer incidents."""
    page.goto(app_url)
    wait_for_app(page)
    _map_ready(page)
    before = _analysed(page)
    themes = page.get_by_test_id("stMultiSelect").filter(has_text="Incident themes")
    themes.locator("input").click()
    page.keyboard.type("drugs")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_for_app(page)
    expect(
        page.get_by_text(re.compile(r"\d+ incidents analysed")).first
    ).not_to_have_text(
        re.compile(rf"\b{before} incidents analysed"), timeout=TIMEOUT_MS
    )
    assert _analysed(page) < before
    _screenshot(page, "meeting_filtered")


def test_language_switch_turns_the_page_welsh(page: Page, app_url: str):
    """Cymraeg switches headings, the map's legend and the page language."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_role("radio", name="Cymraeg").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Cyfarfod y panel")).to_be_visible()
    expect(page.get_by_role("heading", name="Ers y panel diwethaf")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.locator('div[lang="cy"]').first).to_be_attached()
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".cmet-legend")).to_contain_text("Allwedd", timeout=TIMEOUT_MS)
    expect(frame.locator(".cmet-label")).to_have_count(AREAS, timeout=TIMEOUT_MS)
    _screenshot(page, "meeting_cy")


def test_gaps_page_and_pack_downloads_arrive(page: Page, app_url: str):
    """The gaps CSV and the panel pack download; the pack states the threshold."""
    page.goto(f"{app_url}/gaps")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Services and gaps")).to_be_visible()
    button = page.get_by_test_id("stDownloadButton").filter(has_text="gaps table")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.get_by_role("button").click()
    assert download.value.suggested_filename == "gaps.csv"
    _screenshot(page, "gaps")
    page.goto(app_url)
    wait_for_app(page)
    button = page.get_by_test_id("stDownloadButton").filter(has_text="(HTML)")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.get_by_role("button").click()
    assert download.value.suggested_filename.endswith("_en.html")
    pack = Path(download.value.path()).read_text(encoding="utf-8")
    assert pack.count("Counts below 5 are shown as &lt;5") >= 5
    assert "<svg" in pack


def test_rota_download_arrives(page: Page, app_url: str):
    """Planning a rota offers rota.csv, which downloads with the documented header."""
    page.goto(f"{app_url}/rota")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Outreach rota")).to_be_visible()
    limit = page.get_by_role("spinbutton", name="Solver time limit (seconds)")
    limit.fill("3")
    limit.press("Enter")
    wait_for_app(page)
    page.get_by_role("button", name="Plan rota").click()
    wait_for_app(page)
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Rota (CSV)")
    with page.expect_download(timeout=TIMEOUT_MS) as download:
        button.get_by_role("button").click()
    assert download.value.suggested_filename == "rota.csv"
    header = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("session_id,date,start,end,hotspot_id")
    _screenshot(page, "rota")


def test_data_page_upload(page: Page, app_url: str):
    """Switching to Data and uploading an incidents file puts it in use."""
    page.goto(app_url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Data").click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Data")).to_be_visible()
    name, content = pipeline.demo_sources()["incidents"][0]
    dropzone = page.get_by_test_id("stFileUploaderDropzoneInput").first
    dropzone.set_input_files(
        files=[{"name": f"uploaded_{name}", "mimeType": "text/csv", "buffer": content}]
    )
    wait_for_app(page)
    chip = page.get_by_test_id("stFileChipName")
    expect(chip).to_have_attribute("title", f"uploaded_{name}")  # text is shortened
    expect(page.get_by_text("Files in use")).to_be_visible(timeout=TIMEOUT_MS)
    expect(page.get_by_text(f"Incidents: uploaded_{name}")).to_be_visible()
    expect(page.get_by_text("Synthetic demo data.")).to_have_count(0)
    _screenshot(page, "data_upload")
