"""Redis down: pupils still get in, limits count per process, one log line per interval."""

import logging
import socket

from app.main import create_app
from app.services.ratelimit import RedisLimiter
from conftest import Client


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens here once the socket is closed


def test_join_works_and_is_still_limited_when_redis_is_down(settings, migrated, new_codes, caplog):
    app = create_app(settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{_closed_port()}/0"}))
    assert isinstance(app.state.limiter, RedisLimiter)
    code = new_codes("3A")[0]
    caplog.set_level(logging.WARNING)
    pupil = Client(app)
    assert pupil.form("/aanmelden", {"code": code}, follow_redirects=False).status_code == 303
    guesser = Client(app)
    answers = [guesser.form("/aanmelden", {"code": "AAAAA-AAAAA"}).status_code for _ in range(settings.join_rate_limit)]
    assert 429 not in answers[: settings.join_rate_limit - 2]
    assert guesser.form("/aanmelden", {"code": code}, follow_redirects=False).status_code == 429  # per process, still
    lines = [r for r in caplog.records if r.name == "inspraak.ratelimit"]
    assert len(lines) == 1 and "Redis unavailable" in lines[0].getMessage()
    app.state.engine.dispose()
