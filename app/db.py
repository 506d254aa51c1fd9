"""Engine and the per-request session: each request is one transaction."""

import contextlib
import threading
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
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


class _SqliteGate:
    """One SQLite transaction at a time per process, waited for in the event loop.

    SQLite has one writer; with BEGIN IMMEDIATE every transaction takes that lock. Waiting for
    it inside worker threads can fill the whole thread pool with waiters while the request that
    holds the lock has no thread left to finish: the server stalls until the busy timeout.
    A threading.Lock (not asyncio's: TestClient runs several event loops) polled from the loop
    keeps the waiting out of the pool.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    async def __aenter__(self) -> None:
        delay = 0.0002
        while not self._lock.acquire(blocking=False):
            await anyio.sleep(delay)
            delay = min(delay * 2, 0.005)

    async def __aexit__(self, *exc) -> None:
        self._lock.release()


_GATES: "weakref.WeakKeyDictionary[Engine, _SqliteGate]" = weakref.WeakKeyDictionary()


def _gate(engine: Engine):
    if engine.dialect.name != "sqlite":
        return contextlib.nullcontext()
    return _GATES.setdefault(engine, _SqliteGate())


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
