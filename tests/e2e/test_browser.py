"""Drive the running app in headless Chromium: map, page switch, upload, download."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

import pipeline

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
TIMEOUT_MS = 90_000

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


def test_panel_map_draws_hotspots(page: Page, app_url: str):
    """The default page shows the demo banner and a Leaflet map with hotspot areas."""
    page.goto(app_url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Panel map")).to_be_visible()
    expect(page.get_by_text("Synthetic demo data.")).to_be_visible()
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container")).to_have_count(1, timeout=TIMEOUT_MS)
    paths = frame.locator("path.leaflet-interactive")
    expect(paths.first).to_be_attached(timeout=TIMEOUT_MS)
    assert paths.count() > 9  # nine hotspot outlines plus their cells
    expect(frame.locator(".cmet-legend")).to_contain_text("hotspot area")
    expect(frame.locator(".cmet-label")).to_have_count(9)
    _screenshot(page, "panel_map")


def test_clicking_a_hotspot_label_picks_it(page: Page, app_url: str):
    """Clicking a hotspot's label on the map selects it in the details picker."""
    page.goto(app_url)
    wait_for_app(page)
    frame = page.frame_locator(MAP_FRAME)
    label = frame.locator(".cmet-label", has_text="H03")
    label.click()
    wait_for_app(page)
    picker = page.get_by_role("combobox", name="Hotspot details")
    expect(picker).to_have_value("H03: Fforestfach Retail Park")
    expect(page.get_by_text("H03, near Fforestfach Retail Park")).to_be_visible()


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
