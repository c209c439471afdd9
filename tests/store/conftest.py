"""Databases and tiny aggregated tables for the store tests.

Every test that takes ``engine`` or ``db_url`` runs on a fresh SQLite file and,
when ``CMET_TEST_PG_URL`` names a PostgreSQL server, on a fresh schema there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from geodata.crs import BNG
from hotspots.result import HotspotResult
from store.db import make_engine, open_store

PG_ENV = "CMET_TEST_PG_URL"


def _pg_base() -> str:
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """An empty database: a new SQLite file, or a new schema on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'var' / 'cmet.sqlite'}"
        return
    admin = make_engine(_pg_base())
    schema = f"cmet_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = admin.url.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    """An engine on ``db_url`` with the schema at the newest revision."""
    engine = open_store(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def backend(db_url) -> str:
    """ "sqlite" or "postgresql"."""
    return make_url(db_url).get_backend_name()


def hotspot_result() -> HotspotResult:
    """Two suppressed hotspots near Castle Square (BNG), threshold 5."""
    hotspots = gpd.GeoDataFrame(
        {
            "hotspot_id": ["H01", "H02"],
            "name": ["Castle Square", "Parc Tawe"],
            "incidents": ["42", "<5"],
            "incidents_shown": [42.0, np.nan],
            "cells": [3, 1],
            "strength": [5.2, 3.1],
            "categories": ["violence 30; drugs 12", "drugs <5"],
            "sources": ["police 42", "police <5"],
            "peak_day": ["Fri", "Sat"],
            "peak_band": ["evening", "late night"],
            "peak_times": ["Fri/Sat evening", "Sat late night"],
            "label_x": [265720.0, 266050.0],
            "label_y": [193030.0, 193150.0],
            "visits": [2, 0],
        },
        geometry=[
            box(265500, 192900, 265800, 193050),
            box(265950, 193050, 266100, 193200),
        ],
        crs=BNG,
    )
    choices = {
        "disclosure_threshold": 5,
        "cell_size_m": 150.0,
        "incidents_analysed": 46,
        "incidents_outside_units": 2,
        "recent_periods": 3,
    }
    return HotspotResult(
        cells=gpd.GeoDataFrame(geometry=[], crs=BNG),
        hotspots=hotspots,
        status="ok",
        message="2 hotspots",
        choices=choices,
    )


@pytest.fixture
def result() -> HotspotResult:
    """Two suppressed hotspots near Castle Square (BNG), threshold 5."""
    return hotspot_result()


@pytest.fixture
def rota() -> pd.DataFrame:
    """Three sessions as in rota.csv; the last one uncovered."""
    return pd.DataFrame(
        {
            "session_id": [
                "S2026-12-07-H01-evening",
                "S2026-12-08-H02-evening",
                "S2026-12-09-H01-evening",
            ],
            "date": [date(2026, 12, 7), date(2026, 12, 8), date(2026, 12, 9)],
            "start": ["18:30", "18:30", "18:30"],
            "end": ["21:30", "21:30", "21:30"],
            "hotspot_id": ["H01", "H02", "H01"],
            "hotspot_name": ["Castle Square", "Parc Tawe", "Castle Square"],
            "band": ["evening"] * 3,
            "priority": [100, 60, 100],
            "workers": ["Aled;Rhian", "Ceri;Jordan", ""],
            "staffed": [True, True, False],
        }
    )


DEBRIEF_CSV = (
    b"date,session_id,hotspot,visited,young_people,themes\r\n"
    b"2026-12-07,S2026-12-07-H01-evening,Castle Square,yes,7,County lines; vaping\r\n"
    b"08/12/2026,S2026-12-08-H02-evening,Parc Tawe,no,,\r\n"
)


@pytest.fixture
def debrief_csv() -> bytes:
    """Two debriefs: one held (7 young people, two themes), one not held."""
    return DEBRIEF_CSV


@pytest.fixture
def fail_on_insert() -> Callable[[Engine, str], None]:
    """Make an engine raise when it is about to insert into a given table."""

    def arm(engine: Engine, table: str) -> None:
        def _explode(conn, cursor, statement, *args) -> None:
            if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
                raise RuntimeError(f"simulated failure inserting into {table}")

        event.listen(engine, "before_cursor_execute", _explode)

    return arm


@pytest.fixture
def today() -> date:
    """A fixed 'today' after every fixture date."""
    return date(2026, 12, 20)
