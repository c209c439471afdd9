"""Tests for ui.exports: audited downloads, the pack and calendar in Welsh."""

from __future__ import annotations

import datetime as dt
import re

import pytest

import pipeline
from hotspots.params import HotspotParams
from outreach.params import RotaParams
from store import AuditEvent, audit_log, open_store
from ui.changes import since_last
from ui.exports import audited, build_pack, calendar_file

MEETING = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def demo() -> dict:
    """The demo data analysed, with service gaps and a quick two-week rota."""
    files = pipeline.demo_sources()
    inputs = pipeline.load_inputs(
        incidents=files["incidents"],
        contacts=files["contacts"],
        services=files["services"],
        spaces=files["spaces"],
        area=files["area"][0],
    )
    result = pipeline.detect(inputs, HotspotParams())
    rota_params = RotaParams(start=dt.date(2026, 12, 7), days=14, time_limit_s=2)
    plan = pipeline.make_plan(inputs, result, files["workers"][0], rota_params)
    return {
        "inputs": inputs,
        "result": result,
        "gaps": plan.gaps,
        "plan": plan,
        "files": pipeline.plan_outputs(inputs, plan, meeting_date=MEETING),
    }


def test_download_is_audited_when_made(database):
    """Making a download's file writes one export event with its name, no content."""
    engine = open_store(database)
    make = audited(lambda: b"secret,content\n", "gaps.csv", engine, "rhian@x.gov.uk")
    assert audit_log(engine).empty  # nothing until the button is pressed
    assert make() == b"secret,content\n"
    log = audit_log(engine, event=AuditEvent.EXPORT)
    assert log[["user_id", "object_id"]].values.tolist() == [
        ["rhian@x.gov.uk", "gaps.csv"]
    ]
    assert "secret" not in log.to_string()


@pytest.mark.parametrize("lang", ["en", "cy"])
def test_pack_from_the_app_is_in_the_chosen_language_and_safe(demo, lang):
    """The app's pack: chosen language, threshold on every section, no small counts."""
    page = build_pack(
        lang=lang,
        meeting=MEETING,
        result=demo["result"],
        since=since_last(demo["result"], None),
        inputs=demo["inputs"],
        gaps=demo["gaps"],
        plan=demo["plan"],
        decisions=("Target: H01 Castle Square",),
    )
    note = {
        "en": "Counts below 5 are shown as &lt;5",
        "cy": "Dangosir cyfrifon o dan 5",
    }
    assert page.startswith(f'<!DOCTYPE html><html lang="{lang}">')
    assert page.count(note[lang]) >= 6
    section = re.search(r'<section id="hotspots">.*?</section>', page, re.S).group(0)
    rows = [r for r in re.findall(r"<tr>(.*?)</tr>", section) if "<td" in r]
    counts = [re.findall(r"<td[^>]*>([^<]*)</td>", row)[3] for row in rows]
    assert len(counts) == len(demo["result"].hotspots)
    assert not [c for c in counts if re.fullmatch(r"[1-4]", c)]
    assert "Target: H01 Castle Square" in page
    heading = {"en": "Since the last panel", "cy": "Ers y panel diwethaf"}[lang]
    assert heading in page


def test_welsh_calendar_keeps_every_event_uid(demo):
    """The Welsh calendar has Welsh text and exactly the English events' UIDs."""
    english = calendar_file(demo["files"], demo["plan"], MEETING, "en")
    welsh = calendar_file(demo["files"], demo["plan"], MEETING, "cy")
    assert english == demo["files"]["rota.ics"]
    uids = re.compile(rb"^UID:(.*)$", re.M)
    assert uids.findall(welsh)
    assert sorted(uids.findall(welsh)) == sorted(uids.findall(english))
    assert welsh != english
