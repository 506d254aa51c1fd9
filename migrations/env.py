"""Alembic environment: the only way a schema is made, in tests too."""

import contextlib
import fcntl

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.config import get_settings
from app.db import make_engine

config = context.config
target_metadata = SQLModel.metadata
# Several `inspraak migrate` at once (containers starting together) take turns: the first
# migrates, the others then find the schema current. PostgreSQL: an advisory lock for the
# migration's transaction. SQLite: alembic commits its steps one by one there, so a lock file
# beside the database is held for the whole run.
MIGRATION_LOCK = (0x1A5, 0)


@contextlib.contextmanager
def _sqlite_turn(connection):
    path = connection.engine.url.database
    if connection.dialect.name != "sqlite" or not path or path == ":memory:":
        yield
        return
    with open(f"{path}.migrate-lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().db_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with _sqlite_turn(connection), context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                               {"a": MIGRATION_LOCK[0], "b": MIGRATION_LOCK[1]})
        context.run_migrations()


run_migrations_online()
