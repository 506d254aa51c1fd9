"""The one writer: on SQLite, requests share short transactions that commit together.

SQLite has one writer at a time. Requests of one event loop take turns on one connection
(fairly, first come first served, queued in the loop and not in worker threads, which a
burst would fill). Each request runs inside a savepoint of the current batch transaction:
its own failure rolls back only its own work. The batch commits when nobody is waiting any
more or when it is `WINDOW` seconds old, and only then does a request that wrote get its
answer: nothing answered is lost in a crash, and one fsync serves the whole batch (group
commit). Pupils' rows in one commit carry no order between them that a copy can read back,
and the periodic mix (app/scrub.py) rewrites older rows in random order.

PostgreSQL runs one transaction per request: its server handles concurrency itself.
"""

import asyncio
import time
import weakref
from collections.abc import AsyncIterator

from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app import scrub

WINDOW = 0.025  # seconds a batch may stay open while requests keep arriving

_WRITERS: "weakref.WeakKeyDictionary[Engine, weakref.WeakKeyDictionary]" = weakref.WeakKeyDictionary()


class _Batch:
    def __init__(self, conn: Connection, loop: asyncio.AbstractEventLoop) -> None:
        self.conn = conn
        self.tx = conn.begin()
        self.started = time.monotonic()
        self.done: asyncio.Future = loop.create_future()
        self.wrote = False
        self.erased = False


class _Writer:
    """Per engine and event loop: the turn lock, who waits for it, and the open batch."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = asyncio.Lock()
        self.waiting = 0
        self.batch: _Batch | None = None

    def _open(self, loop: asyncio.AbstractEventLoop) -> _Batch:
        conn = self.engine.connect()
        try:
            return _Batch(conn, loop)
        except BaseException:
            conn.close()
            raise

    def _finish(self, batch: _Batch) -> None:
        """Commit (or, when nothing was written, roll back) and scrub what an erasure left."""
        try:
            if batch.wrote:
                tables = scrub.written_tables(batch.conn)
                batch.tx.commit()
                scrub.tracker(self.engine).note(tables)
            else:
                batch.tx.rollback()
        finally:
            batch.conn.close()
        if batch.wrote and batch.erased:
            scrub.checkpoint(self.engine)
        elif batch.wrote:
            scrub.trim(self.engine)

    def end(self, batch: _Batch, session: Session, marker: object, failed: bool) -> bool:
        """A request's part of the batch is over: keep or undo its work, pass the turn on.
        True when it wrote something (it must then wait for the batch to commit).

        No await in here: a request cancelled half-way must still end its savepoint and pass
        the turn on. These are quick statements on an open connection; the commit's fsync
        serves the whole batch."""
        wrote = False
        try:
            if not failed:
                try:
                    session.commit()
                except BaseException:
                    failed = True
                    raise
                wrote = batch.conn.info.get("writes") is not marker
        finally:
            try:
                if failed:
                    session.rollback()
                session.close()
                batch.wrote |= wrote
                batch.erased |= wrote and bool(session.info.get("erased"))
                if self.waiting == 0 or time.monotonic() - batch.started >= WINDOW:
                    self.commit()
                else:
                    self.watch(batch)
            finally:
                self.lock.release()
        return wrote

    def watch(self, batch: _Batch) -> None:
        """Left open for the next request in the queue: make sure it commits even if that
        request goes away before its turn."""
        loop = asyncio.get_running_loop()
        loop.call_later(WINDOW, lambda: loop.create_task(self._commit_if_open(batch)))

    async def _commit_if_open(self, batch: _Batch) -> None:
        async with self.lock:
            if self.batch is batch:
                try:
                    self.commit()
                except Exception:  # already handed to every request that waits for this batch
                    pass

    def commit(self) -> None:
        batch, self.batch = self.batch, None
        if batch is None:
            return
        try:
            self._finish(batch)
        except BaseException as exc:
            batch.done.set_exception(exc)
            batch.done.exception()  # retrieved: requests that only read do not await it
            raise
        batch.done.set_result(None)


def _writer(engine: Engine) -> _Writer:
    per_loop = _WRITERS.setdefault(engine, weakref.WeakKeyDictionary())
    loop = asyncio.get_running_loop()
    found = per_loop.get(loop)
    if found is None:
        found = per_loop[loop] = _Writer(engine)
    return found


async def sqlite_session(engine: Engine, server_key: bytes) -> AsyncIterator[Session]:
    writer = _writer(engine)
    writer.waiting += 1
    try:
        await writer.lock.acquire()
    finally:
        writer.waiting -= 1
    try:
        if writer.batch is None:
            writer.batch = writer._open(asyncio.get_running_loop())
    except BaseException:
        writer.lock.release()
        raise
    batch = writer.batch
    session = Session(bind=batch.conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
    session.info["server_key"] = server_key
    batch.conn.info["writes"] = marker = object()
    failed = True
    try:
        yield session
        failed = False
    finally:
        wrote = writer.end(batch, session, marker, failed)
    if wrote:
        await asyncio.shield(batch.done)


def install(engine: Engine) -> None:
    """Note on the connection when a statement writes, so a reading request need not wait."""
    from sqlalchemy import event

    @event.listens_for(engine, "before_cursor_execute")
    def _writes(conn, _cursor, statement, _params, _context, _many):
        if not statement.lstrip()[:9].upper().startswith(("SELECT", "PRAGMA", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            conn.info["writes"] = True


async def maintain(engine: Engine, force: bool = False) -> int:
    """Mix the pupil tables that changed (app/scrub.py) when it is time, or now when `force`
    (at shutdown). On SQLite it takes its turn like any request, after the open batch."""
    if not (force or scrub.tracker(engine).due()):
        return 0
    if engine.dialect.name != "sqlite":
        return await run_in_threadpool(scrub.mix_now, engine)
    writer = _writer(engine)
    async with writer.lock:
        writer.commit()
        return scrub.mix_now(engine)
