"""Engine and the per-request session: each request is one transaction."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from app import scrub, writer


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            # Deleted rows are overwritten with zeros, not left in free pages (has-voted rows
            # after closing); the log is truncated after erasures and kept small in between.
            cur.execute("PRAGMA secure_delete=ON")
            cur.execute("PRAGMA journal_size_limit=4194304")
            cur.close()

        # pysqlite's own transaction handling defers BEGIN; take the write lock at the
        # start so concurrent read-then-write transactions serialise instead of failing.
        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        writer.install(engine)
        scrub.install(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    scrub.install(engine)
    return engine


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns normally, rolled back on
    any exception. On SQLite requests take turns and commit in batches (app/writer.py)."""
    engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        async for session in writer.sqlite_session(engine, request.app.state.secret):
            yield session
        return
    with Session(engine, expire_on_commit=False) as session:
        session.info["server_key"] = request.app.state.secret
        try:
            yield session
            tables = scrub.written_tables(session.connection())
            await run_in_threadpool(session.commit)
        except BaseException:
            await run_in_threadpool(session.rollback)
            raise
        scrub.tracker(engine).note(tables)
    if session.info.get("erased"):
        await run_in_threadpool(scrub.scrub, engine, True)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
