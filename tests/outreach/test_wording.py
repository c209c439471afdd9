"""Tests for outreach.wording: gap sentences in English (as outreach.gaps words
them) and in Welsh, from the demo's tables.
"""

from __future__ import annotations

import re

import pytest

import pipeline
from hotspots.params import HotspotParams
from outreach.wording import gap_sentences


@pytest.fixture(scope="module")
def demo_gaps() -> pipeline.Gaps:
    """Service gaps of the synthetic demo data (hotspots, areas, coverage, what-if)."""
    files = pipeline.demo_sources()
    inputs = pipeline.load_inputs(
        incidents=files["incidents"],
        services=files["services"],
        spaces=files["spaces"],
        area=files["area"][0],
    )
    return pipeline.find_service_gaps(inputs, pipeline.detect(inputs, HotspotParams()))


def test_welsh_sentences_are_welsh_and_keep_the_numbers(demo_gaps):
    """Welsh sentences carry the same (already suppressed) figures, no English frame."""
    g = demo_gaps
    english = gap_sentences("en", g.hotspots, g.areas, g.coverage, g.whatif)
    welsh = gap_sentences("cy", g.hotspots, g.areas, g.coverage, g.whatif)
    assert len(welsh) == len(english)
    for en, cy in zip(english, welsh, strict=True):
        assert re.findall(r"\d+%", en) == re.findall(r"\d+%", cy)
        assert "minutes' walk" not in cy
    assert any("munud o gerdded" in s for s in welsh)
    assert any("ieuenctid a dargyfeirio" in s for s in welsh)


def test_no_sentences_from_nothing():
    """No tables give no sentences rather than an error."""
    assert gap_sentences("cy") == []


def test_gaps_are_worded_in_their_language_when_first_read(demo_gaps, monkeypatch):
    """``Gaps.sentences`` words the tables in the gaps' language, once, on demand.

    The app words them in the page's language itself, so finding the gaps must
    not word them as well.
    """
    from dataclasses import replace

    from outreach import wording

    calls = []
    real = wording.gap_sentences
    monkeypatch.setattr(
        wording, "gap_sentences", lambda *a, **k: calls.append(a[0]) or real(*a, **k)
    )
    welsh = replace(demo_gaps, lang="cy")
    assert calls == []
    g = demo_gaps
    assert welsh.sentences == tuple(
        real("cy", g.hotspots, g.areas, g.coverage, g.whatif)
    )
    assert any("munud o gerdded" in s for s in welsh.sentences)
    assert calls == ["cy"]
    assert demo_gaps.sentences == tuple(
        real("en", g.hotspots, g.areas, g.coverage, g.whatif)
    )
