"""Tests for outreach.pdf: the panel pack printed by headless Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from outreach.pdf import CHROMIUM, html_to_pdf, pdf_available

PAGE = """<!DOCTYPE html><html lang="cy"><head><meta charset="utf-8"><style>
@page { size: A4; @bottom-left { content: "Dangosir cyfrifon o dan 5 fel <5"; } }
section { break-before: page; }</style></head><body>
<h1>Gŵyl y Tŷ</h1><section><p>Tudalen 2</p></section></body></html>"""


def test_missing_browser_is_said_plainly(tmp_path: Path):
    """Without Chromium the pack is HTML only, and the error says so."""
    missing = tmp_path / "no-chromium"
    assert not pdf_available(missing)
    with pytest.raises(RuntimeError, match="only the HTML pack is offered"):
        html_to_pdf(PAGE, browser=missing)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium")
def test_prints_a_two_page_pdf():
    """A page break in the pack gives two A4 pages in the PDF."""
    pdf = html_to_pdf(PAGE)
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 2
