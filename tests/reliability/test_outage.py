"""When the database cannot answer, pupils and staff get a plain page (or JSON on the API) with
503 and Retry-After, nothing of a query reaches the log, and the app recovers by itself."""

import logging
import os
import subprocess
import sys

import pytest

from app.main import create_app
from conftest import BACKEND, ROOT, Client
from reliability_support import fresh_database, pg_execute, pg_name, seed, settings_for

MESSAGE = "Inspraak kan even niet bij zijn gegevens. Probeer het over een minuutje opnieuw."


def _pupil(app, code: str) -> Client:
    c = Client(app, raise_server_exceptions=False)
    assert c.form("/aanmelden", {"code": code}, follow_redirects=False).status_code == 303
    return c


def _vote(pupil: Client, statement: int, answer: str = "agree"):
    return pupil.post(f"/api/v1/statements/{statement}/votes", json={"answer": answer},
                      headers={"X-CSRF-Token": pupil.csrf})


def _assert_unavailable(pupil: Client, statement: int, page_too: bool = True) -> None:
    if page_too:
        page = pupil.get(f"/stellingen/{statement}")
        assert page.status_code == 503 and page.headers["retry-after"] == "5"
        assert page.headers["content-type"].startswith("text/html") and MESSAGE in page.text
    form = pupil.form(f"/stellingen/{statement}/stem", {"answer": "agree"}, follow_redirects=False)
    assert form.status_code == 503 and MESSAGE in form.text
    api = _vote(pupil, statement)
    assert api.status_code == 503 and api.headers["retry-after"] == "5"
    assert api.json() == {"detail": MESSAGE}


def _chattr(flag: str, *paths) -> None:
    try:
        subprocess.run(["chattr", flag, *map(str, paths)], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as error:
        pytest.skip(f"cannot make a file read-only here (needs root and chattr): {error}")


def _no_values_logged(caplog, *values: str) -> None:
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    for value in values:
        assert value not in text


@pytest.mark.skipif(BACKEND != "postgresql", reason="PostgreSQL outage")
def test_postgresql_down_answers_503_and_recovers(tmp_path, caplog):
    with fresh_database(tmp_path) as url:
        data = seed(url, b"k" * 32)
        app = create_app(settings_for(url, tmp_path, secret_key="k" * 32))
        pupil = _pupil(app, data["codes"][0])
        name = pg_name(url)
        caplog.set_level(logging.WARNING)
        pg_execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        pg_execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        try:
            _assert_unavailable(pupil, data["statement"])
        finally:
            pg_execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        assert _vote(pupil, data["statement"]).status_code == 201  # back by itself, no restart
        assert pupil.get(f"/stellingen/{data['statement']}").status_code == 200
        lines = [r.getMessage() for r in caplog.records if r.name == "inspraak.errors"]
        assert lines and all(line.startswith("database unavailable: OperationalError") for line in lines)
        _no_values_logged(caplog, data["codes"][0], "Er is genoeg tijd")
        app.state.engine.dispose()


@pytest.mark.skipif(BACKEND != "sqlite", reason="a read-only SQLite file")
def test_read_only_sqlite_warns_at_start_answers_503_and_recovers(tmp_path, caplog):
    with fresh_database(tmp_path) as url:
        data = seed(url, b"k" * 32)
        db = url.split("///", 1)[1]
        caplog.set_level(logging.WARNING)
        _chattr("+i", db)
        try:
            app = create_app(settings_for(url, tmp_path, secret_key="k" * 32))
            assert any("database not writable at start" in r.getMessage() for r in caplog.records)
            pupil = _pupil(app, data["codes"][0])  # reading works: pupils still get in
            assert pupil.get(f"/stellingen/{data['statement']}").status_code == 200
            _assert_unavailable(pupil, data["statement"], page_too=False)
        finally:
            _chattr("-i", db)
        assert _vote(pupil, data["statement"]).status_code == 201
        _no_values_logged(caplog, data["codes"][0])
        app.state.engine.dispose()


@pytest.mark.skipif(BACKEND != "sqlite", reason="a read-only SQLite file")
def test_sqlite_turning_read_only_while_serving_recovers(tmp_path):
    with fresh_database(tmp_path) as url:
        data = seed(url, b"k" * 32)
        app = create_app(settings_for(url, tmp_path, secret_key="k" * 32))
        pupil = _pupil(app, data["codes"][0])
        db = url.split("///", 1)[1]
        app.state.engine.dispose()  # no open file: as after a restart of the disk
        _chattr("+i", db)
        try:
            assert pupil.get(f"/stellingen/{data['statement']}").status_code == 200
            _assert_unavailable(pupil, data["statement"], page_too=False)
        finally:
            _chattr("-i", db)
        assert _vote(pupil, data["statement"]).status_code == 201
        app.state.engine.dispose()


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's shared-memory file")
def test_migrate_on_a_read_only_shm_does_not_crash(tmp_path):
    with fresh_database(tmp_path) as url:
        db = url.split("///", 1)[1]
        # A writer that died without closing leaves its -wal and -shm behind.
        code = ("import sqlite3, os; c = sqlite3.connect(%r); c.execute('PRAGMA journal_mode=WAL');"
                "c.execute('CREATE TABLE crash_marker(x)'); c.commit(); os._exit(0)") % db
        subprocess.run([sys.executable, "-c", code], check=True)
        assert os.path.exists(db + "-shm")
        env = {**os.environ, "INSPRAAK_DATABASE_URL": url, "INSPRAAK_SECRET_KEY": "k" * 32,
               "INSPRAAK_VAR_DIR": str(tmp_path)}
        _chattr("+i", db + "-shm")
        try:
            done = subprocess.run([sys.executable, "-m", "app.cli", "migrate"], capture_output=True, text=True,
                                  env=env, cwd=ROOT, timeout=60)
        finally:
            _chattr("-i", db + "-shm")
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr and "het schema is al bij" in done.stderr


def test_an_unexpected_error_is_a_plain_page_or_json(settings, migrated):
    """A bug (not an outage) is a 500 with a page, or JSON `detail` on the API. (An app of its
    own: the broken route must not show up in the shared app's API description.)"""
    from fastapi import APIRouter

    app = create_app(settings)
    router = APIRouter()

    @router.get("/api/v1/__boom")
    @router.get("/__boom")
    def boom():
        raise ValueError("pseudonym=SECRETVALUE123")

    app.include_router(router)
    client = Client(app, raise_server_exceptions=False)
    page = client.get("/__boom")
    assert page.status_code == 500 and "Er ging iets mis" in page.text and "SECRETVALUE" not in page.text
    assert client.get("/api/v1/__boom").json() == {"detail": "Er ging iets mis. Probeer het nog eens."}
