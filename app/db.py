"""Engine and the per-request session: each request is one transaction.

Also how the app meets its database under load and failure: the admission gate that keeps
request threads and pooled connections from waiting on each other, the pool size, SQLite
durability, short item locks on PostgreSQL, and telling "the database is unavailable" (an
answer with 503) apart from a bug.
"""

import asyncio
import contextlib
import logging
import os
import weakref
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import event, exc as sa_exc, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine
from starlette.concurrency import run_in_threadpool

log = logging.getLogger("inspraak.db")

# Connections per worker process on PostgreSQL. Requests are admitted to the database no
# faster than this (see _gate), so a request thread never waits for a connection.
POOL_SIZE = int(os.environ.get("INSPRAAK_DB_POOL_SIZE", "10"))
# How long a request may queue for the database before it gets a 503 with Retry-After.
GATE_TIMEOUT = float(os.environ.get("INSPRAAK_DB_QUEUE_TIMEOUT", "20"))
RETRY_AFTER = 5  # seconds, sent with every 503
# The write-ahead log is cut back to this size after each checkpoint, so a burst cannot leave
# a large file behind on a nearly full disk.
WAL_LIMIT = 16 * 1024 * 1024


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
            cur.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
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

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No overflow: the gate admits pool_size requests per process, so more connections would
    # never be used; several workers multiply this (4 × 10 stays under max_connections=100).
    return create_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=GATE_TIMEOUT,
                         pool_pre_ping=True, hide_parameters=True,
                         connect_args={"connect_timeout": 5,
                                       "options": "-c idle_in_transaction_session_timeout=60000"})


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
LOCK_SPACE = 0x1A5  # first key of our advisory locks; the migration lock uses another


def lock_item(session: Session, kind_id: int, item_id: int, *, shared: bool) -> None:
    """Lock one item for this transaction. SQLite has one writer already: nothing to do."""
    if session.get_bind().dialect.name != "postgresql":
        return
    fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    session.connection().execute(text(f"SELECT {fn}(:space, :key)"),
                                 {"space": LOCK_SPACE, "key": kind_id * 100_000_000 + item_id})


# Requests admitted to the database at once, per event loop, queued fairly (FIFO) in the loop.
# SQLite has one writer; with BEGIN IMMEDIATE every transaction takes that lock: one at a time.
# PostgreSQL: as many as the pool has connections. Waiting inside worker threads instead (for
# the SQLite lock or for a pooled connection) fills the thread pool with waiters while the
# requests that hold the lock or the connections have no thread left to finish: a stall until
# a timeout. Queuing in the event loop keeps waiters out of the pool and holding nothing.
# (Separate loops, as TestClient makes, and separate processes still meet at the database.)
_GATES: "weakref.WeakKeyDictionary[Engine, weakref.WeakKeyDictionary]" = weakref.WeakKeyDictionary()


def _gate(engine: Engine) -> asyncio.Lock | asyncio.Semaphore:
    per_loop = _GATES.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    gate = per_loop.get(loop)
    if gate is None:
        if engine.dialect.name == "sqlite":
            gate = asyncio.Lock()
        else:
            gate = asyncio.Semaphore(engine.pool.size())
        per_loop[loop] = gate
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


def trim_wal(engine: Engine) -> None:
    """Checkpoint and cut back a write-ahead log grown past WAL_LIMIT. Called right after a
    commit, still inside the gate, so no other transaction of this process is reading and
    the checkpoint can finish. On a full disk it may fail (the database file must grow to
    take the log's pages); the next commit tries again."""
    try:
        if os.stat(f"{engine.url.database}-wal").st_size <= WAL_LIMIT:
            return
    except OSError:
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    except Exception as error:  # noqa: BLE001 (sqlite3.Error or OSError: logged, retried later)
        log.warning("write-ahead log checkpoint failed: %s", error_kind(error))
    finally:
        raw.close()


def _commit(session: Session) -> None:
    session.commit()
    engine = session.get_bind()
    if engine.dialect.name == "sqlite":
        trim_wal(engine)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """Commit when the route returns normally, roll back on any exception."""
    engine = request.app.state.engine
    async with admitted(engine):
        with Session(engine, expire_on_commit=False) as session:
            try:
                yield session
                await run_in_threadpool(_commit, session)
            except BaseException:
                with contextlib.suppress(sa_exc.SQLAlchemyError):  # the first error is the one to answer
                    await run_in_threadpool(session.rollback)
                raise


DbSession = Annotated[Session, Depends(get_session, scope="function")]
