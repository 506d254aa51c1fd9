"""What the benchmarks share: a throw-away demo school, a uvicorn subprocess, small statistics,
and writing a section of docs/performance.md.

Run the benchmarks with the project's venv (`make bench`); nothing here is imported by the app.
"""

import os
import platform
import re
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def demo_env(var_dir: Path) -> dict[str, str]:
    # Every bench pupil comes from 127.0.0.1, as a class behind a school's router: the join limit
    # counts wrong codes only, so it needs no raising here.
    return {**os.environ, "INSPRAAK_VAR_DIR": str(var_dir),
            "INSPRAAK_DATABASE_URL": f"sqlite:///{var_dir / 'bench.db'}", "INSPRAAK_SECRET_KEY": SECRET}


def make_demo(var_dir: Path) -> dict[str, str]:
    """A fresh SQLite database, migrated, with the demo school; returns the environment to use."""
    env = demo_env(var_dir)
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "inspraak", command], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """uvicorn in its own process, as in production (one process, one worker, uvloop as in `inspraak serve`)."""

    def __init__(self, target: str, env: dict[str, str], log: Path, app_dir: Path = ROOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.var_dir = log.parent
        self._log = open(log, "wb")  # a file, not a pipe: a full pipe would stall the server
        self.proc = subprocess.Popen(
            [BIN / "python", "-m", "uvicorn", target, "--factory", "--host", "127.0.0.1", "--port", str(self.port),
             "--no-access-log", "--workers", "1", "--app-dir", str(app_dir), "--loop", "uvloop"],
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

    def status(self, *fields: str) -> dict[str, int]:
        """Memory figures of the server process, in kB, from /proc (e.g. VmRSS, VmHWM)."""
        text = Path(f"/proc/{self.proc.pid}/status").read_text()
        return {f: int(re.search(rf"^{f}:\s+(\d+) kB", text, re.M).group(1)) for f in fields}

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


@contextmanager
def demo_server(target: str = "app.main:create_app", app_dir: Path = ROOT, before_start=None):
    """A fresh demo database and a server on it. `before_start(env, var_dir)` may add data first."""
    with tempfile.TemporaryDirectory(prefix="inspraak-bench-") as tmp:
        var_dir = Path(tmp)
        env = make_demo(var_dir)
        extra = before_start(env, var_dir) if before_start else None
        server = Server(target, env, var_dir / "server.log", app_dir)
        try:
            yield server, extra
        finally:
            server.stop()


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
