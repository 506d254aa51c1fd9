"""What the soak checks share: a throw-away demo school (SQLite, or a PostgreSQL database of its
own), `inspraak serve` in its own process group, pupils with their own cookies, and a look at
what the database holds. Everything talks to 127.0.0.1 only and every wait has a time limit.
"""

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECRET = "soak-only-secret-never-used-in-production-0123456789"
KEY = SECRET.encode()
PG_SERVER = os.environ.get("INSPRAAK_TEST_PG", "postgresql://postgres@127.0.0.1:5432")
CLASSES = ("3A", "3B", "4A", "4B", "5A")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _pg_admin(server: str = PG_SERVER) -> sa.Engine:
    return sa.create_engine(server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                            isolation_level="AUTOCOMMIT")


@contextmanager
def database(backend: str, folder: Path, pg_server: str = PG_SERVER):
    """The URL of a new, empty database, dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'soak.db'}"
        return
    name = f"inspraak_soak_{secrets.token_hex(4)}"
    admin = _pg_admin(pg_server)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{pg_server}/{name}"
    finally:
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        except sa.exc.OperationalError:
            pass  # a private server that is already gone
        admin.dispose()


class School:
    """A migrated demo school with `pupils` extra codes and `statements` open statements."""

    def __init__(self, url: str, var_dir: Path, pupils: int, statements: int, **env) -> None:
        self.url, self.var_dir = url, var_dir
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("INSPRAAK_")},
                    "INSPRAAK_DATABASE_URL": url, "INSPRAAK_SECRET_KEY": SECRET, "INSPRAAK_VAR_DIR": str(var_dir),
                    "INSPRAAK_JOIN_RATE_LIMIT": "1000000", "INSPRAAK_HOST": "127.0.0.1", **env}
        for command in ("migrate", "demo"):
            subprocess.run([BIN / "inspraak", command], env=self.env, cwd=ROOT, check=True, capture_output=True,
                           timeout=120)
        self.codes, self.statements, self.proposal = self._prepare(pupils, statements)

    def _prepare(self, pupils: int, statements: int):
        from sqlmodel import Session, select

        from app.db import make_engine
        from app.models import Proposal, Staff
        from app.services import access, voting
        from app.services.shared import local_input
        from app.services.school import find_group, get_school
        from app.timeutil import utcnow

        engine = make_engine(self.url)
        codes: list[str] = []
        with Session(engine) as session:
            school = get_school(session)
            school.support_threshold = 100_000  # a support never moves the proposal on
            for i, name in enumerate(CLASSES):
                n = pupils // len(CLASSES) + (i < pupils % len(CLASSES))
                if n:
                    codes += access.create_codes(session, KEY, find_group(session, school.id, name), n)[1]
            council = session.exec(select(Staff).where(Staff.role == "council")).first()
            closes = local_input(utcnow() + timedelta(days=2))
            items = [voting.create_statement(session, council, voting.ItemForm(
                text=f"Soakstelling {i} {secrets.token_hex(3)}", audience=["school"], closes_at=closes)).id
                for i in range(statements)]
            proposal = session.exec(select(Proposal.id).where(Proposal.state == "published")).first()
            session.commit()
        engine.dispose()
        return codes, items, proposal

    def query(self, sql: str, **params) -> list[tuple]:
        engine = sa.create_engine(self.url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.execute(sa.text(sql), params)]
        finally:
            engine.dispose()

    def counts(self, statement: int) -> tuple[int, int, int]:
        """(voters tally, sum of answer tallies, has-voted rows) of one statement. Votes reach
        the tallies in steps of k (pending ballots), all of them when the item closes."""
        tallies = self.query("SELECT answer, count FROM votetally WHERE item_kind = 'statement' AND item_id = :i",
                             i=statement)
        rows = self.query("SELECT count(*) FROM hasvoted WHERE item_kind = 'statement' AND item_id = :i", i=statement)
        return (sum(c for a, c in tallies if a == "*"), sum(c for a, c in tallies if a != "*"), rows[0][0])

    def answer_tallies(self, statement: int) -> dict[str, int]:
        return dict(self.query("SELECT answer, sum(count) FROM votetally WHERE item_kind = 'statement' "
                               "AND item_id = :i AND answer != '*' GROUP BY answer", i=statement))

    def close(self, statements: list[int]) -> None:
        """The council closes the statements: every pending ballot is counted, voters forgotten."""
        from sqlmodel import Session, select

        from app.db import make_engine
        from app.models import Staff
        from app.services import voting

        engine = make_engine(self.url)
        try:
            with Session(engine) as session:
                session.info["server_key"] = KEY
                council = session.exec(select(Staff).where(Staff.role == "council")).first()
                for item in statements:
                    voting.close_now(session, council, voting.STATEMENT, item)
                session.commit()
        finally:
            engine.dispose()


class Server:
    """`inspraak serve` in its own process group, as in production."""

    def __init__(self, school: School, workers: int = 1, log_name: str = "server.log", **env) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = school.var_dir / log_name
        self._log = open(self.log_path, "ab")  # a file, not a pipe: a full pipe would stall the server
        self.proc = subprocess.Popen([BIN / "inspraak", "serve", "--workers", str(workers)],
                                     env={**school.env, "INSPRAAK_PORT": str(self.port), **env}, cwd=ROOT,
                                     stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early, see {self.log_path}")
            try:
                if httpx.get(self.url + "/api/v1/healthz", timeout=1).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.kill(signal.SIGTERM)
        self._log.close()


class Pupil:
    """One phone: its own cookies and connection."""

    def __init__(self, url: str, code: str) -> None:
        self.code = code
        self.client = httpx.AsyncClient(base_url=url, timeout=30)

    @property
    def csrf(self) -> str:
        return self.client.cookies.get("inspraak_csrf", "")

    async def join(self) -> None:
        await self.client.get("/api/v1/healthz")
        r = await self.client.post("/aanmelden", data={"csrf_token": self.csrf, "code": self.code})
        if r.status_code != 303:
            raise RuntimeError(f"join: HTTP {r.status_code}")

    async def vote(self, statement: int, answer: str) -> httpx.Response:
        return await self.client.post(f"/api/v1/statements/{statement}/votes", json={"answer": answer},
                                      headers={"x-csrf-token": self.csrf})

    async def my_answer(self, statement: int) -> str | None:
        r = await self.client.get(f"/api/v1/statements/{statement}")
        r.raise_for_status()
        return r.json()["my_answer"]

    async def close(self) -> None:
        await self.client.aclose()

    async def new_connection(self) -> None:
        """The same phone later: its cookies, but no connection still open from before."""
        fresh = httpx.AsyncClient(base_url=self.client.base_url, timeout=30, cookies=self.client.cookies)
        await self.client.aclose()
        self.client = fresh


async def joined(url: str, codes: list[str], concurrency: int = 20) -> list[Pupil]:
    """Pupils with a cookie each, joined a few at a time (not part of what is measured)."""
    pupils = [Pupil(url, code) for code in codes]
    gate = asyncio.Semaphore(concurrency)

    async def one(p: Pupil) -> None:
        async with gate:
            await p.join()

    await asyncio.gather(*(one(p) for p in pupils))
    return pupils


@contextmanager
def workdir():
    with tempfile.TemporaryDirectory(prefix="inspraak-soak-") as tmp:
        yield Path(tmp)
