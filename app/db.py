"""Engine and the per-request session: each request is one transaction.

Also how the app meets its database under load and failure: on PostgreSQL the admission gate
that keeps request threads and pooled connections from waiting on each other (SQLite requests
take turns in app/writer.py), the pool size, SQLite durability, short item locks on
PostgreSQL, and telling "the database is unavailable" (an answer with 503) apart from a bug.
"""

import asyncio
import contextlib
import logging
import os
import weakref
from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import event, exc as sa_exc, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool

from app import scrub, writer

log = logging.getLogger("inspraak.db")
T = TypeVar("T")

# Connections per worker process on PostgreSQL. Requests are admitted to the database no
# faster than this (see admitted), so a request thread never waits for a connection.
POOL_SIZE = int(os.environ.get("INSPRAAK_DB_POOL_SIZE", "10"))
# How long a request may queue for the database before it gets a 503 with Retry-After.
GATE_TIMEOUT = float(os.environ.get("INSPRAAK_DB_QUEUE_TIMEOUT", "20"))
RETRY_AFTER = 5  # seconds, sent with every 503


class DatabaseUnavailable(Exception):
    """The database cannot answer now (down, read-only, full, or queue too long)."""


def make_engine(url: str, *, pool_size: int = POOL_SIZE) -> Engine:
    # hide_parameters: an error message never carries the values of a query (pseudonyms,
    # sealed votes, tally changes) into a log.
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves, below
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            # FULL: a commit is on disk before the answer leaves, so power loss cannot take
            # back an acknowledged vote (NORMAL could lose the last commits).
            cur.execute("PRAGMA synchronous=FULL")
            # Deleted rows are overwritten with zeros, not left in free pages (has-voted rows
            # after closing); the log is truncated after erasures and kept small in between.
            cur.execute("PRAGMA secure_delete=ON")
            cur.execute(f"PRAGMA journal_size_limit={scrub.WAL_LIMIT}")
            cur.close()

        # pysqlite's own transaction handling defers BEGIN; take the write lock at the
        # start so concurrent read-then-write transactions serialise instead of failing.
        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        @event.listens_for(engine, "handle_error")
        def _sqlite_unavailable(ctx):
            # A connection opened while the file was read-only stays read-only: drop the pool,
            # so the first request after the file is writable again opens a fresh one.
            if _sqlite_code(ctx.original_exception) in READONLY_OR_FULL:
                ctx.is_disconnect = True

        writer.install(engine)
        scrub.install(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # The gate admits pool_size requests per process; the two spare connections serve the
    # periodic mix of pupil tables (app/scrub.py), which runs outside any request. Several
    # workers multiply this (4 × 12 stays under PostgreSQL's max_connections of 100).
    engine = create_engine(url, pool_size=pool_size, max_overflow=2, pool_timeout=GATE_TIMEOUT,
                           pool_pre_ping=True, hide_parameters=True,
                           connect_args={"connect_timeout": 5,
                                         "options": "-c idle_in_transaction_session_timeout=60000"})
    scrub.install(engine)
    return engine


# SQLite result codes (primary code, low byte): SQLITE_READONLY, SQLITE_FULL, SQLITE_CANTOPEN,
# SQLITE_IOERR.
READONLY_OR_FULL = {8, 13, 14, 10}


def _sqlite_code(error: BaseException | None) -> int | None:
    code = getattr(error, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_unavailable(error: BaseException) -> bool:
    """True when the error says the database cannot answer now, not that the query is wrong."""
    if isinstance(error, (DatabaseUnavailable, sa_exc.TimeoutError, sa_exc.DisconnectionError)):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            code = _sqlite_code(error.orig)
            return code is None or code in READONLY_OR_FULL or code == 5  # 5: SQLITE_BUSY
    return False


def error_kind(error: BaseException) -> str:
    """A short name for an error, safe for a log line: never its message or parameters."""
    orig = getattr(error, "orig", None)
    detail = getattr(orig, "sqlite_errorname", None) or getattr(orig, "sqlstate", None)
    return f"{type(error).__name__}({detail})" if detail else type(error).__name__


def check_writable(engine: Engine) -> bool:
    """Warn at start when the database cannot take writes; the app still serves what it can
    and recovers by itself once writes work again."""
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                # A real write, rolled back: BEGIN IMMEDIATE alone succeeds on a read-only file.
                version = conn.exec_driver_sql("PRAGMA user_version").scalar()
                conn.exec_driver_sql(f"PRAGMA user_version={int(version)}")
                conn.rollback()
            elif conn.execute(text("SELECT pg_is_in_recovery()")).scalar():
                raise DatabaseUnavailable("read-only (standby)")
        return True
    except (sa_exc.SQLAlchemyError, DatabaseUnavailable) as error:
        log.warning("database not writable at start: %s; votes get 503 until it is", error_kind(error))
        return False


# Item locks on PostgreSQL. A vote holds a shared lock on its item, closing holds an exclusive
# one. These are queued fairly: once closing waits, new votes wait behind it, so closing waits
# only for the votes already in flight (milliseconds), never for voting to stop. A row lock
# (SELECT ... FOR SHARE) lets new voters join the lock ahead of a waiting UPDATE forever.
LOCK_SPACE = 0x1A5  # high bits of our one-number advisory lock keys (the migration lock uses two numbers)


def lock_item(session: Session, kind_id: int, item_id: int, *, shared: bool) -> None:
    """Lock one item for this transaction. SQLite has one writer already: nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    # One bigint key; an id from a URL can be any size, and ids that large do not exist.
    key = (LOCK_SPACE << 40) | (kind_id << 36) | (item_id % (1 << 36))
    session.connection().execute(text(f"SELECT {fn}(CAST(:key AS bigint))"), {"key": key})


# PostgreSQL requests admitted at once, per event loop, queued fairly (FIFO) in the loop: as
# many as the pool has connections. Waiting for a pooled connection inside a worker thread
# instead fills the thread pool with waiters while the requests that hold the connections
# have no thread left to finish: nothing moves until the pool timeout. Queuing in the event
# loop keeps waiters out of the thread pool and holding nothing. (Separate loops, as
# TestClient makes, and separate processes still meet at the database.)
_GATES: "weakref.WeakKeyDictionary[Engine, weakref.WeakKeyDictionary]" = weakref.WeakKeyDictionary()


def _gate(engine: Engine) -> asyncio.Semaphore:
    per_loop = _GATES.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    gate = per_loop.get(loop)
    if gate is None:
        gate = per_loop[loop] = asyncio.Semaphore(engine.pool.size())
    return gate


@contextlib.asynccontextmanager
async def admitted(engine: Engine) -> AsyncIterator[None]:
    """Wait in the loop for a turn at the database; a 503 rather than waiting for ever."""
    gate = _gate(engine)
    try:
        async with asyncio.timeout(GATE_TIMEOUT):
            await gate.acquire()
    except TimeoutError:
        raise DatabaseUnavailable("queue") from None
    try:
        yield
    finally:
        gate.release()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed when the route returns normally, rolled back on
    any exception. On SQLite requests take turns and commit in batches (app/writer.py)."""
    engine = request.app.state.engine
    if engine.dialect.name == "sqlite":
        async for session in writer.sqlite_session(engine, request.app.state.secret):
            yield session
        return
    async with admitted(engine):
        with Session(engine, expire_on_commit=False) as session:
            session.info["server_key"] = request.app.state.secret
            try:
                yield session
                tables = scrub.written_tables(session.connection())
                await run_in_threadpool(session.commit)
            except BaseException:
                with contextlib.suppress(sa_exc.SQLAlchemyError):  # the first error is the one to answer
                    await run_in_threadpool(session.rollback)
                raise
            scrub.tracker(engine).note(tables)
    if session.info.get("erased"):
        async with admitted(engine):
            await run_in_threadpool(scrub.scrub, engine, True)


DbSession = Annotated[Session, Depends(get_session, scope="function")]
# The same session outside dependency injection, for a route that must do work before its
# turn at the database (the join derives the code's keys first).
session_for = contextlib.asynccontextmanager(get_session)


async def run_db(session: Session, fn: Callable[..., T], *args) -> T:
    """Run a request's database work. On SQLite in the event loop: requests take turns on one
    connection anyway (app/writer.py), so a hop to a worker thread and back would only add the
    cost of two thread switches and the fight for the GIL. Elsewhere in a worker thread, since
    the driver waits on the network."""
    if session.get_bind().dialect.name == "sqlite":
        return fn(*args)
    return await run_in_threadpool(fn, *args)
