"""Nothing lost: kill -9 of the server under load, and a PostgreSQL server killed and restarted.

Every pupil keeps a ledger of what the server told them: the last answer it acknowledged per
statement, and the answer of a request whose outcome they never heard (in flight at a kill).
Afterwards each pupil asks the server for their own answers, and the tallies are compared
with those answers: an acknowledged vote must be there (not lost), counted once (not doubled).
"""

import asyncio
import contextlib
import random
import shutil
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

import httpx

from harness import Pupil, School, Server, database, free_port, joined, workdir

ANSWERS = ("agree", "disagree", "pass")
PG_BIN = Path("/usr/lib/postgresql/15/bin")


class Ledger:
    def __init__(self) -> None:
        self.acked: dict[tuple[str, int], str] = {}
        self.unsure: dict[tuple[str, int], str] = {}
        self.acks = 0
        self.statuses: Counter = Counter()

    async def keep_voting(self, pupil: Pupil, items: list[int], stop: asyncio.Event, seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            item, answer = rng.choice(items), rng.choice(ANSWERS)
            key = (pupil.code, item)
            self.unsure[key] = answer  # until the server says it was stored
            try:
                r = await pupil.vote(item, answer)
            except httpx.HTTPError:
                self.statuses["no answer"] += 1
                await asyncio.sleep(0.2)
                continue
            self.statuses[r.status_code] += 1
            if r.status_code in (200, 201) and r.json()["answers"] == [answer]:
                self.acked[key] = answer
                del self.unsure[key]
                self.acks += 1
            else:
                await asyncio.sleep(0.2)  # 503 while the database is away: come back in a moment

    async def verify(self, school: School, pupils: list[Pupil], items: list[int]) -> dict:
        """Lost: an acknowledged answer the server no longer has (and no later request explains).
        Miscounted: once the items close (every pending ballot counted), tallies that do not
        match the pupils' own answers one for one."""
        lost, stored = 0, {}
        for pupil in pupils:
            for item in items:
                key = (pupil.code, item)
                if key not in self.acked and key not in self.unsure:
                    continue
                answer = await pupil.my_answer(item)
                stored[key] = answer
                allowed = {self.acked.get(key)} | ({self.unsure[key]} if key in self.unsure else set())
                if answer not in allowed:
                    lost += 1
        expected = {item: Counter(a for (_code, i), a in stored.items() if i == item and a is not None)
                    for item in items}
        miscounted = sum(school.counts(item)[2] != sum(expected[item].values()) for item in items)
        school.close(items)
        for item in items:
            voters, answers, rows = school.counts(item)
            tallies = school.answer_tallies(item)
            if voters != sum(expected[item].values()) or answers != voters or rows != 0 \
                    or any(tallies.get(a, 0) != expected[item][a] for a in ANSWERS):
                miscounted += 1
        return {"lost": lost, "doubled_items": miscounted, "checked": len(stored)}


async def _load(server_url: str, pupils: list[Pupil], items: list[int], ledger: Ledger, seconds: float,
                during=None) -> None:
    stop = asyncio.Event()
    voters = [asyncio.create_task(ledger.keep_voting(p, items, stop, i)) for i, p in enumerate(pupils)]
    try:
        if during is not None:
            await during()
        else:
            await asyncio.sleep(seconds)
    finally:
        stop.set()
        await asyncio.gather(*voters)


def crash(backend: str = "sqlite", kills: int = 3, pupils: int = 60, concurrency: int = 40) -> dict:
    """kill -9 of the whole server (all workers) in the middle of voting, `kills` times."""
    with workdir() as tmp, database(backend, tmp) as url:
        school = School(url, tmp, pupils, 3)

        async def run() -> dict:
            server = Server(school, workers=1 if backend == "sqlite" else 2)
            crowd = await joined(server.url, school.codes[:concurrency])
            ledger = Ledger()
            rng = random.Random(7)
            for _ in range(kills):
                async def then_kill():
                    await asyncio.sleep(rng.uniform(3, 6))
                    server.kill(signal.SIGKILL)
                await _load(server.url, crowd, school.statements, ledger, 0, during=then_kill)
                server.stop()
                server = Server(school, workers=1 if backend == "sqlite" else 2, log_name="server2.log")
                for p in crowd:  # the same phones, the same cookies, a new server address
                    p.client._base_url = httpx.URL(server.url)
            result = await ledger.verify(school, crowd, school.statements)
            server.stop()
            for p in crowd:
                await p.close()
            return {**result, "kills": kills, "acked": ledger.acks, "unsure": len(ledger.unsure),
                    "statuses": dict(ledger.statuses)}

        result = asyncio.run(run())
    ok = result["lost"] == 0 and result["doubled_items"] == 0
    line = (f"crash ({backend}): {result['kills']} × kill -9 under load, {result['acked']} acknowledged votes, "
            f"{result['lost']} lost, {result['doubled_items']} items miscounted, {result['unsure']} unanswered "
            f"at the kills")
    return {"ok": ok, "line": line, **result}


@contextlib.contextmanager
def private_postgres(folder: Path):
    """A PostgreSQL server of our own on 127.0.0.1, so it can be killed without touching anyone else's."""
    data, port = folder / "pg", free_port()
    data.mkdir()
    shutil.chown(data, "postgres")
    shutil.chown(folder, "postgres")

    def as_postgres(*args, check=True):
        return subprocess.run(["runuser", "-u", "postgres", "--", *map(str, args)], check=check,
                              capture_output=True, text=True, timeout=120)

    as_postgres(PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"

    def start():
        as_postgres(PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", folder / "pg.log", "-w", "start")

    def kill():
        pid = int((data / "postmaster.pid").read_text().split()[0])
        subprocess.run(["kill", "-9", str(pid)], check=True)
        for _ in range(100):  # the backends notice and exit
            if subprocess.run(["pgrep", "-f", f"-D {data}"], capture_output=True).returncode:
                break
            time.sleep(0.1)

    start()
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}", start, kill
    finally:
        as_postgres(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)


def outage(down_seconds: float = 8, concurrency: int = 30) -> dict:
    """PostgreSQL killed (kill -9) while pupils vote, then started again: 503 meanwhile, never a
    500, and votes go through again by themselves; no acknowledged vote lost."""
    with workdir() as tmp, private_postgres(tmp) as (pg, start, kill), database("postgresql", tmp, pg) as url:
        school = School(url, tmp, concurrency, 3)

        async def run() -> dict:
            server = Server(school, workers=2)
            crowd = await joined(server.url, school.codes[:concurrency])
            ledger, marks = Ledger(), {}

            async def break_and_mend():
                await asyncio.sleep(3)
                before = ledger.statuses.copy()
                kill()
                marks["killed"] = time.monotonic()
                await asyncio.sleep(down_seconds)
                marks["during"] = ledger.statuses - before
                await asyncio.to_thread(start)
                marks["started"] = time.monotonic()
                acks = ledger.acks
                while ledger.acks == acks and time.monotonic() - marks["started"] < 60:
                    await asyncio.sleep(0.05)
                marks["recovered"] = time.monotonic() - marks["started"]
                await asyncio.sleep(2)

            await _load(server.url, crowd, school.statements, ledger, 0, during=break_and_mend)
            result = await ledger.verify(school, crowd, school.statements)
            server.stop()
            log = server.log_path.read_text(errors="replace")
            for p in crowd:
                await p.close()
            return {**result, "acked": ledger.acks, "during": dict(marks["during"]),
                    "recovered_s": round(marks["recovered"], 2), "statuses": dict(ledger.statuses),
                    "log_lines": log.count("database unavailable")}

        result = asyncio.run(run())
    during = result["during"]
    ok = (result["lost"] == 0 and result["doubled_items"] == 0 and 500 not in result["statuses"]
          and during.get(503, 0) > 0 and result["recovered_s"] < 30)
    line = (f"outage (PostgreSQL kill -9 for {down_seconds:.0f} s): {during.get(503, 0)} × 503 while down, "
            f"{result['statuses'].get(500, 0)} × 500, votes accepted again {result['recovered_s']} s after it "
            f"restarted, {result['acked']} acknowledged votes, {result['lost']} lost, "
            f"{result['log_lines']} log lines")
    return {"ok": ok, "line": line, **result}
