"""Load generator of bench/break.py, run in its own process so it does not share the server's CPU.

Each pupil has their own cookies and goes through the break: open the start page, type their
code, see their home, open the poll, vote (as HTMX does), see the results. At most
`concurrency` pupils are busy at once. Phases, one after the other:

- capacity: no pause between taps, so the server is always busy: how many breaks per second
  it can serve. Then each of these pupils changes their vote once (the vote step alone).
- break: the pace of a real break, a random pause between taps (`think`, seconds): the
  latency a pupil feels.

A phase stops after MAX_ERRORS failed requests, and a hard time limit stops everything; what
was done is reported.

    python bench/loadgen.py config.json   ->   JSON on stdout
config: {"url", "server_pid", "warmup", "capacity", "break" (lists of codes), "think": [low, high],
         "poll_id", "option_ids", "concurrency", "time_limit"}
"""

import asyncio
import importlib.util
import json
import random
import re
import resource
import sys
import time
from collections import defaultdict

if importlib.util.find_spec("sniffio") is None:
    # httpcore tries `import sniffio` on every request; when it is not installed, each failed
    # import searches sys.path again. Marking it absent makes that instant (-20 % client CPU).
    sys.modules["sniffio"] = None

import httpx  # noqa: E402

from common import cpu_seconds  # noqa: E402

MAX_ERRORS = 50  # a phase stops after this many failed requests: a stuck server costs minutes, not hours


class Failed(Exception):
    pass


class Recorder:
    """Latency per step, in ms, and errors, of one phase."""

    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []

    async def call(self, client: httpx.AsyncClient, step: str, method: str, url: str, expect: int,
                   text: str = "", **kwargs) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
            problem = "" if response.status_code == expect and text in response.text else \
                f"HTTP {response.status_code} {response.text[:200]}"
        except httpx.HTTPError as exc:
            response, problem = None, type(exc).__name__
        self.latency[step].append((time.perf_counter() - started) * 1000)
        if problem:
            self.errors[step] += 1
            if len(self.samples) < 5:
                self.samples.append(f"{step}: {problem}")
            raise Failed(step)
        return response


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


class Pupil:
    def __init__(self, config: dict, code: str, seed: int):
        # Like a phone: own cookies, own connection. (One pool shared by all pupils scans all its
        # connections on every request: the client then limited the bare app.) No TLS here, so no
        # certificates to load.
        # An idle connection is dropped by the client before the server's keep-alive of 5 s ends
        # it: otherwise a request sent as the server closes fails (ReadError) now and then.
        self.client = httpx.AsyncClient(base_url=config["url"], timeout=30, verify=False,
                                        headers={"accept-encoding": "gzip"},
                                        limits=httpx.Limits(keepalive_expiry=4))
        options = config["option_ids"]
        self.code, self.poll, self.voted = code, f"/peilingen/{config['poll_id']}", False
        self.choices = (options[seed % len(options)], options[(seed + 1) % len(options)])
        self.random = random.Random(seed)

    def _token(self, page: httpx.Response) -> None:
        """The form token as the page carries it (it belongs to the session, so it changes on
        joining); the bare app has none, and takes anything."""
        found = CSRF_FIELD.search(page.text)
        self.csrf = found.group(1) if found else self.client.cookies.get("inspraak_csrf", "")

    def _vote_args(self, option_id: int) -> dict:
        return {"data": {"csrf_token": self.csrf, "option_ids": str(option_id)},
                "headers": {"hx-request": "true", "x-csrf-token": self.csrf}}

    async def brk(self, rec: Recorder, think: tuple[float, float]) -> None:
        """The whole break of one pupil, with a pause of `think` seconds before each tap (also the
        first: pupils do not all arrive in the same millisecond)."""
        async def tap(step: str, method: str, url: str, expect: int, text: str = "", **kwargs):
            if think[1]:
                await asyncio.sleep(self.random.uniform(*think))
            return await rec.call(self.client, step, method, url, expect, text, **kwargs)

        self._token(await tap("start", "GET", "/", 200))
        await tap("join", "POST", "/aanmelden", 303, data={"csrf_token": self.csrf, "code": self.code})
        await tap("home", "GET", "/overzicht", 200)
        self._token(await tap("poll", "GET", self.poll, 200))
        await tap("vote", "POST", self.poll + "/stem", 200, "Bedankt", **self._vote_args(self.choices[0]))
        await tap("results", "GET", self.poll, 200)
        self.voted = True

    async def revote(self, rec: Recorder, _think) -> None:
        await rec.call(self.client, "revote", "POST", self.poll + "/stem", 200, "Bedankt",
                       **self._vote_args(self.choices[1]))


def _cpu_now(server_pid: int) -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, cpu_seconds(server_pid)


async def run_all(pupils: list[Pupil], action, concurrency: int, server_pid: int,
                  think: tuple[float, float] = (0, 0)) -> dict:
    """Run `action` for every pupil, `concurrency` at a time: latencies, how many completed, how
    long it took, and the CPU seconds the client and the server used meanwhile."""
    rec, queue, done = Recorder(), list(reversed(pupils)), 0

    async def worker():
        nonlocal done
        while queue and sum(rec.errors.values()) < MAX_ERRORS:
            pupil = queue.pop()
            try:
                await action(pupil, rec, think)
                done += 1
            except Failed:
                pass

    cpu, started = _cpu_now(server_pid), time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds, cpu_after = time.perf_counter() - started, _cpu_now(server_pid)
    return {"done": done, "seconds": seconds, "client_cpu": cpu_after[0] - cpu[0], "server_cpu": cpu_after[1] - cpu[1],
            "latency": rec.latency, "errors": rec.errors, "samples": rec.samples}


async def main(config: dict) -> dict:
    seed = iter(range(10**6))
    pupils = {phase: [Pupil(config, code, next(seed)) for code in config[phase]]
              for phase in ("warmup", "capacity", "break")}
    n, pid, out = config["concurrency"], config["server_pid"], {"timed_out": False}
    try:
        async with asyncio.timeout(config["time_limit"]):
            await run_all(pupils["warmup"], Pupil.brk, 5, pid)  # templates compiled, caches and connections warm
            out["capacity"] = await run_all(pupils["capacity"], Pupil.brk, n, pid)
            out["revote"] = await run_all([p for p in pupils["capacity"] if p.voted], Pupil.revote, n, pid)
            out["break"] = await run_all(pupils["break"], Pupil.brk, n, pid, tuple(config["think"]))
    except TimeoutError:
        out["timed_out"] = True
    for pupil in (p for group in pupils.values() for p in group):
        await pupil.client.aclose()
    return out


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(json.dumps(asyncio.run(main(json.load(f)))))
