"""Alembic environment: run migrations on the connection ``store.db`` hands in.

``store.db.upgrade`` passes an open connection in ``config.attributes``; the
Alembic command line (``alembic -c store/alembic.ini ...``) gets none, and then
the database comes from the same settings as the app (``CMET_DB_URL`` or
``CMET_DB_PATH``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from store.models import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    if context.is_offline_mode():
        raise SystemExit("offline (--sql) migrations are not supported")
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from store.db import make_engine

    engine = make_engine()
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


_main()
