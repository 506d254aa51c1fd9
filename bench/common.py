"""What the benchmarks share: a throw-away demo school, a uvicorn subprocess, small statistics,
and writing a section of docs/performance.md.

Run the benchmarks with the project's venv (`make bench`); nothing here is imported by the app.
"""

import contextlib
import os
import platform
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's bin: python, uvicorn, inspraak
DOC = ROOT / "docs" / "performance.md"
SECRET = "bench-only-secret-never-used-in-production-0123456789"
KEY = SECRET.encode()
PG_SERVER = os.environ.get("INSPRAAK_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
# uvicorn as `inspraak serve` runs it: uvloop, the h11 protocol with a read deadline, the limits
# of app/server.py; `workers` processes when more than one.
SERVE = """import sys, uvicorn
from app import server
target, port, workers, app_dir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
server.raise_file_limit()
uvicorn.run(target, factory=True, host="127.0.0.1", port=port, workers=workers, app_dir=app_dir,
            loop="uvloop", **server.uvicorn_options())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_env(var_dir: Path, db_url: str | None = None) -> dict[str, str]:
    # Every bench pupil comes from 127.0.0.1, as a class behind a school's router: the join limit
    # counts wrong codes only, so it needs no raising here.
    return {**os.environ, "INSPRAAK_VAR_DIR": str(var_dir),
            "INSPRAAK_DATABASE_URL": db_url or f"sqlite:///{var_dir / 'bench.db'}", "INSPRAAK_SECRET_KEY": SECRET}


def make_demo(var_dir: Path, db_url: str | None = None) -> dict[str, str]:
    """A fresh database (SQLite unless `db_url`), migrated, with the demo school; returns the
    environment to use."""
    env = demo_env(var_dir, db_url)
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "inspraak", command], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def process_tree(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's worker processes)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pending += [int(c) for c in task.read_text().split()]
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process and its worker processes have used so far (a worker
    that ended is not counted: uvicorn's workers live as long as the server)."""
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class Server:
    """uvicorn in its own process, started as `inspraak serve` starts it (`SERVE`)."""

    def __init__(self, target: str, env: dict[str, str], log: Path, app_dir: Path = ROOT, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.var_dir = log.parent
        self.workers = workers
        self._log = open(log, "wb")  # a file, not a pipe: a full pipe would stall the server
        self.proc = subprocess.Popen([BIN / "python", "-c", SERVE, target, str(self.port), str(workers), str(app_dir)],
                                     env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited early, see {self._log.name}")
            try:
                httpx.get(self.url + "/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the server itself, or its workers when several."""
        tree = process_tree(self.proc.pid)
        return tree if self.workers == 1 else tree[1:]

    def status(self, *fields: str) -> dict[str, int]:
        """Memory figures of the worker that used most, in kB, from /proc (e.g. VmRSS, VmHWM)."""
        found = {f: 0 for f in fields}
        for pid in self.worker_pids():
            text = Path(f"/proc/{pid}/status").read_text()
            for f in fields:
                found[f] = max(found[f], int(re.search(rf"^{f}:\s+(\d+) kB", text, re.M).group(1)))
        return found

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@contextmanager
def postgres_database():
    """A fresh, empty PostgreSQL database on PG_SERVER for one run, dropped afterwards."""
    from sqlalchemy import create_engine, text

    name = f"inspraak_bench_{secrets.token_hex(4)}"
    admin = create_engine(PG_SERVER.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def demo_server(target: str = "app.main:create_app", app_dir: Path = ROOT, before_start=None, db: str = "sqlite",
                workers: int = 1):
    """A fresh demo database (SQLite in a temporary folder, or a PostgreSQL database of its own)
    and a server on it. `before_start(env, var_dir)` may add data first."""
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp, \
            (postgres_database() if db == "postgresql" else contextlib.nullcontext()) as db_url:
        var_dir = Path(tmp)
        env = make_demo(var_dir, db_url)
        extra = before_start(env, var_dir) if before_start else None
        server = Server(target, env, var_dir / "server.log", app_dir, workers)
        try:
            yield server, extra
        finally:
            server.stop()


@contextmanager
def demo_pupil(server: "Server"):
    """An httpx client that redeemed a demo code of 3A, as a phone does after scanning its slip."""
    from app.demo.school import demo_codes

    with httpx.Client(base_url=server.url, headers={"accept-encoding": "gzip"}) as client:
        code = demo_codes(group="3A", codes_file=server.var_dir / "demo_codes.json")[0]
        page = client.get(f"/c/{code}")  # the slip's QR code asks before the code becomes this phone's
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        joined = client.post("/aanmelden", data={"code": code, "csrf_token": token}, follow_redirects=False)
        assert joined.status_code == 303, joined.status_code
        yield client


def find_items(client: httpx.Client) -> list[str]:
    """The open demo poll (the late-arrival rule) and one open statement, via the pupil API."""
    polls = client.get("/api/v1/polls").json()
    poll = next(p for p in polls if "te laat" in p["question"])
    statement = client.get("/api/v1/statements").json()[0]
    return [f"/peilingen/{poll['id']}", f"/stellingen/{statement['id']}"]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (f"{os.cpu_count()} CPU ({model}), Python {platform.python_version()}, "
            f"load average before the run {' '.join(load)}")


def load_average() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def write_doc_section(name: str, body: str) -> None:
    """Replace the generated section `name` of docs/performance.md (between its markers)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = DOC.read_text() if DOC.exists() else ""
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        text = text[:text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def table(header: list[str], rows: list[list]) -> str:
    """A Markdown table: reads well in a terminal and in the docs."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
