"""Fixtures for the real-browser tests: the running app and offline Chromium pages."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

ROOT = Path(__file__).parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ASSETS = Path(__file__).with_name("assets")
ARTIFACTS = Path(__file__).with_name("artifacts")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
HEALTH_TIMEOUT_S = 60
APP_TIMEOUT_MS = 90_000
# Everything not served by the app itself: CDNs, map tiles.
NOT_LOOPBACK = re.compile(r"^https?://(?!localhost[:/]|127\.0\.0\.1[:/]).*")
LOCAL_ASSETS = {
    "leaflet.js": "application/javascript",
    "leaflet.css": "text/css",
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            return reply.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``streamlit run app.py`` on a free loopback port; stop it afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("streamlit")
    log_path = folder / "server.log"
    # The server keeps its panels and audit log in a database of its own.
    env = {**os.environ, "CMET_DB_URL": f"sqlite:///{folder / 'cmet.sqlite'}"}
    env.pop("CMET_REQUIRE_SIGN_IN", None)
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless=true",
                f"--server.port={port}",
                "--server.address=127.0.0.1",
                "--browser.gatherUsageStats=false",
                "--server.fileWatcherType=none",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + HEALTH_TIMEOUT_S
            while not _healthy(url):
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not become healthy: {log_path.read_text()}"
                    )
                time.sleep(0.25)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium (never a downloaded browser)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True
        )
        yield launched
        launched.close()


def _offline(route: Route) -> None:
    """Serve Leaflet locally, answer other scripts/styles empty, refuse the rest."""
    name = route.request.url.split("?", 1)[0].rsplit("/", 1)[-1]
    if name in LOCAL_ASSETS:
        route.fulfill(path=ASSETS / name, content_type=LOCAL_ASSETS[name])
    elif name.endswith(".js"):
        route.fulfill(body="", content_type="application/javascript")
    elif name.endswith(".css"):
        route.fulfill(body="", content_type="text/css")
    else:
        route.abort()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser session with no network beyond the app; screenshot on failure."""
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, accept_downloads=True
    )
    context.route(NOT_LOOPBACK, _offline)
    context.set_default_timeout(APP_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(
            path=ARTIFACTS / f"FAILED-{request.node.name}.png", full_page=True
        )
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so fixtures can see failures."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
