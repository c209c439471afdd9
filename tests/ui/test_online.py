"""The Data page's online importers, tested offline with stand-in responses."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geodata import online
from geodata.crs import BNG
from geodata.read import FileReport, read_incidents
from ui import state
from ui.online import as_upload

from .test_app import _run


def _crimes() -> gpd.GeoDataFrame:
    """Two police.uk crimes as the importer returns them (month-only dates)."""
    return gpd.GeoDataFrame(
        {
            "when": pd.to_datetime(["2026-09-01", "2026-09-01"]),
            "has_day": [False, False],
            "has_time": [False, False],
            "category": ["violent-crime", "drugs"],
            "source": ["police.uk", "police.uk"],
        },
        geometry=[shapely.Point(265722, 193027), shapely.Point(265800, 193100)],
        crs=BNG,
    )


def test_fetched_crimes_read_back_as_month_only_incidents():
    """What the importer adds reads like an upload and keeps police.uk's month."""
    frame, _ = read_incidents([("p.geojson", as_upload("incidents", _crimes()))])
    assert len(frame) == 2
    assert not frame["has_day"].any()
    assert frame["when"].dt.strftime("%Y-%m").tolist() == ["2026-09", "2026-09"]


def test_no_connection_is_one_plain_error(fresh, monkeypatch):
    """Offline, the police.uk button says so plainly and nothing is added."""

    def offline(*_args, **_kwargs):
        raise online.NoConnectionError("police.uk: no connection. Try again later.")

    monkeypatch.setattr(online, "fetch_police_crimes", offline)
    app = _run(fresh)
    app.switch_page("ui/views/data.py").run()
    app.button(key="online_police").click().run()
    assert not app.exception
    assert len(app.error) == 1
    assert "no connection" in app.error[0].value
    # AppTest's session state has no .get().
    session = app.session_state
    uploads = session[state.UPLOADS] if state.UPLOADS in session else {}  # noqa: SIM401
    assert not uploads.get("incidents")


@pytest.mark.parametrize("kind", ["services", "spaces"])
def test_fetched_places_join_the_files_in_use(fresh, monkeypatch, kind):
    """Fetched OpenStreetMap places are added to the files in use."""
    places = gpd.GeoDataFrame(
        {"name": ["Hub"], "category": ["health"], "opening_hours": [""]},
        geometry=[shapely.Point(265722, 193027)],
        crs=BNG,
    )
    monkeypatch.setattr(
        online,
        "fetch_osm_places",
        lambda area, k, **_: (places, FileReport(file="osm", kind=k)),
    )
    app = _run(fresh)
    app.switch_page("ui/views/data.py").run()
    app.button(key=f"online_{kind}").click().run()
    assert not app.exception
    names = [name for name, _ in app.session_state[state.UPLOADS][kind]]
    assert names == [f"openstreetmap-{kind}.geojson"]
