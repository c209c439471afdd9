"""Tests for i18n.terms: domain words, dates and summary lines in Welsh."""

from __future__ import annotations

import datetime as dt

import pytest

from i18n.terms import (
    breakdown,
    change_line,
    long_date,
    peak_times,
    reach,
    short_date,
    term,
)


@pytest.mark.parametrize(
    ("english", "welsh"),
    [
        ("Fri/Sat evening", "Gwe/Sad gyda'r nos"),
        ("Sat daytime", "Sad yn ystod y dydd"),
        ("Mon", "Llun"),
        ("late night", "hwyr y nos"),
        (
            "times unknown (dates without day or time)",
            "amseroedd anhysbys (dyddiadau heb ddiwrnod nac amser)",
        ),
        ("", ""),
    ],
)
def test_peak_times_in_welsh(english, welsh):
    """Days and bands are translated; the shape of the summary is kept."""
    assert peak_times(english, "cy") == welsh
    assert peak_times(english, "en") == english


def test_breakdown_translates_names_and_keeps_counts():
    """Category names change, counts (suppressed ones too) do not."""
    text = "violence 12; drugs <5; Partner's own theme 7"
    assert breakdown(text, "cy") == "trais 12; cyffuriau <5; Partner's own theme 7"
    assert breakdown("police 40; third sector <5", "cy", "source") == (
        "heddlu 40; trydydd sector <5"
    )


def test_unknown_words_come_back_unchanged():
    """A partner's own category is never lost or altered."""
    assert term("category", "county lines", "cy") == "county lines"
    assert term("service", "mental health", "cy") == "iechyd meddwl"


def test_reach_in_welsh():
    """Visits and (suppressed) young people are carried into the Welsh sentence."""
    assert reach("2 visit(s), <5 young people in the last 8 weeks", "cy") == (
        "2 ymweliad, <5 o bobl ifanc yn yr 8 wythnos diwethaf"
    )
    assert reach("no outreach visits in the last 8 weeks", "cy") == (
        "dim ymweliadau allgymorth yn yr 8 wythnos diwethaf"
    )


def test_change_line_splits_headline_and_translates_times():
    """The headline stays a key; the peak times in brackets become Welsh."""
    assert change_line("New: Parc Tawe (Sat/Sun daytime)", "cy") == (
        "New",
        "Parc Tawe (Sad/Sul yn ystod y dydd)",
    )
    assert change_line("Steady: A, B", "en") == ("Steady", "A, B")
    assert change_line("No hotspots at this panel or the last.", "cy")[0] is None


def test_dates_in_both_languages():
    """Long and short dates use Welsh day and month names."""
    day = dt.date(2026, 11, 30)
    assert long_date(day, "en") == "Monday 30 November 2026"
    assert long_date(day, "cy") == "Dydd Llun 30 Tachwedd 2026"
    assert short_date(day, "cy") == "Llun 30 Tach"
