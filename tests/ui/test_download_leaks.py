"""Every download the app renders, on every page that offers one and after a
re-plan, is made and walked by the disclosure checker, at the default threshold
and in publishable mode (k=10, in Welsh); the tables and text on those pages too.
The same walk checks that no page modifies the inputs, results and plans the app
shares between sessions (``ui.data`` keeps them with ``st.cache_resource``).

The bytes are those the user would get: Streamlit keeps each lazy download's
``make`` in its media file manager under the ``deferred_file_id`` that the button
carries; the test records them as they are registered and calls the one behind
each rendered button.
"""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from collections.abc import Callable, Iterator
from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.media_file_manager import MediaFileManager

import pipeline
from geodata.disclosure import DEFAULT_THRESHOLD, PUBLISHABLE_THRESHOLD
from outreach.pdf import pdf_available
from tests.disclosure_check import incident_places, leaks
from ui import state

MEETING, GAPS, ROTA = "ui/views/meeting.py", "ui/views/gaps.py", "ui/views/rota.py"
# (page, button key) of every download the walk must meet.
EXPECTED = {
    ("meeting", "pack_html"),
    ("gaps", "download_gaps.csv"),
    ("gaps", "download_area_gaps.csv"),
    ("gaps", "download_coverage.csv"),
    ("gaps", "download_whatif.csv"),
    ("rota", "download_rota.csv"),
    ("rota", "download_rota.ics"),
    ("rota", "download_routes.geojson"),
    ("rota", "download_session_sheets.html"),
    ("rota", "download_panel_pack.html"),
    ("replan", "replan_rota_csv"),
    ("replan", "replan_rota_ics"),
    ("meeting with rota", "pack_html"),
}
# Outputs that must carry counts, so a clean result means they were read.
COUNTED = {
    ("meeting", "pack_html"),
    ("meeting", "table 0"),  # the hotspot table beside the map
    ("gaps", "download_area_gaps.csv"),
    ("rota", "download_panel_pack.html"),
}
PDF = ("meeting", "pack_pdf")
TEXT = ("markdown", "caption", "info", "warning", "success", "header", "subheader")


@pytest.fixture
def deferred(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[str, Callable]]:
    """Record each lazy download's file name and ``make`` by its deferred file id."""
    made: dict[str, tuple[str, Callable]] = {}
    register = MediaFileManager.add_deferred

    def _add(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = register(
            self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs
        )
        made[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", _add)
    return made


def _fingerprint(value: object) -> str:
    """Return a digest of a value's content: frames, dataclasses, dicts, tuples."""
    digest = hashlib.sha256()

    def _add(item: object) -> None:
        if isinstance(item, pd.DataFrame):
            geometry = [c for c in item.columns if isinstance(item[c], gpd.GeoSeries)]
            plain = pd.DataFrame(item).drop(columns=geometry)
            digest.update(repr((list(item.columns), list(item.dtypes))).encode())
            digest.update(plain.to_csv().encode())
            for column in geometry:
                digest.update(b"".join(g.wkb for g in item[column] if g is not None))
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            for field in dataclasses.fields(item):
                _add(getattr(item, field.name))
        elif isinstance(item, dict):
            for key in sorted(item, key=str):
                digest.update(str(key).encode())
                _add(item[key])
        elif isinstance(item, list | tuple):
            for element in item:
                _add(element)
        else:
            digest.update(repr(item).encode())

    _add(value)
    return digest.hexdigest()


@pytest.fixture
def shared(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, object, str]]:
    """Record what the pipeline hands the app's shared cache, with a fingerprint."""
    st.cache_resource.clear()  # so this walk computes, and records, each one
    made: list[tuple[str, object, str]] = []
    for name in ("load_inputs", "detect", "find_service_gaps", "make_plan"):
        original = getattr(pipeline, name)

        def _spy(*args, _original=original, _name=name, **kwargs):
            value = _original(*args, **kwargs)
            made.append((_name, value, _fingerprint(value)))
            return value

        monkeypatch.setattr(pipeline, name, _spy)
    return made


def _rendered(app, deferred: dict, page: str) -> Iterator[tuple]:
    """Yield ((page, key), file name, make) for every download button on the page."""
    buttons = app.get("download_button")
    for button in buttons:
        file_id = button.proto.deferred_file_id
        assert file_id in deferred, f"{button.key} is not made lazily; cannot walk it"
        name, make = deferred[file_id]
        yield (page, button.key), name, make


def _screen(app, page: str) -> dict[tuple, tuple]:
    """Return the page's tables (as CSV) and text, as files for the checker."""
    shown = {
        (page, f"table {i}"): (f"table_{i}.csv", lambda d=d: d.value.to_csv())
        for i, d in enumerate(app.dataframe)
    }
    text = "\n".join(str(e.value) for kind in TEXT for e in app.get(kind))
    shown[(page, "text")] = ("page.txt", lambda: text)
    return shown


def _walk_app(fresh, deferred, k: int, lang: str) -> tuple[dict, dict]:
    """Visit every page that offers downloads; return downloads and screens."""
    app = fresh()
    app.session_state[state.LANG] = lang
    app.run()
    if k == PUBLISHABLE_THRESHOLD:
        app.toggle(key=state.SB_PUBLISHABLE).set_value(True).run()
    assert not app.exception, app.exception
    assert app.number_input(key=state.SB_THRESHOLD).value == k
    files, screens = {}, {}

    def _collect(page: str) -> None:
        assert not app.exception, app.exception
        assert not app.error, [e.value for e in app.error]
        screens.update(_screen(app, page))
        for where, name, make in _rendered(app, deferred, page):
            files[where] = (name, make)

    _collect("meeting")
    app.switch_page(GAPS).run()
    _collect("gaps")
    app.switch_page(ROTA).run()
    app.number_input(key=state.ROTA_TIME_LIMIT).set_value(3)
    app.button(key=state.ROTA_PLAN).click().run()
    _collect("rota")
    rota = app.dataframe[0].value.to_string()
    who = app.selectbox(key="replan_who")
    who.set_value(max(who.options, key=rota.count))  # the busiest worker
    app.date_input(key="replan_from").set_value(date(2026, 12, 14))
    app.date_input(key="replan_to").set_value(date(2026, 12, 16))
    app.button(key="replan_go").click().run()
    _collect("replan")
    app.switch_page(MEETING).run()
    _collect("meeting with rota")
    return files, screens


@pytest.mark.parametrize(
    ("k", "lang"), [(DEFAULT_THRESHOLD, "en"), (PUBLISHABLE_THRESHOLD, "cy")]
)
def test_every_app_download_is_disclosure_safe(fresh, deferred, shared, k, lang):
    """No download or page carries an incident location or a count below k, and
    no page modifies the shared inputs, results or plans."""
    files, screens = _walk_app(fresh, deferred, k, lang)
    kinds = {name for name, _, _ in shared}
    assert {"load_inputs", "detect", "find_service_gaps", "make_plan"} <= kinds
    changed = [name for name, value, before in shared if _fingerprint(value) != before]
    assert not changed, f"a page modified the shared result of {changed}"
    expected = EXPECTED | ({PDF} if pdf_available() else set())
    assert expected <= set(files), f"not offered: {sorted(expected - set(files))}"
    places = incident_places(pipeline.demo_sources()["incidents"][0][1])
    problems, read = [], {}
    for (page, key), (name, make) in sorted({**files, **screens}.items()):
        if name.endswith(".pdf") and shutil.which("pdftotext") is None:
            continue  # the PDF prints the pack HTML walked above
        finding = leaks(name, make(), k, places)
        problems += [f"{page}: {p}" for p in finding.problems]
        read[(page, key)] = finding.counts
    assert not problems, "\n".join(problems[:20])
    empty = sorted(where for where in COUNTED if not read[where])
    assert not empty, f"no counts found in {empty}"


def test_publishable_toggle_sets_and_restores_the_threshold(fresh):
    """The toggle sets k=10 and the minimum; off, it restores 5 unless raised."""
    app = fresh()
    app.run()
    app.switch_page("ui/views/data.py").run()  # no analysis to redo on each change
    threshold = app.number_input(key=state.SB_THRESHOLD)
    assert (threshold.value, threshold.min) == (DEFAULT_THRESHOLD, 2)
    publishable = app.toggle(key=state.SB_PUBLISHABLE)
    assert publishable.label == "Publishable (k=10)"
    publishable.set_value(True).run()
    threshold = app.number_input(key=state.SB_THRESHOLD)
    assert (threshold.value, threshold.min) == (PUBLISHABLE_THRESHOLD, 10)
    app.toggle(key=state.SB_PUBLISHABLE).set_value(False).run()
    assert app.number_input(key=state.SB_THRESHOLD).value == DEFAULT_THRESHOLD
    app.toggle(key=state.SB_PUBLISHABLE).set_value(True).run()
    app.number_input(key=state.SB_THRESHOLD).set_value(12).run()
    app.toggle(key=state.SB_PUBLISHABLE).set_value(False).run()
    threshold = app.number_input(key=state.SB_THRESHOLD)
    assert (threshold.value, threshold.min) == (12, 2)
    assert not app.exception


def test_rota_page_pack_carries_the_panels_decisions(fresh, deferred):
    """The pack offered beside the rota lists the decisions saved for its meeting."""
    app = fresh()
    app.run()
    meeting = app.date_input(key=state.DECISION_DATE).value
    app.multiselect(key=state.DECISION_TARGETS).set_value(["H01"])
    app.text_area(key=state.DECISION_TEXT).set_value("Two workers at Castle Square")
    app.button(key=state.DECISION_SAVE).click().run()
    assert not app.exception
    app.switch_page(ROTA).run()
    app.date_input(key=state.ROTA_MEETING).set_value(meeting)
    app.number_input(key=state.ROTA_TIME_LIMIT).set_value(3)
    app.button(key=state.ROTA_PLAN).click().run()
    assert not app.exception
    packs = [
        make
        for (_, key), _, make in _rendered(app, deferred, "rota")
        if key == "download_panel_pack.html"
    ]
    assert len(packs) == 1
    assert "Two workers at Castle Square" in packs[0]()
