"""Where the planner's memory lives: settings, engines and schema migrations."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from geodata.errors import InputDataError

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
MIGRATIONS = Path(__file__).resolve().with_name("migrations")
DEFAULT_PATH = ROOT / "var" / "cmet.sqlite"
ENV_URL = "CMET_DB_URL"
ENV_PATH = "CMET_DB_PATH"
ENV_RETENTION = "CMET_RETENTION_DAYS"
ENV_AUDIT_RETENTION = "CMET_AUDIT_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 730
DEFAULT_AUDIT_RETENTION_DAYS = 1095
_MAX_DAYS = 3650
# A write waits this long for another writer's lock before failing.
_SQLITE_BUSY_MS = 10_000
_WRITE = "cmet_write"


def _normalise_url(url: str) -> str:
    text = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if text.startswith(prefix):
            text = "postgresql+psycopg://" + text[len(prefix) :]
    try:
        parsed = make_url(text)
    except ArgumentError as exc:
        raise InputDataError(
            f"{ENV_URL}: '{safe_url(text)}' is not a database URL. Use "
            "sqlite:////path/to/cmet.sqlite or "
            "postgresql+psycopg://user:password@host:5432/dbname."
        ) from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputDataError(
            f"{ENV_URL}: the database '{parsed.get_backend_name()}' is not supported. "
            "Use SQLite (sqlite:///...) or PostgreSQL (postgresql+psycopg://...)."
        )
    return text


def safe_url(url: str) -> str:
    """Return ``url`` with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<not a URL>"


def _days(environ: Mapping[str, str], name: str, default: int) -> int:
    text = environ.get(name, "").strip()
    if not text:
        return default
    try:
        return int(text)
    except ValueError as exc:
        raise InputDataError(
            f"{name}: '{text}' is not a whole number of days. Set it to e.g. 730."
        ) from exc


@dataclass(frozen=True)
class StoreSettings:
    """Where the database is and how long records are kept.

    Attributes
    ----------
    url
        SQLAlchemy URL: ``sqlite:///...`` (the default, a file in ``var/``) or
        ``postgresql+psycopg://user:password@host/db``.
    retention_days
        Snapshots, rota versions and debriefs older than this are purged.
    audit_retention_days
        Audit events older than this are purged (kept longer than the data, so
        a late-found breach can still be traced).
    """

    url: str = f"sqlite:///{DEFAULT_PATH}"
    retention_days: int = DEFAULT_RETENTION_DAYS
    audit_retention_days: int = DEFAULT_AUDIT_RETENTION_DAYS

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", _normalise_url(self.url))
        for name, value in (
            ("retention", self.retention_days),
            ("audit retention", self.audit_retention_days),
        ):
            if not 1 <= value <= _MAX_DAYS:
                raise InputDataError(
                    f"{name} must be between 1 and {_MAX_DAYS} days; got {value}."
                )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StoreSettings:
        """Read settings from ``CMET_DB_URL`` (or ``CMET_DB_PATH``) and
        ``CMET_RETENTION_DAYS`` / ``CMET_AUDIT_RETENTION_DAYS``.

        A relative ``CMET_DB_PATH`` is taken from the project folder, so every
        front door finds the same file whatever the working directory.
        """
        env = os.environ if environ is None else environ
        url = env.get(ENV_URL, "").strip()
        if not url:
            raw = env.get(ENV_PATH, "").strip()
            path = Path(raw) if raw else DEFAULT_PATH
            url = f"sqlite:///{path if path.is_absolute() else ROOT / path}"
        return cls(
            url=url,
            retention_days=_days(env, ENV_RETENTION, DEFAULT_RETENTION_DAYS),
            audit_retention_days=_days(
                env, ENV_AUDIT_RETENTION, DEFAULT_AUDIT_RETENTION_DAYS
            ),
        )


def _prepare_sqlite_file(database: str | None) -> None:
    """Create the folder (owner only) and an empty file readable by the owner only."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_events(engine: Engine) -> None:
    """Make SQLite transactions real: BEGIN on every transaction, DDL included.

    pysqlite on Python 3.11 starts transactions itself only before DML; with its
    own handling off, SQLAlchemy's ``begin`` decides (SQLAlchemy's documented
    recipe), so a migration or a save either happens whole or not at all.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        # Deleted records are overwritten, not left in free pages (retention).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the write lock at once, so two writers queue instead of
        # failing when one upgrades its read lock after the other has written.
        writing = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """Return an engine for ``url`` (default: the settings from the environment).

    A SQLite file and its folder are created readable by the owner only.
    """
    text = StoreSettings.from_env().url if url is None else _normalise_url(url)
    parsed = make_url(text)
    if parsed.get_backend_name() == "sqlite":
        _prepare_sqlite_file(parsed.database)
        engine = create_engine(parsed)
        _sqlite_events(engine)
    else:
        engine = create_engine(parsed, pool_pre_ping=True)
    log.info("database %s", safe_url(text))
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """Yield a connection in one transaction: committed whole, or rolled back whole."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(target: str | Engine | None = None, revision: str = "head") -> None:
    """Bring a database's schema to ``revision`` (default the newest), in one
    transaction.

    Parameters
    ----------
    target
        A URL or an engine; ``None`` uses the settings from the environment.
    revision
        Alembic revision to reach.
    """
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with write_transaction(engine) as conn:
            command.upgrade(_alembic_config(conn), revision)
    finally:
        if engine is not target:
            engine.dispose()
    log.info("database schema at %s", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take a database's schema back to ``revision`` ("base" removes every table)."""
    with write_transaction(engine) as conn:
        command.downgrade(_alembic_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """Return the schema revision the database is at (``None`` if never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def open_store(url: str | None = None) -> Engine:
    """Return an engine whose database is at the newest schema (front doors' entry)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine
