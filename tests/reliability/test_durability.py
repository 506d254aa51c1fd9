"""SQLite durability and a nearly full disk: every commit is on disk before it is answered
(synchronous=FULL), the write-ahead log is cut back after it grows, and a full disk is a 503
that clears by itself once there is room again."""

import os

import pytest
import sqlalchemy as sa
from fastapi import APIRouter
from sqlalchemy import event

from app import scrub
from app.db import DbSession
from app.main import create_app
from conftest import BACKEND, Client
from reliability_support import fresh_database, settings_for

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's journal")


def _app_with_writer(url, tmp_path):
    """The app plus a route that writes `size` bytes through the request's own session."""
    app = create_app(settings_for(url, tmp_path))
    router = APIRouter()

    @router.post("/api/v1/__fill")
    def fill(session: DbSession, size: int = 20_000):
        session.execute(sa.text("CREATE TABLE IF NOT EXISTS filler (x BLOB)"))
        session.execute(sa.text("INSERT INTO filler VALUES (randomblob(:n))"), {"n": size})
        return {"ok": True}

    app.include_router(router)
    return app


def _fill(client: Client, size: int = 20_000):
    return client.post(f"/api/v1/__fill?size={size}", headers={"X-CSRF-Token": client.csrf,
                                                               "content-type": "application/json"})


def test_every_connection_is_durable_and_keeps_its_log_short(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA journal_size_limit").scalar() == scrub.WAL_LIMIT
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_the_write_ahead_log_is_cut_back_after_it_grows(tmp_path, monkeypatch):
    monkeypatch.setattr(scrub, "WAL_LIMIT", 256 * 1024)
    with fresh_database(tmp_path) as url:
        app = _app_with_writer(url, tmp_path)
        client = Client(app)
        wal = url.split("///", 1)[1] + "-wal"
        sizes = []
        for _ in range(60):  # 1.2 MB written, 4.7 times the limit
            assert _fill(client).status_code == 200
            sizes.append(os.path.getsize(wal))
        assert max(sizes) <= 256 * 1024 + 64 * 1024, max(sizes)  # the limit plus one request's pages
        app.state.engine.dispose()


def test_a_full_disk_is_a_503_and_clears_by_itself(tmp_path):
    with fresh_database(tmp_path) as url:
        app = _app_with_writer(url, tmp_path)
        client = Client(app, raise_server_exceptions=False)
        engine = app.state.engine

        def no_room(dbapi_conn, _record):  # the file may not grow: what a full disk does to SQLite
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count={pages}")

        event.listen(engine, "connect", no_room)
        engine.dispose()
        full = _fill(client, 500_000)
        assert full.status_code == 503 and full.headers["retry-after"] == "5"
        assert full.json()["detail"].startswith("Inspraak kan even niet bij zijn gegevens")
        event.remove(engine, "connect", no_room)  # room again
        assert _fill(client).status_code == 200  # the same app, no restart
        engine.dispose()
