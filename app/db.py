"""Engine and the per-request session: each request is one transaction."""

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine


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
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        # pysqlite's own transaction handling defers BEGIN; take the write lock at the
        # start so concurrent read-then-write transactions serialise instead of failing.
        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=10, pool_pre_ping=True)


# One SQLite transaction at a time per event loop, queued fairly (FIFO) in the loop.
# SQLite has one writer; with BEGIN IMMEDIATE every transaction takes that lock. Waiting for it
# inside worker threads can fill the whole thread pool with waiters while the request that holds
# the lock has no thread left to finish, and the server stalls until the busy timeout. Queuing in
# the event loop keeps waiters out of the pool. (Separate loops, as TestClient makes, and separate
# processes still meet at SQLite's own lock.)
_GATES: "weakref.WeakKeyDictionary[Engine, weakref.WeakKeyDictionary]" = weakref.WeakKeyDictionary()


def _gate(engine: Engine):
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    per_loop = _GATES.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    lock = per_loop.get(loop)
    if lock is None:
        lock = per_loop[loop] = asyncio.Lock()
    return lock


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Commit when the route returns normally, roll back on any exception."""
    engine = request.app.state.engine
    async with _gate(engine):
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                await run_in_threadpool(session.commit)
            except BaseException:
                await run_in_threadpool(session.rollback)
                raise


DbSession = Annotated[Session, Depends(get_session, scope="function")]
