"""What pupils leave on disk: mixing their rows out of order and scrubbing what was erased.

Rows of pupil actions (has-voted, pending ballots, supports, flags) carry no id or time, but a
database still remembers order in other ways: SQLite places cells in a page in the order they
were inserted and keeps recent commits in its write-ahead log; PostgreSQL stamps every row
version with the transaction that wrote it (xmin) and a physical position (ctid). So:

- `mix` rewrites every row of a changed pupil table in one transaction, in random order:
  afterwards rows written before the mix share one transaction and sit in random places.
  It runs every `MIX_SECONDS` while pupils write, and at shutdown.
- `scrub` runs after a mix and after an erasure (an item closing): SQLite checkpoints the
  write-ahead log and truncates it to zero (with `secure_delete` on, deleted cells are zeroed
  in the file); PostgreSQL rewrites the tables and their indexes into new files (VACUUM FULL). docs/anonymity.md says what remains (file-system blocks, backups).
"""

import logging
import os
import random
import sqlite3
import threading
import time

from sqlalchemy import Table, delete, insert, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.engine import Connection, Engine

from app.models import ContentFlag, HasVoted, PendingBallot, ProposalSupport

MIXED: list[Table] = [m.__table__ for m in (HasVoted, PendingBallot, ProposalSupport, ContentFlag)]
MIX_SECONDS = 30.0
# SQLite's journal_size_limit (app/db.py), and the size past which a commit checkpoints the
# write-ahead log (trim): a burst cannot leave a log that fills a nearly full disk.
WAL_LIMIT = 4 * 1024 * 1024
log = logging.getLogger("inspraak.scrub")


class Tracker:
    """Which pupil tables changed since they were last mixed (one per engine, thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: set[str] = set()
        self.last_mix = time.monotonic()

    def note(self, tables: set[str]) -> None:
        if tables:
            with self._lock:
                self._dirty |= tables

    def due(self) -> bool:
        return bool(self._dirty) and time.monotonic() - self.last_mix >= MIX_SECONDS

    def take(self) -> set[str]:
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            self.last_mix = time.monotonic()
            return dirty

    def give_back(self, tables: set[str]) -> None:
        self.note(tables)


def tracker(engine: Engine) -> Tracker:
    found = engine.__dict__.get("_inspraak_tracker")
    if found is None:
        found = engine.__dict__["_inspraak_tracker"] = Tracker()
    return found


def install(engine: Engine) -> None:
    """Note every write to a pupil table on the connection, so the mixer knows what changed."""
    from sqlalchemy import event

    names = {t.name for t in MIXED}

    @event.listens_for(engine, "before_cursor_execute")
    def _note(conn, _cursor, statement, _params, _context, _many):
        head = statement.lstrip()[:40].lower()
        if head.startswith(("insert into", "update", "delete from")):
            for name in names:
                if f" {name} " in head or f" {name}(" in head or head.endswith(f" {name}"):
                    conn.info.setdefault("pupil_tables", set()).add(name)


def written_tables(conn: Connection) -> set[str]:
    return conn.info.pop("pupil_tables", set())


def mix(conn: Connection, tables: set[str], rng: random.Random | None = None) -> int:
    """Rewrite the named pupil tables in random order, inside the caller's transaction."""
    rng = rng or random.SystemRandom()
    moved = 0
    names = [t.name for t in MIXED if t.name in tables]
    if conn.dialect.name == "postgresql" and names:
        # Between the read and the delete below a pupil's committed vote would be deleted and
        # never put back: keep writers out for the moment of the mix (readers go on). Waits at
        # most a second for an open transaction; then the mix is tried again later.
        conn.execute(text("SET LOCAL lock_timeout = '1s'"))
        conn.execute(text(f"LOCK TABLE {', '.join(names)} IN SHARE ROW EXCLUSIVE MODE"))
    for table in MIXED:
        if table.name not in tables:
            continue
        rows = [dict(r._mapping) for r in conn.execute(select(table))]
        if not rows:
            continue
        rng.shuffle(rows)
        conn.execute(delete(table))
        conn.execute(insert(table), rows)
        moved += len(rows)
    written_tables(conn)  # our own rewrite is not a pupil's write
    return moved


def checkpoint(engine: Engine) -> bool:
    """SQLite: copy the write-ahead log into the database and truncate it to zero bytes.
    Waits at most a moment for readers; False when one was still busy (the next erasure, mix
    or shutdown tries again)."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA busy_timeout=250")
        busy, _log, _done = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
    finally:
        raw.close()
    if busy:
        log.info("write-ahead log not truncated: a reader was busy")
    return not busy


def trim(engine: Engine) -> None:
    """After a commit on SQLite: a write-ahead log grown past WAL_LIMIT is checkpointed and cut
    back. On a full disk the checkpoint can fail (the database file may need to grow to take
    the log's pages): logged, and tried again after the next commit."""
    try:
        if os.stat(f"{engine.url.database}-wal").st_size <= WAL_LIMIT:
            return
        checkpoint(engine)
    except (OSError, sqlite3.Error) as error:
        log.warning("write-ahead log checkpoint failed: %s", type(error).__name__)


def scrub(engine: Engine, full: bool = False) -> None:
    """After a mix or an erasure, outside any transaction: leave no trace of the old rows."""
    if engine.dialect.name == "sqlite":
        checkpoint(engine)
        return
    if engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in MIXED)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if full:
                # A full vacuum needs the tables to itself: wait a moment for open transactions,
                # never queue votes behind a long one; then a plain vacuum, and the next try.
                conn.execute(text("SET lock_timeout = '1s'"))
                try:
                    conn.execute(text(f"VACUUM FULL {names}"))
                    return
                except OperationalError:
                    log.info("full vacuum of pupil tables postponed: a transaction was still open")
                    tracker(engine).note({t.name for t in MIXED})
                finally:
                    conn.execute(text("RESET lock_timeout"))
            conn.execute(text(f"VACUUM {names}"))


def mix_now(engine: Engine, server_key: bytes | None = None) -> int:
    """Mix what changed, commit, scrub: for the periodic task, shutdown and tests."""
    track = tracker(engine)
    tables = track.take()
    if not tables:
        return 0
    try:
        with engine.begin() as conn:
            moved = mix(conn, tables)
    except Exception:
        track.give_back(tables)
        raise
    # PostgreSQL: a plain vacuum frees the old row versions but leaves their bytes (and their
    # order) in the file; a full one writes new files.
    scrub(engine, full=True)
    return moved
