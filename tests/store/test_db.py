"""Tests for store.db: settings, engines, files and Alembic migrations."""

from __future__ import annotations

import stat

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from geodata.errors import InputDataError
from store.db import (
    DEFAULT_PATH,
    ROOT,
    StoreSettings,
    current_revision,
    downgrade,
    make_engine,
    open_store,
    upgrade,
)
from store.models import DATA_TABLES, metadata


def test_settings_default_to_a_sqlite_file_in_var():
    """No environment: SQLite at var/cmet.sqlite, two-year data retention."""
    settings = StoreSettings.from_env({})
    assert settings.url == f"sqlite:///{DEFAULT_PATH}"
    assert DEFAULT_PATH == ROOT / "var" / "cmet.sqlite"
    assert settings.retention_days == 730
    assert settings.audit_retention_days == 1095


def test_settings_read_url_path_and_retention_from_the_environment():
    """CMET_DB_URL wins over CMET_DB_PATH; a relative path is the project's."""
    env = {"CMET_DB_PATH": "data/x.sqlite", "CMET_RETENTION_DAYS": "90"}
    settings = StoreSettings.from_env(env)
    assert settings.url == f"sqlite:///{ROOT / 'data' / 'x.sqlite'}"
    assert settings.retention_days == 90
    env["CMET_DB_URL"] = "postgres://u:secret@db.example:5432/cmet"
    assert StoreSettings.from_env(env).url == (
        "postgresql+psycopg://u:secret@db.example:5432/cmet"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CMET_DB_URL": "mysql://u@h/db"}, r"database 'mysql' is not supported"),
        ({"CMET_DB_URL": "not a url"}, r"is not a database URL"),
        ({"CMET_RETENTION_DAYS": "two years"}, r"not a whole number of days"),
        ({"CMET_RETENTION_DAYS": "0"}, r"retention must be between 1 and 3650"),
        ({"CMET_AUDIT_RETENTION_DAYS": "9999"}, r"audit retention must be between"),
    ],
)
def test_bad_settings_are_refused(env, message):
    """Each bad setting names itself and says what is accepted."""
    with pytest.raises(InputDataError, match=message):
        StoreSettings.from_env(env)


def test_password_is_not_in_the_settings_error():
    """A URL with a password never appears in an error message."""
    with pytest.raises(InputDataError) as info:
        StoreSettings(url="oracle://user:hunter2@host/db")
    assert "hunter2" not in str(info.value)


def test_sqlite_file_and_folder_are_private(tmp_path):
    """The database folder is 0700 and the file 0600: owner only."""
    path = tmp_path / "var" / "cmet.sqlite"
    engine = open_store(f"sqlite:///{path}")
    engine.dispose()
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_upgrade_creates_every_table_and_is_idempotent(db_url):
    """upgrade(url) brings an empty database to head; again changes nothing."""
    upgrade(db_url)
    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) == "0001"
        names = set(inspect(engine).get_table_names())
        assert {t.name for t in DATA_TABLES} <= names
    finally:
        engine.dispose()


def test_migrations_match_the_models(engine):
    """Alembic finds no difference between the migrated schema and models.py."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_downgrade_to_base_and_back(engine):
    """Every revision can be undone and redone."""
    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert not {t.name for t in DATA_TABLES} & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert current_revision(engine) == "0001"
