"""Races, Redis going away, and slow clients, against `inspraak serve` on 127.0.0.1."""

import asyncio
import contextlib
import subprocess
import time

import httpx

from harness import Pupil, School, Server, database, free_port, joined, percentile, workdir

SAME_MOMENT = 200


async def _clones(url: str, pupil: Pupil, n: int) -> list[httpx.AsyncClient]:
    """`n` connections carrying the same pupil's cookies: one phone tapping many times."""
    return [httpx.AsyncClient(base_url=url, timeout=60, cookies=pupil.client.cookies) for _ in range(n)]


def race(backend: str = "postgresql") -> dict:
    """200 votes and 200 supports from one pupil at the same moment: each counts once."""
    with workdir() as tmp, database(backend, tmp) as url:
        school = School(url, tmp, 1, 1)
        server = Server(school, workers=1 if backend == "sqlite" else 4)

        async def run() -> dict:
            (pupil,) = await joined(server.url, school.codes[:1])
            clones = await _clones(server.url, pupil, SAME_MOMENT)
            headers = {"x-csrf-token": pupil.csrf}
            item, proposal = school.statements[0], school.proposal
            supports_before = school.query("SELECT support_count FROM proposal WHERE id = :p", p=proposal)[0][0]
            votes = await asyncio.gather(*(
                c.post(f"/api/v1/statements/{item}/votes", json={"answer": ("agree", "disagree", "pass")[i % 3]},
                       headers=headers) for i, c in enumerate(clones)))
            supports = await asyncio.gather(*(
                c.post(f"/api/v1/proposals/{proposal}/supports", json={}, headers=headers) for c in clones))
            for c in clones:
                await c.aclose()
            await pupil.close()
            has_voted = school.counts(item)[2]
            school.close([item])  # every pending ballot counted
            supports_after = school.query("SELECT support_count FROM proposal WHERE id = :p", p=proposal)[0][0]
            rows = school.query("SELECT count(*) FROM proposalsupport WHERE proposal_id = :p", p=proposal)[0][0]
            return {"vote_statuses": _tally(votes), "support_statuses": _tally(supports),
                    "counts": (*school.counts(item)[:2], has_voted), "support_delta": supports_after - supports_before,
                    "support_rows": rows}

        try:
            result = asyncio.run(run())
        finally:
            server.stop()
    ok = (result["counts"] == (1, 1, 1) and result["vote_statuses"].get(201) == 1
          and result["support_delta"] == 1 and not _has_5xx(result["vote_statuses"])
          and not _has_5xx(result["support_statuses"]))
    line = (f"race ({backend}): {SAME_MOMENT} votes at once from one pupil -> voters {result['counts'][0]}, "
            f"answers {result['counts'][1]} once closed, has-voted rows before {result['counts'][2]} "
            f"({_show(result['vote_statuses'])}); "
            f"{SAME_MOMENT} supports at once -> +{result['support_delta']} ({_show(result['support_statuses'])})")
    return {"ok": ok, "line": line, **result}


def _tally(responses) -> dict[int, int]:
    out: dict[int, int] = {}
    for r in responses:
        out[r.status_code] = out.get(r.status_code, 0) + 1
    return out


def _has_5xx(statuses: dict[int, int]) -> bool:
    return any(code >= 500 for code in statuses)


def _failures(failures: dict[str, int]) -> str:
    return f" (failed: {_show(failures)})" if failures else ""


def _show(statuses: dict[int, int]) -> str:
    return ", ".join(f"{n} × {code}" for code, n in sorted(statuses.items()))


@contextlib.contextmanager
def private_redis():
    port = free_port()
    args = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    state = {"proc": None}

    def start():
        state["proc"] = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            with contextlib.suppress(OSError):
                import socket

                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return
            time.sleep(0.05)

    def kill():
        state["proc"].kill()
        state["proc"].wait()

    start()
    try:
        yield f"redis://127.0.0.1:{port}/0", start, kill
    finally:
        if state["proc"].poll() is None:
            kill()


def redis_down(seconds_down: float = 10, pupils: int = 300) -> dict:
    """Redis killed while pupils type their codes (2 workers): everyone still gets in."""
    with workdir() as tmp, database("sqlite", tmp) as url, private_redis() as (redis_url, start, kill):
        school = School(url, tmp, pupils, 1)
        server = Server(school, workers=2, INSPRAAK_REDIS_URL=redis_url)

        async def joins(codes: list[str]) -> dict[str, int]:
            result: dict[str, int] = {}
            gate = asyncio.Semaphore(20)

            async def one(code: str):
                async with gate:
                    p = Pupil(server.url, code)
                    try:
                        await p.join()
                        result["ok"] = result.get("ok", 0) + 1
                    except (RuntimeError, httpx.HTTPError) as error:
                        result[str(error)[:40]] = result.get(str(error)[:40], 0) + 1
                    finally:
                        await p.close()

            await asyncio.gather(*(one(c) for c in codes))
            return result

        def shared_keys() -> int:
            import redis

            return len(list(redis.Redis.from_url(redis_url).scan_iter("inspraak:rl:*")))

        try:
            third = pupils // 3
            before = asyncio.run(joins(school.codes[:third]))
            kill()
            started = time.monotonic()
            down = asyncio.run(joins(school.codes[third:2 * third]))
            down_for = time.monotonic() - started
            time.sleep(max(0.0, seconds_down - down_for))
            start()
            time.sleep(6)  # past the limiter's 5 s pause before it tries Redis again
            after = asyncio.run(joins(school.codes[2 * third:]))
            keys = shared_keys()
        finally:
            server.stop()
        log_lines = server.log_path.read_text(errors="replace").count("Redis unavailable")
    ok = before.get("ok") == third and down.get("ok") == third and after.get("ok") == pupils - 2 * third and keys > 0
    line = (f"redis-down (2 workers): joins before {before.get('ok', 0)}/{third}, while Redis was down "
            f"{down.get('ok', 0)}/{third}, after it came back {after.get('ok', 0)}/{pupils - 2 * third} "
            f"(counters in Redis again: {keys}); {log_lines} log lines about it")
    return {"ok": ok, "line": line, "before": before, "down": down, "after": after, "log_lines": log_lines}


def slow_clients(connections: int = 18_000, probe_every: float = 0.5) -> dict:
    """Many half-sent requests (a slow-loris flood) while a pupil keeps loading a page."""
    with workdir() as tmp, database("sqlite", tmp) as url:
        school = School(url, tmp, 0, 0)
        server = Server(school, workers=1)
        log_before = server.log_path.stat().st_size

        async def run() -> dict:
            held, probes, stop, failures = [], [], asyncio.Event(), {}

            async def flood():
                for i in range(connections):
                    with contextlib.suppress(OSError):
                        _r, w = await asyncio.open_connection("127.0.0.1", server.port)
                        w.write(b"POST /aanmelden HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\nX-A: ")
                        held.append(w)
                    if i % 200 == 199:
                        await asyncio.sleep(0.05)  # about 4,000 connections a second
                await asyncio.sleep(3)
                stop.set()

            async def probe():
                async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
                    while not stop.is_set():
                        started = time.perf_counter()
                        try:
                            status = (await client.get("/", headers={"connection": "close"})).status_code
                        except httpx.HTTPError as error:
                            status = type(error).__name__
                        probes.append((status == 200, time.perf_counter() - started))
                        if status != 200:
                            failures[str(status)] = failures.get(str(status), 0) + 1
                        await asyncio.sleep(probe_every)

            started = time.monotonic()
            await asyncio.gather(flood(), probe())
            seconds = time.monotonic() - started
            for w in held:
                w.close()
            return {"opened": len(held), "seconds": round(seconds, 1), "probes": probes, "failures": failures}

        try:
            result = asyncio.run(run())
        finally:
            server.stop()
        grew = server.log_path.stat().st_size - log_before
    answered = [t for ok, t in result["probes"] if ok]
    ok = len(answered) == len(result["probes"]) and percentile(answered, 100) < 2
    line = (f"slow clients: {result['opened']} half-sent requests in {result['seconds']} s; a pupil's page loaded "
            f"{len(answered)}/{len(result['probes'])} times, p99 {percentile(answered, 99) * 1000:.0f} ms, "
            f"max {percentile(answered, 100) * 1000:.0f} ms{_failures(result['failures'])}; "
            f"log grew {grew / 1024:.1f} KB")
    return {"ok": ok, "line": line, "opened": result["opened"], "log_growth": grew}
