"""A load-test session in headless Chromium: the steps of ``load_sessions``, drawn.

Each session has its own browser context, so its own cookies, websocket and
Streamlit session. A step ends when Streamlit has finished running and the page
(map included) is drawn; an exception shown in the page (``stException``) fails
it. Requests beyond loopback (CDNs, tiles) are answered locally, as in the e2e
tests.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path

from load_sessions import (
    ANALYSED,
    DATA,
    MEETING,
    THEME,
    THEMES,
    UPLOADS,
    ScriptRuns,
    Session,
    StepError,
    timed_steps,
)
from playwright.async_api import Browser, Page, Route, WebSocket, expect

# The harness reads Streamlit's wire messages; it is no part of the pipeline.
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: TID251

ASSETS = Path(__file__).resolve().parents[1] / "tests" / "e2e" / "assets"
# Everything not served by the app itself (CDNs, map tiles) is answered locally.
NOT_LOOPBACK = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/]).*")
LOCAL_ASSETS = {"leaflet.js": "application/javascript", "leaflet.css": "text/css"}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
VIEWPORT = {"width": 1400, "height": 1000}


async def _offline(route: Route) -> None:
    """Serve Leaflet locally, answer other scripts/styles empty, refuse the rest."""
    name = route.request.url.split("?", 1)[0].rsplit("/", 1)[-1]
    if name in LOCAL_ASSETS:
        await route.fulfill(path=ASSETS / name, content_type=LOCAL_ASSETS[name])
    elif name.endswith(".js"):
        await route.fulfill(body="", content_type="application/javascript")
    elif name.endswith(".css"):
        await route.fulfill(body="", content_type="text/css")
    else:
        await route.abort()


async def _wait_for_app(page: Page, ms: float) -> None:
    """Wait until Streamlit is connected and has finished running the script."""
    await page.wait_for_timeout(210)  # let a rerun that was just triggered start
    app = page.get_by_test_id("stApp")
    await expect(app).to_have_attribute(
        "data-test-connection-state", "CONNECTED", timeout=ms
    )
    await expect(app).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=ms
    )
    await expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=ms)
    exceptions = page.get_by_test_id("stException")
    if await exceptions.count():
        text = (await exceptions.first.inner_text()).strip().replace("\n", " ")
        raise StepError(f"exception in page: {text[:300]}")


async def _map_drawn(page: Page, ms: float) -> None:
    frame = page.frame_locator(MAP_FRAME)
    await expect(frame.locator(".leaflet-container")).to_have_count(1, timeout=ms)
    await expect(frame.locator(".cmet-label").first).to_be_attached(timeout=ms)


async def _analysed(page: Page, ms: float) -> int:
    note = page.get_by_text(ANALYSED).first
    await expect(note).to_be_visible(timeout=ms)
    return int(ANALYSED.search(await note.inner_text()).group(1).replace(",", ""))


async def _upload(page: Page, label: str, path: Path, ms: float) -> None:
    """Upload one file and wait until the server lists it among the files in use.

    The next upload waits for that: a file dropped while the page is re-drawn
    after the previous one can be lost.
    """
    uploader = page.get_by_test_id("stFileUploader").filter(has_text=label)
    await uploader.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    chip = uploader.get_by_test_id("stFileChipName")
    await expect(chip).to_have_attribute("title", path.name, timeout=ms)
    in_use = page.get_by_text(f"{label}: {path.name}", exact=True)
    await expect(in_use).to_be_visible(timeout=ms)
    await _wait_for_app(page, ms)


async def _browser_steps(
    page: Page, url: str, files: tuple[Path, ...], ms: float
) -> AsyncIterator[str]:
    """Do each step in the page; yield its name when the page is drawn."""
    await page.goto(url)
    await _wait_for_app(page, ms)
    await expect(page.get_by_role("heading", name=MEETING)).to_be_visible(timeout=ms)
    yield "first_page"
    nav = page.get_by_test_id("stSidebarNav")
    await nav.get_by_role("link", name=DATA).click()
    await _wait_for_app(page, ms)
    for label, path in zip(UPLOADS, files, strict=True):
        await _upload(page, label, path, ms)
    report = page.get_by_role("heading", name="Validation report")
    await expect(report).to_be_visible(timeout=ms)
    yield "upload"
    await nav.get_by_role("link", name=MEETING).click()
    await _wait_for_app(page, ms)
    await _map_drawn(page, ms)
    before = await _analysed(page, ms)
    await _wait_for_app(page, ms)
    yield "map"
    themes = page.get_by_test_id("stMultiSelect").filter(has_text=THEMES)
    await themes.locator("input").click()
    await page.keyboard.type(THEME)
    await page.keyboard.press("Enter")
    await page.keyboard.press("Escape")
    await _wait_for_app(page, ms)
    await expect(page.get_by_text(ANALYSED).first).not_to_have_text(
        re.compile(rf"\b{before:,} incidents analysed|\b{before} incidents analysed"),
        timeout=ms,
    )
    await _wait_for_app(page, ms)
    await _map_drawn(page, ms)
    yield "rerun"


async def browser_session(
    browser: Browser,
    url: str,
    files: tuple[Path, ...],
    record: Session,
    step_timeout_s: float,
    shots: Path | None = None,
) -> None:
    """Run the steps in a fresh browser context (its own Streamlit session)."""
    ms = step_timeout_s * 1000
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await context.route(NOT_LOOPBACK, _offline)
        context.set_default_timeout(ms)
        page = await context.new_page()
        runs = ScriptRuns()

        def _frame(payload: bytes | str) -> None:
            if isinstance(payload, bytes):
                runs.seen(ForwardMsg.FromString(payload))

        def _closed(_ws: WebSocket) -> None:
            record.websocket_closed += 1

        def _watch(ws: WebSocket) -> None:
            if "_stcore" in ws.url:
                ws.on("close", _closed)
                ws.on("framereceived", _frame)

        def _page_error(_error: object) -> None:
            record.page_errors += 1

        page.on("websocket", _watch)
        page.on("pageerror", _page_error)
        page.on("crash", lambda _page: _closed(None))
        steps = _browser_steps(page, url, files, ms)
        await timed_steps(record, steps, runs, step_timeout_s)
        if record.error and shots is not None:
            shot = shots / f"session{record.index:02d}-{record.error_step}.png"
            with contextlib.suppress(Exception):
                await page.screenshot(path=shot, full_page=True, timeout=30_000)
    finally:
        with contextlib.suppress(Exception):
            await context.close()


async def browser_first_page(browser: Browser, url: str, step_timeout_s: float) -> None:
    """Open the first page once in a throwaway context (to warm the server up)."""
    context = await browser.new_context(viewport=VIEWPORT)
    try:
        await context.route(NOT_LOOPBACK, _offline)
        page = await context.new_page()
        await page.goto(url)
        await _wait_for_app(page, step_timeout_s * 1000)
    finally:
        await context.close()
