"""Print the panel pack to PDF with headless Chromium, where it is installed.

The pack is self-contained HTML (inline SVG, no scripts, no external links), so
Chromium prints it from a temporary file with no network. Its print CSS puts the
title and the disclosure rule on every A4 page. Where Chromium is missing, the
app offers only the HTML pack and says so.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT_S = 90
_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--no-pdf-header-footer",
)


def pdf_available(browser: Path = CHROMIUM) -> bool:
    """Return ``True`` when a Chromium to print with is installed."""
    return browser.is_file()


def html_to_pdf(html: str, *, browser: Path = CHROMIUM) -> bytes:
    """Return the PDF that Chromium prints from a self-contained HTML page.

    Parameters
    ----------
    html
        The page (the panel pack).
    browser
        The Chromium executable.

    Raises
    ------
    RuntimeError
        When Chromium is missing, fails or writes no PDF.
    """
    if not pdf_available(browser):
        raise RuntimeError(f"no Chromium at {browser}: only the HTML pack is offered")
    with tempfile.TemporaryDirectory(prefix="cmet-pdf-") as tmp:
        folder = Path(tmp)
        page = folder / "pack.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "pack.pdf"
        command = [
            str(browser),
            *_FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        done = subprocess.run(
            command, capture_output=True, timeout=TIMEOUT_S, check=False
        )
        if done.returncode != 0 or not out.is_file():
            log.warning("chromium exit %d: %s", done.returncode, done.stderr[-500:])
            raise RuntimeError(
                f"Chromium could not print the pack (exit {done.returncode})"
            )
        data = out.read_bytes()
    log.info("panel pack printed to PDF: %d bytes", len(data))
    return data
