"""Logs that cannot flood and cannot leak: one line per kind of error per interval, tracebacks
without their message, and no query parameter in any database error."""

import io
import logging

import pytest
import sqlalchemy as sa

from app import logs


@pytest.fixture
def guarded():
    """A logger writing to a string through a fresh guard with a short interval."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    guard = logs.LogGuard(interval=0.3)
    handler.addFilter(guard)
    logger = logging.getLogger("inspraak.test-guard")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, out
    logger.removeHandler(handler)


def test_a_flood_of_the_same_error_is_one_line_then_a_count(guarded, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(logs.time, "monotonic", lambda: clock[0])
    logger, out = guarded
    for _ in range(10_000):
        logger.error("socket.accept() out of system resource")
    logger.warning("database unavailable: %s", "OperationalError")
    assert out.getvalue().count("socket.accept()") == 1
    assert out.getvalue().count("database unavailable") == 1
    clock[0] += 0.31  # the interval has passed
    logger.error("socket.accept() out of system resource")
    assert "[9999 more like this in the last 0 s]" in out.getvalue().splitlines()[-1]


def test_info_lines_are_not_held_back(guarded):
    logger, out = guarded
    for i in range(5):
        logger.info("GET %s 200", "/home")
    assert out.getvalue().count("GET /home 200") == 5


def test_a_traceback_is_logged_without_its_message(guarded):
    logger, out = guarded
    value = "SECRET" + "PSEUDONYM"  # built at run time, as a real value is
    try:
        raise RuntimeError(f"Key (pseudonym)=({value}) already exists")
    except RuntimeError:
        logger.error("Exception in ASGI application", exc_info=True)
    text = out.getvalue()
    assert "SECRETPSEUDONYM" not in text
    assert "Exception in ASGI application" in text and "builtins.RuntimeError" in text
    assert "test_a_traceback_is_logged_without_its_message" in text  # the frames are kept


def test_installed_on_the_app_loggers(app):
    for name in ("", "uvicorn"):
        for handler in logging.getLogger(name).handlers:
            assert any(isinstance(f, logs.LogGuard) for f in handler.filters)


def test_database_errors_never_carry_query_values(engine):
    with pytest.raises(sa.exc.DBAPIError) as caught:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT * FROM no_such_table WHERE pseudonym = :p"), {"p": "SECRETPSEUDONYM"})
    assert "SECRETPSEUDONYM" not in str(caught.value)
    assert "parameters hidden" in str(caught.value)
