"""Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and container platforms.

Answered at the edge of the app, outside the API prefix and before sessions, metrics and
logs: a probe every few seconds is not traffic. Liveness says the process answers; readiness
says the database answers and its schema is at the newest migration.
"""

import ast
import json
from functools import lru_cache
from pathlib import Path

from starlette.concurrency import run_in_threadpool

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
PATHS = ("/healthz", "/readyz")


def _revision_ids(path: Path) -> tuple[str, set[str]]:
    """`revision` and `down_revision` of a migration file, read as literals, not imported."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value:
                    found[target.id] = ast.literal_eval(node.value)
    down = found.get("down_revision")
    return str(found["revision"]), set(down if isinstance(down, (tuple, list)) else [down] if down else [])


@lru_cache
def migration_heads() -> frozenset[str]:
    """Revisions no other migration builds on. Read from the files as Alembic does, without
    importing Alembic: it would cost every worker 10 MB for this one question."""
    revisions = dict(_revision_ids(path) for path in (MIGRATIONS / "versions").glob("*.py"))
    below = set().union(*revisions.values())
    return frozenset(rev for rev in revisions if rev not in below)


def readiness(engine) -> tuple[bool, str]:
    """(ready, reason). A raw connection: no transaction, so no wait for SQLite's writer."""
    try:
        conn = engine.raw_connection()
        try:
            cur = conn.cursor()
            cur.execute("SELECT version_num FROM alembic_version")
            current = frozenset(row[0] for row in cur.fetchall())
            cur.close()
        finally:
            conn.rollback()
            conn.close()
    except Exception:  # any database failure means "not ready", never a 500
        return False, "database"
    if current != migration_heads():
        return False, "migrations"
    return True, "ready"


async def _answer(send, status: int, body: dict, extra: list | None = None) -> None:
    data = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
               *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class Probes:
    """ASGI wrapper: answers the two probe paths itself, passes everything else on."""

    def __init__(self, app, engine) -> None:
        self.app, self.engine = app, engine

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"] not in PATHS:
            return await self.app(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            return await _answer(send, 405, {"detail": "Method Not Allowed"}, [(b"allow", b"GET, HEAD")])
        if scope["path"] == "/healthz":
            return await _answer(send, 200, {"status": "ok"})
        ready, reason = await run_in_threadpool(readiness, self.engine)
        await _answer(send, 200 if ready else 503, {"status": reason if ready else "unavailable",
                                                    **({} if ready else {"reason": reason})})
