"""Test set-up: a real database made by the Alembic migrations, SQLite or PostgreSQL.

INSPRAAK_TEST_DB=sqlite (default) uses a file in a temporary folder; INSPRAAK_TEST_DB=postgresql
creates a fresh database on INSPRAAK_TEST_PG (default postgresql://postgres@127.0.0.1:5432)
for the run and drops it afterwards. Each test starts from empty tables.
"""

import os
import secrets
import socket
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session, SQLModel

from app.config import Settings
from app.main import create_app
from app.models import Group, School, Staff
from app.security import csrf
from app.services import access, staff as staff_service

ROOT = Path(__file__).resolve().parent.parent
BACKEND = os.environ.get("INSPRAAK_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("INSPRAAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
TEST_KEY = "test-secret-" + "k" * 40
STAFF_PASSWORD = "correct horse battery"


def _pg_admin():
    return sa.create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                            isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"inspraak_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_SERVER}/{name}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def settings(database_url, tmp_path_factory) -> Settings:
    return Settings(database_url=database_url, secret_key=TEST_KEY, var_dir=tmp_path_factory.mktemp("var"),
                    public_url="http://testserver")


@pytest.fixture(scope="session")
def migrated(settings):
    """Run the real migrations once per test run: the only way a schema is made."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", settings.db_url)
    command.upgrade(cfg, "head")
    return cfg


@pytest.fixture(scope="session")
def app_instance(settings, migrated):
    # The periodic mix of pupil tables is driven by the tests that check it (scrub.mix_now), not
    # by the live server's clock in the middle of unrelated tests that open their own connections.
    from app import scrub

    scrub.MIX_SECONDS = 1e9
    return create_app(settings)


@pytest.fixture
def app(app_instance):
    """The app, on empty tables, with fresh rate-limit counters."""
    app_instance.state.limiter.reset()
    yield app_instance
    _empty_tables(app_instance.state.engine)


def _empty_tables(engine) -> None:
    tables = [t for t in reversed(SQLModel.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def engine(app):
    return app.state.engine


@pytest.fixture(scope="session")
def test_engine(app_instance):
    """The tests' own engine. On SQLite it runs in driver autocommit mode, so a test's reads
    never hold the write lock the app's requests need (the app takes it with BEGIN IMMEDIATE)
    and each read sees what the app committed; PostgreSQL's read committed does this already."""
    url = app_instance.state.settings.db_url
    if not url.startswith("sqlite"):
        return app_instance.state.engine
    engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @sa.event.listens_for(engine, "connect")
    def _autocommit(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        dbapi_conn.execute("PRAGMA foreign_keys=ON")
        dbapi_conn.execute("PRAGMA busy_timeout=30000")

    return engine


@pytest.fixture
def session(app, test_engine):
    with Session(test_engine, expire_on_commit=False) as s:
        s.info["server_key"] = app.state.secret
        yield s


@pytest.fixture
def school(session) -> School:
    """A school with grade '3de jaar' (classes 3A, 3B) and grade '4de jaar' (class 4A)."""
    from app.services import school as school_service

    school = school_service.ensure_school(session, "Testschool")
    for grade, classes in {"3de jaar": ["3A", "3B"], "4de jaar": ["4A"]}.items():
        school_service.add_group(session, school.id, grade)
        for name in classes:
            school_service.add_group(session, school.id, name, parent=grade)
    session.commit()
    return school


@pytest.fixture
def seeded(session, school) -> School:
    """The school with the help lines of the report's annex."""
    from app.services import help as help_service

    help_service.seed(session, school.id)
    session.commit()
    return school


def group_named(session, school, name) -> Group:
    from app.services import school as school_service

    return school_service.find_group(session, school.id, name)


class Client(TestClient):
    """A TestClient that knows its CSRF token: `client.form(url, data)` posts a form with it."""

    @property
    def csrf(self) -> str:
        """The form token of this client's session, as its pages carry it."""
        if not self.cookies.get("inspraak_csrf"):
            self.get("/api/v1/healthz")
        return csrf.token(self.app.state.secret, {c.name: c.value for c in self.cookies.jar})

    def form(self, url: str, data: dict | None = None, **kwargs):
        return self.post(url, data={**(data or {}), "csrf_token": self.csrf}, **kwargs)

    def htmx(self, url: str, data: dict | None = None, **kwargs):
        headers = {"HX-Request": "true", "X-CSRF-Token": self.csrf, **kwargs.pop("headers", {})}
        return self.post(url, data=data or {}, headers=headers, **kwargs)


@pytest.fixture
def client(app) -> Client:
    return Client(app, raise_server_exceptions=True)


def _signed_in(app, url: str, data: dict) -> Client:
    c = Client(app, raise_server_exceptions=True)
    r = c.form(url, data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


@pytest.fixture
def new_codes(app, session, school):
    """new_codes(group_name, n) -> n fresh plain codes for that group."""

    def make(group_name: str = "3A", n: int = 1) -> list[str]:
        _sheet, codes = access.create_codes(session, app.state.secret, group_named(session, school, group_name), n)
        session.commit()
        return codes

    return make


@pytest.fixture
def make_pupil(app, new_codes):
    """make_pupil(group_name) -> a Client logged in as a new anonymous pupil of that group."""

    def make(group_name: str = "3A", code: str | None = None) -> Client:
        code = code or new_codes(group_name)[0]
        c = _signed_in(app, "/aanmelden", {"code": code})
        c.code = code
        return c

    return make


@pytest.fixture
def pupil(make_pupil) -> Client:
    return make_pupil("3A")


@pytest.fixture
def make_staff(app, session, school):
    """make_staff(role, username=None) -> a Client logged in as new staff of that role."""

    def make(role: str, username: str | None = None) -> Client:
        username = username or f"{role}{secrets.token_hex(2)}"
        staff = staff_service.create_staff(session, school.id, username, role, STAFF_PASSWORD)
        session.commit()
        c = _signed_in(app, "/staff/login", {"username": username, "password": STAFF_PASSWORD})
        c.staff = staff
        return c

    return make


@pytest.fixture
def council(make_staff) -> Client:
    return make_staff("council")


@pytest.fixture
def management(make_staff) -> Client:
    return make_staff("management")


@pytest.fixture
def admin(make_staff) -> Client:
    return make_staff("admin")


# --- browser tests ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app_instance):
    """The app served by uvicorn in a thread, on the same test database."""
    import uvicorn

    from app.server import uvicorn_options

    port = _free_port()
    # The production protocol and limits (`inspraak serve`), so pages are tested as served.
    server = uvicorn.Server(uvicorn.Config(app_instance, host="127.0.0.1", port=port, log_level="warning",
                                           **uvicorn_options()))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def phone(browser, app, live_server):
    """A fresh phone-sized (390×844) browser page; page.goto('/…') is relative to the live server."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_nojs(browser, app, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server,
                                  java_script_enabled=False)
    page = context.new_page()
    page.no_js = True
    yield page
    context.close()


@pytest.fixture
def desktop(browser, app, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server)
    page = context.new_page()
    yield page
    context.close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def assert_accessible(page) -> None:
    """axe-core in the page: no serious or critical violation.

    A page without JavaScript cannot run axe, so the same URL is checked in a twin page
    with JavaScript on and the same cookies (what the pupil sees is the same HTML)."""
    if getattr(page, "no_js", False):
        context = page.context.browser.new_context(viewport=page.viewport_size)
        context.add_cookies(page.context.cookies())
        twin = context.new_page()
        try:
            twin.goto(page.url)
            assert_accessible(twin)
        finally:
            context.close()
        return
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Served from the page's own origin, so the strict CSP (script-src 'self') allows it.
        origin = page.evaluate("() => location.origin")
        page.route(f"{origin}/__axe.js", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript"))
        page.add_script_tag(url=f"{origin}/__axe.js")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"accessibility violations on {page.url}:\n" + "\n".join(bad)


def login_staff_in_browser(page, username: str, password: str = STAFF_PASSWORD) -> None:
    page.goto("/staff/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
